package parse

// Locating the rows: each table's row labels are found in the text by the
// template's vocabulary (tables.go), wherever they stand — at a line's
// start, mid-line in a page saved as one line, or wrapped over lines —
// and the longest chain in template order is kept.

import (
	"sort"
	"strings"
	"unicode"
)

// label is a row label found in the text.
type label struct {
	row  int // index in the template
	a, b int // its extent in the folded text
}

// findLabels returns the longest run of labels in template order, so that a
// word repeated in a header or a wrapped label cannot push rows out. With
// anyOrder (table 2, whose rows messy conversions print in any order and
// whose labels are all distinct) each row's first label is taken instead.
func findLabels(t *text, sp span, tmpl []rowDef, anyOrder bool) []label {
	var cands []label
	sq := t.squeeze(t.norm[sp.a:sp.b], sp.a)
	sq.indexFirsts(tmpl)
	for i, row := range tmpl {
		for _, m := range row.key.findIn(sq, t.norm[sp.a:sp.b], sp.a) {
			a, b := m[0], m[1]
			numbered := false
			if pm, ok := numberingStart(t.norm[max(sp.a, a-16):a]); ok {
				a = max(sp.a, a-16) + pm
				numbered = true
			}
			// A numbered label may follow its group's label with no
			// separator (三、本年度办理结果(一)予以公开); a bare one may not.
			if !numbered && !labelStart(t.norm, a) {
				continue
			}
			if row.bare && !cellEnd(t.norm, b) {
				continue
			}
			cands = append(cands, label{row: i, a: a, b: b})
		}
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i].a < cands[j].a })
	if anyOrder {
		var out []label
		taken := map[int]bool{}
		end := -1
		for _, c := range cands {
			if !taken[c.row] && c.a >= end {
				taken[c.row] = true
				out = append(out, c)
				end = c.b
			}
		}
		return out
	}
	n := len(cands)
	// A bare 总计 is also a column header; a numbered one (（七）总计) is
	// surely the row. Weights make a chain prefer the surer labels.
	weight := func(c label) int {
		if tmpl[c.row].code == "total" && !strings.Contains(t.norm[c.a:c.b], "七") {
			return 1
		}
		if tmpl[c.row].group {
			return 1 // a group's heading holds no numbers; its rows do
		}
		return 2
	}
	// The chain ending at each candidate, built in one pass: candidates that
	// end before this one starts are added, as they come, to the best chain
	// ending in each template row, so each step looks at the rows (about
	// 30), not at every earlier candidate — linear in the text, where a
	// page of thousands of repeated labels would otherwise be quadratic.
	best := make([]int, n)
	prev := make([]int, n)
	byEnd := make([]int, n)
	for i := range byEnd {
		byEnd[i] = i
	}
	sort.SliceStable(byEnd, func(x, y int) bool { return cands[byEnd[x]].b < cands[byEnd[y]].b })
	rowBest := make([]int, len(tmpl)) // index of the best chain ending in each row, -1 none
	for r := range rowBest {
		rowBest[r] = -1
	}
	added := 0
	for i := range cands {
		for added < n && cands[byEnd[added]].b <= cands[i].a {
			j := byEnd[added]
			r := cands[j].row
			if k := rowBest[r]; k < 0 || best[j] > best[k] || (best[j] == best[k] && j < k) {
				rowBest[r] = j
			}
			added++
		}
		best[i], prev[i] = weight(cands[i]), -1
		for r := 0; r < cands[i].row; r++ {
			j := rowBest[r]
			if j < 0 {
				continue
			}
			if v := best[j] + weight(cands[i]); v > best[i] || (v == best[i] && prev[i] >= 0 && j < prev[i]) {
				best[i], prev[i] = v, j
			}
		}
	}
	end := -1
	for i := range cands {
		if end < 0 || best[i] > best[end] {
			end = i
		}
	}
	var out []label
	for i := end; i >= 0; i = prev[i] {
		out = append(out, cands[i])
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// cellStart tells whether a label may begin at a: at the start of the text,
// a line or a cell, or after white space, not inside a sentence.
func cellStart(s string, a int) bool {
	if a == 0 {
		return true
	}
	switch c := s[a-1]; c {
	case '\n', '|', ' ', '\t', '\f':
		return true
	}
	return false
}

// labelStart tells whether a label may begin at a: where a cell may start,
// or, in text whose cells run together with nothing between them (a page
// saved as one line), right after the previous row's numbers or the last
// word of the table's header (…现行有效件数规章000行政规范性文件…).
func labelStart(s string, a int) bool {
	if cellStart(s, a) {
		return true
	}
	if c := s[a-1]; (c >= '0' && c <= '9') || c == ')' || c == ']' {
		return true
	}
	for _, w := range headerEnds {
		if strings.HasSuffix(s[:a], w) {
			return true
		}
	}
	return false
}

// headerEnds are the words a header cell of tables 2–4 ends with.
var headerEnds = []string{"件数", "数量", "金额", "万元", "内容", "情况", "总计", "审结", "增/减", "增减", "。", ";", ":"}

func cellEnd(s string, b int) bool {
	for i, r := range s[b:] {
		if (r == ' ' || r == '\t') && zeroAhead(s[b+i+1:]) {
			return true // 3.其他 无 无 …: a zero written as a word follows
		}
		if i == 0 && gluedZeroAhead(s[b:]) {
			return true // 3.其他〇〇〇…: glued numbers opening with a zero mark
		}
		switch {
		case r == ' ' || r == '\t':
			continue
		case r == '|' || r == '\n' || r == '\f':
			return true
		case unicode.Is(unicode.Han, r) || r == '(':
			return false
		default:
			return true
		}
	}
	return true
}

// extendLabel moves a label's end over the rest of its words (数量, a note
// in brackets) up to a cell boundary or the first digit, so that numbers
// glued to a label (规章000) are seen as its first cell.
func extendLabel(s string, b, limit int) int {
	i := b
	for i < limit {
		c := s[i]
		switch {
		case c == '|' || c == '\n' || c == '\f' || (c >= '0' && c <= '9'):
			return i
		case (c == ' ' || c == '\t') && i+1 < limit && (s[i+1] == ' ' || s[i+1] == '\t'):
			return i // two spaces part a PDF label from its numbers
		case (c == ' ' || c == '\t') && zeroAhead(s[i+1:limit]):
			return i // a zero written as a word or a dash: "规章 / / 3"
		case (c >= 0x80 || c == '/') && gluedZeroAhead(s[i:limit]):
			return i // glued numbers opening with a zero mark: "规章无无3"
		}
		i++
	}
	return i
}

// gluedZeroAhead tells whether s opens with a zero mark and the token it
// opens is nothing but glued numbers and marks (无无3, —1————1): the row's
// cells, glued to its label, not more of the label.
func gluedZeroAhead(s string) bool {
	if markLens(s) == nil {
		return false
	}
	end := strings.IndexAny(s, " \t\n\f|")
	if end < 0 {
		end = len(s)
	}
	return markedRun(s[:end]) || zeroWord(s[:end])
}
