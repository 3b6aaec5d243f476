package document

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"

	"github.com/xuri/excelize/v2"
)

// XLSXBothWays reads a workbook's rows with excelize, as readXLSX did
// before the fast reader (the oracle), and with the fast reader. fast
// tells whether the fast reader read it (it may decline anything); diff
// is "" when it did not or when both gave the same sheets, rows and
// errors byte for byte. Exported for the fuzz target (FuzzReadXLSX).
func XLSXBothWays(data []byte, lim Limits) (fast bool, diff string) {
	rc := &readCtx{ctx: context.Background(), lim: lim}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil || checkZipSizes(zr, lim) != nil {
		return false, ""
	}
	scan, err := checkCellText(rc, zr)
	if err != nil {
		return false, ""
	}
	defer scan.release()
	if d := checksAgree(scan, lim); d != "" {
		return true, d
	}
	fastSheets, fastErr := fastSheetsOf(rc, scan)
	if errors.Is(fastErr, errSlow) {
		return false, ""
	}
	slowSheets, slowErr := excelizeSheetsOf(rc, data)
	var le *LimitError
	if slowErr != nil && !errors.As(slowErr, &le) {
		// excelize could not read it (the package, its content types):
		// no workbook of the same members is ever known, so the fast
		// reader never reads one like it.
		return false, ""
	}
	if fmt.Sprint(fastErr) != fmt.Sprint(slowErr) {
		return true, fmt.Sprintf("fast error %v, excelize error %v", fastErr, slowErr)
	}
	if !reflect.DeepEqual(fastSheets, slowSheets) {
		return true, fmt.Sprintf("fast %q\nexcelize %q", fastSheets, slowSheets)
	}
	return true, ""
}

// fastSheetsOf is the fast reader's sheets without the known workbooks:
// the sheets found as excelize finds them, read by fastRowsOf.
func fastSheetsOf(rc *readCtx, scan *xlsxScan) ([]sheetRows, error) {
	var m bytes.Buffer
	if err := bookMaterial(scan, &m); err != nil {
		return nil, err
	}
	known, ok := bookSheets(scan)
	if !ok {
		return nil, errSlow
	}
	sst, err := fastSST(scan.part(sharedStringsPart))
	if err != nil {
		return nil, err
	}
	var out []sheetRows
	for _, s := range known {
		rows, err := fastRowsOf(rc, s.name, scan.part(s.path), sst)
		if err != nil {
			return nil, err
		}
		out = append(out, sheetRows{s.name, rows})
	}
	return out, nil
}

// excelizeSheetsOf is the sheets as excelize reads them (readXLSX's
// fallback, before any merge is read).
func excelizeSheetsOf(rc *readCtx, data []byte) ([]sheetRows, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    rc.lim.ZipTotalBytes,
		UnzipXMLSizeLimit: rc.lim.ZipTotalBytes,
	})
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []sheetRows
	for _, name := range f.GetSheetList() {
		rows, err := sheetRowsOf(rc, f, name)
		if err != nil {
			return nil, err
		}
		out = append(out, sheetRows{name, rows})
	}
	return out, nil
}

// ForgetBooks empties the known workbooks, so that the next read of a
// workbook is excelize's.
func ForgetBooks() {
	books.mu.Lock()
	defer books.mu.Unlock()
	books.entries = map[uint64][]*bookEntry{}
	books.bytes = 0
}

// checksAgree compares the text check's two ways on every part: the
// shared strings' lengths, and each part's cell text, merged cells and
// completeness, where the strict scanner reads them.
func checksAgree(scan *xlsxScan, lim Limits) string {
	var sst []int64
	if part := scan.part(sharedStringsPart); part != nil {
		slow, slowErr := sharedStringLengthsXML(sharedStringsPart, part, lim)
		if strs, err := fastSST(part); err == nil {
			fast := make([]int64, len(strs))
			for i, s := range strs {
				fast[i] = int64(len(s))
			}
			if slowErr != nil || !slices.Equal(fast, slow) {
				return fmt.Sprintf("shared string lengths: fast %v, encoding/xml %v (%v)", fast, slow, slowErr)
			}
		}
		sst = slow
	}
	for name, b := range scan.parts {
		part := b.Bytes()
		if !bytes.Contains(part, []byte("sheetData")) {
			continue
		}
		var fastTotal, slowTotal int64
		fastScan, slowScan := &xlsxScan{}, &xlsxScan{}
		ok, fastErr := sumCellTextFast(part, sst, &fastTotal, lim, fastScan)
		if !ok {
			continue
		}
		slowErr := sumCellTextXML(part, sst, &slowTotal, lim, slowScan)
		if fmt.Sprint(fastErr) != fmt.Sprint(slowErr) || (fastErr == nil && (fastTotal != slowTotal ||
			!reflect.DeepEqual(fastScan.merges, slowScan.merges) || fastScan.complete != slowScan.complete)) {
			return fmt.Sprintf("%s: cell text fast %d %q %v (%v), encoding/xml %d %q %v (%v)", name,
				fastTotal, fastScan.merges, fastScan.complete, fastErr, slowTotal, slowScan.merges, slowScan.complete, slowErr)
		}
	}
	return ""
}

// SetFastXLSX turns the fast reader on or off.
func SetFastXLSX(on bool) { fastOff.Store(!on) }

// ScanXML runs the fast reader's scanner over an XML part, every token
// (the scanner alone, for BenchmarkXLSX); false where it declines.
func ScanXML(part []byte) bool {
	lx, err := newXLex(part)
	if err != nil {
		return false
	}
	for {
		tok, err := lx.next()
		if err != nil {
			return false
		}
		if tok == xEOF {
			return true
		}
	}
}
