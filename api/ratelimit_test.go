package api

import (
	"strconv"
	"testing"
	"time"
)

// TestWriteLimiter checks the token bucket per address: a burst, then a
// refusal that says how long to wait, a token back after that wait, and
// addresses that do not share a bucket.
func TestWriteLimiter(t *testing.T) {
	type step struct {
		after  time.Duration // clock moves this much first
		client string
		ok     bool
		wait   time.Duration // when refused: at least this, under it + 10 ms
	}
	// 60 a minute (one a second), burst 3.
	tests := []struct {
		name  string
		steps []step
	}{
		{"burst then refused", []step{
			{0, "a", true, 0}, {0, "a", true, 0}, {0, "a", true, 0},
			{0, "a", false, time.Second},
		}},
		{"refilled after the wait", []step{
			{0, "a", true, 0}, {0, "a", true, 0}, {0, "a", true, 0},
			{400 * time.Millisecond, "a", false, 600 * time.Millisecond},
			{600 * time.Millisecond, "a", true, 0},
			{0, "a", false, time.Second},
		}},
		{"addresses apart", []step{
			{0, "a", true, 0}, {0, "a", true, 0}, {0, "a", true, 0}, {0, "a", false, time.Second},
			{0, "b", true, 0},
		}},
		{"never more than the burst", []step{
			{time.Hour, "a", true, 0}, {0, "a", true, 0}, {0, "a", true, 0}, {0, "a", false, time.Second},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			l := newRateLimiter(60, 3)
			l.now = func() time.Time { return now }
			for i, s := range tc.steps {
				now = now.Add(s.after)
				ok, wait := l.allow(s.client)
				if ok != s.ok {
					t.Fatalf("step %d (%s): allowed %v, want %v", i, s.client, ok, s.ok)
				}
				if !ok && (wait < s.wait-time.Millisecond || wait > s.wait+10*time.Millisecond) {
					t.Errorf("step %d: wait %v, want about %v", i, wait, s.wait)
				}
			}
		})
	}
	if newRateLimiter(0, 5) != nil {
		t.Error("a rate of 0 should mean no limiter")
	}
}

// TestWriteLimiterForgets checks that buckets full again are dropped when
// the table reaches its bound, and a client still short of tokens is kept.
func TestWriteLimiterForgets(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newRateLimiter(60, 3)
	l.now = func() time.Time { return now }
	for range 3 {
		l.allow("busy")
	}
	for i := range limiterPruneAt {
		l.allow("10.1." + strconv.Itoa(i))
	}
	now = now.Add(2 * time.Second) // the one-off clients are full again; busy is not
	l.allow("new")
	if n := len(l.buckets); n != 2 {
		t.Errorf("%d buckets after pruning, want 2 (busy and new)", n)
	}
	if _, ok := l.buckets["busy"]; !ok {
		t.Error("a client short of tokens was forgotten")
	}
}
