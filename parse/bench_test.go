package parse

import (
	"os"
	"path/filepath"
	"testing"

	"nianbao/internal/corpus"
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
			if _, err := Text(files[j], t, Meta{}); err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "reports/s")
}

// BenchmarkIngest measures the whole pipeline, files to DuckDB: parse on
// all cores, then one transaction per report (replacing on re-ingest).
