package document

import (
	"bytes"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"nianbao/report"
)

// The line reader: what readHTMLTree makes of a page (its paragraphs, its
// tables' cells, its title and meta date), read from the tokenizer's
// stream without building the page's tree.
//
// A page's text depends on its tree only through a few facts: which
// element a piece of text is inside (a hidden or dropped one, a table
// cell, a caption), where the elements that break lines open and close,
// and which tables hold other tables. On a page written as it nests —
// each element closed by its own end tag, or left open where an end tag
// is optional (a <p>, <li>, <td> or <tr> closed by the next one or by its
// container's end) — those facts follow from the tags in order, and the
// reader keeps only them: a stack of the open elements with their
// context (flow, table, row, cell, select, raw text), whether each is
// shown, and the records of the table being read (tables are known to be
// grids or layout only at their end).
//
// Where a page is not written that way — text or tags standing in a
// table outside its cells (which a browser moves before the table), a
// formatting element closed from under another or spanning blocks (which
// it reopens), a <table> in an open <p> under a doctype not in
// htmlDoctypes, a second <body> or <html>,
// forms closed out of order, framesets, templates, SVG, MathML, NUL bytes
// — the reader gives up and the page goes to html.Parse (readHTMLTree):
// the reader never makes a text of its own, only the tree's text sooner.
// TestHTMLLinesAsTree, FuzzReadHTML and the tag-soup test hold it to the
// tree on every page they read.

// htmlCtx is what the tokens inside an open element are.
type htmlCtx uint8

const (
	ctxFlow     htmlCtx = iota // running content: the body, a cell, a caption, a block
	ctxHead                    // <head>: nothing shown
	ctxTable                   // a table outside its sections, rows and cells
	ctxSection                 // tbody, thead, tfoot
	ctxRow                     // tr
	ctxColgroup                // colgroup: only <col>
	ctxSelect                  // select: only options and text
	ctxRaw                     // script, style, title …: text up to the end tag
)

// htmlOpen is an open element.
type htmlOpen struct {
	a     atom.Atom
	name  string // the tag's name when html/atom does not know it
	tag   htmlTag
	ctx   htmlCtx
	shown bool // neither it nor an element around it is dropped or hidden
	cell  int  // stack index of the innermost open cell or caption, -1 outside
	table int  // stack index of the innermost open table, -1 outside
}

// Records of a table being read, until it ends and is known to be a grid
// or a layout table.
const (
	recText       = iota // a, b: offset and length of the text in lines.arena
	recBreak             // a block element opens or closes
	recTable             // a: index of its recTableEnd; b: 1 if it holds a table
	recTableEnd          //
	recRow               // a row starts (it ends with a recBreak)
	recCell              // a: colspan, b: rowspan (as spanAttr reads them)
	recCellEnd           //
	recCaption           //
	recCaptionEnd        //
)

type htmlRec struct {
	kind uint8
	a, b int32
}

const (
	quirksUnknown = iota // no doctype (yet): a page without one is read in quirks mode
	quirksNone           // a doctype after which a table ends an open p
	quirksOther          // any other doctype: the tree decides
	quirksFull           // a doctype after which a table goes into an open p
)

// htmlDoctypes are the doctypes the line reader knows, written as
// doctypeKey gives them: whether a <table> ends an open <p> after them
// (quirksNone) or goes into it (quirksFull), as html.Parse decides it by
// their name and identifiers (TestDoctypeQuirks). Chinese government
// sites use the XHTML 1.0 and HTML 4.01 ones much.
var htmlDoctypes = map[string]uint8{
	`html`:                              quirksNone,
	`html SYSTEM "about:legacy-compat"`: quirksNone,
	`html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd"`: quirksNone,
	`html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd"`:             quirksNone,
	`html PUBLIC "-//W3C//DTD XHTML 1.1//EN" "http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd"`:                         quirksNone,
	// html.Parse reads a doctype named "HTML" in quirks mode, whatever follows.
	`HTML`: quirksFull,
	`HTML PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd"`:             quirksFull,
	`HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd"`: quirksFull,
	`HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN"`:                                        quirksFull,
	`HTML PUBLIC "-//W3C//DTD HTML 4.0 Transitional//EN"`:                                         quirksFull,
	`HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN"`:                                                quirksFull,
}

// doctypeKey is a doctype's text (the tokenizer's, after "<!DOCTYPE")
// with the white space between its words and quoted identifiers made one
// space; all else is kept as written (a case may change what the parser
// makes of it).
func doctypeKey(text string) string {
	var sb strings.Builder
	for rest := strings.TrimSpace(text); rest != ""; rest = strings.TrimLeft(rest, " \t\n\f\r") {
		if sb.Len() > 0 {
			sb.WriteByte(' ')
		}
		if q := rest[0]; q == '"' || q == '\'' {
			end := strings.IndexByte(rest[1:], q)
			if end < 0 {
				return "" // unterminated: not listed
			}
			sb.WriteString(`"` + rest[1:end+1] + `"`)
			rest = rest[end+2:]
			continue
		}
		end := strings.IndexAny(rest, " \t\n\f\r\"'")
		if end < 0 {
			end = len(rest)
		}
		sb.WriteString(rest[:end])
		rest = rest[end:]
	}
	return sb.String()
}

// doctypeQuirks is what a doctype means for a table in an open p.
func doctypeQuirks(text string) uint8 {
	if q, ok := htmlDoctypes[doctypeKey(text)]; ok {
		return q
	}
	return quirksOther
}

// maxOpen is the deepest page the reader follows: deeper ones are rare
// enough to leave to the tree.
const maxOpen = 512

type htmlLines struct {
	lim   Limits
	z     *html.Tokenizer
	stack []htmlOpen

	giveUp  bool
	quirks  uint8 // the doctype, read before anything else: quirksUnknown (none yet), quirksNone, quirksOther
	started bool  // a token other than a comment, a doctype or white space was read
	body    bool  // <body> is open, given or implied
	// afterHead: </head> was read before <body>.
	afterHead bool
	form      bool // a <form> was opened and not ended by </form>

	para    []byte // the paragraph being read outside tables
	b       builder
	tables  int
	counted int64 // at least the text bytes readHTMLTree counts

	recs   []htmlRec // the outermost shown table being read, and the tables in it
	arena  []byte    // the text of recs
	open   []int     // indexes in recs of the shown tables open
	joined []byte    // scratch for joinBytes
	cells  []gridCell
	spans  [][2]int // colspan and rowspan of cells

	title     []byte
	titleAt   int // stack index of the first <title> while it is open, else -1
	titleSeen bool
	metaDate  string

	attrs     htmlAttrs
	name, low []byte // the tag's name, its bytes lower-cased
}

// htmlAttrs is what the reader needs of a start tag's attributes.
type htmlAttrs struct {
	hidden           bool
	colspan, rowspan int
	metaName         string
	metaContent      []byte
}

// readHTMLLines reads a page by the line reader; ok is false where it
// gives the page to the tree.
func readHTMLLines(rc *readCtx, text string) (doc *Document, ok bool, err error) {
	if strings.IndexByte(text, 0) >= 0 {
		return nil, false, nil // the tokenizer and html.Parse treat NUL bytes apart
	}
	r := htmlLinesPool.Get().(*htmlLines)
	defer r.release()
	*r = htmlLines{lim: rc.lim, z: html.NewTokenizer(strings.NewReader(text)), titleAt: -1,
		stack: r.stack[:0], para: r.para[:0], recs: r.recs[:0], arena: r.arena[:0], open: r.open[:0],
		joined: r.joined[:0], cells: r.cells[:0], spans: r.spans[:0], title: r.title[:0], name: r.name[:0], low: r.low[:0]}
	r.stack = append(r.stack, htmlOpen{a: atom.Html, tag: htmlTags[atom.Html], ctx: ctxHead, shown: true, cell: -1, table: -1})
	for !r.giveUp {
		switch r.z.Next() {
		case html.ErrorToken:
			if r.z.Err() != io.EOF {
				return nil, false, nil // the tree reports it
			}
			return r.finish(rc)
		case html.TextToken:
			r.text(r.z.Text())
		case html.StartTagToken:
			r.start(false)
		case html.SelfClosingTagToken:
			r.start(true)
		case html.EndTagToken:
			r.end()
		case html.DoctypeToken:
			if !r.started && r.quirks == quirksUnknown {
				r.quirks = doctypeQuirks(string(r.z.Text()))
			}
		}
		if len(r.stack) > maxOpen {
			r.giveUp = true
		}
	}
	return nil, false, nil
}

// htmlLinesPool keeps the line reader's buffers from page to page.
var htmlLinesPool = sync.Pool{New: func() any { return new(htmlLines) }}

// release gives the reader back to the pool, unless a big page grew its
// buffers (they would stay allocated for pages a hundredth their size).
func (r *htmlLines) release() {
	r.z, r.b = nil, builder{}
	if cap(r.arena) > 1<<20 || cap(r.recs) > 1<<16 || cap(r.para) > 1<<20 || cap(r.cells) > 1<<14 {
		return
	}
	clear(r.cells[:cap(r.cells)]) // the cells' strings are the document's
	htmlLinesPool.Put(r)
}

func (r *htmlLines) finish(rc *readCtx) (*Document, bool, error) {
	if err := rc.ctx.Err(); err != nil {
		return nil, true, err
	}
	for len(r.stack) > 0 && !r.giveUp {
		r.pop()
	}
	r.flush()
	if r.giveUp || r.counted > r.lim.TextBytes {
		return nil, false, nil // the tree gives the error the limit names
	}
	doc := &Document{Format: FormatHTML, Text: r.b.text(), Origins: r.b.origins}
	doc.PublishedOn = FindPublishedOn(doc.Text)
	if doc.PublishedOn == "" {
		doc.PublishedOn = r.metaDate
	}
	if title := joinText(string(r.title)); title != "" && !strings.Contains(doc.Text, title) {
		doc.Text = title + "\n" + doc.Text
		doc.Origins = append([]Origin{{}}, doc.Origins...)
	}
	return doc, true, nil
}

// quit gives the page up to the tree.
func (r *htmlLines) quit() bool {
	r.giveUp = true
	return false
}

func (r *htmlLines) top() *htmlOpen { return &r.stack[len(r.stack)-1] }

// tagName is the name of the tag just read, lower-cased, as
// Tokenizer.TagName gives it, read from the token's bytes (TagName copies
// it; TestTagNameAsTokenizer holds the two together). It is valid until
// the next call.
func (r *htmlLines) tagName() []byte {
	raw := r.z.Raw()
	i := 1
	if len(raw) > 1 && raw[1] == '/' {
		i = 2
	}
	j := i
	for j < len(raw) {
		if c := raw[j]; c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '/' || c == '>' {
			break
		}
		j++
	}
	r.name = append(r.name[:0], raw[i:j]...)
	for k, c := range r.name {
		if 'A' <= c && c <= 'Z' {
			r.name[k] = c + 'a' - 'A'
		}
	}
	return r.name
}

// mayMatter reports whether the start tag just read may have an
// attribute the reader uses (hidden, style, colspan, rowspan): most tags
// have none, and their attributes are not read (TagAttr copies each).
func (r *htmlLines) mayMatter() bool {
	raw := r.z.Raw()
	r.low = append(r.low[:0], raw[min(len(r.name)+1, len(raw)):]...)
	for k, c := range r.low {
		if 'A' <= c && c <= 'Z' {
			r.low[k] = c + 'a' - 'A'
		}
	}
	return bytes.Contains(r.low, []byte("hidden")) || bytes.Contains(r.low, []byte("style")) || bytes.Contains(r.low, []byte("span"))
}

// readAttrs reads the attributes of the start tag just read.
func (r *htmlLines) readAttrs(a atom.Atom) {
	seen := 0
	for more := true; more; {
		var k, v []byte
		k, v, more = r.z.TagAttr()
		if k == nil && !more {
			break // no attribute
		}
		switch string(k) {
		case "hidden":
			r.attrs.hidden = true
		case "style":
			r.attrs.hidden = r.attrs.hidden || hiddenStyle.Match(v)
		case "colspan", "rowspan":
			n := 1
			if i, err := strconv.Atoi(strings.TrimSpace(string(v))); err == nil && i >= 1 {
				n = i
			}
			if n > math.MaxInt32 {
				r.giveUp = true // beyond a record's span: left to the tree
			}
			// The first of each counts, as in spanAttr (the tokenizer
			// drops repeated attributes; this keeps to spanAttr anyway).
			if k[0] == 'c' && seen&1 == 0 {
				r.attrs.colspan, seen = n, seen|1
			} else if k[0] == 'r' && seen&2 == 0 {
				r.attrs.rowspan, seen = n, seen|2
			}
		case "name", "property", "itemprop":
			if a == atom.Meta {
				r.attrs.metaName = strings.ToLower(string(v))
			}
		case "content":
			if a == atom.Meta {
				r.attrs.metaContent = append(r.attrs.metaContent[:0], v...)
			}
		}
	}
}

// allHTMLSpace reports whether b is only the characters html.Parse
// counts as white space between table parts.
func allHTMLSpace(b []byte) bool {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\n', '\f', '\r':
		default:
			return false
		}
	}
	return true
}

func (r *htmlLines) text(b []byte) {
	t := r.top()
	if t.ctx == ctxRaw {
		if len(r.stack)-1 == r.titleAt {
			r.title = append(r.title, b...)
		}
		if t.shown {
			r.addText(b)
		}
		return
	}
	if !r.body {
		if allHTMLSpace(b) {
			return
		}
		r.openBody(false)
		t = r.top()
	}
	switch t.ctx {
	case ctxFlow:
		if t.shown {
			r.addText(b)
		}
	case ctxTable, ctxSection, ctxRow:
		if !allHTMLSpace(b) {
			r.giveUp = true // moved before the table by the parser
			return
		}
		if t.shown {
			r.counted += int64(len(b))
		}
	case ctxColgroup:
		if !allHTMLSpace(b) {
			r.giveUp = true
		}
	}
}

// addText takes shown running text.
func (r *htmlLines) addText(b []byte) {
	r.counted += int64(len(b))
	if len(r.open) == 0 {
		r.para = append(r.para, b...)
		return
	}
	if len(r.arena)+len(b) > math.MaxInt32 {
		r.giveUp = true // beyond a record's offsets: left to the tree
		return
	}
	r.recs = append(r.recs, htmlRec{kind: recText, a: int32(len(r.arena)), b: int32(len(b))})
	r.arena = append(r.arena, b...)
}

// lineBreak marks a shown block element's start or end.
func (r *htmlLines) lineBreak() {
	if len(r.open) == 0 {
		r.flush()
		return
	}
	r.recs = append(r.recs, htmlRec{kind: recBreak})
}

func (r *htmlLines) flush() {
	r.joined = joinBytes(r.joined[:0], r.para)
	if len(r.joined) > 0 {
		r.b.add(string(r.joined), Origin{})
	}
	r.para = r.para[:0]
}

// openBody opens <body>, given (with its attributes read) or implied.
func (r *htmlLines) openBody(given bool) {
	r.body, r.started = true, true
	hidden := given && r.attrs.hidden
	r.push(atom.Body, "", htmlTags[atom.Body], hidden)
	r.top().ctx = ctxFlow
}

// push opens an element as a child of the current one.
func (r *htmlLines) push(a atom.Atom, name string, tag htmlTag, hidden bool) {
	p := r.top()
	e := htmlOpen{a: a, name: name, tag: tag, ctx: p.ctx, cell: p.cell, table: p.table}
	e.shown = p.shown && tag&tagDrop == 0 && !hidden
	i := len(r.stack)
	switch {
	case tag&tagRaw != 0:
		e.ctx = ctxRaw
	case a == atom.Table:
		e.ctx, e.table, e.cell = ctxTable, i, -1
	case a == atom.Tbody || a == atom.Thead || a == atom.Tfoot:
		e.ctx = ctxSection
	case a == atom.Tr:
		e.ctx = ctxRow
	case a == atom.Td || a == atom.Th || a == atom.Caption:
		e.ctx, e.cell = ctxFlow, i
	case a == atom.Colgroup:
		e.ctx = ctxColgroup
	case a == atom.Select:
		e.ctx = ctxSelect
	}
	if a == atom.Table && len(r.open) > 0 {
		// readHTMLTree's containsTable counts hidden tables too.
		r.recs[r.open[len(r.open)-1]].b = 1
	}
	if e.shown {
		switch a {
		case atom.Table:
			if len(r.open) == 0 {
				r.flush()
			}
			r.open = append(r.open, len(r.recs))
			r.recs = append(r.recs, htmlRec{kind: recTable})
		case atom.Tr:
			r.recs = append(r.recs, htmlRec{kind: recRow})
		case atom.Td, atom.Th:
			r.recs = append(r.recs, htmlRec{kind: recCell, a: int32(r.attrs.colspan), b: int32(r.attrs.rowspan)})
		case atom.Caption:
			r.recs = append(r.recs, htmlRec{kind: recCaption})
		default:
			if tag&tagBlock != 0 {
				r.lineBreak()
			}
		}
	}
	if a == atom.Title && !r.titleSeen {
		r.titleSeen, r.titleAt = true, i
	}
	r.stack = append(r.stack, e)
}

// pop closes the current element.
func (r *htmlLines) pop() {
	i := len(r.stack) - 1
	e := r.stack[i]
	r.stack = r.stack[:i]
	if i == r.titleAt {
		r.titleAt = -1
	}
	if !e.shown {
		return
	}
	switch e.a {
	case atom.Table:
		start := r.open[len(r.open)-1]
		r.open = r.open[:len(r.open)-1]
		r.recs[start].a = int32(len(r.recs))
		r.recs = append(r.recs, htmlRec{kind: recTableEnd})
		if len(r.open) == 0 {
			r.render(0)
			r.recs, r.arena = r.recs[:0], r.arena[:0]
		}
	case atom.Td, atom.Th:
		r.recs = append(r.recs, htmlRec{kind: recCellEnd})
	case atom.Caption:
		r.recs = append(r.recs, htmlRec{kind: recCaptionEnd})
	case atom.Tr:
		r.recs = append(r.recs, htmlRec{kind: recBreak})
	default:
		if e.tag&tagBlock != 0 {
			r.lineBreak()
		}
	}
}

// popTo closes elements down to and including the one at stack index i.
// A formatting element closed by another's end tag would be reopened by
// html.Parse after it: the reader gives up unless inCell, where the
// parser forgets them with the cell.
func (r *htmlLines) popTo(i int, inCell bool) {
	if !inCell {
		for j := len(r.stack) - 1; j > i; j-- {
			if r.stack[j].tag&tagFormat != 0 {
				r.giveUp = true
				return
			}
		}
	}
	for len(r.stack) > i {
		r.pop()
	}
}

// find is the stack index of the innermost open element a (name for
// unknown tags) above any boundary element (and any of the stop tags), or -1.
func (r *htmlLines) find(a atom.Atom, name string, stop htmlTag, stopAtoms ...atom.Atom) int {
	for i := len(r.stack) - 1; i >= 0; i-- {
		e := &r.stack[i]
		if e.a == a && (a != 0 || e.name == name) {
			return i
		}
		if e.tag&stop != 0 {
			return -1
		}
		for _, s := range stopAtoms {
			if e.a == s {
				return -1
			}
		}
	}
	return -1
}

// isOpen reports whether an element a (name) is open anywhere.
func (r *htmlLines) isOpen(a atom.Atom, name string) bool {
	return r.find(a, name, 0) >= 0
}

// closeP ends an open <p> before a tag that cannot be inside one.
func (r *htmlLines) closeP() {
	if i := r.find(atom.P, "", tagBoundary, atom.Button); i >= 0 {
		r.popTo(i, false)
	}
}

// tagAtom is the tag just read: its atom, and its name when html/atom
// does not know it.
func (r *htmlLines) tagAtom() (atom.Atom, string) {
	b := r.tagName()
	if a := atom.Lookup(b); a != 0 {
		return a, ""
	}
	return 0, string(b)
}

func (r *htmlLines) start(selfClosing bool) {
	a, name := r.tagAtom()
	tag := htmlTags[a]
	r.attrs = htmlAttrs{colspan: 1, rowspan: 1}
	if a == atom.Meta || r.mayMatter() {
		r.readAttrs(a)
	}
	if tag&tagGiveUp != 0 || (selfClosing && tag&tagRaw != 0) {
		r.giveUp = true
		return
	}
	if a == atom.Meta && r.metaDate == "" {
		switch r.attrs.metaName {
		case "pubdate", "publishdate", "firstpublishedtime", "articlepublishdate", "article:published_time", "datepublished":
			r.metaDate = report.FindDate(string(r.attrs.metaContent))
		}
	}
	for again := true; again && !r.giveUp; {
		again = r.startIn(a, name, tag)
	}
}

// startIn places a start tag where the page is; true asks to place it
// again after the elements it closed.
func (r *htmlLines) startIn(a atom.Atom, name string, tag htmlTag) bool {
	if !r.body {
		return r.startHead(a, name, tag)
	}
	t := r.top()
	switch t.ctx {
	case ctxRaw, ctxHead:
		return r.quit() // the tokenizer does not give tags here
	case ctxSelect:
		if a != atom.Option {
			return r.quit()
		}
		if t.a == atom.Option {
			r.pop()
		}
		r.push(a, name, tag, r.attrs.hidden)
		return false
	case ctxColgroup:
		if a == atom.Col {
			return false
		}
		r.pop()
		return true
	case ctxTable, ctxSection, ctxRow:
		return r.startInTable(a, name, tag)
	}
	// Running content.
	switch {
	case tag&tagTablePart != 0:
		if t.cell < 0 || r.stack[t.cell].a == atom.Caption {
			// Outside a table the parser ignores it; in a caption it
			// does not end the caption for every part (<th>): rare
			// enough to leave to it.
			return r.quit()
		}
		r.popTo(t.cell, true) // the cell or caption ends
		return true
	case a == atom.Html || a == atom.Body:
		return r.quit() // their attributes join the open element's
	case a == atom.Head:
		return false
	case a == atom.Table:
		if r.find(atom.P, "", tagBoundary, atom.Button) >= 0 {
			// A table in an open p is put in it on a page without a
			// doctype or with an old one (the quirks mode), after it on
			// <!DOCTYPE html> and the others of htmlDoctypes; doctypes
			// not listed there are left to the tree.
			switch r.quirks {
			case quirksUnknown, quirksFull:
				r.push(a, name, tag, r.attrs.hidden)
				return false
			case quirksOther:
				return r.quit()
			}
		}
	case a == atom.A:
		if r.isOpen(atom.A, "") {
			return r.quit()
		}
	case a == atom.Button:
		if r.isOpen(atom.Button, "") {
			return r.quit()
		}
	case a == atom.Form:
		if r.form {
			return r.quit()
		}
		r.form = true
	case a == atom.Option:
		if t.a == atom.Option {
			r.pop()
		}
	case a == atom.Li || a == atom.Dd || a == atom.Dt:
		r.closeItem(a)
		if r.giveUp {
			return false
		}
	}
	if tag&tagClosesP != 0 {
		r.closeP()
		if tag&tagHeading != 0 && r.top().tag&tagHeading != 0 {
			return r.quit()
		}
	}
	r.place(a, name, tag)
	return false
}

// place opens the element, or shows a void one.
func (r *htmlLines) place(a atom.Atom, name string, tag htmlTag) {
	if tag&tagVoid != 0 {
		if tag&tagBlock != 0 && r.top().shown && !r.attrs.hidden {
			r.lineBreak()
		}
		return
	}
	r.push(a, name, tag, r.attrs.hidden)
}

// closeItem ends an open list item (li; dd or dt) before another.
func (r *htmlLines) closeItem(a atom.Atom) {
	for i := len(r.stack) - 1; i >= 0; i-- {
		e := &r.stack[i]
		if e.a == a || (a != atom.Li && (e.a == atom.Dd || e.a == atom.Dt)) {
			r.popTo(i, false)
			return
		}
		switch {
		case e.a == atom.P || e.a == atom.Div || e.a == atom.Address:
		case e.tag&tagSpecial != 0:
			return
		case e.a == atom.Span || e.a == atom.Label || e.tag&tagFormat != 0:
		default:
			r.giveUp = true // an element not classed here
			return
		}
	}
}

// startHead places a start tag before <body>.
func (r *htmlLines) startHead(a atom.Atom, name string, tag htmlTag) bool {
	t := r.top()
	if t.ctx == ctxRaw {
		return r.quit()
	}
	switch {
	case a == atom.Html:
		if r.started {
			return r.quit()
		}
		r.started = true
		r.stack[0].shown = !r.attrs.hidden
		return false
	case a == atom.Head:
		// Given or implied, <head> holds what comes before <body>, none of
		// it shown: its own element does not matter.
		r.started = true
		return false
	case a == atom.Body:
		r.openBody(true)
		return false
	case tag&tagHeadish != 0 && !(a == atom.Noscript && r.afterHead):
		// After </head> a <noscript> opens the body; the others still
		// go into the head.
		r.started = true
		if tag&tagVoid == 0 {
			r.push(a, name, tag, true) // in <head>: not shown
		}
		return false
	}
	r.openBody(false)
	return true
}

// startInTable places a start tag in a table outside its cells.
func (r *htmlLines) startInTable(a atom.Atom, name string, tag htmlTag) bool {
	t := r.top()
	switch a {
	case atom.Caption, atom.Colgroup, atom.Col:
		if t.ctx != ctxTable {
			r.pop() // the row, then the section, ends
			return true
		}
		if a == atom.Col {
			r.push(atom.Colgroup, "", htmlTags[atom.Colgroup], false)
			return true
		}
	case atom.Tbody, atom.Thead, atom.Tfoot:
		if t.ctx != ctxTable {
			r.pop()
			return true
		}
	case atom.Tr:
		switch t.ctx {
		case ctxTable:
			r.push(atom.Tbody, "", htmlTags[atom.Tbody], false)
			return true
		case ctxRow:
			r.pop()
			return true
		}
	case atom.Td, atom.Th:
		switch t.ctx {
		case ctxTable:
			r.push(atom.Tbody, "", htmlTags[atom.Tbody], false)
			return true
		case ctxSection:
			r.push(atom.Tr, "", htmlTags[atom.Tr], false)
			return true
		}
	case atom.Script, atom.Style:
	default:
		return r.quit() // the parser moves it before the table
	}
	r.push(a, name, tag, r.attrs.hidden)
	return false
}

func (r *htmlLines) end() {
	a, name := r.tagAtom()
	for again := true; again && !r.giveUp; {
		again = r.endIn(a, name)
	}
}

func (r *htmlLines) endIn(a atom.Atom, name string) bool {
	t := r.top()
	if t.ctx == ctxRaw {
		r.pop() // the tokenizer ends raw text only at its own end tag
		return false
	}
	tag := htmlTags[a]
	if tag&tagGiveUp != 0 || a == atom.Br && !r.body {
		return r.quit()
	}
	if !r.body {
		switch a {
		case atom.Body, atom.Html:
			r.openBody(false)
		case atom.Head:
			r.afterHead = true
		}
		r.started = true
		return false
	}
	switch t.ctx {
	case ctxSelect:
		switch {
		case a == atom.Option:
			if t.a == atom.Option {
				r.pop()
			}
		case a == atom.Select:
			if t.a == atom.Option {
				r.pop()
			}
			r.pop()
		default:
			r.giveUp = true
		}
		return false
	case ctxColgroup:
		switch a {
		case atom.Colgroup:
			r.pop()
		case atom.Col:
		default:
			r.pop()
			return true
		}
		return false
	case ctxTable, ctxSection, ctxRow:
		return r.endInTable(a, name)
	}
	// Running content.
	switch {
	case a == atom.Body || a == atom.Html || a == atom.Col || a == atom.Colgroup || a == atom.Head:
		return false
	case a == atom.Td || a == atom.Th || a == atom.Caption:
		if t.cell < 0 {
			return r.quit()
		}
		if r.stack[t.cell].a == a {
			r.popTo(t.cell, true)
		}
		return false
	case tag&tagTablePart != 0 || a == atom.Table:
		if t.cell < 0 {
			return r.quit()
		}
		if r.stack[t.cell].a == atom.Caption {
			return r.quit() // a caption is read only up to its own end tag
		}
		for i := t.cell - 1; i >= t.table; i-- {
			if r.stack[i].a == a {
				r.popTo(t.cell, true)
				return true
			}
		}
		return false
	case a == atom.Br:
		if t.shown {
			r.lineBreak()
		}
		return false
	case a == atom.P:
		if i := r.find(atom.P, "", tagBoundary, atom.Button); i >= 0 {
			r.popTo(i, false)
		} else if t.shown {
			r.lineBreak() // an empty paragraph
		}
		return false
	case a == atom.Form:
		switch {
		case !r.form:
		case t.a == atom.Form:
			r.form = false
			r.pop()
		default:
			r.giveUp = true
		}
		return false
	case tag&tagHeading != 0:
		if t.a == a {
			r.pop()
			return false
		}
		for i := len(r.stack) - 1; i >= 0 && r.stack[i].tag&tagBoundary == 0; i-- {
			if r.stack[i].tag&tagHeading != 0 {
				return r.quit()
			}
		}
		return false
	case tag&tagScoped != 0:
		var i int
		if a == atom.Li {
			i = r.find(a, name, tagBoundary, atom.Ol, atom.Ul)
		} else {
			i = r.find(a, name, tagBoundary)
		}
		if i >= 0 {
			r.popTo(i, false)
		}
		return false
	}
	// Inline and other elements: their own end tag closes them; one
	// closing across others is left to the tree.
	if t.a == a && (a != 0 || t.name == name) {
		r.pop()
	} else if r.isOpen(a, name) {
		r.giveUp = true
	}
	return false
}

// endInTable places an end tag in a table outside its cells.
func (r *htmlLines) endInTable(a atom.Atom, name string) bool {
	t := r.top()
	switch a {
	case atom.Table:
		r.popTo(t.table, true)
	case atom.Tbody, atom.Thead, atom.Tfoot:
		switch {
		case t.a == a:
			r.pop()
		case t.ctx == ctxRow && r.stack[len(r.stack)-2].a == a:
			r.pop()
			return true
		}
	case atom.Tr:
		if t.ctx == ctxRow {
			r.pop()
		}
	case atom.Body, atom.Caption, atom.Col, atom.Colgroup, atom.Html, atom.Td, atom.Th:
	default:
		if a == atom.P || a == atom.Br || a == atom.Form || r.isOpen(a, name) {
			r.giveUp = true // the parser would act on it before the table
		}
	}
	return false
}

// joinBytes appends joinText(string(s)) to dst.
func joinBytes(dst, s []byte) []byte {
	start := len(dst)
	pendingSpace := false
	var last rune
	for len(s) > 0 {
		c, n := rune(s[0]), 1
		if c >= 0x80 {
			c, n = utf8.DecodeRune(s)
		}
		seg := s[:n]
		s = s[n:]
		if isSpace(c) {
			if len(dst) > start {
				pendingSpace = true
			}
			continue
		}
		if pendingSpace {
			if !(isCJK(last) && isCJK(c)) {
				dst = append(dst, ' ')
			}
			pendingSpace = false
		}
		if c == 0xFFFD && n == 1 {
			dst = append(dst, "\uFFFD"...) // WriteRune writes an invalid byte as U+FFFD
		} else {
			dst = append(dst, seg...)
		}
		last = c
	}
	return dst
}
