package document

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"nianbao/generate"
	"nianbao/registry"
)

// The fast reader against excelize (the oracle), on every workbook at
// hand: the rows of each sheet byte for byte where the fast reader reads
// it, and the whole document read the first time (a workbook unlike any
// known: excelize) and the second (known: the fast reader) the same.

// sameBothWays reads a workbook both ways; it reports whether the fast
// reader read the document (its rows may be read fast and the document
// not: a grid of two sheets needs excelize's merged cells).
func sameBothWays(t *testing.T, name string, data []byte) bool {
	t.Helper()
	fastRows, diff := XLSXBothWays(data, BuiltinLimits())
	if diff != "" {
		t.Errorf("%s: fast reader and excelize differ: %s", name, diff)
	}
	ForgetBooks()
	first, err1 := ReadContext(context.Background(), name, data, BuiltinLimits())
	before := fastReads.Load()
	second, err2 := ReadContext(context.Background(), name, data, BuiltinLimits())
	readFast := fastReads.Load() > before
	if fmt.Sprint(err1) != fmt.Sprint(err2) || !reflect.DeepEqual(first, second) {
		t.Errorf("%s: read by excelize %v (%v), then by the fast reader %v (%v)", name, docText(first), err1, docText(second), err2)
	}
	if readFast && !fastRows {
		t.Errorf("%s: document read fast, but its rows not", name)
	}
	return readFast
}

func docText(d *Document) string {
	if d == nil {
		return "<nil>"
	}
	return fmt.Sprintf("%q, %d reports", d.Text, len(d.Reports))
}

// TestFastXLSXOnFiles: the fixtures, the fuzz seeds, the real corpus.
func TestFastXLSXOnFiles(t *testing.T) {
	var files []string
	for _, root := range []string{"testdata", filepath.Join("..", "..", "..", "shared", "corpus")} {
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.EqualFold(filepath.Ext(p), ".xlsx") || strings.Contains(p, "FuzzReadXLSX")) {
				files = append(files, p)
			}
			return nil
		})
	}
	if _, err := os.Stat(filepath.Join("..", "..", "..", "shared", "corpus")); err != nil {
		t.Log("../shared/corpus absent: only the fixtures are compared")
	}
	fast := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if sameBothWays(t, f, data) {
			fast++
		}
	}
	t.Logf("%d of %d workbooks read fast", fast, len(files))
	if fast == 0 {
		t.Error("no fixture read by the fast reader")
	}
}

// TestFastXLSXOnNational: the workbooks of `analytics generate --national
// --seed 7`, at least 2 000 of them; every one must be read fast.
func TestFastXLSXOnNational(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 32 000 reports")
	}
	reg, err := registry.Default()
	if err != nil {
		t.Fatal(err)
	}
	var books [][]byte
	err = generate.National(generate.NationalPlaces(reg, 1), generate.NationalOptions{Seed: 7, Limit: 32000}, func(d generate.NationalDoc) error {
		if d.Format == "xlsx" {
			books = append(books, d.Data)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(books) < 2000 {
		t.Fatalf("%d workbooks generated, want at least 2 000", len(books))
	}
	fast := 0
	for i, data := range books {
		if sameBothWays(t, fmt.Sprintf("national %d.xlsx", i), data) {
			fast++
		}
	}
	t.Logf("%d of %d national workbooks read fast", fast, len(books))
	if fast != len(books) {
		t.Errorf("%d of %d national workbooks left to excelize", len(books)-fast, len(books))
	}
}

// TestFastXLSXDeclines: a workbook of each thing the fast reader does not
// reproduce is left to excelize (and reads as excelize reads it); the
// things it does reproduce are read fast, the same.
func TestFastXLSXDeclines(t *testing.T) {
	cases := []struct {
		name string
		fast bool
		make func(f *excelize.File) error
		edit func(part, xml string) string // applied to each member's text
	}{
		{name: "plain", fast: true},
		{name: "numbers, entities, line breaks, gaps", fast: true, make: func(f *excelize.File) error {
			f.SetCellValue("Sheet1", "C9", 12.5)
			f.SetCellValue("Sheet1", "E9", "a&b<c>\"d\"")
			return f.SetCellValue("Sheet1", "B12", "两行\r\n文字")
		}},
		{name: "character references", fast: true, edit: replaceIn("xl/sharedStrings.xml", "<t>标题</t>", "<t>&#26631;&#x9898;&amp;</t>")},
		{name: "cells out of order", fast: true, edit: replaceIn("xl/worksheets/sheet1.xml", `<c r="A2" t="s"><v>1</v></c><c r="B2" t="s"><v>2</v></c>`, `<c r="B2" t="s"><v>2</v></c><c r="A2" t="s"><v>1</v></c>`)},
		{name: "cells without r", fast: true, edit: replaceIn("xl/worksheets/sheet1.xml", `<c r="B2" t="s">`, `<c t="s">`)},
		{name: "shared index out of range", fast: true, edit: replaceIn("xl/worksheets/sheet1.xml", `<c r="B2" t="s"><v>2</v>`, `<c r="B2" t="s"><v>999</v>`)},
		{name: "two sheets, summary", fast: true, make: func(f *excelize.File) error {
			f.NewSheet("汇总")
			codes, _ := SummaryCodes("2021")
			f.SetSheetRow("汇总", "A1", &[]any{"机关", "年度", codes[0]})
			return f.SetSheetRow("汇总", "A2", &[]any{"劳动镇人民政府", 2023, 7})
		}},
		{name: "two sheets, grids (merges from excelize)", make: func(f *excelize.File) error {
			f.NewSheet("表二")
			return f.SetCellValue("表二", "A1", "x")
		}},
		{name: "formula", make: func(f *excelize.File) error { return f.SetCellFormula("Sheet1", "D4", "B2+C3") }},
		{name: "empty formula", edit: replaceIn("xl/worksheets/sheet1.xml", `<c r="B2" t="s"><v>2</v></c>`, `<c r="B2"><f>1+1</f></c>`)},
		{name: "boolean", make: func(f *excelize.File) error { return f.SetCellValue("Sheet1", "D4", true) }},
		{name: "inline string", edit: replaceIn("xl/worksheets/sheet1.xml", `<c r="B2" t="s"><v>2</v></c>`, `<c r="B2" t="inlineStr"><is><t>内联</t></is></c>`)},
		{name: "rich text", make: func(f *excelize.File) error {
			return f.SetCellRichText("Sheet1", "D4", []excelize.RichTextRun{{Text: "粗"}, {Text: "体", Font: &excelize.Font{Bold: true}}})
		}},
		{name: "_x escape", make: func(f *excelize.File) error { return f.SetCellValue("Sheet1", "D4", "a_x0041_b") }},
		{name: "row without r", edit: replaceIn("xl/worksheets/sheet1.xml", `<row r="2">`, `<row>`)},
		{name: "rows out of order", edit: replaceIn("xl/worksheets/sheet1.xml", `<row r="2">`, `<row r="9">`)},
		{name: "comment", edit: replaceIn("xl/worksheets/sheet1.xml", `<sheetData>`, `<sheetData><!-- x -->`)},
		{name: "strict namespace", edit: func(part, s string) string {
			return strings.ReplaceAll(s, "http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main")
		}},
		// Raw values: a number format changes nothing.
		{name: "date", fast: true, make: func(f *excelize.File) error {
			style, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
			f.SetCellValue("Sheet1", "D4", 45000)
			return f.SetCellStyle("Sheet1", "D4", "D4", style)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := handWorkbook(t, c.make, c.edit)
			if got := sameBothWays(t, c.name+".xlsx", data); got != c.fast {
				t.Errorf("read fast: %v, want %v", got, c.fast)
			}
		})
	}
}

func replaceIn(member, old, new string) func(part, xml string) string {
	return func(part, s string) string {
		if part != member {
			return s
		}
		if !strings.Contains(s, old) {
			panic(fmt.Sprintf("%s holds no %q: %s", member, old, s))
		}
		return strings.Replace(s, old, new, 1)
	}
}

// handWorkbook writes a workbook of a title, a small table and a merged
// range with excelize, changed by make, then each member by edit.
func handWorkbook(t testing.TB, make func(*excelize.File) error, edit func(part, xml string) string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	f.SetCellValue("Sheet1", "A1", "标题")
	f.SetSheetRow("Sheet1", "A2", &[]any{"收到申请", "本年新收政府信息公开申请数量", "自然人"})
	f.SetSheetRow("Sheet1", "A3", &[]any{"本年新收政府信息公开申请数量", 3, 4})
	f.MergeCell("Sheet1", "A5", "C5")
	f.SetCellValue("Sheet1", "A5", "合并")
	if make != nil {
		if err := make(f); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	if edit == nil {
		return buf.Bytes()
	}
	return rewriteZip(t, buf.Bytes(), edit)
}

type zipPart struct{ name, text string }

// zipMembers is a package's members, inflated, in order.
func zipMembers(t testing.TB, data []byte) []zipPart {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out []zipPart
	for _, m := range zr.File {
		rc, err := m.Open()
		if err != nil {
			t.Fatal(err)
		}
		var part bytes.Buffer
		part.ReadFrom(rc)
		rc.Close()
		out = append(out, zipPart{m.Name, part.String()})
	}
	return out
}

// rewriteZip writes a package again, each member's text passed through
// edit.
func rewriteZip(t testing.TB, data []byte, edit func(name, text string) string) []byte {
	t.Helper()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, m := range zipMembers(t, data) {
		w, err := zw.Create(m.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(edit(m.name, m.text)))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// FuzzXLSXParts fuzzes the sheet XML and the shared strings of a
// workbook (a fuzzer mutating the zip itself rarely gets past its
// checksums): the fast reader and excelize must agree wherever the fast
// reader reads it, and so must the text check's two ways.
func FuzzXLSXParts(f *testing.F) {
	base := handWorkbook(f, nil, nil)
	sheet, sst := member(f, base, "xl/worksheets/sheet1.xml"), member(f, base, sharedStringsPart)
	f.Add(sheet, sst)
	f.Add(strings.Replace(sheet, `<row r="2">`, `<row r="2" spans="1:3"><c r="Z2"><v> 7 </v></c>`, 1), sst)
	f.Add(strings.Replace(sheet, `<v>1</v>`, `<v>&#49;</v>`, 1), strings.Replace(sst, "<t>", `<t xml:space="preserve">&amp; `, 1))
	f.Add(strings.Replace(sheet, `<c r="A1" t="s">`, `<c t="str">`, 1), sst)
	f.Add(sheet, strings.Replace(sst, "</sst>", "<si><r><t>a</t></r></si></sst>", 1))
	f.Add(strings.Replace(sheet, `<c r="A1" t="s"><v>0</v></c>`, `<c r="A1"><f>1+1</f><v></v></c><c r="B1" t="inlineStr"><is><t>x</t></is></c>`, 1), sst)
	f.Add(strings.Replace(sheet, `<sheetData>`, `<sheetData><!-- c --><![CDATA[x]]>`, 1), sst)
	f.Add(strings.Replace(sheet, `encoding="UTF-8"`, `encoding="GBK"`, 1), sst)
	f.Add(strings.Replace(sheet, `<row r="3">`, `<row r="3"><c r="A3" t="b"><v>1</v></c><c r="B3" t="e"><v>#N/A</v></c>`, 1), sst)
	f.Add(strings.Replace(sheet, `</worksheet>`, `<extLst><row r="99"/></extLst></worksheet>`, 1), sst)
	members := zipMembers(f, base)
	f.Fuzz(func(t *testing.T, sheetXML, sstXML string) {
		// The base workbook's members, the two fuzzed (stored, not
		// deflated: the fuzzer spends its time in the readers).
		var out bytes.Buffer
		zw := zip.NewWriter(&out)
		for _, m := range members {
			w, err := zw.CreateHeader(&zip.FileHeader{Name: m.name, Method: zip.Store})
			if err != nil {
				t.Fatal(err)
			}
			switch m.name {
			case "xl/worksheets/sheet1.xml":
				w.Write([]byte(sheetXML))
			case sharedStringsPart:
				w.Write([]byte(sstXML))
			default:
				w.Write([]byte(m.text))
			}
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		data := out.Bytes()
		lim := BuiltinLimits()
		lim.SheetRows, lim.GridCells = 2_000, 20_000
		if _, diff := XLSXBothWays(data, lim); diff != "" {
			t.Fatal(diff)
		}
	})
}

func member(t testing.TB, data []byte, name string) string {
	t.Helper()
	for _, m := range zipMembers(t, data) {
		if m.name == name {
			return m.text
		}
	}
	t.Fatalf("no member %s", name)
	return ""
}

// TestRefColumn: the usual references read here, the others asked of
// excelize, always as excelize reads them.
func TestRefColumn(t *testing.T) {
	for _, ref := range []string{"A1", "Z9", "AA10", "XFD1048576", "XFE1", "A1048577", "A0", "A01", "a1", "$A$1", "A", "1",
		"AAAA1", "A12345678", "A1B2", "", "B-1", "ZZZ1", "A 1"} {
		want, _, err := excelize.CellNameToCoordinates(ref)
		got, ok := refColumn([]byte(ref))
		if ok != (err == nil) || ok && got != want {
			t.Errorf("%q: column %d (%v), excelize %d (%v)", ref, got, ok, want, err)
		}
	}
}

// TestFastXLSXKnownMembersOnly: a workbook is read fast only once one of
// the same members (all but its sheets, shared strings and document
// properties) has been read whole by excelize; another title, other
// numbers, other document properties keep it known; one byte more in its
// styles or one more member makes it unknown until excelize has read it.
func TestFastXLSXKnownMembersOnly(t *testing.T) {
	base := handWorkbook(t, nil, nil)
	cases := []struct {
		name  string
		data  []byte
		known bool
	}{
		{"other title and numbers", handWorkbook(t, func(f *excelize.File) error {
			f.SetCellValue("Sheet1", "A1", "另一个标题")
			return f.SetCellValue("Sheet1", "B3", 99)
		}, nil), true},
		{"other document properties", handWorkbook(t, func(f *excelize.File) error {
			return f.SetDocProps(&excelize.DocProperties{Title: "年报", Creator: "乐至县"})
		}, nil), true},
		{"styles changed", handWorkbook(t, nil, replaceIn("xl/styles.xml", "</styleSheet>", " </styleSheet>")), false},
		{"a member more", handWorkbook(t, func(f *excelize.File) error {
			_, err := f.NewSheet("Sheet2")
			return err
		}, nil), false},
	}
	for _, c := range cases {
		ForgetBooks()
		if _, err := Read("base.xlsx", base); err != nil {
			t.Fatal(err)
		}
		before := fastReads.Load()
		first, err := Read(c.name+".xlsx", c.data)
		if err != nil {
			t.Fatal(err)
		}
		if known := fastReads.Load() > before; known != c.known {
			t.Errorf("%s: read fast %v, want %v", c.name, known, c.known)
		}
		if !c.known {
			// Read whole by excelize, it is known now (if the fast reader
			// can read it at all), and reads the same.
			second, err := Read(c.name+".xlsx", c.data)
			if err != nil || !reflect.DeepEqual(first, second) {
				t.Errorf("%s: read again %v (%v), first %v", c.name, docText(second), err, docText(first))
			}
		}
	}
}

// TestXMLDeclOK: a declaration is accepted only where encoding/xml reads
// it as version 1.0 (or none) in UTF-8 (or none).
func TestXMLDeclOK(t *testing.T) {
	for _, c := range []struct {
		decl string
		ok   bool
	}{
		{` version="1.0" encoding="UTF-8" standalone="yes"`, true},
		{` version='1.0'`, true},
		{` version="1.0" encoding="utf-8"`, true},
		{` version="1.1"`, false},
		{` version="1.0" encoding="GB2312"`, false},
		{` version="1.0" encoding ="utf-8" encoding="gbk"`, false},
		{` version="1.0" encoding = "gbk"`, false},
		{`-stylesheet href="a"`, false},
		{``, false},
	} {
		if got := xmlDeclOK([]byte(c.decl)); got != c.ok {
			t.Errorf("<?xml%s?>: accepted %v, want %v", c.decl, got, c.ok)
		}
	}
}

// TestFastXLSXUnreadableMember: a member whose bytes do not count (a
// thumbnail among the document properties) is still read, as excelize
// reads every member: one excelize cannot open (an unknown compression
// method) gets excelize's error, one failing its checksum (which
// excelize ignores) excelize's document — not the fast reader's.
func TestFastXLSXUnreadableMember(t *testing.T) {
	thumb := []byte("not really a picture")
	withThumb := func(method uint16, crc uint32) []byte {
		var out bytes.Buffer
		zw := zip.NewWriter(&out)
		for _, m := range zipMembers(t, handWorkbook(t, nil, nil)) {
			w, err := zw.Create(m.name)
			if err != nil {
				t.Fatal(err)
			}
			w.Write([]byte(m.text))
		}
		w, err := zw.CreateRaw(&zip.FileHeader{Name: "docProps/thumbnail.jpeg", Method: method,
			CRC32: crc, CompressedSize64: uint64(len(thumb)), UncompressedSize64: uint64(len(thumb))})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(thumb)
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		return out.Bytes()
	}
	good := withThumb(zip.Store, crc32.ChecksumIEEE(thumb))
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"unknown method", withThumb(99, crc32.ChecksumIEEE(thumb))},
		{"bad checksum", withThumb(zip.Store, 12345)},
	} {
		fastOff.Store(true)
		want, wantErr := Read(c.name+".xlsx", c.data)
		fastOff.Store(false)
		ForgetBooks()
		if _, err := Read("good.xlsx", good); err != nil {
			t.Fatal(err)
		}
		before := fastReads.Load()
		got, err := Read(c.name+".xlsx", c.data)
		if fastReads.Load() != before {
			t.Errorf("%s: read fast", c.name)
		}
		if fmt.Sprint(err) != fmt.Sprint(wantErr) || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %v (%v), excelize %v (%v)", c.name, docText(got), err, docText(want), wantErr)
		}
	}
}

// TestFastXLSXConcurrent: readers in parallel (as ingest runs them)
// learning and reading the same kinds of workbook give what one reader
// gives (run with -race).
func TestFastXLSXConcurrent(t *testing.T) {
	var books [][]byte
	for i := range 8 {
		books = append(books, handWorkbook(t, func(f *excelize.File) error {
			return f.SetCellValue("Sheet1", "B9", i)
		}, nil))
	}
	want := make([]*Document, len(books))
	for i, b := range books {
		d, err := Read("b.xlsx", b)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = d
	}
	ForgetBooks()
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			for round := range 20 {
				i := round % len(books)
				d, err := Read("b.xlsx", books[i])
				if err == nil && !reflect.DeepEqual(d, want[i]) {
					err = fmt.Errorf("workbook %d read as %s, want %s", i, docText(d), docText(want[i]))
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestDeclValueAsEncodingXML: declValue reads a declaration's encoding
// as encoding/xml does — the label its decoder hands to CharsetReader —
// on declarations put together at random from pieces that make the two
// readings differ if either is read another way (a name without "=", a
// value without its quote, names given twice, the other quote).
func TestDeclValueAsEncodingXML(t *testing.T) {
	pieces := []string{` version="1.0"`, ` encoding="gbk"`, ` encoding='big5'`, ` encoding=gbk`, ` encoding ="x"`,
		` encoding="`, ` encoding=`, ` standalone="yes"`, ` encoding="a'b"`, ` encoding='c"d'`, ` xencoding="e"`, `"`, `'`}
	rng := rand.New(rand.NewPCG(7, 25))
	for n := 0; n < 20000; n++ {
		decl := ""
		for k := rng.IntN(5); k >= 0; k-- {
			decl += pieces[rng.IntN(len(pieces))]
		}
		asked := ""
		d := xml.NewDecoder(strings.NewReader("<?xml" + decl + "?><a/>"))
		d.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
			asked = label
			return r, nil
		}
		for {
			if _, err := d.Token(); err != nil {
				break
			}
		}
		want := declValue("encoding", decl)
		if strings.EqualFold(want, "utf-8") {
			want = ""
		}
		if asked != want {
			t.Fatalf("<?xml%s?>: encoding/xml asked for %q, declValue read %q", decl, asked, want)
		}
	}
}
