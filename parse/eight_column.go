package parse

import (
	"fmt"
	"strings"

	"nianbao/report"
)

// The 8-column table 3. A template in circulation adds a 法人或其他组织
// 小计 column after 其他 and a 小计 row opening each of (三)不予公开,
// (四)无法提供, (五)不予处理 and (六)其他处理. The subtotals are not cells
// of their own: each is checked against the sum of its parts, and a
// mismatch is a finding. The column is known from the header (小计 among
// the applicant headers) or, without a header, from rows of eight numbers.

// subtotalCol names the 小计 column among table 3's columns while reading.
const subtotalCol = "subtotal"

// t3EightCols is table 3's column order with the 小计 column.
var t3EightCols = []string{"natural", "commercial", "research", "social", "legal", "other_org", subtotalCol, "total"}

type subtotal struct {
	val float64
	src report.Source
}

// eightColumns tells whether table 3 has the 小计 column: its header says
// 小计, or most rows that print all their numbers print eight.
func (p *parser) eightColumns(sp span, firstLabel int, rows []rowCells) bool {
	if strings.Contains(p.t.norm[sp.a:firstLabel], "小计") {
		return true
	}
	if len(p.grid) > 0 {
		return false // a grid's header says it, and it did not
	}
	seven, eight := 0, 0
	for _, rc := range rows {
		n, first := 0, -1
		for i, c := range rc.vals {
			if c.kind == kindValue {
				// Empty cells before the first number and after the last
				// pad the row (merged label columns, trailing bars).
				if first < 0 {
					first = i
				}
				n = i - first + 1
			}
		}
		switch n {
		case 7:
			seven++
		case 8:
			eight++
		}
	}
	return eight >= 3 && eight > 2*seven
}

// eightSums keeps the splits of a glued 8-column row whose 小计 is the sum
// of the five organisations and whose total adds the natural persons.
func eightSums(sp []float64) bool {
	orgs := sp[1] + sp[2] + sp[3] + sp[4] + sp[5]
	return orgs == sp[6] && sp[0]+orgs == sp[7]
}

// groupOf gives the rows of table 3 each 小计 row sums.
var groupOf = map[string][]string{
	"denied":        {"denied.state_secret", "denied.law_prohibited", "denied.security_stability", "denied.third_party", "denied.internal_affairs", "denied.process_info", "denied.enforcement_file", "denied.inquiry"},
	"unavailable":   {"unavailable.not_held", "unavailable.needs_creation", "unavailable.unclear"},
	"not_processed": {"not_processed.petition", "not_processed.duplicate", "not_processed.publication", "not_processed.excessive", "not_processed.confirmation"},
	"other":         report.T3OtherSubRows,
}

// checkSubtotals checks the 小计 column of each row and the 小计 rows of
// the groups against their parts.
func (p *parser) checkSubtotals(groups []rowCells, lay layout) {
	for row, st := range p.subtotals {
		sum, ok := 0.0, true
		var parts []string
		for _, col := range []string{"commercial", "research", "social", "legal", "other_org"} {
			code := string(report.T3(row, col))
			v, has := p.r.Cells[code]
			ok = ok && has
			sum += v
			parts = append(parts, code)
		}
		if ok && !near(sum, st.val) {
			p.r.AddFinding(report.RuleApplicants, report.SeverityError,
				fmt.Sprintf("表三第%d行：法人或其他组织“小计”为%s，但五类组织之和为%s", st.src.Line, num(st.val), num(sum)), parts...)
		}
	}
	for _, g := range groups {
		code := t3Template[g.l.row].code
		subRows, isGroup := groupOf[code]
		if !isGroup {
			continue
		}
		var vals []cell
		for _, c := range g.vals {
			if c.kind != kindText {
				vals = append(vals, c)
			}
		}
		if len(vals) == 0 {
			continue
		}
		line := p.t.lineOf(g.l.a)
		if len(vals) != len(t3EightCols) {
			p.r.AddFinding(report.RuleAmbiguous, report.SeverityInfo,
				fmt.Sprintf("表三第%d行的“小计”行有%d个数字，应有8个，未核对", line, len(vals)))
			continue
		}
		for ci, col := range t3EightCols {
			if col == subtotalCol {
				continue
			}
			sum, ok := 0.0, true
			var parts []string
			for _, r := range subRows {
				c := string(report.T3(r, col))
				v, has := p.r.Cells[c]
				ok = ok && has
				sum += v
				parts = append(parts, c)
			}
			if ok && !near(sum, vals[ci].val) {
				p.r.AddFinding(report.RuleResults, report.SeverityError,
					fmt.Sprintf("表三第%d行“小计”（%s列）为%s，但其下各项之和为%s", line, report.T3ColumnLabels[col], num(vals[ci].val), num(sum)), parts...)
			}
		}
	}
}

func near(a, b float64) bool { d := a - b; return d < 1e-6 && d > -1e-6 }

func num(v float64) string { return fmtSplit([]float64{v}) }
