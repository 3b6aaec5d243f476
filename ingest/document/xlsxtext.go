package document

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

// sharedStringsPart is where excelize reads the shared strings from,
// whatever the workbook's relationships say.
const sharedStringsPart = "xl/sharedStrings.xml"

// checkCellText refuses a workbook whose cells would give more than
// TextBytes of text, before excelize gives any of it. A cell names a
// shared string by its index, and excelize copies that string for every
// cell that names it: 29 000 cells naming one 1 MB string are 62 KB on
// the wire and 29 GB of strings (issue 20). So the shared strings are
// measured first (a length each, not their text), then every cell of
// every XML part is summed as excelize would read it; the parts' sizes
// are already bounded by checkZipSizes.
//
// The same pass keeps what it meets of the merged cells (xlsxScan), so
// that a workbook of one sheet is not read a second time for them.
//
// The parts it inflates are kept in the scan for the fast reader
// (xlsxfast.go), which reads them instead of excelize; readXLSX hands
// them back to the pool (xlsxScan.release).
func checkCellText(rc *readCtx, zr *zip.Reader) (*xlsxScan, error) {
	scan := &xlsxScan{zr: zr, parts: make(map[string]*bytes.Buffer, len(zr.File))}
	var sst []int64
	for _, f := range zr.File {
		if f.Name == sharedStringsPart {
			var err error
			if sst, err = sharedStringLengths(f, rc.lim, scan); err != nil {
				scan.release()
				return nil, err
			}
		}
	}
	var total int64
	for _, f := range zr.File {
		if f.Name == sharedStringsPart || !strings.HasSuffix(strings.ToLower(f.Name), ".xml") {
			continue
		}
		if err := rc.ctx.Err(); err != nil {
			scan.release()
			return nil, err
		}
		if err := sumCellText(f, sst, &total, rc.lim, scan); err != nil {
			scan.release()
			return nil, err
		}
	}
	return scan, nil
}

// xlsxScan is what checkCellText saw of the parts holding cells, and the
// parts it inflated.
type xlsxScan struct {
	sheets   int      // parts holding sheetData
	merges   []string // the ref of each worksheet/mergeCells/mergeCell of the last such part, in order
	complete bool     // that part was read to its end as XML

	zr    *zip.Reader
	parts map[string]*bytes.Buffer // member name → its inflated bytes (pooled)
	dup   bool                     // a member name given twice (excelize keeps the last; the fast reader declines)
}

// keep records a member's inflated bytes.
func (s *xlsxScan) keep(name string, b *bytes.Buffer) {
	if old, ok := s.parts[name]; ok {
		s.dup = true
		putPartBuffer(old)
	}
	s.parts[name] = b
}

// part is a member's bytes as inflated, or nil if it was not.
func (s *xlsxScan) part(name string) []byte {
	if b, ok := s.parts[name]; ok {
		if b.Len() == 0 {
			return []byte{} // present, empty
		}
		return b.Bytes()
	}
	return nil
}

// release hands the parts' buffers back to the pool; nothing read from
// them may be used after (strings read from them are copies).
func (s *xlsxScan) release() {
	if s == nil {
		return
	}
	for name, b := range s.parts {
		putPartBuffer(b)
		delete(s.parts, name)
	}
}

// inflate reads a member whole into a pooled buffer.
func inflate(f *zip.File) (*bytes.Buffer, error) {
	rd, err := f.Open()
	if err != nil {
		return nil, err
	}
	buf := partBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	_, err = buf.ReadFrom(rd)
	rd.Close()
	if err != nil {
		putPartBuffer(buf)
		return nil, err
	}
	return buf, nil
}

// sharedStringLengths returns the length in bytes of each shared string
// (<si>): its <t> text, runs included, phonetic runs (<rPh>) not, as
// excelize joins them. A string over TextBytes is refused at once.
func sharedStringLengths(f *zip.File, lim Limits, scan *xlsxScan) ([]int64, error) {
	buf, err := inflate(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w (%w)", f.Name, err, ErrCorruptZip)
	}
	scan.keep(f.Name, buf)
	dec := xml.NewDecoder(bytes.NewReader(buf.Bytes()))
	var (
		lens       []int64
		inT, inRPh bool
		inSI       bool
		cur        int64
	)
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			return lens, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w (%w)", f.Name, err, ErrCorruptZip)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				inSI, cur = true, 0
			case "t":
				inT = inSI
			case "rPh":
				inRPh = true
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				lens = append(lens, cur)
				inSI = false
			case "t":
				inT = false
			case "rPh":
				inRPh = false
			}
		case xml.CharData:
			if inT && !inRPh {
				if cur += int64(len(t)); cur > lim.TextBytes {
					return nil, over(lim, "text_bytes", "Excel 共享字符串")
				}
			}
		}
	}
}

var partBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// putPartBuffer hands a part's buffer back unless it grew past what a
// report's sheet needs, so one huge workbook does not stay in the pool.
func putPartBuffer(b *bytes.Buffer) {
	if b.Cap() <= 4<<20 {
		partBuffers.Put(b)
	}
}

// sumCellText adds to *total the text of the cells (<c>) of one part:
// the shared string a t="s" cell names, the inline string of an
// inlineStr cell, the value of any other.
func sumCellText(f *zip.File, sst []int64, total *int64, lim Limits, scan *xlsxScan) error {
	// Held whole, as excelize holds it (checkZipSizes bounds it): a part
	// with no sheetData (styles, theme, workbook) has no cells, and
	// skipping it unparsed halves the cost of this check. The bytes go in
	// a pooled buffer, kept in the scan for the fast reader: nothing read
	// from the part keeps a slice of them (the decoder copies what it
	// gives), and every part of every workbook was allocated anew.
	buf, err := inflate(f)
	if err != nil {
		return fmt.Errorf("%s: %w (%w)", f.Name, err, ErrCorruptZip)
	}
	scan.keep(f.Name, buf)
	part := buf.Bytes()
	if !bytes.Contains(part, []byte("sheetData")) {
		return nil
	}
	scan.sheets++
	scan.merges, scan.complete = scan.merges[:0], false
	dec := xml.NewDecoder(bytes.NewReader(part))
	var (
		inC, inV, inIS, inT, inRPh bool
		shared                     bool
		index                      []byte
		depth                      int
		parent                     string // local name of the element at depth 2
	)
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			scan.complete = true
			return nil
		}
		if err != nil {
			// Not XML that excelize could read either; it says why.
			return nil
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth++; depth == 2 {
				parent = t.Name.Local
			}
			if depth == 3 && parent == "mergeCells" && t.Name.Local == "mergeCell" {
				// As excelize unmarshals it: the last ref attribute wins,
				// none is an empty ref.
				ref := ""
				for _, a := range t.Attr {
					if a.Name.Local == "ref" {
						ref = a.Value
					}
				}
				scan.merges = append(scan.merges, ref)
			}
			switch t.Name.Local {
			case "c":
				inC, shared = true, false
				for _, a := range t.Attr {
					if a.Name.Local == "t" && a.Value == "s" {
						shared = true
					}
				}
			case "v":
				inV, index = inC, index[:0]
			case "is":
				inIS = inC
			case "t":
				inT = inIS
			case "rPh":
				inRPh = true
			}
		case xml.EndElement:
			depth--
			switch t.Name.Local {
			case "c":
				inC, inIS = false, false
			case "v":
				if inV && shared {
					if i, err := strconv.Atoi(strings.TrimSpace(string(index))); err == nil && i >= 0 && i < len(sst) {
						*total += sst[i]
					}
				}
				inV = false
			case "t":
				inT = false
			case "rPh":
				inRPh = false
			}
		case xml.CharData:
			switch {
			case inV && shared:
				if len(index) < 32 {
					index = append(index, t[:min(len(t), 32)]...)
				}
			case inV, inT && !inRPh:
				*total += int64(len(t))
			}
		}
		if *total > lim.TextBytes {
			return over(lim, "text_bytes", "Excel 单元格")
		}
	}
}
