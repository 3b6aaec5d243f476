package generate

import (
	"strings"

	"nianbao/report"
)

// A table-3 template in circulation prints eight applicant columns: a
// 小计 of the five 法人或其他组织 columns after 其他, then 总计; and a 小计
// row opening each of (三)不予公开, (四)无法提供, (五)不予处理 and, in the 2021
// edition, (六)其他处理, each the sum of its sub-rows. The 小计 column and
// rows are no cell codes: the truth of such a report stays in the standard
// codes, and a reader must skip them (or use them as checks).

// t3Groups are the result groups that get a 小计 row, by row-code prefix.
var t3Groups = []struct{ prefix, label string }{
	{"denied.", "(三)不予公开"},
	{"unavailable.", "(四)无法提供"},
	{"not_processed.", "(五)不予处理"},
	{"other.", "(六)其他处理"},
}

// eightRule is the check the numbers of an eight-column row satisfy in an
// unbroken report: the five organisations add up to 小计, and 自然人 plus
// 小计 to 总计.
func eightRule(v []float64) bool {
	org := 0.0
	for _, x := range v[1:6] {
		org += x
	}
	return org == v[6] && v[0]+v[6] == v[7]
}

// eightValues gives a row's eight printed numbers from its seven cells,
// and the code of each (the 小计 column has none).
func eightValues(vals []float64, codes []report.Code) ([]float64, []report.Code) {
	org := 0.0
	for _, x := range vals[1:6] {
		org += x
	}
	out := append(append(append([]float64(nil), vals[:6]...), org), vals[6])
	var cs []report.Code
	if codes != nil {
		cs = append(append(append([]report.Code(nil), codes[:6]...), ""), codes[6])
	} else {
		cs = make([]report.Code, 8)
	}
	return out, cs
}

// table3Eight builds table 3 in the eight-column template, with the code
// of every printed number ("" for the 小计 column and rows).
func table3Eight(r *report.Report) (table, [][]report.Code) {
	const w = 11 // three label cells and eight numbers
	t := table{width: w}
	t.rows = append(t.rows,
		heading(w, t3Note, "申请人情况"),
		heading(w, "自然人", "法人或其他组织", "总计"),
		heading(w, "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "小计"),
	)
	codes := [][]report.Code{nil, nil, nil}
	open := ""
	for _, p := range t3Printed {
		switch {
		case p.code == "other" && r.Edition == report.Edition2021:
			continue
		case strings.HasPrefix(p.code, "other.") && r.Edition != report.Edition2021:
			continue
		}
		labels := []string{p.label}
		if p.group != "" {
			labels = []string{p.group, p.label}
		}
		for _, g := range t3Groups {
			if !strings.HasPrefix(p.code, g.prefix) || open == g.prefix {
				continue
			}
			// The group opens with its 小计 row, which takes the group's
			// label; the sub-rows keep their own.
			open = g.prefix
			sum := make([]float64, len(report.T3Columns))
			for _, q := range t3Printed {
				if strings.HasPrefix(q.code, g.prefix) {
					for i, c := range report.T3Columns {
						sum[i] += r.Cells[string(report.T3(q.code, c))]
					}
				}
			}
			vals, cs := eightValues(sum, nil)
			d := data(w, []string{g.label, "小计"}, vals)
			d.rule = eightRule
			t.rows = append(t.rows, d)
			codes = append(codes, cs)
			labels = []string{p.label}
		}
		var rowCodes []report.Code
		for _, c := range report.T3Columns {
			rowCodes = append(rowCodes, report.T3(p.code, c))
		}
		vals, cs := eightValues(cellsOf(r, "t3."+p.code+".", report.T3Columns), rowCodes)
		d := data(w, labels, vals)
		d.rule = eightRule
		t.rows = append(t.rows, d)
		codes = append(codes, cs)
	}
	return t, codes
}

// RenderEightColumn writes a report as Render does, with table 3 in the
// eight-column template. The layouts exercised by the perturbation suite
// are LayoutRowPipe and LayoutPDF; every layout prints.
func RenderEightColumn(r *report.Report, layout Layout) []byte {
	t, _ := table3Eight(r)
	return render(r, layout, t)
}
