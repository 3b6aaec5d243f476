package parse

import (
	"fmt"
	"strings"

	"nianbao/report"
)

// Glued digits settled by the whole table. A row of table 3 whose numbers
// run together (一、本年新收政府信息公开申请数量181000120) may split several
// ways that each keep the row's own rule (rule 3: 1/8/10/0/0/1/20 and
// 18/1/0/0/0/1/20). The columns' rules bind the rows together — rule 1
// (新收 + 上年结转 = 办理总计 + 结转下年) and rule 2 (办理总计 = the sum
// of the results) — so every combination of the rows' readings is tried
// against them, and a row is read when all the combinations that keep the
// rules agree on it. Otherwise it stays unread with a finding listing its
// readings. A report that breaks the rules keeps none of the combinations,
// and nothing is guessed.

// pendingRow is a glued row of table 3 waiting for the table's rules.
type pendingRow struct {
	cands  [][]float64
	all    int // splits before the row's own rule
	digits string
	name   string
	line   int
	codes  []string
	c      cell
	// yearWhy names the neighbouring years that narrowed the readings
	// (neighbour.go), if they did.
	yearWhy string
}

// maxCombinations bounds the search over the pending rows' readings.
const maxCombinations = 200000

// rows2map gives the read rows of table 3 by row code, in column order,
// for the rows whose every column was read.
func rows2map(p *parser, tmpl []rowDef, rows []rowCells) map[string][]float64 {
	out := map[string][]float64{}
	for _, rc := range rows {
		code := tmpl[rc.l.row].code
		vec := make([]float64, len(report.T3Columns))
		ok := true
		for i, col := range report.T3Columns {
			v, has := p.r.Cells[cellCode(3, code, col)]
			ok = ok && has
			vec[i] = v
		}
		if ok {
			out[code] = vec
		}
	}
	return out
}

// resolveJointly settles the pending rows by rules 1 and 2, or flags them.
func (p *parser) resolveJointly(known map[string][]float64, table int) {
	pending := p.pending
	p.pending = nil
	if len(pending) == 0 {
		return
	}
	// The pending rows' readings, by row code, in official column order.
	rowOf := make([]string, len(pending))
	vecs := make([][][]float64, len(pending))
	for i, pr := range pending {
		rowOf[i] = report.Code(pr.codes[0]).Row()
		for _, cand := range pr.cands {
			vec := make([]float64, len(report.T3Columns))
			for k, code := range pr.codes {
				col := report.Code(code).Column()
				for ci, c := range report.T3Columns {
					if c == col {
						vec[ci] = cand[k]
					}
				}
			}
			vecs[i] = append(vecs[i], vec)
		}
	}
	combos := 1
	for _, v := range vecs {
		combos *= len(v)
		if combos > maxCombinations {
			break
		}
	}
	survivors := make([]map[int]bool, len(pending))
	for i := range survivors {
		survivors[i] = map[int]bool{}
	}
	results := report.T3ResultRows(p.r.Edition)
	if combos <= maxCombinations {
		choice := make([]int, len(pending))
		rows := map[string][]float64{}
		for {
			for k, v := range known {
				rows[k] = v
			}
			for i, c := range choice {
				rows[rowOf[i]] = vecs[i][c]
			}
			if checks, ok := keepsColumnRules(rows, results); ok && checks {
				for i, c := range choice {
					survivors[i][c] = true
				}
			}
			// Next combination (mixed radix).
			i := 0
			for ; i < len(choice); i++ {
				choice[i]++
				if choice[i] < len(vecs[i]) {
					break
				}
				choice[i] = 0
			}
			if i == len(choice) {
				break
			}
			clear(rows)
		}
	}
	for i, pr := range pending {
		if len(survivors[i]) == 1 {
			var c int
			for k := range survivors[i] {
				c = k
			}
			p.step(table, "joint-rules", "粘连行按表内勾稽关系确定")
			note := fmt.Sprintf("数字粘连“%s”按%d列拆分为%s：本行有%d种拆分符合本行勾稽关系，按表三各列的勾稽关系（规则1、2）只余此一种", pr.digits, len(pr.codes), fmtSplit(pr.cands[c]), len(pr.cands))
			by := "由表三各列的勾稽关系（规则1、2）确定"
			if pr.yearWhy != "" {
				note = fmt.Sprintf("数字粘连“%s”按%d列拆分为%s：按本行勾稽关系和%s余%d种拆分，按表三各列的勾稽关系（规则1、2）只余此一种", pr.digits, len(pr.codes), fmtSplit(pr.cands[c]), pr.yearWhy, len(pr.cands))
				by = "由" + pr.yearWhy + "和表三各列的勾稽关系（规则1、2）确定"
			}
			p.settled(pr.codes, pr.cands[c], by)
			for k, v := range pr.cands[c] {
				src := p.source(pr.c, table, 0, k+1)
				src.Note = note
				p.put(pr.codes[k], v, src)
			}
			continue
		}
		var alts []string
		for k, sp := range pr.cands {
			if k == 6 {
				alts = append(alts, "…")
				break
			}
			alts = append(alts, fmtSplit(sp))
		}
		p.flag(report.RuleAmbiguous, report.SeverityWarning,
			fmt.Sprintf("第%d行“%s”的数字粘连为“%s”，有%d种拆分（%s），表内勾稽关系也不能确定，未读取", pr.line, pr.name, pr.digits, len(pr.cands), strings.Join(alts, "；")), pr.codes...)
	}
}

// keepsColumnRules tells whether rows keep rules 1 and 2 in every column.
// checked is false when neither rule could be checked (rows missing).
func keepsColumnRules(rows map[string][]float64, results []string) (checked, ok bool) {
	nw, co, tot, cf := rows["new"], rows["carried_over"], rows["total"], rows["carry_forward"]
	if nw != nil && co != nil && tot != nil && cf != nil {
		checked = true
		for c := range nw {
			if !near(nw[c]+co[c], tot[c]+cf[c]) {
				return true, false
			}
		}
	}
	if tot != nil {
		all := true
		for _, r := range results {
			all = all && rows[r] != nil
		}
		if all {
			checked = true
			for c := range tot {
				sum := 0.0
				for _, r := range results {
					sum += rows[r][c]
				}
				if !near(sum, tot[c]) {
					return true, false
				}
			}
		}
	}
	return checked, true
}
