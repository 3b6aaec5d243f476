package dashboards

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"nianbao/query"
)

// scope is the county and year a page is about.
type scope struct {
	County string
	Year   int
}

// readScope reads ?county=&year=. A missing year means the county's latest.
func (h *handler) readScope(c *gin.Context) (scope, bool) {
	s := scope{County: strings.TrimSpace(c.Query("county"))}
	if s.County == "" {
		h.fail(c, http.StatusBadRequest, "请先选择一个县（区）。", nil)
		return s, false
	}
	if y := strings.TrimSpace(c.Query("year")); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 1990 || n > 2100 {
			h.fail(c, http.StatusBadRequest, fmt.Sprintf("年度“%s”无法识别，请填写四位数的年份，例如 2022。", y), nil)
			return s, false
		}
		s.Year = n
		return s, true
	}
	years, err := groupNames(c, h.q, query.Filter{County: s.County}, query.GroupYear)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, errQuery.Error(), err)
		return s, false
	}
	for _, g := range years {
		if n, _ := strconv.Atoi(g.Group); n > s.Year {
			s.Year = n
		}
	}
	if s.Year == 0 {
		h.fail(c, http.StatusNotFound, fmt.Sprintf("没有“%s”的报告。", s.County), nil)
		return s, false
	}
	return s, true
}

// ---- entry page ----

type indexView struct {
	Counties  []string
	Years     []int
	County    string
	Year      int
	Groups    []agencyGroup
	Links     []countyLinks
	TownLinks map[string]string
}

type agencyGroup struct {
	County   string
	Agencies []string
}

type countyLinks struct {
	County string
	Years  []yearLinks
}

type yearLinks struct {
	Year                       int
	Overview, Compare, Quality string
}

func (h *handler) index(c *gin.Context) {
	ctx := c.Request.Context()
	reports, err := listReports(ctx, h.q, query.Filter{})
	if err != nil {
		h.fail(c, http.StatusInternalServerError, errQuery.Error(), err)
		return
	}
	v := indexView{TownLinks: map[string]string{}}
	years := map[int]bool{}
	countyYears := map[string]map[int]bool{}
	agencies := map[string]map[string]bool{}
	synthetic := false
	for _, r := range reports {
		synthetic = synthetic || r.Synthetic
		years[r.Year] = true
		if countyYears[r.County] == nil {
			countyYears[r.County] = map[int]bool{}
			agencies[r.County] = map[string]bool{}
		}
		countyYears[r.County][r.Year] = true
		agencies[r.County][r.Agency] = true
	}
	for y := range years {
		v.Years = append(v.Years, y)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(v.Years)))
	for cty := range countyYears {
		v.Counties = append(v.Counties, cty)
	}
	sort.Strings(v.Counties)
	for _, cty := range v.Counties {
		cl := countyLinks{County: cty}
		for _, y := range v.Years {
			if countyYears[cty][y] {
				cl.Years = append(cl.Years, yearLinks{Year: y, Overview: countyURL(cty, y), Compare: compareURL(cty, y), Quality: qualityURL(cty, y)})
			}
		}
		v.Links = append(v.Links, cl)
		g := agencyGroup{County: cty}
		for a := range agencies[cty] {
			g.Agencies = append(g.Agencies, a)
			// An agency name found in one county only needs no county in its link.
			v.TownLinks[a] = townURL(a, cty)
		}
		sort.Strings(g.Agencies)
		v.Groups = append(v.Groups, g)
	}
	if len(v.Counties) > 0 {
		v.County, v.Year = v.Counties[0], v.Years[0]
	}
	h.render(c, http.StatusOK, "index", page{
		Title: "选择县和年度", Heading: "政府信息公开工作年度报告统计",
		Lead:      "选择一个县（区）和年度，查看各乡镇（街道）的申请办理、复议诉讼和数据质量；或查看单个机关历年的报告。",
		Synthetic: synthetic, Data: v,
	})
}

// ---- county overview ----

type section struct {
	Heading, Note string
	Charts        []chartView
}

type countyView struct {
	Reports, Towns         int
	CompareURL, QualityURL string
	Sections               []section
	Filing                 *filingView // who has not reported (nil: no registry list)
	Departments            int         // reports of the county government and departments, not charted
}

func (h *handler) county(c *gin.Context) {
	s, ok := h.readScope(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	v, synthetic, err := h.countyData(ctx, s)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, errQuery.Error(), err)
		return
	}
	h.render(c, http.StatusOK, "county", page{
		Title:     fmt.Sprintf("%s %d年 县级概览", s.County, s.Year),
		Heading:   fmt.Sprintf("%s %d年政府信息公开工作年度报告概览", s.County, s.Year),
		Lead:      "各乡镇（街道）本年新收申请、办理结果、复议诉讼和报告问题；每张图下的表格列出同样的数字。",
		Synthetic: synthetic, Charts: true, Nav: navFor(s.County, s.Year), Data: v,
	})
}

func (h *handler) countyData(ctx context.Context, s scope) (countyView, bool, error) {
	v := countyView{CompareURL: compareURL(s.County, s.Year), QualityURL: qualityURL(s.County, s.Year)}
	// The town charts leave out the county government and its departments
	// (issue 10: they were charted as 乡镇); the page says how many.
	reports, err := listReports(ctx, h.q, query.Filter{County: s.County, Year: s.Year, Level: query.LevelNoDepartments})
	if err != nil {
		return v, false, err
	}
	every, err := listReports(ctx, h.q, query.Filter{County: s.County, Year: s.Year})
	if err != nil {
		return v, false, err
	}
	v.Departments = len(every) - len(reports)
	cells, err := townCells(ctx, h.q, s.County, s.Year)
	if err != nil {
		return v, false, err
	}
	trend, err := h.q.Cells(ctx, overviewCodes(), query.Filter{County: s.County}, query.GroupYear)
	if err != nil {
		return v, false, err
	}
	all, err := listReports(ctx, h.q, query.Filter{County: s.County})
	if err != nil {
		return v, false, err
	}
	synthetic := false
	for _, r := range all {
		synthetic = synthetic || r.Synthetic
	}
	towns := sortedTowns(reports)
	v.Reports, v.Towns = len(reports), len(towns)
	links := make([]string, len(towns))
	for i, t := range towns {
		links[i] = townURL(t, s.County)
	}
	prefix := fmt.Sprintf("%s%d年", s.County, s.Year)

	// New applications per town.
	newApps := series{Name: "本年新收申请"}
	for _, t := range towns {
		newApps.Values = append(newApps.Values, cells[t].get("t3.new.total"))
	}
	apps := chartSpec{id: "new-per-town", title: "各乡镇本年新收申请数量", saveName: prefix + "新收申请", categories: towns, series: []series{newApps}, yName: "件"}.build()
	apps.Table = seriesTable("机关", towns, []series{newApps}, "", links)

	// Disclosure mix, counts and shares.
	counts := make([]series, len(mixCategories))
	pcts := make([]series, len(mixCategories))
	for i, m := range mixCategories {
		counts[i].Name, pcts[i].Name = m.Label, m.Label
	}
	for _, t := range towns {
		mc := cells[t].mix()
		sh := shares(mc)
		for i := range mixCategories {
			counts[i].Values = append(counts[i].Values, mc[i])
			pcts[i].Values = append(pcts[i].Values, sh[i])
		}
	}
	mixCount := chartSpec{id: "mix-count", title: "各乡镇申请办理结果（件）", saveName: prefix + "办理结果件数", categories: towns, series: counts, stack: true, yName: "件", tall: true}.build()
	mixCount.Table = seriesTable("机关", towns, counts, "", links)
	mixShare := chartSpec{id: "mix-share", title: "各乡镇申请办理结果构成（%）", saveName: prefix + "办理结果构成", categories: towns, series: pcts, stack: true, unit: "%", tall: true}.build()
	mixShare.Caption = "比例＝该项件数÷六类办理结果之和；某乡镇没有办理任何申请时比例记为“—”。"
	mixShare.Table = seriesTable("机关", towns, pcts, "%", links)

	// Review and litigation outcomes, county totals.
	countyTotal := values{}
	for _, t := range towns {
		for code, p := range cells[t] {
			if p != nil {
				countyTotal[code] = addp(countyTotal[code], *p)
			}
		}
	}
	review := reviewChart("review", "行政复议和行政诉讼结果（全县合计）", prefix+"复议诉讼", countyTotal)

	// Trend over the years.
	years, trendSeries := trendOf(trend)
	trendChart := chartSpec{id: "trend", title: s.County + "历年合计", saveName: s.County + "历年合计", categories: years, series: trendSeries, kind: "line", yName: "件"}.build()
	trendChart.Table = seriesTable("年度", years, trendSeries, "", nil)

	// Findings per town.
	fc := findingsByTown(reports, towns)
	findings := chartSpec{id: "findings-per-town", title: "各乡镇报告发现的问题（条）", saveName: prefix + "报告问题", categories: towns, series: fc, stack: true, yName: "条", colors: severityColors}.build()
	if allZero(fc) {
		findings = chartView{ID: "findings-per-town", Title: "各乡镇报告发现的问题", Empty: emptyFindings(len(towns))}
	}
	findings.Table = seriesTable("机关", towns, fc, "", links)
	findings.Caption = "点击机关名称查看其历年报告和问题所在的单元格。"

	v.Sections = []section{
		{Heading: "依申请公开", Charts: []chartView{apps, mixCount, mixShare}},
		{Heading: "行政复议和行政诉讼", Charts: []chartView{review}},
		{Heading: "历年趋势", Note: "全县各机关报告数字之和；各年报告份数不同时请留意。", Charts: []chartView{trendChart}},
		{Heading: "报告质量", Charts: []chartView{findings}},
	}
	v.Filing = h.filingData(ctx, s.County, s.Year)
	return v, synthetic, nil
}

func addp(p *float64, v float64) *float64 {
	if p == nil {
		return f(v)
	}
	return f(*p + v)
}

// sortedTowns lists the agencies of the reports, by name.
func sortedTowns(reports []query.ReportSummary) []string {
	seen := map[string]bool{}
	var towns []string
	for _, r := range reports {
		if !seen[r.Agency] {
			seen[r.Agency] = true
			towns = append(towns, r.Agency)
		}
	}
	sort.Strings(towns)
	return towns
}

// reviewChart draws table 4 of one set of values: a bar per group and
// outcome (totals aside).
func reviewChart(id, title, saveName string, v values) chartView {
	outcomes := []string{"upheld", "corrected", "other", "pending"}
	cats := make([]string, len(reviewGroups))
	for i, g := range reviewGroups {
		cats[i] = g.Label
	}
	var ss []series
	for _, o := range outcomes {
		s := series{Name: outcomeLabel(o)}
		for _, g := range reviewGroups {
			s.Values = append(s.Values, v.get("t4."+g.Code+"."+o))
		}
		ss = append(ss, s)
	}
	ch := chartSpec{id: id, title: title, saveName: saveName, categories: cats, series: ss, yName: "件"}.build()
	total := series{Name: outcomeLabel("total")}
	for _, g := range reviewGroups {
		total.Values = append(total.Values, v.get("t4."+g.Code+".total"))
	}
	ch.Table = seriesTable("类别", cats, append(ss, total), "", nil)
	return ch
}

// trendOf turns a by-year cells result into year labels and the key series.
func trendOf(res query.CellsResult) ([]string, []series) {
	rows := append([]query.CellsRow(nil), res.Rows...)
	sort.Slice(rows, func(i, j int) bool { return rows[i].Group.Group < rows[j].Group.Group })
	ss := []series{{Name: "本年新收申请"}, {Name: "予以公开"}, {Name: "办理结果总计"}, {Name: "行政复议"}, {Name: "行政诉讼"}}
	var years []string
	for _, r := range rows {
		years = append(years, r.Group.Group+"年")
		v := values(r.Values)
		ss[0].Values = append(ss[0].Values, v.get("t3.new.total"))
		ss[1].Values = append(ss[1].Values, v.get("t3.granted.total"))
		ss[2].Values = append(ss[2].Values, v.get("t3.total.total"))
		ss[3].Values = append(ss[3].Values, v.get("t4.reconsideration.total"))
		ss[4].Values = append(ss[4].Values, v.sum("t4.litigation_direct.total", "t4.litigation_after.total"))
	}
	return years, ss
}

// findingsByTown counts findings per town by severity.
func findingsByTown(reports []query.ReportSummary, towns []string) []series {
	by := map[string]query.ReportSummary{}
	for _, r := range reports {
		by[r.Agency] = r
	}
	ss := []series{{Name: severityLabel("error")}, {Name: severityLabel("warning")}, {Name: severityLabel("info")}}
	for _, t := range towns {
		r := by[t]
		ss[0].Values = append(ss[0].Values, f(float64(r.Errors)))
		ss[1].Values = append(ss[1].Values, f(float64(r.Warnings)))
		ss[2].Values = append(ss[2].Values, f(float64(r.Infos)))
	}
	return ss
}
