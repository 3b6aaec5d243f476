package generate_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"nianbao/generate"
	"nianbao/parse"
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

// readBack reads a rendered report, turning a parser panic into an error so
// one bad reading does not hide the others.
func readBack(name string, text []byte) (r *report.Report, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("parser panicked: %v", p)
		}
	}()
	return parse.Text(name, string(text), parse.Meta{})
}

func TestRoundTrip(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		for _, layout := range generate.Layouts() {
			for _, truth := range roundTripCorpus(seed) {
				name := fmt.Sprintf("seed%d/%s/%s/%d", seed, layout, truth.Agency, truth.Year)
				t.Run(name, func(t *testing.T) {
					text := generate.Render(truth, layout)
					got, err := readBack(truth.File, text)
					if err != nil {
						t.Fatalf("parse: %v", err)
					}
					want := expected(truth)
					diff, _ := cellDiff(want, got.Cells)
					if len(diff) > 0 {
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
