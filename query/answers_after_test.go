package query

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"nianbao/query/querytest"
)

// TestAfterPrepareRunsAfterWrites: the work registered with AfterPrepare
// runs in the background once writes pause, after the generation's own
// values (the place tree ready when it starts), once per burst.
func TestAfterPrepareRunsAfterWrites(t *testing.T) {
	st, _ := querytest.Seed(t)
	q := New(st)
	var runs, treeReady atomic.Int32
	q.AfterPrepare(func(ctx context.Context) error {
		q.mu.Lock()
		if q.prep != nil && q.prep.gen == q.gen {
			treeReady.Add(1)
		}
		q.mu.Unlock()
		runs.Add(1)
		return nil
	})
	const settle = 200 * time.Millisecond
	q.prepareAfterWrites(slog.New(slog.NewTextHandler(io.Discard, nil)), settle)
	waitFor(t, &runs, 1, 5*time.Second)
	for range 5 {
		q.Invalidate()
		time.Sleep(30 * time.Millisecond)
	}
	waitFor(t, &runs, 2, 5*time.Second)
	time.Sleep(2 * settle)
	if n, ready := runs.Load(), treeReady.Load(); n != 2 || ready != n {
		t.Errorf("ran %d times (%d with the place tree ready), want 2 (the start, then once after the burst)", n, ready)
	}
}
