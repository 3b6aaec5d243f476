package dashboards

import (
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"nianbao/query"
	"nianbao/query/querytest"
	"nianbao/report"
	"nianbao/store"
)

// evil is an agency name taken from an uploaded document that tries to run
// script; every page must show it as text.
const evil = `<script>alert(1)</script>`

// evilMessage is a finding message that tries the same through an image.
const evilMessage = `<img src=x onerror=alert(2)>`

// fixture serves the dashboards over querytest's four reports plus one
// 乐至县 2022 report whose agency name and finding carry markup:
//
//	劳动镇 2022: new 10, granted 5, partial 1, denied 2, unavailable 1,
//	  other 1; findings rule1 (error) and rule6 (warning).
//	天池镇 2022: everything 0.
//	evil 2022: new 7, granted 7, total 7; one rule2 error naming t3.total.total.
func fixture(tb testing.TB) *gin.Engine {
	tb.Helper()
	e, _ := fixtureStore(tb)
	return e
}

// fixtureStore is fixture with its store, for tests that add reports.
func fixtureStore(tb testing.TB) (*gin.Engine, *store.Store) {
	tb.Helper()
	st, _ := querytest.Seed(tb)
	r := report.New("evil-2022.txt")
	r.Agency, r.County, r.Year, r.Edition = evil, "乐至县", 2022, report.Edition2021
	r.SHA256 = "abc123"
	for code, v := range map[string]float64{"t3.new.total": 7, "t3.granted.total": 7, "t3.total.total": 7, "t3.carry_forward.total": 0} {
		r.Set(code, v, report.Source{Raw: "x"})
	}
	r.AddFinding(report.RuleResults, report.SeverityError, evilMessage, "t3.total.total")
	if _, err := st.Save(context.Background(), r); err != nil {
		tb.Fatal(err)
	}
	gin.SetMode(gin.TestMode)
	e := gin.New()
	Mount(e, query.New(st), WithLogger(testLogger(tb)))
	return e, st
}

// testLogger sends the server's log to the test's log.
func testLogger(tb testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(tbWriter{tb}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type tbWriter struct{ tb testing.TB }

func (w tbWriter) Write(p []byte) (int, error) {
	w.tb.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func get(tb testing.TB, e http.Handler, path string) (int, string, http.Header) {
	tb.Helper()
	w := httptest.NewRecorder()
	e.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
	return w.Code, w.Body.String(), w.Header()
}

func TestPages(t *testing.T) {
	e := fixture(t)
	town := func(agency, county string) string { return townURL(agency, county) }
	cases := []struct {
		name   string
		path   string
		status int
		want   []string
		absent []string
	}{
		// The entry page browses province → city → county and searches;
		// it never lists every report.
		{"entry", "/dashboards/", 200,
			[]string{`action="/dashboards/" role="search"`, `name="q"`, `href="/dashboards/?province=%E5%9B%9B%E5%B7%9D%E7%9C%81">四川省</a>`,
				`href="/dashboards/?province=%E6%9C%AA%E5%BD%92%E5%B1%9E">未归属</a>`, "1 个县（区），4 份报告", `<form class="pick" method="get" action="/dashboards/county">`,
				`<option value="2022" selected>2022年</option>`, `src="/assets/places.js"`, "示例数据"},
			[]string{"劳动镇", "城关镇"}},
		// 四川省 has one city: the page goes down to its counties by itself.
		{"entry, a province", "/dashboards/?province=四川省", 200,
			[]string{`<a href="/dashboards/">全国</a> › <a href="/dashboards/?province=%E5%9B%9B%E5%B7%9D%E7%9C%81">四川省</a> › <a href="/dashboards/?city=%E8%B5%84%E9%98%B3%E5%B8%82&amp;province=%E5%9B%9B%E5%B7%9D%E7%9C%81">资阳市</a>`,
				"资阳市的县（市、区）", `href="/dashboards/county?county=%E4%B9%90%E8%87%B3%E5%8E%BF&amp;year=2022"`, `name="county" value="乐至县"`, `<option value="乐至县">`},
			[]string{"示范县"}},
		{"entry, search", "/dashboards/?q=镇", 200,
			[]string{"“镇”的搜索结果", `href="/dashboards/town?agency=%E5%8A%B3%E5%8A%A8%E9%95%87&amp;county=%E4%B9%90%E8%87%B3%E5%8E%BF">乐至县 劳动镇</a>`, "示范县 城关镇", "2022、2021年"}, nil},
		{"entry, search finds nothing", "/dashboards/?q=无此地", 200, []string{"没有名称含“无此地”的县（区）或机关"}, nil},
		{"entry, search too long", "/dashboards/?q=" + strings.Repeat("镇", 41), 400, []string{"搜索词太长"}, nil},
		{"county overview", "/dashboards/county?county=乐至县&year=2022", 200,
			[]string{"<title>乐至县 2022年 县级概览", "<h1>乐至县 2022年政府信息公开工作年度报告概览</h1>",
				`id="new-per-town"`, `id="mix-count"`, `id="mix-share"`, `id="review"`, `id="trend"`, `id="findings-per-town"`,
				"保存为图片", "予以公开", "不予处理",
				// 劳动镇: granted 5 of 10 outcomes = 50%; 天池镇 has none: —.
				"<td>50%</td>", `<td class="na">—</td>`,
				// Review totals: reconsideration 3, direct litigation 2.
				"行政复议", "结果维持",
				// Issue 22: the county's year in one zip.
				`href="/api/v1/bundle?county=%E4%B9%90%E8%87%B3%E5%8E%BF&amp;year=2022" download>数据包（zip）</a>`},
			[]string{"示例数据", "go-echarts.github.io", "https://"}},
		{"county latest year by default", "/dashboards/county?county=乐至县", 200, []string{"乐至县 2022年"}, nil},
		{"county with no reports that year", "/dashboards/county?county=乐至县&year=2019", 200,
			[]string{"没有可绘制的数据", "乐至县 2019年", `id="trend"`}, []string{`id="new-per-town"`, `id="mix-share"`}},
		{"county missing", "/dashboards/county", 400, []string{"请先选择一个县"}, nil},
		{"map", "/dashboards/map?year=2022", 200, []string{"2022年度 各省公开率", `id="province-map"`, "四川省", `"map":"china"`, `"name":"四川"`, "/assets/vendor/china.js"}, nil},
		{"map count metric", "/dashboards/map?year=2022&metric=new", 200, []string{"各省本年新收申请", "/api/v1/stats/applications?format=csv&amp;group_by=province&amp;year=2022"}, nil},
		{"map bad metric", "/dashboards/map?metric=x", 400, []string{"指标“x”无法识别"}, nil},
		// Issue 22: units in the legend and the table, and a province's
		// cities beside the map on a click (the map's data-drill).
		{"map units and drill", "/dashboards/map?year=2022", 200,
			[]string{"公开率（%） 高", "报告数（份）", `data-drill="/dashboards/map?metric=disclosure_rate&amp;year=2022&amp;province="`,
				`href="/dashboards/map?metric=disclosure_rate&amp;year=2022&amp;province=%E5%9B%9B%E5%B7%9D%E7%9C%81"`, `"full":"四川省"`},
			[]string{`id="province-cities"`}},
		{"map province's cities", "/dashboards/map?year=2022&province=四川省", 200,
			[]string{`id="province-cities"`, "四川省各市（州）", "<th class=\"label\" scope=\"row\">资阳市</th>", "收起四川省"}, nil},
		{"map unknown province", "/dashboards/map?year=2022&province=火星省", 400, []string{"2022年没有能归入“火星省”的报告"}, nil},
		{"county unknown", "/dashboards/county?county=无此县&year=2022", 404, []string{"没有“无此县”的报告"}, []string{`data-option=`}},
		{"county year switcher and kinds", "/dashboards/county?county=乐至县&year=2022", 200,
			[]string{`<strong aria-current="page">2022年</strong>`, `href="/dashboards/county?county=%E4%B9%90%E8%87%B3%E5%8E%BF&amp;year=2021"`, "县级部门", "各乡镇排名（2022年）",
				`/api/v1/stats/outcomes?county=`, "format=xlsx", "format=csv"}, nil},
		{"county departments", "/dashboards/county?county=乐至县&year=2022&level=departments", 200, []string{"各部门排名", "各部门本年新收申请"}, []string{"各乡镇本年新收申请"}},
		{"county bad level", "/dashboards/county?county=乐至县&year=2022&level=村", 400, []string{"层级“村”无法识别"}, nil},
		{"bad year", "/dashboards/county?county=乐至县&year=二零", 400, []string{"无法识别"}, nil},
		{"synthetic county", "/dashboards/county?county=示范县&year=2020", 200, []string{"示例数据：本页含有生成器虚构的报告"}, nil},
		{"town profile", town("劳动镇", "乐至县"), 200,
			[]string{"<title>乐至县劳动镇 2021—2022年 机关档案", "表三 收到和处理政府信息公开申请情况", "一、本年新收政府信息公开申请数量",
				"（六）其他处理 1.申请人无正当理由逾期不补正", "laodong-2022.txt", "sha-劳动镇-2022", "商业企业",
				`<td class="flag" title="规则1：新收+上年结转＝办理总计+结转下年：表三总计列不平衡`, "本年制发件数", "1.5", "结果纠正"},
			[]string{"示例数据"}},
		{"town 2019 edition", town("城关镇", ""), 200,
			[]string{"2019年版格式", "本年新制作数量", "采购总金额", "12.5", "（六）其他处理</th>", "示例数据"},
			[]string{"其他处理 1.申请人"}},
		{"town unknown", town("无此镇", "乐至县"), 404, []string{"没有“无此镇”的报告"}, nil},
		{"compare form", "/dashboards/compare?county=乐至县&year=2022", 200,
			[]string{`type="checkbox" name="town" value="劳动镇"`, "请在上面勾选 2 至 6 个乡镇"}, []string{`data-option=`}},
		{"compare one town", "/dashboards/compare?county=乐至县&year=2022&town=劳动镇", 200, []string{"已选 1 个乡镇"}, nil},
		{"compare unknown town", "/dashboards/compare?county=乐至县&year=2022&town=劳动镇&town=无此镇", 200, []string{"没有这些机关的报告：无此镇"}, nil},
		{"compare two towns", "/dashboards/compare?county=乐至县&year=2022&town=劳动镇&town=天池镇", 200,
			[]string{"<title>乐至县 2022年 乡镇对比：劳动镇、天池镇", `id="cmp-key"`, `id="cmp-mix-share"`, `id="cmp-review"`, `id="cmp-trend"`,
				medianLabel, `value="劳动镇" checked`},
			nil},
		{"quality", "/dashboards/quality?county=乐至县&year=2022", 200,
			[]string{"<title>乐至县 2022年 数据质量", "乐至县 2022年度政府信息公开工作年度报告：数据质量", "规则1：新收+上年结转＝办理总计+结转下年", "规则2：办理结果各项之和＝总计", "规则6：正文数字与表格一致",
				`id="q-by-rule"`, `id="q-by-town"`, "3 份报告中，2 份有问题，共 3 条（错误 2 条）",
				`href="/dashboards/town?agency=%E5%8A%B3%E5%8A%A8%E9%95%87&amp;county=%E4%B9%90%E8%87%B3%E5%8E%BF#y2022"`}, nil},
		{"quality without findings", "/dashboards/quality?county=乐至县&year=2021", 200, []string{"都没有发现问题"}, []string{`data-option=`}},
		{"stylesheet", "/assets/app.css", 200, []string{"@media print", "@media (max-width"}, nil},
		{"script", "/assets/app.js", 200, []string{"echarts.init", "data-option"}, nil},
		{"vendor path escape", "/assets/vendor/..%2Fapp.css", 404, nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, body, _ := get(t, e, tc.path)
			if status != tc.status {
				t.Fatalf("GET %s: status %d, want %d\n%s", tc.path, status, tc.status, body)
			}
			text := html.UnescapeString(body)
			for _, w := range tc.want {
				if !strings.Contains(body, w) && !strings.Contains(text, w) {
					t.Errorf("GET %s: body lacks %q", tc.path, w)
				}
			}
			for _, a := range tc.absent {
				if strings.Contains(body, a) || strings.Contains(text, a) {
					t.Errorf("GET %s: body has %q", tc.path, a)
				}
			}
		})
	}
}

// TestEscaping checks that markup from documents reaches every page as
// text: in the HTML, in attributes and inside the chart options.
func TestEscaping(t *testing.T) {
	e := fixture(t)
	paths := []string{
		"/dashboards/?q=" + url.QueryEscape(evil),
		"/dashboards/county?county=乐至县&year=2022",
		"/dashboards/compare?county=乐至县&year=2022&town=劳动镇&town=" + url.QueryEscape(evil),
		"/dashboards/quality?county=乐至县&year=2022",
		townURL(evil, "乐至县"),
		townURL(evil, "无此县"),
	}
	for _, p := range paths {
		status, body, h := get(t, e, p)
		if status != 200 && status != 404 {
			t.Errorf("GET %s: status %d", p, status)
		}
		for _, raw := range []string{evil, evilMessage, "<img"} {
			if strings.Contains(body, raw) {
				t.Errorf("GET %s: raw markup %q in page", p, raw)
			}
		}
		if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") && !strings.Contains(body, `\u003cscript\u003e`) {
			t.Errorf("GET %s: the agency name is not shown escaped", p)
		}
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("GET %s: Content-Security-Policy = %q", p, csp)
		}
		// The only scripts are the two served files.
		if n := strings.Count(body, "<script"); n > 2 {
			t.Errorf("GET %s: %d <script> tags, want at most 2", p, n)
		}
	}
}

// TestAssetsMissing: without ECharts the pages say so and still print the
// numbers, and the vendor route answers 404 with the remedy.
func TestAssetsMissing(t *testing.T) {
	st, _ := querytest.Seed(t)
	gin.SetMode(gin.TestMode)
	e := gin.New()
	Mount(e, query.New(st), WithAssetsDir(t.TempDir()), WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	_, body, _ := get(t, e, "/dashboards/county?county=乐至县&year=2022")
	if !strings.Contains(body, "图表脚本缺失") || !strings.Contains(body, "<td>10</td>") {
		t.Errorf("county page without ECharts lacks the notice or the table")
	}
	status, body, _ := get(t, e, "/assets/vendor/echarts.min.js")
	if status != 404 || !strings.Contains(body, "scripts/setup.sh") {
		t.Errorf("missing vendor file: %d %q", status, body)
	}
}

func TestMedianAndShares(t *testing.T) {
	cases := []struct {
		in   []*float64
		want *float64
	}{
		{nil, nil},
		{[]*float64{f(3), nil, f(1), f(2)}, f(2)},
		{[]*float64{f(4), f(1), f(2), f(3)}, f(2.5)},
	}
	for _, c := range cases {
		got := medianOf(c.in)
		if (got == nil) != (c.want == nil) || (got != nil && *got != *c.want) {
			t.Errorf("medianOf(%v) = %v, want %v", c.in, got, c.want)
		}
	}
	if sh := mixShares(nil); len(sh) != len(mixCategories) || sh[0] != nil {
		t.Errorf("shares without a row = %v, want all nil", sh)
	}
	if p := percent(f(1.0 / 3)); *p != 33.3 {
		t.Errorf("percent(1/3) = %v", *p)
	}
}

// TestTownShowsProvenanceAndCorrections: an assessor goes from a number to
// its place in the source, and sees a correction with its reason and author.
func TestTownShowsProvenanceAndCorrections(t *testing.T) {
	e, st := fixtureStore(t)
	ctx := context.Background()
	r := report.New("glued-2023.txt")
	r.Agency, r.County, r.Year, r.Edition = "石湍镇", "乐至县", 2023, report.Edition2021
	r.Set("t2.regulations.issued", 1, report.Source{Line: 12, Page: 2, Table: 2, Row: 1, Col: 1, Raw: "120", Note: "数字粘连“120”按3列拆分为1/2/0"})
	r.Set("t3.new.total", 9, report.Source{Line: 40, Raw: "９"})
	saved, err := st.Save(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Correct(ctx, saved.ID, "t3.new.total", 6, "原文总计笔误", "王审核"); err != nil {
		t.Fatal(err)
	}
	code, body, _ := get(t, e, "/dashboards/town?agency=%E7%9F%B3%E6%B9%8D%E9%95%87&county=%E4%B9%90%E8%87%B3%E5%8E%BF")
	if code != 200 {
		t.Fatalf("status %d", code)
	}
	for _, want := range []string{
		"原文第2页、第12行、表2第1行第1列：“120”（数字粘连“120”按3列拆分为1/2/0）",
		`class="doubt"`,
		"已更正：解析值 9 → 6（原文总计笔误，王审核",
		"corrected",
		"原文第40行：“９”",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("town page lacks %q", want)
		}
	}
}

func TestQualityLeavesDismissedOut(t *testing.T) {
	e, st := fixtureStore(t)
	ctx := context.Background()
	var id int64
	if err := st.DB().QueryRow(`SELECT id FROM reports WHERE agency = ?`, evil).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if err := st.ReviewFinding(ctx, id, 0, "dismissed", "已核实为口径差异", "李评估"); err != nil {
		t.Fatal(err)
	}
	path := "/dashboards/quality?county=%E4%B9%90%E8%87%B3%E5%8E%BF&year=2022"
	_, body, _ := get(t, e, path)
	if strings.Contains(body, "已驳回：已核实为口径差异") {
		t.Error("a dismissed finding is listed by default")
	}
	_, body, _ = get(t, e, path+"&dismissed=1")
	if !strings.Contains(body, "已驳回：已核实为口径差异（李评估）") {
		t.Error("with dismissed=1 the dismissed finding and its review are not shown")
	}
}

// TestEmptyIndexPointsToTheBrowser: with no report stored, the entry page
// sends a visitor to the upload and check pages, not to a command line.
func TestEmptyIndexPointsToTheBrowser(t *testing.T) {
	st := querytest.Open(t)
	gin.SetMode(gin.TestMode)
	e := gin.New()
	Mount(e, query.New(st), WithLogger(testLogger(t)))
	_, body, _ := get(t, e, "/dashboards/")
	for _, want := range []string{`href="/web/upload"`, `href="/web/check"`, "还没有报告"} {
		if !strings.Contains(body, want) {
			t.Errorf("empty entry page lacks %q", want)
		}
	}
	if strings.Contains(body, "analytics ingest") {
		t.Error("empty entry page tells a web visitor to run a command")
	}
}
