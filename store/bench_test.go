package store

import (
	"context"
	"testing"
)

// BenchmarkEnsureRegistry loads the national registry into a fresh
// in-memory database, as the first ingest or filing query of a database
// does.
func BenchmarkEnsureRegistry(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		s, err := Open("")
		if err != nil {
			b.Fatal(err)
		}
		if err := s.EnsureRegistry(ctx); err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}
