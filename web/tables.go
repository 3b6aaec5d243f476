package web

import (
	"fmt"
	"strconv"
	"strings"

	"nianbao/ingest/ocr"
	"nianbao/report"
)

// grid is one of tables 2–4 laid out as printed: its rows in order, each
// with its cells in the printed columns.
type grid struct {
	Title   string
	Columns []string
	Rows    []gridRow
	// Fix is set on the report page of a person who may correct it: each
	// number is a link that opens the correction form in its own cell.
	Fix *cellFix
}

// cellFix is what the inline correction form of a cell needs (issue 22
// item 4): a plain link and a plain form, so the keyboard and a browser
// without scripts work the same.
type cellFix struct {
	Report int64
	Code   string // the cell whose form is open, "" none
	CSRF   string
	Value  string // what was typed, shown again after a refusal
	Reason string
}

type gridRow struct {
	Label string
	Cells []gridCell
}

// gridCell is one number as read, with the place it was read from.
type gridCell struct {
	Code      string
	Column    string
	Value     string
	Place     string // 第 12 行 / 第 3 页第 40 行
	Link      string // the source viewer at this cell, when the document is kept
	Raw       string
	Note      string
	Findings  []int // numbers (from 1) of the findings that name the cell
	Corrected bool
	Missing   bool
}

var tableTitles = map[int]string{2: "表二 主动公开政府信息情况", 3: "表三 收到和处理政府信息公开申请情况", 4: "表四 政府信息公开行政复议、行政诉讼情况"}

// place says where a cell stands in its document, in the words a clerk
// uses: a PDF's page and line, else the line (or a spreadsheet's row and
// column).
func place(s report.Source, ok bool) string {
	switch {
	case !ok:
		return ""
	case s.Page > 0 && s.Line > 0:
		return fmt.Sprintf("第 %d 页第 %d 行", s.Page, s.Line)
	case s.Page > 0:
		return fmt.Sprintf("第 %d 页", s.Page)
	case s.Line > 0:
		return fmt.Sprintf("第 %d 行", s.Line)
	case s.Row > 0:
		return fmt.Sprintf("表格第 %d 行第 %d 列", s.Row, s.Col)
	}
	return ""
}

func formatValue(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// layout lays out the printed cells of an edition. flagged maps a code to
// the findings naming it; corrected marks the cells a person corrected.
func layout(edition string, cells map[string]float64, sources map[string]report.Source, flagged map[string][]int, corrected map[string]bool, link func(code string, s report.Source) string) []grid {
	var out []grid
	for _, tl := range report.Layout(edition) {
		g := grid{Title: tableTitles[tl.Table]}
		for _, b := range tl.Blocks {
			for _, r := range b.Rows {
				row := gridRow{Label: r.Label}
				for i, code := range r.Cells {
					cell := gridCell{Code: code.String(), Column: b.Columns[i].Label, Findings: flagged[code.String()], Corrected: corrected[code.String()]}
					if v, ok := cells[code.String()]; ok {
						cell.Value = formatValue(v)
					} else {
						cell.Missing = true
					}
					src, ok := sources[code.String()]
					cell.Place, cell.Raw, cell.Note = place(src, ok), src.Raw, src.Note
					if ok && link != nil {
						cell.Link = link(code.String(), src)
					}
					row.Cells = append(row.Cells, cell)
				}
				if len(g.Rows) == 0 {
					for _, c := range row.Cells {
						g.Columns = append(g.Columns, c.Column)
					}
				}
				g.Rows = append(g.Rows, row)
			}
		}
		out = append(out, g)
	}
	for i := range out {
		// Numbers read from a scan say so where they are shown.
	read:
		for _, r := range out[i].Rows {
			for _, c := range r.Cells {
				if strings.Contains(c.Note, ocr.ReadMark) {
					out[i].Title += "（" + ocr.ReadMark + "）"
					break read
				}
			}
		}
	}
	// Table 2's rows differ in width: header only when every row agrees.
	for i := range out {
	rows:
		for _, r := range out[i].Rows {
			if len(r.Cells) != len(out[i].Columns) {
				out[i].Columns = nil
				break
			}
			for j, c := range r.Cells {
				if c.Column != out[i].Columns[j] {
					out[i].Columns = nil
					break rows
				}
			}
		}
	}
	return out
}

// flagMap numbers the findings from 1 and lists them per cell.
func flagMap(findings []report.Finding) map[string][]int {
	m := map[string][]int{}
	for i, f := range findings {
		for _, c := range f.Cells {
			m[c] = append(m[c], i+1)
		}
	}
	return m
}

// severityNames are the findings' severities in Chinese.
var severityNames = map[string]string{report.SeverityError: "错误", report.SeverityWarning: "提示", report.SeverityInfo: "说明"}
