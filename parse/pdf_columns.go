package parse

// PDF text (pdftotext -layout) keeps the columns' places but loses blank
// cells and prints a tall row's numbers on the line above its label
// (洪泽区 2023/2024, testdata/pdf-blanks.txt, pdf-numbers-above.txt). Two
// passes mend that: numbers above a label move down to it, and a row short
// of numbers is placed by where the full rows' columns end — only where
// the rows really line up (a single-spaced text after labels of one length
// would line up by chance and is refused).

import (
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// shiftEarlyNumbers mends PDF text that prints a tall row's numbers on the
// line above its label (vertically centred): the row before then holds two
// rows of numbers and this one none. The second full line of numbers moves
// down, noted on each cell.
func shiftEarlyNumbers(p *parser, rows []rowCells, tmpl []rowDef) (n int) {
	for i := 0; i+1 < len(rows); i++ {
		width := len(tmpl[rows[i].l.row].cols)
		next := rows[i+1]
		if width < 2 || len(rows[i].vals) != 2*width || len(next.vals) != 0 || len(tmpl[next.l.row].cols) != width {
			continue
		}
		moved := rows[i].vals[width:]
		if p.t.lineOf(moved[0].a) != p.t.lineOf(moved[width-1].a) || p.t.lineOf(moved[0].a) == p.t.lineOf(rows[i].vals[0].a) {
			continue // the second set is not one line of its own
		}
		for k := range moved {
			moved[k].shifted = true
		}
		rows[i+1].vals = moved
		rows[i].vals = rows[i].vals[:width]
		n++
	}
	return n
}

func rows2cells(rows []rowCells) [][]cell {
	out := make([][]cell, len(rows))
	for i, r := range rows {
		out[i] = r.vals
	}
	return out
}

// columnEnds finds where each of a table's width columns ends on its line
// (in characters from the line start), from the rows that print all their
// numbers on one line. It returns nil when no such row exists.
func columnEnds(p *parser, rows [][]cell, width int) []int {
	var samples [][]int
	var starts []int
	wide := 0
	lines := map[int]bool{}
	for _, vals := range rows {
		if len(vals) > 0 {
			// Two rows on one line (a page saved as one line) say nothing
			// about where a column stands.
			l := p.t.lineOf(vals[0].a)
			if lines[l] {
				return nil
			}
			lines[l] = true
		}
	}
	for _, vals := range rows {
		if len(vals) != width {
			continue
		}
		ends := make([]int, width)
		line := p.t.lineOf(vals[0].a)
		for i, c := range vals {
			if c.kind != kindValue || p.t.lineOf(c.a) != line {
				ends = nil
				break
			}
			ends[i] = p.column(c.b)
		}
		if ends != nil {
			samples = append(samples, ends)
			// What stands before the first number: wide gaps (pdftotext
			// pads columns) or words of different lengths that the
			// numbers still line up after.
			ls := p.t.lineStart(vals[0].a)
			before := strings.TrimRight(p.t.norm[ls:vals[0].a], " \t")
			starts = append(starts, utf8.RuneCountInString(before))
			if vals[0].a-(ls+len(before)) >= 2 {
				wide++
			}
		}
	}
	if len(samples) >= 2 && wide < len(samples) && slices.Max(starts)-slices.Min(starts) < 2 {
		// Single spaces after labels of one length: the numbers' places
		// follow the text, not columns (a row "行政许可 13 12" with a blank
		// would line up with "行政许可 16 2 20" by chance).
		return nil
	}
	if len(samples) < 2 {
		return nil // one row is no evidence of columns
	}
	for i := 0; i < width; i++ {
		lo, hi := samples[0][i], samples[0][i]
		for _, sm := range samples {
			lo, hi = min(lo, sm[i]), max(hi, sm[i])
		}
		if hi-lo > 4 {
			return nil // the rows do not line up: no columns in this text
		}
	}
	out := make([]int, width)
	for i := range out {
		col := make([]int, len(samples))
		for j, s := range samples {
			col[j] = s[i]
		}
		sort.Ints(col)
		out[i] = col[len(col)/2]
	}
	return out
}

// column is the character position of offset off on its line.
func (p *parser) column(off int) int {
	ls := p.t.lineStart(off)
	return utf8.RuneCountInString(p.t.norm[ls:off])
}

// placeByColumns puts the numbers of a row with blank cells under the
// columns whose ends they line up with (within two characters). It fails
// when the numbers are not on one line or one does not line up.
func (p *parser) placeByColumns(vals []cell, ends []int) ([]*cell, bool) {
	if ends == nil {
		return nil, false
	}
	placed := make([]*cell, len(ends))
	line := p.t.lineOf(vals[0].a)
	next := 0
	for i := range vals {
		c := vals[i]
		if c.kind != kindValue || p.t.lineOf(c.a) != line {
			return nil, false
		}
		end := p.column(c.b)
		found := false
		for k := next; k < len(ends); k++ {
			if d := end - ends[k]; d >= -2 && d <= 2 {
				placed[k], next, found = &vals[i], k+1, true
				break
			}
		}
		if !found {
			return nil, false
		}
	}
	return placed, true
}
