package query

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Besides the values a generation computes for the query layer (the
// place tree, prepared.go), others may have work of their own to do once
// per generation: the API encodes again the whole-country answers readers
// asked for in the generation before (the outcomes of every county: 2.6
// MB of JSON at 200 000 reports). They register it here; it runs in the
// background after the generation's own values, once writes pause
// (PrepareAfterWrites), and analytics bench --latency runs it at will to
// time it.

// afterPrepare is the work registered, run in the order of registration.
type afterPrepare struct {
	mu   sync.Mutex
	fns  []func(ctx context.Context) error
	held bool // HoldAfterPrepare
}

// AfterPrepare registers fn to run once per data generation after the
// generation's own values (in the background after writes pause, when
// PrepareAfterWrites is on). fn must be safe to run concurrently with
// itself and with readers: a reader may ask for what it computes first.
func (s *Service) AfterPrepare(fn func(ctx context.Context) error) {
	s.after.mu.Lock()
	defer s.after.mu.Unlock()
	s.after.fns = append(s.after.fns, fn)
}

// PrepareAnswers runs the registered work for the current generation now
// and says how long it took (analytics bench --latency: the per-generation
// cost of the pre-encoded answers).
func (s *Service) PrepareAnswers(ctx context.Context) (time.Duration, error) {
	start := time.Now()
	s.after.mu.Lock()
	fns := s.after.fns
	s.after.mu.Unlock()
	for _, fn := range fns {
		if err := fn(ctx); err != nil {
			return time.Since(start), err
		}
	}
	return time.Since(start), nil
}

// HoldAfterPrepare keeps the background loop from running the registered
// work: it then runs only through PrepareAnswers. analytics bench
// --latency times the first request after a write (which computes its
// answer) apart from one after the work, and the work must not run in
// the background while it measures the first.
func (s *Service) HoldAfterPrepare() {
	s.after.mu.Lock()
	s.after.held = true
	s.after.mu.Unlock()
}

// runAfterPrepare is PrepareAnswers in the background loop: errors are
// logged, the next reader then computes what failed.
func (s *Service) runAfterPrepare(log *slog.Logger) {
	s.after.mu.Lock()
	held := s.after.held
	s.after.mu.Unlock()
	if held {
		return
	}
	if _, err := s.PrepareAnswers(context.Background()); err != nil {
		log.Warn("query: the work of a generation after a write failed; readers compute it", "err", err)
	}
}
