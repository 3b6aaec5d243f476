package ingest

import (
	"context"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"nianbao/generate"
	"nianbao/registry"
	"nianbao/store"
)

// nationalFiles writes n generated national reports (every format) to a
// temporary folder and returns their paths.
func nationalFiles(t *testing.T, n int) []string {
	t.Helper()
	reg, err := registry.Default()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := generate.WriteNational(dir, generate.NationalPlaces(reg, 5), generate.NationalOptions{Seed: 5, Limit: n}); err != nil {
		t.Fatal(err)
	}
	files, err := CollectFiles([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestQueueBoundsReadersAhead: with the ingest's queue, the readers stop
// taking files once the results not yet released reach the bound (less
// than what the stream would read ahead without it), the results still
// arrive whole and in order, and everything released leaves the queue
// empty. The consumer plays a writer storing batches of three.
func TestQueueBoundsReadersAhead(t *testing.T) {
	files := nationalFiles(t, 60)
	// The cost of every result, read once without the queue.
	costs := map[string]int64{}
	var maxCost int64
	for res := range ParseStream(context.Background(), files, Meta{}, 0) {
		costs[res.Path] = resultCost(res)
		maxCost = max(maxCost, costs[res.Path])
	}
	for _, limit := range []int64{1, 3 * maxCost} {
		q := newQueue(limit)
		var got []string
		var held []Result
		for res := range parseStream(context.Background(), files, Meta{}, 4096, q, 0) {
			if res.cost != costs[res.Path] {
				t.Errorf("%s: cost %d in the queue, %d read alone", res.Path, res.cost, costs[res.Path])
			}
			got = append(got, res.Path)
			// A writer slower than the readers, so that without the
			// bound they would run far ahead.
			time.Sleep(5 * time.Millisecond)
			// Like the writer, it stores what it holds once the queue is
			// at its bound: waiting for a third result then would wait
			// for readers the bound stops (a deadlock whenever a reader
			// adds its result before the next file is dispatched).
			if held = append(held, res); len(held) == 3 || q.full() {
				for _, h := range held {
					q.release(h.cost)
				}
				held = held[:0]
			}
		}
		for _, h := range held {
			q.release(h.cost)
		}
		if len(got) != len(files) {
			t.Fatalf("limit %d: %d results, want %d", limit, len(got), len(files))
		}
		for i := range files {
			if got[i] != files[i] {
				t.Fatalf("limit %d: result %d is %s, want %s (out of order)", limit, i, got[i], files[i])
			}
		}
		// A file is dispatched only under the bound, so past it there are
		// at most the files being read and the one dispatched waiting for
		// a reader.
		if bound := limit + int64(runtime.GOMAXPROCS(0)+1)*maxCost; q.peak > bound {
			t.Errorf("limit %d: the queue held %d bytes, over %d", limit, q.peak, bound)
		}
		if q.used != 0 {
			t.Errorf("limit %d: %d bytes left in the queue after every release", limit, q.used)
		}
	}
}

// TestIngestReleasesItsQueue: the writer releases every result it takes,
// stored or not, so an ingest through a queue far smaller than the
// corpus ends (a leak would stop the readers for good) with the queue
// empty and every report stored.
func TestIngestReleasesItsQueue(t *testing.T) {
	files := nationalFiles(t, 40)
	files = append(files, filepath.Join(filepath.Dir(files[0]), "missing.txt")) // a failure: released too
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	q := newQueue(200 << 10)
	sum, err := storeResults(ctx, st, parseStream(ctx, files, Meta{}, 4096, q, 0), len(files), Options{BatchSize: 8, MaxOriginal: -1}, nil, q)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Stored != len(files)-1 || sum.Failed != 1 {
		t.Errorf("stored %d, failed %d; want %d and 1: %v", sum.Stored, sum.Failed, len(files)-1, sum.Failures)
	}
	if q.used != 0 {
		t.Errorf("%d bytes left in the queue after the ingest", q.used)
	}
}

// TestBatchFills: a writer finding fewer than a batch queued waits for
// more while the queue has room (a batch costs its lookups and a commit
// whatever its size), and does not wait when the queue is at its bound
// (nothing more is read until it stores). Results arrive one at a time
// here, as from slow readers.
func TestBatchFills(t *testing.T) {
	files := nationalFiles(t, 24)
	read := ParseAll(files, Meta{})
	for _, c := range []struct {
		name string
		full bool
		want int64 // batches
	}{
		{"room: batches of 16", false, 2},
		{"at the bound: each result stored as it comes", true, 24},
	} {
		t.Run(c.name, func(t *testing.T) {
			st, err := store.Open("")
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			q := newQueue(1 << 30)
			if c.full {
				q.add(1 << 30)
			}
			stats := &Stats{}
			results := make(chan Result)
			go func() {
				defer close(results)
				for i, res := range read {
					results <- res
					if !c.full {
						time.Sleep(2 * time.Millisecond)
						continue
					}
					for stats.Batches.Load() < int64(i+1) { // the writer stored it
						time.Sleep(time.Millisecond)
					}
				}
			}()
			start := time.Now()
			sum, err := storeResults(context.Background(), st, results, len(read), Options{BatchSize: 16, MaxOriginal: -1, Stats: stats}, nil, q)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Stored != len(read) {
				t.Fatalf("stored %d of %d: %v", sum.Stored, len(read), sum.Failures)
			}
			if got := stats.Batches.Load(); got != c.want {
				t.Errorf("%d batches, want %d", got, c.want)
			}
			if c.full && time.Since(start) > time.Duration(len(read))*fillWait/2 {
				t.Errorf("took %v: the writer waited for more though the queue was at its bound", time.Since(start))
			}
		})
	}
}
