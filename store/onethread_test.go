package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestSaveRunsOnOneThreadAndRestores: inside a save's transaction DuckDB
// runs on one thread, and stays so for the hold after it (the next save
// of a batch finds it so); once the hold has passed, whether the save
// committed or failed, the setting is what it was.
func TestSaveRunsOnOneThreadAndRestores(t *testing.T) {
	ctx := context.Background()
	s := openMem(t)
	if _, err := s.db.ExecContext(ctx, `SET GLOBAL threads = 3`); err != nil {
		t.Fatal(err)
	}
	threads := func() int {
		t.Helper()
		var n int
		if err := s.db.QueryRowContext(ctx, sqlThreads).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	fail := errors.New("失败")
	for _, c := range []struct {
		name string
		err  error
	}{{"committed", nil}, {"failed", fail}} {
		inside := 0
		_, err := s.SaveWith(ctx, full("乐至县"+c.name+"局", "乐至县", 2023, 1, c.name), SaveOptions{Recheck: func(ctx context.Context, tx *AssessTx) error {
			inside = threads()
			return c.err
		}})
		if !errors.Is(err, c.err) {
			t.Fatalf("%s: %v", c.name, err)
		}
		if inside != 1 {
			t.Errorf("%s: %d threads inside the save, want 1", c.name, inside)
		}
		if n := threads(); n != 1 {
			t.Errorf("%s: %d threads right after the save, want 1 (held)", c.name, n)
		}
		deadline := time.Now().Add(oneThreadHold + 5*time.Second)
		for threads() != 3 && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if n := threads(); n != 3 {
			t.Errorf("%s: %d threads after the hold, want 3 as before", c.name, n)
		}
	}
}
