package ingest_test

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"nianbao/generate"
	"nianbao/registry"
)

// nationalPDFs writes n reports of the national corpus as PDF, in the
// corpus's own folders with their manifest.csv, and returns the folder.
// The national corpus has no PDF of its own because each one takes a
// Chromium process to print; here they are printed two at a time, one per
// core, which costs about a second each.
func nationalPDFs(tb testing.TB, n int) string {
	tb.Helper()
	reg, err := registry.Default()
	if err != nil {
		tb.Fatal(err)
	}
	var docs []generate.NationalDoc
	err = generate.National(generate.NationalPlaces(reg, 3), generate.NationalOptions{Seed: 5, Limit: n}, func(d generate.NationalDoc) error {
		docs = append(docs, d)
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	root := tb.TempDir()
	pdfs := make([][]byte, len(docs))
	errs := make([]error, len(docs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for i, d := range docs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			pdfs[i], errs[i] = generate.RenderPDF(d.Report)
		}()
	}
	wg.Wait()
	manifests := map[string]*bytes.Buffer{}
	for i, d := range docs {
		if errs[i] != nil {
			tb.Skipf("PDF needs Chromium (scripts/setup.sh installs it): %v", errs[i])
		}
		path := filepath.Join(root, filepath.FromSlash(strings.TrimSuffix(d.Path, filepath.Ext(d.Path))+".pdf"))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, pdfs[i], 0o644); err != nil {
			tb.Fatal(err)
		}
		m := manifests[filepath.Dir(path)]
		if m == nil {
			m = bytes.NewBufferString("file,agency,county,year,county_code\n")
			manifests[filepath.Dir(path)] = m
		}
		w := csv.NewWriter(m)
		w.Write([]string{filepath.Base(path), d.Report.Agency, d.Report.County, strconv.Itoa(d.Report.Year), d.CountyCode})
		w.Flush()
	}
	for folder, m := range manifests {
		if err := os.WriteFile(filepath.Join(folder, "manifest.csv"), m.Bytes(), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return root
}

// BenchmarkIngestPDF ingests national reports printed to PDF (read with
// pdftotext, parsed, stored) and prints the figure against DuckDB's floor,
// as BenchmarkIngestFormats does for the other formats.
// NIANBAO_BENCH_PDF sets how many (default 40).
func BenchmarkIngestPDF(b *testing.B) {
	n := 40
	if v, err := strconv.Atoi(os.Getenv("NIANBAO_BENCH_PDF")); err == nil && v > 0 {
		n = v
	}
	dir := nationalPDFs(b, n)
	var f ingestFigures
	for b.Loop() {
		f = measureIngest(b, dir, 256)
	}
	b.Log("pdf", f)
	b.ReportMetric(float64(f.Reports)/f.Ingest.Seconds(), "reports/s")
	b.ReportMetric(f.Ingest.Seconds()/f.Floor.Seconds(), "x_floor")
}

// TestIngestPDFBenchmarkRuns keeps the PDF benchmark's code working in CI
// on two documents; it asserts what was stored, never a time.
func TestIngestPDFBenchmarkRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("prints PDFs with Chromium")
	}
	f := measureIngest(t, nationalPDFs(t, 2), 4)
	if f.Reports != 2 || f.Cells < 100 {
		t.Fatalf("stored %d of 2 PDF reports, %d cells", f.Reports, f.Cells)
	}
	t.Log("pdf", f)
}
