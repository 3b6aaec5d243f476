package document_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"nianbao/ingest/document"
	"nianbao/internal/corpus"
	"nianbao/report"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// docxFrom zips a word/document.xml fixture into a .docx.
func docxFrom(t testing.TB, documentXML []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range map[string][]byte{
		"[Content_Types].xml": []byte(`<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`),
		"word/document.xml":   documentXML,
	} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(content); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func lines(text string) []string {
	return strings.Split(strings.TrimSuffix(text, "\n"), "\n")
}

type line struct {
	text   string
	origin document.Origin
}

func TestReadExact(t *testing.T) {
	prose := document.Origin{}
	tbl := func(table, row int, cols ...int) document.Origin {
		return document.Origin{Table: table, Row: row, Cols: cols}
	}
	cases := []struct {
		name      string
		file      string
		data      []byte
		format    string
		published string
		want      []line
	}{
		{
			name: "html rowspan and nested layout table", file: "rowspan.html", data: readFixture(t, "rowspan.html"),
			format: "html", published: "2024-01-15",
			want: []line{
				{"石桥镇2023年政府信息公开工作年度报告", prose},
				{"发布时间:2024年01月15日来源：石桥镇", prose},
				{"一、总体情况", prose},
				{"2023年，石桥镇共收到政府信息公开申请3件。", prose},
				{"（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） | 申请人情况 |", tbl(1, 1, 1, 4)},
				{"自然人 | 总计 |", tbl(1, 2, 4, 5)},
				{"一、本年新收政府信息公开申请数量 | 3 | 3 |", tbl(1, 3, 1, 4, 5)},
				{"三、本年度办理结果 | （一）予以公开 | 2 | 2 |", tbl(1, 4, 1, 2, 4, 5)},
				{"（三）不予公开 | 1.属于国家秘密 | | 0 |", tbl(1, 5, 2, 3, 4, 5)},
				{"2.其他法律行政法规禁止公开 | 1 | 1 |", tbl(1, 6, 3, 4, 5)},
				{"（七）总计 | 3 | 3 |", tbl(1, 7, 2, 4, 5)},
				{"四、政府信息公开行政复议、行政诉讼情况", prose},
				{"行政复议 |", tbl(2, 1, 1)},
				{"结果维持 | 总计 |", tbl(2, 2, 1, 2)},
				{"0 | 0 |", tbl(2, 3, 1, 2)},
				{"主办：石桥镇人民政府", prose},
			},
		},
		{
			name: "docx vMerge gridSpan gridBefore", file: "shiqiao.docx", data: docxFrom(t, readFixture(t, "vmerge_document.xml")),
			format: "docx", published: "2024-01-15",
			want: []line{
				{"石桥镇2023年政府信息公开工作年度报告", prose},
				{"发布日期：2024-01-15", prose},
				{"三、本年度办理结果 | （一）予以公开 | 2 |", tbl(1, 1, 1, 2, 4)},
				{"（三）不予公开 | 1.属于国家秘密 | 0 |", tbl(1, 2, 2, 3, 4)},
				{"2.其他法律行政法规禁止公开 | |", tbl(1, 3, 3, 4)},
				{"（七）总计 | 3 |", tbl(1, 4, 2, 4)},
				{"四、结转下年度继续办理 0", prose},
				{"文本框", prose}, // once: mc:Fallback repeats mc:Choice
			},
		},
		{
			name: "utf-16 LE with BOM", file: "a.txt", data: readFixture(t, "utf16le.txt"), format: "text",
			want: []line{{"石桥镇2023年政府信息公开工作年度报告", prose}, {"一、本年新收政府信息公开申请数量 | 3 |", prose}},
		},
		{
			name: "utf-16 BE with BOM", file: "a.txt", data: readFixture(t, "utf16be.txt"), format: "text",
			want: []line{{"石桥镇2023年政府信息公开工作年度报告", prose}, {"一、本年新收政府信息公开申请数量 | 3 |", prose}},
		},
		{
			name: "utf-8 BOM, no extension", file: "report", data: append([]byte{0xEF, 0xBB, 0xBF}, "规章 | 0 |\n"...), format: "text",
			want: []line{{"规章 | 0 |", prose}},
		},
		{
			name: "GBK plain text without declaration", file: "gbk.txt", data: []byte{0xB9, 0xE6, 0xD5, 0xC2, ' ', '|', ' ', '0', ' ', '|'}, format: "text",
			want: []line{{"规章 | 0 |", prose}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc, err := document.Read(c.file, c.data)
			if err != nil {
				t.Fatal(err)
			}
			if doc.Format != c.format || doc.PublishedOn != c.published || doc.Name != c.file {
				t.Errorf("format %q published %q name %q, want %q %q %q", doc.Format, doc.PublishedOn, doc.Name, c.format, c.published, c.file)
			}
			got := lines(doc.Text)
			for i := 0; i < max(len(got), len(c.want)); i++ {
				var g, w string
				if i < len(got) {
					g = got[i]
				}
				if i < len(c.want) {
					w = c.want[i].text
				}
				if g != w {
					t.Errorf("line %d = %q, want %q", i+1, g, w)
					continue
				}
				if doc.Origins == nil {
					continue
				}
				if i >= len(doc.Origins) {
					t.Errorf("line %d has no origin", i+1)
					continue
				}
				if !reflect.DeepEqual(doc.Origins[i], c.want[i].origin) {
					t.Errorf("line %d origin = %+v, want %+v", i+1, doc.Origins[i], c.want[i].origin)
				}
			}
			if doc.Origins != nil && len(doc.Origins) != len(got) {
				t.Errorf("%d origins for %d lines", len(doc.Origins), len(got))
			}
		})
	}
}

// A GBK page declaring its charset reads exactly as its UTF-8 twin.
func TestGBKTwin(t *testing.T) {
	gbk, err := document.Read("gbk.html", readFixture(t, "report2021_gbk.html"))
	if err != nil {
		t.Fatal(err)
	}
	utf, err := document.Read("utf8.html", readFixture(t, "report2021_utf8.html"))
	if err != nil {
		t.Fatal(err)
	}
	if gbk.Text != utf.Text || !reflect.DeepEqual(gbk.Origins, utf.Origins) {
		t.Errorf("GBK and UTF-8 twins differ:\n%s\n---\n%s", gbk.Text, utf.Text)
	}
	for _, want := range []string{
		"乐至县劳动镇人民政府2022年政府信息公开工作年度报告",
		report.SyntheticMarker,
		"三、本年度办理结果 | （一）予以公开 | 25 | 26 | 27 | 28 | 29 | 30 | 31 |",
		"3.危及“三安全一稳定” | 53 | 54 | 55 | 56 | 57 | 58 | 59 |",
		"行政事业性收费 | 7730.28 |",
	} {
		if !containsLine(gbk.Text, want) {
			t.Errorf("GBK page lacks line %q", want)
		}
	}
	if gbk.PublishedOn != "2023-01-20" {
		t.Errorf("published %q, want 2023-01-20", gbk.PublishedOn)
	}
	if strings.Contains(gbk.Text, "_hmt") || strings.Contains(gbk.Text, "border-collapse") {
		t.Error("script or style text leaked into the page text")
	}
}

func containsLine(text, line string) bool {
	for _, l := range lines(text) {
		if l == line {
			return true
		}
	}
	return false
}

func TestReadErrors(t *testing.T) {
	cases := []struct {
		file string
		data []byte
		want error
	}{
		{"report.doc", readFixture(t, "legacy.doc"), document.ErrLegacyOffice},
		{"renamed.docx", readFixture(t, "legacy.doc"), document.ErrLegacyOffice},
		{"report.docx", readFixture(t, "corrupt.docx"), document.ErrCorruptZip},
		{"report.xlsx", []byte("this is not a workbook"), document.ErrCorruptZip},
		{"scan.pdf", readFixture(t, "no_text_layer.pdf"), document.ErrNoTextLayer},
		{"image.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), document.ErrImageUnreadable},
		{"report.bin", []byte("\x00\x01binary\x00"), document.ErrUnsupported},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			_, err := document.Read(c.file, c.data)
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			if !strings.Contains(err.Error(), c.file) {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
	t.Run("pdftotext missing", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		_, err := document.Read("a.pdf", readFixture(t, "no_text_layer.pdf"))
		if !errors.Is(err, document.ErrNoPdftotext) || !strings.Contains(err.Error(), "apt-get install poppler-utils") {
			t.Fatalf("err = %v, want ErrNoPdftotext naming apt-get install poppler-utils", err)
		}
	})
	if !strings.Contains(document.ErrLegacyOffice.Error(), "libreoffice --headless --convert-to docx") {
		t.Error("legacy .doc error does not say how to convert")
	}
}

var spaces = regexp.MustCompile(`\s+`)

func TestRealPDFs(t *testing.T) {
	peer := corpus.Dir(t, "peer")
	cases := []struct {
		file  string
		lines map[string]int // line (whitespace collapsed) -> page
		pages int
	}{
		{"hzq2024_working.pdf", map[string]int{
			"一、本年新收政府信息公开申请数量 95 0 0 0 0 0 95":       3,
			"1 1 0 0 2 1 0 0 0 1 2 0 1 0 3":          4, // table 4: 15 numbers
			"行政规范性文件 3 0 8":                          2,
			"行政事业性收费 7545":                           3,
			"（四）无法提供 1.本机关不掌握相关政府信息 31 0 0 0 0 0 31": 3,
			"（七）总计 95 0 0 0 0 0 95":                  4,
		}, 5},
		{"hzq2023_working.pdf", map[string]int{
			"一、本年新收政府信息公开申请数量 21 0 0 0 0 0 21": 3,
			"10 1 0 0 0 0 0 0 0 0 5 0 0 0 0":   4,
			"行政事业性收费 7730.28":                  3,
			"4 0 0 0 0 0 4":                    3, // 部分公开, below its wrapped label
			"四、结转下年度继续办理 0 0 0 0 0 0 0":        4,
		}, 5},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(peer, c.file))
			if err != nil {
				t.Skipf("corpus file missing: %v", err)
			}
			doc, err := document.Read(c.file, data)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			last := 0
			for i, l := range lines(doc.Text) {
				l = strings.TrimSpace(spaces.ReplaceAllString(l, " "))
				if _, ok := c.lines[l]; ok {
					got[l] = doc.Origins[i].Page
				}
				if regexp.MustCompile(`^-\s*\d+\s*-$`).MatchString(l) {
					t.Errorf("page-number line %q kept (page %d)", l, doc.Origins[i].Page)
				}
				last = max(last, doc.Origins[i].Page)
			}
			for l, page := range c.lines {
				p, ok := got[l]
				if !ok {
					t.Errorf("no line %q", l)
				} else if p != page {
					t.Errorf("line %q on page %d, want %d", l, p, page)
				}
			}
			if last != c.pages {
				t.Errorf("%d pages, want %d", last, c.pages)
			}
		})
	}
}

func TestXLSXLayout(t *testing.T) {
	doc, err := document.Read("report2021.xlsx", readFixture(t, "report2021.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Format != "xlsx" || doc.Reports != nil {
		t.Fatalf("format %q, %d reports; want an xlsx layout document", doc.Format, len(doc.Reports))
	}
	want := map[string][]int{
		"三、本年度办理结果 | （一）予以公开 | 25 | 26 | 27 | 28 | 29 | 30 | 31 |": {1, 2, 4, 5, 6, 7, 8, 9, 10},
		"2.其他法律行政法规禁止公开 | 46 | 47 | 48 | 49 | 50 | 51 | 52 |":      {3, 4, 5, 6, 7, 8, 9, 10},
		"（七）总计 | 172 | 173 | 174 | 175 | 176 | 177 | 178 |":        {2, 4, 5, 6, 7, 8, 9, 10},
		"行政许可 | 7 |":          {1, 2},
		"行政事业性收费 | 7730.28 |": {1, 2},
		"186 | 187 | 188 | 189 | 190 | 191 | 192 | 193 | 194 | 195 | 196 | 197 | 198 | 199 | 200 |": {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
		"结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | 复议后起诉 |":                                       {1, 2, 3, 4, 5, 6, 11},
		report.SyntheticMarker + " |": {1},
	}
	for i, l := range lines(doc.Text) {
		if cols, ok := want[l]; ok {
			if !reflect.DeepEqual(doc.Origins[i].Cols, cols) {
				t.Errorf("line %q cols %v, want %v", l, doc.Origins[i].Cols, cols)
			}
			delete(want, l)
		}
	}
	for l := range want {
		t.Errorf("no line %q in\n%s", l, doc.Text)
	}
}

// The template the county offices fill, filled and read back, gives one
// report per row with exactly the cells typed in.
func TestSummaryWorkbookRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	if err := document.WriteSummaryTemplate(&buf, "all"); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{"汇总", "说明"}) {
		t.Fatalf("sheets %v, want [汇总 说明]", got)
	}
	header, err := f.GetRows("汇总")
	if err != nil || len(header) != 1 {
		t.Fatalf("template rows %v, %v", len(header), err)
	}
	col := map[string]int{}
	for i, h := range header[0] {
		col[h] = i + 1
	}
	for _, h := range []string{"机关", "县（区）", "年度", "版本", report.Label("t3.new.total"), report.Label("t2.procurement.amount")} {
		if col[h] == 0 {
			t.Fatalf("template lacks column %q", h)
		}
	}
	help, _ := f.GetRows("说明")
	if len(help) != len(header[0])+1 || help[5][1] != "t2.regulations.issued" || help[5][2] != report.Label("t2.regulations.issued") {
		t.Fatalf("说明 sheet: %d rows, row 6 = %v", len(help), help[5])
	}
	set := func(row int, label string, v any) {
		t.Helper()
		cell, _ := excelize.CoordinatesToCellName(col[label], row)
		if err := f.SetCellValue("汇总", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	set(2, "机关", "劳动镇人民政府")
	set(2, "县（区）", "乐至县")
	set(2, "年度", 2022)
	set(2, "版本", "2021")
	set(2, report.Label("t3.new.natural"), 3)
	set(2, report.Label("t3.new.total"), 3)
	set(2, report.Label("t3.other.overdue_correction.total"), 1)
	set(2, report.Label("t3.other.unpaid_fee.total"), 0)
	set(2, report.Label("t3.other.other.total"), 2)
	set(2, report.Label("t2.fees.amount"), 1.5)
	set(2, report.Label("t4.reconsideration.total"), "—")
	set(3, "机关", "石桥镇人民政府")
	set(3, "县（区）", "乐至县")
	set(3, "年度", "2020年")
	set(3, report.Label("t2.procurement.amount"), 12.25)
	set(3, report.Label("t3.new.total"), "三")
	var out bytes.Buffer
	if _, err := f.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	doc, err := document.Read("乐至县汇总.xlsx", out.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if doc.Text != "" || len(doc.Reports) != 2 {
		t.Fatalf("text %q, %d reports; want 2 reports and no text", doc.Text, len(doc.Reports))
	}
	r := doc.Reports[0]
	if r.Agency != "劳动镇人民政府" || r.County != "乐至县" || r.Year != 2022 || r.Edition != "2021" || r.Format != "xlsx" || r.File != "乐至县汇总.xlsx" {
		t.Errorf("report 1 meta = %q %q %d %q %q %q", r.Agency, r.County, r.Year, r.Edition, r.Format, r.File)
	}
	wantCells := map[string]float64{
		"t3.new.natural": 3, "t3.new.total": 3, "t2.fees.amount": 1.5, "t4.reconsideration.total": 0,
		"t3.other.overdue_correction.total": 1, "t3.other.unpaid_fee.total": 0, "t3.other.other.total": 2,
		"t3.other.total": 3, // derived
	}
	if !reflect.DeepEqual(r.Cells, wantCells) {
		t.Errorf("report 1 cells = %v, want %v", r.Cells, wantCells)
	}
	if s := r.Sources["t3.new.total"]; s.Row != 2 || s.Col != col[report.Label("t3.new.total")] || s.Raw != "3" {
		t.Errorf("source of t3.new.total = %+v", s)
	}
	r = doc.Reports[1]
	if r.Agency != "石桥镇人民政府" || r.Year != 2020 || r.Edition != "2019" {
		t.Errorf("report 2 meta = %q %d %q", r.Agency, r.Year, r.Edition)
	}
	if !reflect.DeepEqual(r.Cells, map[string]float64{"t2.procurement.amount": 12.25}) {
		t.Errorf("report 2 cells = %v", r.Cells)
	}
	if len(r.Findings) != 1 || r.Findings[0].Rule != report.RuleAmbiguous || !reflect.DeepEqual(r.Findings[0].Cells, []string{"t3.new.total"}) {
		t.Errorf("report 2 findings = %+v, want one for the non-number 三", r.Findings)
	}
}

// A summary sheet may name its columns by code rather than label.
func TestSummaryWorkbookCodes(t *testing.T) {
	f := excelize.NewFile()
	rows := [][]any{
		{"说明：本表由县政务公开办汇总"},
		{"agency", "county", "year", "t3.new.total", "t3.carried_over.total", "t3.total.total", "t3.carry_forward.total"},
		{"甲局", "乙县", 2023, 5, 1, 4, 2},
		{},
		{"丙局", "乙县", 2023, 5, 0, 4, 0},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	if _, err := f.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	doc, err := document.Read("sum.xlsx", out.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Reports) != 2 {
		t.Fatalf("%d reports, want 2", len(doc.Reports))
	}
	if len(doc.Reports[0].Findings) != 0 {
		t.Errorf("balanced report has findings %+v", doc.Reports[0].Findings)
	}
	if f := doc.Reports[1].Findings; len(f) != 1 || f[0].Rule != report.RuleBalance {
		t.Errorf("unbalanced report (5+0 ≠ 4+0) findings = %+v, want one %s", f, report.RuleBalance)
	}
}

func TestManifest(t *testing.T) {
	want := []document.ManifestEntry{
		{File: "laodong-2022.txt", Agency: "劳动镇人民政府", County: "乐至县", Year: 2022, DivisionCode: "510922100", PublishedOn: "2023-01-20"},
		{File: "shiqiao.html", Agency: "石桥镇人民政府", County: "乐至县", Year: 2023, PublishedOn: "2024-01-05"},
	}
	for _, dir := range []string{"manifest_gbk", "manifest_utf8"} {
		t.Run(dir, func(t *testing.T) {
			m, err := document.LoadManifest(filepath.Join("testdata", dir))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(m.Entries, want) {
				t.Errorf("entries = %+v, want %+v", m.Entries, want)
			}
			e, ok := m.Lookup(filepath.Join("testdata", dir, "shiqiao.html"))
			if !ok || e != want[1] {
				t.Errorf("Lookup by path = %+v %v", e, ok)
			}
			if _, ok := m.Lookup("other.pdf"); ok {
				t.Error("Lookup found a file not listed")
			}
		})
	}
	if _, err := document.LoadManifest(t.TempDir()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing manifest: err = %v, want fs.ErrNotExist", err)
	}
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "manifest.csv"), []byte("file,year\na.pdf,二〇二三\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := document.LoadManifest(bad); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("bad year: err = %v, want one naming line 2", err)
	}
	// 区县代码 tells counties of one name apart; anything but six digits is
	// refused with its line.
	codes := t.TempDir()
	if err := os.WriteFile(filepath.Join(codes, "manifest.csv"), []byte("文件,县（区）,区县代码\na.txt,市中区,370402\nb.txt,市中区,37040\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := document.LoadManifest(codes); err == nil || !strings.Contains(err.Error(), "line 3") || !strings.Contains(err.Error(), "37040") {
		t.Errorf("bad county code: err = %v, want one naming line 3 and the code", err)
	}
	if err := os.WriteFile(filepath.Join(codes, "manifest.csv"), []byte("文件,县（区）,区县代码\na.txt,市中区,370402\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if m, err := document.LoadManifest(codes); err != nil || len(m.Entries) != 1 || m.Entries[0].CountyCode != "370402" || m.Entries[0].County != "市中区" {
		t.Errorf("county code: %+v %v", m.Entries, err)
	}
}

func TestFindPublishedOn(t *testing.T) {
	cases := map[string]string{
		"发布日期：2023-01-15 来源：":                "2023-01-15",
		"发布时间:2023年01月15日":                   "2023-01-15",
		"成文日期： 2022年1月5日":                    "2022-01-05",
		"发布时间：2024/2/3 10:00":                "2024-02-03",
		"统计期限自2023年1月1日起":                    "",
		"发布日期：2023-13-01":                    "",
		"（发布日期 2021.12.31）正文如下":              "2021-12-31",
		"发布日期：2023-13-01；更正后发布日期：2023-02-01": "2023-02-01",
		"成文日期：2022年12月30日\n发布时间：2023年1月5日":   "2022-12-30",
		// Issue 19: a leading 0 was read as octal and 08, 09 lost the date.
		"发布日期：2023-02-08":  "2023-02-08",
		"发布时间：2023年01月09日": "2023-01-09",
		"成文日期：二〇二三年二月八日":   "2023-02-08",
		"发布日期：２０２３年２月８日":   "2023-02-08",
		"发布日期：2023-02-30":  "",
		"标题: 海城镇2022年政府信息公开工作年度报告\n发布时间: 2023-01-09\n原文链接: https://www.example.gov.cn/a.html": "2023-01-09",
	}
	for in, want := range cases {
		if got := document.FindPublishedOn(in); got != want {
			t.Errorf("FindPublishedOn(%q) = %q, want %q", in, got, want)
		}
	}
}

// BenchmarkReadFixture reads one fixture of each format, PDF included
// (BenchmarkRead reads the national sample).
func BenchmarkReadFixture(b *testing.B) {
	seed, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "corpus", "seed", "laodong-2022.txt"))
	if err != nil {
		seed = readFixture(b, "utf16le.txt")
	}
	cases := []struct{ format, file string }{
		{"text", "seed.txt"},
		{"html", "report2021_gbk.html"},
		{"docx", "report2021.docx"},
		{"xlsx", "report2021.xlsx"},
		{"pdf", "report2021.pdf"},
	}
	for _, c := range cases {
		data := seed
		if c.format != "text" {
			data = readFixture(b, c.file)
		}
		b.Run(c.format, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := document.Read(c.file, data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestHTMLMetaPublished: a CMS page's meta tag dates, read by the one
// date reader (08 and 09 are days, not bad octal numbers).
func TestHTMLMetaPublished(t *testing.T) {
	for content, want := range map[string]string{
		"2023-02-08 10:20:00": "2023-02-08",
		"2023/1/9":            "2023-01-09",
		"2023年01月09日":         "2023-01-09",
		"2023-02-30":          "",
	} {
		page := `<html><head><meta name="PubDate" content="` + content + `"></head><body><p>某镇人民政府2022年政府信息公开工作年度报告</p></body></html>`
		doc, err := document.Read("page.html", []byte(page))
		if err != nil {
			t.Fatal(err)
		}
		if doc.PublishedOn != want {
			t.Errorf("meta PubDate %q: published_on %q, want %q", content, doc.PublishedOn, want)
		}
	}
}
