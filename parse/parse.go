// Package parse reads one annual report from its text: it finds tables 2–4,
// gives every number its cell code, records where each number stood and
// how it was read, and checks the accounting rules. It is pure Go and knows
// nothing of files or the store (package ingest is the pipeline around it).
package parse

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"nianbao/report"
)

// Meta is what the caller knows about a report; non-zero fields override
// what the parser infers from the text.
type Meta struct {
	Agency      string
	County      string
	Year        int
	Edition     string
	PublishedOn string
	Format      string
	// Grid, for text printed from a grid document, gives each line's grid
	// table and the grid column of each of its "|"-closed cells.
	Grid  []GridLine
	trace *Trace // set by TextTrace
}

// text is a report's text prepared for reading: folded for matching, with
// a map back to the bytes as printed.
type text struct {
	raw   string
	norm  string
	back  []int // back[i] = offset in raw of byte i of norm
	lines []int // offsets in norm where lines start
	pages []int // offsets in norm of form feeds (PDF page breaks)
	// tabbed: tables pasted from a spreadsheet, a tab between cells.
	tabbed  bool
	dropped int // running heads dropped
}

func prepare(raw string) *text {
	raw = strings.ReplaceAll(raw, "\r\n", "\n")
	raw = strings.ReplaceAll(raw, "\r", "\n")
	t := &text{raw: raw}
	var b strings.Builder
	b.Grow(len(raw))
	t.back = make([]int, 0, len(raw)+1)
	tab := ' '
	if tabbed(raw) {
		tab = '|'
		t.tabbed = true
	}
	lineTabs := false // the current line holds a tab (a spreadsheet row)
	for i, r := range raw {
		if f, ok := fold[r]; ok {
			r = f
		}
		if t.tabbed && (i == 0 || raw[i-1] == '\n') {
			end := strings.IndexByte(raw[i:], '\n')
			if end < 0 {
				end = len(raw) - i
			}
			lineTabs = strings.Contains(raw[i:i+end], "\t")
		}
		if r == '\n' && lineTabs {
			// A spreadsheet row's last cell ends at the line's end: close
			// it with a bar as the bar layouts close every cell, so an
			// empty last cell is kept (规章\t\t\t is four cells).
			b.WriteByte('|')
			t.back = append(t.back, i)
		}
		if r == '\t' {
			r = tab
		}
		if r == '\ufffd' {
			r = ' '
		}
		n := b.Len()
		b.WriteRune(r)
		for j := n; j < b.Len(); j++ {
			t.back = append(t.back, i)
		}
	}
	t.back = append(t.back, len(raw))
	norm := []byte(b.String())
	// Blank pinyin notes (數(shù)) and page numbers of PDF text in place, so
	// offsets keep pointing at the same bytes.
	for _, m := range pinyinNote.FindAllIndex(norm, -1) {
		for i := m[0]; i < m[1]; i++ {
			norm[i] = ' '
		}
	}
	for _, m := range pageNumber.FindAllSubmatchIndex(norm, -1) {
		for i := m[2]; i < m[3]; i++ {
			norm[i] = ' '
		}
	}
	n0 := len(norm)
	norm, t.back = dropRunningHeads(norm, t.back)
	if len(norm) < n0 {
		t.dropped = strings.Count(string(t.raw), "\f")
	}
	t.norm = string(norm)
	// Lines are counted in the raw text, so that a line dropped from the
	// folded text does not shift the line numbers cited to people.
	t.lines = []int{0}
	for i := 0; i < len(raw); i++ {
		if raw[i] == '\n' {
			t.lines = append(t.lines, i+1)
		}
	}
	for i := 0; i < len(t.norm); i++ {
		if t.norm[i] == '\f' {
			t.pages = append(t.pages, i)
		}
	}
	return t
}

// dropRunningHeads removes from the folded text the running heads of a
// paged document: the first line of a page (after a form feed) that repeats
// the document's first line or another page's first line. Between the rows
// of a table they would otherwise be read as a cell or an empty line. The
// form feed itself stays (it gives the page); back keeps the map to the
// raw bytes.
func dropRunningHeads(norm []byte, back []int) ([]byte, []int) {
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
		b += a + 1
		line := strings.TrimSpace(string(norm[a:b]))
		if line == "" {
			continue
		}
		heads = append(heads, head{a, b})
		count[line]++
	}
	var out []byte
	var outBack []int
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

// tabbed tells whether tables were pasted tab-separated (from a
// spreadsheet): then a tab separates cells like a bar, and an empty cell
// keeps its position.
func tabbed(raw string) bool {
	n := 0
	for _, l := range strings.Split(raw, "\n") {
		if strings.Count(strings.TrimLeft(l, "\t "), "\t") >= 2 {
			n++
		}
	}
	return n >= 5
}

// pageNumber matches a page number alone on its line: "- 3 -", "第3页", "3/5".
var pageNumber = regexp.MustCompile(`(?m)^([ \t]*(?:[-—][ \t]*[0-9]{1,3}[ \t]*[-—]|第[ \t]*[0-9]{1,3}[ \t]*页(?:[ \t]*[,，]?[ \t]*共[ \t]*[0-9]{1,3}[ \t]*页)?|[0-9]{1,3}[ \t]*/[ \t]*[0-9]{1,3})[ \t]*)$`)

func (t *text) lineOf(off int) int {
	if off >= len(t.back) {
		off = len(t.back) - 1
	}
	raw := t.back[max(off, 0)]
	return sort.Search(len(t.lines), func(i int) bool { return t.lines[i] > raw })
}

func (t *text) pageOf(off int) int {
	if len(t.pages) == 0 {
		return 0
	}
	return sort.SearchInts(t.pages, off) + 1
}

func (t *text) rawOf(a, b int) string { return strings.TrimSpace(t.raw[t.back[a]:t.back[b]]) }

// Text reads one report from its text.
func Text(name, content string, meta Meta) (*report.Report, error) {
	if strings.TrimSpace(content) == "" {
		return nil, fmt.Errorf("%s: the document is empty", name)
	}
	t := prepare(content)
	r := report.New(name)
	r.Format = "text"
	p := &parser{t: t, r: r, grid: meta.Grid, tr: meta.trace}
	if p.grid == nil && t.tabbed {
		p.grid = tabGrid(t.raw)
		p.step(0, "tabs", "表格按制表符分列")
	}
	if len(t.raw) > 0 && !strings.Contains(strings.TrimSpace(t.raw), "\n") {
		p.step(0, "one-line", "全文只有一行")
	}
	if t.dropped > 0 {
		p.step(0, "running-heads", fmt.Sprintf("去掉%d行页眉", t.dropped))
	}
	p.readMeta()
	p.applyMeta(meta)
	if r.Agency == "" {
		r.AddFinding(report.RuleNoAgency, report.SeverityInfo,
			"未能从原文确定报告机关：标题、发布机构、正文和落款都没有写明机关名称，请在导入时指定机关")
	}
	p.readTables()
	if meta.Edition != "" {
		r.Edition = meta.Edition
	}
	p.zeroSteps()
	p.readNarrative()
	report.Derive(r)
	report.Check(r)
	return r, nil
}

type parser struct {
	t    *text
	r    *report.Report
	md   *bool  // cached markdown()
	secs []span // cached sections()
	// grid gives each line's grid columns for documents read from a grid.
	grid   []GridLine
	widths map[int]int // cached gridWidth
	// headers caches headerCols; normLines maps raw line numbers to the
	// folded text's line starts.
	headers   map[int]map[string]int
	normLines map[int]int
	// deferGlued and pending keep table 3's glued rows with several
	// readings until the whole table is read.
	deferGlued bool
	pending    []pendingRow
	tr         *Trace // how the report is read, when asked
	// subtotals holds the 小计 column of an 8-column table 3, by row.
	subtotals map[string]subtotal
}

func (p *parser) applyMeta(m Meta) {
	if m.Agency != "" {
		p.r.Agency = m.Agency
	}
	if m.County != "" {
		p.r.County = m.County
	}
	if m.Year != 0 {
		p.r.Year = m.Year
	}
	if m.PublishedOn != "" {
		p.r.PublishedOn = m.PublishedOn
	}
	if m.Format != "" {
		p.r.Format = m.Format
	}
}

// span is a stretch of the folded text [a, b).
type span struct{ a, b int }

// sections finds where tables 2, 3 and 4 stand, by their headings, falling
// back on their first row labels when a heading is missing.
func (p *parser) sections() (t2, t3, t4 span) {
	if p.secs != nil {
		return p.secs[0], p.secs[1], p.secs[2]
	}
	defer func() { p.secs = []span{t2, t3, t4} }()
	s := p.t.norm
	end := len(s)
	h2 := headingAt(s, headT2, 0)
	h3 := headingAt(s, headT3, max(h2, 0))
	if h3 < 0 {
		// No heading: table 3 starts at its first row label.
		for _, m := range firstRowKey.FindAllStringIndex(s, -1) {
			a := m[0]
			if pm := prefixBefore.FindStringIndex(s[max(0, a-16):a]); pm != nil {
				a = max(0, a-16) + pm[0]
			}
			if cellStart(s, a) {
				h3 = a
				break
			}
		}
	}
	from4 := max(h3, 0)
	h4 := headingAt(s, headT4, from4)
	if h4 < 0 && h3 >= 0 {
		// No heading: table 4 starts at its first header cell.
		h4 = headingAt(s, t4Start, from4)
	}
	h5 := headingAt(s, headT5, max(h4, from4))
	t4End := end
	if h5 >= 0 {
		t4End = h5
	}
	t3End := t4End
	if h4 >= 0 {
		t3End = h4
	}
	t2End := t3End
	if h3 >= 0 {
		t2End = h3
	}
	if h2 < 0 {
		// No heading: table 2 starts at its first column header or label.
		if m := t2Start.FindStringIndex(s[:t2End]); m != nil {
			h2 = m[0]
		} else if a := headingAt(s[:t2End], t2FirstRow, 0); a >= 0 {
			h2 = a
		}
	}
	t2, t3, t4 = span{-1, -1}, span{-1, -1}, span{-1, -1}
	if h2 >= 0 && h2 < t2End {
		t2 = span{h2, t2End}
	}
	if h3 >= 0 {
		t3 = span{h3, t3End}
	}
	if h4 >= 0 {
		t4 = span{h4, t4End}
	}
	return
}

// headingAt finds the first match of re at or after from that stands at the
// start of a line (after an optional numeral such as 二、 or (三)), so that
// the same words in the narrative are not taken for a heading. Text with
// no line breaks at all (a pasted page) accepts any match.
func headingAt(s string, re *regexp.Regexp, from int) int {
	if from < 0 {
		from = 0
	}
	oneLine := !strings.Contains(s, "\n")
	for _, m := range re.FindAllStringIndex(s[from:], -1) {
		a := from + m[0]
		if oneLine || atLineStart(s, a) {
			return a
		}
	}
	return -1
}

var headingPrefix = regexp.MustCompile(`(?:^|\n)[ \t|#*]*(?:[一二三四五六七八九十]{1,2}[ \t]*[、.,]?|\([一二三四五六七八九十]{1,2}\)|[0-9][ \t]*[.、])?[ \t]*$`)

func atLineStart(s string, a int) bool {
	lo := max(0, a-24)
	return headingPrefix.MatchString(s[lo:a]) || numberedHeading.MatchString(s[lo:a])
}

// numberedHeading is a section's numeral standing right before its heading
// anywhere in a line (…情况。二、主动公开政府信息情况…): a page saved as one
// line keeps the numerals though it lost the line breaks. Prose never puts
// "二、" before these words.
var numberedHeading = regexp.MustCompile(`[二三四五六][ \t]*[、.][ \t]*$`)

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
	for i, row := range tmpl {
		for _, m := range row.key.FindAllStringIndex(t.norm[sp.a:sp.b], -1) {
			a, b := sp.a+m[0], sp.a+m[1]
			numbered := false
			if pm := prefixBefore.FindStringIndex(t.norm[max(sp.a, a-16):a]); pm != nil {
				a = max(sp.a, a-16) + pm[0]
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
		return 2
	}
	best := make([]int, n)
	prev := make([]int, n)
	for i := range cands {
		best[i], prev[i] = weight(cands[i]), -1
		for j := 0; j < i; j++ {
			if cands[j].row < cands[i].row && cands[j].b <= cands[i].a && best[j]+weight(cands[i]) > best[i] {
				best[i], prev[i] = best[j]+weight(cands[i]), j
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
		}
		i++
	}
	return i
}

// gluedAt tells whether a cell at off is glued to its row's label: it
// starts where the label ends, with no space between (规章000, not 规章 0).
func gluedAt(s string, off, labelEnd int) bool {
	return off == labelEnd && off > 0 && s[off-1] != ' ' && s[off-1] != '\t' && s[off-1] != '\n'
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

var (
	numberRe = regexp.MustCompile(`^[?]*[ \t]*([+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?)[ \t]*(万元|元|件|个|条|项|次|宗|家)?$`)
	// gluedSigned is a run of numbers glued with a negative one among them
	// (行政处罚7-32: 7, -3, 2).
	// A stray space may cut it after the sign (行政处罚1- 10).
	gluedSigned = regexp.MustCompile(`^[0-9]+(?:-[0-9]+)*-?$`)
	zeroRe      = regexp.MustCompile(`^[?]*[ \t]*(/|-{1,2}|—{1,2}|无|空|零|——)$`)
)

func classify(s string) (kind int, v float64, zero string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return kindEmpty, 0, ""
	}
	if m := numberRe.FindStringSubmatch(s); m != nil {
		f, err := strconv.ParseFloat(strings.ReplaceAll(m[1], ",", ""), 64)
		if err == nil {
			return kindValue, f, ""
		}
	}
	if zeroRe.MatchString(s) {
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
	lines := strings.Split(s, "\n")
	gaps, wide, run := 0, 0, 0
	seen := false
	for _, l := range lines {
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
	for _, l := range lines {
		f := strings.Fields(l)
		hasNum := false
		for _, x := range f {
			if k, _, _ := classify(x); k == kindValue {
				hasNum = true
			}
		}
		if hasNum {
			numLines++
			if len(f) == 1 {
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
	var out []cell
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
			if gluedSigned.MatchString(trim[:n]) && gluedAt(s, off, labelEnd) {
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
			glued: gluedAt(s, off, labelEnd) && gluedSigned.MatchString(trim)})
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
			if padding(s, i) || (md && strings.TrimSpace(seg) == "" && strings.Contains(seg, "\n")) {
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
	for _, l := range strings.Split(p.t.norm, "\n") {
		l = strings.TrimSpace(l)
		if strings.Count(l, "|") < 3 || strings.Trim(l, "| ") == "" {
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
	for _, l := range strings.Split(s, "\n") {
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
func padding(s string, i int) bool {
	a := strings.LastIndexByte(s[:i], '\n') + 1
	b := strings.IndexByte(s[i:], '\n')
	if b < 0 {
		b = len(s)
	} else {
		b += i
	}
	line := strings.TrimSpace(s[a:b])
	return len(line) >= 4 && strings.Trim(line, "| ") == ""
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
