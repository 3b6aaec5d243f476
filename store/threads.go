package store

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"time"
)

const (
	sqlThreads   = `SELECT current_setting('threads')`
	sqlOneThread = `SET GLOBAL threads = 1`
)

// oneThreadHold is how long DuckDB stays on one thread after a save: the
// next upload of a clerk's batch finds it so, and no save pays for
// stopping and starting DuckDB's worker again.
const oneThreadHold = time.Second

// threadState is DuckDB's thread count lowered for saves (oneThread).
type threadState struct {
	mu sync.Mutex
	// was is the count before it was lowered; 0: not lowered.
	was   int
	timer *time.Timer
	gen   int // which hold the timer ends
}

// oneThread runs DuckDB on one thread for a save, and for oneThreadHold
// after the last one. A save's statements each touch a few row groups,
// and DuckDB's worker woken for each, then waiting for more, cost more
// than it saved: with two threads on 2 cores an upload into 200 000
// reports took about 62 ms of CPU, on one 47–50 ms; lowering and raising
// the count around each save (the worker stopped and started again)
// saved only 2–4 ms of it (docs/benchmarks.md, "third pass"). threads is
// DuckDB's one setting for the whole database: reads running meanwhile,
// and for a second after a save, run on one thread too. done ends the
// save; the count goes back once the hold has passed with no save.
func (s *Store) oneThread(ctx context.Context) (done func(), err error) {
	t := &s.threads
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.timer != nil {
		t.timer.Stop()
		t.timer = nil
	}
	t.gen++
	if t.was == 0 {
		var n int
		if err := s.db.QueryRowContext(ctx, sqlThreads).Scan(&n); err != nil {
			return nil, err
		}
		if n <= 1 {
			return func() {}, nil
		}
		if _, err := s.db.ExecContext(ctx, sqlOneThread); err != nil {
			return nil, err
		}
		t.was = n
	}
	return func() {
		t.mu.Lock()
		defer t.mu.Unlock()
		if t.was == 0 {
			return // restored by Close meanwhile
		}
		gen := t.gen
		t.timer = time.AfterFunc(oneThreadHold, func() {
			t.mu.Lock()
			defer t.mu.Unlock()
			if t.gen == gen {
				s.restoreThreads()
			}
		})
	}, nil
}

// restoreThreads puts DuckDB's thread count back; called with
// s.threads.mu held.
func (s *Store) restoreThreads() {
	t := &s.threads
	if t.timer != nil {
		t.timer.Stop()
		t.timer = nil
	}
	if t.was == 0 {
		return
	}
	// was is the setting read before, an integer: nothing from outside.
	if _, err := s.db.ExecContext(context.Background(), "SET GLOBAL threads = "+strconv.Itoa(t.was)); err != nil {
		slog.Error("DuckDB threads not restored after saves", "db", s.path, "threads", t.was, "err", err)
	}
	t.was = 0
}

// endOneThread restores the thread count at once (Close, and tests).
func (s *Store) endOneThread() {
	s.threads.mu.Lock()
	defer s.threads.mu.Unlock()
	s.restoreThreads()
}
