package perturb

// The classes of issue 23: numbers a reader must settle by solving the
// table — zero marks inside glued runs (规章—210, —1————1), rows whose
// boundaries are spaced or glued at random (…申请数量 512000053), signed
// changes written with "+", amounts glued with their unit. Each case says
// which cells its text still determines (determined.go), counted on the
// text as printed, never assumed.

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"nianbao/generate"
	"nianbao/report"
)

// gluedMarkTokens are the marks a zero is printed as inside glued text.
var gluedMarkTokens = []string{"—", "——", "无", "〇", "/"}

// gluedMarks prints every row a line, its label and numbers glued with no
// separator, each zero written as one mark (one choice per report).
func gluedMarks(truth *report.Report, rng *rand.Rand) (*Case, bool) {
	mark := gluedMarkTokens[rng.IntN(len(gluedMarkTokens))]
	rows := generate.Grid(truth)
	c := &Case{Truth: truth, Base: "glued-zero-marks", File: truth.File, Grid: rows, Steps: []string{fmt.Sprintf("zero=%q", mark)}}
	format := func(v float64) string {
		if v == 0 {
			return mark
		}
		return num(v)
	}
	c.Text = withTables(truth, rows, func(g generate.GridRow) []string {
		if g.Head {
			return []string{strings.Join(g.Labels, " ")}
		}
		var b strings.Builder
		for _, v := range g.Values {
			b.WriteString(format(v))
		}
		return []string{strings.Join(g.Labels, "") + b.String()}
	})
	for code, why := range GluedUndetermined(rows, truth.Edition, format) {
		c.undetermine(code, why)
	}
	return c, true
}

// mixedSpacing prints every row a line, each boundary (label to first
// number, number to number) a space or nothing at random: 一、本年新收…
// 数量 512000053 beside rows printed 3 1 0 0 1 0 5.
func mixedSpacing(truth *report.Report, rng *rand.Rand) (*Case, bool) {
	return spacedOrGlued(truth, rng, "mixed-spacing", func(_ report.Code, v float64) string { return num(v) }), true
}

// signedPlus is mixedSpacing for a 2019 edition report whose 本年增/减
// column writes a rise with its sign (+11, glued: 行政许可12+315).
func signedPlus(truth *report.Report, rng *rand.Rand) (*Case, bool) {
	if truth.Edition != report.Edition2019 {
		return nil, false
	}
	return spacedOrGlued(truth, rng, "signed-plus", func(code report.Code, v float64) string {
		if code.Column() == "change" && v > 0 {
			return "+" + num(v)
		}
		return num(v)
	}), true
}

// amountUnits is mixedSpacing with every amount followed by its unit
// (政府集中采购 312840.5万元: the count glued to the amount).
func amountUnits(truth *report.Report, rng *rand.Rand) (*Case, bool) {
	return spacedOrGlued(truth, rng, "amount-units", func(code report.Code, v float64) string {
		if code.Column() == "amount" {
			return num(v) + "万元"
		}
		return num(v)
	}), true
}

// units are the units an amount may end with.
var units = []string{"万元", "元"}

// dropUnit takes a unit off the end of a printed number or run.
func dropUnit(s string) string {
	for _, u := range units {
		if t, ok := strings.CutSuffix(s, u); ok {
			return t
		}
	}
	return s
}

// spacedOrGlued prints the tables a row a line, each boundary a space or
// nothing at random, each number as format writes it; the cells its text
// no longer determines are marked.
func spacedOrGlued(truth *report.Report, rng *rand.Rand, base string, format func(report.Code, float64) string) *Case {
	rows := generate.Grid(truth)
	c := &Case{Truth: truth, Base: base, File: truth.File, Grid: rows}
	printed := map[int][]string{} // row index → its numbers as printed, a token each
	labelSpaced := map[int]bool{}
	for i, g := range rows {
		if g.Head {
			continue
		}
		var toks []string
		for k, v := range g.Values {
			var code report.Code
			if k < len(g.Codes) {
				code = g.Codes[k]
			}
			if k > 0 && rng.IntN(2) == 0 {
				toks[len(toks)-1] += format(code, v)
				continue
			}
			toks = append(toks, format(code, v))
		}
		printed[i] = toks
		labelSpaced[i] = len(g.Labels) == 0 || rng.IntN(2) == 0
	}
	k := 0
	c.Text = withTables(truth, rows, func(g generate.GridRow) []string {
		i := k
		k++
		if g.Head {
			return []string{strings.Join(g.Labels, " ")}
		}
		sep := ""
		if labelSpaced[i] {
			sep = " "
		}
		return []string{strings.TrimSpace(strings.Join(g.Labels, "") + sep + strings.Join(printed[i], " "))}
	})
	for code, why := range RunsUndetermined(rows, truth.Edition, func(g generate.GridRow) (string, [][]float64) {
		i := -1
		for j := range rows {
			if sameRow(rows[j], g) {
				i = j
				break
			}
		}
		toks := printed[i]
		// A unit ends the run (the amount is its last number); inside a
		// run it would be no number at all.
		all := readings(dropUnit(strings.Join(toks, "")), len(g.Values), maxReadings)
		if labelSpaced[i] && len(toks) < len(g.Values) {
			// Spaced numbers may also be whole cells with blank cells
			// between them, as PDF text prints them.
			for _, b := range blankPlacements(toks, len(g.Values)) {
				if !slices.ContainsFunc(all, func(a []float64) bool { return same(a, b) }) {
					all = append(all, b)
				}
			}
		}
		return strings.Join(toks, " "), all
	}) {
		c.undetermine(code, why)
	}
	return c
}

// sameRow tells whether two grid rows are the same row (same codes).
func sameRow(a, b generate.GridRow) bool {
	return a.Table == b.Table && slices.Equal(a.Codes, b.Codes) && slices.Equal(a.Labels, b.Labels)
}

// blankPlacements places each token whole under every choice of columns,
// in order, the other columns 0.
func blankPlacements(toks []string, width int) [][]float64 {
	vals := make([]float64, len(toks))
	for i, t := range toks {
		t = dropUnit(t)
		v, err := strconv.ParseFloat(t, 64)
		if err != nil || !validNum(t) {
			return nil
		}
		vals[i] = v
	}
	var out [][]float64
	acc := make([]float64, width)
	var walk func(i, col int)
	walk = func(i, col int) {
		if i == len(vals) {
			out = append(out, slices.Clone(acc))
			return
		}
		for c := col; c <= width-(len(vals)-i); c++ {
			acc[c] = vals[i]
			walk(i+1, c+1)
			acc[c] = 0
		}
	}
	walk(0, 0)
	return out
}

// gluedT2Narrative glues table 2's rows (规章86231) in a 2021 edition
// report whose overview states 规章 and 规范性文件's figures in words
// (本年度制发规章8件、废止6件、现行有效231件。): the narrative is the only
// constraint table 2 has. Tables 3 and 4 are printed with bars.
func gluedT2Narrative(truth *report.Report, rng *rand.Rand) (*Case, bool) {
	if truth.Edition != report.Edition2021 {
		return nil, false
	}
	truth = withStock(truth, rng, func(float64) float64 { return 10 })
	rows := generate.Grid(truth)
	c := &Case{Truth: truth, Base: "glued-t2-narrative", File: truth.File, Grid: rows}
	c.Text = withTables(truth, rows, printGlued(func(g generate.GridRow) bool { return g.Table == 2 }))
	// The overview states each document kind's figures, in one of two
	// wordings.
	stated := map[string]bool{}
	var said []string
	for _, row := range []struct{ code, name string }{{"regulations", "规章"}, {"normative_docs", "行政规范性文件"}} {
		get := func(col string) float64 { return truth.Cells[string(report.T2(row.code, col))] }
		if rng.IntN(4) == 0 {
			continue // not every report says it
		}
		stated[row.code] = true
		if rng.IntN(2) == 0 {
			said = append(said, fmt.Sprintf("本年度制发%s%s件、废止%s件、现行有效%s件。", row.name, num(get("issued")), num(get("abolished")), num(get("in_force"))))
		} else {
			said = append(said, fmt.Sprintf("全年共清理%s，制发%s件，废止%s件，现行有效的%s件。", row.name, num(get("issued")), num(get("abolished")), num(get("in_force"))))
		}
	}
	c.Text = strings.Replace(c.Text, "一、总体情况\n", "一、总体情况\n"+strings.Join(said, "")+"\n", 1)
	c.Steps = []string{fmt.Sprintf("stated=%d", len(said))}
	var t2 []generate.GridRow
	for _, g := range rows {
		if g.Table == 2 {
			t2 = append(t2, g)
		}
	}
	for code, why := range RunsUndetermined(t2, truth.Edition, func(g generate.GridRow) (string, [][]float64) {
		run := gluedRun(g)
		all := readings(run, len(g.Values), maxReadings)
		if row := t2RowCode(g); stated[row] {
			// The narrative's figures keep the readings that agree.
			var keep [][]float64
			for _, r := range all {
				ok := true
				for i, code := range g.Codes {
					if want := truth.Cells[string(code)]; !near(r[i], want) && code.Row() == row {
						ok = false
					}
				}
				if ok {
					keep = append(keep, r)
				}
			}
			all = keep
		}
		return run, all
	}) {
		c.undetermine(code, why)
	}
	return c, true
}

// t2RowCode is the row code of a table-2 grid row.
func t2RowCode(g generate.GridRow) string {
	if len(g.Codes) == 0 {
		return ""
	}
	return g.Codes[0].Row()
}

// printGlued prints a table's rows for withTables: headers and rows with
// bars, but the rows glued says so with label and numbers run together
// (规章86231).
func printGlued(glued func(generate.GridRow) bool) func(generate.GridRow) []string {
	return func(g generate.GridRow) []string {
		if g.Head {
			return []string{strings.Join(g.Labels, " | ") + " |" + padBars(g.Pad)}
		}
		var vals []string
		for _, v := range g.Values {
			vals = append(vals, num(v))
		}
		if glued(g) {
			return []string{strings.Join(g.Labels, "") + strings.Join(vals, "")}
		}
		return []string{strings.Join(append(append([]string(nil), g.Labels...), vals...), " | ") + " |" + padBars(g.Pad)}
	}
}

// gluedRun is a row's numbers printed with nothing between them.
func gluedRun(g generate.GridRow) string {
	var b strings.Builder
	for _, v := range g.Values {
		b.WriteString(num(v))
	}
	return b.String()
}

// withStock is a copy of a 2021 edition truth whose table-2 counts have
// several digits, as a county's stock of documents has them (the
// generator's are mostly one digit, which glue one way): 现行有效 is
// least(本年制发) plus up to 400.
func withStock(truth *report.Report, rng *rand.Rand, least func(issued float64) float64) *report.Report {
	own := *truth
	own.Cells = maps.Clone(truth.Cells)
	for _, row := range []string{"regulations", "normative_docs"} {
		issued := float64(rng.IntN(30))
		own.Cells[string(report.T2(row, "issued"))] = issued
		own.Cells[string(report.T2(row, "abolished"))] = float64(rng.IntN(20))
		own.Cells[string(report.T2(row, "in_force"))] = least(issued) + float64(rng.IntN(400))
	}
	return &own
}
