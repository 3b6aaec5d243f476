package assess_test

import (
	"context"
	"fmt"
	"testing"

	"nianbao/generate"
	"nianbao/ingest"
	"nianbao/report"
	"nianbao/store"
)

// TestSampleCorpus ingests data/sample (as make run does) and checks that
// the reports the generator made late, broken across years or copied are
// the ones the checks find, and no others (copying between peers is found
// on both reports of the pair).
func TestSampleCorpus(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := ingest.IngestPaths(ctx, st, []string{"../data/sample"}, ingest.Meta{}, nil); err != nil {
		t.Fatal(err)
	}
	key := func(county, agency string, year int) string { return fmt.Sprintf("%s/%s/%d", county, agency, year) }
	want := map[string]map[string]bool{}
	opts := generate.Options{Seed: 2024, Counties: generate.CountyNames[:2], Towns: []int{16, 6}, FirstYear: 2019, LastYear: 2024}
	for _, r := range generate.Corpus(opts) {
		c := generate.AssessmentCase(r)
		rule := map[string]string{"late": report.RuleLate, "cross_year": report.RuleCrossYear,
			"copy_previous_year": report.RuleCopyPrevious, "copy_peer": report.RuleCopyPeer}[c]
		if rule == "" {
			continue
		}
		if want[rule] == nil {
			want[rule] = map[string]bool{}
		}
		want[rule][key(r.County, r.Agency, r.Year)] = true
	}
	got := map[string]map[string]bool{}
	for _, county := range opts.Counties {
		for y := 2019; y <= 2024; y++ {
			fs, err := st.CountyFindings(ctx, county, y)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range fs {
				agency, _, _, err := st.ReportKey(ctx, f.ReportID)
				if err != nil {
					t.Fatal(err)
				}
				if got[f.Rule] == nil {
					got[f.Rule] = map[string]bool{}
				}
				got[f.Rule][key(county, agency, y)] = true
			}
		}
	}
	for _, rule := range []string{report.RuleLate, report.RuleCrossYear, report.RuleCopyPrevious, report.RuleCopyPeer} {
		if len(want[rule]) == 0 {
			t.Errorf("the sample has no report made for %s", rule)
		}
		for k := range want[rule] {
			if !got[rule][k] {
				t.Errorf("%s: %s not found", rule, k)
			}
		}
		extra := 0
		for k := range got[rule] {
			if !want[rule][k] {
				extra++
			}
		}
		if rule == report.RuleCopyPeer {
			if extra > len(want[rule]) {
				t.Errorf("%s: %d reports found beyond the %d copies and their sources", rule, extra, len(want[rule]))
			}
		} else if extra > 0 {
			t.Errorf("%s: %d reports found that were not made so: %v", rule, extra, got[rule])
		}
		t.Logf("%s: %d made, %d found", rule, len(want[rule]), len(got[rule]))
	}
}
