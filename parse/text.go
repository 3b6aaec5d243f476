package parse

// Preparing a report's text: folding (full-width, traditional characters,
// odd dashes), page furniture blanked or dropped, tabs of a spreadsheet
// paste turned into cell boundaries, and a map back to the bytes as
// printed so every cell cites its line.

import (
	"bytes"
	"regexp"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// text is a report's text prepared for reading: folded for matching, with
// a map back to the bytes as printed.
type text struct {
	raw       string
	norm      string
	back      []int32 // back[i] = offset in raw of byte i of norm (int32: half the memory of a map as long as the text)
	lines     []int   // offsets in norm where lines start
	pages     []int   // offsets in norm of form feeds (PDF page breaks)
	normLines []int   // offsets in norm where lines start
	bars      []int32 // bars[i]: "|" in norm[:i]
	// tabbed: tables pasted from a spreadsheet, a tab between cells.
	tabbed  bool
	dropped int // running heads dropped
	// buf is the folded text's bytes before they became norm.
	buf []byte
	// cells is the arena the rows' cells are cut from (newCells), and
	// offsets the map back to the text of a stretch with its white space
	// taken out (a table's, by squeeze; the narrative's, by
	// readNarrative), used by one of them at a time: both reused from one
	// parse to the next.
	cells   []cell
	offsets []int32
}

// textScratch are a text's arrays as big as the text (four bytes per byte
// of it for back and for bars), reused from one parse to the next: they
// were a fifth of what a report's parse allocated.
type textScratch struct {
	buf     []byte
	back    []int32
	bars    []int32
	cells   []cell
	offsets []int32
}

var scratchPool = sync.Pool{New: func() any { return new(textScratch) }}

// maxPooled bounds the arrays kept for reuse (in elements), so a rare
// large text does not keep its arrays alive in the pool.
const maxPooled = 1 << 20

// release hands the text's arrays back for the next parse; the text must
// not be used after it. Parse.Text releases its text when it returns: what
// it hands out (the report) holds no slice of them.
func (t *text) release() {
	// The cells hold strings of this text: cleared, so the pool does not
	// keep the text alive.
	clear(t.cells[:cap(t.cells)])
	s := &textScratch{buf: t.buf[:0], back: t.back[:0], bars: t.bars[:0], cells: t.cells[:0], offsets: t.offsets[:0]}
	t.buf, t.back, t.bars, t.cells, t.offsets = nil, nil, nil, nil, nil
	if cap(s.buf) > maxPooled || cap(s.back) > maxPooled || cap(s.bars) > maxPooled || cap(s.cells) > maxPooledCells || cap(s.offsets) > maxPooled {
		return
	}
	scratchPool.Put(s)
}

// maxPooledCells bounds the cell arena kept for reuse (a national report
// takes about 450 cells of it).
const maxPooledCells = 4096

// newCells is an empty slice with room for n cells, cut from the text's
// arena: a row's cells were a fifth of a parse's allocation. The slice is
// the caller's alone (appending past n allocates, as with make); it lives
// as long as the parse, so nothing handed out of Text may hold it.
func (t *text) newCells(n int) []cell {
	if cap(t.cells)-len(t.cells) < n {
		// A fresh block; the slices cut from the old one keep it alive
		// as long as they are used.
		t.cells = make([]cell, 0, max(512, n, 2*cap(t.cells)))
	}
	i := len(t.cells)
	t.cells = t.cells[:i+n]
	return t.cells[i : i : i+n]
}

func prepare(raw string) *text {
	raw = strings.ReplaceAll(raw, "\r\n", "\n")
	raw = strings.ReplaceAll(raw, "\r", "\n")
	t := &text{raw: raw}
	s := scratchPool.Get().(*textScratch)
	t.cells, t.offsets = s.cells, s.offsets
	// The folded text is built in a byte slice that the blanking below
	// edits in place: one copy of the text fewer than a Builder.
	buf := grown(s.buf, len(raw))
	t.back = grown(s.back, len(raw)+1)
	tab := ' '
	if tabbed(raw) {
		tab = '|'
		t.tabbed = true
	}
	lineTabs := false // the current line holds a tab (a spreadsheet row)
	back := t.back
	for i := 0; i < len(raw); {
		c := raw[i]
		if t.tabbed && (i == 0 || raw[i-1] == '\n') {
			end := strings.IndexByte(raw[i:], '\n')
			if end < 0 {
				end = len(raw) - i
			}
			lineTabs = strings.Contains(raw[i:i+end], "\t")
		}
		if c < utf8.RuneSelf {
			// ASCII, most of a report's bytes but its Chinese: nothing
			// folds, a byte is its own character.
			if c == '\n' && lineTabs {
				// A spreadsheet row's last cell ends at the line's end:
				// close it with a bar as the bar layouts close every
				// cell, so an empty last cell is kept (规章\t\t\t is
				// four cells).
				buf = append(buf, '|')
				back = append(back, int32(i))
			}
			if c == '\t' {
				c = byte(tab)
			}
			buf = append(buf, c)
			back = append(back, int32(i))
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(raw[i:])
		// Every folded character is beyond ASCII (and none folds to a
		// tab or a line break), and few of a report's characters are
		// folded: a bit set answers for most of them before the map is
		// asked.
		folded := false
		if r >= 1<<16 || foldSet[r>>6]&(1<<(r&63)) != 0 {
			if f, ok := fold[r]; ok {
				r, folded = f, true
			}
		}
		switch {
		case r == '\ufffd':
			// A character that could not be read (or a byte that is no
			// UTF-8: DecodeRune gives it as U+FFFD, one byte long).
			buf = append(buf, ' ')
		case folded:
			buf = utf8.AppendRune(buf, r)
		default:
			// Not folded: its bytes as they are (what encoding the
			// decoded rune again gives).
			buf = append(buf, raw[i:i+size]...)
		}
		for len(back) < len(buf) {
			back = append(back, int32(i))
		}
		i += size
	}
	t.back = back
	t.back = append(t.back, int32(len(raw)))
	norm := buf
	// Blank pinyin notes (數(shù)) and page numbers of PDF text in place, so
	// offsets keep pointing at the same bytes.
	if mayHoldPinyin(norm) {
		for _, m := range pinyinNote.FindAllIndex(norm, -1) {
			for i := m[0]; i < m[1]; i++ {
				norm[i] = ' '
			}
		}
	}
	blankPageNumbers(norm)
	// A page number beside a page break whose lines were joined (a PDF's
	// text saved as one line: … 550 -2- \f 第二十条…) is no cell either.
	// Only text with a page break can hold one.
	if bytes.IndexByte(norm, '\f') >= 0 {
		for _, m := range pageNumberAtBreak.FindAllIndex(norm, -1) {
			for i := m[0]; i < m[1]; i++ {
				if norm[i] != '\f' {
					norm[i] = ' '
				}
			}
		}
	}
	t.buf = buf
	n0 := len(norm)
	norm, t.back = dropRunningHeads(norm, t.back)
	if len(norm) < n0 {
		t.dropped = strings.Count(string(t.raw), "\f")
	}
	t.norm = string(norm)
	// Lines are counted in the raw text, so that a line dropped from the
	// folded text does not shift the line numbers cited to people.
	// Sized by a count of the line breaks (a fast scan), not grown.
	t.lines = make([]int, 1, strings.Count(raw, "\n")+1)
	for i := strings.IndexByte(raw, '\n'); i >= 0; {
		t.lines = append(t.lines, i+1)
		j := strings.IndexByte(raw[i+1:], '\n')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	t.normLines = make([]int, 1, strings.Count(t.norm, "\n")+1)
	t.bars = grown(s.bars, len(t.norm)+1)[:len(t.norm)+1]
	t.bars[0] = 0
	for i := 0; i < len(t.norm); i++ {
		t.bars[i+1] = t.bars[i]
		switch t.norm[i] {
		case '\f':
			t.pages = append(t.pages, i)
		case '\n':
			t.normLines = append(t.normLines, i+1)
		case '|':
			t.bars[i+1]++
		}
	}
	return t
}

// lineStart is the offset in the folded text where the line holding off
// starts; barsBefore counts the bars between it and off. Both answer in
// logarithmic time, so a page saved as one line is not read in quadratic
// time.
func (t *text) lineStart(off int) int {
	return t.normLines[t.lineIndex(off)]
}

// lineIndex is the index in normLines of the line holding off.
func (t *text) lineIndex(off int) int {
	return sort.Search(len(t.normLines), func(i int) bool { return t.normLines[i] > off }) - 1
}

func (t *text) barsBefore(off int) int {
	return int(t.bars[off] - t.bars[t.lineStart(off)])
}

// dropRunningHeads removes from the folded text the running heads of a
// paged document: the first line of a page (after a form feed) that repeats
// the document's first line or another page's first line. Between the rows
// of a table they would otherwise be read as a cell or an empty line. The
// form feed itself stays (it gives the page); back keeps the map to the
// raw bytes.
func dropRunningHeads(norm []byte, back []int32) ([]byte, []int32) {
	if bytes.IndexByte(norm, '\f') < 0 {
		return norm, back
	}
	type head struct{ a, b int } // the line after a form feed, with its newline
	var heads []head
	count := map[string]int{}
	first := ""
	if nl := bytes.IndexByte(norm, '\n'); nl > 0 {
		first = strings.TrimSpace(string(norm[:nl]))
	}
	for i, c := range norm {
		if c != '\f' {
			continue
		}
		a := i + 1
		b := bytes.IndexByte(norm[a:], '\n')
		if b < 0 {
			continue
		}
		if ff := bytes.IndexByte(norm[a:a+b], '\f'); ff >= 0 {
			continue // another page break on the line: no running head here
		}
		b += a + 1
		line := strings.TrimSpace(string(norm[a:b]))
		if line == "" {
			continue
		}
		heads = append(heads, head{a, b})
		count[line]++
	}
	var out []byte
	var outBack []int32
	prev := 0
	for _, h := range heads {
		line := strings.TrimSpace(string(norm[h.a:h.b]))
		if count[line] < 2 && line != first {
			continue
		}
		out = append(out, norm[prev:h.a]...)
		outBack = append(outBack, back[prev:h.a]...)
		prev = h.b
	}
	if prev == 0 {
		return norm, back
	}
	out = append(out, norm[prev:]...)
	outBack = append(outBack, back[prev:]...)
	return out, outBack
}

// mayHoldPinyin tells whether norm holds a "(" followed by a letter of
// pinyinNote's class (a-z, or the first byte of an accented vowel): every
// match starts so. Most reports print "(" only before digits or Chinese
// (（一）, 第二十条(一)): the expression then never runs.
func mayHoldPinyin(norm []byte) bool {
	for i := bytes.IndexByte(norm, '('); i >= 0 && i+1 < len(norm); {
		if c := norm[i+1]; ('a' <= c && c <= 'z') || c == 0xC3 || c == 0xC4 || c == 0xC5 || c == 0xC7 {
			return true
		}
		j := bytes.IndexByte(norm[i+1:], '(')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

// tabbed tells whether tables were pasted tab-separated (from a
// spreadsheet): then a tab separates cells like a bar, and an empty cell
// keeps its position.
func tabbed(raw string) bool {
	if strings.IndexByte(raw, '\t') < 0 {
		return false // most texts hold no tab at all
	}
	n := 0
	// Line by line without splitting the text (no slice of every line).
	for rest := raw; ; {
		l, next, more := strings.Cut(rest, "\n")
		if strings.Count(strings.TrimLeft(l, "\t "), "\t") >= 2 {
			n++
		}
		if !more {
			break
		}
		rest = next
	}
	return n >= 5
}

// pageNumberAtBreak matches a page number beside a form feed.
var pageNumberAtBreak = regexp.MustCompile(`[-—][ \t]*[0-9]{1,3}[ \t]*[-—][ \t]*\f|\f[ \t]*[-—][ \t]*[0-9]{1,3}[ \t]*[-—]`)

// pageNumberLine matches a line that is nothing but a page number: "- 3 -",
// "第3页", "第3页，共5页", "3/5".
var pageNumberLine = regexp.MustCompile(`^[ \t]*(?:[-—][ \t]*[0-9]{1,3}[ \t]*[-—]|第[ \t]*[0-9]{1,3}[ \t]*页(?:[ \t]*[,，]?[ \t]*共[ \t]*[0-9]{1,3}[ \t]*页)?|[0-9]{1,3}[ \t]*/[ \t]*[0-9]{1,3})[ \t]*$`)

// pageNumberBytes are the bytes a page number line is made of: blanks,
// digits, - / , and the bytes of — 第 页 共 ，.
var pageNumberBytes = func() (set [256]bool) {
	for _, c := range []byte(" \t0123456789-/,—第页共，") {
		set[c] = true
	}
	return
}()

// blankPageNumbers blanks, in place, every line that is nothing but a page
// number. A line is handed to the expression only when all its bytes can
// be part of one and it holds a digit, so the text's other lines (nearly
// all of them) cost a byte scan.
func blankPageNumbers(norm []byte) {
	for a := 0; a < len(norm); {
		end := bytes.IndexByte(norm[a:], '\n')
		if end < 0 {
			end = len(norm)
		} else {
			end += a
		}
		line := norm[a:end]
		digit, only := false, true
		for _, c := range line {
			if !pageNumberBytes[c] {
				only = false
				break
			}
			digit = digit || isDigit(c)
		}
		if only && digit && pageNumberLine.Match(line) {
			for i := range line {
				line[i] = ' '
			}
		}
		a = end + 1
	}
}

func (t *text) lineOf(off int) int {
	if off >= len(t.back) {
		off = len(t.back) - 1
	}
	raw := int(t.back[max(off, 0)])
	return sort.Search(len(t.lines), func(i int) bool { return t.lines[i] > raw })
}

func (t *text) pageOf(off int) int {
	if len(t.pages) == 0 {
		return 0
	}
	return sort.SearchInts(t.pages, off) + 1
}

// grown is s emptied, with room for n elements.
func grown[E any](s []E, n int) []E {
	if cap(s) < n {
		return make([]E, 0, n)
	}
	return s[:0]
}

func (t *text) rawOf(a, b int) string { return strings.TrimSpace(t.raw[t.back[a]:t.back[b]]) }
