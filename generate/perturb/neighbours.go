package perturb

// Neighbouring years (issue 23): a report whose glued runs only the same
// agency's report of the year before or after settles (rule 5 across
// years). Table 2's rows are glued (规章86231) with no figures in the
// overview, and table 3's 上年结转 and 结转下年度继续办理 rows are glued
// (二、上年结转政府信息公开申请数量1210000022), which the table's own rules
// tie to each other but do not settle. The reader is given the
// neighbouring years' cells as ingest gives them from the store.

import (
	"fmt"
	"math/rand/v2"

	"nianbao/generate"
	"nianbao/parse"
	"nianbao/report"
)

// neighbourRows are table 3's rows the perturbation glues.
var neighbourRows = map[string]bool{"carried_over": true, "carry_forward": true}

// neighbourYears prints a 2021 edition report with table 2 and table 3's
// carry-over rows glued and hands the reader its last year, its next
// year, both or neither (one choice per report). The neighbours keep
// rule 5 with the report.
func neighbourYears(truth *report.Report, rng *rand.Rand) (*Case, bool) {
	if truth.Edition != report.Edition2021 {
		return nil, false
	}
	// 现行有效 at least 本年制发, so that last year's stock is not negative.
	truth = withStock(truth, rng, func(issued float64) float64 { return issued })
	// Applications carried over and forward in the tens: the same amount
	// added to both rows keeps rules 1–3 (新收＋上年结转＝总计＋结转下年).
	for _, col := range []string{"natural", "commercial"} {
		d := float64(rng.IntN(25))
		for _, row := range []string{"carried_over", "carry_forward"} {
			truth.Cells[string(report.T3(row, col))] += d
			truth.Cells[string(report.T3(row, "total"))] += d
		}
	}
	c := &Case{Truth: truth, Base: "neighbour-years", File: truth.File}
	get := func(code report.Code) float64 { return truth.Cells[string(code)] }
	which := rng.IntN(4) // 0: last year, 1: next year, 2: both, 3: neither
	if which == 0 || which == 2 {
		last := parse.Neighbour{Year: truth.Year - 1, Cells: map[string]float64{}}
		for _, row := range []string{"regulations", "normative_docs"} {
			last.Cells[string(report.T2(row, "in_force"))] = get(report.T2(row, "in_force")) - get(report.T2(row, "issued")) + get(report.T2(row, "abolished"))
		}
		for _, col := range report.T3Columns {
			last.Cells[string(report.T3("carry_forward", col))] = get(report.T3("carried_over", col))
		}
		c.Neighbours = append(c.Neighbours, last)
	}
	if which == 1 || which == 2 {
		next := parse.Neighbour{Year: truth.Year + 1, Cells: map[string]float64{}}
		for _, row := range []string{"regulations", "normative_docs"} {
			is, ab := float64(rng.IntN(30)), float64(rng.IntN(20))
			next.Cells[string(report.T2(row, "issued"))] = is
			next.Cells[string(report.T2(row, "abolished"))] = ab
			next.Cells[string(report.T2(row, "in_force"))] = get(report.T2(row, "in_force")) + is - ab
		}
		for _, col := range report.T3Columns {
			next.Cells[string(report.T3("carried_over", col))] = get(report.T3("carry_forward", col))
		}
		c.Neighbours = append(c.Neighbours, next)
	}
	c.Steps = []string{[]string{"last-year", "next-year", "both-years", "no-neighbour"}[which]}
	rows := generate.Grid(truth)
	c.Grid = rows
	glued := func(g generate.GridRow) bool {
		return !g.Head && len(g.Values) > 0 && (g.Table == 2 || (g.Table == 3 && neighbourRows[t3RowCode(g)]))
	}
	c.Text = withTables(truth, rows, printGlued(glued))
	var tables []generate.GridRow
	for _, g := range rows {
		if g.Table == 2 || g.Table == 3 {
			tables = append(tables, g)
		}
	}
	for code, why := range RunsUndetermined(tables, truth.Edition, func(g generate.GridRow) (string, [][]float64) {
		run := gluedRun(g)
		if !glued(g) {
			return run, [][]float64{g.Values} // printed with bars: as it is
		}
		all := readings(run, len(g.Values), maxReadings)
		if keep := keptByYears(g, truth.Year, c.Neighbours, all); len(keep) > 0 {
			all = keep // a neighbour contradicting every reading settles nothing
		}
		return run, all
	}) {
		c.undetermine(code, fmt.Sprintf("%s（相邻年度：%s）", why, c.Steps[0]))
	}
	return c, true
}

// keptByYears keeps the readings of a glued row of the report of year
// that keep rule 5 with every neighbour given, computed here from the
// printed grid (not with the reader's code): table 2's stock and flow
// (last in_force + issued − abolished = in_force), table 3's carry-over.
func keptByYears(g generate.GridRow, year int, ns []parse.Neighbour, all [][]float64) [][]float64 {
	col := map[string]int{}
	for i, code := range g.Codes {
		col[code.Column()] = i
	}
	row := ""
	if len(g.Codes) > 0 {
		row = g.Codes[0].Row()
	}
	// same keeps a reading whose cells equal the neighbour's cells of
	// row other, column by column.
	same := func(r []float64, n parse.Neighbour, other string) bool {
		for i, code := range g.Codes {
			if v, has := n.Cells[string(report.T3(other, code.Column()))]; has && !near(r[i], v) {
				return false
			}
		}
		return true
	}
	var out [][]float64
	for _, r := range all {
		ok := true
		for _, n := range ns {
			last, next := n.Year == year-1, n.Year == year+1
			switch {
			case g.Table == 2 && (row == "regulations" || row == "normative_docs"):
				is, ab, in := r[col["issued"]], r[col["abolished"]], r[col["in_force"]]
				nIn := n.Cells[string(report.T2(row, "in_force"))]
				if last {
					ok = ok && near(nIn+is-ab, in)
				}
				if next {
					ok = ok && near(in, nIn-n.Cells[string(report.T2(row, "issued"))]+n.Cells[string(report.T2(row, "abolished"))])
				}
			case g.Table == 3 && row == "carried_over" && last:
				ok = ok && same(r, n, "carry_forward")
			case g.Table == 3 && row == "carry_forward" && next:
				ok = ok && same(r, n, "carried_over")
			}
		}
		if ok {
			out = append(out, r)
		}
	}
	return out
}
