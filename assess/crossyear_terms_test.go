package assess

import (
	"slices"
	"testing"

	"nianbao/report"
)

// TestInForceEachTerm: rule 5's stock-flow of table 2 (last in_force +
// issued − abolished = in_force) with every term non-zero, so adding 废止
// instead of subtracting it, or dropping a term, breaks the consistent
// pair; each term changed by one gives the warning, and so does a rule
// that carries over table 3 column by column.
func TestInForceEachTerm(t *testing.T) {
	pair := func() (d, prev *Doc) {
		prev = &Doc{Agency: "凤塘镇", County: "样例县", Year: 2021, Edition: report.Edition2021, Cells: map[string]float64{}}
		d = &Doc{Agency: "凤塘镇", County: "样例县", Year: 2022, Edition: report.Edition2021, Cells: map[string]float64{}}
		for i, row := range []string{"regulations", "normative_docs"} {
			last, issued, abolished := float64(10+i), float64(4+i), float64(3+2*i)
			prev.Cells["t2."+row+".in_force"] = last
			d.Cells["t2."+row+".issued"] = issued
			d.Cells["t2."+row+".abolished"] = abolished
			d.Cells["t2."+row+".in_force"] = last + issued - abolished
		}
		for i, col := range report.T3Columns {
			prev.Cells["t3.carry_forward."+col] = float64(i + 1)
			d.Cells["t3.carried_over."+col] = float64(i + 1)
		}
		return d, prev
	}
	sheet := DefaultSheet()
	d, prev := pair()
	if f := CrossYearFindings(d, prev, sheet); len(f) != 0 {
		t.Fatalf("a consistent pair got %+v", f)
	}
	cases := []struct {
		name string
		year int // 0: this year's report, -1: last year's
		code string
		rule string
		flag string // the cell the finding names
	}{
		{"last in_force", -1, "t2.regulations.in_force", report.RuleInForce, "t2.regulations.in_force"},
		{"issued", 0, "t2.regulations.issued", report.RuleInForce, "t2.regulations.in_force"},
		{"abolished", 0, "t2.normative_docs.abolished", report.RuleInForce, "t2.normative_docs.in_force"},
		{"in_force", 0, "t2.normative_docs.in_force", report.RuleInForce, "t2.normative_docs.in_force"},
		{"carried over", 0, "t3.carried_over.legal", report.RuleCrossYear, "t3.carried_over.legal"},
		{"carried forward last year", -1, "t3.carry_forward.total", report.RuleCrossYear, "t3.carried_over.total"},
	}
	for _, tc := range cases {
		for _, delta := range []float64{1, -1} {
			d, prev := pair()
			target := d
			if tc.year < 0 {
				target = prev
			}
			target.Cells[tc.code] += delta
			found := false
			for _, f := range CrossYearFindings(d, prev, sheet) {
				rl, _ := report.RuleByCode(tc.rule)
				if f.Rule == tc.rule && f.Severity == rl.Severity && slices.Contains(f.Cells, tc.flag) {
					found = true
				}
			}
			if !found {
				t.Errorf("%s changed by %v: no %s finding on %s", tc.name, delta, tc.rule, tc.flag)
			}
		}
	}
	// The 2019 edition has no in_force: the rule needs both years in 2021.
	d, prev = pair()
	prev.Edition = report.Edition2019
	d.Cells["t2.regulations.in_force"]++
	for _, f := range CrossYearFindings(d, prev, sheet) {
		if f.Rule == report.RuleInForce {
			t.Errorf("rule 5 in_force applied across editions: %s", f.Message)
		}
	}
}
