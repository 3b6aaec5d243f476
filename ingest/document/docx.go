package document

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// readZip opens an Office Open XML package and reads it as .docx or .xlsx,
// by its content first and its extension second.
func readZip(rc *readCtx, data []byte, ext string) (*Document, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%w (%v)", ErrCorruptZip, err)
	}
	if err := checkZipSizes(zr, rc.lim); err != nil {
		return nil, err
	}
	has := func(name string) bool {
		for _, f := range zr.File {
			if f.Name == name {
				return true
			}
		}
		return false
	}
	switch {
	case has("word/document.xml"):
		return readDOCX(rc, zr)
	case has("xl/workbook.xml"):
		scan, err := checkCellText(rc, zr)
		if err != nil {
			return nil, err
		}
		return readXLSX(rc, data, scan)
	case ext == ".docx" || ext == ".xlsx":
		return nil, fmt.Errorf("zip 压缩包中没有 word/document.xml 或 xl/workbook.xml: %w", ErrCorruptZip)
	}
	return nil, fmt.Errorf("zip 压缩包不是 .docx 或 .xlsx: %w", ErrUnsupported)
}

// checkZipSizes refuses a package whose members declare more inflated
// bytes than the limits allow. archive/zip fails a member that inflates to
// more than it declares, so the declared sizes bound the real ones.
func checkZipSizes(zr *zip.Reader, lim Limits) error {
	var total uint64
	for _, f := range zr.File {
		if f.UncompressedSize64 > uint64(lim.ZipMemberBytes) {
			return over(lim, "zip_member_bytes", "压缩包成员 "+f.Name)
		}
		total += f.UncompressedSize64
		if total > uint64(lim.ZipTotalBytes) {
			return over(lim, "zip_total_bytes", "")
		}
	}
	return nil
}

// xnode is an element of word/document.xml, kept with local names only.
type xnode struct {
	name     string
	attrs    []xml.Attr // as the decoder gave them; attr reads them by local name
	children []*xnode
	text     []byte // character data of w:t, appended (a += on strings was quadratic in the pieces of one node)
	hasTbl   bool   // a w:tbl is among the descendants (set while parsing: asking each table again was quadratic in nesting)
}

// attr is the value of the attribute of that local name ("" if none; the
// last one if it is given twice).
func (n *xnode) attr(local string) string {
	for i := len(n.attrs) - 1; i >= 0; i-- {
		if n.attrs[i].Name.Local == local {
			return n.attrs[i].Value
		}
	}
	return ""
}

// xmlKept are the element names the readers of the tree look at (by name,
// by position among their parent's children, or for their text or
// attributes): docxReader.flow, paraText, table, rowCells, imageRefs and
// docxRels. Any other element is transparent to them all, so one without
// children is not kept: most of a Word body is such leaves (w:rFonts,
// w:sz, w:jc … of the run and paragraph properties).
var xmlKept = map[string]bool{
	"t": true, "tab": true, "br": true, "cr": true, "p": true, "tbl": true, "tr": true, "tc": true,
	"sdt": true, "sdtContent": true, "customXml": true, "trPr": true, "tcPr": true, "tblPr": true,
	"gridBefore": true, "gridSpan": true, "vMerge": true, "hMerge": true, "blip": true, "imagedata": true,
	"Fallback": true, "del": true, "pPr": true, "rPr": true, "instrText": true, "sectPr": true,
	"Relationship": true,
}

// nodeSlab hands out tree nodes a chunk at a time: a Word body has tens of
// thousands of elements, and one allocation each was a third of reading it.
type nodeSlab struct {
	chunk []xnode
	next  int // chunk[next] is the next node handed out
}

func (s *nodeSlab) get() *xnode {
	if s.next == len(s.chunk) {
		s.chunk, s.next = make([]xnode, 256), 0
	}
	s.next++
	return &s.chunk[s.next-1]
}

// put takes back n if it is the node get gave last, cleared: a leaf the
// tree drops as it closes is always that node (anything opened after it
// was its child, and was dropped, and taken back, before it). Most of a
// Word body's elements are such leaves, so their nodes were most of the
// slab's memory.
func (s *nodeSlab) put(n *xnode) {
	if s.next > 0 && &s.chunk[s.next-1] == n {
		*n = xnode{}
		s.next--
	}
}

func (n *xnode) child(name string) *xnode {
	for _, c := range n.children {
		if c.name == name {
			return c
		}
	}
	return nil
}

// parseXML reads an XML part into a tree of at most maxElements elements
// (each costs a few hundred bytes of tree, so the count bounds memory where
// the part's size alone would not) holding at most TextBytes of w:t text:
// a part of 30 MB of text, under the zip limits, is refused as it is
// decoded rather than after it has been joined into paragraphs.
func parseXML(r io.Reader, lim Limits) (*xnode, error) {
	dec := xml.NewDecoder(r)
	root := &xnode{name: "#root"}
	stack := []*xnode{root}
	var elements, text int64
	var slab nodeSlab
	for {
		tok, err := dec.RawToken() // local names suffice; skips namespace work
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if elements++; elements > lim.XMLElements {
				return nil, over(lim, "xml_elements", "")
			}
			n := slab.get()
			n.name, n.attrs = t.Name.Local, t.Attr
			top := stack[len(stack)-1]
			top.children = append(top.children, n)
			stack = append(stack, n)
			if int64(len(stack)) > lim.XMLDepth {
				// The readers walk the tree recursively: a bound on depth
				// is a bound on their stacks.
				return nil, over(lim, "xml_depth", "")
			}
		case xml.EndElement:
			if len(stack) > 1 {
				n, parent := stack[len(stack)-1], stack[len(stack)-2]
				parent.hasTbl = parent.hasTbl || n.hasTbl || n.name == "tbl"
				stack = stack[:len(stack)-1]
				if len(n.children) == 0 && !xmlKept[n.name] {
					// A leaf no reader looks at: it is the last child.
					parent.children = parent.children[:len(parent.children)-1]
					slab.put(n)
				}
			}
		case xml.CharData:
			top := stack[len(stack)-1]
			if top.name == "t" {
				if text += int64(len(t)); text > lim.TextBytes {
					return nil, over(lim, "text_bytes", "Word 正文")
				}
				top.text = append(top.text, t...)
			}
		}
	}
	return root, nil
}

func readDOCX(rc *readCtx, zr *zip.Reader) (*Document, error) {
	f, err := zr.Open("word/document.xml")
	if err != nil {
		return nil, fmt.Errorf("open word/document.xml: %w", err)
	}
	defer f.Close()
	root, err := parseXML(f, rc.lim)
	if err != nil {
		var le *LimitError
		if errors.As(err, &le) {
			return nil, err
		}
		return nil, fmt.Errorf("word/document.xml: %w (%w)", err, ErrCorruptZip)
	}
	if err := rc.ctx.Err(); err != nil {
		return nil, err
	}
	r := &docxReader{lim: rc.lim}
	r.flow(root)
	if r.err != nil {
		return nil, r.err
	}
	if r.picturesOnly() {
		if doc, err := r.ocrImages(rc, zr); err != nil || doc != nil {
			return doc, err
		}
	}
	return &Document{Format: FormatDOCX, Text: r.b.text(), Origins: r.b.origins}, nil
}

type docxReader struct {
	b      builder
	tables int
	lim    Limits
	err    error // the first limit a table went over
	images []docxImage
}

// flow reads body-level content: paragraphs, tables, and the containers
// (content controls, inserted runs) that may hold them.
func (r *docxReader) flow(n *xnode) {
	for _, c := range n.children {
		switch c.name {
		case "p":
			if t := joinText(paraText(c)); t != "" {
				r.b.add(t, Origin{})
			}
			for _, id := range imageRefs(c) {
				// Its lines go after its paragraph's text (ocrImages).
				r.images = append(r.images, docxImage{rid: id, line: len(r.b.lines)})
			}
		case "tbl":
			if c.hasTbl {
				// A layout table: read its cells as running content.
				for _, tr := range c.children {
					for _, tc := range tr.children {
						if tc.name == "tc" {
							r.flow(tc)
						}
					}
				}
				continue
			}
			r.table(c)
		case "sectPr", "tblPr", "tcPr", "trPr", "Fallback":
		default:
			r.flow(c)
		}
	}
}

// paraText joins the runs of a paragraph; a tab or a line break counts as
// a space. Deleted text (w:delText) is not read.
func paraText(p *xnode) string {
	var sb strings.Builder
	var walk func(*xnode)
	walk = func(n *xnode) {
		for _, c := range n.children {
			switch c.name {
			case "t":
				sb.Write(c.text)
			case "tab", "br", "cr":
				sb.WriteByte(' ')
			case "del", "pPr", "rPr", "instrText", "Fallback":
				// Fallback repeats an mc:Choice (a text box for old readers).
			default:
				walk(c)
			}
		}
	}
	walk(p)
	return sb.String()
}

func valInt(n *xnode, def int) int {
	if n == nil {
		return def
	}
	v, err := strconv.Atoi(n.attr("val"))
	if err != nil || v < 1 {
		return def
	}
	return v
}

// table renders a w:tbl: w:gridBefore and w:gridSpan give grid columns;
// a cell with w:vMerge and no "restart" value continues the cell above and
// is not repeated.
func (r *docxReader) table(t *xnode) {
	if r.err != nil {
		return
	}
	var cells []gridCell
	rows := 0
	for _, tr := range t.children {
		if tr.name == "tr" {
			rows++
		}
	}
	// As for HTML: the widest row times the rows may not pass GridCells,
	// and one cell spans at most Span columns.
	maxWidth := max(int(r.lim.GridCells/int64(max(rows, 1))), 1)
	maxSpan := int(r.lim.Span)
	row := 0
	for _, tr := range t.children {
		if tr.name != "tr" {
			continue
		}
		row++
		col := 1
		if pr := tr.child("trPr"); pr != nil {
			col += min(valInt(pr.child("gridBefore"), 0), maxSpan)
		}
		for _, tc := range rowCells(tr) {
			if col > maxWidth {
				r.err = over(r.lim, "grid_cells", fmt.Sprintf("第 %d 个表格", r.tables+1))
				return
			}
			span := 1
			merged := false
			if pr := tc.child("tcPr"); pr != nil {
				span = min(valInt(pr.child("gridSpan"), 1), maxSpan)
				if vm := pr.child("vMerge"); vm != nil && vm.attr("val") != "restart" {
					merged = true
				}
				if hm := pr.child("hMerge"); hm != nil && hm.attr("val") != "restart" {
					merged = true
				}
			}
			if !merged {
				var parts []string
				for _, p := range tc.children {
					if p.name == "p" || p.name == "sdt" {
						parts = append(parts, paraText(p))
					}
				}
				cells = append(cells, gridCell{Row: row, Col: col, Text: joinText(strings.Join(parts, " "))})
			}
			col += span
		}
	}
	if len(cells) == 0 {
		return
	}
	r.tables++
	r.b.addGrid(cells, r.tables, 0)
}

// rowCells returns the w:tc of a row, looking through content controls.
func rowCells(tr *xnode) []*xnode {
	var out []*xnode
	for _, c := range tr.children {
		switch c.name {
		case "tc":
			out = append(out, c)
		case "sdt", "sdtContent", "customXml":
			out = append(out, rowCells(c)...)
		}
	}
	return out
}
