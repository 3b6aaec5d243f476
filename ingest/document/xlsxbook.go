package document

import (
	"bytes"
	"encoding/xml"
	"hash/maphash"
	"io"
	"path/filepath"
	"strings"
	"sync"

	"github.com/xuri/excelize/v2"
)

// Which workbooks the fast reader may read, and where their sheets are.
//
// Before excelize gives a row it opens the package: it reads every member
// and unmarshals the package and workbook relationships, the workbook,
// styles, theme and calculation chain, then, at the first row, the
// content types — and any of those may fail on a workbook the fast
// reader would read. Rather than reproduce all of that, the fast reader
// reads a workbook only if every member but its sheets, shared strings
// and document properties (none of which is read on opening) is byte for
// byte that of a workbook excelize has read whole without error, member
// names included: the outcome of opening is then the same, and so are
// the sheet list and the part each sheet is read from, learnt from that
// workbook. Workbooks written by one program from one template (the
// generator's, a county's template) share those members; a workbook
// unlike any seen is read by excelize, and teaches the next.

// bookSheet is a sheet of a known workbook: its name and its part.
type bookSheet struct{ name, path string }

type bookEntry struct {
	material []byte // the members' names and bytes, as bookMaterial writes them
	sheets   []bookSheet
}

var books struct {
	mu      sync.Mutex
	seed    maphash.Seed
	entries map[uint64][]*bookEntry
	bytes   int // material held
}

// Bounds of what the known workbooks hold: the members compared are 20 to
// 40 KB for a report's workbook, so some hundreds of kinds fit; once full,
// a new kind is read by excelize (no eviction: a stream of distinct
// uploads must not push out the template every county uses).
const (
	maxBookMaterial = 256 << 10
	maxBooksBytes   = 16 << 20
)

func init() {
	books.seed = maphash.MakeSeed()
	books.entries = map[uint64][]*bookEntry{}
}

// bookMaterial writes what decides how excelize opens a workbook: every
// member's name, in order, and the bytes of every member but the sheets,
// the shared strings and the document properties. A member checkCellText
// did not inflate (relationships, pictures, printer settings) is read
// here: excelize reads every member and fails on one it cannot.
func bookMaterial(scan *xlsxScan, dst *bytes.Buffer) error {
	for _, f := range scan.zr.File {
		name := f.Name
		// Names excelize would read differently from the zip's.
		if strings.Contains(name, "\\") ||
			strings.EqualFold(name, sharedStringsPart) && name != sharedStringsPart ||
			strings.EqualFold(name, "[Content_Types].xml") && name != "[Content_Types].xml" {
			return errSlow
		}
		dst.WriteString(name)
		dst.WriteByte(0)
		part := scan.part(name)
		if part == nil {
			// Read even where its bytes do not count (a thumbnail, a
			// sheet's relationships): excelize fails on a member it
			// cannot read.
			buf, err := inflate(f)
			if err != nil {
				return errSlow
			}
			scan.keep(name, buf)
			part = buf.Bytes()
		}
		if strings.HasPrefix(name, "xl/worksheets/") || name == sharedStringsPart || strings.HasPrefix(name, "docProps/") {
			continue
		}
		var n [8]byte
		for i, l := 0, len(part); i < 8; i, l = i+1, l>>8 {
			n[i] = byte(l)
		}
		dst.Write(n[:])
		dst.Write(part)
		if dst.Len() > maxBookMaterial {
			return errSlow
		}
	}
	if scan.dup || bytes.Contains(dst.Bytes(), []byte("purl.oclc.org")) {
		// A name twice (excelize keeps the last member of that name), or
		// the strict namespaces excelize rewrites before it reads.
		return errSlow
	}
	return nil
}

// knownBook is the sheets of the known workbook of that material, or nil.
func knownBook(material []byte) []bookSheet {
	h := maphash.Bytes(books.seed, material)
	books.mu.Lock()
	defer books.mu.Unlock()
	for _, e := range books.entries[h] {
		if bytes.Equal(e.material, material) {
			return e.sheets
		}
	}
	return nil
}

// learnBook remembers a workbook excelize has read whole: f is excelize's
// reading of it, which has given at least one row of every sheet list
// entry it read (so the shared strings and content types were read too).
// Its sheets are found as excelize finds them (getSheetMap,
// getSheetXMLPath), and only kept if that gives excelize's sheet list.
func learnBook(scan *xlsxScan, material []byte, f *excelize.File) {
	if len(material) == 0 {
		return
	}
	sheets, ok := bookSheets(scan)
	list := f.GetSheetList()
	if !ok || len(sheets) != len(list) || len(sheets) == 0 {
		return
	}
	for i, s := range sheets {
		if s.name != list[i] {
			return
		}
	}
	h := maphash.Bytes(books.seed, material)
	books.mu.Lock()
	defer books.mu.Unlock()
	if books.bytes+len(material) > maxBooksBytes {
		return
	}
	for _, e := range books.entries[h] {
		if bytes.Equal(e.material, material) {
			return
		}
	}
	books.entries[h] = append(books.entries[h], &bookEntry{material: bytes.Clone(material), sheets: sheets})
	books.bytes += len(material)
}

// The parts of the workbook's structure as excelize unmarshals them, only
// the fields it uses to find the sheets.
type xmlRels struct {
	XMLName xml.Name `xml:"http://schemas.openxmlformats.org/package/2006/relationships Relationships"`
	Rels    []struct {
		ID     string `xml:"Id,attr"`
		Target string `xml:",attr"`
		Type   string `xml:",attr"`
	} `xml:"Relationship"`
}

type xmlBook struct {
	XMLName xml.Name `xml:"http://schemas.openxmlformats.org/spreadsheetml/2006/main workbook"`
	Sheets  struct {
		Sheet []struct {
			Name string `xml:"name,attr,omitempty"`
			ID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheet"`
	} `xml:"sheets"`
}

const officeDocumentRel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"

func decodePart(part []byte, v any) bool {
	err := xml.NewDecoder(bytes.NewReader(part)).Decode(v)
	return err == nil || err == io.EOF
}

// bookSheets finds each sheet's part as excelize does: the workbook named
// by the package relationships, its relationships, each sheet's r:id
// there, the target resolved against the workbook's directory. ok is
// false where excelize could pick between two (names equal but for case,
// a sheet named twice) or a sheet has no part.
func bookSheets(scan *xlsxScan) ([]bookSheet, bool) {
	var root xmlRels
	if !decodePart(scan.part("_rels/.rels"), &root) {
		return nil, false
	}
	wbPath := ""
	for _, r := range root.Rels {
		if r.Type == officeDocumentRel {
			wbPath = strings.TrimPrefix(r.Target, "/")
			break
		}
	}
	var wb xmlBook
	if wbPath == "" || !decodePart(scan.part(wbPath), &wb) {
		return nil, false
	}
	relsPath := "_rels/" + filepath.Base(wbPath) + ".rels"
	if dir := filepath.Dir(wbPath); dir != "." {
		relsPath = strings.TrimPrefix(dir+"/_rels/"+filepath.Base(wbPath)+".rels", "/")
	}
	var rels xmlRels
	if !decodePart(scan.part(relsPath), &rels) {
		return nil, false
	}
	var out []bookSheet
	for i, s := range wb.Sheets.Sheet {
		for _, prior := range wb.Sheets.Sheet[:i] {
			if strings.EqualFold(prior.Name, s.Name) {
				return nil, false
			}
		}
		path := ""
		for _, r := range rels.Rels {
			if r.ID != s.ID {
				continue
			}
			p := filepath.ToSlash(strings.TrimPrefix(strings.ReplaceAll(filepath.Clean(filepath.Dir(wbPath)+"/"+r.Target), "\\", "/"), "/"))
			if strings.HasPrefix(r.Target, "/") {
				p = filepath.ToSlash(strings.TrimPrefix(strings.ReplaceAll(filepath.Clean(r.Target), "\\", "/"), "/"))
			}
			if scan.part(p) != nil {
				path = p // excelize keeps the last relationship of that id
			}
		}
		if path == "" {
			return nil, false
		}
		out = append(out, bookSheet{s.Name, path})
	}
	return out, true
}
