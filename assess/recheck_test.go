package assess_test

import (
	"context"
	"maps"
	"slices"
	"testing"

	"nianbao/assess"
	"nianbao/generate"
	"nianbao/ingest"
	"nianbao/internal/dbrows"
	"nianbao/report"
	"nianbao/store"
)

// twoYears returns a clean pair of one town's reports, 2021 and 2022.
func twoYears(t *testing.T) (*report.Report, *report.Report) {
	t.Helper()
	corpus := generate.Corpus(generate.Options{Seed: 7, Towns: []int{16}, FirstYear: 2021, LastYear: 2022})
	for i := 1; i < len(corpus); i++ {
		a, b := corpus[i-1], corpus[i]
		if a.Agency == b.Agency && len(a.Findings)+len(b.Findings) == 0 && generate.AssessmentCase(b) == "" && a.Edition == b.Edition {
			for _, r := range []*report.Report{a, b} {
				r.Text = string(generate.Render(r, generate.LayoutRowPipe))
				r.Cells = maps.Clone(r.Cells)
			}
			return a, b
		}
	}
	t.Fatal("no clean pair")
	return nil, nil
}

// ruleFindings counts the findings of a rule on a county's reports of a year.
func ruleFindings(t *testing.T, st *store.Store, county string, year int, rule string) int {
	t.Helper()
	fs, err := st.CountyFindings(context.Background(), county, year)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range fs {
		if f.Rule == rule {
			n++
		}
	}
	return n
}

func crossYearFindings(t *testing.T, st *store.Store, county string, year int) int {
	t.Helper()
	return ruleFindings(t, st, county, year, report.RuleCrossYear)
}

func TestCarryOverInBothOrders(t *testing.T) {
	for _, mismatch := range []bool{false, true} {
		for _, order := range []string{"earlier first", "later first"} {
			t.Run(order+map[bool]string{true: " mismatch", false: " match"}[mismatch], func(t *testing.T) {
				ctx := context.Background()
				st, err := store.Open("")
				if err != nil {
					t.Fatal(err)
				}
				defer st.Close()
				y1, y2 := twoYears(t)
				if mismatch {
					y2.Cells["t3.carried_over.natural"]++
					y2.Cells["t3.new.natural"]--
					y2.Cells["t3.carried_over.total"]++
					y2.Cells["t3.new.total"]--
				}
				seq := []*report.Report{y1, y2}
				if order == "later first" {
					seq = []*report.Report{y2, y1}
				}
				var later int64
				for _, r := range seq {
					res, err := st.Save(ctx, r)
					if err != nil {
						t.Fatal(err)
					}
					if err := assess.Saved(ctx, st, res.ID, r); err != nil {
						t.Fatal(err)
					}
					if r == y2 {
						later = res.ID
					}
				}
				want := 0
				if mismatch {
					want = 1
				}
				if got := crossYearFindings(t, st, y2.County, y2.Year); got != want {
					t.Fatalf("rule 5 findings on %d: %d, want %d", y2.Year, got, want)
				}
				if got := crossYearFindings(t, st, y1.County, y1.Year); got != 0 {
					t.Errorf("rule 5 findings on the earlier year: %d", got)
				}
				if !mismatch {
					return
				}
				// Correct this year's carried-over cells: the finding goes.
				for _, code := range []string{"t3.carried_over.natural", "t3.carried_over.total"} {
					if _, err := st.Correct(ctx, later, code, y2.Cells[code]-1, "按上年结转下年度更正", "test"); err != nil {
						t.Fatal(err)
					}
					if err := assess.Recheck(ctx, st, later); err != nil {
						t.Fatal(err)
					}
				}
				if got := crossYearFindings(t, st, y2.County, y2.Year); got != 0 {
					t.Errorf("rule 5 findings after the correction: %d", got)
				}
			})
		}
	}
}

// lateTown stores a town's two years, the later published 2023-03-02 (30
// days late by the shipped deadlines), and returns the later's id.
func lateTown(t *testing.T) (st *store.Store, y2 *report.Report, id int64) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	y1, y2 := twoYears(t)
	y2.PublishedOn = "2023-03-02"
	for _, r := range []*report.Report{y1, y2} {
		res, err := st.Save(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		id = res.ID
		if err := assess.Saved(ctx, st, res.ID, r); err != nil {
			t.Fatal(err)
		}
	}
	return st, y2, id
}

func TestRecheckIsIdempotent(t *testing.T) {
	ctx := context.Background()
	st, y2, id := lateTown(t)
	count := func() int {
		fs, err := st.CountyFindings(ctx, y2.County, y2.Year)
		if err != nil {
			t.Fatal(err)
		}
		return len(fs)
	}
	first := count()
	for i := 0; i < 2; i++ {
		if err := assess.Recheck(ctx, st, id); err != nil {
			t.Fatal(err)
		}
	}
	if got := count(); got != first || first != 1 {
		t.Errorf("findings %d after re-checks, %d before; want the one late finding", got, first)
	}
	tl, err := st.CountyTimeliness(ctx, y2.County, y2.Year)
	if err != nil || tl[id].DaysLate != 30 {
		t.Errorf("timeliness %+v %v, want 30 days late", tl[id], err)
	}
}

// TestRecheckCountiesMatchesOneByOne re-checks the sample's counties all at
// once (as a bulk ingest ends) and one county at a time (as an upload
// does), and compares every row the checks write.
func TestRecheckCountiesMatchesOneByOne(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := ingest.IngestPaths(ctx, st, []string{"../data/sample"}, ingest.Meta{}, nil); err != nil {
		t.Fatal(err)
	}
	dump := func() map[string][]string {
		out := map[string][]string{}
		for table, q := range map[string]string{
			"findings":   `SELECT report_id, seq, rule, severity, cells::VARCHAR, message FROM findings`,
			"timeliness": `SELECT report_id, published_on, deadline, days_late FROM assess_timeliness`,
			"copies":     `SELECT report_id, rule, other_report_id, share, passages FROM assess_copies`,
			"coverage":   `SELECT report_id, code, aggregate, units_sum, units FROM assess_coverage`,
		} {
			out[table] = dbrows.Sorted(t, st.DB(), q)
		}
		return out
	}
	years, err := st.CountyYears(ctx)
	if err != nil {
		t.Fatal(err)
	}
	spans := map[string]assess.CountySpan{}
	for _, cy := range years {
		c, y := cy[0].(string), cy[1].(int)
		sp, ok := spans[c]
		if !ok {
			sp = assess.CountySpan{County: c, From: y, To: y}
		}
		sp.From, sp.To = min(sp.From, y), max(sp.To, y)
		spans[c] = sp
	}
	sheet := assess.DefaultSheet()
	for _, sp := range spans {
		if err := assess.RecheckCounty(ctx, st, sp.County, sp.From, sp.To, sheet); err != nil {
			t.Fatal(err)
		}
	}
	one := dump()
	if err := assess.RecheckCounties(ctx, st, slices.Collect(maps.Values(spans)), sheet); err != nil {
		t.Fatal(err)
	}
	all := dump()
	for _, table := range []string{"findings", "timeliness", "copies", "coverage"} {
		if len(one[table]) == 0 && table != "coverage" { // the sample has no county-level report
			t.Errorf("%s: the sample wrote nothing to compare", table)
		}
		if !slices.Equal(one[table], all[table]) {
			t.Errorf("%s: %d rows county by county, %d all at once", table, len(one[table]), len(all[table]))
			for i := 0; i < min(len(one[table]), len(all[table])); i++ {
				if one[table][i] != all[table][i] {
					t.Errorf("first difference:\ncounty by county %s\nall at once      %s", one[table][i], all[table][i])
					break
				}
			}
		}
	}
}
