package parse

// Glued digits: a row whose numbers run together with nothing between them
// (规章000, 一、本年新收政府信息公开申请数量310010050 — excerpts 23 and 24, a
// page saved as one line). Every split into the row's width is tried, the
// row's own rule narrows them (rule 3 for table 3, rule 4 for table 4),
// and for table 3 the columns' rules across rows settle the rest
// (joint.go). More than one reading left: the cells stay unread with a
// finding listing the readings; the chosen split is noted on each cell.

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"nianbao/report"
)

// joinStraySpaces joins a glued row's digit runs that a stray space cut
// (一、本年新收…19200012 2): the digits are one run to split, since a space
// inside glued digits may or may not be a cell boundary and every split of
// the whole run covers both. It keeps the first cell alone when a later one
// is not plain digits or follows words.
func (p *parser) joinStraySpaces(vals []cell) []cell {
	if len(vals) < 2 {
		return vals
	}
	for i, c := range vals {
		if c.afterText || c.kind == kindEmpty || c.zero != "" || (i > 0 && !allDigits(strings.TrimLeft(p.t.norm[c.a:c.b], "+-"))) {
			return vals
		}
	}
	first := vals[0]
	first.b = vals[len(vals)-1].b
	first.joined = true
	return []cell{first}
}

// zeroMarks are the ways a zero is written that stay visible inside a
// glued run (规章—210, —1————1): each is a zero and a cell boundary at
// once. "——" is one zero or two, as a cell may print either; the row's
// width and rules choose, and when they cannot the row stays unread.
var zeroMarks = []string{"—", "无", "空", "零", "〇", "/"}

// markLens gives the byte lengths a zero mark opening s may take (none
// when s opens with no mark).
func markLens(s string) []int {
	for _, m := range zeroMarks {
		if strings.HasPrefix(s, m) {
			if m == "—" && strings.HasPrefix(s, "——") {
				return []int{len(m), 2 * len(m)}
			}
			return []int{len(m)}
		}
	}
	return nil
}

// markedRun tells whether s is glued numbers with zero marks or signs
// among them (—1————1, 0+11, 31—5): runes that are digits, marks, signs
// or a decimal point only, at least two of them, and at least one a mark
// or a "+" (plain digits and "-" runs are numberText or gluedSignedText).
func markedRun(s string) bool {
	n, marked := 0, false
	for len(s) > 0 {
		if ls := markLens(s); len(ls) > 0 {
			s, marked, n = s[ls[0]:], true, n+1
			continue
		}
		switch c := s[0]; {
		case c == '+':
			marked = true
		case c >= '0' && c <= '9', c == '-', c == '.':
		default:
			return false
		}
		s, n = s[1:], n+1
	}
	return n >= 2 && marked
}

// maxSplits is the node budget of one run: a run with more readings than
// this is not split at all (splitGlued says so), since a reading past the
// budget could be the one the rules keep.
// 50 000 covers every run of up to 20 digits into seven cells (C(19,6) =
// 27 132), such as a county office's 总计 row 1700162131857672017.
const maxSplits = 50000

// splits lists every way to cut a run of digits into width numbers (no
// number but 0 itself starts with 0). A zero mark inside the run is a
// zero cell of its own; a sign opens a number.
func splits(digits string, width int) [][]float64 {
	var out [][]float64
	for s := digits; s != ""; {
		if ls := markLens(s); len(ls) > 0 {
			s = s[ls[0]:]
			continue
		}
		if c := s[0]; (c < '0' || c > '9') && c != '-' && c != '+' && c != '.' {
			return nil
		}
		s = s[1:]
	}
	// A cell holds at most eight digits (and a sign): longer runs are not
	// a row of numbers, and the bound keeps the search small.
	const maxDigits = 9
	if len(digits) > width*maxDigits {
		return nil
	}
	var walk func(rest string, acc []float64)
	walk = func(rest string, acc []float64) {
		if len(out) > maxSplits || len(rest) > (width-len(acc))*maxDigits {
			return
		}
		if len(acc) == width {
			if rest == "" {
				out = append(out, append([]float64(nil), acc...))
			}
			return
		}
		if ls := markLens(rest); len(ls) > 0 {
			// A mark is a zero cell, whatever the width would prefer.
			for _, n := range ls {
				walk(rest[n:], append(acc, 0))
			}
			return
		}
		for n := 1; n <= min(len(rest)-(width-len(acc)-1), maxDigits); n++ {
			part := rest[:n]
			if c := part[n-1]; c >= 0x80 || c == '/' {
				break // a number ends where a mark begins
			}
			// A 2019 本年增/减 may be signed: a part may open with "-" or
			// "+"; an amount in 万元 may hold one decimal point inside it.
			num := strings.TrimLeft(part, "-+")
			if len(part)-len(num) > 1 {
				break
			}
			if num == "" || strings.ContainsAny(num, "-+") {
				if strings.ContainsAny(num, "-+") {
					break
				}
				continue
			}
			if num[0] == '.' || strings.Count(num, ".") > 1 {
				break
			}
			if strings.HasSuffix(num, ".") {
				continue
			}
			if len(num) > 1 && num[0] == '0' && num[1] != '.' {
				break
			}
			v, _ := strconv.ParseFloat(part, 64)
			walk(rest[n:], append(acc, v))
		}
	}
	walk(digits, nil)
	return out
}

// rowSums keeps the splits of a table-3 row whose total equals the sum of
// its applicant columns (rule 3).
func rowSums(sp []float64) bool {
	sum := 0.0
	for _, v := range sp[:len(sp)-1] {
		sum += v
	}
	return sum == sp[len(sp)-1]
}

// groupSums keeps the splits of table 4 whose every group total equals
// the sum of its outcomes (rule 4).
func groupSums(sp []float64) bool {
	for g := 0; g+5 <= len(sp); g += 5 {
		if !rowSums(sp[g : g+5]) {
			return false
		}
	}
	return true
}

// dropBlanks takes spaces and tabs out of a run of glued digits (built
// once: a replacer is made on its first use).
var dropBlanks = strings.NewReplacer(" ", "", "\t", "")

// splitGlued reads numbers printed with no separator (规章000): every split
// into the row's width is tried, and the accounting rules narrow them down
// where they apply. When more than one split remains, nothing is read and a
// finding lists the readings. It returns the chosen numbers and the note
// that explains the choice.
// extra are readings besides the run's splits (a spaced row's numbers
// whole, with blank cells between them: blankReadings).
func (p *parser) splitGlued(c cell, width int, keep func([]float64) bool, name string, line int, cellCodes []string, extra ...[]float64) ([]float64, string, bool) {
	// A unit ends the run: the amount is its last number (政府集中采购
	// 31284.05万元 is a count and an amount).
	digits := trimUnit(dropBlanks.Replace(p.t.norm[c.a:c.b]))
	all := splits(digits, width)
	if len(all) > maxSplits {
		p.flag(report.RuleAmbiguous, report.SeverityWarning,
			fmt.Sprintf("第%d行“%s”的数字粘连为“%s”，拆分方式超过%d种，未逐一核对，未读取", line, name, digits, maxSplits), cellCodes...)
		return nil, "", false
	}
	for _, x := range extra {
		if !slices.ContainsFunc(all, func(y []float64) bool { return slices.Equal(x, y) }) {
			all = append(all, x)
		}
	}
	cands := all
	if keep != nil {
		var ok [][]float64
		for _, sp := range all {
			if keep(sp) {
				ok = append(ok, sp)
			}
		}
		if len(ok) > 0 {
			cands = ok
		}
	}
	byRules := len(cands) < len(all)
	yearWhy := ""
	if len(cands) > 1 && len(p.neighbours) > 0 {
		// The agency's report of the year before or after (rule 5).
		cands, yearWhy = p.settleByYears(cands, cellCodes)
		if yearWhy != "" && len(cands) == 1 {
			p.step(report.Code(cellCodes[0]).Table(), "neighbour-year", "粘连行按相邻年度报告确定（规则5）")
		}
	}
	if len(cands) > 1 && p.deferGlued {
		// Table 3: the row's readings may be settled by the columns'
		// rules across the rows (resolveJointly).
		p.pending = append(p.pending, pendingRow{cands: cands, all: len(all), digits: digits, name: name, line: line, codes: cellCodes, c: c, yearWhy: yearWhy})
		return nil, "", false
	}
	if len(cands) != 1 {
		var alts []string
		for i, sp := range cands {
			if i == 6 {
				alts = append(alts, "…")
				break
			}
			alts = append(alts, fmtSplit(sp))
		}
		// p.flag: in an 8-column table 3 the row's codes include its 小计
		// column, which is a check and not a cell.
		p.flag(report.RuleAmbiguous, report.SeverityWarning,
			fmt.Sprintf("第%d行“%s”的数字粘连为“%s”，有%d种拆分（%s），未读取", line, name, digits, len(cands), strings.Join(alts, "；")), cellCodes...)
		return nil, "", false
	}
	note := ""
	if len(all) > 1 || len(digits) > width {
		note = fmt.Sprintf("数字粘连“%s”按%d列拆分为%s", digits, width, fmtSplit(cands[0]))
		if len(all) > 1 {
			var rejected []string
			for _, sp := range all {
				if fmtSplit(sp) == fmtSplit(cands[0]) {
					continue
				}
				if len(rejected) == 5 {
					rejected = append(rejected, "…")
					break
				}
				rejected = append(rejected, fmtSplit(sp))
			}
			why := "勾稽关系"
			if p.keepWhy != "" {
				why = p.keepWhy
			}
			switch {
			case yearWhy != "" && byRules:
				why += "和" + yearWhy
			case yearWhy != "":
				why = yearWhy
			}
			note += fmt.Sprintf("（共%d种拆分，按%s排除：%s）", len(all), why, strings.Join(rejected, "；"))
		}
	}
	if len(all) > 1 {
		p.settled(cellCodes, cands[0], settledBy(byRules, p.keepWhy, yearWhy))
	}
	return cands[0], note, true
}

func fmtSplit(v []float64) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = strconv.FormatFloat(x, 'f', -1, 64)
	}
	return strings.Join(parts, "/")
}

// spacedRun reads a row set apart from its label by a space whose numbers
// are glued in whole or in part (一、本年新收…申请数量 512000053, in a text
// whose other rows are spaced): fewer numbers than columns, yet digits
// enough for every column. Each space may be a cell boundary or not, and
// the row may as well hold blank cells between whole numbers (PDF text):
// both kinds of reading are candidates, and only the row's rules, the
// table's rules or the width leave one. It returns the run as one cell and
// the blank-cell readings, false when the row is no such run.
func (p *parser) spacedRun(vals []cell, width int) (cell, [][]float64, bool) {
	digits := 0
	for _, c := range vals {
		if c.kind != kindValue || c.afterText {
			return cell{}, nil, false
		}
		t := p.t.norm[c.a:c.b]
		if c.zero == "" {
			// A signed change (+22, -3) keeps its sign in the run.
			t = trimUnit(strings.TrimPrefix(strings.TrimPrefix(t, "+"), "-"))
		}
		if c.zero == "-" || c.zero == "--" || (c.zero == "" && !plainNumber(t)) {
			// A dash zero would read as a sign once joined; 1,234 is
			// one number.
			return cell{}, nil, false
		}
		digits += len(t) - strings.Count(t, ".")
	}
	if len(vals) >= width || digits < width {
		return cell{}, nil, false
	}
	run := vals[0]
	run.b, run.kind, run.joined = vals[len(vals)-1].b, kindText, len(vals) > 1
	for _, c := range vals {
		if t := p.t.norm[c.a:c.b]; len(t) > 1 && t[0] == '0' {
			return run, nil, true // 000 is glued zeros, never one cell
		}
	}
	return run, blankReadings(vals, width), true
}

// blankReadings places a row's numbers whole, in their order, under every
// choice of columns, the other columns blank (0).
func blankReadings(vals []cell, width int) [][]float64 {
	var out [][]float64
	acc := make([]float64, width)
	var walk func(i, col int)
	walk = func(i, col int) {
		if i == len(vals) {
			out = append(out, slices.Clone(acc))
			return
		}
		for c := col; c <= width-(len(vals)-i); c++ {
			acc[c] = vals[i].val
			walk(i+1, c+1)
			acc[c] = 0
		}
	}
	walk(0, 0)
	return out
}

// trimUnit takes a unit of amount off the end of a number or a run.
func trimUnit(s string) string {
	for _, u := range []string{"万元", "元"} {
		if t, ok := strings.CutSuffix(s, u); ok {
			return t
		}
	}
	return s
}

// plainNumber tells whether s is digits with at most one decimal point
// inside them (no sign, no thousands separator).
func plainNumber(s string) bool {
	return s != "" && allDigits(strings.Replace(s, ".", "", 1)) && s[0] != '.' && s[len(s)-1] != '.'
}
