package ingest_test

import (
	"context"
	"path/filepath"
	"testing"

	"nianbao/ingest"
	"nianbao/internal/corpus"
	"nianbao/store"
)

func BenchmarkIngest(b *testing.B) {
	dir := corpus.Dir(b, "excerpts")
	seed := corpus.Dir(b, "seed")
	st, err := store.Open(filepath.Join(b.TempDir(), "bench.duckdb"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	b.ResetTimer()
	stored := 0
	for i := 0; i < b.N; i++ {
		sum, err := ingest.IngestPaths(context.Background(), st, []string{dir, seed}, ingest.Meta{}, nil)
		if err != nil {
			b.Fatal(err)
		}
		stored += sum.Stored
	}
	b.ReportMetric(float64(stored)/b.Elapsed().Seconds(), "reports/s")
}
