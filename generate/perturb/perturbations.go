package perturb

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"unicode"

	"nianbao/generate"
	"nianbao/report"
)

// All returns the perturbations of the suite, in a fixed order.
func All() []Perturbation {
	rowLines := []generate.Layout{generate.LayoutRowPipe, generate.LayoutLeadingPipe, generate.LayoutPDF}
	return []Perturbation{
		{"join-glued", "整篇并为一行，行与行之间不留任何字符（blank-lines 版式：各单元格数字粘连，如“一、本年新收政府信息公开申请数量310010050”）；粘连数字按行宽与规则1–4枚举拆分，不能唯一确定的单元格应缺失并有提示",
			Then(Layout(generate.LayoutBlankLines), joinGlued)},
		{"join-glued-d", "版式(d)（已粘连的行）整篇并为一行、不留字符：“规章000行政规范性文件352018”；生成器只粘连能唯一拆分的行，故每个单元格仍确定",
			Then(Layout(generate.LayoutRunTogether), joinGlued)},
		{"join-spaced", "整篇并为一行，每个单元格之间一个空格（blank-lines 与 PDF 版式）；每个单元格仍确定",
			Then(Layout(generate.LayoutBlankLines, generate.LayoutPDF), joinSpaced)},
		{"zero-pipe", "竖线分隔的行，0 写作 0、—、–、-、无、空、/ 或空单元格（每份报告一种）；竖线固定列位，仍确定（整表全为空白时除外）",
			zeroStyle(false)},
		{"zero-space", "空格分隔的行（PDF 文本），0 写作 0、—、–、-、无、空、/ 或空白；写作空白时，含 0 的行失去列位，该行各单元格不确定",
			zeroStyle(true)},
		{"glued-zero-marks", "每行一行，行名与数字粘连、数字之间不留字符，0 写作 —、——、无、〇 或 /（每份报告一种）：“规章—210”“—1————1”；每个标记是一个 0 也是单元格边界，按行宽与规则1–4仍不能唯一确定的单元格应缺失并有提示",
			gluedMarks},
		{"mixed-spacing", "每行一行，行名与第一个数字之间、相邻数字之间各随机留一个空格或粘连：“一、本年新收政府信息公开申请数量 512000053”与“3 1 0 0 1 0 5”并存；空格可能是单元格边界，也可能隔着空白单元格，按行宽与规则1–4不能唯一确定的单元格应缺失并有提示",
			mixedSpacing},
		{"signed-plus", "2019 年版报告，本年增/减列的增加写作“+11”，各边界随机留空格或粘连（“行政许可12+315”“0+11”）；“+”是一个数的开头，按行宽不能唯一确定的单元格应缺失并有提示",
			signedPlus},
		{"amount-units", "金额后带单位“万元”，各边界随机留空格或粘连（“政府集中采购3 1284.05万元”“政府集中采购31284.05万元”）；单位是一串数字的结尾，计数与金额粘连时按行宽不能唯一确定的单元格应缺失并有提示",
			amountUnits},
		{"glued-t2-narrative", "2021 年版报告，表二各行行名与数字粘连（“规章86231”），总体情况中多数报告用文字写明规章、行政规范性文件的制发、废止、现行有效件数；正文写明的件数（规则6）确定粘连行，未写明的按行宽不能唯一确定时应缺失并有提示",
			gluedT2Narrative},
		{"neighbour-years", "2021 年版报告，表二各行与表三“上年结转”“结转下年度继续办理”两行行名与数字粘连，正文不写件数；读取时给出同一机关上一年、下一年、两年或都不给出的报告（如入库时从库中取得），跨年度勾稽关系（规则5：表二现行有效件数的增减、表三结转）确定粘连行，仍不能唯一确定的单元格应缺失并有提示",
			neighbourYears},
		{"furniture", "正文前加网站导航（当前位置、字号、打印本页、关闭窗口），后加页脚（主办单位、网站标识码、ICP备、技术支持）；仍确定",
			Then(Layout(generate.Layouts()...), furniture)},
		{"crawler", "正文前加抓取头“标题: …”“发布时间: …”“原文链接: …”和一行“----”；仍确定",
			Then(Layout(generate.Layouts()...), crawler)},
		{"wrapped", "仿 PDF：长行名按随机宽度折成2–3行，数字在最后一段或下一行；表头单元格逐字换行（自\\n然\\n人）；仍确定",
			Maker(wrapped)},
		{"stray-space", "版式(d)粘连行的数字串中插入多余空格（不在单元格边界上，如“40100 3”）；视空格为无意义时读法与原串相同，仍确定",
			Then(Layout(generate.LayoutRunTogether), straySpace)},
		{"page-breaks", "表格行之间插入页码与页眉（“- 3 -”“第2页 共5页”、重复的报告标题）；仍确定",
			Then(Layout(rowLines...), pageBreaks)},
		{"full-width", "全文数字改为全角（０１２）；仍确定",
			Then(Layout(generate.LayoutCellPipe, generate.LayoutRowPipe, generate.LayoutRunTogether, generate.LayoutPDF, generate.LayoutBlankLines), fullWidthDigits)},
		{"traditional", "表格与标题的简体字改为繁体（自备简繁对照）；仍确定",
			Then(Layout(generate.Layouts()...), traditional)},
		{"tabs", "电子表格粘贴：单元格以制表符分隔，空单元格保留为两个制表符之间的空白，0 有时写作空白；仍确定（整表全为空白时除外）",
			Maker(tabs)},
		{"eight-pipe", "表三八列模板（“其他”后加法人或其他组织“小计”列；（三）至（六）各以“小计”行开头），竖线分隔一行一行；仍确定",
			eight(generate.LayoutRowPipe)},
		{"eight-pdf", "表三八列模板，PDF 文本（空格分隔、行名折行）；仍确定",
			eight(generate.LayoutPDF)},
		{"html", "HTML 页面（UTF-8 或 GBK），表三行名用 rowspan/colspan 合并单元格，经 ingest.ParseBytes 读取；仍确定",
			gridFormat("html")},
		{"docx", "Word 文档（gridSpan、vMerge 合并单元格），经 ingest.ParseBytes 读取；仍确定",
			gridFormat("docx")},
		{"xlsx", "Excel 工作表（合并单元格只在左上格有值），经 ingest.ParseBytes 读取；仍确定",
			gridFormat("xlsx")},
		Compose("furniture+crawler+page-breaks", Layout(generate.LayoutRowPipe, generate.LayoutPDF), crawler, furniture, pageBreaks),
		Compose("traditional+full-width", Layout(generate.LayoutCellPipe, generate.LayoutRowPipe, generate.LayoutPDF), traditional, fullWidthDigits),
		Compose("eight-pipe+furniture", eight(generate.LayoutRowPipe), furniture),
		Compose("join-spaced+traditional", Layout(generate.LayoutBlankLines), traditional, joinSpaced),
	}
}

// joinGlued puts the whole text on one line with nothing between lines.
var joinGlued = Transform{"join-glued", func(c *Case, _ *rand.Rand) bool {
	var b strings.Builder
	for _, l := range lines(c.Text) {
		b.WriteString(strings.TrimSpace(l))
	}
	c.Text = b.String() + "\n"
	if c.Base == string(generate.LayoutBlankLines) {
		// Every row's numbers are now one digit run.
		for code, why := range GluedUndetermined(c.Grid, c.Truth.Edition, num) {
			c.undetermine(code, why)
		}
	}
	return true
}}

// joinSpaced puts the whole text on one line, one space between lines.
var joinSpaced = Transform{"join-spaced", func(c *Case, _ *rand.Rand) bool {
	var parts []string
	for _, l := range lines(c.Text) {
		if t := strings.TrimSpace(l); t != "" {
			parts = append(parts, t)
		}
	}
	c.Text = strings.Join(parts, " ") + "\n"
	return true
}}

// zeroTokens are the ways a zero is written.
var zeroTokens = []string{"0", "—", "–", "-", "无", "空", "/", ""}

func zeroStyle(spaces bool) Maker {
	return func(truth *report.Report, rng *rand.Rand) (*Case, bool) {
		tok := zeroTokens[rng.IntN(len(zeroTokens))]
		rows := generate.Grid(truth)
		c := &Case{Truth: truth, Base: "zero-pipe", File: truth.File, Grid: rows}
		if spaces {
			c.Base = "zero-space"
		}
		c.Steps = []string{fmt.Sprintf("zero=%q", tok)}
		z := func(v float64) string {
			if v == 0 {
				return tok
			}
			return num(v)
		}
		c.Text = withTables(truth, rows, func(g generate.GridRow) []string {
			if g.Head {
				if spaces {
					return []string{strings.Join(g.Labels, " ")}
				}
				return []string{strings.Join(g.Labels, " | ") + " |" + padBars(g.Pad)}
			}
			var vals []string
			lost := false
			for _, v := range g.Values {
				s := z(v)
				if spaces && s == "" {
					lost = true
					continue
				}
				vals = append(vals, s)
			}
			if lost {
				// Blank cells in space-separated text leave no trace of
				// their column: the row's numbers could stand anywhere.
				for _, code := range g.Codes {
					c.undetermine(string(code), "空格分隔的行中空白单元格没有留下列位")
				}
			}
			if spaces {
				return []string{strings.TrimSpace(strings.Join(g.Labels, " ") + " " + strings.Join(vals, " "))}
			}
			return []string{strings.Join(append(append([]string(nil), g.Labels...), vals...), " | ") + " |" + padBars(g.Pad)}
		})
		if tok == "" {
			blankTables(c)
		}
		return c, true
	}
}

// blankTables marks the cells of a table printed without a single figure:
// a table of blanks cannot be told from one left unfilled (parse_no_data
// is the right answer, not zeros).
func blankTables(c *Case) {
	allZero := map[int]bool{2: true, 3: true, 4: true}
	for _, g := range c.Grid {
		for _, v := range g.Values {
			if v != 0 {
				allZero[g.Table] = false
			}
		}
	}
	for _, g := range c.Grid {
		if allZero[g.Table] {
			for _, code := range g.Codes {
				c.undetermine(string(code), "整张表全为空白，无法与未填写的表区分")
			}
		}
	}
}

func padBars(n int) string {
	if n <= 0 {
		return ""
	}
	return " " + strings.Repeat("|", n)
}

// furniture wraps the body in a CMS page's navigation and footer.
var furniture = Transform{"furniture", func(c *Case, rng *rand.Rand) bool {
	r := c.Truth
	nav := []string{
		"当前位置：首页 > 政务公开 > 政府信息公开 > 政府信息公开年报",
		"字号：大 中 小",
		oneOf(rng, "打印本页 关闭窗口", "【打印本页】【关闭窗口】", "分享到："),
		fmt.Sprintf("发布机构：%s  浏览次数：%d", r.County+r.Agency, 30+rng.IntN(900)),
	}
	foot := []string{
		oneOf(rng, "打印本页", "【打印本页】"),
		"关闭窗口",
		"主办单位：" + r.County + "人民政府办公室",
		fmt.Sprintf("网站标识码：%d", 5100000000+rng.IntN(99999999)),
		fmt.Sprintf("蜀ICP备%d号-%d", 10000000+rng.IntN(8999999), 1+rng.IntN(3)),
		fmt.Sprintf("川公网安备 %d号", 51000000000000+rng.IntN(999999999)),
		"技术支持：某某网络科技有限公司",
	}
	c.Text = strings.Join(nav, "\n") + "\n" + c.Text + strings.Join(foot, "\n") + "\n"
	return true
}}

// crawler puts a crawler's header before the text.
var crawler = Transform{"crawler", func(c *Case, rng *rand.Rand) bool {
	r := c.Truth
	pub := r.PublishedOn
	if pub == "" {
		pub = fmt.Sprintf("%d-01-20", r.Year+1)
	}
	head := []string{
		fmt.Sprintf("标题: %s%s%d年政府信息公开工作年度报告", r.County, r.Agency, r.Year),
		"发布时间: " + pub,
		fmt.Sprintf("原文链接: https://www.example.gov.cn/zwgk/ndbg/%d/%08d.html", r.Year+1, rng.IntN(99999999)),
		strings.Repeat("-", 20+rng.IntN(40)),
	}
	c.Text = strings.Join(head, "\n") + "\n" + c.Text
	return true
}}

func oneOf(rng *rand.Rand, s ...string) string { return s[rng.IntN(len(s))] }

// pieces cuts s into pieces of n runes.
func pieces(s string, n int) []string {
	rs := []rune(s)
	var out []string
	for len(rs) > n {
		out = append(out, string(rs[:n]))
		rs = rs[n:]
	}
	return append(out, string(rs))
}

// wrapped prints the tables as PDF text with labels wrapped at a random
// width (2–3 lines) and header cells broken character by character.
func wrapped(truth *report.Report, rng *rand.Rand) (*Case, bool) {
	rows := generate.Grid(truth)
	w := 6 + rng.IntN(11)
	c := &Case{Truth: truth, Base: "wrapped", File: truth.File, Grid: rows, Steps: []string{fmt.Sprintf("width=%d", w)}}
	c.Text = withTables(truth, rows, func(g generate.GridRow) []string {
		var out []string
		if g.Head {
			if g.Table == 4 && len(g.Labels) > 5 {
				return []string{strings.Join(g.Labels, " ")}
			}
			for _, l := range g.Labels {
				// Narrow applicant columns break their headers one
				// character a line (自\n然\n人); wider ones every few.
				n := 1
				if g.Table == 2 || len([]rune(l)) > 6 {
					n = 2 + rng.IntN(5)
				}
				out = append(out, pieces(l, n)...)
			}
			return out
		}
		var vals []string
		for _, v := range g.Values {
			vals = append(vals, num(v))
		}
		nums := strings.Join(vals, " ")
		if len(g.Labels) == 0 {
			return []string{nums}
		}
		out = append(out, g.Labels[:len(g.Labels)-1]...)
		label := g.Labels[len(g.Labels)-1]
		n := w
		if k := len([]rune(label)); k > 3*n {
			n = (k + 2) / 3
		}
		ps := pieces(label, n)
		if rng.IntN(2) == 0 {
			ps[len(ps)-1] += " " + nums
			return append(out, ps...)
		}
		return append(append(out, ps...), nums)
	})
	return c, true
}

// straySpace inserts a space inside a number of glued rows of layout (d).
var straySpace = Transform{"stray-space", func(c *Case, rng *rand.Rand) bool {
	ls := lines(c.Text)
	done := 0
	for _, g := range c.Grid {
		if g.Head || len(g.Values) < 2 {
			continue
		}
		var strs []string
		for _, v := range g.Values {
			strs = append(strs, num(v))
		}
		line := "    " + strings.Join(g.Labels, "") + strings.Join(strs, "")
		var long []int
		for i, s := range strs {
			if len(s) >= 2 {
				long = append(long, i)
			}
		}
		if len(long) == 0 {
			continue
		}
		for li, l := range ls {
			if l != line {
				continue
			}
			k := long[rng.IntN(len(long))]
			cut := 1 + rng.IntN(len(strs[k])-1)
			strs[k] = strs[k][:cut] + " " + strs[k][cut:]
			ls[li] = "    " + strings.Join(g.Labels, "") + strings.Join(strs, "")
			done++
			break
		}
	}
	c.Text = strings.Join(ls, "\n") + "\n"
	return done > 0
}}

// pageBreaks puts page numbers and running headers between table rows.
var pageBreaks = Transform{"page-breaks", func(c *Case, rng *rand.Rand) bool {
	ls := lines(c.Text)
	from, to := tableSpan(ls)
	if from < 0 {
		return false
	}
	r := c.Truth
	total := 3 + rng.IntN(4)
	page := 1 + rng.IntN(2)
	var out []string
	n := 0
	for i, l := range ls {
		out = append(out, l)
		if i <= from || i >= to-1 {
			continue
		}
		endsRow := true
		if c.Base == string(generate.LayoutPDF) {
			t := strings.TrimSpace(l)
			endsRow = t != "" && unicode.IsDigit(rune(t[len(t)-1]))
		}
		if !endsRow || rng.IntN(8) != 0 {
			continue
		}
		page++
		n++
		switch rng.IntN(3) {
		case 0:
			out = append(out, "", fmt.Sprintf("- %d -", page), "")
		case 1:
			out = append(out, fmt.Sprintf("第%d页 共%d页", page, max(total, page)))
		default:
			out = append(out, fmt.Sprintf("— %d —", page), fmt.Sprintf("%s%d年政府信息公开工作年度报告", r.Agency, r.Year))
		}
	}
	c.Text = strings.Join(out, "\n") + "\n"
	return n > 0
}}

// fullWidthDigits writes every digit full-width.
var fullWidthDigits = Transform{"full-width", func(c *Case, _ *rand.Rand) bool {
	c.Text = strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r - '0' + '０'
		}
		return r
	}, c.Text)
	return true
}}

// tabs prints the tables as a spreadsheet paste: cells between tabs.
func tabs(truth *report.Report, rng *rand.Rand) (*Case, bool) {
	rows := generate.Grid(truth)
	blank := rng.IntN(2) == 0
	c := &Case{Truth: truth, Base: "tabs", File: truth.File, Grid: rows, Steps: []string{fmt.Sprintf("blank-zeros=%v", blank)}}
	c.Text = withTables(truth, rows, func(g generate.GridRow) []string {
		if g.Head {
			return []string{strings.Join(append(append([]string(nil), g.Labels...), make([]string, max(g.Pad, 0))...), "\t")}
		}
		// Table 3's labels stand in three merged columns before the
		// numbers; elsewhere a merged value cell leaves empties after it.
		slots, pad := len(g.Labels), max(g.Pad, 0)
		if g.Table == 3 {
			slots, pad = g.Width-len(g.Values), 0
		}
		cells := labelSlots(g.Labels, slots)
		for _, v := range g.Values {
			s := num(v)
			if blank && v == 0 {
				s = ""
			}
			cells = append(cells, s)
		}
		cells = append(cells, make([]string, pad)...)
		return []string{strings.Join(cells, "\t")}
	})
	if blank {
		blankTables(c)
	}
	return c, true
}

// labelSlots places a row's labels in its label columns as a spreadsheet
// holds merged cells: the text in the first cell of the merge, empty
// cells for the rest and for a group label printed on an earlier row.
func labelSlots(labels []string, slots int) []string {
	out := make([]string, max(slots, len(labels)))
	switch {
	case len(labels) == 2 && len(out) == 3 && strings.HasPrefix(labels[0], "("):
		copy(out[1:], labels) // (三)不予公开 | 1.属于国家秘密, under 三、本年度办理结果
	case len(labels) >= 2 || len(out) == 1:
		copy(out, labels)
	case len(labels) == 1 && len(out) == 3:
		l := labels[0]
		switch {
		case l != "" && l[0] >= '0' && l[0] <= '9':
			out[2] = l // a sub-row: its group label stands above
		case strings.HasPrefix(l, "("):
			out[1] = l
		default:
			out[0] = l
		}
	default:
		copy(out, labels)
	}
	return out
}

// eight prints table 3 in the eight-column template.
func eight(l generate.Layout) Maker {
	return func(truth *report.Report, _ *rand.Rand) (*Case, bool) {
		return &Case{Truth: truth, Base: "eight-" + string(l), File: truth.File,
			Text: string(generate.RenderEightColumn(truth, l)), Grid: generate.GridEightColumn(truth)}, true
	}
}

// gridFormat renders a grid format read through ingest.ParseBytes.
func gridFormat(kind string) Maker {
	return func(truth *report.Report, rng *rand.Rand) (*Case, bool) {
		base := strings.TrimSuffix(truth.File, ".txt")
		c := &Case{Truth: truth, Base: kind, Grid: generate.Grid(truth)}
		var err error
		switch kind {
		case "html":
			gbk := rng.IntN(3) == 0
			c.File, c.Data = base+".html", generate.RenderHTML(truth, gbk)
			if gbk {
				c.Base = "html-gbk"
			}
		case "docx":
			c.File = base + ".docx"
			c.Data, err = generate.RenderDOCX(truth)
		case "xlsx":
			c.File = base + ".xlsx"
			c.Data, err = generate.RenderXLSX(truth)
		}
		return c, err == nil
	}
}
