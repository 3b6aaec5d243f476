package dashboards

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"golang.org/x/sync/errgroup"

	"nianbao/query"
	"nianbao/report"
)

// scope is the county and year a page is about.
type scope struct {
	County string
	Year   int
	// Departments selects the county's departments instead of its towns
	// (?level=departments): each kind is compared with its own kind.
	Departments bool
}

// who names the bodies a county page charts.
func (s scope) who() string {
	if s.Departments {
		return "各部门"
	}
	return "各乡镇"
}

// level is the query level of the bodies a county page charts.
func (s scope) level() string {
	if s.Departments {
		return "departments"
	}
	return query.LevelNoDepartments
}

// readScope reads ?county=&year=. A missing year means the county's latest.
func (h *handler) readScope(c *gin.Context) (scope, bool) {
	s := scope{County: strings.TrimSpace(c.Query("county"))}
	if s.County == "" {
		h.fail(c, http.StatusBadRequest, "请先选择一个县（区）。", nil)
		return s, false
	}
	if h.place != nil {
		if err := h.place(c.Request.Context(), s.County); err != nil {
			// The sentence names the way out: the county's code.
			h.fail(c, http.StatusBadRequest, strings.SplitN(err.Error(), "：", 2)[0]+"（六位数字，如 110105），或从首页逐级选择。", nil)
			return s, false
		}
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

// The entry page never lists every report: at national size that was
// 6 MB of HTML. A reader goes down province → city → county by links, or
// searches by name (a GET form, so it works without JavaScript); a small
// script (static/places.js) only adds suggestions from /api/v1/places
// while typing.

// maxChoices bounds the county and agency suggestions written into a
// page's <datalist>s.
const maxChoices = 200

type indexView struct {
	Empty     bool
	Q         string
	Crumbs    []crumb
	Heading   string      // what the list below shows: 各省（区、市）, 资阳市的县（区）…
	Groups    []placeLink // provinces or cities to go down into
	Counties  []countyItem
	Agencies  []agencyItem // search results
	Total     int
	Truncated bool
	Years     []int
	County    string
	Year      int
	Choices   []string // county names for the forms' datalist
}

type crumb struct{ Label, URL string }

type placeLink struct {
	Name, URL         string
	Counties, Reports int
}

type countyItem struct {
	Label, County string
	Years         []yearLinks
}

type yearLinks struct {
	Year                       int
	Overview, Compare, Quality string
}

type agencyItem struct {
	Label, URL string
	Years      []int
}

func browseURL(province, city string) string {
	v := url.Values{}
	if province != "" {
		v.Set("province", province)
	}
	if city != "" {
		v.Set("city", city)
	}
	if len(v) == 0 {
		return "/dashboards/"
	}
	return "/dashboards/?" + v.Encode()
}

func (h *handler) index(c *gin.Context) {
	ctx := c.Request.Context()
	v := indexView{Q: strings.TrimSpace(c.Query("q"))}
	province, city := strings.TrimSpace(c.Query("province")), strings.TrimSpace(c.Query("city"))
	counties, err := h.q.Counties(ctx)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, errQuery.Error(), err)
		return
	}
	if len(counties) == 0 {
		h.render(c, http.StatusOK, "index", page{Title: "选择县和年度", Heading: "政府信息公开工作年度报告统计", Data: indexView{Empty: true}})
		return
	}
	years := map[int]bool{}
	for _, ct := range counties {
		for _, y := range ct.Years {
			years[y] = true
		}
	}
	for y := range years {
		v.Years = append(v.Years, y)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(v.Years)))

	var shown []query.Place
	if v.Q != "" {
		res, err := h.q.Places(ctx, query.PlaceQuery{Q: v.Q, Limit: maxChoices})
		if err != nil {
			if query.IsInputError(err) {
				h.fail(c, http.StatusBadRequest, err.Error(), nil)
				return
			}
			h.fail(c, http.StatusInternalServerError, errQuery.Error(), err)
			return
		}
		v.Total, v.Truncated = res.Total, res.Truncated
		v.Crumbs = []crumb{{"全国", browseURL("", "")}}
		v.Heading = fmt.Sprintf("“%s”的搜索结果", v.Q)
		for _, p := range res.Places {
			if p.Kind == "agency" {
				v.Agencies = append(v.Agencies, agencyItem{Label: p.Label, URL: townURL(p.Name, p.County), Years: p.Years})
			} else {
				shown = append(shown, p)
			}
		}
	} else {
		// Go down by itself where a level has one place only (a county's
		// own server, the sample data).
		v.Crumbs = []crumb{{"全国", browseURL("", "")}}
		if province == "" {
			if ps, err := h.q.Places(ctx, query.PlaceQuery{Limit: query.MaxPlaceLimit}); err == nil && len(ps.Places) == 1 {
				province = ps.Places[0].Name
			}
		}
		if province != "" && city == "" {
			if cs, err := h.q.Places(ctx, query.PlaceQuery{Province: province, Limit: query.MaxPlaceLimit}); err == nil && len(cs.Places) == 1 {
				city = cs.Places[0].Name
			}
		}
		if province != "" {
			v.Crumbs = append(v.Crumbs, crumb{province, browseURL(province, "")})
		}
		if city != "" {
			v.Crumbs = append(v.Crumbs, crumb{city, browseURL(province, city)})
		}
		res, err := h.q.Places(ctx, query.PlaceQuery{Province: province, City: city, Limit: query.MaxPlaceLimit})
		if err != nil {
			if query.IsInputError(err) {
				h.fail(c, http.StatusBadRequest, err.Error(), nil)
				return
			}
			h.fail(c, http.StatusInternalServerError, errQuery.Error(), err)
			return
		}
		v.Total, v.Truncated = res.Total, res.Truncated
		switch {
		case city != "":
			v.Heading = city + "的县（市、区）"
			shown = res.Places
		case province != "":
			v.Heading = province + "的市（州）"
		default:
			v.Heading = "各省（区、市）"
		}
		if city == "" {
			for _, p := range res.Places {
				u := browseURL(p.Name, "")
				if p.Kind == "city" {
					u = browseURL(province, p.Name)
				}
				v.Groups = append(v.Groups, placeLink{Name: p.Name, URL: u, Counties: p.Counties, Reports: p.Reports})
			}
			sortPlaces(v.Groups)
		}
	}
	for _, p := range shown {
		item := countyItem{Label: p.Label, County: p.County}
		if v.Q == "" {
			item.Label = p.County
		}
		for _, y := range p.Years {
			item.Years = append(item.Years, yearLinks{Year: y, Overview: countyURL(p.County, y), Compare: compareURL(p.County, y), Quality: qualityURL(p.County, y)})
		}
		v.Counties = append(v.Counties, item)
		if len(v.Choices) < maxChoices {
			v.Choices = append(v.Choices, p.County)
		}
	}
	// Preselect the latest year and the first county that has it.
	v.Year = v.Years[0]
	for _, p := range shown {
		if len(p.Years) > 0 && p.Years[0] == v.Year {
			v.County = p.County
			break
		}
	}
	synthetic := false
	for _, ct := range counties {
		synthetic = synthetic || ct.Synthetic
	}
	h.render(c, http.StatusOK, "index", page{
		Title: "选择县和年度", Heading: "政府信息公开工作年度报告统计",
		Lead:      "逐级选择省、市、县（区），或输入名称搜索；再选择年度，查看各乡镇（街道）的申请办理、复议诉讼和数据质量，或查看单个机关历年的报告。",
		Synthetic: synthetic, Data: v, PlacesScript: true,
	})
}

// sortPlaces orders provinces or cities by their names in pinyin, the
// unplaced group last.
func sortPlaces(ps []placeLink) {
	names := make([]string, len(ps))
	byName := map[string]placeLink{}
	for i, p := range ps {
		names[i] = p.Name
		byName[p.Name] = p
	}
	sortNames(names)
	out := make([]placeLink, 0, len(ps))
	var last []placeLink
	for _, n := range names {
		if n == query.Unplaced {
			last = append(last, byName[n])
			continue
		}
		out = append(out, byName[n])
	}
	copy(ps, append(out, last...))
}

// ---- county overview ----

type section struct {
	Heading, Note string
	// Hint tells how to use the page (sorting …): shown on screen, not
	// printed.
	Hint   string
	Charts []chartView
}

type countyView struct {
	Reports, Towns         int
	CompareURL, QualityURL string
	BundleURL              string // the county's year in one zip (GET /api/v1/bundle)
	Sections               []section
	Filing                 *filingView // who has not reported (nil: no registry list)
	Departments            int         // reports of the county government and departments, not charted
	YearLinks              []yearLink  // the year switcher
	Unread                 []string    // towns whose table 3 was not read: not in any figure
	Kind                   string      // 各乡镇 or 各部门
	LevelLinks             []yearLink  // the towns / departments switch
}

func (h *handler) county(c *gin.Context) {
	s, ok := h.readScope(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	switch lv := strings.TrimSpace(c.Query("level")); lv {
	case "", "towns":
	case "departments":
		s.Departments = true
	default:
		h.fail(c, http.StatusBadRequest, fmt.Sprintf("层级“%s”无法识别：可选 towns（乡镇街道）或 departments（县级部门）。", lv), nil)
		return
	}
	v, synthetic, err := h.countyData(ctx, s)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, errQuery.Error(), err)
		return
	}
	if len(v.YearLinks) == 0 && v.Filing == nil {
		// Neither a report nor a filing list: a misspelt or unknown county
		// is a 404 that names it, not a page of empty charts.
		h.fail(c, http.StatusNotFound, fmt.Sprintf("没有“%s”的报告，登记册中也没有这个县（区）。请检查名称，或从首页选择。", s.County), nil)
		return
	}
	h.render(c, http.StatusOK, "county", page{
		Title:     fmt.Sprintf("%s %d年 县级概览", s.County, s.Year),
		Heading:   fmt.Sprintf("%s %d年政府信息公开工作年度报告概览", s.County, s.Year),
		Lead:      s.who() + "本年新收申请、办理结果、复议诉讼和报告问题的排名和比较；每张图下的表格列出同样的数字，可下载为 CSV 或 Excel。",
		Synthetic: synthetic, Charts: true, Nav: navFor(s.County, s.Year), Data: v,
	})
}

func (h *handler) countyData(ctx context.Context, s scope) (countyView, bool, error) {
	v := countyView{CompareURL: compareURL(s.County, s.Year), QualityURL: qualityURL(s.County, s.Year),
		BundleURL: "/api/v1/bundle?" + url.Values{"county": {s.County}, "year": {strconv.Itoa(s.Year)}}.Encode()}
	// The town charts leave out the county government and its departments
	// (issue 10: they were charted as 乡镇); the page says how many.
	tf := query.Filter{County: s.County, Year: s.Year, Level: s.level()}
	trendFilter := query.Filter{County: s.County, Level: s.level()}
	// The page's statements do not depend on one another: they run at
	// once (two cores: a cold page's wall time nearly halves; each is a
	// few ms of DuckDB's fixed cost per statement, docs/benchmarks.md
	// "third pass"). The county's list over every year is read once and
	// split here: the year links need it anyway, and a statement per year
	// and level cost a cold page four more.
	var (
		all   []query.ReportSummary
		st    agencyStats
		trend trendStats
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		all, err = listReports(gctx, h.q, query.Filter{County: s.County})
		return err
	})
	g.Go(func() (err error) {
		st, trend, err = loadCountyStats(gctx, h.q, tf)
		return err
	})
	// The filing list reads the store (the registry's towns and their
	// reports of the year): beside the statistics, not after them.
	g.Go(func() error {
		v.Filing = h.filingData(gctx, s.County, s.Year)
		return nil
	})
	if err := g.Wait(); err != nil {
		return v, false, err
	}
	var every, reports []query.ReportSummary
	for _, r := range all {
		if r.Year != s.Year {
			continue
		}
		every = append(every, r)
		if query.InLevel(tf.Level, r) {
			reports = append(reports, r)
		}
	}
	v.Departments = len(every) - len(reports)
	v.Kind = s.who()
	v.LevelLinks = []yearLink{{Label: "乡镇（街道）", URL: countyURL(s.County, s.Year), Current: !s.Departments},
		{Label: "县级部门", URL: countyURL(s.County, s.Year) + "&level=departments", Current: s.Departments}}
	synthetic := false
	years := map[int]bool{}
	for _, r := range all {
		synthetic = synthetic || r.Synthetic
		years[r.Year] = true
	}
	for y := range years {
		u := countyURL(s.County, y)
		if s.Departments {
			u += "&level=departments"
		}
		v.YearLinks = append(v.YearLinks, yearLink{Year: y, Label: strconv.Itoa(y) + "年", URL: u, Current: y == s.Year})
	}
	sort.Slice(v.YearLinks, func(i, j int) bool { return v.YearLinks[i].Year > v.YearLinks[j].Year })
	towns := sortedTowns(reports)
	v.Reports, v.Towns = len(reports), len(towns)
	for _, t := range towns {
		if st.out[t] == nil {
			v.Unread = append(v.Unread, t)
		}
	}
	links := make([]string, len(towns))
	for i, t := range towns {
		links[i] = townURL(t, s.County)
	}
	prefix := fmt.Sprintf("%s%d年", s.County, s.Year)
	dl := func(stat string) []link { return downloads(stat, tf) }

	// New applications per town, most first.
	byNew := append([]string(nil), towns...)
	sort.SliceStable(byNew, func(i, j int) bool { return valueOr(st.newApps(byNew[i])) > valueOr(st.newApps(byNew[j])) })
	newLinks := make([]string, len(byNew))
	newApps := series{Name: "本年新收申请"}
	for i, t := range byNew {
		newApps.Values = append(newApps.Values, st.newApps(t))
		newLinks[i] = townURL(t, s.County)
	}
	apps := chartSpec{id: "new-per-town", title: s.who() + "本年新收申请数量", saveName: prefix + "新收申请", categories: byNew, series: []series{newApps}, yName: "件"}.build()
	apps.Table = seriesTable("机关", byNew, []series{newApps}, "", newLinks)
	apps.Downloads = dl("applications")

	// Disclosure mix, counts and shares: query.Outcomes, one definition.
	counts := make([]series, len(mixCategories))
	pcts := make([]series, len(mixCategories))
	for i, m := range mixCategories {
		counts[i].Name, pcts[i].Name = m, m
	}
	for _, t := range towns {
		mc, sh := mixCounts(st.out[t]), mixShares(st.out[t])
		for i := range mixCategories {
			counts[i].Values = append(counts[i].Values, mc[i])
			pcts[i].Values = append(pcts[i].Values, sh[i])
		}
	}
	mixCount := chartSpec{id: "mix-count", title: s.who() + "申请办理结果（件）", saveName: prefix + "办理结果件数", categories: towns, series: counts, stack: true, yName: "件", tall: true}.build()
	mixCount.Table = seriesTable("机关", towns, counts, "", links)
	mixCount.Downloads = dl("outcomes")
	mixShare := chartSpec{id: "mix-share", title: s.who() + "申请办理结果构成（%）", saveName: prefix + "办理结果构成", categories: towns, series: pcts, stack: true, unit: "%", tall: true}.build()
	mixShare.Caption = "比例＝该项件数÷办理结果总计（表三“总计”行，与接口 /stats/outcomes 相同）；总计为0或表三未读取时记为“—”。报告各项之和与总计不符时（规则2），各项比例之和不等于100%。"
	mixShare.Table = seriesTable("机关", towns, pcts, "%", links)
	mixShare.Downloads = dl("outcomes")

	// Review and litigation outcomes, the towns' totals: the year's row of
	// the trend's statistic (the same reports summed, one statement fewer).
	var revRow *query.ReviewsRow
	for i := range trend.rev.Rows {
		if trend.rev.Rows[i].Group.Group == strconv.Itoa(s.Year) {
			revRow = &trend.rev.Rows[i]
		}
	}
	review := reviewChart("review", "行政复议和行政诉讼结果（"+s.who()+"合计）", prefix+"复议诉讼", revRow)
	review.Downloads = dl("reviews")

	ranking, err := h.rankingTable(ctx, s, tf, towns, st, levelScopes(reports))
	if err != nil {
		return v, false, err
	}

	// Trend over the years.
	yearLabels, trendSeries := trend.series()
	trendChart := chartSpec{id: "trend", title: s.County + s.who() + "历年合计", saveName: s.County + "历年合计", categories: yearLabels, series: trendSeries, kind: "line", yName: "件"}.build()
	trendChart.Table = seriesTable("年度", yearLabels, trendSeries, "", nil)
	trendChart.Downloads = downloads("applications", trendFilter, "group_by", "year")

	// Findings per town.
	fc := findingsByTown(reports, towns)
	findings := chartSpec{id: "findings-per-town", title: s.who() + "报告发现的问题（条）", saveName: prefix + "报告问题", categories: towns, series: fc, stack: true, yName: "条", colors: severityColors}.build()
	if allZero(fc) {
		findings = chartView{ID: "findings-per-town", Title: s.who() + "报告发现的问题", Empty: emptyFindings(len(towns))}
	}
	findings.Table = seriesTable("机关", towns, fc, "", links)
	findings.Caption = "点击机关名称查看其历年报告和问题所在的单元格。"
	findings.Downloads = downloads("findings", tf, "table", "2") // the by-agency table

	v.Sections = []section{
		{Heading: "排名和比率", Hint: "点击列名按该列排序；", Note: "“—”表示没有这个数字（表格未读取或分母为0），不参与排名和中位数。", Charts: []chartView{ranking}},
		{Heading: "依申请公开", Charts: []chartView{apps, mixCount, mixShare}},
		{Heading: "行政复议和行政诉讼", Charts: []chartView{review}},
		{Heading: "历年趋势", Note: "全县" + s.who() + "报告数字之和；各年报告份数不同时请留意。", Charts: []chartView{trendChart}},
		{Heading: "报告质量", Charts: []chartView{findings}},
	}
	return v, synthetic, nil
}

// yearLink is one year of the county page's year switcher.
type yearLink struct {
	Year    int
	Label   string
	URL     string
	Current bool
}

func valueOr(p *float64) float64 {
	if p == nil {
		return math.Inf(-1)
	}
	return *p
}

// rankingTable lays the towns side by side on query's rates, with the
// change on last year and the county median; it sorts by any column in
// the browser (app.js).
func (h *handler) rankingTable(ctx context.Context, s scope, tf query.Filter, towns []string, st agencyStats, levels []levelScope) (chartView, error) {
	// The figures are query's (RankValue, exact); show rounds them for
	// print. The medians are taken over exact figures and rounded once,
	// like the towns'. The columns follow query.RankCodes, whose province
	// medians query computes once per data generation.
	type col struct {
		head, unit string
		show       func(*float64) *float64
	}
	same := func(p *float64) *float64 { return p }
	cols := []col{
		{"本年新收申请（件）", "", same},
		{"较上年增减（件）", "", same},
		{"公开率", "%", percent},
		{"实质公开率", "%", percent},
		{"复议纠错率", "%", percent},
		{"每百件办结引发复议诉讼", "", round2},
	}
	t2Codes := query.RankCodes[len(cols):]
	for _, c := range t2Codes {
		cols = append(cols, col{"表二：" + report.Label(c), "", same})
	}
	value := func(st agencyStats, i int, t string) *float64 { return query.RankValue(query.RankCodes[i], st.rank(t)) }
	// The rates are what the ranking is read for; the four 表二 counts,
	// which would push the table past a 1400 px screen, are one click away.
	tv := tableView{Corner: "机关", Sortable: true, ExtraFrom: len(cols) - len(t2Codes),
		ExtraLabel: fmt.Sprintf("显示表二 %d 列（规章、规范性文件、许可、处罚）", len(t2Codes))}
	for _, c := range cols {
		tv.Head = append(tv.Head, c.head)
	}
	ordered := append([]string(nil), towns...)
	sort.SliceStable(ordered, func(i, j int) bool { return valueOr(st.newApps(ordered[i])) > valueOr(st.newApps(ordered[j])) })
	for _, t := range ordered {
		row := tableRow{Label: t, Link: townURL(t, s.County)}
		for i, c := range cols {
			row.Cells = append(row.Cells, sortCell(c.show(value(st, i, t)), c.unit))
		}
		tv.Rows = append(tv.Rows, row)
	}
	med := tableRow{Label: "全县中位数", Sum: true}
	for i, c := range cols {
		var vals []*float64
		for _, t := range towns {
			vals = append(vals, value(st, i, t))
		}
		med.Cells = append(med.Cells, numCell(c.show(medianOf(vals)), c.unit))
	}
	tv.Rows = append(tv.Rows, med)
	// Each kind of body is compared with its own kind too: the median of
	// every body of the same registry level (镇, 乡, 街道 …) in the province.
	provinceMedians := h.q.ProvinceMedians
	if h.medians != nil {
		provinceMedians = h.medians
	}
	for _, lm := range levels {
		meds, err := provinceMedians(ctx, lm.province, s.Year, lm.level)
		if err != nil {
			return chartView{}, err
		}
		row := tableRow{Label: "全省" + lm.level + "中位数", Sum: true}
		for i, c := range cols {
			row.Cells = append(row.Cells, numCell(c.show(meds[query.RankCodes[i]]), c.unit))
		}
		tv.Rows = append(tv.Rows, row)
	}
	tv.markExtra()
	return chartView{ID: "ranking", Title: fmt.Sprintf("%s排名（%d年）", s.who(), s.Year), Table: tv, NoChart: true,
		Caption:   "公开率＝(予以公开+部分公开)÷办理总计；实质公开率＝(予以公开+部分公开)÷(予以公开+部分公开+不予公开)；复议纠错率＝纠正÷(维持+纠正+其他)；每百件＝100×(复议+诉讼)÷办理总计。",
		Downloads: downloads("outcomes", tf)}, nil
}

// levelScope is one registry level of a county's bodies within its
// province, for the level's median.
type levelScope struct{ province, level string }

// levelScopes lists the levels of the registered bodies among the
// reports, with their province's GB/T 2260 code (the first two digits of
// the division code). Bodies the registry cannot place have none.
func levelScopes(reports []query.ReportSummary) []levelScope {
	seen := map[levelScope]bool{}
	var out []levelScope
	for _, r := range reports {
		if r.Level == "" || len(r.DivisionCode) < 2 {
			continue
		}
		ls := levelScope{province: r.DivisionCode[:2] + "0000", level: r.Level}
		if !seen[ls] {
			seen[ls] = true
			out = append(out, ls)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].level < out[j].level })
	return out
}

func round2(p *float64) *float64 {
	if p == nil {
		return nil
	}
	return f(math.Round(*p*100) / 100)
}

// sortCell is a number cell that carries its value for sorting.
func sortCell(p *float64, unit string) cellView {
	c := numCell(p, unit)
	if p != nil {
		c.Sort = strconv.FormatFloat(*p, 'f', -1, 64)
	}
	return c
}

// trendStats are query's statistics of a filter per year: the trend,
// and the year's review totals.
type trendStats struct {
	app query.ApplicationsResult
	out query.OutcomesResult
	rev query.ReviewsResult
}

// series sums the key figures per year from query's statistics.
func (t trendStats) series() ([]string, []series) {
	app, out, rev := t.app, t.out, t.rev
	set := map[string]bool{}
	apps := map[string]*query.ApplicationsRow{}
	for i := range app.Rows {
		apps[app.Rows[i].Group.Group] = &app.Rows[i]
		set[app.Rows[i].Group.Group] = true
	}
	outs := map[string]*query.OutcomesRow{}
	for i := range out.Rows {
		outs[out.Rows[i].Group.Group] = &out.Rows[i]
		set[out.Rows[i].Group.Group] = true
	}
	revs := map[string]*query.ReviewsRow{}
	for i := range rev.Rows {
		revs[rev.Rows[i].Group.Group] = &rev.Rows[i]
		set[rev.Rows[i].Group.Group] = true
	}
	var years []string
	for y := range set {
		years = append(years, y)
	}
	sort.Strings(years)
	ss := []series{{Name: "本年新收申请"}, {Name: "予以公开"}, {Name: "办理结果总计"}, {Name: "行政复议"}, {Name: "行政诉讼"}}
	labels := make([]string, len(years))
	for i, y := range years {
		labels[i] = y + "年"
		var a, g, tot, rc, lt *float64
		if r := apps[y]; r != nil {
			a = f(r.New)
		}
		if r := outs[y]; r != nil {
			g, tot = f(r.Counts.Granted), f(r.Total)
		}
		if r := revs[y]; r != nil {
			rc, lt = f(r.Reconsideration.Total), f(r.Litigation.Total)
		}
		for j, p := range []*float64{a, g, tot, rc, lt} {
			ss[j].Values = append(ss[j].Values, p)
		}
	}
	return labels, ss
}

// reviewChart draws table 4 of one statistics row (query.Reviews): a bar
// per group and outcome, totals aside. A nil row (table 4 not read
// anywhere) draws nothing.
func reviewChart(id, title, saveName string, r *query.ReviewsRow) chartView {
	outcomes := []string{"upheld", "corrected", "other", "pending"}
	cats := make([]string, len(reviewGroups))
	for i, g := range reviewGroups {
		cats[i] = g.Label
	}
	groups := make([]*query.ReviewCounts, len(reviewGroups))
	if r != nil {
		groups = []*query.ReviewCounts{&r.Reconsideration, &r.LitigationDirect, &r.LitigationAfter}
	}
	pick := func(c *query.ReviewCounts, o string) *float64 {
		if c == nil {
			return nil
		}
		switch o {
		case "upheld":
			return f(c.Upheld)
		case "corrected":
			return f(c.Corrected)
		case "other":
			return f(c.Other)
		case "pending":
			return f(c.Pending)
		}
		return f(c.Total)
	}
	var ss []series
	for _, o := range outcomes {
		s := series{Name: outcomeLabel(o)}
		for _, g := range groups {
			s.Values = append(s.Values, pick(g, o))
		}
		ss = append(ss, s)
	}
	ch := chartSpec{id: id, title: title, saveName: saveName, categories: cats, series: ss, yName: "件"}.build()
	total := series{Name: outcomeLabel("total")}
	for _, g := range groups {
		total.Values = append(total.Values, pick(g, "total"))
	}
	ch.Table = seriesTable("类别", cats, append(ss, total), "", nil)
	return ch
}

// findingsByTown counts findings per town by severity.
func findingsByTown(reports []query.ReportSummary, towns []string) []series {
	by := map[string]query.ReportSummary{}
	for _, r := range reports {
		by[r.Agency] = r
	}
	ss := []series{{Name: severityLabel(report.SeverityError)}, {Name: severityLabel(report.SeverityWarning)}, {Name: severityLabel(report.SeverityInfo)}}
	for _, t := range towns {
		r := by[t]
		ss[0].Values = append(ss[0].Values, f(float64(r.Errors)))
		ss[1].Values = append(ss[1].Values, f(float64(r.Warnings)))
		ss[2].Values = append(ss[2].Values, f(float64(r.Infos)))
	}
	return ss
}
