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

// TestJumpBoundaries: a volume jumps when its ratio to last year's is
// strictly outside [1/jump_factor, jump_factor] (0.2–5) with both years at
// least jump_min (10); when one year is 0 or under jump_min, only if the
// other reaches jump_large (50). Each condition at its boundary, both
// ways, and a cell missing in either year is no jump.
func TestJumpBoundaries(t *testing.T) {
	sheet := DefaultSheet()
	if sheet.JumpFactor != 5 || sheet.JumpMinDiff != 0 || sheet.JumpMin != 10 || sheet.JumpLarge != 50 {
		t.Fatalf("default sheet changed: factor %v, min diff %v, min %v, large %v; update the cases",
			sheet.JumpFactor, sheet.JumpMinDiff, sheet.JumpMin, sheet.JumpLarge)
	}
	const code = "t3.new.total"
	cases := []struct {
		name      string
		now, last *float64
		jump      bool
	}{
		{"10 to 50: exactly 5 times", ptr(50), ptr(10), false},
		{"10 to 51: over 5 times", ptr(51), ptr(10), true},
		{"50 to 10: exactly 0.2 times", ptr(10), ptr(50), false},
		{"51 to 10: under 0.2 times", ptr(10), ptr(51), true},
		{"12 to 50: 4.2 times", ptr(50), ptr(12), false},
		{"10 to 60: the smaller at jump_min", ptr(60), ptr(10), true},
		{"9 to 46: the smaller under jump_min, the larger under jump_large", ptr(46), ptr(9), false},
		{"9 to 50: the larger at jump_large", ptr(50), ptr(9), true},
		{"0 to 49: from zero, under jump_large", ptr(49), ptr(0), false},
		{"0 to 50: from zero, at jump_large", ptr(50), ptr(0), true},
		{"50 to 0: falling to zero", ptr(0), ptr(50), true},
		{"0 to 0", ptr(0), ptr(0), false},
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

// The message names the cell, both years with their values and the ratio.
func TestJumpMessage(t *testing.T) {
	for _, tc := range []struct {
		now, last float64
		want      string
	}{
		{60, 10, "一、本年新收政府信息公开申请数量 · 总计由2021年的10件变为2022年的60件（增加50件），为上年的6倍，超出0.2～5倍的常见范围，请核实是否录入有误。"},
		{10, 60, "一、本年新收政府信息公开申请数量 · 总计由2021年的60件变为2022年的10件（减少50件），约为上年的0.17倍，超出0.2～5倍的常见范围，请核实是否录入有误。"},
		{80, 0, "一、本年新收政府信息公开申请数量 · 总计由2021年的0件变为2022年的80件（增加80件），上年为0，超出0.2～5倍的常见范围，请核实是否录入有误。"},
	} {
		prev := &Doc{Year: 2021, Cells: map[string]float64{"t3.new.total": tc.last}}
		d := &Doc{Year: 2022, Cells: map[string]float64{"t3.new.total": tc.now}}
		f := CrossYearFindings(d, prev, DefaultSheet())
		if len(f) != 1 || f[0].Message != tc.want {
			t.Errorf("%v → %v: %+v, want %s", tc.last, tc.now, f, tc.want)
		}
	}
}

// jump_min_diff still applies: a sheet may ask for a difference too.
func TestJumpMinDiff(t *testing.T) {
	sheet := DefaultSheet()
	sheet.JumpMinDiff = 51
	for _, tc := range []struct {
		now  float64
		jump bool
	}{{60, false}, {61, true}} {
		prev := &Doc{Year: 2021, Cells: map[string]float64{"t3.new.total": 10}}
		d := &Doc{Year: 2022, Cells: map[string]float64{"t3.new.total": tc.now}}
		if got := len(CrossYearFindings(d, prev, sheet)) == 1; got != tc.jump {
			t.Errorf("10 → %v: jump %v, want %v", tc.now, got, tc.jump)
		}
	}
}

func ptr(v float64) *float64 { return &v }
