// Package perturb makes hard copies of generated reports: the same truth
// printed the ways real reports reach Nianbao (glued on one line, zeros
// written 无 or left blank, site navigation around the body, labels wrapped
// like PDF text, traditional characters, an eight-column table 3, grid
// formats with merged cells …). Each perturbation is a named, composable
// function; each case says which cells its text no longer determines, so
// that the measure can demand exactness where the text allows it and a
// finding — never a wrong number — where it does not.
package perturb

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"strconv"
	"strings"

	"nianbao/generate"
	"nianbao/parse"
	"nianbao/report"
)

// Case is one perturbed report, ready to be read.
type Case struct {
	Perturbation string
	Truth        *report.Report
	// Base is the generator's layout the case starts from, or the name of
	// a grid format (html, docx, xlsx).
	Base string
	// File is the name the reader is given; its extension picks the reader
	// for Data.
	File string
	// Text is the text read by parse.Text; Data, when set, the bytes read
	// by ingest.ParseBytes instead.
	Text string
	Data []byte
	// Grid is the printed rows the text was made from (for the analysis
	// of what the text determines).
	Grid []generate.GridRow
	// Undetermined lists the cells the text no longer determines, and why.
	// For those the expected outcome is "missing, with a finding" (an exact
	// value is accepted too; a wrong one never).
	Undetermined map[string]string
	// Steps are the names of the transforms applied, in order.
	Steps []string
	// Neighbours are the same agency's reports of adjacent years handed to
	// the reader, as ingest hands them from the store (parse.Meta).
	Neighbours []parse.Neighbour
}

// Want is the truth the parser should give: the truth cells with the
// derived 2021 subtotal t3.other.*.
func (c *Case) Want() map[string]float64 {
	r := report.New(c.Truth.File)
	r.Edition = c.Truth.Edition
	maps.Copy(r.Cells, c.Truth.Cells)
	report.Derive(r)
	return r.Cells
}

// undetermine marks a cell; the derived t3.other.<col> follows its sub-rows.
func (c *Case) undetermine(code, why string) {
	if c.Undetermined == nil {
		c.Undetermined = map[string]string{}
	}
	c.Undetermined[code] = why
	k := report.Code(code)
	if strings.HasPrefix(k.Row(), "other.") {
		c.Undetermined[string(report.T3("other", k.Column()))] = why
	}
}

// Maker renders a truth report into a case (false: it does not apply).
type Maker func(truth *report.Report, rng *rand.Rand) (*Case, bool)

// Transform changes a case's text (and what it determines); it returns
// false when it has nothing to change in this case.
type Transform struct {
	Name  string
	Apply func(c *Case, rng *rand.Rand) bool
}

// Perturbation is a named way of printing a report.
type Perturbation struct {
	Name string
	// Doc says what the perturbation does and whether the text still
	// determines every cell.
	Doc  string
	Make Maker
}

// Layout is a maker printing the report with the generator's layout.
func Layout(layouts ...generate.Layout) Maker {
	return func(truth *report.Report, rng *rand.Rand) (*Case, bool) {
		l := layouts[rng.IntN(len(layouts))]
		return &Case{Truth: truth, Base: string(l), File: truth.File, Text: string(generate.Render(truth, l)), Grid: generate.Grid(truth)}, true
	}
}

// Then applies transforms after a maker.
func Then(m Maker, ts ...Transform) Maker {
	return func(truth *report.Report, rng *rand.Rand) (*Case, bool) {
		c, ok := m(truth, rng)
		if !ok {
			return nil, false
		}
		for _, t := range ts {
			if c.Data != nil {
				return nil, false // a grid format has no text to change
			}
			if !t.Apply(c, rng) {
				return nil, false
			}
			c.Steps = append(c.Steps, t.Name)
		}
		return c, true
	}
}

// Compose is a perturbation made of others' transforms over one maker.
func Compose(name string, m Maker, ts ...Transform) Perturbation {
	var names []string
	for _, t := range ts {
		names = append(names, t.Name)
	}
	return Perturbation{Name: name, Doc: "组合：" + strings.Join(names, " + "), Make: Then(m, ts...)}
}

// Make renders truth with perturbation p; rng fixes every random choice.
func (p Perturbation) make(truth *report.Report, rng *rand.Rand) (*Case, bool) {
	c, ok := p.Make(truth, rng)
	if ok {
		c.Perturbation = p.Name
	}
	return c, ok
}

// num writes a number as the generator does.
func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// lines and text split and join a case's text.
func lines(s string) []string { return strings.Split(strings.TrimRight(s, "\n"), "\n") }

// tableSpan finds the lines of the tables: from the title of table 2 to
// the line before 五、存在的主要问题及改进情况.
func tableSpan(ls []string) (from, to int) {
	from, to = -1, len(ls)
	for i, l := range ls {
		t := strings.TrimSpace(l)
		if from < 0 && t == "二、主动公开政府信息情况" {
			from = i
		}
		if strings.HasPrefix(t, "五、存在的主要问题") {
			to = i
		}
	}
	return from, to
}

// withTables prints the report as LayoutRowPipe does, but for the tables,
// which print renders row by row.
func withTables(truth *report.Report, rows []generate.GridRow, print func(g generate.GridRow) []string) string {
	ls := lines(string(generate.Render(truth, generate.LayoutRowPipe)))
	from, to := tableSpan(ls)
	var out []string
	out = append(out, ls[:from]...)
	for _, g := range rows {
		if g.Title != "" {
			out = append(out, g.Title)
		}
		out = append(out, print(g)...)
	}
	out = append(out, ls[to:]...)
	return strings.Join(out, "\n") + "\n"
}

// Names lists the perturbations of All.
func Names() []string {
	var out []string
	for _, p := range All() {
		out = append(out, p.Name)
	}
	return out
}

// ByName returns the perturbations whose name is in the comma list only
// (all when empty).
func ByName(only string) ([]Perturbation, error) {
	all := All()
	if strings.TrimSpace(only) == "" {
		return all, nil
	}
	var out []Perturbation
	for _, name := range strings.Split(only, ",") {
		name = strings.TrimSpace(name)
		found := false
		for _, p := range all {
			if p.Name == name {
				out = append(out, p)
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown perturbation %q (known: %s)", name, strings.Join(Names(), ", "))
		}
	}
	return out, nil
}
