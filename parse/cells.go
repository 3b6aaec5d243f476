package parse

// The splitters: a table's text is cut into cells by the layout it is
// printed in — bars (pipes, markdown, grid documents and spreadsheet
// paste), spaces (PDF text), a cell a line, blank lines between cells —
// decided once per table. Each cell is a number, a zero written as a word
// or dash, an empty cell or words.

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// gluedAt tells whether a cell at off is glued to its row's label: it
// starts where the label ends, with no space between (规章000, not 规章 0).
func gluedAt(s string, off, labelEnd int) bool {
	return off == labelEnd && off > 0 && s[off-1] != ' ' && s[off-1] != '\t' && s[off-1] != '\n'
}

// spacedAfter tells whether a cell at off follows its row's label with
// nothing but spaces between, on the label's line (行政处罚 6-30): a run of
// glued numbers there is the row's, as if glued to the label.
func spacedAfter(s string, off, labelEnd int) bool {
	j := off
	for j > 0 && (s[j-1] == ' ' || s[j-1] == '\t') {
		j--
	}
	// The label's end may or may not take in the spaces after it.
	return labelEnd > 0 && j < off && j <= labelEnd && labelEnd <= off
}

// leadingNumber gives the length of a run of digits that opens s and is
// followed at once by words that are neither a unit (件, 万元) nor part of a
// date or a numbering (年, 月, 日, 号, 1.其他): such a run is a cell glued to
// the text after it. It returns 0 when s does not open so.
func leadingNumber(s string) int {
	i := 0
	if len(s) > 1 && (s[0] == '-' || s[0] == '+') && s[1] >= '0' && s[1] <= '9' {
		i = 1 // a signed change (本年增/减 -3)
	}
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || ((s[i] == '.' || s[i] == '-') && i > 0 && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9')) {
		i++
	}
	if i == 0 || i == len(s) {
		return 0
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	if !unicode.Is(unicode.Han, r) || strings.ContainsRune("年月日号件个条项次宗家元万亿人余多", r) {
		return 0
	}
	return i
}

// zeroAhead tells whether s opens with a whole token that writes a zero
// (/, —, -, 无, 空) rather than with more words of a label.
func zeroAhead(s string) bool {
	end := strings.IndexAny(s, " \t\n\f|")
	if end < 0 {
		end = len(s)
	}
	if end == 0 {
		return false
	}
	k, _, z := classify(s[:end])
	return k == kindValue && z != ""
}

// zeroWord tells whether a token writes a zero: zeroText's words and
// dashes, or 〇 (a numeral zero some reports print in an empty cell).
func zeroWord(s string) bool { return zeroText(s) || s == "〇" }

// cell is one cell read from a row's region.
type cell struct {
	a, b  int
	kind  int
	val   float64
	zero  string // how a zero was written, when not "0"
	text  string
	glued bool // digits right after the label with no separator
	// shifted marks numbers printed above their row's label (PDF text).
	shifted bool
	// afterText marks a cell that follows words (a label or a header the
	// row template does not know) rather than another cell.
	afterText bool
	// joined marks glued digits whose run a stray space cut (a..b spans
	// the space).
	joined bool
}

const (
	kindValue = iota
	kindEmpty
	kindText
)

// A cell is a number (numberText: 1,234, 5件, 3.5万元), a zero written as
// a word or dash (zeroText: / — 无 空 零), or a run of numbers glued with a
// negative one among them (gluedSignedText: 行政处罚7-32 is 7, -3, 2; a
// stray space may cut it after the sign or a decimal point, 行政处罚1- 10,
// 政府集中采购11. 4). The matchers are in literal.go.

func classify(s string) (kind int, v float64, zero string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return kindEmpty, 0, ""
	}
	if len(s) > 1 && s[0] == '+' && isDigit(s[1]) {
		// A change written with its sign (本年增/减 +11): the number.
		if k, v, _ := classify(s[1:]); k == kindValue {
			return k, v, ""
		}
	}
	if num, ok := numberText(s); ok {
		f, err := strconv.ParseFloat(strings.ReplaceAll(num, ",", ""), 64)
		if err == nil {
			return kindValue, f, ""
		}
	}
	if zeroWord(s) {
		return kindValue, 0, s
	}
	return kindText, 0, ""
}

// layout of a table's text, decided once per table.
type layout int

const (
	layoutSpaces layout = iota // PDF text: cells separated by spaces
	layoutPipes                // cells closed by "|"
	layoutBlank                // a cell a line, blank lines between cells
	layoutLines                // a cell a line, no blank lines: a blank line is an empty cell
)

func detectLayout(s string) layout {
	if strings.Count(s, "|") >= 6 {
		return layoutPipes
	}
	// Count gaps between non-blank lines.
	gaps, wide, run := 0, 0, 0
	seen := false
	for l := range strings.SplitSeq(s, "\n") {
		if strings.TrimSpace(l) == "" {
			run++
			continue
		}
		if seen {
			gaps++
			if run >= 1 {
				wide++
			}
		}
		seen, run = true, 0
	}
	if gaps >= 4 && wide*10 >= gaps*6 {
		return layoutBlank
	}
	// A cell a line: the lines that hold numbers hold one each.
	numLines, single := 0, 0
	for l := range strings.SplitSeq(s, "\n") {
		fields, hasNum := 0, false
		for x := range strings.FieldsSeq(l) {
			fields++
			if k, _, _ := classify(x); k == kindValue {
				hasNum = true
			}
		}
		if hasNum {
			numLines++
			if fields == 1 {
				single++
			}
		}
	}
	if numLines >= 6 && single*10 >= numLines*8 {
		return layoutLines
	}
	return layoutSpaces
}

// cells reads the cells of a row's region [a, b).
func (p *parser) cells(lay layout, a, b int, labelEnd int) []cell {
	s := p.t.norm
	atEOF := strings.TrimSpace(s[b:]) == ""
	// Room for a row's region as generated reports have it: seven or eight
	// cells, often up to eleven with the words after them (counted over
	// 300 national reports: 95 % of regions hold at most twelve).
	out := p.t.newCells(12)
	add := func(ca, cb int, allowMulti bool) {
		seg := s[ca:cb]
		trim := strings.TrimSpace(seg)
		if trim == "" {
			out = append(out, cell{a: ca, b: cb, kind: kindEmpty})
			return
		}
		if k, v, z := classify(trim); k != kindText {
			off := ca + strings.Index(seg, trim)
			out = append(out, cell{a: off, b: off + len(trim), kind: k, val: v, zero: z, glued: gluedAt(s, off, labelEnd)})
			return
		}
		if markedRun(trim) {
			// Glued numbers with zero marks or signs among them (171无,
			// —1————1): one run for the row's solver, never a number
			// glued to words.
			off := ca + strings.Index(seg, trim)
			out = append(out, cell{a: off, b: off + len(trim), kind: kindText, text: trim, glued: gluedAt(s, off, labelEnd) || spacedAfter(s, off, labelEnd)})
			return
		}
		if n := leadingNumber(trim); n > 0 {
			// A number glued to the words after it (0第二十条第(八)项…, a
			// page saved as one line): the number is this row's cell, the
			// words are the next header or label.
			off := ca + strings.Index(seg, trim)
			if k, v, z := classify(trim[:n]); k == kindValue {
				out = append(out, cell{a: off, b: off + n, kind: k, val: v, zero: z, glued: gluedAt(s, off, labelEnd)})
				out = append(out, cell{a: off + n, b: off + len(trim), kind: kindText, text: trim[n:]})
				return
			}
			if gluedSignedText(trim[:n]) && gluedAt(s, off, labelEnd) {
				// 行政强制1-10第二十条…: glued numbers with a negative change.
				out = append(out, cell{a: off, b: off + n, kind: kindText, text: trim[:n], glued: true})
				out = append(out, cell{a: off + n, b: off + len(trim), kind: kindText, text: trim[n:]})
				return
			}
		}
		if allowMulti {
			fields := fieldsIndex(seg)
			allNum := len(fields) > 1
			for _, f := range fields {
				if k, _, _ := classify(seg[f[0]:f[1]]); k == kindText {
					allNum = false
				}
			}
			if allNum {
				for _, f := range fields {
					k, v, z := classify(seg[f[0]:f[1]])
					out = append(out, cell{a: ca + f[0], b: ca + f[1], kind: k, val: v, zero: z})
				}
				return
			}
		}
		off := ca + strings.Index(seg, trim)
		out = append(out, cell{a: off, b: off + len(trim), kind: kindText, text: trim,
			glued: gluedAt(s, off, labelEnd) && (gluedSignedText(trim) || markedRun(trim)) ||
				spacedAfter(s, off, labelEnd) && gluedSignedText(trim) && !strings.HasSuffix(trim, "-")})
	}
	// addLines adds a bar-closed cell; when it spans lines holding several
	// things (a number, then a heading), each line is a cell of its own.
	addLines := func(ca, cb int) {
		seg := s[ca:cb]
		if strings.Count(strings.TrimSpace(seg), "\n") == 0 {
			add(ca, cb, true)
			return
		}
		off := ca
		for _, l := range strings.SplitAfter(seg, "\n") {
			if strings.TrimSpace(l) != "" {
				add(off, off+len(l), true)
			}
			off += len(l)
		}
	}
	switch lay {
	case layoutPipes:
		if !strings.Contains(s[a:b], "|") {
			// A stretch of the table printed without bars (a conversion
			// mixing layouts): read it as space-separated text.
			return p.cells(layoutSpaces, a, b, labelEnd)
		}
		md := p.markdown()
		start, first := a, true
		for i := a; i < b; i++ {
			if s[i] != '|' {
				continue
			}
			seg := s[start:i]
			if p.padding(i) || (md && strings.TrimSpace(seg) == "" && strings.Contains(seg, "\n")) {
				// A line of nothing but bars pads a merged cell; in a
				// markdown table the bars closing one line and opening the
				// next hold no cell between them.
				start = i + 1
				continue
			}
			if first {
				first = false
				// The first "|" closes the label's own cell, unless a
				// number stands before it (on the label's line or the next:
				// "行政许可 97" above a table that has bars).
				if k, _, _ := classify(firstLine(seg)); k != kindValue {
					start = i + 1
					continue
				}
			}
			addLines(start, i)
			start = i + 1
		}
		if tail := strings.TrimSpace(s[start:b]); tail != "" && !(atEOF) {
			if k, _, _ := classify(firstLine(s[start:b])); k == kindValue {
				addLines(start, b)
			}
		}
	default:
		lineStart := a
		prevEnd := labelEnd // end of the last thing seen (label or cell)
		for lineStart < b {
			lineEnd := strings.IndexByte(s[lineStart:b], '\n')
			if lineEnd < 0 {
				lineEnd = b
			} else {
				lineEnd += lineStart
			}
			line := s[lineStart:lineEnd]
			fields := fieldsIndex(line)
			if len(fields) > 0 && (lay == layoutBlank || lay == layoutLines) {
				// In a blank-line layout each extra line break is an
				// empty cell: "\n\n" separates two cells (in a cell-a-line
				// layout, "\n" does).
				stretch := s[prevEnd : lineStart+fields[0][0]]
				gap := strings.Count(stretch, "\n")
				if strings.ContainsRune(stretch, '\f') {
					// A page break (with its page number and running head
					// gone) is never an empty cell.
					gap = 0
				}
				for k := baseGap(lay); k < gap; k++ {
					out = append(out, cell{a: lineStart, b: lineStart, kind: kindEmpty})
				}
			}
			lastLine := lineEnd >= b && atEOF
			for fi, f := range fields {
				if lastLine && fi == len(fields)-1 {
					break // may be cut short
				}
				add(lineStart+f[0], lineStart+f[1], false)
			}
			if len(fields) > 0 {
				prevEnd = lineStart + fields[len(fields)-1][1]
			}
			lineStart = lineEnd + 1
		}
		if (lay == layoutBlank || lay == layoutLines) && !atEOF {
			gap := strings.Count(s[prevEnd:b], "\n")
			for k := baseGap(lay); k < gap; k++ {
				out = append(out, cell{a: b, b: b, kind: kindEmpty})
			}
		}
	}
	return out
}

// markdown tells whether the text's tables are markdown-like, every row a
// line that opens and closes with a bar.
func (p *parser) markdown() bool {
	if p.md != nil {
		return *p.md
	}
	rows, closed := 0, 0
	t := p.t
	for k, a := range t.normLines {
		b := len(t.norm)
		if k+1 < len(t.normLines) {
			b = t.normLines[k+1] - 1 // the line break is not the line's
		}
		// The bars of a line are counted already (t.bars): a line with
		// fewer than three, nearly every line of the narrative, is
		// passed without being trimmed or scanned again.
		if t.bars[b]-t.bars[a] < 3 {
			continue
		}
		l := strings.TrimSpace(t.norm[a:b])
		if strings.Trim(l, "| ") == "" {
			continue
		}
		rows++
		if strings.HasPrefix(l, "|") && strings.HasSuffix(l, "|") {
			closed++
		}
	}
	md := rows >= 3 && closed*10 >= rows*7
	p.md = &md
	return md
}

// firstLine is the first non-blank line of s.
func firstLine(s string) string {
	for l := range strings.SplitSeq(s, "\n") {
		if strings.TrimSpace(l) != "" {
			return l
		}
	}
	return ""
}

// baseGap is the number of line breaks between two cells of a layout.
func baseGap(lay layout) int {
	if lay == layoutBlank {
		return 2
	}
	return 1
}

// padding tells whether the bar at i stands on a line holding only four or
// more bars: the trace of merged cells, not a row of empty cells.
func (p *parser) padding(i int) bool {
	if i >= p.padLine.a && i < p.padLine.b {
		return p.padLast // the bars of one line are asked in a row
	}
	s := p.t.norm
	n := p.t.lineIndex(i)
	a := p.t.normLines[n]
	b := strings.IndexByte(s[i:], '\n')
	if b < 0 {
		b = len(s)
	} else {
		b += i
	}
	if p.pad == nil {
		p.pad = make([]int8, len(p.t.normLines))
	}
	if p.pad[n] == 0 {
		// One look per line, not per bar.
		line := strings.TrimSpace(s[a:b])
		p.pad[n] = 1
		if len(line) >= 4 && strings.Trim(line, "| ") == "" {
			p.pad[n] = 2
		}
	}
	v := p.pad[n] == 2
	p.padLine, p.padLast = span{a, b}, v
	return v
}

func fieldsIndex(s string) [][2]int {
	var out [][2]int
	start := -1
	for i := 0; i < len(s); i++ {
		c := s[i]
		space := c == ' ' || c == '\t' || c == '\n' || c == '\f'
		if space {
			if start >= 0 {
				out = append(out, [2]int{start, i})
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		out = append(out, [2]int{start, len(s)})
	}
	return out
}
