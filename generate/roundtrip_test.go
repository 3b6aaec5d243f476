package generate_test

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"nianbao/generate"
	"nianbao/ingest"
	"nianbao/report"
)

// roundTripCorpus has towns over both editions; with three seeds it holds
// broken reports of every kind.
func roundTripCorpus(seed uint64) []*report.Report {
	return generate.Corpus(generate.Options{Seed: seed, Towns: []int{4}, FirstYear: 2019, LastYear: 2024})
}

// expected is the truth as the parser should give it: with the derived
// 2021 subtotal t3.other.*.
func expected(truth *report.Report) map[string]float64 {
	r := report.New(truth.File)
	r.Edition = truth.Edition
	maps.Copy(r.Cells, truth.Cells)
	report.Derive(r)
	return r.Cells
}

// cellDiff lists the differences between two cell maps, sorted, and the
// codes that differ.
func cellDiff(want, got map[string]float64) (diff, codes []string) {
	for c, w := range want {
		g, ok := got[c]
		switch {
		case !ok:
			diff = append(diff, fmt.Sprintf("%s missing (want %v)", c, w))
		case g != w:
			diff = append(diff, fmt.Sprintf("%s = %v, want %v", c, g, w))
		default:
			continue
		}
		codes = append(codes, c)
	}
	for c, g := range got {
		if _, ok := want[c]; !ok {
			diff = append(diff, fmt.Sprintf("%s = %v not in truth", c, g))
			codes = append(codes, c)
		}
	}
	slices.Sort(diff)
	slices.Sort(codes)
	return diff, codes
}

// parse reads a rendered report, turning a parser panic into an error so
// one bad reading does not hide the others.
func parse(name string, text []byte) (r *report.Report, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("parser panicked: %v", p)
		}
	}()
	return ingest.ParseText(name, string(text), ingest.Meta{})
}

// parserGap is a known failure of ingest.ParseText on generated text,
// found by this test and reported with the smallest text that shows it.
// While a gap is listed, a report whose every problem the gap explains is
// skipped with the gap's reason; any other problem fails. Remove an entry
// once the parser reads the text; NIANBAO_ROUNDTRIP_STRICT=1 ignores them all.
type parserGap struct {
	layout generate.Layout
	reason string
	panics bool              // the parser panics
	cells  func(string) bool // the cells it misreads
}

var parserGaps = []parserGap{
	{layout: generate.LayoutRunTogether,
		cells: func(c string) bool { return strings.HasPrefix(c, "t2.") },
		reason: "a glued table-2 row with a negative change is not read: " +
			`"信息内容本年新制作数量本年新公开数量对外公开总数量\n规章000\n行政处罚7-32" (7, -3, 2 is the only split) gives no t2.penalty.*; ` +
			`"第二十条第(八)项\n行政事业性收费1-1" gives no t2.fees.*`},
	{layout: generate.LayoutEmptyZeros,
		cells: func(c string) bool { return strings.HasPrefix(c, "t4.") },
		reason: "a table-4 value row of blank cells and 无 is not read: " +
			`"行政复议 | 行政诉讼 | |||||||||||||\n结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | |||||\n |  |  |  | 无 |  |  |  |  | 无 |  |  |  |  | 无 |" gives no t4.*`},
}

// explained returns the reason of a gap that explains every problem, if any.
func explained(layout generate.Layout, panicked bool, badCells []string) (string, bool) {
	if os.Getenv("NIANBAO_ROUNDTRIP_STRICT") != "" {
		return "", false
	}
	var reasons []string
	if panicked {
		for _, g := range parserGaps {
			if g.layout == layout && g.panics {
				return g.reason, true
			}
		}
		return "", false
	}
	for _, c := range badCells {
		ok := false
		for _, g := range parserGaps {
			if g.layout == layout && g.cells != nil && g.cells(c) {
				ok = true
				if !slices.Contains(reasons, g.reason) {
					reasons = append(reasons, g.reason)
				}
				break
			}
		}
		if !ok {
			return "", false
		}
	}
	return strings.Join(reasons, "; "), len(reasons) > 0
}

func TestRoundTrip(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		for _, layout := range generate.Layouts() {
			for _, truth := range roundTripCorpus(seed) {
				name := fmt.Sprintf("seed%d/%s/%s/%d", seed, layout, truth.Agency, truth.Year)
				t.Run(name, func(t *testing.T) {
					text := generate.Render(truth, layout)
					got, err := parse(truth.File, text)
					if err != nil {
						if why, ok := explained(layout, true, nil); ok {
							t.Skipf("known parser gap: %s", why)
						}
						t.Fatalf("parse: %v", err)
					}
					want := expected(truth)
					diff, bad := cellDiff(want, got.Cells)
					if len(diff) > 0 {
						if why, ok := explained(layout, false, bad); ok {
							t.Skipf("known parser gap (%d cells): %s", len(bad), why)
						}
						if len(diff) > 8 {
							diff = append(diff[:8], fmt.Sprintf("… %d more", len(diff)-8))
						}
						t.Errorf("cells differ:\n  %s", strings.Join(diff, "\n  "))
					}
					if got.Agency != truth.Agency || got.County != truth.County || got.Year != truth.Year || got.Edition != truth.Edition {
						t.Errorf("metadata = %s/%s/%d/edition %s, want %s/%s/%d/edition %s",
							got.County, got.Agency, got.Year, got.Edition, truth.County, truth.Agency, truth.Year, truth.Edition)
					}
					if !got.Synthetic {
						t.Errorf("Synthetic = false, want true")
					}
					broken := generate.BrokenRule(truth)
					var errs []string
					for _, f := range got.Findings {
						if f.Severity == report.SeverityError && f.Rule != broken {
							errs = append(errs, f.Rule+": "+f.Message)
						}
					}
					if len(errs) > 0 {
						t.Errorf("findings of rules the report keeps:\n  %s", strings.Join(errs, "\n  "))
					}
					if broken != "" && !slices.ContainsFunc(got.Findings, func(f report.Finding) bool { return f.Rule == broken }) {
						t.Errorf("report broken in %s: no such finding among %v", broken, got.Findings)
					}
				})
			}
		}
	}
}

func BenchmarkRender(b *testing.B) {
	reports := roundTripCorpus(1)
	layouts := generate.Layouts()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		generate.Render(reports[i%len(reports)], layouts[i%len(layouts)])
	}
}
