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

	sst     []string // the shared strings as excelize gives them, if fastSST read them
	sstRead bool
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
//
// The strings themselves are read by the fast reader's fastSST where it
// can (kept in the scan for it, their lengths those counted here);
// encoding/xml counts them where it declines.
func sharedStringLengths(f *zip.File, lim Limits, scan *xlsxScan) ([]int64, error) {
	buf, err := inflate(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w (%w)", f.Name, err, ErrCorruptZip)
	}
	scan.keep(f.Name, buf)
	if strs, err := fastSST(buf.Bytes()); err == nil {
		lens := make([]int64, len(strs))
		for i, s := range strs {
			if lens[i] = int64(len(s)); lens[i] > lim.TextBytes {
				return nil, over(lim, "text_bytes", "Excel 共享字符串")
			}
		}
		scan.sst, scan.sstRead = strs, true
		return lens, nil
	}
	return sharedStringLengthsXML(f.Name, buf.Bytes(), lim)
}

// sharedStringLengthsXML counts the shared strings' lengths with
// encoding/xml's tokens.
func sharedStringLengthsXML(name string, part []byte, lim Limits) ([]int64, error) {
	dec := xml.NewDecoder(bytes.NewReader(part))
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
			return nil, fmt.Errorf("%s: %w (%w)", name, err, ErrCorruptZip)
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
	// The strict scanner first (a fifth of encoding/xml's time); where it
	// declines, the part is summed again from the start by encoding/xml.
	before := *total
	if ok, err := sumCellTextFast(part, sst, total, lim, scan); ok || err != nil {
		return err
	}
	*total = before
	return sumCellTextXML(part, sst, total, lim, scan)
}

// cellSum is the state of summing one part's cell text, fed the part's
// tokens by encoding/xml (sumCellTextXML) or the strict scanner
// (sumCellTextFast), which give the same tokens where the scanner reads.
type cellSum struct {
	sst                        []int64
	total                      *int64
	scan                       *xlsxScan
	inC, inV, inIS, inT, inRPh bool
	shared                     bool
	index                      []byte
	depth                      int
	parent                     string // local name of the element at depth 2
}

func newCellSum(sst []int64, total *int64, scan *xlsxScan) *cellSum {
	scan.merges, scan.complete = scan.merges[:0], false
	return &cellSum{sst: sst, total: total, scan: scan}
}

// start is a start tag of that local name; shared tells whether an
// attribute of local name t is "s" (read for a c only), ref the last
// attribute of local name ref ("" if none; read for a mergeCell only).
func (s *cellSum) start(local string, shared bool, ref string) {
	if s.depth++; s.depth == 2 {
		s.parent = local
	}
	if s.depth == 3 && s.parent == "mergeCells" && local == "mergeCell" {
		// As excelize unmarshals it: the last ref attribute wins, none is
		// an empty ref.
		s.scan.merges = append(s.scan.merges, ref)
	}
	switch local {
	case "c":
		s.inC, s.shared = true, shared
	case "v":
		s.inV, s.index = s.inC, s.index[:0]
	case "is":
		s.inIS = s.inC
	case "t":
		s.inT = s.inIS
	case "rPh":
		s.inRPh = true
	}
}

func (s *cellSum) end(local string) {
	s.depth--
	switch local {
	case "c":
		s.inC, s.inIS = false, false
	case "v":
		if s.inV && s.shared {
			if i, err := strconv.Atoi(strings.TrimSpace(string(s.index))); err == nil && i >= 0 && i < len(s.sst) {
				*s.total += s.sst[i]
			}
		}
		s.inV = false
	case "t":
		s.inT = false
	case "rPh":
		s.inRPh = false
	}
}

// wantsText tells whether character data now counts.
func (s *cellSum) wantsText() bool { return s.inV || s.inT && !s.inRPh }

func (s *cellSum) text(t []byte) {
	switch {
	case s.inV && s.shared:
		if len(s.index) < 32 {
			s.index = append(s.index, t[:min(len(t), 32)]...)
		}
	case s.inV, s.inT && !s.inRPh:
		*s.total += int64(len(t))
	}
}

// sumCellTextXML sums a part's cell text with encoding/xml's tokens.
func sumCellTextXML(part []byte, sst []int64, total *int64, lim Limits, scan *xlsxScan) error {
	dec := xml.NewDecoder(bytes.NewReader(part))
	s := newCellSum(sst, total, scan)
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
			shared, ref := false, ""
			for _, a := range t.Attr {
				shared = shared || a.Name.Local == "t" && a.Value == "s"
				if a.Name.Local == "ref" {
					ref = a.Value
				}
			}
			s.start(t.Name.Local, shared, ref)
		case xml.EndElement:
			s.end(t.Name.Local)
		case xml.CharData:
			s.text(t)
		}
		if *total > lim.TextBytes {
			return over(lim, "text_bytes", "Excel 单元格")
		}
	}
}

// sumCellTextFast sums a part's cell text with the strict scanner's
// tokens; ok is false where the scanner declines the part (its sum and
// merges are then to be redone by sumCellTextXML).
func sumCellTextFast(part []byte, sst []int64, total *int64, lim Limits, scan *xlsxScan) (ok bool, err error) {
	lx, err := newXLex(part)
	if err != nil {
		return false, nil
	}
	s := newCellSum(sst, total, scan)
	var dec []byte
	for {
		tok, err := lx.next()
		if err != nil {
			return false, nil
		}
		switch tok {
		case xEOF:
			scan.complete = true
			return true, nil
		case xStart:
			if lx.checkAttrs() != nil {
				return false, nil
			}
			local := cellSumName(localName(lx.name))
			shared, ref := false, ""
			switch local {
			case "c":
				for _, a := range lx.attrs {
					shared = shared || string(localName(a.name)) == "t" && attrValue(a.raw) == "s"
				}
			case "mergeCell":
				for _, a := range lx.attrs {
					if string(localName(a.name)) == "ref" {
						ref = attrValue(a.raw)
					}
				}
			}
			s.start(local, shared, ref)
		case xEnd:
			s.end(cellSumName(localName(lx.name)))
		case xText:
			if !s.wantsText() && bytes.IndexByte(lx.text, '&') < 0 {
				continue
			}
			if dec, err = xmlUnescape(lx.text, dec[:0]); err != nil {
				return false, nil
			}
			s.text(dec)
		}
		if *total > lim.TextBytes {
			return true, over(lim, "text_bytes", "Excel 单元格")
		}
	}
}

// cellSumName is a local name as cellSum tells names apart: its own
// names, any other as "" (a string of every name was most of the
// scanner's allocation).
func cellSumName(local []byte) string {
	switch string(local) {
	case "c":
		return "c"
	case "v":
		return "v"
	case "is":
		return "is"
	case "t":
		return "t"
	case "rPh":
		return "rPh"
	case "mergeCells":
		return "mergeCells"
	case "mergeCell":
		return "mergeCell"
	}
	return ""
}

// attrValue is an attribute value the scanner has checked decodes.
func attrValue(raw []byte) string {
	v, _ := xmlString(raw)
	return v
}
