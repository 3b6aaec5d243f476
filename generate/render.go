package generate

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"strings"

	"nianbao/report"
)

// Layout names one of the text layouts of docs/report-format.md.
type Layout string

// The text layouts. Layout (f), the 2019 edition's headers, is not a
// layout of its own: every layout prints the headers of the report's edition.
const (
	// LayoutCellPipe (a): one cell a line closed by " |"; empty merged
	// cells as a line of bars ("||"), like the seed report.
	LayoutCellPipe Layout = "a-cell-pipe"
	// LayoutCellBars (b): cells and bars on lines of their own; a row ends
	// with a line of one bar more than its empty merged cells.
	LayoutCellBars Layout = "b-cell-bars"
	// LayoutRowPipe (c): a row a line, cells between " | ".
	LayoutRowPipe Layout = "c-row-pipe"
	// LayoutRunTogether (d): every line indented by four spaces, labels and
	// numbers glued ("规章000"). A row's numbers are glued only where they
	// split back uniquely (see glue.go); otherwise they are separated by
	// single spaces, as some PDF copies show them.
	LayoutRunTogether Layout = "d-run-together"
	// LayoutPDF (e): text as pdftotext gives it: a row a line with numbers
	// separated by spaces, header cells broken over lines, long row labels
	// wrapped with the numbers after the wrap, table 4 as one line of 15.
	LayoutPDF Layout = "e-pdf-text"
	// LayoutEmptyZeros (g): a row a line like (c), zeros written as an
	// empty cell, "/", "—" or "无" (one choice per report). A table of
	// zeros only, in a report that writes zeros as empty cells, gets 无 in
	// its 总计 cells, so that it does not read as unfilled.
	LayoutEmptyZeros Layout = "g-empty-zeros"
	// LayoutFullWidth (h): like (a), numbers in full-width digits with
	// thousands separators ("１,２３４") and decimals ("１２.５").
	LayoutFullWidth Layout = "h-full-width"
	// LayoutBlankLines: every cell and paragraph on its own line with blank
	// lines between them, no bars (excerpt 18).
	LayoutBlankLines Layout = "blank-lines"
	// LayoutLeadingPipe: a row a line opening with "| ", markdown-like.
	LayoutLeadingPipe Layout = "leading-pipe"
)

// Layouts lists every layout, in the order the corpus rotates them.
func Layouts() []Layout {
	return []Layout{LayoutCellPipe, LayoutCellBars, LayoutRowPipe, LayoutRunTogether, LayoutPDF,
		LayoutEmptyZeros, LayoutFullWidth, LayoutBlankLines, LayoutLeadingPipe}
}

// ParseLayout returns the layout of a name.
func ParseLayout(name string) (Layout, error) {
	for _, l := range Layouts() {
		if string(l) == name {
			return l, nil
		}
	}
	return "", fmt.Errorf("unknown layout %q", name)
}

// zeroTokens are the ways layout (g) writes a zero.
var zeroTokens = []string{"", "/", "—", "无"}

// ZeroToken is how layout (g) writes the zeros of a report.
func ZeroToken(r *report.Report) string {
	h := fnv.New32a()
	fmt.Fprintf(h, "%s|%s|%d", r.County, r.Agency, r.Year)
	return zeroTokens[h.Sum32()%uint32(len(zeroTokens))]
}

// Render writes a report as text in a layout (an unknown layout is
// rendered as LayoutCellPipe).
func Render(r *report.Report, layout Layout) []byte {
	return render(r, layout, table3(r))
}

// render writes a report with a given table 3 (the official one, or a
// variant such as the eight-column template of eight_column.go).
func render(r *report.Report, layout Layout, t3 table) []byte {
	var b bytes.Buffer
	p := proseOf(r)
	w := &writer{buf: &b}
	if layout == LayoutBlankLines {
		w.blank = true
	}
	if layout == LayoutRunTogether {
		w.indent = "    "
	}
	w.line(r.County + body(r.Agency))
	titled := r.Agency
	if body(r.Agency) == r.Agency {
		// A department is titled with its county (乐至县公安局…), as
		// real ones are: 公安局 alone names no county.
		titled = r.County + r.Agency
	}
	w.line(fmt.Sprintf("%s%d年政府信息公开工作年度报告", titled, r.Year))
	w.line(report.SyntheticMarker)
	if r.PublishedOn != "" {
		w.line(fmt.Sprintf("信息来源：%s%s  发布日期：%s", r.County, body(r.Agency), r.PublishedOn))
	}
	w.lines(p.intro)
	w.line("一、总体情况")
	w.lines(p.general)
	tables := []struct {
		title string
		t     table
	}{
		{"二、主动公开政府信息情况", table2(r)},
		{"三、收到和处理政府信息公开申请情况", t3},
		{"四、政府信息公开行政复议、行政诉讼情况", table4(r)},
	}
	for _, tb := range tables {
		w.line(tb.title)
		w.lines(renderTable(tb.t, layout, r))
	}
	w.line("五、存在的主要问题及改进情况")
	w.lines(p.problems)
	w.line("六、其他需要报告的事项")
	w.lines(p.other)
	return b.Bytes()
}

type writer struct {
	buf    *bytes.Buffer
	blank  bool
	indent string
}

func (w *writer) line(s string) {
	if s != "" {
		w.buf.WriteString(w.indent)
	}
	w.buf.WriteString(s)
	w.buf.WriteByte('\n')
	if w.blank {
		w.buf.WriteByte('\n')
	}
}

func (w *writer) lines(ss []string) {
	for _, s := range ss {
		w.line(s)
	}
}

func bars(n int) string { return strings.Repeat("|", n) }

// numFormat gives a layout's way of writing a number.
func numFormat(layout Layout, r *report.Report) func(float64) string {
	switch layout {
	case LayoutEmptyZeros:
		tok := ZeroToken(r)
		return func(v float64) string {
			if v == 0 {
				return tok
			}
			return fmtNum(v)
		}
	case LayoutFullWidth:
		return fullWidth
	}
	return fmtNum
}

// fullWidth writes a number in full-width digits, with thousands
// separators in its integer part.
func fullWidth(v float64) string {
	s := fmtNum(v)
	intPart, frac, hasFrac := strings.Cut(s, ".")
	neg := strings.HasPrefix(intPart, "-")
	intPart = strings.TrimPrefix(intPart, "-")
	var g []string
	for len(intPart) > 3 {
		g = append([]string{intPart[len(intPart)-3:]}, g...)
		intPart = intPart[:len(intPart)-3]
	}
	g = append([]string{intPart}, g...)
	s = strings.Join(g, ",")
	if hasFrac {
		s += "." + frac
	}
	if neg {
		s = "-" + s
	}
	var b strings.Builder
	for _, c := range s {
		if c >= '0' && c <= '9' {
			c += '０' - '0'
		}
		b.WriteRune(c)
	}
	return b.String()
}

// seedHeaders are header cells as the seed report breaks them.
var seedHeaders = map[string]string{
	"商业企业": "商业 企业", "科研机构": "科研 机构",
	"结果纠正": "结果 纠正", "其他结果": "其他 结果", "尚未审结": "尚未 审结",
}

func (c cell) str(num func(float64) string) string {
	if c.num {
		return num(c.v)
	}
	return c.text
}

// allZero tells whether a table holds no number but zeros.
func allZero(t table) bool {
	for _, rw := range t.rows {
		for _, c := range rw.cells {
			if c.num && c.v != 0 {
				return false
			}
		}
	}
	return true
}

func renderTable(t table, layout Layout, r *report.Report) []string {
	num := numFormat(layout, r)
	// A table of blank cells only cannot be told from one left unfilled;
	// writers of such tables put 无 in the 总计 cells (the last cell of
	// each row; each group's total in table 4).
	blankTable := layout == LayoutEmptyZeros && ZeroToken(r) == "" && allZero(t)
	var out []string
	for i, rw := range t.rows {
		var cs []string
		for _, c := range rw.cells {
			cs = append(cs, c.str(num))
		}
		if blankTable && !rw.head {
			cs[len(cs)-1] = "无"
			if t.width == 15 { // table 4: each group's 总计
				cs[4], cs[9] = "无", "无"
			}
		}
		switch layout {
		case LayoutCellBars:
			for _, c := range cs {
				out = append(out, c, "|")
			}
			out = append(out, bars(rw.pad+1))
		case LayoutRowPipe, LayoutEmptyZeros:
			s := strings.Join(cs, " | ") + " |"
			if rw.pad > 0 {
				s += " " + bars(rw.pad)
			}
			out = append(out, s)
		case LayoutLeadingPipe:
			out = append(out, "| "+strings.Join(cs, " | ")+" | "+bars(rw.pad))
		case LayoutBlankLines:
			out = append(out, cs...)
		case LayoutRunTogether:
			out = append(out, glueRow(rw, cs))
		case LayoutPDF:
			out = append(out, pdfRow(t, i, rw, cs)...)
		default: // LayoutCellPipe, LayoutFullWidth
			for _, c := range cs {
				if h, ok := seedHeaders[c]; ok && rw.head {
					c = h
				}
				out = append(out, c+" |")
			}
			if rw.pad > 0 {
				out = append(out, bars(rw.pad))
			}
		}
	}
	return out
}

func glueRow(rw row, cs []string) string {
	var labels, vals []string
	var values []float64
	for i, c := range rw.cells {
		if c.num {
			vals = append(vals, cs[i])
			values = append(values, c.v)
		} else {
			labels = append(labels, cs[i])
		}
	}
	s := strings.Join(labels, "")
	if len(vals) == 0 {
		return s
	}
	if gluable(vals, values, rw.rule) {
		return s + strings.Join(vals, "")
	}
	if s != "" {
		s += " "
	}
	return s + strings.Join(vals, " ")
}

// pdfWrap is where a long label breaks in layout (e), in characters.
const pdfWrap = 18

// chunks breaks a header cell into pieces of n characters.
func chunks(s string, n int) []string {
	rs := []rune(s)
	var out []string
	for len(rs) > n {
		out = append(out, string(rs[:n]))
		rs = rs[n:]
	}
	return append(out, string(rs))
}

func pdfRow(t table, i int, rw row, cs []string) []string {
	if rw.head {
		if t.width == 4 || (t.width == 15 && i == 0) {
			return []string{strings.Join(cs, " ")}
		}
		var out []string
		for _, c := range cs {
			n := 2
			if len([]rune(c)) > 4 {
				n = 3
			}
			if t.width == 10 && i == 0 && len([]rune(c)) > 20 {
				n = 24
			}
			if t.width == 15 && len([]rune(c)) > 4 {
				n = 8 // 未经复议直接起诉 stays whole
			}
			out = append(out, chunks(c, n)...)
		}
		return out
	}
	var labels, vals []string
	for j, c := range rw.cells {
		if c.num {
			vals = append(vals, cs[j])
		} else {
			labels = append(labels, cs[j])
		}
	}
	var out []string
	if len(labels) == 2 {
		out = append(out, labels[0])
		labels = labels[1:]
	}
	nums := strings.Join(vals, " ")
	if len(labels) == 0 {
		return append(out, nums)
	}
	l := []rune(labels[0])
	if len(l) > pdfWrap+2 {
		return append(out, string(l[:pdfWrap]), string(l[pdfWrap:])+" "+nums)
	}
	return append(out, labels[0]+" "+nums)
}
