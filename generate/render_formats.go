package generate

// Renderers that print a report in the formats reports arrive in: a saved
// CMS page (HTML, optionally GBK), a .docx, an .xlsx and a PDF. Each prints
// the official tables 2–4 of the report's edition with their merged cells,
// a title line, a short narrative and report.SyntheticMarker.

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"nianbao/report"
)

// rfCell is a cell of a printed table; spans of 0 mean 1.
type rfCell struct {
	Text    string
	RowSpan int
	ColSpan int
	Header  bool
}

type rfTable [][]rfCell

// rfBlock is a piece of the printed report: a heading, a paragraph or a table.
type rfBlock struct {
	Kind  string // "title", "h", "p", "table"
	Text  string
	Table rfTable
}

func rfSpan(n int) int { return max(n, 1) }

func rfValue(r *report.Report, code string) string {
	v, ok := r.Cells[code]
	if !ok {
		return ""
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func rfTitle(r *report.Report) string {
	return fmt.Sprintf("%s%s%d年政府信息公开工作年度报告", r.County, r.Agency, r.Year)
}

func rfPublished(r *report.Report) string {
	if r.PublishedOn != "" {
		return r.PublishedOn
	}
	return fmt.Sprintf("%d-01-20", r.Year+1)
}

func rfHead(texts ...string) []rfCell {
	row := make([]rfCell, len(texts))
	for i, t := range texts {
		row[i] = rfCell{Text: t, Header: true}
	}
	return row
}

// rfTable2 builds table 2 (主动公开) for the report's edition: under each
// item of 第二十条 its column heads and rows (report.Layout), every row
// spanning the 4 columns.
func rfTable2(r *report.Report) rfTable {
	// fill widens the last cell so that every row spans the 4 columns.
	fill := func(cells []rfCell) []rfCell {
		cells[len(cells)-1].ColSpan = 4 - (len(cells) - 1)
		return cells
	}
	var t rfTable
	for _, b := range report.Layout(r.Edition)[0].Blocks {
		heads := []string{"信息内容"}
		for _, c := range b.Columns {
			heads = append(heads, c.Printed)
		}
		t = append(t, []rfCell{{Text: b.Heading, ColSpan: 4, Header: true}}, fill(rfHead(heads...)))
		for _, row := range b.Rows {
			cells := []rfCell{{Text: row.Printed}}
			for _, code := range row.Cells {
				cells = append(cells, rfCell{Text: rfValue(r, code.String())})
			}
			t = append(t, fill(cells))
		}
	}
	return t
}

// rfTable3 builds table 3 (申请情况): 3 label columns and 7 applicant
// columns, with 三、本年度办理结果 spanning the result rows and each
// heading (（三）不予公开 …) the rows under it.
func rfTable3(r *report.Report) rfTable {
	b := report.Layout(r.Edition)[1].Blocks[0]
	values := func(row report.LayoutRow) []rfCell {
		var cells []rfCell
		for _, code := range row.Cells {
			cells = append(cells, rfCell{Text: rfValue(r, code.String())})
		}
		return cells
	}
	var heads []string
	for _, c := range b.Columns[1:6] {
		heads = append(heads, c.Printed)
	}
	t := rfTable{
		{{Text: "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", RowSpan: 3, ColSpan: 3, Header: true}, {Text: "申请人情况", ColSpan: 7, Header: true}},
		{{Text: b.Columns[0].Printed, RowSpan: 2, Header: true}, {Text: "法人或其他组织", ColSpan: 5, Header: true}, {Text: b.Columns[6].Printed, RowSpan: 2, Header: true}},
		rfHead(heads...),
	}
	nResults := 0
	for _, row := range b.Rows {
		if row.Result {
			nResults++
		}
	}
	first := true
	for i, row := range b.Rows {
		var cells []rfCell
		switch {
		case !row.Result:
			cells = append(cells, rfCell{Text: row.Printed, ColSpan: 3})
		default:
			if first {
				cells = append(cells, rfCell{Text: "三、本年度办理结果", RowSpan: nResults})
				first = false
			}
			switch {
			case row.Group == "":
				cells = append(cells, rfCell{Text: row.Item, ColSpan: 2})
			case i == 0 || b.Rows[i-1].Group != row.Group:
				n := 0
				for _, next := range b.Rows[i:] {
					if next.Group != row.Group {
						break
					}
					n++
				}
				cells = append(cells, rfCell{Text: row.Group, RowSpan: n}, rfCell{Text: row.Item})
			default:
				cells = append(cells, rfCell{Text: row.Item})
			}
		}
		t = append(t, append(cells, values(row)...))
	}
	return t
}

// rfTable4 builds table 4 (复议、诉讼): two header levels over 15 numbers.
func rfTable4(r *report.Report) rfTable {
	b := report.Layout(r.Edition)[2].Blocks[0]
	var outcomes []string
	for _, c := range b.Columns {
		outcomes = append(outcomes, c.Printed)
	}
	// 行政复议 over its outcomes; 行政诉讼 over its two kinds, each over
	// the outcomes.
	var top, second, third, nums []rfCell
	for _, g := range b.Rows {
		switch {
		case g.Group == "":
			top = append(top, rfCell{Text: g.Item, ColSpan: len(outcomes), Header: true})
			for _, o := range outcomes {
				second = append(second, rfCell{Text: o, RowSpan: 2, Header: true})
			}
		default:
			if n := len(top); n == 0 || top[n-1].Text != g.Group {
				top = append(top, rfCell{Text: g.Group, Header: true})
			}
			top[len(top)-1].ColSpan += len(outcomes)
			second = append(second, rfCell{Text: g.Item, ColSpan: len(outcomes), Header: true})
			third = append(third, rfHead(outcomes...)...)
		}
		for _, code := range g.Cells {
			nums = append(nums, rfCell{Text: rfValue(r, code.String())})
		}
	}
	return rfTable{top, second, third, nums}
}

// rfBlocks lays out the whole report.
func rfBlocks(r *report.Report) []rfBlock {
	newTotal := rfValue(r, "t3.new.total")
	if newTotal == "" {
		newTotal = "0"
	}
	lead := fmt.Sprintf("%d年，%s坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》，扎实推进政府信息公开工作。", r.Year, r.Agency)
	return []rfBlock{
		{Kind: "title", Text: rfTitle(r)},
		{Kind: "p", Text: report.SyntheticMarker},
		{Kind: "p", Text: fmt.Sprintf("本报告根据《中华人民共和国政府信息公开条例》要求编制，所列数据统计期限自%d年1月1日起至%d年12月31日止。", r.Year, r.Year)},
		{Kind: "h", Text: "一、总体情况"},
		{Kind: "p", Text: lead},
		{Kind: "p", Text: fmt.Sprintf("（一）主动公开。通过政府门户网站主动公开各类政府信息。（二）依申请公开。全年共收到政府信息公开申请%s件，均在法定期限内答复。（三）政府信息管理。严格执行信息发布审核制度。（四）平台建设。加强政府网站和政务新媒体日常管理。（五）监督保障。将政务公开纳入年度考核。", newTotal)},
		{Kind: "h", Text: "二、主动公开政府信息情况"},
		{Kind: "table", Table: rfTable2(r)},
		{Kind: "h", Text: "三、收到和处理政府信息公开申请情况"},
		{Kind: "table", Table: rfTable3(r)},
		{Kind: "h", Text: "四、政府信息公开行政复议、行政诉讼情况"},
		{Kind: "table", Table: rfTable4(r)},
		{Kind: "h", Text: "五、存在的主要问题及改进情况"},
		{Kind: "p", Text: "政策解读形式还不够丰富，依申请公开答复规范性有待提升。下一步将加强业务培训，完善工作机制。"},
		{Kind: "h", Text: "六、其他需要报告的事项"},
		{Kind: "p", Text: "本年度未收取信息处理费。"},
	}
}

// rfPlaced is a cell with its grid position (0-based).
type rfPlaced struct {
	rfCell
	Row, Col int
}

// rfPlace expands the spans of a table into grid positions.
func rfPlace(t rfTable) (cells []rfPlaced, cols int) {
	taken := map[[2]int]bool{}
	for i, row := range t {
		c := 0
		for _, cell := range row {
			for taken[[2]int{i, c}] {
				c++
			}
			for dr := 0; dr < rfSpan(cell.RowSpan); dr++ {
				for dc := 0; dc < rfSpan(cell.ColSpan); dc++ {
					taken[[2]int{i + dr, c + dc}] = true
				}
			}
			cells = append(cells, rfPlaced{rfCell: cell, Row: i, Col: c})
			c += rfSpan(cell.ColSpan)
			cols = max(cols, c)
		}
	}
	return cells, cols
}

const rfCSS = `body{font-family:"WenQuanYi Micro Hei","Microsoft YaHei",sans-serif;font-size:14px;margin:24px}
table{border-collapse:collapse;margin:8px 0 16px;width:100%}td,th{border:1px solid #333;padding:3px 5px;text-align:center;font-weight:normal}
h1{font-size:20px;text-align:center}h2{font-size:16px}.nav a{margin-right:12px}.info{color:#666;text-align:center}`

func rfHTMLBody(r *report.Report, page bool) string {
	var b strings.Builder
	esc := html.EscapeString
	for _, bl := range rfBlocks(r) {
		switch bl.Kind {
		case "title":
			fmt.Fprintf(&b, "<h1>%s</h1>\n", esc(bl.Text))
			if page {
				fmt.Fprintf(&b, "<div class=\"info\"><span>发布日期：%s</span>&nbsp;&nbsp;<span>来源：%s</span>&nbsp;&nbsp;<span>浏览次数：<script>document.write(123)</script></span></div>\n", rfPublished(r), esc(r.Agency))
			}
		case "h":
			fmt.Fprintf(&b, "<h2>%s</h2>\n", esc(bl.Text))
		case "p":
			fmt.Fprintf(&b, "<p>%s</p>\n", esc(bl.Text))
		case "table":
			b.WriteString("<table>\n")
			for _, row := range bl.Table {
				b.WriteString("<tr>")
				for _, c := range row {
					tag := "td"
					if c.Header {
						tag = "th"
					}
					b.WriteString("<" + tag)
					if c.RowSpan > 1 {
						fmt.Fprintf(&b, ` rowspan="%d"`, c.RowSpan)
					}
					if c.ColSpan > 1 {
						fmt.Fprintf(&b, ` colspan="%d"`, c.ColSpan)
					}
					fmt.Fprintf(&b, "><p><span>%s</span></p></%s>", esc(c.Text), tag)
				}
				b.WriteString("</tr>\n")
			}
			b.WriteString("</table>\n")
		}
	}
	return b.String()
}

// RenderHTML prints a report as a saved CMS page: navigation, a script, a
// 发布日期 line, the narrative and tables 2–4 with rowspan/colspan. With gbk
// the page is encoded in GBK (GB18030) and says so in its meta charset.
func RenderHTML(r *report.Report, gbk bool) []byte {
	charset := "utf-8"
	if gbk {
		charset = "gbk"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"%s\">\n<title>%s</title>\n<style>%s</style>\n<script>var _hmt = _hmt || [];</script>\n</head>\n<body>\n", charset, html.EscapeString(rfTitle(r)), rfCSS)
	fmt.Fprintf(&b, "<div class=\"nav\"><a href=\"/\">首页</a><a href=\"/zwgk/\">政务公开</a><a href=\"/zwgk/ndbg/\">政府信息公开年报</a></div>\n")
	b.WriteString("<div class=\"article\">\n")
	b.WriteString(rfHTMLBody(r, true))
	b.WriteString("</div>\n<div class=\"footer\"><p>主办单位：" + html.EscapeString(r.County+r.Agency) + "</p></div>\n</body>\n</html>\n")
	if !gbk {
		return []byte(b.String())
	}
	out, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(b.String()))
	if err != nil {
		// Unreachable: GB18030 encodes every Unicode character.
		return []byte(b.String())
	}
	return out
}

func rfXMLText(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func rfDocxPara(text string, bold bool) string {
	rpr := ""
	if bold {
		rpr = "<w:rPr><w:b/></w:rPr>"
	}
	if text == "" {
		return "<w:p/>"
	}
	return fmt.Sprintf(`<w:p><w:r>%s<w:t xml:space="preserve">%s</w:t></w:r></w:p>`, rpr, rfXMLText(text))
}

// rfDocxTable writes a w:tbl: gridSpan for column spans; a row span is a
// cell with vMerge="restart" continued by vMerge cells in the rows below.
func rfDocxTable(t rfTable) string {
	placed, cols := rfPlace(t)
	start := map[[2]int]rfPlaced{}
	for _, p := range placed {
		start[[2]int{p.Row, p.Col}] = p
	}
	var b strings.Builder
	b.WriteString(`<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:tblBorders>`)
	for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
		fmt.Fprintf(&b, `<w:%s w:val="single" w:sz="4" w:space="0" w:color="000000"/>`, side)
	}
	b.WriteString(`</w:tblBorders></w:tblPr><w:tblGrid>`)
	for range cols {
		b.WriteString(`<w:gridCol w:w="800"/>`)
	}
	b.WriteString(`</w:tblGrid>`)
	for i := range t {
		b.WriteString("<w:tr>")
		for c := 0; c < cols; {
			if p, ok := start[[2]int{i, c}]; ok {
				b.WriteString("<w:tc><w:tcPr>")
				if p.ColSpan > 1 {
					fmt.Fprintf(&b, `<w:gridSpan w:val="%d"/>`, p.ColSpan)
				}
				if p.RowSpan > 1 {
					b.WriteString(`<w:vMerge w:val="restart"/>`)
				}
				b.WriteString("</w:tcPr>" + rfDocxPara(p.Text, p.Header) + "</w:tc>")
				c += rfSpan(p.ColSpan)
				continue
			}
			// Covered by a cell starting above in this column?
			span := 1
			for _, p := range placed {
				if p.Col == c && p.Row < i && p.Row+rfSpan(p.RowSpan) > i {
					span = rfSpan(p.ColSpan)
					break
				}
			}
			b.WriteString("<w:tc><w:tcPr>")
			if span > 1 {
				fmt.Fprintf(&b, `<w:gridSpan w:val="%d"/>`, span)
			}
			b.WriteString(`<w:vMerge/></w:tcPr><w:p/></w:tc>`)
			c += span
		}
		b.WriteString("</w:tr>")
	}
	b.WriteString("</w:tbl>")
	return b.String()
}

// RenderDOCX prints a report as a Word document whose tables use gridSpan
// and vMerge.
func RenderDOCX(r *report.Report) ([]byte, error) {
	var body strings.Builder
	for _, bl := range rfBlocks(r) {
		switch bl.Kind {
		case "title", "h":
			body.WriteString(rfDocxPara(bl.Text, true))
		case "p":
			body.WriteString(rfDocxPara(bl.Text, false))
		case "table":
			body.WriteString(rfDocxTable(bl.Table))
			body.WriteString("<w:p/>")
		}
	}
	body.WriteString(rfDocxPara("发布日期："+rfPublished(r), false))
	parts := []struct{ name, content string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
		{"word/document.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` + body.String() +
			`<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1200" w:bottom="1440" w:left="1200" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr></w:body></w:document>`},
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.Create(p.name)
		if err != nil {
			return nil, fmt.Errorf("render docx %s: %w", p.name, err)
		}
		if _, err := w.Write([]byte(p.content)); err != nil {
			return nil, fmt.Errorf("render docx %s: %w", p.name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("render docx: %w", err)
	}
	return buf.Bytes(), nil
}

// RenderXLSX prints a report on one sheet laid out like the official
// tables, merged cells holding their value in the top-left cell only.
func RenderXLSX(r *report.Report) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "年度报告"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, fmt.Errorf("render xlsx: %w", err)
	}
	row := 1
	set := func(col, row int, v any) error {
		cell, err := excelize.CoordinatesToCellName(col, row)
		if err != nil {
			return err
		}
		return f.SetCellValue(sheet, cell, v)
	}
	for _, bl := range rfBlocks(r) {
		switch bl.Kind {
		case "title", "h":
			if err := set(1, row, bl.Text); err != nil {
				return nil, fmt.Errorf("render xlsx row %d: %w", row, err)
			}
			row++
		case "p":
			// Narrative stays out of the workbook but for the marker.
			if bl.Text == report.SyntheticMarker {
				if err := set(1, row, bl.Text); err != nil {
					return nil, fmt.Errorf("render xlsx row %d: %w", row, err)
				}
				row++
			}
		case "table":
			row++ // a blank row sets each table apart
			placed, _ := rfPlace(bl.Table)
			for _, p := range placed {
				var v any = p.Text
				if n, err := strconv.ParseFloat(p.Text, 64); err == nil && !p.Header {
					v = n
				}
				if err := set(p.Col+1, row+p.Row, v); err != nil {
					return nil, fmt.Errorf("render xlsx row %d: %w", row+p.Row, err)
				}
				if p.RowSpan > 1 || p.ColSpan > 1 {
					tl, _ := excelize.CoordinatesToCellName(p.Col+1, row+p.Row)
					br, _ := excelize.CoordinatesToCellName(p.Col+rfSpan(p.ColSpan), row+p.Row+rfSpan(p.RowSpan)-1)
					if err := f.MergeCell(sheet, tl, br); err != nil {
						return nil, fmt.Errorf("render xlsx merge %s:%s: %w", tl, br, err)
					}
				}
			}
			row += len(bl.Table) + 1
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("render xlsx: %w", err)
	}
	return buf.Bytes(), nil
}

// RenderPDF prints the report's HTML with headless Chromium, which gives a
// real PDF with a text layer (fonts-wqy-microhei supplies the Chinese
// glyphs).
func RenderPDF(r *report.Report) ([]byte, error) {
	bin := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		return nil, fmt.Errorf("render pdf: chromium not found (apt-get install chromium fonts-wqy-microhei)")
	}
	dir, err := os.MkdirTemp("", "nianbao-pdf-*")
	if err != nil {
		return nil, fmt.Errorf("render pdf: %w", err)
	}
	defer os.RemoveAll(dir)
	page := "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + html.EscapeString(rfTitle(r)) +
		"</title><style>" + rfCSS + "</style></head><body>" + rfHTMLBody(r, false) +
		"<p>发布日期：" + rfPublished(r) + "</p></body></html>"
	in := filepath.Join(dir, "report.html")
	out := filepath.Join(dir, "report.pdf")
	if err := os.WriteFile(in, []byte(page), 0o644); err != nil {
		return nil, fmt.Errorf("render pdf: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--disable-dev-shm-usage", "--no-first-run",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--no-pdf-header-footer",
		"--print-to-pdf="+out, "file://"+in)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("render pdf: chromium: %w: %s", err, bytes.TrimSpace(msg))
	}
	data, err := os.ReadFile(out)
	if err != nil {
		return nil, fmt.Errorf("render pdf: chromium wrote no PDF: %w", err)
	}
	return data, nil
}
