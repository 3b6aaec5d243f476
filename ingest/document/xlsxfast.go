package document

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// The fast reader of a workbook (issue 25, item 1): the sheet XML and the
// shared strings that checkCellText has already inflated are read in one
// pass each by the strict scanner of xlsxlex.go, giving the rows exactly
// as sheetRowsOf gives them through excelize (Rows, Columns with
// RawCellValue). excelize is the oracle: whatever this reader cannot
// reproduce exactly it declines (errSlow) and readXLSX asks excelize —
// formulas, inline strings, rich text, phonetic runs, `_xHHHH_` escapes,
// booleans, dates, error values, rows without `r` or out of order,
// strict namespaces, comments, CDATA, other encodings.
//
// What excelize does before it gives a row — open the package, unmarshal
// the workbook, its relationships, styles, theme, calculation chain and
// content types, any of which may fail — is not redone: a workbook is
// read fast only when all of those parts are byte for byte those of a
// workbook excelize has already read whole (xlsxbook.go).

// fastRowsOf reads the rows of a sheet part as sheetRowsOf does, with
// the same limits at the same rows.
func fastRowsOf(rc *readCtx, name string, part []byte, sst []string) ([][]string, error) {
	lx, err := newXLex(part)
	if err != nil {
		return nil, err
	}
	// Up to sheetData: every token checked, no element the row reader of
	// excelize would take for a row or the end of the rows.
	depth := 0
	var stack [][]byte
	for {
		tok, err := lx.next()
		if err != nil {
			return nil, err
		}
		switch tok {
		case xEOF:
			return nil, errSlow
		case xText:
			if bytes.IndexByte(lx.text, '&') >= 0 {
				if _, err := xmlUnescape(lx.text, nil); err != nil {
					return nil, err
				}
			}
			continue
		case xEnd:
			if len(stack) == 0 || !bytes.Equal(stack[len(stack)-1], lx.name) {
				return nil, errSlow
			}
			stack = stack[:len(stack)-1]
			depth--
			continue
		}
		if err := lx.checkAttrs(); err != nil {
			return nil, err
		}
		local := string(localName(lx.name))
		if local == "row" || local == "c" || local == "v" || local == "f" || local == "is" {
			return nil, errSlow
		}
		if local == "sheetData" {
			if depth != 1 || len(lx.name) != len("sheetData") {
				return nil, errSlow
			}
			if lx.selfClose {
				lx.pendEnd = false
				return nil, rowsAfter(lx.b[lx.i:])
			}
			break
		}
		stack = append(stack, lx.name)
		depth++
	}
	rows, err := fastSheetData(rc, name, lx, sst)
	if err != nil {
		return nil, err
	}
	if err := rowsAfter(lx.b[lx.i:]); err != nil {
		return nil, err
	}
	// GetRows drops trailing empty rows; so does this.
	for len(rows) > 0 && allEmpty(rows[len(rows)-1]) {
		rows = rows[:len(rows)-1]
	}
	return rows, nil
}

// rowsAfter declines a part where something after </sheetData> could be
// taken for a row or the end of the rows: excelize's iterator reads on
// to the end of the part looking for one.
func rowsAfter(rest []byte) error {
	for _, w := range [][]byte{[]byte("row"), []byte("sheetData")} {
		for i := 0; ; {
			j := bytes.Index(rest[i:], w)
			if j < 0 {
				break
			}
			at := i + j
			before := at > 0 && (rest[at-1] == '<' || rest[at-1] == ':' || rest[at-1] == '/')
			end := at + len(w)
			after := end >= len(rest) || !isNameByte(rest[end])
			if before && after {
				return errSlow
			}
			i = at + 1
		}
	}
	return nil
}

// fastSheetData reads <sheetData>'s rows: only <row r> in increasing
// order holding only <c> holding at most one <v> of plain text.
func fastSheetData(rc *readCtx, name string, lx *xlex, sst []string) ([][]string, error) {
	var (
		rows  [][]string
		cells int64
		text  int64
		prev  int // number of the last row read
	)
	where := "工作表“" + name + "”"
	// add appends one row as sheetRowsOf does, with its checks.
	add := func(row []string) error {
		if int64(len(rows)) >= rc.lim.SheetRows {
			return over(rc.lim, "sheet_rows", where)
		}
		if cells += int64(len(row)); cells > rc.lim.GridCells {
			return over(rc.lim, "grid_cells", where)
		}
		for _, v := range row {
			text += int64(len(v))
		}
		if text > rc.lim.TextBytes {
			return over(rc.lim, "text_bytes", where)
		}
		rows = append(rows, row)
		if len(rows)%1024 == 0 {
			if err := rc.ctx.Err(); err != nil {
				return err
			}
		}
		return nil
	}
	var vbuf []byte
	for {
		done, err := lx.child("sheetData")
		if err != nil {
			return nil, err
		}
		if done {
			return rows, nil
		}
		if string(lx.name) != "row" {
			return nil, errSlow
		}
		if err := lx.checkAttrs(); err != nil {
			return nil, err
		}
		// The row's number: one attribute of local name r (excelize
		// reads any prefix), written without a prefix.
		var ra []byte
		for _, a := range lx.attrs {
			if string(localName(a.name)) == "r" {
				if ra != nil || len(a.name) != 1 {
					return nil, errSlow
				}
				ra = a.raw
			}
		}
		if ra == nil {
			return nil, errSlow
		}
		r, err := strconv.Atoi(string(ra))
		if err != nil || r <= prev || r > excelize.TotalRows {
			return nil, errSlow
		}
		// The rows between are empty rows, as the iterator gives them.
		for prev++; prev < r; prev++ {
			if err := add(nil); err != nil {
				return nil, err
			}
		}
		row, err := fastRow(lx, sst, &vbuf)
		if err != nil {
			return nil, err
		}
		if err := add(row); err != nil {
			return nil, err
		}
	}
}

// fastRow reads one row's cells after its start tag, as Columns does:
// a cell's column is the one its r names, or the next after the last
// cell; a cell with no value adds nothing, one with a value is put after
// as many empty strings as the columns skipped (none if it is not to the
// right of the row so far: excelize appends it at the end).
func fastRow(lx *xlex, sst []string, vbuf *[]byte) ([]string, error) {
	var row []string
	if lx.selfClose {
		lx.pendEnd = false
		return row, nil
	}
	col := 0
	for {
		done, err := lx.child("row")
		if err != nil {
			return nil, err
		}
		if done {
			return row, nil
		}
		if string(lx.name) != "c" {
			return nil, errSlow
		}
		var ref, typ []byte
		for _, a := range lx.attrs {
			switch string(a.name) {
			case "r":
				ref = a.raw
			case "t":
				typ = a.raw
			case "s":
				// excelize parses it (an error leaves the cell unread).
				if _, err := strconv.ParseInt(string(a.raw), 10, 64); err != nil {
					return nil, errSlow
				}
			default:
				return nil, errSlow
			}
		}
		switch string(typ) {
		case "", "n", "s", "str":
		default:
			return nil, errSlow
		}
		col++
		if ref != nil {
			if bytes.IndexByte(ref, '&') >= 0 {
				return nil, errSlow
			}
			c, ok := refColumn(ref)
			if !ok {
				return nil, errSlow
			}
			col = c
		}
		val, err := fastCellValue(lx, vbuf)
		if err != nil {
			return nil, err
		}
		if string(typ) == "s" && val != "" {
			i, _ := strconv.Atoi(strings.TrimSpace(val))
			if i < 0 || i >= len(sst) {
				val = ""
			} else {
				val = sst[i]
			}
		}
		if val != "" {
			for blank, i := col-len(row), 1; i < blank; i++ {
				row = append(row, "")
			}
			row = append(row, val)
		}
	}
}

// fastCellValue reads a cell's content after its start tag: nothing, or
// one <v> of character data.
func fastCellValue(lx *xlex, vbuf *[]byte) (string, error) {
	if lx.selfClose {
		lx.pendEnd = false
		return "", nil
	}
	val, seen := "", false
	for {
		done, err := lx.child("c")
		if err != nil {
			return "", err
		}
		if done {
			return val, nil
		}
		if string(lx.name) != "v" || seen || len(lx.attrs) > 0 {
			return "", errSlow
		}
		seen = true
		if lx.selfClose {
			lx.pendEnd = false
			continue
		}
		if *vbuf, err = lx.textOf("v", (*vbuf)[:0]); err != nil {
			return "", err
		}
		val = string(*vbuf)
	}
}

// fastSST reads xl/sharedStrings.xml as excelize's sharedStringsReader
// and xlsxSI.String give each string: only <si> of one plain <t> (or
// none) are read; runs, phonetic text, `_x` escapes are declined. A
// workbook without the part has no shared strings.
func fastSST(part []byte) ([]string, error) {
	if part == nil {
		return nil, nil
	}
	lx, err := newXLex(part)
	if err != nil {
		return nil, err
	}
	tok, err := lx.nextElement()
	if err != nil || tok != xStart || string(lx.name) != "sst" || lx.selfClose {
		return nil, errSlow
	}
	if ns, _ := lx.attr("xmlns"); string(ns) != "http://schemas.openxmlformats.org/spreadsheetml/2006/main" {
		return nil, errSlow
	}
	for _, a := range lx.attrs {
		switch n := string(a.name); {
		case n == "count" || n == "uniqueCount":
			if _, err := strconv.ParseInt(strings.TrimSpace(string(a.raw)), 10, 0); err != nil {
				return nil, errSlow
			}
		case n == "xmlns" || strings.HasPrefix(n, "xmlns:") && n != "xmlns:count" && n != "xmlns:uniqueCount":
			// (encoding/xml matches count,attr on any prefix, xmlns too.)
			if bytes.IndexByte(a.raw, '&') >= 0 {
				return nil, errSlow
			}
		default:
			return nil, errSlow
		}
	}
	var out []string
	for {
		done, err := lx.child("sst")
		if err != nil {
			return nil, err
		}
		if done {
			break
		}
		if string(lx.name) != "si" || len(lx.attrs) > 0 {
			return nil, errSlow
		}
		s, err := fastSI(lx)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	// Nothing but white space after the root.
	for {
		tok, err := lx.next()
		if err != nil {
			return nil, err
		}
		if tok == xEOF {
			return out, nil
		}
		if tok != xText || !onlySpace(lx.text) {
			return nil, errSlow
		}
	}
}

// nextElement is the next tag, white space between tags skipped.
func (lx *xlex) nextElement() (xtok, error) {
	for {
		tok, err := lx.next()
		if err != nil || tok != xText {
			return tok, err
		}
		if !onlySpace(lx.text) {
			return 0, errSlow
		}
	}
}

// child reads on inside the element parent: the next start tag (done
// false, the tag in lx), or parent's end tag (done true). White space
// between is skipped; text, another end tag or the end of the part is
// declined.
func (lx *xlex) child(parent string) (done bool, err error) {
	tok, err := lx.nextElement()
	switch {
	case err != nil:
		return false, err
	case tok == xStart:
		return false, nil
	case tok == xEnd && string(lx.name) == parent:
		return true, nil
	}
	return false, errSlow
}

// textOf reads the character data of a leaf element after its start tag
// up to its end tag, decoded and appended to dst; a child element is
// declined.
func (lx *xlex) textOf(name string, dst []byte) ([]byte, error) {
	for {
		tok, err := lx.next()
		if err != nil {
			return nil, err
		}
		if tok == xText {
			if dst, err = xmlUnescape(lx.text, dst); err != nil {
				return nil, err
			}
			continue
		}
		if tok != xEnd || string(lx.name) != name {
			return nil, errSlow
		}
		return dst, nil
	}
}

// fastSI reads one <si> after its start tag.
func fastSI(lx *xlex) (string, error) {
	if lx.selfClose {
		lx.pendEnd = false
		return "", nil
	}
	val, seen := "", false
	for {
		done, err := lx.child("si")
		if err != nil {
			return "", err
		}
		if done {
			if strings.Contains(val, "_x") {
				return "", errSlow
			}
			return val, nil
		}
		if string(lx.name) != "t" || seen {
			return "", errSlow
		}
		seen = true
		for _, a := range lx.attrs {
			if string(a.name) != "xml:space" {
				return "", errSlow
			}
		}
		if err := lx.checkAttrs(); err != nil {
			return "", err
		}
		if lx.selfClose {
			lx.pendEnd = false
			continue
		}
		raw, err := lx.textOf("t", nil)
		if err != nil {
			return "", err
		}
		val = string(raw)
	}
}

// refColumn is the column of a cell reference as excelize's
// CellNameToCoordinates reads it; false where excelize refuses it. The
// usual form (A1, XFD1048576) is read here; any other is asked of
// excelize (it was a tenth of the fast reader's time).
func refColumn(ref []byte) (int, bool) {
	letters := 0
	for letters < len(ref) && ref[letters] >= 'A' && ref[letters] <= 'Z' {
		letters++
	}
	digits := len(ref) - letters
	if letters >= 1 && letters <= 3 && digits >= 1 && digits <= 7 {
		col, row := 0, 0
		for _, c := range ref[:letters] {
			col = col*26 + int(c-'A'+1)
		}
		plain := true
		for _, c := range ref[letters:] {
			if c < '0' || c > '9' {
				plain = false
				break
			}
			row = row*10 + int(c-'0')
		}
		if plain && row >= 1 && row <= excelize.TotalRows && col <= excelize.MaxColumns {
			return col, true
		}
	}
	col, _, err := excelize.CellNameToCoordinates(string(ref))
	return col, err == nil
}
