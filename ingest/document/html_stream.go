package document

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"sync"

	"golang.org/x/net/html"
	a "golang.org/x/net/html/atom"
)

// readHTMLStream reads a page in one pass over html.Tokenizer's tokens,
// without html.Parse's node tree (75 % of reading a page with it): the
// tokens go through a copy of the parts of html.Parse's tree builder that
// report pages use, which writes the page as a flat list of records (an
// element with the index past its content, a text with its bytes), and
// the list is read the way readHTMLTree reads the tree.
//
// The copy follows golang.org/x/net/html's parse.go (v0.62.0) function by
// function, where the tree builder puts a node at the current node (and a
// text out of place in a table before the table). Where a page needs
// anything else — an element foster-parented out of a table (a nested
// table outside a cell among them), the adoption agency moving nodes, an
// a in an a, templates, framesets, HTML inside SVG or MathML, attributes
// merged into html or body, NUL bytes — the pass stops and ok is false:
// the caller reads the page with readHTMLTree. A page read here gives the
// same text, origins and errors as readHTMLTree; the tests hold it to that
// on every page they have (TestStreamMatchesTree, TestStreamBails, the tag
// soup, FuzzReadHTML).
func readHTMLStream(rc *readCtx, text string) (doc *Document, err error, ok bool) {
	if strings.IndexByte(text, 0) >= 0 {
		// Parse drops a NUL in text, keeps it as U+FFFD in attributes and
		// comments, and so on: not copied.
		return nil, nil, false
	}
	p := streamPool.Get().(*streamParser)
	defer streamPool.Put(p)
	if !p.parse(text) {
		return nil, nil, false
	}
	if err := rc.ctx.Err(); err != nil {
		return nil, err, true
	}
	w := &streamWalker{htmlReader: htmlReader{lim: rc.lim}, log: &p.log}
	w.children(-1, false)
	w.flush()
	if w.err != nil {
		return nil, w.err, true
	}
	return w.document(w.title, p.log.metaPublished), nil, true
}

// hrec is one record of a page's log: an element or a text, in document
// order, which is the tree's order for the pages the stream reads.
type hrec struct {
	atom  a.Atom
	flags uint8
	// next is the index of the first record after an element's content (an
	// element's children are the records up to it); a text's is its own
	// index plus one.
	next int32
	// lo, hi are a text's bytes in the log's buffer, a cell's colspan and
	// rowspan as spanAttr reads them.
	lo, hi int32
}

const (
	recText    uint8 = 1 << iota
	recHidden        // a hidden attribute or a style that hides it
	recInHead        // inserted into the head after </head>: never shown
	recTables        // a table that holds a table
	recDropped       // htmlDropped: content never shown
	recBlock         // htmlBlock: ends a paragraph
)

// hlog is a page as the stream writes it.
type hlog struct {
	recs  []hrec
	buf   []byte    // the bytes of the texts
	metas []metaTag // the meta tags, in order
}

func (l *hlog) reset() {
	l.recs, l.buf, l.metas = l.recs[:0], l.buf[:0], l.metas[:0]
}

func (l *hlog) metaPublished() string {
	for _, m := range l.metas {
		if d := m.published(); d != "" {
			return d
		}
	}
	return ""
}

// Insertion modes of the tree builder (section 13.2.4.1), those the
// stream copies.
type hmode uint8

const (
	imInitial hmode = iota
	imBeforeHTML
	imBeforeHead
	imInHead
	imAfterHead
	imInBody
	imText
	imInTable
	imInCaption
	imInColumnGroup
	imInTableBody
	imInRow
	imInCell
	imAfterBody
	imAfterAfterBody
)

// hopen is an element on the stack of open elements.
type hopen struct {
	atom a.Atom
	name string // the tag name of an element without an atom: Parse compares custom tags by name
	rec  int32  // its record; -1 for the head put back on the stack in "after head"
	// foreign: an SVG or MathML element (Parse's Namespace != "").
	foreign bool
	// child: something was inserted into it (Parse's FirstChild != nil).
	child bool
}

// htoken is the token being parsed, what the builder and the records need
// of it.
type htoken struct {
	typ     html.TokenType // a self-closing tag is a start tag, as in Parse
	atom    a.Atom
	name    string // the name of a tag without an atom
	data    []byte // a text's
	hasAttr bool
	hidden  bool
	// selfClosing: <x/> (Parse acknowledges it in foreign content only).
	selfClosing bool
	col         int32 // td, th: colspan and rowspan
	row         int32
	// typeHidden: an input of type hidden.
	typeHidden bool
}

// streamParser is the tree builder's copy. bail is set where the page
// needs what the copy does not do; everything after is moot.
type streamParser struct {
	z            *html.Tokenizer
	rd           strings.Reader
	tok          htoken
	im, original hmode
	oe           []hopen
	afe          []int32 // active formatting elements by record; -1 is a marker
	head         bool    // the head element pointer is set
	form         int32   // the form element pointer's record, -1 for none
	log          hlog
	bail         bool
	// foster: the token is parsed by "in body" for "in table", where
	// Parse inserts at the current node only if it is not a table part.
	foster bool
	quirks quirks
	name   []byte // the current tag's name
	// doctype is the raw doctype token, for doctypeQuirks.
	doctype []byte
	fosters int // texts fostered so far
}

// quirks is the page's quirks mode where the stream knows it.
type quirks uint8

const (
	quirksUnknown quirks = iota // a doctype Parse reads in a way not copied here
	quirksOff
	quirksOn
)

// streamPool keeps parsers (their stacks and logs) between pages.
var streamPool = sync.Pool{New: func() any { return new(streamParser) }}

// parse runs the page's tokens through the builder; false where it bailed.
func (p *streamParser) parse(text string) bool {
	p.rd.Reset(text)
	p.z = html.NewTokenizer(&p.rd)
	p.im, p.original = imInitial, imInitial
	p.oe, p.afe = p.oe[:0], p.afe[:0]
	p.head, p.form, p.bail, p.quirks, p.fosters = false, -1, false, quirksUnknown, 0
	p.log.reset()
	for {
		// CDATA sections are allowed only in foreign content.
		top := p.top()
		p.z.AllowCDATA(top != nil && top.foreign)
		tt := p.z.Next()
		p.load(tt)
		if tt == html.ErrorToken && p.z.Err() != io.EOF {
			return false
		}
		p.parseCurrent()
		if p.bail {
			return false
		}
		if tt == html.ErrorToken {
			break
		}
	}
	for len(p.oe) > 0 {
		p.pop()
	}
	return true
}

// load reads the current token.
func (p *streamParser) load(tt html.TokenType) {
	t := &p.tok
	*t = htoken{typ: tt}
	switch tt {
	case html.TextToken, html.CommentToken, html.DoctypeToken:
		if tt == html.DoctypeToken {
			// Before Text, which unescapes the token in place.
			p.doctype = append(p.doctype[:0], p.z.Raw()...)
		}
		t.data = p.z.Text()
	case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
		if tt == html.SelfClosingTagToken {
			t.typ = html.StartTagToken
			t.selfClosing = true
		}
		name := p.tagName(tt)
		t.atom = a.Lookup(name)
		if t.atom == 0 {
			t.name = string(name)
		}
		if tt == html.EndTagToken {
			return
		}
		var mt metaTag
		for more := true; more; {
			var key, val []byte
			if key, val, more = p.z.TagAttr(); key == nil {
				break // no attributes
			}
			t.hasAttr = true
			switch string(key) {
			case "style":
				t.hidden = t.hidden || hiddenStyle.Match(val)
			case "hidden":
				t.hidden = true
			case "colspan":
				t.col = int32(spanValue(string(val)))
			case "rowspan":
				t.row = int32(spanValue(string(val)))
			case "type":
				t.typeHidden = bytes.EqualFold(val, []byte("hidden"))
			}
			if t.atom == a.Meta {
				mt.attr(string(key), string(val))
			}
		}
		if t.atom == a.Meta {
			p.log.metas = append(p.log.metas, mt)
		}
	}
}

// tagName is the lower-cased name of the current tag, as TagName gives it
// but read from the token's raw bytes into a buffer of the parser's:
// TagName copies the name for each tag (it replaces NUL bytes, which a
// page read here has none of). The name runs from after "<" or "</" to
// the first space, "/" or ">" (the tokenizer's readTagName).
func (p *streamParser) tagName(tt html.TokenType) []byte {
	raw := p.z.Raw()
	from := 1
	if tt == html.EndTagToken {
		from = 2
	}
	end := from
	for end < len(raw) {
		switch raw[end] {
		case ' ', '\n', '\r', '\t', '\f', '/', '>':
		default:
			end++
			continue
		}
		break
	}
	p.name = p.name[:0]
	for _, c := range raw[from:end] {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		p.name = append(p.name, c)
	}
	return p.name
}

// parseCurrent runs the token through the modes until one consumes it
// (Parse's parseCurrentToken; foreign content is never entered).
func (p *streamParser) parseCurrent() {
	for !p.bail && !p.step() {
	}
}

func (p *streamParser) step() bool {
	if t := p.top(); t != nil && t.foreign && p.tok.typ != html.ErrorToken {
		return p.foreignContent()
	}
	switch p.im {
	case imInitial:
		return p.initialIM()
	case imBeforeHTML:
		return p.beforeHTMLIM()
	case imBeforeHead:
		return p.beforeHeadIM()
	case imInHead:
		return p.inHeadIM()
	case imAfterHead:
		return p.afterHeadIM()
	case imInBody:
		return p.inBodyIM()
	case imText:
		return p.textIM()
	case imInTable:
		return p.inTableIM()
	case imInCaption:
		return p.inCaptionIM()
	case imInColumnGroup:
		return p.inColumnGroupIM()
	case imInTableBody:
		return p.inTableBodyIM()
	case imInRow:
		return p.inRowIM()
	case imInCell:
		return p.inCellIM()
	case imAfterBody:
		return p.afterBodyIM()
	case imAfterAfterBody:
		return p.afterAfterBodyIM()
	}
	p.bail = true
	return true
}

// implied parses a tag that the page leaves out (Parse's parseImpliedToken).
func (p *streamParser) implied(typ html.TokenType, at a.Atom) {
	real := p.tok
	p.tok = htoken{typ: typ, atom: at}
	p.parseCurrent()
	p.tok = real
}

// The stack of open elements.

func (p *streamParser) top() *hopen {
	if len(p.oe) == 0 {
		return nil
	}
	return &p.oe[len(p.oe)-1]
}

func (p *streamParser) topAtom() a.Atom {
	if t := p.top(); t != nil {
		return t.atom
	}
	return 0
}

// pop closes the current node: its content ends here.
func (p *streamParser) pop() {
	e := p.oe[len(p.oe)-1]
	p.oe = p.oe[:len(p.oe)-1]
	if e.rec >= 0 {
		p.log.recs[e.rec].next = int32(len(p.log.recs))
	}
}

// popTo pops the stack down to n elements.
func (p *streamParser) popTo(n int) {
	for len(p.oe) > n {
		p.pop()
	}
}

type hscope uint8

const (
	defaultScope hscope = iota
	listItemScope
	buttonScope
	tableScope
)

// inScope is Parse's indexOfElementInScope (HTML elements only).
func (p *streamParser) inScope(s hscope, match ...a.Atom) int {
	for i := len(p.oe) - 1; i >= 0; i-- {
		at := p.oe[i].atom
		for _, t := range match {
			if t == at {
				return i
			}
		}
		switch s {
		case listItemScope:
			if at == a.Ol || at == a.Ul {
				return -1
			}
		case buttonScope:
			if at == a.Button {
				return -1
			}
		case tableScope:
			if at == a.Html || at == a.Table || at == a.Template {
				return -1
			}
		}
		if s != tableScope {
			switch at {
			case a.Applet, a.Caption, a.Html, a.Table, a.Td, a.Th, a.Marquee, a.Object, a.Template, a.Select:
				return -1
			}
		}
	}
	return -1
}

func (p *streamParser) elementInScope(s hscope, match ...a.Atom) bool {
	return p.inScope(s, match...) != -1
}

func (p *streamParser) popUntil(s hscope, match ...a.Atom) bool {
	if i := p.inScope(s, match...); i != -1 {
		p.popTo(i)
		return true
	}
	return false
}

// clearStackToContext pops to a table (ctx a.Table), a row (a.Tr) or a
// table body (a.Tbody) context.
func (p *streamParser) clearStackToContext(ctx a.Atom) {
	for i := len(p.oe) - 1; i >= 0; i-- {
		at := p.oe[i].atom
		stop := at == a.Html || at == a.Template
		switch ctx {
		case a.Table:
			stop = stop || at == a.Table
		case a.Tr:
			stop = stop || at == a.Tr
		case a.Tbody:
			stop = stop || at == a.Tbody || at == a.Tfoot || at == a.Thead
		}
		if stop {
			p.popTo(i + 1)
			return
		}
	}
}

// generateImpliedEndTags pops dd, dt, li, optgroup, option, p, rb, rp, rt
// and rtc, but not except.
func (p *streamParser) generateImpliedEndTags(except a.Atom) {
	for len(p.oe) > 0 {
		switch at := p.topAtom(); at {
		case a.Dd, a.Dt, a.Li, a.Optgroup, a.Option, a.P, a.Rb, a.Rp, a.Rt, a.Rtc:
			if at == except {
				return
			}
			p.pop()
			continue
		}
		return
	}
}

// Inserting.

// fosterParented says whether Parse inserts the next node before the
// table rather than at the current node (foster parenting, section
// 13.2.6.1).
func (p *streamParser) fosterParented() bool {
	if p.foster {
		switch p.topAtom() {
		case a.Table, a.Tbody, a.Tfoot, a.Thead, a.Tr:
			return true
		}
	}
	return false
}

// addText inserts text at the current node, or before the table where
// Parse foster-parents it.
func (p *streamParser) addText(text []byte) {
	if len(text) == 0 || p.bail {
		return
	}
	if p.fosterParented() {
		p.fosterText(text)
		return
	}
	if t := p.top(); t != nil {
		t.child = true
	}
	l := &p.log
	n := int32(len(l.recs))
	l.recs = append(l.recs, hrec{flags: recText, next: n + 1, lo: int32(len(l.buf)), hi: int32(len(l.buf) + len(text))})
	l.buf = append(l.buf, text...)
}

// maxFosters bounds the texts fostered in a page: each moves the records
// of its table up by one.
const maxFosters = 256

// fosterText puts text that stands in a table outside its cells before
// the table, where Parse puts it (section 13.2.6.1; next to a text
// already there, which reads the same): a record inserted before the
// table's, those after it moved up by one.
func (p *streamParser) fosterText(text []byte) {
	at := int32(-1)
	for i := len(p.oe) - 1; i >= 0; i-- {
		if p.oe[i].atom == a.Table {
			at = p.oe[i].rec
			break
		}
	}
	if p.fosters++; at < 0 || p.fosters > maxFosters {
		p.bail = true
		return
	}
	l := &p.log
	for i := at; i < int32(len(l.recs)); i++ {
		// A closed element's or a text's end moves with it; an open
		// element's is not set yet.
		if r := &l.recs[i]; r.next > 0 {
			r.next++
		}
	}
	l.recs = slices.Insert(l.recs, int(at), hrec{flags: recText, next: at + 1, lo: int32(len(l.buf)), hi: int32(len(l.buf) + len(text))})
	l.buf = append(l.buf, text...)
	for i := range p.oe {
		if p.oe[i].rec >= at {
			p.oe[i].rec++
		}
	}
	for i, r := range p.afe {
		if r >= at {
			p.afe[i]++
		}
	}
	if p.form >= at {
		p.form++
	}
}

// addComment inserts a comment at the current node: no record, but the
// node has a child.
func (p *streamParser) addComment() {
	if t := p.top(); t != nil {
		t.child = true
	}
}

// addElement inserts the current start tag's element at the current node
// and pushes it.
func (p *streamParser) addElement() {
	if p.fosterParented() {
		// An element before the table stays open there while the table
		// goes on: not copied.
		p.bail = true
	}
	if p.bail {
		return
	}
	t := &p.tok
	r := hrec{atom: t.atom}
	if htmlDropped[t.atom] {
		r.flags |= recDropped
	}
	if htmlBlock[t.atom] {
		r.flags |= recBlock
	}
	if t.hidden {
		r.flags |= recHidden
	}
	if top := p.top(); top != nil {
		top.child = true
		if top.rec < 0 {
			r.flags |= recInHead
		}
	}
	switch t.atom {
	case a.Td, a.Th:
		r.lo, r.hi = max(t.col, 1), max(t.row, 1)
	case a.Table:
		for _, e := range p.oe {
			if e.atom == a.Table && e.rec >= 0 {
				p.log.recs[e.rec].flags |= recTables
			}
		}
	}
	n := int32(len(p.log.recs))
	p.log.recs = append(p.log.recs, r)
	p.oe = append(p.oe, hopen{atom: t.atom, name: t.name, rec: n})
	if len(p.oe) > 512 {
		// Parse refuses the page: let it say so.
		p.bail = true
	}
}

// addVoid inserts an element that holds nothing.
func (p *streamParser) addVoid() {
	if p.addElement(); !p.bail {
		p.pop()
	}
}

// Active formatting elements.

func (p *streamParser) inStack(rec int32) bool {
	for i := len(p.oe) - 1; i >= 0; i-- {
		if p.oe[i].rec == rec {
			return true
		}
	}
	return false
}

func (p *streamParser) afeIndex(rec int32) int {
	for i := len(p.afe) - 1; i >= 0; i-- {
		if p.afe[i] == rec {
			return i
		}
	}
	return -1
}

func (p *streamParser) afeRemove(rec int32) {
	if i := p.afeIndex(rec); i >= 0 {
		p.afe = append(p.afe[:i], p.afe[i+1:]...)
	}
}

// reconstruct reopens the formatting elements that another element
// closed (<p><b>x</p>y reopens b for y): a copy of each, from the first
// no longer open, at the current node (Parse's
// reconstructActiveFormattingElements).
func (p *streamParser) reconstruct() {
	n := len(p.afe)
	if n == 0 || p.afe[n-1] < 0 || p.inStack(p.afe[n-1]) {
		return
	}
	i := n - 1
	for i >= 0 && p.afe[i] >= 0 && !p.inStack(p.afe[i]) {
		i--
	}
	real := p.tok
	for i++; i < n && !p.bail; i++ {
		orig := p.log.recs[p.afe[i]]
		p.tok = htoken{typ: html.StartTagToken, atom: orig.atom, hidden: orig.flags&recHidden != 0}
		if p.addElement(); !p.bail {
			p.afe[i] = p.top().rec
		}
	}
	p.tok = real
}

func (p *streamParser) addFormattingElement() {
	// The Noah's Ark clause drops the earliest of three identical
	// elements: three of the same tag bail, whatever their attributes.
	same := 0
	for i := len(p.afe) - 1; i >= 0 && p.afe[i] >= 0; i-- {
		if p.log.recs[p.afe[i]].atom == p.tok.atom {
			same++
		}
	}
	if same >= 3 {
		p.bail = true
		return
	}
	if p.addElement(); !p.bail {
		p.afe = append(p.afe, p.top().rec)
	}
}

func (p *streamParser) clearActiveFormattingElements() {
	if len(p.afe) == 0 {
		// Parse pops from an empty list and panics: let it say so.
		p.bail = true
		return
	}
	for len(p.afe) > 0 {
		n := p.afe[len(p.afe)-1]
		p.afe = p.afe[:len(p.afe)-1]
		if n < 0 {
			return
		}
	}
}

// resetInsertionMode (Parse's, without templates and fragments).
func (p *streamParser) resetInsertionMode() {
	for i := len(p.oe) - 1; i >= 0; i-- {
		switch p.oe[i].atom {
		case a.Td, a.Th:
			p.im = imInCell
		case a.Tr:
			p.im = imInRow
		case a.Tbody, a.Thead, a.Tfoot:
			p.im = imInTableBody
		case a.Caption:
			p.im = imInCaption
		case a.Colgroup:
			p.im = imInColumnGroup
		case a.Table:
			p.im = imInTable
		case a.Head:
			p.im = imInHead
		case a.Body:
			p.im = imInBody
		case a.Html:
			if p.head {
				p.im = imAfterHead
			} else {
				p.im = imBeforeHead
			}
		case a.Template, a.Frameset:
			p.bail = true
		default:
			if i == 0 {
				p.im = imInBody
				return
			}
			continue
		}
		return
	}
}

const whitespace = " \t\r\n\f"

func trimLeftSpace(b []byte) []byte { return bytes.TrimLeft(b, whitespace) }

// leadingSpace inserts the whitespace a text token starts with at the
// current node and leaves the rest as the token; true where that was all.
func (p *streamParser) leadingSpace() bool {
	s := trimLeftSpace(p.tok.data)
	if len(s) == len(p.tok.data) {
		return false
	}
	p.addText(p.tok.data[:len(p.tok.data)-len(s)])
	p.tok.data = s
	return len(s) == 0
}

// The insertion modes, each as Parse's function of the same name; "bail"
// marks what Parse does there that the copy does not.

func (p *streamParser) initialIM() bool {
	switch p.tok.typ {
	case html.TextToken:
		p.tok.data = trimLeftSpace(p.tok.data)
		if len(p.tok.data) == 0 {
			return true
		}
	case html.CommentToken:
		return true
	case html.DoctypeToken:
		// Quirks mode changes only whether a table closes a p: known
		// here for <!DOCTYPE html> (no quirks) and for no doctype at all
		// (quirks), asked of Parse for another doctype where it matters.
		p.quirks = quirksUnknown
		if string(p.tok.data) == "html" {
			p.quirks = quirksOff
		}
		p.im = imBeforeHTML
		return true
	}
	p.quirks = quirksOn
	p.im = imBeforeHTML
	return false
}

func (p *streamParser) beforeHTMLIM() bool {
	switch p.tok.typ {
	case html.DoctypeToken:
		return true
	case html.TextToken:
		p.tok.data = trimLeftSpace(p.tok.data)
		if len(p.tok.data) == 0 {
			return true
		}
	case html.StartTagToken:
		if p.tok.atom == a.Html {
			p.addElement()
			p.im = imBeforeHead
			return true
		}
	case html.EndTagToken:
		switch p.tok.atom {
		case a.Head, a.Body, a.Html, a.Br:
			p.implied(html.StartTagToken, a.Html)
			return false
		default:
			return true
		}
	case html.CommentToken:
		return true
	}
	p.implied(html.StartTagToken, a.Html)
	return false
}

func (p *streamParser) beforeHeadIM() bool {
	switch p.tok.typ {
	case html.TextToken:
		p.tok.data = trimLeftSpace(p.tok.data)
		if len(p.tok.data) == 0 {
			return true
		}
	case html.StartTagToken:
		switch p.tok.atom {
		case a.Head:
			p.addElement()
			p.head = true
			p.im = imInHead
			return true
		case a.Html:
			return p.inBodyIM()
		}
	case html.EndTagToken:
		switch p.tok.atom {
		case a.Head, a.Body, a.Html, a.Br:
			p.implied(html.StartTagToken, a.Head)
			return false
		default:
			return true
		}
	case html.CommentToken:
		p.addComment()
		return true
	case html.DoctypeToken:
		return true
	}
	p.implied(html.StartTagToken, a.Head)
	return false
}

func (p *streamParser) inHeadIM() bool {
	switch p.tok.typ {
	case html.TextToken:
		if p.leadingSpace() {
			return true
		}
	case html.StartTagToken:
		switch p.tok.atom {
		case a.Html:
			return p.inBodyIM()
		case a.Base, a.Basefont, a.Bgsound, a.Link, a.Meta:
			p.addVoid()
			return true
		case a.Noscript, a.Script, a.Title, a.Noframes, a.Style:
			// Parse runs with scripting on: a noscript is raw text too.
			p.addElement()
			p.original, p.im = p.im, imText
			return true
		case a.Head:
			return true
		case a.Template:
			p.bail = true
			return true
		}
	case html.EndTagToken:
		switch p.tok.atom {
		case a.Head:
			p.pop()
			p.im = imAfterHead
			return true
		case a.Body, a.Html, a.Br:
			p.implied(html.EndTagToken, a.Head)
			return false
		default:
			// </template> with no template open is ignored too.
			return true
		}
	case html.CommentToken:
		p.addComment()
		return true
	case html.DoctypeToken:
		return true
	}
	p.implied(html.EndTagToken, a.Head)
	return false
}

func (p *streamParser) afterHeadIM() bool {
	switch p.tok.typ {
	case html.TextToken:
		if p.leadingSpace() {
			return true
		}
	case html.StartTagToken:
		switch p.tok.atom {
		case a.Html:
			return p.inBodyIM()
		case a.Body:
			p.addElement()
			p.im = imInBody
			return true
		case a.Frameset, a.Template:
			p.bail = true
			return true
		case a.Base, a.Basefont, a.Bgsound, a.Link, a.Meta, a.Noframes, a.Script, a.Style, a.Title:
			// Parse puts the head back on the stack, inserts the element
			// there and takes the head off again (wherever it now is).
			p.oe = append(p.oe, hopen{atom: a.Head, rec: -1})
			consumed := p.inHeadIM()
			for i := len(p.oe) - 1; i >= 0; i-- {
				if p.oe[i].rec == -1 {
					p.oe = append(p.oe[:i], p.oe[i+1:]...)
					break
				}
			}
			return consumed
		case a.Head:
			return true
		}
	case html.EndTagToken:
		switch p.tok.atom {
		case a.Body, a.Html, a.Br:
		default:
			return true
		}
	case html.CommentToken:
		p.addComment()
		return true
	case html.DoctypeToken:
		return true
	}
	p.implied(html.StartTagToken, a.Body)
	return p.tok.typ == html.ErrorToken
}

func (p *streamParser) textIM() bool {
	switch p.tok.typ {
	case html.ErrorToken:
		p.pop()
	case html.TextToken:
		d := p.tok.data
		if n := p.top(); n.atom == a.Textarea && !n.child {
			d = dropLeadingNewline(d)
		}
		if len(d) > 0 {
			p.addText(d)
		}
		return true
	case html.EndTagToken:
		p.pop()
	}
	p.im = p.original
	return p.tok.typ == html.EndTagToken
}

// dropLeadingNewline drops the line break that may follow <pre>,
// <listing> or <textarea>.
func dropLeadingNewline(d []byte) []byte {
	if len(d) > 0 && d[0] == '\r' {
		d = d[1:]
	}
	if len(d) > 0 && d[0] == '\n' {
		d = d[1:]
	}
	return d
}

func (p *streamParser) inBodyIM() bool {
	switch p.tok.typ {
	case html.TextToken:
		d := p.tok.data
		if n := p.top(); (n.atom == a.Pre || n.atom == a.Listing) && !n.child {
			d = dropLeadingNewline(d)
		}
		if len(d) == 0 {
			return true
		}
		p.reconstruct()
		p.addText(d)
	case html.StartTagToken:
		return p.inBodyStart()
	case html.EndTagToken:
		return p.inBodyEnd()
	case html.CommentToken:
		p.addComment()
	}
	return true
}

func (p *streamParser) inBodyStart() bool {
	switch at := p.tok.atom; at {
	case a.Html, a.Body:
		// Parse copies the attributes onto the page's html or body.
		p.bail = p.tok.hasAttr
	case a.Base, a.Basefont, a.Bgsound, a.Link, a.Meta, a.Noframes, a.Script, a.Style, a.Template, a.Title:
		return p.inHeadIM()
	case a.Address, a.Article, a.Aside, a.Blockquote, a.Center, a.Details, a.Dialog, a.Dir, a.Div, a.Dl, a.Fieldset, a.Figcaption, a.Figure, a.Footer, a.Header, a.Hgroup, a.Main, a.Menu, a.Nav, a.Ol, a.P, a.Search, a.Section, a.Summary, a.Ul, a.Pre, a.Listing:
		p.popUntil(buttonScope, a.P)
		p.addElement()
	case a.H1, a.H2, a.H3, a.H4, a.H5, a.H6:
		p.popUntil(buttonScope, a.P)
		switch p.topAtom() {
		case a.H1, a.H2, a.H3, a.H4, a.H5, a.H6:
			p.pop()
		}
		p.addElement()
	case a.Form:
		if p.form >= 0 {
			return true
		}
		p.popUntil(buttonScope, a.P)
		if p.addElement(); !p.bail {
			p.form = p.top().rec
		}
	case a.Li, a.Dd, a.Dt:
		for i := len(p.oe) - 1; i >= 0; i-- {
			node := p.oe[i].atom
			if node == at || (at != a.Li && (node == a.Dd || node == a.Dt)) {
				p.popTo(i)
			} else if node == a.Address || node == a.Div || node == a.P || !special(node) {
				continue
			}
			break
		}
		p.popUntil(buttonScope, a.P)
		p.addElement()
	case a.Button:
		if p.elementInScope(defaultScope, a.Button) {
			p.generateImpliedEndTags(0)
			p.popUntil(defaultScope, a.Button)
		}
		p.reconstruct()
		p.addElement()
	case a.A:
		for i := len(p.afe) - 1; i >= 0 && p.afe[i] >= 0; i-- {
			if p.log.recs[p.afe[i]].atom == a.A {
				// An a inside an a: the adoption agency.
				p.bail = true
				return true
			}
		}
		p.reconstruct()
		p.addFormattingElement()
	case a.B, a.Big, a.Code, a.Em, a.Font, a.I, a.S, a.Small, a.Strike, a.Strong, a.Tt, a.U:
		p.reconstruct()
		p.addFormattingElement()
	case a.Nobr:
		p.reconstruct()
		if p.elementInScope(defaultScope, a.Nobr) {
			p.bail = true
			return true
		}
		p.addFormattingElement()
	case a.Applet, a.Marquee, a.Object:
		p.reconstruct()
		p.addElement()
		p.afe = append(p.afe, -1)
	case a.Table:
		// A table in a p closes it, except in quirks mode.
		switch p.quirks {
		case quirksOff:
			p.popUntil(buttonScope, a.P)
		case quirksUnknown:
			if p.elementInScope(buttonScope, a.P) {
				if p.quirks = quirksOff; doctypeQuirks(p.doctype) {
					p.quirks = quirksOn
				} else {
					p.popUntil(buttonScope, a.P)
				}
			}
		}
		p.addElement()
		p.im = imInTable
	case a.Area, a.Br, a.Embed, a.Img, a.Keygen, a.Wbr:
		p.reconstruct()
		p.addVoid()
	case a.Input:
		p.popUntil(defaultScope, a.Select)
		p.reconstruct()
		p.addVoid()
	case a.Param, a.Source, a.Track:
		p.addVoid()
	case a.Hr:
		if p.elementInScope(buttonScope, a.P) {
			p.generateImpliedEndTags(a.P)
			p.popUntil(defaultScope, a.P)
		}
		if p.elementInScope(defaultScope, a.Select) {
			p.generateImpliedEndTags(0)
		}
		p.addVoid()
	case a.Textarea:
		p.addElement()
		p.original, p.im = p.im, imText
	case a.Xmp:
		p.popUntil(buttonScope, a.P)
		p.reconstruct()
		p.addElement()
		p.original, p.im = p.im, imText
	case a.Iframe, a.Noembed, a.Noscript:
		p.addElement()
		p.original, p.im = p.im, imText
	case a.Select:
		if p.popUntil(defaultScope, a.Select) {
			return true
		}
		p.reconstruct()
		p.addElement()
	case a.Option, a.Optgroup:
		if p.elementInScope(defaultScope, a.Select) {
			if at == a.Option {
				p.generateImpliedEndTags(a.Optgroup)
			} else {
				p.generateImpliedEndTags(0)
			}
		} else if p.topAtom() == a.Option {
			p.pop()
		}
		p.reconstruct()
		p.addElement()
	case a.Rb, a.Rtc, a.Rp, a.Rt:
		if p.elementInScope(defaultScope, a.Ruby) {
			if at == a.Rp || at == a.Rt {
				p.generateImpliedEndTags(a.Rtc)
			} else {
				p.generateImpliedEndTags(0)
			}
		}
		p.addElement()
	case a.Caption, a.Col, a.Colgroup, a.Frame, a.Head, a.Tbody, a.Td, a.Tfoot, a.Th, a.Thead, a.Tr:
		// Ignored.
	case a.Math, a.Svg:
		p.reconstruct()
		p.addForeign()
	case a.Frameset, a.Plaintext, a.Image:
		p.bail = true
	default:
		p.reconstruct()
		p.addElement()
	}
	return true
}

func (p *streamParser) inBodyEnd() bool {
	switch at := p.tok.atom; at {
	case a.Body:
		if p.elementInScope(defaultScope, a.Body) {
			p.im = imAfterBody
		}
	case a.Html:
		if p.elementInScope(defaultScope, a.Body) {
			p.implied(html.EndTagToken, a.Body)
			return false
		}
	case a.Address, a.Article, a.Aside, a.Blockquote, a.Button, a.Center, a.Details, a.Dialog, a.Dir, a.Div, a.Dl, a.Fieldset, a.Figcaption, a.Figure, a.Footer, a.Header, a.Hgroup, a.Listing, a.Main, a.Menu, a.Nav, a.Ol, a.Pre, a.Search, a.Section, a.Select, a.Summary, a.Ul:
		if !p.elementInScope(defaultScope, at) {
			return true
		}
		p.generateImpliedEndTags(0)
		p.popUntil(defaultScope, at)
	case a.Form:
		node := p.form
		p.form = -1
		i := p.inScope(defaultScope, a.Form)
		if node < 0 || i == -1 || p.oe[i].rec != node {
			return true
		}
		p.generateImpliedEndTags(0)
		if p.top().rec != node {
			// Parse takes the form off the stack from under the
			// elements still open in it.
			p.bail = true
			return true
		}
		p.pop()
	case a.P:
		if !p.elementInScope(buttonScope, a.P) {
			p.implied(html.StartTagToken, a.P)
		}
		p.popUntil(buttonScope, a.P)
	case a.Li:
		p.popUntil(listItemScope, a.Li)
	case a.Dd, a.Dt:
		p.popUntil(defaultScope, at)
	case a.H1, a.H2, a.H3, a.H4, a.H5, a.H6:
		p.popUntil(defaultScope, a.H1, a.H2, a.H3, a.H4, a.H5, a.H6)
	case a.A, a.B, a.Big, a.Code, a.Em, a.Font, a.I, a.Nobr, a.S, a.Small, a.Strike, a.Strong, a.Tt, a.U:
		p.endTagFormatting(at)
	case a.Applet, a.Marquee, a.Object:
		if p.popUntil(defaultScope, at) {
			p.clearActiveFormattingElements()
		}
	case a.Br:
		p.tok.typ = html.StartTagToken
		return false
	case a.Template:
		// No template is open: ignored.
	default:
		p.endTagOther(at, p.tok.name)
	}
	return true
}

// endTagFormatting is the adoption agency algorithm where it only pops:
// the formatting element is closed with nothing special inside it.
func (p *streamParser) endTagFormatting(at a.Atom) {
	if cur := p.top(); cur.atom == at && p.afeIndex(cur.rec) == -1 {
		p.pop()
		return
	}
	fe := int32(-1)
	for j := len(p.afe) - 1; j >= 0 && p.afe[j] >= 0; j-- {
		if p.log.recs[p.afe[j]].atom == at {
			fe = p.afe[j]
			break
		}
	}
	if fe < 0 {
		p.endTagOther(at, "")
		return
	}
	feIndex := -1
	for i := len(p.oe) - 1; i >= 0; i-- {
		if p.oe[i].rec == fe {
			feIndex = i
			break
		}
	}
	if feIndex == -1 {
		p.afeRemove(fe)
		return
	}
	if !p.elementInScope(defaultScope, at) {
		return
	}
	for _, e := range p.oe[feIndex:] {
		if special(e.atom) {
			// A block inside the formatting element: the nodes move.
			p.bail = true
			return
		}
	}
	p.popTo(feIndex)
	p.afeRemove(fe)
}

// endTagOther closes the nearest element of the tag, unless a special
// element comes first.
func (p *streamParser) endTagOther(at a.Atom, name string) {
	for i := len(p.oe) - 1; i >= 0; i-- {
		if e := p.oe[i]; e.atom == at && (at != 0 || e.name == name) {
			p.popTo(i)
			return
		}
		if special(p.oe[i].atom) {
			return
		}
	}
}

func (p *streamParser) inTableIM() bool {
	switch p.tok.typ {
	case html.TextToken:
		switch p.topAtom() {
		case a.Table, a.Tbody, a.Tfoot, a.Thead, a.Tr:
			if len(bytes.Trim(p.tok.data, whitespace)) == 0 {
				p.addText(p.tok.data)
				return true
			}
		}
	case html.StartTagToken:
		switch p.tok.atom {
		case a.Caption:
			p.clearStackToContext(a.Table)
			p.afe = append(p.afe, -1)
			p.addElement()
			p.im = imInCaption
			return true
		case a.Colgroup:
			p.clearStackToContext(a.Table)
			p.addElement()
			p.im = imInColumnGroup
			return true
		case a.Col:
			p.implied(html.StartTagToken, a.Colgroup)
			return false
		case a.Tbody, a.Tfoot, a.Thead:
			p.clearStackToContext(a.Table)
			p.addElement()
			p.im = imInTableBody
			return true
		case a.Td, a.Th, a.Tr:
			p.implied(html.StartTagToken, a.Tbody)
			return false
		case a.Style, a.Script, a.Template:
			return p.inHeadIM()
		case a.Input:
			if p.tok.typeHidden {
				p.addVoid()
				return true
			}
		case a.Form:
			if p.form >= 0 {
				return true
			}
			// An empty form in the table (Parse then ignores the tag in
			// the body, the form pointer being set).
			if p.addElement(); !p.bail {
				p.form = p.top().rec
				p.pop()
			}
			return true
		}
	case html.EndTagToken:
		switch p.tok.atom {
		case a.Table:
			if p.popUntil(tableScope, a.Table) {
				p.resetInsertionMode()
			}
			return true
		case a.Body, a.Caption, a.Col, a.Colgroup, a.Html, a.Tbody, a.Td, a.Tfoot, a.Th, a.Thead, a.Tr, a.Template:
			return true
		}
	case html.CommentToken:
		p.addComment()
		return true
	case html.DoctypeToken:
		return true
	case html.ErrorToken:
		return p.inBodyIM()
	}
	// Text or a tag out of place in a table (a nested table outside a
	// cell among them): "in body" with foster parenting, which bails at
	// the first node it would insert.
	p.foster = true
	consumed := p.inBodyIM()
	p.foster = false
	return consumed
}

func (p *streamParser) inCaptionIM() bool {
	switch p.tok.typ {
	case html.StartTagToken:
		switch p.tok.atom {
		case a.Caption, a.Col, a.Colgroup, a.Tbody, a.Td, a.Tfoot, a.Thead, a.Tr:
			if !p.popUntil(tableScope, a.Caption) {
				return true
			}
			p.clearActiveFormattingElements()
			p.im = imInTable
			return false
		}
	case html.EndTagToken:
		switch p.tok.atom {
		case a.Caption:
			if p.popUntil(tableScope, a.Caption) {
				p.clearActiveFormattingElements()
				p.im = imInTable
			}
			return true
		case a.Table:
			if !p.popUntil(tableScope, a.Caption) {
				return true
			}
			p.clearActiveFormattingElements()
			p.im = imInTable
			return false
		case a.Body, a.Col, a.Colgroup, a.Html, a.Tbody, a.Td, a.Tfoot, a.Th, a.Thead, a.Tr:
			return true
		}
	}
	return p.inBodyIM()
}

func (p *streamParser) inColumnGroupIM() bool {
	switch p.tok.typ {
	case html.TextToken:
		if p.leadingSpace() {
			return true
		}
	case html.CommentToken:
		p.addComment()
		return true
	case html.DoctypeToken:
		return true
	case html.StartTagToken:
		switch p.tok.atom {
		case a.Html:
			return p.inBodyIM()
		case a.Col:
			p.addVoid()
			return true
		case a.Template:
			p.bail = true
			return true
		}
	case html.EndTagToken:
		switch p.tok.atom {
		case a.Colgroup:
			if p.topAtom() == a.Colgroup {
				p.pop()
				p.im = imInTable
			}
			return true
		case a.Col, a.Template:
			return true
		}
	case html.ErrorToken:
		return p.inBodyIM()
	}
	if p.topAtom() != a.Colgroup {
		return true
	}
	p.pop()
	p.im = imInTable
	return false
}

func (p *streamParser) inTableBodyIM() bool {
	switch p.tok.typ {
	case html.StartTagToken:
		switch p.tok.atom {
		case a.Tr:
			p.clearStackToContext(a.Tbody)
			p.addElement()
			p.im = imInRow
			return true
		case a.Td, a.Th:
			p.implied(html.StartTagToken, a.Tr)
			return false
		case a.Caption, a.Col, a.Colgroup, a.Tbody, a.Tfoot, a.Thead:
			if p.popUntil(tableScope, a.Tbody, a.Thead, a.Tfoot) {
				p.im = imInTable
				return false
			}
			return true
		}
	case html.EndTagToken:
		switch p.tok.atom {
		case a.Tbody, a.Tfoot, a.Thead:
			if p.elementInScope(tableScope, p.tok.atom) {
				p.clearStackToContext(a.Tbody)
				p.pop()
				p.im = imInTable
			}
			return true
		case a.Table:
			if p.popUntil(tableScope, a.Tbody, a.Thead, a.Tfoot) {
				p.im = imInTable
				return false
			}
			return true
		case a.Body, a.Caption, a.Col, a.Colgroup, a.Html, a.Td, a.Th, a.Tr:
			return true
		}
	case html.CommentToken:
		p.addComment()
		return true
	}
	return p.inTableIM()
}

func (p *streamParser) inRowIM() bool {
	switch p.tok.typ {
	case html.StartTagToken:
		switch p.tok.atom {
		case a.Td, a.Th:
			p.clearStackToContext(a.Tr)
			p.addElement()
			p.afe = append(p.afe, -1)
			p.im = imInCell
			return true
		case a.Caption, a.Col, a.Colgroup, a.Tbody, a.Tfoot, a.Thead, a.Tr:
			if p.elementInScope(tableScope, a.Tr) {
				p.clearStackToContext(a.Tr)
				p.pop()
				p.im = imInTableBody
				return false
			}
			return true
		}
	case html.EndTagToken:
		switch p.tok.atom {
		case a.Tr, a.Table:
			if p.elementInScope(tableScope, a.Tr) {
				p.clearStackToContext(a.Tr)
				p.pop()
				p.im = imInTableBody
				return p.tok.atom == a.Tr
			}
			return true
		case a.Tbody, a.Tfoot, a.Thead:
			if p.elementInScope(tableScope, p.tok.atom) && p.elementInScope(tableScope, a.Tr) {
				p.clearStackToContext(a.Tr)
				p.pop()
				p.im = imInTableBody
				return false
			}
			return true
		case a.Body, a.Caption, a.Col, a.Colgroup, a.Html, a.Td, a.Th:
			return true
		}
	}
	return p.inTableIM()
}

func (p *streamParser) inCellIM() bool {
	switch p.tok.typ {
	case html.StartTagToken:
		switch p.tok.atom {
		case a.Caption, a.Col, a.Colgroup, a.Tbody, a.Td, a.Tfoot, a.Th, a.Thead, a.Tr:
			if p.popUntil(tableScope, a.Td, a.Th) {
				p.clearActiveFormattingElements()
				p.im = imInRow
				return false
			}
			return true
		}
	case html.EndTagToken:
		switch p.tok.atom {
		case a.Td, a.Th:
			if !p.popUntil(tableScope, p.tok.atom) {
				return true
			}
			p.clearActiveFormattingElements()
			p.im = imInRow
			return true
		case a.Body, a.Caption, a.Col, a.Colgroup, a.Html:
			return true
		case a.Table, a.Tbody, a.Tfoot, a.Thead, a.Tr:
			if !p.elementInScope(tableScope, p.tok.atom) {
				return true
			}
			if p.popUntil(tableScope, a.Td, a.Th) {
				p.clearActiveFormattingElements()
			}
			p.im = imInRow
			return false
		}
	}
	return p.inBodyIM()
}

func (p *streamParser) afterBodyIM() bool {
	switch p.tok.typ {
	case html.ErrorToken:
		return true
	case html.TextToken:
		if len(trimLeftSpace(p.tok.data)) == 0 {
			return p.inBodyIM()
		}
	case html.StartTagToken:
		if p.tok.atom == a.Html {
			return p.inBodyIM()
		}
	case html.EndTagToken:
		if p.tok.atom == a.Html {
			p.im = imAfterAfterBody
			return true
		}
	case html.CommentToken:
		// Attached to the html element: nothing read follows it.
		return true
	}
	p.im = imInBody
	return false
}

func (p *streamParser) afterAfterBodyIM() bool {
	switch p.tok.typ {
	case html.ErrorToken:
		return true
	case html.TextToken:
		if len(trimLeftSpace(p.tok.data)) == 0 {
			return p.inBodyIM()
		}
	case html.StartTagToken:
		if p.tok.atom == a.Html {
			return p.inBodyIM()
		}
	case html.CommentToken:
		return true
	case html.DoctypeToken:
		return p.inBodyIM()
	}
	p.im = imInBody
	return false
}

// addForeign inserts an SVG or MathML element; <x/> closes it at once.
func (p *streamParser) addForeign() {
	if p.addElement(); p.bail {
		return
	}
	p.top().foreign = true
	if p.tok.selfClosing {
		p.pop()
	}
}

// foreignContent is Parse's parseForeignContent (section 13.2.6.5) for
// SVG and MathML that hold only their own elements: an HTML tag that
// breaks out of them, an integration point (where HTML rules come back:
// svg desc, foreignObject and title, MathML's mi, mo, mn, ms, mtext and
// annotation-xml), or an end tag that is not the current element's
// bails. Inside them a style or script is not raw text.
func (p *streamParser) foreignContent() bool {
	switch p.tok.typ {
	case html.TextToken:
		p.addText(p.tok.data)
	case html.CommentToken:
		p.addComment()
	case html.StartTagToken:
		name := p.tok.name
		if p.tok.atom != 0 {
			name = p.tok.atom.String()
		}
		switch name {
		case "b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl", "dt", "em", "embed",
			"h1", "h2", "h3", "h4", "h5", "h6", "head", "hr", "i", "img", "li", "listing", "menu", "meta", "nobr",
			"ol", "p", "pre", "ruby", "s", "small", "span", "strong", "strike", "sub", "sup", "table", "tt", "u",
			"ul", "var", "font",
			"desc", "foreignobject", "title", "mi", "mo", "mn", "ms", "mtext", "annotation-xml":
			p.bail = true
			return true
		}
		p.addForeign()
		p.z.NextIsNotRawText()
	case html.EndTagToken:
		t := p.top()
		if t.atom != p.tok.atom || t.name != p.tok.name {
			p.bail = true
			return true
		}
		p.pop()
	}
	return true
}

// doctypeQuirks says whether Parse reads a page with this doctype token in
// quirks mode: whether the table of "<p><table>" after it lands in the p.
// (Parse's doctype rules — public and system identifiers, some fifty
// quirky prefixes — are not copied: Parse is asked, once a page, on a few
// bytes.)
func doctypeQuirks(doctype []byte) bool {
	root, err := html.Parse(strings.NewReader(string(doctype) + "<p><table>"))
	if err != nil {
		return false
	}
	var tables []*html.Node
	findAll(root, a.Table, &tables)
	return len(tables) == 1 && tables[0].Parent.DataAtom == a.P
}

// special is html's isSpecialElement for HTML elements.
func special(at a.Atom) bool {
	switch at {
	case a.Address, a.Applet, a.Area, a.Article, a.Aside, a.Base, a.Basefont, a.Bgsound, a.Blockquote,
		a.Body, a.Br, a.Button, a.Caption, a.Center, a.Col, a.Colgroup, a.Dd, a.Details, a.Dir, a.Div,
		a.Dl, a.Dt, a.Embed, a.Fieldset, a.Figcaption, a.Figure, a.Footer, a.Form, a.Frame, a.Frameset,
		a.H1, a.H2, a.H3, a.H4, a.H5, a.H6, a.Head, a.Header, a.Hgroup, a.Hr, a.Html, a.Iframe, a.Img,
		a.Input, a.Keygen, a.Li, a.Link, a.Listing, a.Main, a.Marquee, a.Menu, a.Meta, a.Nav, a.Noembed,
		a.Noframes, a.Noscript, a.Object, a.Ol, a.P, a.Param, a.Plaintext, a.Pre, a.Script, a.Section,
		a.Select, a.Source, a.Style, a.Summary, a.Table, a.Tbody, a.Td, a.Template, a.Textarea, a.Tfoot,
		a.Th, a.Thead, a.Title, a.Tr, a.Track, a.Ul, a.Wbr, a.Xmp:
		return true
	}
	return false
}
