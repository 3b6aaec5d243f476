package document_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/zlib"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"nianbao/ingest/document"
)

// The hostile inputs of issue 15, each generated here (nothing of them is
// checked in) and read by a child process of this test binary, so that its
// peak resident memory — pdftotext included, as the child waits for it —
// and its time are measured by the kernel for that input alone.
//
// Only document.Read is called, so this file also builds against the
// readers before they were bounded; that is how the "before" figures of
// docs/reliability.md were taken.

const hostileEnv = "NIANBAO_HOSTILE_FILE"

// Ceilings: generous, far above what a bounded reader needs, far below
// what the unbounded readers took (GBs, minutes).
const (
	hostileMaxRSS  = 1 << 30
	hostileMaxTime = 60 * time.Second
)

func TestMain(m *testing.M) {
	if path := os.Getenv(hostileEnv); path != "" {
		os.Exit(hostileChild(path))
	}
	os.Exit(m.Run())
}

// childResult is what the child prints on stdout.
type childResult struct {
	Err   string `json:"err"`
	Lines int    `json:"lines"`
	Peak  int64  `json:"peak"` // bytes: the larger of this process's and its children's peak RSS
}

func hostileChild(path string) int {
	data, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	var res childResult
	doc, err := document.Read(filepath.Base(path), data)
	if err != nil {
		res.Err = err.Error()
	} else {
		res.Lines = strings.Count(doc.Text, "\n")
	}
	res.Peak = peakRSS()
	json.NewEncoder(os.Stdout).Encode(res)
	return 0
}

// peakRSS is the high-water mark of this process's memory since it was
// exec'd (VmHWM; the rusage of a child would also count the parent's
// memory at fork time) or of any child it waited for (pdftotext), the
// larger.
func peakRSS() int64 {
	var peak int64
	if status, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, l := range strings.Split(string(status), "\n") {
			if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
				fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), &peak)
				peak <<= 10
			}
		}
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru) == nil {
		peak = max(peak, ru.Maxrss<<10)
	}
	return peak
}

type hostileCase struct {
	name string
	file string                   // file name (its extension picks the reader)
	gen  func(w io.Writer) error  // writes the input
	want string                   // a word the error must hold (an env variable of a limit), "" when reading may succeed
	ok   func(r childResult) bool // extra check of a successful read, nil for none
}

func hostileCases() []hostileCase {
	return []hostileCase{
		{name: "html span area", file: "span.html", gen: genSpanHTML, want: ""},
		{name: "html 50000 td in a row", file: "wide.html", gen: genWideRowHTML, want: "NIANBAO_MAX_LINE_BYTES"},
		{name: "html nested tables", file: "nested.html", gen: genNestedTablesHTML, want: ""},
		{name: "text 4 MB line", file: "line.txt", gen: genLongLine, want: "NIANBAO_MAX_"}, // the line limit, or the text limit first
		{name: "text 40 MB", file: "big.txt", gen: genBigText, want: "NIANBAO_MAX_TEXT_BYTES"},
		{name: "xlsx merge over the whole sheet", file: "merge.xlsx", gen: genMergeXLSX, want: "",
			ok: func(r childResult) bool { return r.Lines > 0 && r.Lines < 10 }},
		{name: "xlsx 400000 rows", file: "rows.xlsx", gen: genManyRowsXLSX(400_000), want: "NIANBAO_MAX_"},
		{name: "xlsx 100000 short rows", file: "rows100k.xlsx", gen: genManyRowsXLSX(100_000), want: "NIANBAO_MAX_SHEET_ROWS"},
		{name: "xlsx sheet inflating to 1 GB", file: "bomb.xlsx", gen: genBombXLSX, want: "NIANBAO_MAX_ZIP_MEMBER_BYTES"},
		{name: "docx text node of 1 GB", file: "bomb.docx", gen: genBombDOCX, want: "NIANBAO_MAX_ZIP_MEMBER_BYTES"},
		{name: "docx 8 M empty paragraphs", file: "elements.docx", gen: genManyElementsDOCX(8_000_000), want: "NIANBAO_MAX_"}, // 48 MB: the member limit, or the element limit under a larger one
		{name: "docx 4 M empty paragraphs", file: "elements4.docx", gen: genManyElementsDOCX(4_000_000), want: "NIANBAO_MAX_XML_ELEMENTS"},
		{name: "docx elements nested 1 M deep", file: "deep.docx", gen: genDeepDOCX, want: "NIANBAO_MAX_XML_DEPTH"},
		{name: "docx huge gridSpan", file: "gridspan.docx", gen: genGridSpanDOCX, want: ""},
		{name: "xlsx 29000 cells of a 1 MB string", file: "shared.xlsx", gen: genSharedStringXLSX(29_000, 1<<20, 1), want: "NIANBAO_MAX_TEXT_BYTES"},
		{name: "docx 30 MB of text", file: "text.docx", gen: genRepeatedTextDOCX(3000, 10<<10), want: "NIANBAO_MAX_TEXT_BYTES"},
		{name: "pdf of a million pages", file: "pages.pdf", gen: genPagesPDF, want: ""},
		{name: "pdf content inflating to 1 GB", file: "content.pdf", gen: genBombPDF, want: "NIANBAO_"},
	}
}

func TestHostileInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("hostile inputs take a minute; not run with -short")
	}
	dir := t.TempDir()
	t.Logf("%-34s %10s %9s %9s  %s", "class", "input", "time", "peak RSS", "outcome")
	for _, tc := range hostileCases() {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.file)
			size := writeInput(t, path, tc.gen)
			res, elapsed, rss, err := runChild(path)
			if err != nil {
				t.Fatalf("child: %v", err)
			}
			outcome := "read, " + fmt.Sprint(res.Lines) + " lines"
			if res.Err != "" {
				outcome = "error: " + shorten(res.Err, 110)
			}
			t.Logf("%-34s %10s %9s %9s  %s", tc.name, mb(size), elapsed.Round(time.Millisecond), mb(rss), outcome)
			if rss > hostileMaxRSS {
				t.Errorf("peak RSS %s, ceiling %s", mb(rss), mb(hostileMaxRSS))
			}
			if elapsed > hostileMaxTime {
				t.Errorf("took %v, ceiling %v", elapsed, hostileMaxTime)
			}
			switch {
			case tc.want != "" && !strings.Contains(res.Err, tc.want):
				t.Errorf("error %q, want one naming %s", res.Err, tc.want)
			case tc.want != "" && !strings.Contains(res.Err, tc.file):
				t.Errorf("error %q does not name the file %s", res.Err, tc.file)
			case tc.ok != nil && res.Err == "" && !tc.ok(res):
				t.Errorf("read %d lines: not the expected outcome", res.Lines)
			}
		})
	}
}

func writeInput(t *testing.T, path string, gen func(io.Writer) error) int64 {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	if err := gen(bw); err != nil {
		t.Fatal(err)
	}
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info.Size()
}

// runChild reads path in a child process, killed after twice the time
// ceiling, its address space capped at 6 GB so that an unbounded reader
// fails there rather than on the machine. It returns the peak RSS the
// kernel recorded for the child and what it waited for.
func runChild(path string) (childResult, time.Duration, int64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*hostileMaxTime)
	defer cancel()
	args := []string{"--as=" + fmt.Sprint(int64(6)<<30), "--", os.Args[0], "-test.run=^$"}
	cmd := exec.CommandContext(ctx, "prlimit", args...)
	if _, err := exec.LookPath("prlimit"); err != nil {
		cmd = exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	}
	cmd.Env = append(os.Environ(), hostileEnv+"="+path)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	elapsed := time.Since(start)
	var res childResult
	var rss int64
	if err != nil {
		if cmd.ProcessState != nil {
			if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
				rss = ru.Maxrss << 10 // an upper bound: includes this process at fork time
			}
		}
		res.Err = fmt.Sprintf("child failed after %v: %v: %s", elapsed.Round(time.Millisecond), err, shorten(stderr.String(), 200))
		return res, elapsed, rss, nil
	}
	if jerr := json.Unmarshal(stdout.Bytes(), &res); jerr != nil {
		return res, elapsed, rss, fmt.Errorf("child output %q: %v", shorten(stdout.String(), 200), jerr)
	}
	return res, elapsed, res.Peak, nil
}

func shorten(s string, n int) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), "\n", " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

func mb(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	default:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
}

// genSpanHTML: 12 KB of cells each spanning 1000 columns and 65534 rows.
func genSpanHTML(w io.Writer) error {
	fmt.Fprint(w, "<html><body><p>某镇2023年政府信息公开工作年度报告</p><table>")
	for i := 0; i < 200; i++ {
		fmt.Fprint(w, `<tr><td colspan="1000" rowspan="65534">x</td></tr>`)
	}
	_, err := fmt.Fprint(w, "</table></body></html>")
	return err
}

func genWideRowHTML(w io.Writer) error {
	fmt.Fprint(w, "<html><body><table><tr>")
	for i := 0; i < 50000; i++ {
		fmt.Fprint(w, "<td>1</td>")
	}
	_, err := fmt.Fprint(w, "</tr></table></body></html>")
	return err
}

// genNestedTablesHTML: tables nested 3000 deep, each a layout table for
// the one inside.
func genNestedTablesHTML(w io.Writer) error {
	fmt.Fprint(w, "<html><body>")
	const depth = 3000
	for i := 0; i < depth; i++ {
		fmt.Fprint(w, "<table><tr><td>")
	}
	fmt.Fprint(w, "本年新收政府信息公开申请数量 | 3 |")
	for i := 0; i < depth; i++ {
		fmt.Fprint(w, "</td></tr></table>")
	}
	_, err := fmt.Fprint(w, "</body></html>")
	return err
}

func genLongLine(w io.Writer) error {
	fmt.Fprint(w, "某镇2023年政府信息公开工作年度报告\n")
	for n := 0; n < 4<<20; {
		k, err := fmt.Fprint(w, "label | 20 | 3 | ")
		if err != nil {
			return err
		}
		n += k
	}
	_, err := fmt.Fprint(w, "\n")
	return err
}

func genBigText(w io.Writer) error {
	line := strings.Repeat("本年新收政府信息公开申请数量 3 件。", 10) + "\n"
	for n := 0; n < 40<<20; n += len(line) {
		if _, err := io.WriteString(w, line); err != nil {
			return err
		}
	}
	return nil
}

// genMergeXLSX: a 2 KB workbook whose one merged range covers the whole
// sheet (A1:XFD1048576), written as XML (excelize's MergeCell would
// itself walk the range).
func genMergeXLSX(w io.Writer) error {
	return zipParts(w, xlsxParts, "xl/worksheets/sheet1.xml", func(fw io.Writer) error {
		_, err := io.WriteString(fw, `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`+
			`<row r="1"><c r="A1" t="inlineStr"><is><t>本年新收政府信息公开申请数量</t></is></c></row>`+
			`<row r="2"><c r="B2"><v>3</v></c></row></sheetData>`+
			`<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells></worksheet>`)
		return err
	})
}

func genManyRowsXLSX(n int) func(w io.Writer) error {
	return func(w io.Writer) error {
		f := excelize.NewFile()
		defer f.Close()
		sw, err := f.NewStreamWriter("Sheet1")
		if err != nil {
			return err
		}
		for r := 1; r <= n; r++ {
			cell, _ := excelize.CoordinatesToCellName(1, r)
			if err := sw.SetRow(cell, []any{r % 7}); err != nil {
				return err
			}
		}
		if err := sw.Flush(); err != nil {
			return err
		}
		_, err = f.WriteTo(w)
		return err
	}
}

// repeatWriter streams n bytes of s repeated into a zip member.
func repeatTo(w io.Writer, s string, n int64) error {
	chunk := []byte(strings.Repeat(s, max(1, (64<<10)/len(s))))
	for written := int64(0); written < n; {
		k, err := w.Write(chunk[:min(int64(len(chunk)), n-written)])
		if err != nil {
			return err
		}
		written += int64(k)
	}
	return nil
}

// zipParts writes a zip of small members plus one member whose content
// stream writes.
func zipParts(w io.Writer, small map[string]string, big string, stream func(io.Writer) error) error {
	zw := zip.NewWriter(w)
	for name, content := range small {
		fw, err := zw.Create(name)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(fw, content); err != nil {
			return err
		}
	}
	fw, err := zw.Create(big)
	if err != nil {
		return err
	}
	if err := stream(fw); err != nil {
		return err
	}
	return zw.Close()
}

const gig = int64(1) << 30

// xlsxParts are the members of a workbook of one sheet, but the sheet.
var xlsxParts = map[string]string{
	"[Content_Types].xml":        `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
	"_rels/.rels":                `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
	"xl/workbook.xml":            `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
	"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
}

func genBombXLSX(w io.Writer) error {
	return zipParts(w, xlsxParts, "xl/worksheets/sheet1.xml", func(fw io.Writer) error {
		io.WriteString(fw, `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>`)
		if err := repeatTo(fw, "a", gig); err != nil {
			return err
		}
		_, err := io.WriteString(fw, `</t></is></c></row></sheetData></worksheet>`)
		return err
	})
}

const docxHead = `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`

func genBombDOCX(w io.Writer) error {
	return zipParts(w, nil, "word/document.xml", func(fw io.Writer) error {
		io.WriteString(fw, docxHead+`<w:p><w:r><w:t>`)
		if err := repeatTo(fw, "年", gig); err != nil {
			return err
		}
		_, err := io.WriteString(fw, `</w:t></w:r></w:p></w:body></w:document>`)
		return err
	})
}

func genManyElementsDOCX(n int64) func(w io.Writer) error {
	return func(w io.Writer) error {
		return zipParts(w, nil, "word/document.xml", func(fw io.Writer) error {
			io.WriteString(fw, docxHead)
			if err := repeatTo(fw, "<w:p/>", n*6); err != nil {
				return err
			}
			_, err := io.WriteString(fw, `</w:body></w:document>`)
			return err
		})
	}
}

func genDeepDOCX(w io.Writer) error {
	return zipParts(w, nil, "word/document.xml", func(fw io.Writer) error {
		io.WriteString(fw, docxHead)
		repeatTo(fw, "<w:sdt>", 1_000_000*7)
		repeatTo(fw, "</w:sdt>", 1_000_000*8)
		_, err := io.WriteString(fw, `</w:body></w:document>`)
		return err
	})
}

func genGridSpanDOCX(w io.Writer) error {
	return zipParts(w, nil, "word/document.xml", func(fw io.Writer) error {
		io.WriteString(fw, docxHead+`<w:tbl>`)
		for r := 0; r < 2000; r++ {
			io.WriteString(fw, `<w:tr><w:trPr><w:gridBefore w:val="2000000000"/></w:trPr><w:tc><w:tcPr><w:gridSpan w:val="2000000000"/></w:tcPr><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>2</w:t></w:r></w:p></w:tc></w:tr>`)
		}
		_, err := io.WriteString(fw, `</w:tbl></w:body></w:document>`)
		return err
	})
}

// genPagesPDF writes a PDF of 10^6 pages in a few KB: a page tree six
// levels deep, each node listing the node below ten times, the leaf a page
// with a little text.
func genPagesPDF(w io.Writer) error {
	const levels = 6
	var objs []string
	// 1: catalog, 2..levels+1: page tree nodes, levels+2: the page,
	// levels+3: its content, levels+4: the font.
	page, content, font := levels+2, levels+3, levels+4
	objs = append(objs, "<< /Type /Catalog /Pages 2 0 R >>")
	c := 1 // pages under the node being written
	for range levels {
		c *= 10
	}
	for l := 0; l < levels; l++ {
		kid := fmt.Sprintf("%d 0 R", 3+l)
		if l == levels-1 {
			kid = fmt.Sprintf("%d 0 R", page)
		}
		kids := strings.TrimSpace(strings.Repeat(kid+" ", 10))
		objs = append(objs, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", kids, c))
		c /= 10
	}
	objs = append(objs, fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R /Resources << /Font << /F1 %d 0 R >> >> >>", levels+1, content, font))
	stream := "BT /F1 12 Tf 72 720 Td (page 1 of a report) Tj ET"
	objs = append(objs, fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(stream), stream))
	objs = append(objs, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	_, err := w.Write(pdfOf(objs))
	return err
}

// genBombPDF writes a one-page PDF whose content stream inflates to 1 GB:
// one string shown with Tj.
func genBombPDF(w io.Writer) error { return genBombPDFOf(gig)(w) }

func genBombPDFOf(n int64) func(w io.Writer) error {
	return func(w io.Writer) error { return writeBombPDF(w, n) }
}

func writeBombPDF(w io.Writer, n int64) error {
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	io.WriteString(zw, "BT /F1 12 Tf 72 720 Td (")
	if err := repeatTo(zw, "a", n); err != nil {
		return err
	}
	io.WriteString(zw, ") Tj ET")
	if err := zw.Close(); err != nil {
		return err
	}
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", z.Len(), z.String()),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	_, err := w.Write(pdfOf(objs))
	return err
}

// pdfOf lays objects out as a PDF file with its cross-reference table.
func pdfOf(objs []string) []byte {
	var buf bytes.Buffer
	buf.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = buf.Len()
		fmt.Fprintf(&buf, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := buf.Len()
	fmt.Fprintf(&buf, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&buf, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&buf, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return buf.Bytes()
}
