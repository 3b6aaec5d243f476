package report

import "strings"

// The printed layout of tables 2–4, described once. The official XLSX and
// DOCX (package api), the generator's documents (package generate), the
// town page (package dashboards) and the work pages (package web) draw
// their tables from it, each in its own form, so a row added, moved or
// reworded here moves in every one of them.

// LayoutColumn is a column of a printed table.
type LayoutColumn struct {
	Key     string // the column part of the codes: issued, natural, upheld
	Label   string // the catalogue's name of the column (其他组织)
	Printed string // the column head as the official table prints it (其他)
}

// LayoutRow is a row of a printed table with the codes of its cells, one
// per column of its block.
type LayoutRow struct {
	Key   string // the row part of the codes: regulations, denied.state_secret, reconsideration
	Label string // the catalogue's name of the row
	// Printed is the row's full official wording, where the catalogue
	// abridges it.
	Printed string
	// Group is the heading the row stands under (表三 （三）不予公开, 表四
	// 行政诉讼), "" for none; Item is the row's own words under it
	// (1.属于国家秘密, 未经复议直接起诉), or its whole wording without one.
	Group, Item string
	// Result marks the rows of 表三 三、本年度办理结果 (the outcomes and
	// 总计).
	Result bool
	Cells  []Code
}

// LayoutBlock is a part of a table under one row of column heads: table 2
// has a block per item of 第二十条, tables 3 and 4 one block each.
type LayoutBlock struct {
	Heading string // 第二十条第（一）项 for table 2, "" otherwise
	Columns []LayoutColumn
	Rows    []LayoutRow
}

// TableLayout is one printed table.
type TableLayout struct {
	Table  int    // 2, 3 or 4
	Title  string // 二、主动公开政府信息情况
	Blocks []LayoutBlock
}

// Table titles as the report prints them.
var tableTitles = map[int]string{
	2: "二、主动公开政府信息情况",
	3: "三、收到和处理政府信息公开申请情况",
	4: "四、政府信息公开行政复议、行政诉讼情况",
}

// t2Items gives each table 2 row the item of 第二十条 it is printed under.
var t2Items = map[string]string{
	"regulations": "第二十条第（一）项", "normative_docs": "第二十条第（一）项",
	"licensing": "第二十条第（五）项", "other_services": "第二十条第（五）项",
	"penalty": "第二十条第（六）项", "enforcement": "第二十条第（六）项",
	"fees": "第二十条第（八）项", "procurement": "第二十条第（九）项",
}

// t2Printed are table 2's column heads where the template's words differ
// from the catalogue's, by edition.
var t2Printed = map[string]map[string]string{
	Edition2019: {"decisions": "处理决定数量", "amount": "采购总金额"},
	Edition2021: {"amount": "本年收费金额（单位：万元）"},
}

// t3Printed are table 3's column heads and row wordings where the
// template's words differ from the catalogue's.
var t3Printed = map[string]string{
	"other_org":                "其他",
	"partial":                  "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
	"other.overdue_correction": "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
	"other.unpaid_fee":         "（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
}

// t4Headings put table 4's groups under the template's two levels of
// heads: 行政复议 alone, 行政诉讼 over its two kinds.
var t4Headings = map[string][2]string{
	"reconsideration":   {"", "行政复议"},
	"litigation_direct": {"行政诉讼", "未经复议直接起诉"},
	"litigation_after":  {"行政诉讼", "复议后起诉"},
}

// Layout describes the printed tables 2–4 of an edition (2019 or 2021).
func Layout(edition string) []TableLayout {
	return []TableLayout{layoutT2(edition), layoutT3(edition), layoutT4()}
}

func layoutT2(edition string) TableLayout {
	t := TableLayout{Table: 2, Title: tableTitles[2]}
	for _, r := range T2Rows[edition] {
		n := len(t.Blocks)
		if n == 0 || t.Blocks[n-1].Heading != t2Items[r.Code] {
			b := LayoutBlock{Heading: t2Items[r.Code]}
			for _, c := range r.Columns {
				label := afterDot(Label(T2(r.Code, c).String()))
				printed := label
				if p, ok := t2Printed[edition][c]; ok {
					printed = p
				}
				b.Columns = append(b.Columns, LayoutColumn{Key: c, Label: label, Printed: printed})
			}
			t.Blocks = append(t.Blocks, b)
			n++
		}
		row := LayoutRow{Key: r.Code, Label: r.Label, Printed: r.Label, Item: r.Label}
		for _, c := range r.Columns {
			row.Cells = append(row.Cells, T2(r.Code, c))
		}
		t.Blocks[n-1].Rows = append(t.Blocks[n-1].Rows, row)
	}
	return t
}

func layoutT3(edition string) TableLayout {
	var b LayoutBlock
	for _, c := range T3Columns {
		printed := T3ColumnLabels[c]
		if p, ok := t3Printed[c]; ok {
			printed = p
		}
		b.Columns = append(b.Columns, LayoutColumn{Key: c, Label: T3ColumnLabels[c], Printed: printed})
	}
	result := map[string]bool{"total": true}
	for _, r := range T3ResultRows(edition) {
		result[r] = true
	}
	for _, code := range T3PrintedRows(edition) {
		row := LayoutRow{Key: code, Label: rowLabel(code), Result: result[code]}
		row.Printed = row.Label
		if p, ok := t3Printed[code]; ok {
			row.Printed = p
		}
		row.Item = row.Printed
		if head, item, ok := strings.Cut(row.Printed, " "); ok {
			row.Group, row.Item = head, item
		}
		for _, c := range T3Columns {
			row.Cells = append(row.Cells, T3(code, c))
		}
		b.Rows = append(b.Rows, row)
	}
	return TableLayout{Table: 3, Title: tableTitles[3], Blocks: []LayoutBlock{b}}
}

func layoutT4() TableLayout {
	var b LayoutBlock
	for _, o := range T4Outcomes {
		b.Columns = append(b.Columns, LayoutColumn{Key: o, Label: t4OutcomeLabels[o], Printed: t4OutcomeLabels[o]})
	}
	for _, g := range T4Groups {
		h := t4Headings[g]
		row := LayoutRow{Key: g, Label: t4GroupLabels[g], Printed: t4GroupLabels[g], Group: h[0], Item: h[1]}
		for _, o := range T4Outcomes {
			row.Cells = append(row.Cells, T4(g, o))
		}
		b.Rows = append(b.Rows, row)
	}
	return TableLayout{Table: 4, Title: tableTitles[4], Blocks: []LayoutBlock{b}}
}

// afterDot is a catalogue label's last part (规章 · 本年制发件数 → 本年制发件数).
func afterDot(label string) string {
	if i := strings.LastIndex(label, " · "); i >= 0 {
		return label[i+len(" · "):]
	}
	return label
}
