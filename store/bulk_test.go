package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestBulkLoadHoldsCheckpoints: a batch of bulkReports reports raises
// DuckDB's checkpoint threshold and leaves it raised for the next batch;
// the next single save restores it and checkpoints the load's log once
// (the .wal file then holds that one report); a small batch alone raises nothing.
func TestBulkLoadHoldsCheckpoints(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "bulk.duckdb")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	setting := func() string {
		t.Helper()
		var v string
		if err := s.DB().QueryRow(`SELECT current_setting('checkpoint_threshold')`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	batch := func(from, n int) {
		t.Helper()
		items := make([]BatchItem, n)
		for i := range items {
			items[i] = BatchItem{Report: full("劳动镇人民政府", "乐至县", 1900+from+i, 2, "h")}
		}
		if _, errs, err := s.SaveBatch(ctx, items); err != nil || errs[0] != nil {
			t.Fatalf("batch: %v %v", err, errs[0])
		}
	}
	def := setting()
	batch(0, bulkReports-1)
	if got := setting(); got != def {
		t.Fatalf("a batch of %d reports raised the threshold: %s (default %s)", bulkReports-1, got, def)
	}
	batch(100, bulkReports)
	held := setting()
	if held == def {
		t.Fatalf("a batch of %d reports left the threshold at %s", bulkReports, held)
	}
	batch(200, 3)
	if got := setting(); got != held {
		t.Fatalf("a later batch of the load restored the threshold: %s", got)
	}
	walSize := func() int64 {
		fi, err := os.Stat(path + ".wal")
		if err != nil {
			return 0
		}
		return fi.Size()
	}
	load := walSize()
	if _, err := s.Save(ctx, full("劳动镇人民政府", "乐至县", 2300, 2, "h")); err != nil {
		t.Fatal(err)
	}
	if got := setting(); got != def {
		t.Fatalf("after a single save the threshold is %s, want %s", got, def)
	}
	// The log now holds the one report saved after the checkpoint.
	if after := walSize(); load == 0 || after >= load/10 {
		t.Fatalf("the load's log was not checkpointed: %d bytes before the save, %d after", load, after)
	}
}
