package ingest_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"nianbao/ingest"
	"nianbao/internal/corpus"
	"nianbao/store"
)

// BenchmarkParse measures text parsing throughput over the 50 excerpts
// and the seed (reports/s is printed as a metric).
func BenchmarkParse(b *testing.B) {
	dir := corpus.Dir(b, "excerpts")
	files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	files = append(files, filepath.Join(corpus.Dir(b, "seed"), "laodong-2022.txt"))
	texts := make([]string, len(files))
	for i, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		texts[i] = string(data)
	}
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		for j, t := range texts {
			if _, err := ingest.ParseText(files[j], t, ingest.Meta{}); err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "reports/s")
}

// BenchmarkIngest measures the whole pipeline, files to DuckDB: parse on
// all cores, then one transaction per report (replacing on re-ingest).
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
