package perturb

import (
	"strings"
	"testing"

	"nianbao/generate"
	"nianbao/report"
)

func t3row(row string, vals ...float64) generate.GridRow {
	g := generate.GridRow{Table: 3, Labels: []string{row}, Values: vals, Width: 10}
	for _, c := range report.T3Columns {
		g.Codes = append(g.Codes, report.T3(row, c))
	}
	return g
}

func TestGluedUndetermined(t *testing.T) {
	t2 := func(vals ...float64) generate.GridRow {
		g := generate.GridRow{Table: 2, Labels: []string{"规章"}, Values: vals, Width: 4}
		for _, c := range []string{"issued", "abolished", "in_force"}[:len(vals)] {
			g.Codes = append(g.Codes, report.T2("regulations", c))
		}
		return g
	}
	t4 := generate.GridRow{Table: 4, Values: make([]float64, 15), Width: 15}
	for c := range report.T4Codes() {
		t4.Codes = append(t4.Codes, c)
	}
	t4ambiguous := t4
	t4ambiguous.Values = []float64{1, 0, 0, 10, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	cases := []struct {
		name  string
		rows  []generate.GridRow
		undet []string // codes expected undetermined (a sample)
		det   []string // codes expected determined
	}{
		{"zeros split one way", []generate.GridRow{t2(0, 0, 0)}, nil, []string{"t2.regulations.issued"}},
		{"table 2 has no rule to settle 352018", []generate.GridRow{t2(3, 5, 2018)}, []string{"t2.regulations.issued", "t2.regulations.in_force"}, nil},
		{"as many digits as cells", []generate.GridRow{t3row("new", 3, 1, 0, 0, 1, 0, 5)}, nil, []string{"t3.new.total"}},
		{"rule 3 settles 120000012", []generate.GridRow{t3row("new", 12, 0, 0, 0, 0, 0, 12)}, nil, []string{"t3.new.natural"}},
		{"rule 3 leaves 1 10 0 0 0 0 11 open (also 11 0 0 0 0 0 11 …)", []generate.GridRow{t3row("new", 1, 10, 0, 0, 0, 0, 11)}, []string{"t3.new.natural", "t3.new.total"}, nil},
		{"as many digits as cells, though the row breaks rule 3", []generate.GridRow{t3row("new", 1, 2, 0, 0, 0, 0, 4)}, nil, []string{"t3.new.natural"}},
		{"broken and ambiguous", []generate.GridRow{t3row("new", 1, 20, 0, 0, 0, 0, 4)}, []string{"t3.new.commercial"}, nil},
		{"table 4 of zeros", []generate.GridRow{t4}, nil, []string{"t4.reconsideration.total"}},
		{"table 4 with a two-digit run", []generate.GridRow{t4ambiguous}, []string{"t4.reconsideration.total"}, nil},
		{"a head row is no data", []generate.GridRow{{Table: 3, Head: true, Labels: []string{"自然人"}}}, nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := GluedUndetermined(tc.rows, report.Edition2021, num)
			for _, c := range tc.undet {
				if _, ok := got[c]; !ok {
					t.Errorf("%s: determined, want undetermined", c)
				}
			}
			for _, c := range tc.det {
				if why, ok := got[c]; ok {
					t.Errorf("%s: undetermined (%s), want determined", c, why)
				}
			}
		})
	}
}

// Rule 1 settles a row that rule 3 leaves open: new = 1 10 0 0 0 0 11
// glued is also 11 0 0 0 0 0 11, but total (1 1 … 2) and carry_forward
// (0 9 … 9), each of one reading, ask natural = 1.
func TestGluedUndeterminedColumnRules(t *testing.T) {
	build := func(cf ...float64) []generate.GridRow {
		rows := []generate.GridRow{t3row("new", 1, 10, 0, 0, 0, 0, 11), t3row("carried_over", 0, 0, 0, 0, 0, 0, 0)}
		for _, row := range report.T3ResultRows(report.Edition2021) {
			if row == "granted" {
				rows = append(rows, t3row(row, 1, 1, 0, 0, 0, 0, 2))
				continue
			}
			rows = append(rows, t3row(row, 0, 0, 0, 0, 0, 0, 0))
		}
		return append(rows, t3row("total", 1, 1, 0, 0, 0, 0, 2), t3row("carry_forward", cf...))
	}
	got := GluedUndetermined(build(0, 9, 0, 0, 0, 0, 9), report.Edition2021, num)
	if why, ok := got["t3.new.natural"]; ok {
		t.Errorf("t3.new.natural undetermined (%s); rule 1 settles it", why)
	}
	// Without carry_forward's row the columns cannot be checked: the row
	// stays open.
	rows := build(0, 9, 0, 0, 0, 0, 9)
	got = GluedUndetermined(rows[:len(rows)-1], report.Edition2021, num)
	if !strings.Contains(got["t3.new.natural"], "规则1、2") {
		t.Errorf("without carry_forward, t3.new.natural: %q; want undetermined by rules 1, 2", got["t3.new.natural"])
	}
}

// The suite's own count of readings knows zero marks and "+" as the
// parser must: a mark is one zero (—— one or two), "+" opens a number.
func TestReadingsMarksAndSigns(t *testing.T) {
	cases := []struct {
		run   string
		width int
		n     int
	}{
		{"—210", 3, 2},     // 0/2/10, 0/21/0
		{"—1————1", 7, 1},  // 0/1/0/0/0/0/1
		{"————", 3, 3},     // which pair of dashes is one zero
		{"12+315", 3, 3},   // 1/2/315, 12/3/15, 12/31/5
		{"0+11", 3, 1},     // 0/1/1
		{"+0", 1, 0},       // not a number
		{"31284.05", 2, 5}, // 3/1284.05 … 3128/4.05, 31284.0/5
		{"无无无无无无无", 7, 1},  // seven zeros
	}
	for _, tc := range cases {
		if got := readings(tc.run, tc.width, maxReadings); len(got) != tc.n {
			t.Errorf("readings(%q, %d) = %v, want %d readings", tc.run, tc.width, got, tc.n)
		}
	}
}
