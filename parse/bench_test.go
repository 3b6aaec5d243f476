package parse

import (
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"nianbao/generate"
	"nianbao/internal/corpus"
	"nianbao/registry"
	"nianbao/report"
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
// It prints reports/s and µs/report (wall clock), and cpu-µs/report: the
// process's CPU time over the loop, the garbage collector's included (the
// steadier figure on a shared machine).
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
	cpu := cpuTime(b)
	for i := 0; i < b.N; i++ {
		d := docs[i%len(docs)]
		if _, err := Text(d.Path, texts[i%len(docs)], Meta{Agency: d.Report.Agency, County: d.Report.County, Year: d.Report.Year, Places: reg}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reports/s")
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/report")
	b.ReportMetric(float64((cpuTime(b)-cpu).Microseconds())/float64(b.N), "cpu-µs/report")
}

// cpuTime is the CPU time this process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestCellsPerReportFitsOneTable holds cellsPerReport to its reason: the
// maps a parse makes with it are half the size they are one cell larger
// (Go's map doubles its table past 7/8 of 256 slots), and a national
// report's cells fit in it. It fails if the runtime's maps change so that
// the hint no longer saves anything, or if the reports grow past it.
func TestCellsPerReportFitsOneTable(t *testing.T) {
	var keep []map[string]report.Source
	size := func(hint int) uint64 {
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		for range 10 {
			keep = append(keep, make(map[string]report.Source, hint))
		}
		runtime.ReadMemStats(&m1)
		return (m1.TotalAlloc - m0.TotalAlloc) / 10
	}
	at, past := size(cellsPerReport), size(cellsPerReport+1)
	runtime.KeepAlive(keep)
	if at*10 > past*6 {
		t.Errorf("a map of %d sources takes %d bytes, of %d %d: the hint saves nothing", cellsPerReport, at, cellsPerReport+1, past)
	}
	docs, err := nationalTexts()
	if err != nil {
		t.Fatal(err)
	}
	most := 0
	for _, d := range docs[:min(len(docs), 100)] {
		r, err := Text(d.Path, string(d.Data), Meta{})
		if err != nil {
			t.Fatal(err)
		}
		most = max(most, len(r.Cells))
	}
	if most == 0 || most > cellsPerReport {
		t.Errorf("national reports hold up to %d cells, cellsPerReport is %d", most, cellsPerReport)
	}
}
