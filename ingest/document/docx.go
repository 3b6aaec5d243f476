package document

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// readZip opens an Office Open XML package and reads it as .docx or .xlsx,
// by its content first and its extension second.
func readZip(data []byte, ext string) (*Document, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%w (%v)", ErrCorruptZip, err)
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
		return readDOCX(zr)
	case has("xl/workbook.xml"):
		return readXLSX(data)
	case ext == ".docx" || ext == ".xlsx":
		return nil, fmt.Errorf("zip 压缩包中没有 word/document.xml 或 xl/workbook.xml: %w", ErrCorruptZip)
	}
	return nil, fmt.Errorf("zip 压缩包不是 .docx 或 .xlsx: %w", ErrUnsupported)
}

// xnode is an element of word/document.xml, kept with local names only.
type xnode struct {
	name     string
	attrs    map[string]string
	children []*xnode
	text     string // character data of w:t
}

func (n *xnode) child(name string) *xnode {
	for _, c := range n.children {
		if c.name == name {
			return c
		}
	}
	return nil
}

func parseXML(r io.Reader) (*xnode, error) {
	dec := xml.NewDecoder(r)
	root := &xnode{name: "#root"}
	stack := []*xnode{root}
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
			n := &xnode{name: t.Name.Local}
			for _, a := range t.Attr {
				if n.attrs == nil {
					n.attrs = map[string]string{}
				}
				n.attrs[a.Name.Local] = a.Value
			}
			top := stack[len(stack)-1]
			top.children = append(top.children, n)
			stack = append(stack, n)
		case xml.EndElement:
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
		case xml.CharData:
			top := stack[len(stack)-1]
			if top.name == "t" {
				top.text += string(t)
			}
		}
	}
	return root, nil
}

func readDOCX(zr *zip.Reader) (*Document, error) {
	f, err := zr.Open("word/document.xml")
	if err != nil {
		return nil, fmt.Errorf("open word/document.xml: %w", err)
	}
	defer f.Close()
	root, err := parseXML(f)
	if err != nil {
		return nil, fmt.Errorf("word/document.xml: %w (%w)", err, ErrCorruptZip)
	}
	r := &docxReader{}
	r.flow(root)
	return &Document{Format: FormatDOCX, Text: r.b.text(), Origins: r.b.origins}, nil
}

type docxReader struct {
	b      builder
	tables int
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
		case "tbl":
			if hasDescendant(c, "tbl") {
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

func hasDescendant(n *xnode, name string) bool {
	for _, c := range n.children {
		if c.name == name || hasDescendant(c, name) {
			return true
		}
	}
	return false
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
				sb.WriteString(c.text)
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
	v, err := strconv.Atoi(n.attrs["val"])
	if err != nil || v < 1 {
		return def
	}
	return v
}

// table renders a w:tbl: w:gridBefore and w:gridSpan give grid columns;
// a cell with w:vMerge and no "restart" value continues the cell above and
// is not repeated.
func (r *docxReader) table(t *xnode) {
	var cells []gridCell
	row := 0
	for _, tr := range t.children {
		if tr.name != "tr" {
			continue
		}
		row++
		col := 1
		if pr := tr.child("trPr"); pr != nil {
			col += valInt(pr.child("gridBefore"), 0)
		}
		for _, tc := range rowCells(tr) {
			span := 1
			merged := false
			if pr := tc.child("tcPr"); pr != nil {
				span = valInt(pr.child("gridSpan"), 1)
				if vm := pr.child("vMerge"); vm != nil && vm.attrs["val"] != "restart" {
					merged = true
				}
				if hm := pr.child("hMerge"); hm != nil && hm.attrs["val"] != "restart" {
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
