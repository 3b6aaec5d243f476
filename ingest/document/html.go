package document

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"nianbao/report"
)

// Elements whose content is never shown as report text.
var htmlDropped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Iframe: true, atom.Svg: true, atom.Nav: true, atom.Select: true,
	atom.Button: true, atom.Input: true, atom.Textarea: true, atom.Object: true,
	atom.Head: true, atom.Math: true,
}

// Elements that end a paragraph of prose.
var htmlBlock = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.H1: true, atom.H2: true, atom.H3: true,
	atom.H4: true, atom.H5: true, atom.H6: true, atom.Li: true, atom.Ul: true,
	atom.Ol: true, atom.Dl: true, atom.Dt: true, atom.Dd: true, atom.Section: true,
	atom.Article: true, atom.Header: true, atom.Footer: true, atom.Main: true,
	atom.Aside: true, atom.Blockquote: true, atom.Pre: true, atom.Hr: true,
	atom.Br: true, atom.Table: true, atom.Tr: true, atom.Td: true, atom.Th: true,
	atom.Caption: true, atom.Form: true, atom.Center: true, atom.Address: true,
	atom.Figure: true, atom.Figcaption: true, atom.Body: true, atom.Html: true,
}

var hiddenStyle = regexp.MustCompile(`(?i)display\s*:\s*none|visibility\s*:\s*hidden`)

// htmlReader walks an HTML page in document order, emitting prose
// paragraphs and data tables.
type htmlReader struct {
	b      builder
	para   strings.Builder
	tables int
	lim    Limits
	err    error // the first limit the page went over
	text   int64 // bytes of text read so far
}

// addText counts n bytes of text read, stopping the walk past TextBytes:
// named references decode to more bytes than they take (&nGt; is 5
// bytes, ≫⃒ is 6), so a page under the limit as sent may be over it as
// text, and is refused as it is read rather than once joined.
func (r *htmlReader) addText(n int) bool {
	if r.text += int64(n); r.text > r.lim.TextBytes && r.err == nil {
		r.err = over(r.lim, "text_bytes", "网页正文")
	}
	return r.err == nil
}

// readHTML reads a page by the line reader (html_lines.go), or by its
// tree where the line reader gives it up.
func readHTML(rc *readCtx, text string) (*Document, error) {
	if doc, ok, err := readHTMLLines(rc, text); ok {
		return doc, err
	}
	return readHTMLTree(rc, text)
}

// readHTMLTree reads a page from the tree html.Parse makes of it.
func readHTMLTree(rc *readCtx, text string) (*Document, error) {
	root, err := html.Parse(strings.NewReader(text))
	if err != nil {
		return nil, fmt.Errorf("html.Parse: %w", err)
	}
	if err := rc.ctx.Err(); err != nil {
		return nil, err
	}
	r := &htmlReader{lim: rc.lim}
	r.flow(root)
	r.flush()
	if r.err != nil {
		return nil, r.err
	}
	doc := &Document{Format: FormatHTML, Text: r.b.text(), Origins: r.b.origins}
	doc.PublishedOn = FindPublishedOn(doc.Text)
	if doc.PublishedOn == "" {
		doc.PublishedOn = metaPublished(root)
	}
	if title := htmlTitle(root); title != "" && !strings.Contains(doc.Text, title) {
		// A saved page whose body lacks the title: keep it as the first line,
		// since it usually names the agency and the year.
		doc.Text = title + "\n" + doc.Text
		doc.Origins = append([]Origin{{}}, doc.Origins...)
	}
	return doc, nil
}

func (r *htmlReader) flush() {
	if p := joinText(r.para.String()); p != "" {
		r.b.add(p, Origin{})
	}
	r.para.Reset()
}

func hidden(n *html.Node) bool {
	for _, a := range n.Attr {
		if (a.Key == "style" && hiddenStyle.MatchString(a.Val)) || a.Key == "hidden" {
			return true
		}
	}
	return false
}

// flow reads a node as running content.
func (r *htmlReader) flow(n *html.Node) {
	if r.err != nil {
		return
	}
	switch n.Type {
	case html.TextNode:
		if !r.addText(len(n.Data)) {
			return
		}
		r.para.WriteString(n.Data)
		return
	case html.ElementNode:
		if htmlDropped[n.DataAtom] || hidden(n) {
			return
		}
		if n.DataAtom == atom.Table {
			r.flush()
			if containsTable(n) {
				// A layout table: its cells hold prose and the real tables.
				r.children(n, true)
			} else {
				r.table(n)
			}
			r.flush()
			return
		}
		block := htmlBlock[n.DataAtom]
		if block {
			r.flush()
		}
		r.children(n, block)
		if block {
			r.flush()
		}
		return
	}
	r.children(n, false)
}

func (r *htmlReader) children(n *html.Node, block bool) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		r.flow(c)
		if block && c.Type == html.ElementNode && (c.DataAtom == atom.Td || c.DataAtom == atom.Th) {
			r.flush()
		}
	}
}

func containsTable(t *html.Node) bool {
	found := false
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil && !found; c = c.NextSibling {
			if c.Type == html.ElementNode && c.DataAtom == atom.Table {
				found = true
				return
			}
			walk(c)
		}
	}
	walk(t)
	return found
}

// table renders a table that holds no other table as grid rows.
func (r *htmlReader) table(t *html.Node) {
	var rows []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode || htmlDropped[c.DataAtom] || hidden(c) {
				continue
			}
			switch c.DataAtom {
			case atom.Tr:
				rows = append(rows, c)
			case atom.Caption:
				if t := nodeText(c); r.addText(len(t)) {
					r.para.WriteString(t)
				}
				r.flush()
			default:
				walk(c)
			}
		}
	}
	walk(t)
	if r.err != nil {
		return
	}
	var (
		cells []gridCell
		p     placer
	)
	// The grid may hold at most GridCells cells: the width any row reaches
	// times the number of rows. A rowspan reaches no further than the last
	// row and a colspan no further than Span, as browsers clamp them.
	maxWidth := max(int(r.lim.GridCells/int64(max(len(rows), 1))), 1)
	span := int(r.lim.Span)
	for i, tr := range rows {
		for c := tr.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode || (c.DataAtom != atom.Td && c.DataAtom != atom.Th) || hidden(c) {
				continue
			}
			col := p.place(i+1, min(spanAttr(c, "colspan"), span), min(spanAttr(c, "rowspan"), len(rows)-i))
			if p.width() > maxWidth {
				r.err = over(r.lim, "grid_cells", fmt.Sprintf("第 %d 个表格", r.tables+1))
				return
			}
			text := nodeText(c)
			if !r.addText(len(text)) {
				return
			}
			cells = append(cells, gridCell{Row: i + 1, Col: col, Text: text})
		}
	}
	if len(cells) == 0 {
		return
	}
	r.tables++
	r.b.addGrid(cells, r.tables, 0)
}

func spanAttr(n *html.Node, key string) int {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			v, err := strconv.Atoi(strings.TrimSpace(a.Val))
			if err != nil || v < 1 {
				return 1
			}
			return v
		}
	}
	return 1
}

// nodeText is the visible text of a node, whitespace collapsed.
func nodeText(n *html.Node) string {
	var sb strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				sb.WriteString(c.Data)
			case html.ElementNode:
				if htmlDropped[c.DataAtom] || hidden(c) {
					continue
				}
				if htmlBlock[c.DataAtom] {
					sb.WriteByte(' ')
				}
				walk(c)
				if htmlBlock[c.DataAtom] {
					sb.WriteByte(' ')
				}
			}
		}
	}
	walk(n)
	return joinText(sb.String())
}

func findAll(n *html.Node, a atom.Atom, out *[]*html.Node) {
	if n.Type == html.ElementNode && n.DataAtom == a {
		*out = append(*out, n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		findAll(c, a, out)
	}
}

func htmlTitle(root *html.Node) string {
	var ts []*html.Node
	findAll(root, atom.Title, &ts)
	if len(ts) == 0 {
		return ""
	}
	return nodeText(ts[0])
}

// metaPublished reads the publication date CMS pages put in meta tags
// (PubDate, publishdate, firstpublishedtime …).
func metaPublished(root *html.Node) string {
	var metas []*html.Node
	findAll(root, atom.Meta, &metas)
	for _, m := range metas {
		var name, content string
		for _, a := range m.Attr {
			switch strings.ToLower(a.Key) {
			case "name", "property", "itemprop":
				name = strings.ToLower(a.Val)
			case "content":
				content = a.Val
			}
		}
		switch name {
		case "pubdate", "publishdate", "firstpublishedtime", "articlepublishdate", "article:published_time", "datepublished":
			if d := report.FindDate(content); d != "" {
				return d
			}
		}
	}
	return ""
}
