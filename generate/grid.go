package generate

import "nianbao/report"

// GridRow is one printed row of tables 2–4 with the code of each number,
// for renderers outside this package (generate/perturb re-prints rows in
// layouts of its own: zeros written 无, labels wrapped, tab-separated).
type GridRow struct {
	Table int
	// Title is the section heading printed before the table
	// (三、收到和处理政府信息公开申请情况); set on the first row of a table.
	Title string
	Head  bool
	// Labels are the label cells as printed (a group label first).
	Labels []string
	Values []float64
	// Codes gives the code of each value; "" for a printed subtotal that
	// is no cell code (the 小计 of the eight-column template).
	Codes []report.Code
	// Width is the table's grid width; Pad the empty merged cells after
	// the row.
	Width, Pad int
}

// Grid returns the printed rows of a report's tables 2–4, in order.
func Grid(r *report.Report) []GridRow {
	return grid(r, table3(r), t3Codes(r))
}

// GridEightColumn is Grid with table 3 in the eight-column template.
func GridEightColumn(r *report.Report) []GridRow {
	t3, codes := table3Eight(r)
	return grid(r, t3, codes)
}

// t3Codes gives the codes of table 3's printed rows (nil for headers).
func t3Codes(r *report.Report) [][]report.Code {
	codes := [][]report.Code{nil, nil, nil}
	for _, row := range report.T3PrintedRows(r.Edition) {
		var cs []report.Code
		for _, c := range report.T3Columns {
			cs = append(cs, report.T3(row, c))
		}
		codes = append(codes, cs)
	}
	return codes
}

// Table titles, as Render prints them.
var tableTitles = map[int]string{
	2: "二、主动公开政府信息情况",
	3: "三、收到和处理政府信息公开申请情况",
	4: "四、政府信息公开行政复议、行政诉讼情况",
}

func grid(r *report.Report, t3 table, t3codes [][]report.Code) []GridRow {
	var out []GridRow
	add := func(n int, t table, codes func(i int, rw row) []report.Code) {
		for i, rw := range t.rows {
			g := GridRow{Table: n, Head: rw.head, Width: t.width, Pad: rw.pad}
			if i == 0 {
				g.Title = tableTitles[n]
			}
			for _, c := range rw.cells {
				if c.num {
					g.Values = append(g.Values, c.v)
				} else {
					g.Labels = append(g.Labels, c.text)
				}
			}
			if !rw.head {
				g.Codes = codes(i, rw)
			}
			out = append(out, g)
		}
	}
	t2rows := report.T2Rows[r.Edition]
	k := 0
	add(2, table2(r), func(_ int, _ row) []report.Code {
		tr := t2rows[k]
		k++
		var cs []report.Code
		for _, c := range tr.Columns {
			cs = append(cs, report.T2(tr.Code, c))
		}
		return cs
	})
	add(3, t3, func(i int, _ row) []report.Code { return t3codes[i] })
	add(4, table4(r), func(_ int, _ row) []report.Code {
		var cs []report.Code
		for c := range report.T4Codes() {
			cs = append(cs, c)
		}
		return cs
	})
	return out
}
