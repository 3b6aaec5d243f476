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

// The in_force finding states the sum it computed.
func TestInForceMessage(t *testing.T) {
	prev := &Doc{Year: 2021, Edition: report.Edition2021, Cells: map[string]float64{"t2.regulations.in_force": 10}}
	d := &Doc{Year: 2022, Edition: report.Edition2021, Cells: map[string]float64{
		"t2.regulations.issued": 4, "t2.regulations.abolished": 3, "t2.regulations.in_force": 12}}
	f := CrossYearFindings(d, prev, DefaultSheet())
	want := "表二规章：上年现行有效10件＋本年制发4件－本年废止3件＝11件，但本年现行有效为12件。"
	if len(f) != 1 || f[0].Message != want {
		t.Errorf("findings %+v, want one saying %s", f, want)
	}
}

// TestJumpBoundaries: a count jumps when it differs from last year's by at
// least jump_min_diff (20) and the larger is at least jump_factor (10)
// times the smaller (or 1): each condition at its boundary, and a cell
// missing in either year is no jump.
func TestJumpBoundaries(t *testing.T) {
	sheet := DefaultSheet()
	if sheet.JumpFactor != 10 || sheet.JumpMinDiff != 20 {
		t.Fatalf("default sheet changed: factor %v, min diff %v; update the cases", sheet.JumpFactor, sheet.JumpMinDiff)
	}
	const code = "t3.new.total"
	cases := []struct {
		name      string
		now, last *float64
		jump      bool
	}{
		{"from 0 to 20: difference at the minimum", ptr(20), ptr(0), true},
		{"from 0 to 19: difference under it", ptr(19), ptr(0), false},
		{"from 1 to 19: ten times, difference 18", ptr(19), ptr(1), false},
		{"from 30 to 3: ten times", ptr(3), ptr(30), true},
		{"from 29 to 3: under ten times", ptr(3), ptr(29), false},
		{"from 3 to 30, rising", ptr(30), ptr(3), true},
		{"from 100 to 150: far but not ten times", ptr(150), ptr(100), false},
		{"last year not read", ptr(300), nil, false},
		{"this year not read", nil, ptr(300), false},
	}
	for _, tc := range cases {
		prev := &Doc{Year: 2021, Edition: report.Edition2021, Cells: map[string]float64{}}
		d := &Doc{Year: 2022, Edition: report.Edition2021, Cells: map[string]float64{}}
		if tc.now != nil {
			d.Cells[code] = *tc.now
		}
		if tc.last != nil {
			prev.Cells[code] = *tc.last
		}
		got := false
		for _, f := range CrossYearFindings(d, prev, sheet) {
			got = got || (f.Rule == report.RuleJump && slices.Contains(f.Cells, code))
		}
		if got != tc.jump {
			t.Errorf("%s: jump %v, want %v", tc.name, got, tc.jump)
		}
	}
}

// Where the larger count is below jump_factor, a smaller of 0 counts as 1
// (so 0 → 9 is no jump and 0 → 10 is, with a minimum difference of 5).
func TestJumpFromZero(t *testing.T) {
	sheet := DefaultSheet()
	sheet.JumpMinDiff = 5
	for _, tc := range []struct {
		now  float64
		jump bool
	}{{9, false}, {10, true}} {
		prev := &Doc{Year: 2021, Cells: map[string]float64{"t3.new.total": 0}}
		d := &Doc{Year: 2022, Cells: map[string]float64{"t3.new.total": tc.now}}
		if got := len(CrossYearFindings(d, prev, sheet)) == 1; got != tc.jump {
			t.Errorf("0 → %v: jump %v, want %v", tc.now, got, tc.jump)
		}
	}
}

func ptr(v float64) *float64 { return &v }
