package ingest_test

import (
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"nianbao/generate"
	"nianbao/ingest"
	"nianbao/ingest/document"
	"nianbao/internal/corpus"
	"nianbao/report"
)

// formatTruths picks from a generated corpus one report of each edition
// that keeps every accounting rule.
func formatTruths(t *testing.T) []*report.Report {
	t.Helper()
	var out []*report.Report
	seen := map[string]bool{}
	for _, r := range generate.Corpus(generate.Options{Seed: 7, Towns: []int{3}, FirstYear: 2019, LastYear: 2023}) {
		if generate.BrokenRule(r) != "" || seen[r.Edition] || r.Edition != generate.Edition(r.Year) {
			continue
		}
		seen[r.Edition] = true
		out = append(out, r)
	}
	if len(out) != 2 {
		t.Fatalf("corpus gave %d sound reports of distinct editions, want 2", len(out))
	}
	return out
}

// wantCells is the truth as the parser should give it, with the derived
// 2021 subtotal t3.other.*.
func wantCells(truth *report.Report) map[string]float64 {
	r := report.New(truth.File)
	r.Edition = truth.Edition
	maps.Copy(r.Cells, truth.Cells)
	report.Derive(r)
	return r.Cells
}

func diffCells(want, got map[string]float64) []string {
	var out []string
	for c, w := range want {
		g, ok := got[c]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("%s missing (want %v)", c, w))
		case g != w:
			out = append(out, fmt.Sprintf("%s = %v, want %v", c, g, w))
		}
	}
	for c, g := range got {
		if _, ok := want[c]; !ok {
			out = append(out, fmt.Sprintf("%s = %v not in truth", c, g))
		}
	}
	slices.Sort(out)
	return out
}

// Every format the generator renders, read by document.Read and parsed by
// ingest.ParseDocument, gives back every cell exactly.
func TestFormatsRoundTrip(t *testing.T) {
	_, chromiumErr := exec.LookPath("chromium")
	formats := []struct {
		name   string
		ext    string
		render func(*report.Report) ([]byte, error)
	}{
		{"html", ".html", func(r *report.Report) ([]byte, error) { return generate.RenderHTML(r, false), nil }},
		{"html-gbk", ".html", func(r *report.Report) ([]byte, error) { return generate.RenderHTML(r, true), nil }},
		{"docx", ".docx", generate.RenderDOCX},
		{"xlsx", ".xlsx", generate.RenderXLSX},
		{"pdf", ".pdf", generate.RenderPDF},
	}
	for _, truth := range formatTruths(t) {
		for _, f := range formats {
			t.Run(f.name+"/"+truth.Edition, func(t *testing.T) {
				if f.name == "pdf" && chromiumErr != nil {
					t.Skip("chromium not installed (scripts/setup.sh installs it)")
				}
				data, err := f.render(truth)
				if err != nil {
					t.Fatal(err)
				}
				name := fmt.Sprintf("%d%s", truth.Year, f.ext)
				got, doc := readOne(t, name, data)
				if got.Year != truth.Year || got.Edition != truth.Edition {
					t.Errorf("year %d edition %q, want %d %q", got.Year, got.Edition, truth.Year, truth.Edition)
				}
				if !got.Synthetic {
					t.Error("report carrying the synthetic marker not marked Synthetic")
				}
				if d := diffCells(wantCells(truth), got.Cells); len(d) > 0 {
					t.Errorf("%d cells differ:\n%s\ntext:\n%s", len(d), strings.Join(d, "\n"), doc.Text)
				}
				if len(got.Findings) != 0 {
					t.Errorf("findings on a sound report: %+v", got.Findings)
				}
				checkProvenance(t, f.name, truth, got)
			})
		}
	}
}

// hzqTruth builds the figures of peer/MANIFEST.md for the two 洪泽区 PDFs.
// Both print （六）其他处理 as one row, and only the 自然人 column of table 3
// holds anything but zeros.
func hzqTruth(t2 []float64, t3 map[string]float64, t4 []float64) map[string]float64 {
	cells := map[string]float64{}
	for i, code := range []string{
		"t2.regulations.issued", "t2.regulations.abolished", "t2.regulations.in_force",
		"t2.normative_docs.issued", "t2.normative_docs.abolished", "t2.normative_docs.in_force",
		"t2.licensing.decisions", "t2.penalty.decisions", "t2.enforcement.decisions", "t2.fees.amount",
	} {
		cells[code] = t2[i]
	}
	for _, row := range report.T3Rows {
		if strings.HasPrefix(row.Code, "other.") {
			continue
		}
		for _, col := range report.T3Columns {
			v := 0.0
			if col == "natural" || col == "total" {
				v = t3[row.Code]
			}
			cells["t3."+row.Code+"."+col] = v
		}
	}
	i := 0
	for _, g := range report.T4Groups {
		for _, o := range report.T4Outcomes {
			cells["t4."+g+"."+o] = t4[i]
			i++
		}
	}
	return cells
}

func TestRealPDFsAgainstManifest(t *testing.T) {
	peer := corpus.Dir(t, "peer")
	cases := []struct {
		file     string
		year     int
		cells    map[string]float64
		findings []string // rule and first cell of each finding, sorted
	}{
		{"hzq2023_working.pdf", 2023, hzqTruth(
			[]float64{0, 0, 0, 0, 5, 5, 550, 4119, 195, 7730.28},
			map[string]float64{
				"new": 21, "granted": 0, "partial": 4,
				"denied.state_secret": 1, "denied.process_info": 1, "denied.enforcement_file": 1,
				"unavailable.not_held": 10, "unavailable.needs_creation": 3,
				"not_processed.petition": 1, "total": 21,
			},
			[]float64{10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0}),
			// The source breaks 维持+纠正+其他+尚未=总计 twice.
			[]string{
				"rule4_review t4.litigation_after.upheld",
				"rule4_review t4.reconsideration.upheld",
			}},
		{"hzq2024_working.pdf", 2024, hzqTruth(
			[]float64{0, 0, 0, 3, 0, 8, 9487, 2776, 84, 7545},
			map[string]float64{
				"new": 95, "granted": 50, "partial": 9,
				"denied.security_stability": 1, "denied.process_info": 1, "denied.enforcement_file": 1,
				"unavailable.not_held": 31, "unavailable.needs_creation": 1,
				"not_processed.petition": 1, "total": 95,
			},
			[]float64{1, 1, 0, 0, 2, 1, 0, 0, 0, 1, 2, 0, 1, 0, 3}),
			// The narrative's 受理政府信息公开申请 17 件 against 95 in the table.
			[]string{"rule6_narrative t3.new.total"}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(peer, c.file))
			if err != nil {
				t.Skipf("corpus file missing: %v", err)
			}
			r, _ := readOne(t, c.file, data)
			if r.Year != c.year || r.Edition != report.Edition2021 || r.Format != "pdf" {
				t.Errorf("year %d edition %q format %q, want %d 2021 pdf", r.Year, r.Edition, r.Format, c.year)
			}
			if d := diffCells(c.cells, r.Cells); len(d) > 0 {
				t.Errorf("%d cells differ from MANIFEST.md:\n%s", len(d), strings.Join(d, "\n"))
			}
			var rules []string
			for _, f := range r.Findings {
				rules = append(rules, f.Rule+" "+strings.Join(f.Cells[:min(1, len(f.Cells))], ""))
			}
			slices.Sort(rules)
			if !slices.Equal(rules, c.findings) {
				t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(rules, "\n"), strings.Join(c.findings, "\n"))
			}
		})
	}
}

// checkProvenance: every format tells where a cell stands — grid formats
// the table and grid row and column, PDF the page and line — and the raw
// text as printed.
func checkProvenance(t *testing.T, format string, truth, got *report.Report) {
	t.Helper()
	nat, tot := got.Sources["t3.new.natural"], got.Sources["t3.new.total"]
	for code, src := range map[string]report.Source{"t3.new.natural": nat, "t3.new.total": tot} {
		if want := strconv.FormatFloat(truth.Cells[code], 'f', -1, 64); strings.ReplaceAll(src.Raw, ",", "") != want {
			t.Errorf("%s: raw text of %s = %q, want %q", format, code, src.Raw, want)
		}
		if src.Line <= 0 {
			t.Errorf("%s: %s has no line: %+v", format, code, src)
		}
	}
	switch format {
	case "pdf":
		if nat.Page < 1 || tot.Page < 1 {
			t.Errorf("pdf: no page: %+v %+v", nat, tot)
		}
	default:
		if nat.Table < 1 || nat.Row < 1 || nat.Col < 1 || tot.Row != nat.Row || tot.Col-nat.Col != 6 {
			t.Errorf("%s: grid places of t3.new.natural %+v and t3.new.total %+v: want one grid row, six columns apart", format, nat, tot)
		}
	}
}

// BenchmarkParseFormat measures reading and parsing one report per format,
// from the bytes of the file to its cells.
func BenchmarkParseFormat(b *testing.B) {
	truth := generate.Corpus(generate.Options{Seed: 7, Towns: []int{1}, FirstYear: 2022, LastYear: 2022})[0]
	pdf, pdfErr := generate.RenderPDF(truth)
	docx, _ := generate.RenderDOCX(truth)
	xlsx, _ := generate.RenderXLSX(truth)
	files := []struct {
		name string
		data []byte
		err  error
	}{
		{"report.txt", generate.Render(truth, generate.Layouts()[0]), nil},
		{"report.html", generate.RenderHTML(truth, true), nil},
		{"report.docx", docx, nil},
		{"report.xlsx", xlsx, nil},
		{"report.pdf", pdf, pdfErr},
	}
	for _, f := range files {
		b.Run(strings.TrimPrefix(filepath.Ext(f.name), "."), func(b *testing.B) {
			if f.err != nil {
				b.Skip(f.err)
			}
			for i := 0; i < b.N; i++ {
				reports, err := ingest.ParseBytes(f.name, f.data, ingest.Meta{})
				if err != nil || len(reports[0].Cells) < 150 {
					b.Fatalf("%v %d", err, len(reports[0].Cells))
				}
			}
		})
	}
}

// readOne reads a document's bytes into its one report, as ingest does.
func readOne(t *testing.T, name string, data []byte) (*report.Report, *document.Document) {
	t.Helper()
	doc, err := document.Read(name, data)
	if err != nil {
		t.Fatal(err)
	}
	reports, err := ingest.ParseDocument(doc, ingest.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	if len(reports) != 1 {
		t.Fatalf("%d reports, want 1", len(reports))
	}
	return reports[0], doc
}
