package dashboards

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"nianbao/query"
	"nianbao/report"
)

type townView struct {
	Agency, County string
	Choices        []countyChoice
	Charts         []chartView
	Years          []townYear
}

type countyChoice struct{ County, Link string }

type townYear struct {
	Year         int
	ReportID     int64 // issue 12: the work page of package web
	EditionLabel string
	File, SHA256 string
	PublishedOn  string
	Synthetic    bool
	Findings     []findingView
	T2           []tableView
	T3, T4       tableView
	// Downloads are this report as the printed tables (XLSX) and as a
	// list of cell codes (CSV).
	Downloads []link
}

type findingView struct {
	Agency, Link, Rule, Severity, SeverityCode, Message, Review string
	ReportID                                                    int64 // issue 12: the work page of package web
}

func (h *handler) town(c *gin.Context) {
	agency := strings.TrimSpace(c.Query("agency"))
	county := strings.TrimSpace(c.Query("county"))
	if agency == "" {
		h.fail(c, http.StatusBadRequest, "请先选择一个机关（乡镇、街道）。", nil)
		return
	}
	ctx := c.Request.Context()
	reports, err := listReports(ctx, h.q, query.Filter{Agency: agency, County: county})
	if err != nil {
		h.fail(c, http.StatusInternalServerError, errQuery.Error(), err)
		return
	}
	if len(reports) == 0 {
		msg := fmt.Sprintf("没有“%s”的报告。", agency)
		if county != "" {
			msg = fmt.Sprintf("%s没有“%s”的报告。", county, agency)
		}
		h.fail(c, http.StatusNotFound, msg, nil)
		return
	}
	v := townView{Agency: agency, County: county}
	counties := map[string]bool{}
	for _, r := range reports {
		counties[r.County] = true
	}
	if county == "" && len(counties) > 1 {
		for cty := range counties {
			v.Choices = append(v.Choices, countyChoice{County: cty, Link: townURL(agency, cty)})
		}
		sort.Slice(v.Choices, func(i, j int) bool { return v.Choices[i].County < v.Choices[j].County })
		h.render(c, http.StatusOK, "town", page{Title: agency + " 历年报告", Heading: agency + " 历年报告", Data: v})
		return
	}
	if county == "" {
		county = reports[0].County
		v.County = county
	}
	synthetic, err := h.townData(ctx, &v, reports)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, errQuery.Error(), err)
		return
	}
	first, last := reports[0].Year, reports[0].Year
	for _, r := range reports {
		first, last = min(first, r.Year), max(last, r.Year)
	}
	span := fmt.Sprintf("%d年", first)
	if last != first {
		span = fmt.Sprintf("%d—%d年", first, last)
	}
	h.render(c, http.StatusOK, "town", page{
		Title:     fmt.Sprintf("%s %s 机关档案", report.BodyName(county, agency), span),
		Heading:   fmt.Sprintf("%s %s政府信息公开工作年度报告", report.BodyName(county, agency), span),
		Lead:      "表二至表四按官方格式排列；标红的单元格违反了核对规则，点按（或用 Tab 键选中后按回车）可看说明、原文位置和更正记录。",
		Synthetic: synthetic, Charts: true, Nav: navFor(county, last), Data: v,
	})
}

func (h *handler) townData(ctx context.Context, v *townView, reports []query.ReportSummary) (bool, error) {
	sort.Slice(reports, func(i, j int) bool { return reports[i].Year < reports[j].Year })
	synthetic := false
	var years []string
	trend := []series{{Name: "本年新收申请"}, {Name: "予以公开"}, {Name: "办理结果总计"}, {Name: "结转下年"}}
	review := []series{{Name: "行政复议"}, {Name: "行政诉讼"}}
	problems := []series{{Name: severityLabel(report.SeverityError)}, {Name: severityLabel(report.SeverityWarning)}, {Name: severityLabel(report.SeverityInfo)}}
	for _, r := range reports {
		d, err := h.q.Report(ctx, r.ID, query.ReportOptions{Sources: true})
		if err != nil {
			return false, err
		}
		synthetic = synthetic || d.Synthetic
		flags := &cellInfo{cells: d.Cells, flags: cellFlags(d.Findings), sources: d.Sources, corrections: map[string]string{}}
		for _, c := range d.Corrections {
			parsed := "原文无此单元格"
			if c.ParsedValue != nil {
				parsed = "解析值 " + formatNum(*c.ParsedValue)
			}
			if c.Orphaned {
				flags.corrections[c.Code] = fmt.Sprintf("曾更正为 %s（%s，%s），重新导入后原文已变化，更正不再适用", formatNum(c.Value), c.Reason, c.Author)
			} else {
				flags.corrections[c.Code] = fmt.Sprintf("已更正：%s → %s（%s，%s，%s）", parsed, formatNum(c.Value), c.Reason, c.Author, c.CreatedAt.Format("2006-01-02"))
			}
		}
		ty := townYear{
			ReportID: d.ID,
			Year:     d.Year, EditionLabel: editionLabel(d.Edition), File: d.File, SHA256: d.SHA256,
			PublishedOn: d.PublishedOn, Synthetic: d.Synthetic,
			T2: table2(d.Edition, flags), T3: table3(d.Edition, flags), T4: table4(flags),
			Downloads: []link{{Label: "表二至表四（Excel，官方表格样式）", URL: fmt.Sprintf("/api/v1/reports/%d?format=xlsx", d.ID)},
				{Label: "表二至表四（Word）", URL: fmt.Sprintf("/api/v1/reports/%d?format=docx", d.ID)},
				{Label: "全部单元格（CSV）", URL: fmt.Sprintf("/api/v1/reports/%d?format=csv", d.ID)}},
		}
		for _, fd := range d.Findings {
			ty.Findings = append(ty.Findings, findingView{Rule: ruleLabel(fd.Rule), Severity: severityLabel(fd.Severity), SeverityCode: fd.Severity, Message: fd.Message,
				Review: reviewLabel(fd.Review, fd.ReviewComment, fd.Reviewer)})
		}
		v.Years = append(v.Years, ty)
		cells := values{}
		for code, val := range d.Cells {
			cells[code] = f(val)
		}
		years = append(years, strconv.Itoa(d.Year)+"年")
		trend[0].Values = append(trend[0].Values, cells.get("t3.new.total"))
		trend[1].Values = append(trend[1].Values, cells.get("t3.granted.total"))
		trend[2].Values = append(trend[2].Values, cells.get("t3.total.total"))
		trend[3].Values = append(trend[3].Values, cells.get("t3.carry_forward.total"))
		review[0].Values = append(review[0].Values, cells.get("t4.reconsideration.total"))
		review[1].Values = append(review[1].Values, cells.sum("t4.litigation_direct.total", "t4.litigation_after.total"))
		problems[0].Values = append(problems[0].Values, f(float64(r.Errors)))
		problems[1].Values = append(problems[1].Values, f(float64(r.Warnings)))
		problems[2].Values = append(problems[2].Values, f(float64(r.Infos)))
	}
	// Latest report first; the charts run from the earliest year.
	slices.Reverse(v.Years)
	name := report.BodyName(v.County, v.Agency)
	t := chartSpec{id: "town-trend", title: "历年申请办理", saveName: name + "历年申请办理", categories: years, series: trend, kind: "line", yName: "件"}.build()
	t.Table = seriesTable("年度", years, trend, "", nil)
	rv := chartSpec{id: "town-review", title: "历年行政复议和行政诉讼（总计）", saveName: name + "历年复议诉讼", categories: years, series: review, yName: "件"}.build()
	rv.Table = seriesTable("年度", years, review, "", nil)
	pr := chartSpec{id: "town-findings", title: "历年报告发现的问题（条）", saveName: name + "历年报告问题", categories: years, series: problems, stack: true, yName: "条", colors: severityColors}.build()
	if allZero(problems) {
		pr = chartView{ID: "town-findings", Title: "历年报告发现的问题", Empty: "历年报告均未发现问题。"}
	}
	pr.Table = seriesTable("年度", years, problems, "", nil)
	v.Charts = []chartView{t, rv, pr}
	return synthetic, nil
}

func editionLabel(ed string) string {
	switch ed {
	case report.Edition2021:
		return "2021年版格式"
	case report.Edition2019:
		return "2019年版格式"
	}
	return ed + "格式"
}

// cellFlags maps each cell code to the messages of the findings naming it.
func cellFlags(fs []report.Finding) map[string]string {
	out := map[string]string{}
	for _, fd := range fs {
		for _, code := range fd.Cells {
			msg := ruleLabel(fd.Rule) + "：" + fd.Message
			if old, ok := out[code]; ok {
				out[code] = old + "\n" + msg
			} else {
				out[code] = msg
			}
		}
	}
	return out
}

// cellInfo is what the tables of one report show about each cell.
type cellInfo struct {
	cells       map[string]float64
	flags       map[string]string
	sources     map[string]report.Source
	corrections map[string]string
}

func cell(in *cellInfo, code string) cellView {
	v, ok := in.cells[code]
	cv := cellView{Text: "—", NA: true}
	if ok {
		cv = cellView{Text: formatNum(v)}
	}
	cv.Flag = in.flags[code]
	cv.Corrected = in.corrections[code]
	if src, ok := in.sources[code]; ok {
		cv.Source = sourceText(src)
		cv.Doubt = src.Note != "" && !strings.HasPrefix(src.Note, "空白") && !strings.HasSuffix(src.Note, "按0计")
	}
	return cv
}

// sourceText tells where a number stands in its document, for the tooltip.
func sourceText(s report.Source) string {
	var where []string
	if s.Page > 0 {
		where = append(where, fmt.Sprintf("第%d页", s.Page))
	}
	if s.Line > 0 {
		where = append(where, fmt.Sprintf("第%d行", s.Line))
	}
	if s.Table > 0 && s.Row > 0 {
		where = append(where, fmt.Sprintf("表%d第%d行", s.Table, s.Row))
		if s.Col > 0 {
			where[len(where)-1] += fmt.Sprintf("第%d列", s.Col)
		}
	}
	out := "原文" + strings.Join(where, "、")
	if s.Raw != "" {
		out += "：“" + s.Raw + "”"
	} else {
		out += "：空白"
	}
	if s.Note != "" {
		out += "（" + s.Note + "）"
	}
	return out
}

// table2 lays out table 2 as printed (report.Layout): one block per set
// of columns, the catalogue's words for the heads.
func table2(edition string, in *cellInfo) []tableView {
	var out []tableView
	for _, b := range report.Layout(edition)[0].Blocks {
		var head []string
		for _, c := range b.Columns {
			head = append(head, c.Label)
		}
		if n := len(out); n == 0 || strings.Join(out[n-1].Head, "|") != strings.Join(head, "|") {
			out = append(out, tableView{Corner: "信息内容", Head: head})
		}
		for _, r := range b.Rows {
			row := tableRow{Label: r.Label}
			for _, code := range r.Cells {
				row.Cells = append(row.Cells, cell(in, code.String()))
			}
			out[len(out)-1].Rows = append(out[len(out)-1].Rows, row)
		}
	}
	return out
}

// table3 lays out table 3: its rows in printed order, the 2019 edition with
// the single row 其他处理, the 2021 edition with its three sub-rows.
func table3(edition string, in *cellInfo) tableView {
	b := report.Layout(edition)[1].Blocks[0]
	t := tableView{Corner: "申请人情况 → / 办理情况 ↓"}
	for _, c := range b.Columns {
		t.Head = append(t.Head, c.Label)
	}
	for _, r := range b.Rows {
		row := tableRow{Label: r.Label, Sum: r.Key == "total"}
		for _, code := range r.Cells {
			row.Cells = append(row.Cells, cell(in, code.String()))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// table4 lays out table 4 with a row per group and a column per outcome
// (the printed table puts the fifteen cells in one row, too wide for a phone).
func table4(in *cellInfo) tableView {
	b := report.Layout(report.Edition2021)[2].Blocks[0]
	t := tableView{Corner: "类别"}
	for _, c := range b.Columns {
		t.Head = append(t.Head, c.Label)
	}
	for _, g := range b.Rows {
		row := tableRow{Label: g.Label}
		for _, code := range g.Cells {
			row.Cells = append(row.Cells, cell(in, code.String()))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func allZero(ss []series) bool {
	for _, s := range ss {
		for _, v := range s.Values {
			if v != nil && *v != 0 {
				return false
			}
		}
	}
	return true
}
