package parse

// Glued numbers settled across years (rule 5). A glued row that neither
// its own rules nor the table's settle (规章86231 is 8/62/31, 86/2/31,
// 8/6/231 …) may be settled by the same agency's report of the year
// before or after, when the caller has it (Meta.Neighbours, given by
// ingest from the store): table 2's stock and flow — last year's 现行有效
// ＋ this year's 制发 − 废止 = this year's 现行有效 — and table 3's
// carry-over — this year's 上年结转 = last year's 结转下年度继续办理. The
// readings that break the relation are dropped, and a row is read only
// when exactly one is left; the note names the year that settled it.
//
// Rule 5 is a warning, not an error (agencies re-count): a neighbour
// that contradicts every reading settles nothing, and the row stays
// unread with its finding, as without a neighbour.

import (
	"fmt"
	"strings"

	"nianbao/report"
)

// Neighbour is the same agency's report of an adjacent year, as stored:
// its year and its cells by code.
type Neighbour struct {
	Year  int                `json:"year"`
	Cells map[string]float64 `json:"cells"`
}

// yearRule is one cross-year relation a glued row's readings must keep:
// ok tells whether a reading (in the row's cell order) keeps it, and why
// says, for the cells' notes and the trace, what settled the row.
type yearRule struct {
	ok  func([]float64) bool
	why string
}

// neighbour returns the caller's report of year y, if given.
func (p *parser) neighbour(y int) *Neighbour {
	if p.r.Year == 0 {
		return nil
	}
	for i := range p.neighbours {
		if p.neighbours[i].Year == y {
			return &p.neighbours[i]
		}
	}
	return nil
}

// yearRules gives the cross-year relations of the glued row whose cells
// are cellCodes (none for a row rule 5 does not reach).
func (p *parser) yearRules(cellCodes []string) []yearRule {
	if len(p.neighbours) == 0 || len(cellCodes) == 0 {
		return nil
	}
	code := report.Code(cellCodes[0])
	row := code.Row()
	var out []yearRule
	switch {
	case code.Table() == 2 && (row == "regulations" || row == "normative_docs"):
		at := map[string]int{}
		for i, c := range cellCodes {
			at[report.Code(c).Column()] = i
		}
		is, iok := at["issued"]
		ab, aok := at["abolished"]
		in, nok := at["in_force"]
		if !iok || !aok || !nok {
			return nil // the 2019 edition: no stock and flow
		}
		inForce := string(report.T2(row, "in_force"))
		if prev := p.neighbour(p.r.Year - 1); prev != nil {
			if last, ok := prev.Cells[inForce]; ok {
				out = append(out, yearRule{
					ok: func(sp []float64) bool { return near(last+sp[is]-sp[ab], sp[in]) },
					why: fmt.Sprintf("上年（%d年）报告的现行有效件数%s（规则5：上年现行有效＋本年制发－本年废止＝本年现行有效）",
						prev.Year, fmtSplit([]float64{last})),
				})
			}
		}
		if next := p.neighbour(p.r.Year + 1); next != nil {
			n, nok := next.Cells[inForce]
			i, iok := next.Cells[string(report.T2(row, "issued"))]
			a, aok := next.Cells[string(report.T2(row, "abolished"))]
			if nok && iok && aok {
				out = append(out, yearRule{
					ok: func(sp []float64) bool { return near(sp[in], n-i+a) },
					why: fmt.Sprintf("下年（%d年）报告的现行有效、制发、废止件数（规则5：本年现行有效＝下年现行有效－下年制发＋下年废止＝%s）",
						next.Year, fmtSplit([]float64{n - i + a})),
				})
			}
		}
	case code.Table() == 3 && row == "carried_over":
		if prev := p.neighbour(p.r.Year - 1); prev != nil {
			if r, ok := sameColumns(cellCodes, prev.Cells, "carry_forward"); ok {
				r.why = fmt.Sprintf("上年（%d年）报告的结转下年度继续办理件数（规则5：本年上年结转＝上年结转下年度继续办理）", prev.Year)
				out = append(out, r)
			}
		}
	case code.Table() == 3 && row == "carry_forward":
		if next := p.neighbour(p.r.Year + 1); next != nil {
			if r, ok := sameColumns(cellCodes, next.Cells, "carried_over"); ok {
				r.why = fmt.Sprintf("下年（%d年）报告的上年结转件数（规则5：本年结转下年度继续办理＝下年上年结转）", next.Year)
				out = append(out, r)
			}
		}
	}
	return out
}

// sameColumns is the relation "each cell of the row equals the
// neighbour's cell of row other in the same column", over the columns
// the neighbour has (an 8-column table's 小计 is no cell, and has none).
func sameColumns(cellCodes []string, cells map[string]float64, other string) (yearRule, bool) {
	idx := make([]int, 0, len(cellCodes))
	want := make([]float64, 0, len(cellCodes))
	for i, c := range cellCodes {
		if v, ok := cells[string(report.T3(other, report.Code(c).Column()))]; ok {
			idx = append(idx, i)
			want = append(want, v)
		}
	}
	if len(idx) == 0 {
		return yearRule{}, false
	}
	return yearRule{ok: func(sp []float64) bool {
		for k, i := range idx {
			if i >= len(sp) || !near(sp[i], want[k]) {
				return false
			}
		}
		return true
	}}, true
}

// settleByYears keeps the readings of a glued row that keep every
// cross-year relation it has. It returns the readings left and what
// settled them; cands unchanged and "" when no relation applies, none is
// kept (the neighbour contradicts every reading) or none is dropped.
func (p *parser) settleByYears(cands [][]float64, cellCodes []string) ([][]float64, string) {
	rules := p.yearRules(cellCodes)
	if len(rules) == 0 {
		return cands, ""
	}
	var kept [][]float64
	for _, sp := range cands {
		all := true
		for _, r := range rules {
			all = all && r.ok(sp)
		}
		if all {
			kept = append(kept, sp)
		}
	}
	if len(kept) == 0 || len(kept) == len(cands) {
		return cands, ""
	}
	whys := make([]string, len(rules))
	for i, r := range rules {
		whys[i] = r.why
	}
	return kept, strings.Join(whys, "和")
}
