package dashboards

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/go-echarts/go-echarts/v2/types"

	"nianbao/query"
)

// vendorPath is where ECharts is served; go-echarts' AssetsHost points here
// so that nothing a chart declares is fetched from outside the server.
const vendorPath = "/assets/vendor/"

// series is one named row of values; a nil value is "no figure" (drawn as a
// gap, printed as —), as when a share's denominator is 0.
type series struct {
	Name   string
	Values []*float64
}

// chartView is a chart as the templates see it: its ECharts option as JSON
// (written into an attribute by html/template, never into a script), or an
// explanation when there is nothing to draw, and the table of the same
// numbers printed under it.
type chartView struct {
	ID     string
	Title  string
	Option string
	Unit   string // appended to values in tooltips ("%")
	// Drill is a URL a click on a map region opens, ending in a query
	// parameter the region's full name is appended to.
	Drill   string
	Tall    bool
	Empty   string
	Caption string
	Table   tableView
	// NoChart is a figure that is only its table (the ranking).
	NoChart bool
	// Downloads are the API exports of the same numbers (CSV, XLSX).
	Downloads []link
}

// link is a labelled URL.
type link struct{ Label, URL string }

// downloads links a figure to the named statistic of the API with the
// page's filter, as CSV and XLSX: the file holds the very numbers the
// page shows, computed once by query. extra adds key, value pairs.
func downloads(stat string, fl query.Filter, extra ...string) []link {
	v := url.Values{}
	if fl.County != "" {
		v.Set("county", fl.County)
	}
	if fl.Year != 0 {
		v.Set("year", strconv.Itoa(fl.Year))
	}
	if fl.Level != "" {
		v.Set("level", fl.Level)
	}
	v.Set("group_by", "agency")
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	var out []link
	for _, f := range []string{"csv", "xlsx"} {
		v.Set("format", f)
		if f == "xlsx" {
			v.Del("table") // the workbook holds every table, one per sheet
		}
		out = append(out, link{Label: strings.ToUpper(f), URL: "/api/v1/stats/" + stat + "?" + v.Encode()})
	}
	return out
}

// tableView is a plain table: header cells, then rows of a label and cells.
type tableView struct {
	// Sortable tables sort by a column when its header is clicked.
	Sortable bool
	Corner   string
	Head     []string
	Rows     []tableRow
	// ExtraFrom > 0 hides the columns from that index on behind a
	// checkbox labelled ExtraLabel, so a wide table fits the screen with
	// the columns most read and the rest one click away.
	// (omitempty: the layout goldens predate them.)
	ExtraFrom  int    `json:",omitempty"`
	ExtraLabel string `json:",omitempty"`
}

// markExtra marks the cells of the columns from ExtraFrom on, for the
// stylesheet to hide until asked.
func (t *tableView) markExtra() {
	if t.ExtraFrom <= 0 {
		return
	}
	for _, r := range t.Rows {
		for i := t.ExtraFrom; i < len(r.Cells); i++ {
			r.Cells[i].Extra = true
		}
	}
}

type tableRow struct {
	Label string
	Link  string
	Sum   bool
	Cells []cellView
}

// cellView is one number in a table; Flag holds the messages of findings
// that name this cell.
type cellView struct {
	Text string
	Flag string
	NA   bool
	// Source says where the number stands in the document; Doubt marks a
	// reading the parser had to choose; Corrected holds a person's change.
	Source    string
	Doubt     bool
	Corrected string
	// Sort is the plain value a sortable table orders by ("" = none).
	Sort string
	// Extra is a cell of a column shown on demand (tableView.ExtraFrom).
	Extra bool `json:",omitempty"`
}

// Class gives the cell's marks: a finding, no value, a doubtful reading, a
// correction.
func (c cellView) Class() string {
	var cls []string
	switch {
	case c.Flag != "":
		cls = append(cls, "flag")
	case c.NA:
		cls = append(cls, "na")
	}
	if c.Doubt {
		cls = append(cls, "doubt")
	}
	if c.Corrected != "" {
		cls = append(cls, "corrected")
	}
	if c.Extra {
		cls = append(cls, "col-extra")
	}
	return strings.Join(cls, " ")
}

// Title is the cell's tooltip: its findings, its place in the source, its
// reading note and any correction.
func (c cellView) Title() string {
	var parts []string
	for _, p := range []string{c.Flag, c.Corrected, c.Source} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, "\n")
}

type chartSpec struct {
	id, title, saveName string
	categories          []string
	series              []series
	kind                string // "bar" or "line"
	stack               bool
	unit                string // "%" for shares
	yName               string
	tall                bool
	colors              []string // palette override, e.g. severities
}

// severityColors give 错误, 警告, 提示 red, amber and blue from ECharts' palette.
var severityColors = []string{"#ee6666", "#fac858", "#73c0de"}

// build turns a spec into a chartView with go-echarts. The option is
// marshalled with encoding/json (which escapes <, > and &) rather than
// go-echarts' own renderer, whose inline script does not escape names.
func (s chartSpec) build() chartView {
	v := chartView{ID: s.id, Title: s.title, Unit: s.unit, Tall: s.tall}
	if !hasValues(s.series) || len(s.categories) == 0 {
		v.Empty = "没有可绘制的数据：所选范围内没有报告，或相关数字均未填报。"
		return v
	}
	global := []charts.GlobalOpts{
		charts.WithInitializationOpts(opts.Initialization{AssetsHost: vendorPath, ChartID: s.id, PageTitle: s.title}),
		charts.WithAnimation(false),
		charts.WithTitleOpts(opts.Title{Title: s.title, Left: "center", TitleStyle: &opts.TextStyle{FontSize: 15}}),
		charts.WithToolboxOpts(opts.Toolbox{Show: opts.Bool(true), Right: "8", Feature: &opts.ToolBoxFeature{
			SaveAsImage: &opts.ToolBoxFeatureSaveAsImage{Show: opts.Bool(true), Title: "保存为图片", Name: s.saveName, Type: "png"},
		}}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(len(s.series) > 1), Type: "scroll", Bottom: "0"}),
		charts.WithGridOpts(opts.Grid{Left: "8", Right: "16", Top: "48", Bottom: "40", ContainLabel: opts.Bool(true)}),
	}
	if len(s.colors) > 0 {
		global = append(global, charts.WithColorsOpts(s.colors))
	}
	catAxis := opts.XAxis{Type: "category", AxisLabel: &opts.AxisLabel{Interval: "0", Rotate: rotation(s.categories), HideOverlap: opts.Bool(false)}}
	valAxis := opts.YAxis{Type: "value", Name: s.yName, MinInterval: 1}
	if s.unit == "%" {
		valAxis.Max = 100
		valAxis.MinInterval = 0
		valAxis.AxisLabel = &opts.AxisLabel{Formatter: types.FuncStr("{value}%")}
	}
	var option map[string]any
	switch s.kind {
	case "line":
		line := charts.NewLine()
		line.SetGlobalOptions(append(global, charts.WithXAxisOpts(catAxis), charts.WithYAxisOpts(valAxis))...)
		line.SetXAxis(s.categories)
		for _, sr := range s.series {
			data := make([]opts.LineData, len(sr.Values))
			for i, p := range sr.Values {
				data[i] = opts.LineData{Value: jsonValue(p)}
			}
			line.AddSeries(sr.Name, data, charts.WithLineChartOpts(opts.LineChart{ConnectNulls: opts.Bool(false), ShowSymbol: opts.Bool(true)}))
		}
		line.Validate()
		option = line.JSON()
	default:
		bar := charts.NewBar()
		bar.SetGlobalOptions(append(global, charts.WithXAxisOpts(catAxis), charts.WithYAxisOpts(valAxis))...)
		bar.SetXAxis(s.categories)
		for _, sr := range s.series {
			data := make([]opts.BarData, len(sr.Values))
			for i, p := range sr.Values {
				data[i] = opts.BarData{Value: jsonValue(p)}
			}
			var so []charts.SeriesOpts
			if s.stack {
				so = append(so, charts.WithBarChartOpts(opts.BarChart{Stack: "total"}))
			}
			bar.AddSeries(sr.Name, data, so...)
		}
		bar.Validate()
		option = bar.JSON()
	}
	b, err := json.Marshal(option)
	if err != nil {
		slog.Error("dashboards: chart option", "chart", s.id, "err", err)
		v.Empty = "图表生成失败，下表列出同样的数字。"
		return v
	}
	v.Option = string(b)
	return v
}

// rotation tilts category labels when there are many or long ones.
func rotation(cats []string) float64 {
	n := 0
	for _, c := range cats {
		n += len([]rune(c))
	}
	if len(cats) > 6 || n > 30 {
		return 35
	}
	return 0
}

func jsonValue(p *float64) any {
	if p == nil {
		return "-"
	}
	return *p
}

func hasValues(ss []series) bool {
	for _, s := range ss {
		for _, v := range s.Values {
			if v != nil {
				return true
			}
		}
	}
	return false
}

// seriesTable lays out the chart's numbers: one row per category, one
// column per series.
func seriesTable(corner string, cats []string, ss []series, unit string, links []string) tableView {
	t := tableView{Corner: corner}
	for _, s := range ss {
		t.Head = append(t.Head, s.Name)
	}
	for i, c := range cats {
		row := tableRow{Label: c}
		if i < len(links) {
			row.Link = links[i]
		}
		for _, s := range ss {
			var p *float64
			if i < len(s.Values) {
				p = s.Values[i]
			}
			row.Cells = append(row.Cells, numCell(p, unit))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func numCell(p *float64, unit string) cellView {
	if p == nil {
		return cellView{Text: "—", NA: true}
	}
	return cellView{Text: formatNum(*p) + unit}
}

// formatNum prints whole numbers without decimals and others with at most two.
func formatNum(v float64) string {
	if v == float64(int64(v)) {
		return fmt.Sprintf("%d", int64(v))
	}
	s := fmt.Sprintf("%.2f", v)
	for s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	return s
}

func f(v float64) *float64 { return &v }
