package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestDuckDBMemory: DuckDB's account of its memory is read while the
// store is in use, its parts named by tag, and grows with what a save
// leaves in DuckDB's buffers.
func TestDuckDBMemory(t *testing.T) {
	ctx := context.Background()
	s, err := Open(filepath.Join(t.TempDir(), "mem.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	before, _, _, err := s.DuckDBMemory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		if _, err := s.Save(ctx, sample("青石镇", float64(i))); err != nil {
			t.Fatal(err)
		}
	}
	used, spilled, top, err := s.DuckDBMemory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if used <= 0 || used < before || spilled < 0 {
		t.Errorf("DuckDB memory %d bytes (%d before the saves), spilled %d", used, before, spilled)
	}
	if top == "" || !strings.Contains(top, " MB") || strings.Count(top, "、") > 2 {
		t.Errorf("largest parts %q: want one to three \"tag N MB\"", top)
	}
}
