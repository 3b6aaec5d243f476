package parse

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"nianbao/generate"
	"nianbao/internal/corpus"
	"nianbao/registry"
)

// BenchmarkParse measures text parsing throughput over the 50 excerpts
// and the seed (reports/s is printed as a metric), with the registry as
// ingest hands it in.
func BenchmarkParse(b *testing.B) {
	reg, err := registry.Default()
	if err != nil {
		b.Fatal(err)
	}
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
			if _, err := Text(files[j], t, Meta{Places: reg}); err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "reports/s")
}

// nationalTexts are the text reports of a national sample (the shape a
// bulk ingest sees), made once for every run of BenchmarkParseNational.
var nationalTexts = sync.OnceValues(func() ([]generate.NationalDoc, error) {
	reg, err := registry.Default()
	if err != nil {
		return nil, err
	}
	var docs []generate.NationalDoc
	err = generate.National(generate.NationalPlaces(reg, 1), generate.NationalOptions{Seed: 1, Limit: 1000}, func(d generate.NationalDoc) error {
		if d.Format == "txt" {
			docs = append(docs, d)
		}
		return nil
	})
	return docs, err
})

// BenchmarkParseNational parses generated national text reports, one
// report per iteration (cycling over about 600 of them), with the meta a
// manifest gives, as ingest does: -benchtime 5000x parses 5 000 reports.
// It prints reports/s and µs/report; CPU per report is best read with
// GOMAXPROCS=1 /usr/bin/time -f %U on the test binary (docs/benchmarks.md).
func BenchmarkParseNational(b *testing.B) {
	docs, err := nationalTexts()
	if err != nil {
		b.Fatal(err)
	}
	reg, err := registry.Default()
	if err != nil {
		b.Fatal(err)
	}
	texts := make([]string, len(docs))
	for i, d := range docs {
		texts[i] = string(d.Data)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d := docs[i%len(docs)]
		if _, err := Text(d.Path, texts[i%len(docs)], Meta{Agency: d.Report.Agency, County: d.Report.County, Year: d.Report.Year, Places: reg}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reports/s")
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/report")
}
