package query

import (
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"nianbao/query/querytest"
)

// TestPrepareAfterWritesWaitsForQuiet: a burst of writes computes the
// place tree once, after the writes stop for the settle time, not once a
// write (at 200 000 reports each computation costs about a second of CPU,
// which every upload of a burst paid).
func TestPrepareAfterWritesWaitsForQuiet(t *testing.T) {
	st, _ := querytest.Seed(t)
	q := New(st)
	var places atomic.Int32
	stop := q.Record(func(s Statement) {
		if s.Name == "Places" {
			places.Add(1)
		}
	})
	defer stop()
	const settle = 300 * time.Millisecond
	q.prepareAfterWrites(slog.New(slog.NewTextHandler(io.Discard, nil)), settle)
	// The start counts as a write: quiet for settle, then one computation.
	waitFor(t, &places, 1, 5*time.Second)
	// Ten writes 50 ms apart: none computes while they come.
	for range 10 {
		q.Invalidate()
		time.Sleep(50 * time.Millisecond)
	}
	if n := places.Load(); n != 1 {
		t.Fatalf("the place tree was computed %d times during the writes, want 1 (the start's only)", n)
	}
	// After the burst: exactly one more.
	waitFor(t, &places, 2, 5*time.Second)
	time.Sleep(2 * settle)
	if n := places.Load(); n != 2 {
		t.Errorf("the place tree was computed %d times after a burst, want 2", n)
	}
}

func waitFor(t *testing.T, n *atomic.Int32, want int32, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for n.Load() < want {
		if time.Now().After(deadline) {
			t.Fatalf("the place tree was computed %d times in %v, want %d", n.Load(), limit, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
