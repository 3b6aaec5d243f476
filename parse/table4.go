package parse

// Table 4: fifteen numbers in printed order (three groups of 结果维持,
// 结果纠正, 其他结果, 尚未审结, 总计). They follow the header (or, in a
// transposed table, the group labels); a page saved as one line puts them
// right after the header's last word, or glues them into one run that rule
// 4 splits.

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"nianbao/report"
)

// readTable4 reads the fifteen numbers of table 4 in printed order: they
// follow the header (or, in a transposed table, the group labels), so the
// numbers of the section are read in order and the padding of empty header
// cells before the first number is skipped.
func (p *parser) readTable4(sp span) bool {
	s := p.t.norm
	// Skip the heading line itself.
	start := sp.a
	if nl := strings.IndexByte(s[sp.a:sp.b], '\n'); nl >= 0 {
		start = sp.a + nl
	}
	lay := detectLayout(s[start:sp.b])
	p.step(4, lay.String(), "")
	if lay == layoutPipes {
		if vals := p.table4Row(start, sp.b); vals != nil {
			p.setTable4(vals)
			return true
		}
	}
	all := p.cells(lay, start, sp.b, start)
	if run, ok := p.table4Run(all); ok {
		p.step(4, "one-line-table-4", "表头后的15个数")
		return run
	}
	var vals []cell
	for _, c := range all {
		if lay != layoutPipes && c.kind == kindValue && proseLine(p.lineText(c.a)) {
			// Without bars, table 4's numbers stand on lines of their own;
			// a number in a sentence (收到行政复议申请2件) is prose.
			continue
		}
		if c.kind == kindText && len(vals) == 0 && markedRun(c.text) {
			// The fifteen numbers glued with zero marks among them
			// (无无1无1…): one run for the solver below.
			vals = append(vals, c)
			break
		}
		switch c.kind {
		case kindValue:
			vals = append(vals, c)
		case kindEmpty:
			if len(vals) > 0 && lay == layoutPipes {
				vals = append(vals, c)
			}
		}
		if len(vals) == 15 {
			break
		}
	}
	// Short of fifteen, trailing empties are padding, not zeros.
	for len(vals) > 0 && len(vals) < 15 && vals[len(vals)-1].kind == kindEmpty {
		vals = vals[:len(vals)-1]
	}
	if len(vals) == 0 {
		return false
	}
	var t4codes []string
	for _, g := range report.T4Groups {
		for _, o := range report.T4Outcomes {
			t4codes = append(t4codes, string(report.T4(g, o)))
		}
	}
	if len(vals) == 1 && (len(p.t.norm[vals[0].a:vals[0].b]) >= 15 || vals[0].kind == kindText) {
		// The fifteen numbers glued together.
		if nums, note, ok := p.splitGlued(vals[0], 15, groupSums, "表四", p.t.lineOf(vals[0].a), t4codes); ok {
			for i, v := range nums {
				src := p.source(vals[0], 4, i/5+1, i%5+1)
				src.Note = note
				p.r.Set(t4codes[i], v, src)
			}
		}
		return true
	}
	if run, blanks, ok := p.spacedRun(vals, 15); ok {
		// Fewer than fifteen numbers, but digits enough: spaced and glued
		// in turn (1 00 0 1 0…), or blank cells between whole numbers.
		p.step(4, "spaced-run", "数字部分粘连")
		if nums, note, ok := p.splitGlued(run, 15, groupSums, "表四", p.t.lineOf(run.a), t4codes, blanks...); ok {
			for i, v := range nums {
				src := p.source(run, 4, i/5+1, i%5+1)
				src.Note = note
				p.r.Set(t4codes[i], v, src)
			}
		}
		return true
	}
	if len(vals) < 15 && strings.TrimSpace(s[sp.b:]) != "" {
		p.r.AddFinding(report.RuleAmbiguous, report.SeverityWarning,
			fmt.Sprintf("表四（第%d行起）只有%d个数字，应有15个，无法确定各数字所在位置，未读取", p.t.lineOf(sp.a), len(vals)), t4Codes()...)
		return true
	}
	p.setTable4(vals)
	return true
}

// table4Run reads table 4 from text whose lines say nothing (a page saved
// as one line): after the header's last word stand fifteen numbers in a
// row, or one run of digits glued to the header (…尚未审结总计000000000000000
// 五、…) that the rule of table 4 splits. Numbers inside words
// (收到行政复议申请2件) never belong to such a run.
func (p *parser) table4Run(cells []cell) (bool, bool) {
	if strings.Contains(strings.TrimSpace(p.t.norm), "\n") && p.lineCount(cells) > 1 {
		return false, false
	}
	var cs []cell
	for _, c := range cells {
		if c.kind != kindText {
			cs = append(cs, c)
			continue
		}
		cs = append(cs, p.splitDigitRuns(c)...)
	}
	for i := 0; i < len(cs); i++ {
		if cs[i].kind != kindValue || (i > 0 && cs[i-1].kind == kindValue) {
			continue
		}
		j := i
		for j < len(cs) && cs[j].kind == kindValue {
			j++
		}
		switch {
		case j-i == 15:
			p.setTable4(cs[i:j])
			return true, true
		case j-i == 1 && cs[i].b-cs[i].a >= 15 && allDigits(p.t.norm[cs[i].a:cs[i].b]):
			var t4codes []string
			for c := range report.T4Codes() {
				t4codes = append(t4codes, string(c))
			}
			if nums, note, ok := p.splitGlued(cs[i], 15, groupSums, "表四", p.t.lineOf(cs[i].a), t4codes); ok {
				for k, v := range nums {
					src := p.source(cs[i], 4, k/5+1, k%5+1)
					src.Note = note
					p.r.Set(t4codes[k], v, src)
				}
			}
			return true, true
		}
	}
	return false, false
}

func t4Codes() []string {
	var out []string
	for c := range report.T4Codes() {
		out = append(out, string(c))
	}
	return out
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// lineCount is the number of lines the cells stand on.
func (p *parser) lineCount(cells []cell) int {
	seen := map[int]bool{}
	for _, c := range cells {
		seen[p.t.lineOf(c.a)] = true
	}
	return len(seen)
}

// splitDigitRuns cuts a word with digits run into it (总计000000000000000五)
// into its words and its numbers; a number followed by a unit or a date
// word (2件, 2022年) stays part of the words.
func (p *parser) splitDigitRuns(c cell) []cell {
	s := p.t.norm
	var out []cell
	i, textStart := c.a, c.a
	for i < c.b {
		if s[i] < '0' || s[i] > '9' {
			i++
			continue
		}
		j := i
		for j < c.b && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		r, _ := utf8.DecodeRuneInString(s[j:c.b])
		unit := j < c.b && (strings.ContainsRune("年月日号件个条项次宗家元万亿人余多.、", r) || r == ')')
		if unit {
			i = j
			continue
		}
		if i > textStart {
			out = append(out, cell{a: textStart, b: i, kind: kindText, text: s[textStart:i]})
		}
		v, _ := strconv.ParseFloat(s[i:j], 64)
		out = append(out, cell{a: i, b: j, kind: kindValue, val: v, glued: true})
		i, textStart = j, j
	}
	if textStart < c.b {
		out = append(out, cell{a: textStart, b: c.b, kind: kindText, text: s[textStart:c.b]})
	}
	return out
}

// table4Row finds table 4 printed as one line of fifteen cells, numbers or
// blanks, so that blank cells keep their places even at the start.
func (p *parser) table4Row(a, b int) []cell {
	s := p.t.norm
	for ls := a; ls < b; {
		le := strings.IndexByte(s[ls:b], '\n')
		if le < 0 {
			le = b
		} else {
			le += ls
		}
		if strings.Count(s[ls:le], "|") >= 14 && !hasText(s[ls:le]) {
			var vals []cell
			seg := ls
			for i := ls; i <= le; i++ {
				if i < le && s[i] != '|' {
					continue
				}
				k, v, z := classify(s[seg:i])
				if !(i == le && k == kindEmpty) {
					vals = append(vals, cell{a: seg, b: i, kind: k, val: v, zero: z})
				}
				seg = i + 1
			}
			for len(vals) > 15 && vals[len(vals)-1].kind == kindEmpty {
				vals = vals[:len(vals)-1]
			}
			if len(vals) == 15 {
				for i := range vals {
					if vals[i].kind == kindValue {
						// Point at the number itself, not the cell's spaces.
						raw := s[vals[i].a:vals[i].b]
						off := strings.Index(raw, strings.TrimSpace(raw))
						vals[i].a, vals[i].b = vals[i].a+off, vals[i].a+off+len(strings.TrimSpace(raw))
					}
				}
				return vals
			}
		}
		ls = le + 1
	}
	return nil
}

// setTable4 records table 4's numbers in printed order.
func (p *parser) setTable4(vals []cell) {
	i := 0
	for gi, g := range report.T4Groups {
		for oi, o := range report.T4Outcomes {
			if i >= len(vals) {
				break
			}
			src := p.source(vals[i], 4, gi+1, oi+1)
			if vals[i].kind == kindEmpty {
				src.Note = "空白单元格按0计"
			}
			p.r.Set(string(report.T4(g, o)), vals[i].val, src)
			i++
		}
	}
	if len(vals) < 15 {
		var miss []string
		for k := len(vals); k < 15; k++ {
			miss = append(miss, string(report.T4(report.T4Groups[k/5], report.T4Outcomes[k%5])))
		}
		p.r.AddFinding(report.RuleMissing, report.SeverityWarning,
			fmt.Sprintf("表四只读到%d个数字，应有15个", len(vals)), miss...)
	}
}
