package parse

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"nianbao/report"
)

// TestNeighbourYears: rule 5 across years settles a glued row only when
// the neighbour is of the year before or after and keeps exactly one
// reading; a neighbour that contradicts every reading, or of another
// year, settles nothing, and the row stays unread with its finding.
func TestNeighbourYears(t *testing.T) {
	t3cells := func(row string, v ...float64) map[string]float64 {
		m := map[string]float64{}
		for i, col := range report.T3Columns {
			m[string(report.T3(row, col))] = v[i]
		}
		return m
	}
	cases := []struct {
		name, file string
		neighbours []Neighbour
		want       map[string]float64 // cells that must read so
		unread     []string           // cells that must stay unread, with a finding
	}{
		{"t2 alone", "glued-t2-last-year.txt", nil, nil,
			[]string{"t2.regulations.issued", "t2.normative_docs.in_force"}},
		{"t2 by last year", "glued-t2-last-year.txt",
			[]Neighbour{{Year: 2021, Cells: map[string]float64{"t2.normative_docs.in_force": 229}}},
			map[string]float64{"t2.normative_docs.issued": 8, "t2.normative_docs.abolished": 6, "t2.normative_docs.in_force": 231},
			[]string{"t2.regulations.issued"}},
		{"t2 by next year", "glued-t2-last-year.txt",
			[]Neighbour{{Year: 2023, Cells: map[string]float64{"t2.normative_docs.in_force": 240, "t2.normative_docs.issued": 12, "t2.normative_docs.abolished": 3}}},
			map[string]float64{"t2.normative_docs.issued": 8, "t2.normative_docs.abolished": 6, "t2.normative_docs.in_force": 231}, nil},
		{"t2 next year without its flow", "glued-t2-last-year.txt",
			[]Neighbour{{Year: 2023, Cells: map[string]float64{"t2.normative_docs.in_force": 240}}},
			nil, []string{"t2.normative_docs.in_force"}},
		{"t2 last year contradicts every reading", "glued-t2-last-year.txt",
			[]Neighbour{{Year: 2021, Cells: map[string]float64{"t2.normative_docs.in_force": 100}}},
			nil, []string{"t2.normative_docs.in_force"}},
		{"t2 neighbour two years off", "glued-t2-last-year.txt",
			[]Neighbour{{Year: 2020, Cells: map[string]float64{"t2.normative_docs.in_force": 229}}},
			nil, []string{"t2.normative_docs.in_force"}},
		{"t3 alone", "glued-t3-last-year.txt", nil, nil,
			[]string{"t3.carried_over.natural", "t3.carry_forward.total"}},
		{"t3 carried over by last year", "glued-t3-last-year.txt",
			[]Neighbour{{Year: 2021, Cells: t3cells("carry_forward", 11, 0, 0, 0, 0, 0, 11)}},
			map[string]float64{"t3.carried_over.natural": 11, "t3.carried_over.commercial": 0, "t3.carry_forward.natural": 11, "t3.carry_forward.total": 11}, nil},
		{"t3 carried forward by next year", "glued-t3-last-year.txt",
			[]Neighbour{{Year: 2023, Cells: t3cells("carried_over", 1, 10, 0, 0, 0, 0, 11)}},
			map[string]float64{"t3.carry_forward.natural": 1, "t3.carry_forward.commercial": 10, "t3.carried_over.natural": 1, "t3.carried_over.commercial": 10}, nil},
		{"t3 last year's other row says nothing", "glued-t3-last-year.txt",
			[]Neighbour{{Year: 2021, Cells: t3cells("carried_over", 1, 10, 0, 0, 0, 0, 11)}},
			nil, []string{"t3.carried_over.natural"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", c.file))
			if err != nil {
				t.Fatal(err)
			}
			r, err := Text(c.file, string(b), Meta{Neighbours: c.neighbours})
			if err != nil {
				t.Fatal(err)
			}
			for code, v := range c.want {
				if got, ok := r.Cells[code]; !ok || got != v {
					t.Errorf("%s = %v (read %v), want %v", code, got, ok, v)
				}
			}
			for _, code := range c.unread {
				if v, ok := r.Cells[code]; ok {
					t.Errorf("%s read as %v, want it unread", code, v)
				}
				if !flagged(r, code) {
					t.Errorf("%s unread without a finding", code)
				}
			}
		})
	}
}

func flagged(r *report.Report, code string) bool {
	for _, f := range r.Findings {
		for _, c := range f.Cells {
			if c == code && f.Rule == report.RuleAmbiguous {
				return true
			}
		}
	}
	return false
}

// TestNeighbourTrace: the trace says, per settled cell, what settled it,
// naming the neighbouring year.
func TestNeighbourTrace(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "glued-t2-last-year.txt"))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := TextTrace("t2", string(b), Meta{Neighbours: neighboursOf(t, filepath.Join("testdata", "glued-t2-last-year.txt"))})
	if err != nil {
		t.Fatal(err)
	}
	got := tr.String()
	for _, s := range []string{"neighbour-year", "t2.normative_docs.in_force＝231：由上年（2021年）报告的现行有效件数229", "t2.regulations.issued＝12：由上年（2021年）"} {
		if !strings.Contains(got, s) {
			t.Errorf("trace lacks %q:\n%s", s, got)
		}
	}
}
