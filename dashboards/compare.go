package dashboards

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"nianbao/query"
)

// Bounds of a comparison.
const (
	minCompare = 2
	maxCompare = 6
)

const medianLabel = "全县中位数"

type compareView struct {
	County   string
	Year     int
	Years    []int
	Choices  []townChoice
	Problem  string
	Sections []section
}

type townChoice struct {
	Name    string
	Checked bool
}

func (h *handler) compare(c *gin.Context) {
	s, ok := h.readScope(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	reports, err := listReports(ctx, h.q, query.Filter{County: s.County, Year: s.Year})
	if err != nil {
		h.fail(c, http.StatusInternalServerError, errQuery.Error(), err)
		return
	}
	yearGroups, err := groupNames(ctx, h.q, query.Filter{County: s.County}, query.GroupYear)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, errQuery.Error(), err)
		return
	}
	v := compareView{County: s.County, Year: s.Year}
	for _, g := range yearGroups {
		if n, err := strconv.Atoi(g.Group); err == nil {
			v.Years = append(v.Years, n)
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(v.Years)))
	towns := sortedTowns(reports)
	known := map[string]bool{}
	for _, t := range towns {
		known[t] = true
	}
	var picked []string
	var unknown []string
	seen := map[string]bool{}
	for _, t := range c.QueryArray("town") {
		t = strings.TrimSpace(t)
		if t == "" || seen[t] {
			continue
		}
		seen[t] = true
		if known[t] {
			picked = append(picked, t)
		} else {
			unknown = append(unknown, t)
		}
	}
	for _, t := range towns {
		v.Choices = append(v.Choices, townChoice{Name: t, Checked: seen[t]})
	}
	// The choices are the county's reports: one of them 示例数据 marks
	// the page, picked or not.
	synthetic := false
	for _, r := range reports {
		synthetic = synthetic || r.Synthetic
	}
	switch {
	case len(towns) < minCompare:
		v.Problem = fmt.Sprintf("%s %d年只有 %d 份报告，无法对比。", s.County, s.Year, len(towns))
	case len(unknown) > 0:
		v.Problem = fmt.Sprintf("%s %d年没有这些机关的报告：%s。请在上面重新勾选。", s.County, s.Year, strings.Join(unknown, "、"))
	case len(picked) == 0:
		v.Problem = fmt.Sprintf("请在上面勾选 %d 至 %d 个乡镇，然后点“对比”。", minCompare, maxCompare)
	case len(picked) < minCompare || len(picked) > maxCompare:
		v.Problem = fmt.Sprintf("已选 %d 个乡镇；请选 %d 至 %d 个。", len(picked), minCompare, maxCompare)
	default:
		secs, syn, err := h.compareData(c, s, picked)
		if err != nil {
			h.fail(c, http.StatusInternalServerError, errQuery.Error(), err)
			return
		}
		v.Sections = secs
		synthetic = synthetic || syn
	}
	title := fmt.Sprintf("%s %d年 乡镇对比", s.County, s.Year)
	if len(picked) > 0 && v.Problem == "" {
		title += "：" + strings.Join(picked, "、")
	}
	h.render(c, http.StatusOK, "compare", page{
		Title: title, Heading: fmt.Sprintf("%s %d年 乡镇对比", s.County, s.Year),
		Lead:      "所选乡镇并列在同一张图上，另列全县各机关的中位数作参照。",
		Synthetic: synthetic, Charts: v.Problem == "", Nav: navFor(s.County, s.Year), Data: v,
	})
}

func (h *handler) compareData(c *gin.Context, s scope, picked []string) ([]section, bool, error) {
	ctx := c.Request.Context()
	cf := query.Filter{County: s.County, Year: s.Year}
	st, err := loadStats(ctx, h.q, cf)
	if err != nil {
		return nil, false, err
	}
	prefix := fmt.Sprintf("%s%d年对比", s.County, s.Year)
	links := make([]string, 0, len(picked))
	for _, t := range picked {
		links = append(links, townURL(t, s.County))
	}
	level := strings.TrimSpace(c.Query("level"))
	// The county median of each category is query's (CompareIn over the
	// exact values of every agency of the level), never recomputed here
	// from the rounded figures the page prints; scale turns a share into
	// a percentage for display.
	medians := func(y int, metrics []string, scale float64) ([]*float64, error) {
		out := make([]*float64, len(metrics))
		for i, m := range metrics {
			res, err := h.q.CompareIn(ctx, query.Filter{County: s.County, Year: y, Level: level}, m)
			if err != nil {
				return nil, err
			}
			if res.Median != nil {
				out[i] = f(*res.Median * scale)
			}
		}
		return out, nil
	}
	// One series per picked town and one for the county median, over the
	// given categories; value(town, i) gives category i from query's
	// statistics (nil when the town's table was not read).
	var medErr error
	build := func(cats, metrics []string, scale float64, value func(string, int) *float64) []series {
		var ss []series
		for _, t := range picked {
			sr := series{Name: t}
			for i := range cats {
				sr.Values = append(sr.Values, value(t, i))
			}
			ss = append(ss, sr)
		}
		med := series{Name: medianLabel}
		vals, err := medians(s.Year, metrics, scale)
		if err != nil {
			medErr = err
		}
		med.Values = vals
		return append(ss, med)
	}
	// Transposed table: a row per town (and the median), a column per category.
	table := func(corner string, cats []string, ss []series, unit string) tableView {
		t := tableView{Corner: corner, Head: cats}
		for i, sr := range ss {
			row := tableRow{Label: sr.Name, Sum: sr.Name == medianLabel}
			if i < len(links) {
				row.Link = links[i]
			}
			for _, p := range sr.Values {
				row.Cells = append(row.Cells, numCell(p, unit))
			}
			t.Rows = append(t.Rows, row)
		}
		return t
	}

	keyCats := []string{"本年新收申请", "上年结转", "办理结果总计", "结转下年"}
	key := build(keyCats, []string{"applications.new", "applications.carried_over", "outcomes.total", "applications.carry_forward"}, 1, func(t string, i int) *float64 {
		a, o := st.app[t], st.out[t]
		switch {
		case i == 2 && o != nil:
			return f(o.Total)
		case a == nil || i == 2:
			return nil
		case i == 0:
			return f(a.New)
		case i == 1:
			return f(a.CarriedOver)
		}
		return f(a.CarryForward)
	})
	keyChart := chartSpec{id: "cmp-key", title: "申请数量", saveName: prefix + "申请数量", categories: keyCats, series: key, yName: "件"}.build()
	keyChart.Table = table("机关", keyCats, key, "")
	keyChart.Downloads = downloads("applications", cf)

	mixCount := build(mixCategories, []string{"outcomes.granted", "outcomes.partial", "outcomes.denied", "outcomes.unavailable", "outcomes.not_processed", "outcomes.other"}, 1,
		func(t string, i int) *float64 { return mixCounts(st.out[t])[i] })
	countChart := chartSpec{id: "cmp-mix-count", title: "办理结果（件）", saveName: prefix + "办理结果件数", categories: mixCategories, series: mixCount, yName: "件"}.build()
	countChart.Table = table("机关", mixCategories, mixCount, "")
	countChart.Downloads = downloads("outcomes", cf)
	mixShare := build(mixCategories, []string{"outcomes.granted_share", "outcomes.partial_share", "outcomes.denied_share", "outcomes.unavailable_share", "outcomes.not_processed_share", "outcomes.other_share"}, 100,
		func(t string, i int) *float64 { return mixShares(st.out[t])[i] })
	shareChart := chartSpec{id: "cmp-mix-share", title: "办理结果构成（%）", saveName: prefix + "办理结果构成", categories: mixCategories, series: mixShare, unit: "%"}.build()
	shareChart.Caption = "比例＝该项件数÷办理结果总计（与接口 /stats/outcomes 相同）；中位数逐项计算，各项之和不一定为100%。"
	shareChart.Table = table("机关", mixCategories, mixShare, "%")
	shareChart.Downloads = downloads("outcomes", cf)

	revCats := make([]string, len(reviewGroups))
	for i, g := range reviewGroups {
		revCats[i] = g.Label
	}
	rev := build(revCats, []string{"reviews.reconsideration", "reviews.litigation_direct", "reviews.litigation_after"}, 1, func(t string, i int) *float64 {
		r := st.rev[t]
		if r == nil {
			return nil
		}
		return f([]float64{r.Reconsideration.Total, r.LitigationDirect.Total, r.LitigationAfter.Total}[i])
	})
	revChart := chartSpec{id: "cmp-review", title: "行政复议和行政诉讼（总计）", saveName: prefix + "复议诉讼", categories: revCats, series: rev, yName: "件"}.build()
	revChart.Table = table("机关", revCats, rev, "")
	revChart.Downloads = downloads("reviews", cf)
	if medErr != nil {
		return nil, false, medErr
	}

	// New applications over the years, with the county median of each year.
	yearsRes, err := groupNames(ctx, h.q, query.Filter{County: s.County}, query.GroupYear)
	if err != nil {
		return nil, false, err
	}
	var yearLabels []string
	trend := make([]series, len(picked)+1)
	for i, t := range picked {
		trend[i].Name = t
	}
	trend[len(picked)].Name = medianLabel
	// The trend shows the picked towns' other years too.
	all, err := listReports(ctx, h.q, query.Filter{County: s.County})
	if err != nil {
		return nil, false, err
	}
	isPicked := map[string]bool{}
	for _, t := range picked {
		isPicked[t] = true
	}
	synthetic := false
	for _, r := range all {
		synthetic = synthetic || (isPicked[r.Agency] && r.Synthetic)
	}
	sort.Slice(yearsRes, func(i, j int) bool { return yearsRes[i].Group < yearsRes[j].Group })
	for _, g := range yearsRes {
		y, err := strconv.Atoi(g.Group)
		if err != nil {
			continue
		}
		app, err := h.q.Applications(ctx, query.Filter{County: s.County, Year: y}, query.GroupAgency)
		if err != nil {
			return nil, false, err
		}
		byTown := map[string]*float64{}
		for _, r := range app.Rows {
			byTown[r.Group.Group] = f(r.New)
		}
		med, err := medians(y, []string{"applications.new"}, 1)
		if err != nil {
			return nil, false, err
		}
		yearLabels = append(yearLabels, g.Group+"年")
		for i, t := range picked {
			trend[i].Values = append(trend[i].Values, byTown[t])
		}
		trend[len(picked)].Values = append(trend[len(picked)].Values, med[0])
	}
	trendChart := chartSpec{id: "cmp-trend", title: "历年本年新收申请", saveName: prefix + "历年新收申请", categories: yearLabels, series: trend, kind: "line", yName: "件"}.build()
	trendChart.Table = table("机关", yearLabels, trend, "")
	trendChart.Downloads = downloads("applications", query.Filter{County: s.County}, "group_by", "agency")

	return []section{
		{Heading: "依申请公开", Charts: []chartView{keyChart, countChart, shareChart}},
		{Heading: "行政复议和行政诉讼", Charts: []chartView{revChart}},
		{Heading: "历年趋势", Note: "某年没有报告（或表三未读取）的乡镇在该年留空。", Charts: []chartView{trendChart}},
	}, synthetic, nil
}
