package query

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"nianbao/query/querytest"
)

// TestConcurrentMissesComputeOnce: eight readers missing the same key at
// once run its computation once and all get its value.
func TestConcurrentMissesComputeOnce(t *testing.T) {
	s := New(querytest.Open(t))
	var runs atomic.Int32
	release := make(chan struct{})
	compute := func() (int, error) {
		runs.Add(1)
		<-release
		return 42, nil
	}
	var wg sync.WaitGroup
	got := make([]int, 8)
	for i := range got {
		wg.Go(func() {
			v, err := cached(context.Background(), s, "k", compute)
			if err != nil {
				t.Error(err)
			}
			got[i] = v
		})
	}
	// Without sharing, every reader would be inside compute by now.
	time.Sleep(200 * time.Millisecond)
	close(release)
	wg.Wait()
	if n := runs.Load(); n != 1 {
		t.Errorf("computed %d times for 8 concurrent readers, want once", n)
	}
	for i, v := range got {
		if v != 42 {
			t.Errorf("reader %d got %d", i, v)
		}
	}
	// A new generation computes again.
	s.Invalidate()
	release = make(chan struct{})
	close(release)
	if _, err := cached(context.Background(), s, "k", compute); err != nil || runs.Load() != 2 {
		t.Errorf("after Invalidate: runs %d, err %v", runs.Load(), err)
	}
}

// TestUnkeptNotKept: a reader marked Unkept gets the value but leaves
// nothing in the cache; an ordinary reader's value is kept.
func TestUnkeptNotKept(t *testing.T) {
	s := New(querytest.Open(t))
	runs := 0
	compute := func() (int, error) { runs++; return 7, nil }
	ctx := context.Background()
	for i := range 2 {
		if v, err := cached(Unkept(ctx), s, "k", compute); err != nil || v != 7 || runs != i+1 {
			t.Fatalf("unkept read %d: %d, %v, computed %d times", i, v, err, runs)
		}
	}
	for range 2 {
		if v, err := cached(ctx, s, "k", compute); err != nil || v != 7 || runs != 3 {
			t.Fatalf("kept reads: %d, %v, computed %d times, want 3", v, err, runs)
		}
	}
}
