package perturb

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"nianbao/generate"
	"nianbao/report"
)

// When a perturbation glues the numbers of a row into one digit run, the
// text determines the row only if exactly one way of cutting the run into
// the row's width of numbers satisfies the accounting rules a reader may
// lean on (report-format.md rules 1–4). This file counts those readings;
// it never assumes.

// maxReadings bounds the enumeration; a row or table with more readings
// than this is treated as undetermined (which asks the parser for a
// finding, not a guess).
const maxReadings = 20000

// validNum tells whether s is one number as a glued run can show it:
// [-+]?(0|[1-9][0-9]*)(\.[0-9]+)?, and not "-0" or "+0" (a rise is
// written +11 in the 2019 本年增/减 column).
func validNum(s string) bool {
	if s == "" || s == "-" {
		return false
	}
	if s == "+" {
		return false
	}
	t := strings.TrimPrefix(strings.TrimPrefix(s, "+"), "-")
	intPart, frac, hasFrac := strings.Cut(t, ".")
	if intPart == "" || strings.Trim(intPart, "0123456789") != "" || (len(intPart) > 1 && intPart[0] == '0') {
		return false
	}
	if hasFrac && (frac == "" || strings.Trim(frac, "0123456789") != "") {
		return false
	}
	return !(t != s && !hasFrac && intPart == "0")
}

// readings returns every way to cut s into k numbers (up to limit).
func readings(s string, k, limit int) [][]float64 {
	var out [][]float64
	var acc []float64
	var walk func(i int)
	walk = func(i int) {
		if len(out) >= limit {
			return
		}
		if len(acc) == k {
			if i == len(s) {
				out = append(out, append([]float64(nil), acc...))
			}
			return
		}
		if ls := markAt(s[i:]); len(ls) > 0 {
			// A zero mark is a zero cell and a boundary, nothing else.
			for _, n := range ls {
				acc = append(acc, 0)
				walk(i + n)
				acc = acc[:len(acc)-1]
			}
			return
		}
		for j := i + 1; j <= len(s)-(k-len(acc)-1); j++ {
			if !validNum(s[i:j]) {
				continue
			}
			v, err := strconv.ParseFloat(s[i:j], 64)
			if err != nil {
				continue
			}
			acc = append(acc, v)
			walk(j)
			acc = acc[:len(acc)-1]
		}
	}
	walk(0)
	return out
}

// markAt gives the lengths a zero mark opening s may have: "——" is one
// zero or two, as a cell may print either.
func markAt(s string) []int {
	for _, m := range []string{"—", "无", "〇", "/", "空", "零"} {
		if strings.HasPrefix(s, m) {
			if m == "—" && strings.HasPrefix(s, "——") {
				return []int{len(m), 2 * len(m)}
			}
			return []int{len(m)}
		}
	}
	return nil
}

func same(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-9 {
			return false
		}
	}
	return true
}

// rowRule is the identity a row's own numbers keep (rule 3 for a table-3
// row: the applicant columns add up to 总计; rule 4 for table 4), or nil.
func rowRule(g generate.GridRow) func([]float64) bool {
	switch {
	case g.Table == 3 && len(g.Values) == 7:
		return func(v []float64) bool { return near(sum(v[:6]), v[6]) }
	case g.Table == 3 && len(g.Values) == 8: // eight-column: 小计 and 总计
		return func(v []float64) bool { return near(sum(v[1:6]), v[6]) && near(v[0]+v[6], v[7]) }
	case g.Table == 4 && len(g.Values) == 15:
		return func(v []float64) bool {
			for i := 0; i < 15; i += 5 {
				if !near(sum(v[i:i+4]), v[i+4]) {
					return false
				}
			}
			return true
		}
	}
	return nil
}

func sum(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// GluedUndetermined returns the cells (code → reason) that the glued digit
// runs of rows do not determine, given how each number is printed. Rows
// are settled by their width, then by their own identity (rules 3, 4),
// then the table-3 rows still open are settled together by rules 1 and 2
// (per column: new + carried_over = total + carry_forward; total = the
// result rows). A row is determined when exactly one reading is left and
// it is the printed one.
func GluedUndetermined(rows []generate.GridRow, edition string, format func(float64) string) map[string]string {
	return RunsUndetermined(rows, edition, func(g generate.GridRow) (string, [][]float64) {
		var b strings.Builder
		for _, v := range g.Values {
			b.WriteString(format(v))
		}
		run := b.String()
		return run, readings(run, len(g.Values), maxReadings)
	})
}

// RunsUndetermined is GluedUndetermined with each row's readings given by
// read: the row's text (for the reason) and every reading its text allows.
func RunsUndetermined(rows []generate.GridRow, edition string, read func(g generate.GridRow) (string, [][]float64)) map[string]string {
	out := map[string]string{}
	type open struct {
		row   generate.GridRow
		cands [][]float64
	}
	var t3open []open
	t3fixed := map[string][]float64{} // row code → values (7 columns)
	for _, g := range rows {
		if g.Head || len(g.Values) == 0 {
			continue
		}
		run, all := read(g)
		cands := all
		if rule := rowRule(g); rule != nil && len(all) > 1 {
			cands = nil
			for _, c := range all {
				if rule(c) {
					cands = append(cands, c)
				}
			}
		}
		switch {
		case len(cands) == 1 && same(cands[0], g.Values):
			if g.Table == 3 {
				t3fixed[t3RowCode(g)] = t3Seven(g, g.Values)
			}
			continue
		case g.Table == 3 && len(cands) > 1 && len(all) < maxReadings:
			t3open = append(t3open, open{g, cands})
			continue
		}
		why := fmt.Sprintf("数字粘连“%s”有%d种读法，勾稽关系仍不能唯一确定", run, len(cands))
		if len(cands) == 0 {
			why = fmt.Sprintf("数字粘连“%s”有%d种读法，无一满足本行勾稽关系（本报告本行不平）", run, len(all))
		}
		markRow(out, g, why)
	}
	if len(t3open) == 0 {
		return out
	}
	// Rules 1 and 2 across the open rows.
	combos := 1
	for _, o := range t3open {
		combos *= len(o.cands)
		if combos > maxReadings {
			break
		}
	}
	determined := false
	if combos <= maxReadings {
		hits, truthHit := 0, false
		pick := make([]int, len(t3open))
		for n := 0; n < combos; n++ {
			k := n
			vals := map[string][]float64{}
			for code, v := range t3fixed {
				vals[code] = v
			}
			isTruth := true
			for i, o := range t3open {
				pick[i] = k % len(o.cands)
				k /= len(o.cands)
				c := o.cands[pick[i]]
				vals[t3RowCode(o.row)] = t3Seven(o.row, c)
				if !same(c, o.row.Values) {
					isTruth = false
				}
			}
			if columnsHold(vals, edition) {
				hits++
				if isTruth {
					truthHit = true
				}
			}
		}
		determined = hits == 1 && truthHit
	}
	if !determined {
		for _, o := range t3open {
			markRow(out, o.row, fmt.Sprintf("数字粘连行有%d种满足本行勾稽关系的读法，各列勾稽关系（规则1、2）也不能唯一确定", len(o.cands)))
		}
	}
	return out
}

// t3RowCode is the row code of a table-3 grid row ("" for a 小计 row).
func t3RowCode(g generate.GridRow) string {
	for _, c := range g.Codes {
		if c != "" {
			return c.Row()
		}
	}
	return ""
}

// t3Seven keeps the seven standard columns of a reading of a table-3 row.
func t3Seven(g generate.GridRow, v []float64) []float64 {
	var out []float64
	for i, c := range g.Codes {
		if c != "" {
			out = append(out, v[i])
		}
	}
	return out
}

// columnsHold checks rules 1 and 2 on every column where all rows are known.
func columnsHold(vals map[string][]float64, edition string) bool {
	for ci := range report.T3Columns {
		get := func(row string) (float64, bool) {
			v, ok := vals[row]
			if !ok || len(v) <= ci {
				return 0, false
			}
			return v[ci], true
		}
		n, ok1 := get("new")
		co, ok2 := get("carried_over")
		tot, ok3 := get("total")
		cf, ok4 := get("carry_forward")
		if ok1 && ok2 && ok3 && ok4 && !near(n+co, tot+cf) {
			return false
		}
		s, all := 0.0, true
		for _, row := range report.T3ResultRows(edition) {
			v, ok := get(row)
			if !ok {
				all = false
				break
			}
			s += v
		}
		if all && ok3 && !near(s, tot) {
			return false
		}
	}
	return true
}

// markRow marks every coded cell of a row undetermined.
func markRow(out map[string]string, g generate.GridRow, why string) {
	for _, c := range g.Codes {
		if c != "" {
			out[string(c)] = why
		}
	}
}
