package api

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"nianbao/query"
	"nianbao/report"
)

// OfficialXLSX lays one report out as the printed tables 2–4 of the
// annual report (国办公开办函 templates): one sheet per table, the merged
// headers as printed (申请人情况 over 自然人, 法人或其他组织 and its five
// kinds, 总计; 行政复议 beside 行政诉讼 and its two kinds), the values as
// numbers, a cell the report does not print left empty (not 0), and a
// fourth sheet with the findings. It is what an office files or compares
// with the published document.
func OfficialXLSX(d *query.ReportDetail) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	o := &official{f: f, d: d}
	if err := o.styles(); err != nil {
		return nil, err
	}
	steps := []func() error{o.table2, o.table3, o.table4, o.findings}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	f.SetActiveSheet(0)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, fmt.Errorf("xlsx write: %w", err)
	}
	return buf.Bytes(), nil
}

type official struct {
	f                  *excelize.File
	d                  *query.ReportDetail
	title, head, label int
	num                int
	sheets             int
}

func (o *official) styles() error {
	border := []excelize.Border{{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1}}
	var err error
	if o.title, err = o.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 13}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}); err != nil {
		return fmt.Errorf("xlsx style: %w", err)
	}
	if o.head, err = o.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: border,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}); err != nil {
		return fmt.Errorf("xlsx style: %w", err)
	}
	if o.label, err = o.f.NewStyle(&excelize.Style{Border: border, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}}); err != nil {
		return fmt.Errorf("xlsx style: %w", err)
	}
	if o.num, err = o.f.NewStyle(&excelize.Style{Border: border, NumFmt: 3, Alignment: &excelize.Alignment{Vertical: "center"}}); err != nil {
		return fmt.Errorf("xlsx style: %w", err)
	}
	return nil
}

// sheet starts the next sheet with a title over columns 1..cols.
func (o *official) sheet(name, title string, cols int) (string, error) {
	if o.sheets == 0 {
		if err := o.f.SetSheetName("Sheet1", name); err != nil {
			return "", fmt.Errorf("xlsx sheet: %w", err)
		}
	} else if _, err := o.f.NewSheet(name); err != nil {
		return "", fmt.Errorf("xlsx sheet: %w", err)
	}
	o.sheets++
	last, _ := excelize.ColumnNumberToName(cols)
	full := fmt.Sprintf("%s %d年度 %s", o.d.Agency, o.d.Year, title)
	if err := o.put(name, 1, 1, full, o.title); err != nil {
		return "", err
	}
	if err := o.f.MergeCell(name, "A1", last+"1"); err != nil {
		return "", fmt.Errorf("xlsx merge: %w", err)
	}
	return name, o.f.SetRowHeight(name, 1, 28)
}

// put writes v at (col, row) with a style.
func (o *official) put(sheet string, col, row int, v any, style int) error {
	cell, _ := excelize.CoordinatesToCellName(col, row)
	if err := o.f.SetCellValue(sheet, cell, v); err != nil {
		return fmt.Errorf("xlsx %s: %w", cell, err)
	}
	return o.f.SetCellStyle(sheet, cell, cell, style)
}

// box writes text over the rectangle (c1,r1)–(c2,r2), merged, as a header.
func (o *official) box(sheet string, c1, r1, c2, r2 int, text string) error {
	for r := r1; r <= r2; r++ {
		for c := c1; c <= c2; c++ {
			var v any
			if r == r1 && c == c1 {
				v = text
			}
			if err := o.put(sheet, c, r, v, o.head); err != nil {
				return err
			}
		}
	}
	if c1 == c2 && r1 == r2 {
		return nil
	}
	a, _ := excelize.CoordinatesToCellName(c1, r1)
	b, _ := excelize.CoordinatesToCellName(c2, r2)
	return o.f.MergeCell(sheet, a, b)
}

// value writes a code's value, or an empty bordered cell when the report
// does not print it.
func (o *official) value(sheet string, col, row int, code report.Code) error {
	var v any
	if x, ok := o.d.Cells[code.String()]; ok {
		v = x
	}
	return o.put(sheet, col, row, v, o.num)
}

func (o *official) widths(sheet string, first float64, others float64, cols int) error {
	if err := o.f.SetColWidth(sheet, "A", "A", first); err != nil {
		return err
	}
	if cols > 1 {
		last, _ := excelize.ColumnNumberToName(cols)
		return o.f.SetColWidth(sheet, "B", last, others)
	}
	return nil
}

// table2 is 主动公开政府信息情况: a block per run of rows sharing the same
// columns, each under its own header row 信息内容 | columns.
func (o *official) table2() error {
	rows := report.T2Rows[o.d.Edition]
	cols := 1
	for _, r := range rows {
		cols = max(cols, len(r.Columns)+1)
	}
	sh, err := o.sheet("表二 主动公开", "二、主动公开政府信息情况", cols)
	if err != nil {
		return err
	}
	line, prev := 2, ""
	for _, r := range rows {
		head := strings.Join(r.Columns, "|")
		if head != prev {
			line++ // a blank line between blocks, as printed
			if err := o.box(sh, 1, line, 1, line, "信息内容"); err != nil {
				return err
			}
			for i, c := range r.Columns {
				if err := o.box(sh, i+2, line, i+2, line, lastPart(report.Label(report.T2(r.Code, c).String()))); err != nil {
					return err
				}
			}
			line++
			prev = head
		}
		if err := o.put(sh, 1, line, r.Label, o.label); err != nil {
			return err
		}
		for i, c := range r.Columns {
			if err := o.value(sh, i+2, line, report.T2(r.Code, c)); err != nil {
				return err
			}
		}
		line++
	}
	return o.widths(sh, 24, 16, cols)
}

// table3 is 收到和处理政府信息公开申请情况 with its three header rows.
func (o *official) table3() error {
	sh, err := o.sheet("表三 依申请公开", "三、收到和处理政府信息公开申请情况", 8)
	if err != nil {
		return err
	}
	steps := []struct {
		c1, r1, c2, r2 int
		text           string
	}{
		{1, 2, 1, 4, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"},
		{2, 2, 8, 2, "申请人情况"},
		{2, 3, 2, 4, report.T3ColumnLabels["natural"]},
		{3, 3, 7, 3, "法人或其他组织"},
		{8, 3, 8, 4, report.T3ColumnLabels["total"]},
	}
	for _, s := range steps {
		if err := o.box(sh, s.c1, s.r1, s.c2, s.r2, s.text); err != nil {
			return err
		}
	}
	for i, col := range report.T3Columns[1:6] {
		if err := o.box(sh, i+3, 4, i+3, 4, report.T3ColumnLabels[col]); err != nil {
			return err
		}
	}
	line := 5
	for _, r := range report.T3Rows {
		sub := strings.HasPrefix(r.Code, "other.")
		// The 2021 edition prints 其他处理 as three sub-rows, the 2019 one as one row.
		if (o.d.Edition == report.Edition2021 && r.Code == "other") || (o.d.Edition != report.Edition2021 && sub) {
			continue
		}
		if r.Code == "granted" {
			if err := o.put(sh, 1, line, "三、本年度办理结果", o.label); err != nil {
				return err
			}
			for c := 2; c <= 8; c++ {
				if err := o.put(sh, c, line, nil, o.label); err != nil {
					return err
				}
			}
			a, _ := excelize.CoordinatesToCellName(1, line)
			b, _ := excelize.CoordinatesToCellName(8, line)
			if err := o.f.MergeCell(sh, a, b); err != nil {
				return err
			}
			line++
		}
		if err := o.put(sh, 1, line, r.Label, o.label); err != nil {
			return err
		}
		for i, col := range report.T3Columns {
			if err := o.value(sh, i+2, line, report.T3(r.Code, col)); err != nil {
				return err
			}
		}
		line++
	}
	if err := o.f.SetPanes(sh, &excelize.Panes{Freeze: true, XSplit: 1, YSplit: 4, TopLeftCell: "B5", ActivePane: "bottomRight"}); err != nil {
		return err
	}
	return o.widths(sh, 46, 11, 8)
}

// table4 is 政府信息公开行政复议、行政诉讼情况: 行政复议 (five columns)
// beside 行政诉讼, split into 未经复议直接起诉 and 复议后起诉.
func (o *official) table4() error {
	sh, err := o.sheet("表四 复议诉讼", "四、政府信息公开行政复议、行政诉讼情况", 15)
	if err != nil {
		return err
	}
	if err := o.box(sh, 1, 2, 5, 3, "行政复议"); err != nil {
		return err
	}
	if err := o.box(sh, 6, 2, 15, 2, "行政诉讼"); err != nil {
		return err
	}
	if err := o.box(sh, 6, 3, 10, 3, "未经复议直接起诉"); err != nil {
		return err
	}
	if err := o.box(sh, 11, 3, 15, 3, "复议后起诉"); err != nil {
		return err
	}
	col := 1
	for _, g := range report.T4Groups {
		for _, out := range report.T4Outcomes {
			if err := o.box(sh, col, 4, col, 4, lastPart(report.Label(report.T4(g, out).String()))); err != nil {
				return err
			}
			if err := o.value(sh, col, 5, report.T4(g, out)); err != nil {
				return err
			}
			col++
		}
	}
	return o.widths(sh, 10, 10, 15)
}

func (o *official) findings() error {
	sh, err := o.sheet("问题", "检查发现的问题", 3)
	if err != nil {
		return err
	}
	for i, h := range []string{"规则", "级别", "说明"} {
		if err := o.box(sh, i+1, 2, i+1, 2, h); err != nil {
			return err
		}
	}
	for i, fd := range o.d.Findings {
		rule, sev := fd.Rule, fd.Severity
		if l, ok := report.RuleLabels[rule]; ok {
			rule = l
		}
		if l, ok := report.SeverityLabels[sev]; ok {
			sev = l
		}
		for j, v := range []string{rule, sev, fd.Message} {
			if err := o.put(sh, j+1, i+3, v, o.label); err != nil {
				return err
			}
		}
	}
	if err := o.f.SetColWidth(sh, "A", "A", 36); err != nil {
		return err
	}
	if err := o.f.SetColWidth(sh, "B", "B", 8); err != nil {
		return err
	}
	return o.f.SetColWidth(sh, "C", "C", 70)
}

// lastPart is a catalogue label's last part ("表四 · 行政复议 · 结果维持" → 结果维持).
func lastPart(label string) string {
	if i := strings.LastIndex(label, " · "); i >= 0 {
		return label[i+len(" · "):]
	}
	return label
}
