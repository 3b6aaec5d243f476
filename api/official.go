package api

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"nianbao/internal/cellsafe"
	"nianbao/query"
	"nianbao/report"
)

// The official layout of one report: the printed tables 2–4 of the annual
// report (国办公开办函 templates) and the findings, laid out once as grids
// of merged cells, then written as XLSX (OfficialXLSX) or DOCX
// (OfficialDOCX), so the two files cannot disagree.

// gridCell is one cell of a printed table, spanning rows and columns.
type gridCell struct {
	Row, Col         int // 1-based, within the table
	RowSpan, ColSpan int
	Text             string
	Value            *float64 // a figure; nil with Text "" is a blank cell
	Head             bool
	Number           bool // a value cell (blank when the report does not print it)
}

type officialTable struct {
	Sheet, Title string
	Cols         int
	Cells        []gridCell
	Widths       []float64 // column widths in Excel units
	FreezeRow    int       // header rows kept in view (0 = none)
}

func (t *officialTable) head(r, c, rs, cs int, text string) {
	t.Cells = append(t.Cells, gridCell{Row: r, Col: c, RowSpan: rs, ColSpan: cs, Text: text, Head: true})
}

func (t *officialTable) label(r, c, cs int, text string) {
	t.Cells = append(t.Cells, gridCell{Row: r, Col: c, RowSpan: 1, ColSpan: cs, Text: text})
}

func (t *officialTable) value(r, c int, d *query.ReportDetail, code report.Code) {
	cell := gridCell{Row: r, Col: c, RowSpan: 1, ColSpan: 1, Number: true}
	if x, ok := d.Cells[code.String()]; ok {
		cell.Value = &x
	}
	t.Cells = append(t.Cells, cell)
}

// rows is the number of rows the table uses.
func (t officialTable) rows() int {
	n := 0
	for _, c := range t.Cells {
		n = max(n, c.Row+c.RowSpan-1)
	}
	return n
}

// officialLayout lays out d's tables 2–4 and findings.
func officialLayout(d *query.ReportDetail) []officialTable {
	tl := report.Layout(d.Edition)
	return []officialTable{layoutT2(d, tl[0]), layoutT3(d, tl[1]), layoutT4(d, tl[2]), layoutFindings(d)}
}

// layoutT2 is 主动公开政府信息情况 (report.Layout): a block per run of rows
// sharing the same columns, each under its own header row 信息内容 | columns.
func layoutT2(d *query.ReportDetail, tl report.TableLayout) officialTable {
	t := officialTable{Sheet: "表二 主动公开", Title: tl.Title, Cols: 1}
	for _, b := range tl.Blocks {
		t.Cols = max(t.Cols, len(b.Columns)+1)
	}
	line, prev := 1, ""
	for _, b := range tl.Blocks {
		var keys []string
		for _, c := range b.Columns {
			keys = append(keys, c.Key)
		}
		if h := strings.Join(keys, "|"); h != prev {
			if prev != "" {
				line++ // a blank line between blocks, as printed
			}
			t.head(line, 1, 1, 1, "信息内容")
			for i, c := range b.Columns {
				t.head(line, i+2, 1, 1, c.Label)
			}
			line++
			prev = h
		}
		for _, r := range b.Rows {
			t.label(line, 1, 1, r.Label)
			for i, code := range r.Cells {
				t.value(line, i+2, d, code)
			}
			line++
		}
	}
	t.Widths = []float64{24}
	for i := 1; i < t.Cols; i++ {
		t.Widths = append(t.Widths, 16)
	}
	return t
}

// layoutT3 is 收到和处理政府信息公开申请情况 with its three header rows:
// 申请人情况 over 自然人, 法人或其他组织 (its five kinds) and 总计.
func layoutT3(d *query.ReportDetail, tl report.TableLayout) officialTable {
	b := tl.Blocks[0]
	t := officialTable{Sheet: "表三 依申请公开", Title: tl.Title, Cols: 8, FreezeRow: 3}
	t.head(1, 1, 3, 1, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）")
	t.head(1, 2, 1, 7, "申请人情况")
	t.head(2, 2, 2, 1, b.Columns[0].Label)
	t.head(2, 3, 1, 5, "法人或其他组织")
	t.head(2, 8, 2, 1, b.Columns[6].Label)
	for i, c := range b.Columns[1:6] {
		t.head(3, i+3, 1, 1, c.Label)
	}
	line, results := 4, false
	for _, r := range b.Rows {
		if r.Result && !results {
			t.label(line, 1, 8, "三、本年度办理结果")
			line++
			results = true
		}
		t.label(line, 1, 1, r.Label)
		for i, code := range r.Cells {
			t.value(line, i+2, d, code)
		}
		line++
	}
	t.Widths = []float64{46, 11, 11, 11, 11, 11, 11, 11}
	return t
}

// layoutT4 is 政府信息公开行政复议、行政诉讼情况: 行政复议 (five columns)
// beside 行政诉讼, split into 未经复议直接起诉 and 复议后起诉.
func layoutT4(d *query.ReportDetail, tl report.TableLayout) officialTable {
	b := tl.Blocks[0]
	t := officialTable{Sheet: "表四 复议诉讼", Title: tl.Title, Cols: 15}
	n := len(b.Columns)
	col := 1
	for i, g := range b.Rows {
		switch {
		case g.Group == "":
			t.head(1, col, 2, n, g.Item)
		default:
			if i == 0 || b.Rows[i-1].Group != g.Group {
				span := 0
				for _, next := range b.Rows[i:] {
					if next.Group == g.Group {
						span += n
					}
				}
				t.head(1, col, 1, span, g.Group)
			}
			t.head(2, col, 1, n, g.Item)
		}
		col += n
	}
	col = 1
	for _, g := range b.Rows {
		for i, code := range g.Cells {
			t.head(3, col, 1, 1, b.Columns[i].Label)
			t.value(4, col, d, code)
			col++
		}
	}
	for range 15 {
		t.Widths = append(t.Widths, 10)
	}
	return t
}

func layoutFindings(d *query.ReportDetail) officialTable {
	t := officialTable{Sheet: "问题", Title: "检查发现的问题", Cols: 3, Widths: []float64{36, 8, 70}}
	for i, h := range []string{"规则", "级别", "说明"} {
		t.head(1, i+1, 1, 1, h)
	}
	for i, fd := range d.Findings {
		rule, sev := fd.Rule, fd.Severity
		if l, ok := report.RuleLabels[rule]; ok {
			rule = l
		}
		if l, ok := report.SeverityLabels[sev]; ok {
			sev = l
		}
		for j, v := range []string{rule, sev, fd.Message} {
			t.label(i+2, j+1, 1, v)
		}
	}
	return t
}

func tableTitle(d *query.ReportDetail, t officialTable) string {
	return fmt.Sprintf("%s %d年度 %s", d.Agency, d.Year, t.Title)
}

// OfficialXLSX writes the official layout as a workbook: one sheet per
// table under a merged title row, borders, merged headers, values as
// numbers, a cell the report does not print left empty (not 0).
func OfficialXLSX(d *query.ReportDetail) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	border := []excelize.Border{{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1}}
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 13}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	if err != nil {
		return nil, fmt.Errorf("xlsx style: %w", err)
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: border, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	if err != nil {
		return nil, fmt.Errorf("xlsx style: %w", err)
	}
	label, err := f.NewStyle(&excelize.Style{Border: border, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	if err != nil {
		return nil, fmt.Errorf("xlsx style: %w", err)
	}
	num, err := f.NewStyle(&excelize.Style{Border: border, NumFmt: 3, Alignment: &excelize.Alignment{Vertical: "center"}})
	if err != nil {
		return nil, fmt.Errorf("xlsx style: %w", err)
	}
	for i, t := range officialLayout(d) {
		sh := t.Sheet
		if i == 0 {
			err = f.SetSheetName("Sheet1", sh)
		} else {
			_, err = f.NewSheet(sh)
		}
		if err != nil {
			return nil, fmt.Errorf("xlsx sheet: %w", err)
		}
		last, _ := excelize.ColumnNumberToName(t.Cols)
		if err := f.SetCellValue(sh, "A1", cellsafe.Text(tableTitle(d, t))); err != nil {
			return nil, err
		}
		if err := f.MergeCell(sh, "A1", last+"1"); err != nil {
			return nil, err
		}
		if err := f.SetCellStyle(sh, "A1", last+"1", title); err != nil {
			return nil, err
		}
		if err := f.SetRowHeight(sh, 1, 28); err != nil {
			return nil, err
		}
		// Table rows start on sheet row 2.
		for _, c := range t.Cells {
			a, _ := excelize.CoordinatesToCellName(c.Col, c.Row+1)
			b, _ := excelize.CoordinatesToCellName(c.Col+c.ColSpan-1, c.Row+c.RowSpan)
			style := label
			switch {
			case c.Head:
				style = head
			case c.Number:
				style = num
			}
			var v any = cellsafe.Text(c.Text)
			if c.Number {
				v = nil
				if c.Value != nil {
					v = *c.Value
				}
			}
			if err := f.SetCellValue(sh, a, v); err != nil {
				return nil, fmt.Errorf("xlsx %s: %w", a, err)
			}
			if err := f.SetCellStyle(sh, a, b, style); err != nil {
				return nil, err
			}
			if a != b {
				if err := f.MergeCell(sh, a, b); err != nil {
					return nil, err
				}
			}
		}
		for j, w := range t.Widths {
			col, _ := excelize.ColumnNumberToName(j + 1)
			if err := f.SetColWidth(sh, col, col, w); err != nil {
				return nil, err
			}
		}
		if t.FreezeRow > 0 {
			top, _ := excelize.CoordinatesToCellName(2, t.FreezeRow+2)
			if err := f.SetPanes(sh, &excelize.Panes{Freeze: true, XSplit: 1, YSplit: t.FreezeRow + 1, TopLeftCell: top, ActivePane: "bottomRight"}); err != nil {
				return nil, err
			}
		}
	}
	f.SetActiveSheet(0)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, fmt.Errorf("xlsx write: %w", err)
	}
	return buf.Bytes(), nil
}

// OfficialDOCX writes the official layout as a Word document (WordprocessingML):
// a heading per table, then the table with its merged headers (gridSpan
// across columns, vMerge down rows) and borders, landscape A4 so table 4's
// fifteen columns fit. Word and WPS open it; offices paste it into the
// report they publish.
func OfficialDOCX(d *query.ReportDetail) ([]byte, error) {
	var body strings.Builder
	para := func(text string, bold bool, size int) {
		body.WriteString(`<w:p><w:pPr><w:spacing w:before="240" w:after="120"/></w:pPr><w:r><w:rPr>`)
		if bold {
			body.WriteString(`<w:b/>`)
		}
		fmt.Fprintf(&body, `<w:sz w:val="%d"/></w:rPr><w:t xml:space="preserve">%s</w:t></w:r></w:p>`, size, esc(text))
	}
	para(fmt.Sprintf("%s %d年度政府信息公开工作年度报告 表二至表四", d.Agency, d.Year), true, 32)
	for _, t := range officialLayout(d) {
		para(tableTitle(d, t), true, 24)
		writeDocxTable(&body, t)
	}
	return docxPackage(body.String(), `<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/><w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1134" w:header="567" w:footer="567" w:gutter="0"/>`)
}

// docxPackage wraps a document body (paragraphs and tables) and its page
// settings into a .docx: the three parts Word and WPS need.
func docxPackage(body, page string) ([]byte, error) {
	doc := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` + body +
		`<w:sectPr>` + page + `</w:sectPr>` +
		`</w:body></w:document>`
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
		{"word/document.xml", doc},
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.Create(p.name)
		if err != nil {
			return nil, fmt.Errorf("docx: %w", err)
		}
		if _, err := w.Write([]byte(p.body)); err != nil {
			return nil, fmt.Errorf("docx: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("docx: %w", err)
	}
	return buf.Bytes(), nil
}

// writeDocxTable writes one grid: every row lists its cells left to
// right; a cell spanning columns is one w:tc with gridSpan, a cell
// spanning rows starts a vMerge that the rows below continue.
func writeDocxTable(b *strings.Builder, t officialTable) {
	const page = 14570 // twips across a landscape A4 page inside the margins
	total := 0.0
	for _, w := range t.Widths {
		total += w
	}
	twips := make([]int, t.Cols)
	for j := range twips {
		twips[j] = int(float64(page) * t.Widths[j] / total)
	}
	// start[r][c] is the cell starting there; cover[r][c] the cell covering it.
	n := t.rows()
	start := map[[2]int]*gridCell{}
	cover := map[[2]int]*gridCell{}
	for i := range t.Cells {
		c := &t.Cells[i]
		start[[2]int{c.Row, c.Col}] = c
		for r := c.Row; r < c.Row+c.RowSpan; r++ {
			for k := c.Col; k < c.Col+c.ColSpan; k++ {
				cover[[2]int{r, k}] = c
			}
		}
	}
	b.WriteString(`<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:tblBorders>`)
	for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
		fmt.Fprintf(b, `<w:%s w:val="single" w:sz="4" w:space="0" w:color="000000"/>`, side)
	}
	b.WriteString(`</w:tblBorders></w:tblPr><w:tblGrid>`)
	for _, w := range twips {
		fmt.Fprintf(b, `<w:gridCol w:w="%d"/>`, w)
	}
	b.WriteString(`</w:tblGrid>`)
	for r := 1; r <= n; r++ {
		b.WriteString(`<w:tr>`)
		for c := 1; c <= t.Cols; {
			cell := cover[[2]int{r, c}]
			span := 1
			width := twips[c-1]
			if cell != nil {
				span = cell.ColSpan
				width = 0
				for k := c; k < c+span && k <= t.Cols; k++ {
					width += twips[k-1]
				}
			}
			fmt.Fprintf(b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/>`, width)
			if span > 1 {
				fmt.Fprintf(b, `<w:gridSpan w:val="%d"/>`, span)
			}
			first := cell != nil && start[[2]int{r, c}] == cell
			if cell != nil && cell.RowSpan > 1 {
				if first {
					b.WriteString(`<w:vMerge w:val="restart"/>`)
				} else {
					b.WriteString(`<w:vMerge/>`)
				}
			}
			b.WriteString(`<w:vAlign w:val="center"/></w:tcPr><w:p>`)
			if cell != nil && first {
				text := cell.Text
				if cell.Number && cell.Value != nil {
					text = strconv.FormatFloat(*cell.Value, 'f', -1, 64)
				}
				jc := "left"
				switch {
				case cell.Head:
					jc = "center"
				case cell.Number:
					jc = "right"
				}
				fmt.Fprintf(b, `<w:pPr><w:jc w:val="%s"/></w:pPr><w:r><w:rPr>`, jc)
				if cell.Head {
					b.WriteString(`<w:b/>`)
				}
				fmt.Fprintf(b, `<w:sz w:val="18"/></w:rPr><w:t xml:space="preserve">%s</w:t></w:r>`, esc(text))
			}
			b.WriteString(`</w:p></w:tc>`)
			c += span
		}
		b.WriteString(`</w:tr>`)
	}
	b.WriteString(`</w:tbl>`)
}

// esc escapes text for XML (names come from uploaded documents).
func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}
