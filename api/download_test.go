package api_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"io"
	"mime"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// textWidth is a header's width in Excel's units, a Chinese character two.
func textWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		if r > 0x2e7f {
			w += 2
		} else {
			w++
		}
	}
	return w
}

// fileName reads the RFC 5987 filename* of a Content-Disposition header.
func fileName(t *testing.T, header string) string {
	t.Helper()
	kind, params, err := mime.ParseMediaType(header)
	if err != nil || kind != "attachment" {
		t.Fatalf("Content-Disposition %q: %v", header, err)
	}
	// mime decodes filename* into filename.
	name := params["filename"]
	if !strings.Contains(header, "filename*=UTF-8''") {
		t.Fatalf("no filename* in %q", header)
	}
	for _, r := range header[:strings.Index(header, "filename*")] {
		if r > 0x7e {
			t.Fatalf("raw non-ASCII before filename*: %q", header)
		}
	}
	return name
}

// TestDownloadsOpenBack opens every kind of download as Excel and a CSV
// reader would: the Chinese file name with place and year, one table per
// CSV with its header first, and in the workbook the header frozen, an
// autofilter, widths that fit the headers, shares as percentages and
// counts as numbers.
func TestDownloadsOpenBack(t *testing.T) {
	s := newServer(t)
	cases := []struct {
		url      string
		file     string // without extension
		header   []string
		percent  string // a share column, "" for none
		number   string // a column of counts stored as numbers
		csvTable string // title added to the CSV file name, "" for none
	}{
		{"/api/v1/stats/outcomes?county=乐至县&year=2022&group_by=agency", "乐至县_2022_办理结果", []string{"县（市、区）", "机关", "报告数", "总计"}, "公开率", "总计", ""},
		{"/api/v1/stats/applications?county=乐至县&group_by=year", "乐至县_申请情况", []string{"年度", "报告数", "本年新收"}, "增减率", "本年新收", ""},
		{"/api/v1/stats/reviews?year=2022", "全部_2022_复议诉讼", []string{"范围", "报告数", "行政复议·维持"}, "行政复议·纠错率", "行政复议·总计", ""},
		{"/api/v1/stats/compare?county=乐至县&year=2022", "乐至县_2022_横向比较", []string{"排名", "机关", "公开率"}, "公开率", "", ""},
		{"/api/v1/stats/findings?county=乐至县", "乐至县_报告问题", []string{"规则", "规则名称", "级别", "问题数"}, "", "", "按规则"},
		{"/api/v1/stats/proactive?group_by=edition", "全部_主动公开", []string{"格式版本", "报告数"}, "", "", "主动公开（2021版）"},
		{"/api/v1/reports?county=乐至县", "乐至县_年度报告", []string{"编号", "机关", "县（市、区）", "年度", "格式版本"}, "", "格式版本", ""},
		{"/api/v1/audit", "操作记录", []string{"序号", "时间", "操作人", "操作"}, "", "", ""},
	}
	for _, c := range cases {
		sep := "?"
		if strings.Contains(c.url, "?") {
			sep = "&"
		}
		t.Run("csv "+c.url, func(t *testing.T) {
			w := s.get(c.url + sep + "format=csv")
			if w.Code != 200 {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			want := c.file
			if c.csvTable != "" {
				want += "_" + c.csvTable
			}
			if got := fileName(t, w.Header().Get("Content-Disposition")); got != want+".csv" {
				t.Errorf("file name %q, want %q", got, want+".csv")
			}
			body, ok := bytes.CutPrefix(w.Body.Bytes(), []byte("\ufeff"))
			if !ok {
				t.Fatal("no byte-order mark")
			}
			rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll() // one table: every record as wide as the header
			if err != nil {
				t.Fatalf("not one CSV table: %v", err)
			}
			for i, h := range c.header {
				if rows[0][i] != h {
					t.Errorf("header %d = %q, want %q (a title above the header?)", i, rows[0][i], h)
				}
			}
		})
		t.Run("xlsx "+c.url, func(t *testing.T) {
			w := s.get(c.url + sep + "format=xlsx")
			if w.Code != 200 {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			if got := fileName(t, w.Header().Get("Content-Disposition")); got != c.file+".xlsx" {
				t.Errorf("file name %q, want %q", got, c.file+".xlsx")
			}
			f, err := excelize.OpenReader(bytes.NewReader(w.Body.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			sheet := f.GetSheetList()[0]
			rows, err := f.GetRows(sheet)
			if err != nil {
				t.Fatal(err)
			}
			col := map[string]int{}
			for i, h := range rows[0] {
				col[h] = i + 1
			}
			for i, h := range c.header {
				if rows[0][i] != h {
					t.Errorf("header %d = %q, want %q", i, rows[0][i], h)
				}
				name, _ := excelize.ColumnNumberToName(i + 1)
				width, _ := f.GetColWidth(sheet, name)
				if width < textWidth(h) {
					t.Errorf("column %s (%s) width %.1f narrower than its header (%.0f)", name, h, width, textWidth(h))
				}
			}
			panes, err := f.GetPanes(sheet)
			if err != nil || !panes.Freeze || panes.YSplit != 1 {
				t.Errorf("header not frozen: %+v %v", panes, err)
			}
			filtered := false
			for _, d := range f.GetDefinedName() {
				filtered = filtered || (d.Name == "_xlnm._FilterDatabase" && d.Scope == sheet)
			}
			if !filtered {
				t.Errorf("no autofilter on %s: %+v", sheet, f.GetDefinedName())
			}
			if len(rows) < 2 {
				if c.percent != "" || c.number != "" {
					t.Fatalf("no data rows to check formats")
				}
				return
			}
			if c.percent != "" {
				cell, _ := excelize.CoordinatesToCellName(col[c.percent], 2)
				id, _ := f.GetCellStyle(sheet, cell)
				st, _ := f.GetStyle(id)
				if st == nil || st.CustomNumFmt == nil || !strings.Contains(*st.CustomNumFmt, "%") {
					t.Errorf("%s (%s) is not formatted as a percentage: %+v", c.percent, cell, st)
				}
				if v, _ := f.GetCellValue(sheet, cell); v != "" && !strings.HasSuffix(v, "%") {
					t.Errorf("%s shows %q, want a percentage", c.percent, v)
				}
			}
			if c.number != "" {
				cell, _ := excelize.CoordinatesToCellName(col[c.number], 2)
				if typ, _ := f.GetCellType(sheet, cell); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
					t.Errorf("%s (%s) stored as text", c.number, cell)
				}
			}
		})
	}
	// The n-th table of a result as CSV; a table that is not there is a 400.
	w := s.get("/api/v1/stats/findings?county=" + url.QueryEscape("乐至县") + "&format=csv&table=2")
	if got := fileName(t, w.Header().Get("Content-Disposition")); got != "乐至县_报告问题_按机关.csv" {
		t.Errorf("second table file name %q", got)
	}
	if w := s.get("/api/v1/stats/findings?format=csv&table=3"); w.Code != 400 {
		t.Errorf("table=3 of two: status %d", w.Code)
	}
}

// TestOfficialLayout opens a single report's workbook: the printed tables
// 2–4 with their merged headers, values as numbers where the official
// table puts them, an unprinted cell empty rather than 0.
func TestOfficialLayout(t *testing.T) {
	s := newServer(t)
	w := s.get("/api/v1/reports/" + strconv.FormatInt(s.ids[0], 10) + "?format=xlsx")
	if w.Code != 200 {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	if got := fileName(t, w.Header().Get("Content-Disposition")); got != "乐至县_2022_劳动镇_年度报告.xlsx" {
		t.Errorf("file name %q", got)
	}
	f, err := excelize.OpenReader(bytes.NewReader(w.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != "表二 主动公开,表三 依申请公开,表四 复议诉讼,问题" {
		t.Fatalf("sheets %s", got)
	}
	merged := func(sheet string) map[string]string {
		out := map[string]string{}
		cells, err := f.GetMergeCells(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range cells {
			out[m.GetStartAxis()+":"+m.GetEndAxis()] = m.GetCellValue()
		}
		return out
	}
	m3, m4 := merged("表三 依申请公开"), merged("表四 复议诉讼")
	for rng, want := range map[string]string{"B2:H2": "申请人情况", "C3:G3": "法人或其他组织", "B3:B4": "自然人", "H3:H4": "总计"} {
		if m3[rng] != want {
			t.Errorf("表三 %s = %q, want %q (merged: %v)", rng, m3[rng], want, m3)
		}
	}
	for rng, want := range map[string]string{"A2:E3": "行政复议", "F2:O2": "行政诉讼", "F3:J3": "未经复议直接起诉", "K3:O3": "复议后起诉"} {
		if m4[rng] != want {
			t.Errorf("表四 %s = %q, want %q", rng, m4[rng], want)
		}
	}
	cases := []struct {
		sheet, cell, want string
		number            bool
	}{
		{"表三 依申请公开", "C4", "商业企业", false},
		{"表三 依申请公开", "A5", "一、本年新收政府信息公开申请数量", false},
		{"表三 依申请公开", "B5", "8", true},  // t3.new.natural
		{"表三 依申请公开", "C5", "2", true},  // t3.new.commercial
		{"表三 依申请公开", "H5", "10", true}, // t3.new.total
		{"表三 依申请公开", "D5", "", false},  // t3.new.research not printed: empty, not 0
		{"表三 依申请公开", "A7", "三、本年度办理结果", false},
		{"表四 复议诉讼", "A4", "结果维持", false},
		{"表四 复议诉讼", "A5", "1", true}, // reconsideration upheld
		{"表四 复议诉讼", "E5", "3", true}, // reconsideration total
		{"表四 复议诉讼", "F5", "2", true}, // direct litigation upheld
		{"表四 复议诉讼", "K5", "", false},
		{"表二 主动公开", "A2", "信息内容", false},
		{"表二 主动公开", "A3", "规章", false},
		{"表二 主动公开", "B3", "2", true},
		{"表二 主动公开", "A6", "信息内容", false}, // the next block, after a blank line
		{"表二 主动公开", "A7", "行政许可", false},
		{"问题", "C3", "表三总计列不平衡", false},
	}
	for _, c := range cases {
		got, err := f.GetCellValue(c.sheet, c.cell)
		if err != nil || got != c.want {
			t.Errorf("%s %s = %q (%v), want %q", c.sheet, c.cell, got, err, c.want)
		}
		if typ, _ := f.GetCellType(c.sheet, c.cell); c.number && (typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString) {
			t.Errorf("%s %s stored as text", c.sheet, c.cell)
		}
	}
	// layout=codes keeps the list of codes.
	w = s.get("/api/v1/reports/" + strconv.FormatInt(s.ids[0], 10) + "?format=xlsx&layout=codes")
	codes, err := excelize.OpenReader(bytes.NewReader(w.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer codes.Close()
	if v, _ := codes.GetCellValue(codes.GetSheetList()[0], "A1"); v != "代码" {
		t.Errorf("layout=codes A1 = %q", v)
	}
}

// TestOfficialDOCX opens the Word file of a report: four tables, the
// merged headers as gridSpan and vMerge, the figures where the XLSX has
// them.
func TestOfficialDOCX(t *testing.T) {
	s := newServer(t)
	w := s.get("/api/v1/reports/" + strconv.FormatInt(s.ids[0], 10) + "?format=docx")
	if w.Code != 200 {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	if got := fileName(t, w.Header().Get("Content-Disposition")); got != "乐至县_2022_劳动镇_年度报告.docx" {
		t.Errorf("file name %q", got)
	}
	zr, err := zip.NewReader(bytes.NewReader(w.Body.Bytes()), int64(w.Body.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var doc []byte
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			rc, _ := f.Open()
			doc, _ = io.ReadAll(rc)
			rc.Close()
		}
	}
	type tc struct {
		Span *struct {
			Val string `xml:"val,attr"`
		} `xml:"tcPr>gridSpan"`
		Merge *struct {
			Val string `xml:"val,attr"`
		} `xml:"tcPr>vMerge"`
		Text []string `xml:"p>r>t"`
	}
	var parsed struct {
		Tables []struct {
			Grid []struct{} `xml:"tblGrid>gridCol"`
			Rows []struct {
				Cells []tc `xml:"tc"`
			} `xml:"tr"`
		} `xml:"body>tbl"`
	}
	if err := xml.Unmarshal(doc, &parsed); err != nil {
		t.Fatalf("document.xml: %v", err)
	}
	if len(parsed.Tables) != 4 {
		t.Fatalf("%d tables, want 4", len(parsed.Tables))
	}
	text := func(c tc) string { return strings.Join(c.Text, "") }
	t3, t4 := parsed.Tables[1], parsed.Tables[2]
	// Every row of a table covers its whole grid.
	for i, tb := range parsed.Tables {
		for r, row := range tb.Rows {
			n := 0
			for _, c := range row.Cells {
				if c.Span != nil {
					k, _ := strconv.Atoi(c.Span.Val)
					n += k
				} else {
					n++
				}
			}
			if n != len(tb.Grid) {
				t.Errorf("table %d row %d covers %d of %d columns", i+1, r+1, n, len(tb.Grid))
			}
		}
	}
	head := t3.Rows[0].Cells
	if text(head[1]) != "申请人情况" || head[1].Span == nil || head[1].Span.Val != "7" || head[0].Merge == nil || head[0].Merge.Val != "restart" {
		t.Errorf("表三 first header row: %+v", head)
	}
	if text(t3.Rows[1].Cells[1]) != "自然人" || t3.Rows[2].Cells[1].Merge == nil || t3.Rows[2].Cells[1].Merge.Val != "" {
		t.Errorf("表三 自然人 does not span two rows: %+v / %+v", t3.Rows[1].Cells[1], t3.Rows[2].Cells[1])
	}
	newRow := t3.Rows[3].Cells // 一、本年新收: natural 8, commercial 2, research not printed, total 10
	if text(newRow[0]) != "一、本年新收政府信息公开申请数量" || text(newRow[1]) != "8" || text(newRow[3]) != "" || text(newRow[7]) != "10" {
		t.Errorf("表三 new row: %q %q %q %q", text(newRow[0]), text(newRow[1]), text(newRow[3]), text(newRow[7]))
	}
	if text(t4.Rows[0].Cells[0]) != "行政复议" || t4.Rows[0].Cells[0].Span.Val != "5" || text(t4.Rows[3].Cells[4]) != "3" {
		t.Errorf("表四: %q span %v, reconsideration total %q", text(t4.Rows[0].Cells[0]), t4.Rows[0].Cells[0].Span, text(t4.Rows[3].Cells[4]))
	}
}

// TestAssessmentCSVOneTable: the score sheet's CSV is one table (the
// deductions and the summary with table=2, 3), each named after it.
func TestAssessmentCSVOneTable(t *testing.T) {
	s := newServer(t)
	for n, title := range map[string]string{"": "评分表", "2": "", "3": ""} {
		u := "/api/v1/assessment?county=" + url.QueryEscape("乐至县") + "&year=2022&format=csv"
		if n != "" {
			u += "&table=" + n
		}
		w := s.get(u)
		if w.Code != 200 {
			t.Fatalf("%s: %d %s", u, w.Code, w.Body)
		}
		name := fileName(t, w.Header().Get("Content-Disposition"))
		if !strings.HasPrefix(name, "乐至县2022年度政府信息公开年报评分表_") || (title != "" && !strings.Contains(name, title)) {
			t.Errorf("table %q file name %q", n, name)
		}
		body, _ := bytes.CutPrefix(w.Body.Bytes(), []byte("\ufeff"))
		if _, err := csv.NewReader(bytes.NewReader(body)).ReadAll(); err != nil {
			t.Errorf("table %q is not one CSV table: %v", n, err)
		}
	}
}
