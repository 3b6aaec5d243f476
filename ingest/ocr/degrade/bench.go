package degrade

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"nianbao/generate"
	"nianbao/ingest"
	"nianbao/report"
)

// An Input is a born-digital report PDF and the cells it holds.
type Input struct {
	Name  string
	PDF   string // path of the born-digital PDF
	Truth *report.Report
}

// Result is one scan read back: its score and how fast it was read.
type Result struct {
	Document    string  `json:"document"`
	DPI         int     `json:"dpi"`
	Degradation string  `json:"degradation"`
	Score       Score   `json:"score"`
	Pages       int     `json:"pages"`
	Seconds     float64 `json:"seconds"`
}

// PagesPerSecond is the read's speed, rendering to parsing.
func (r Result) PagesPerSecond() float64 { return float64(r.Pages) / max(r.Seconds, 1e-9) }

// Read scans an input at dpi with degradation d (Scan, in the temporary
// folder dir), reads the scan as Nianbao reads an upload (OCR and the
// parser) and scores it against the input's truth; the time is the read's.
func Read(in Input, dpi int, d Degradation, dir string) (Result, error) {
	scanned, pages, err := Scan(in.PDF, dpi, d, dir)
	if err != nil {
		return Result{}, err
	}
	start := time.Now()
	rs, err := ingest.ParseBytes(in.Name, scanned, ingest.Meta{})
	took := time.Since(start)
	if err != nil {
		return Result{}, fmt.Errorf("%s 扫描件（%d DPI，%s）读不出：%w", in.Name, dpi, d.Name, err)
	}
	return Result{Document: in.Name, DPI: dpi, Degradation: d.Name, Score: Compare(in.Truth, rs[0]), Pages: pages, Seconds: took.Seconds()}, nil
}

// FromPDF is a born-digital report PDF as an input: its truth is its
// text layer, read by the parser (for the peer reports, checked against
// MANIFEST.md by the tests).
func FromPDF(path string) (Input, error) {
	born, err := os.ReadFile(path)
	if err != nil {
		return Input{}, err
	}
	name := filepath.Base(path)
	rs, err := ingest.ParseBytes(name, born, ingest.Meta{})
	if err != nil {
		return Input{}, fmt.Errorf("%s 的文字层读不出：%w", name, err)
	}
	return Input{Name: name, PDF: path, Truth: rs[0]}, nil
}

// PeerPDFs lists the PDFs of a folder of real reports (../shared/corpus/peer).
func PeerPDFs(dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.pdf"))
	slices.Sort(files)
	return files, err
}

// Generated renders one sound generated report of each edition to PDF
// (generate.RenderPDF, through Chromium) in dir: the truth is the
// generator's cells with the parser's derived subtotals.
func Generated(dir string) ([]Input, error) {
	var out []Input
	seen := map[string]bool{}
	for _, r := range generate.Corpus(generate.Options{Seed: 7, Towns: []int{3}, FirstYear: 2019, LastYear: 2023}) {
		if generate.BrokenRule(r) != "" || seen[r.Edition] || r.Edition != generate.Edition(r.Year) {
			continue
		}
		seen[r.Edition] = true
		pdf, err := generate.RenderPDF(r)
		if err != nil {
			return nil, fmt.Errorf("生成报告转 PDF：%w", err)
		}
		name := fmt.Sprintf("生成报告-%s版-%d年度.pdf", strings.ReplaceAll(r.Edition, " ", ""), r.Year)
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, pdf, 0o644); err != nil {
			return nil, err
		}
		truth := report.New(name)
		truth.Edition = r.Edition
		maps.Copy(truth.Cells, r.Cells)
		report.Derive(truth)
		out = append(out, Input{Name: name, PDF: path, Truth: truth})
	}
	return out, nil
}
