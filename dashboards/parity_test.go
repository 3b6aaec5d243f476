package dashboards

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"nianbao/api"
	"nianbao/query"
	"nianbao/report"
)

// parityServer serves the API and the dashboards over the fixture plus two
// reports that tell the definitions apart:
//
//	回澜镇 乐至县 2022: new 8, carried over 3, granted 4, partial 2,
//	  total 10 — the six outcomes add up to 6, not 10 (rule 2 broken), so a
//	  share of the six and a share of 总计 differ.
//	宝林镇 乐至县 2022: table 3 and 4 not read (only table 2).
func parityServer(t *testing.T) http.Handler {
	t.Helper()
	_, st := fixtureStore(t)
	add := func(agency string, cells map[string]float64) {
		r := report.New(agency + ".txt")
		r.Agency, r.County, r.Year, r.Edition = agency, "乐至县", 2022, report.Edition2021
		r.SHA256, r.Format = "sha-"+agency, "text"
		for code, v := range cells {
			r.Set(code, v, report.Source{Raw: fmt.Sprint(v)})
		}
		if _, err := st.Save(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	add("回澜镇", map[string]float64{"t3.new.total": 8, "t3.carried_over.total": 3, "t3.granted.total": 4, "t3.partial.total": 2,
		"t3.total.total": 10, "t3.carry_forward.total": 1})
	add("宝林镇", map[string]float64{"t2.regulations.issued": 4})
	q := query.New(st)
	gin.SetMode(gin.TestMode)
	e := api.New(q, st, api.Options{})
	Mount(e, q, WithLogger(testLogger(t)))
	return e
}

var (
	figureRe = regexp.MustCompile(`(?s)<figure class="card" id="fig-([^"]+)">(.*?)</figure>`)
	headRe   = regexp.MustCompile(`(?s)<thead>(.*?)</thead>`)
	thRe     = regexp.MustCompile(`(?s)<th[^>]*>(.*?)</th>`)
	rowRe    = regexp.MustCompile(`(?s)<tr[^>]*><th class="label" scope="row">(.*?)</th>(.*?)</tr>`)
	tdRe     = regexp.MustCompile(`(?s)<td[^>]*>(.*?)</td>`)
	tagRe    = regexp.MustCompile(`<[^>]+>`)
)

// pageTable reads the table under figure id: column header → row label → text.
func pageTable(t *testing.T, body, id string) map[string]map[string]string {
	t.Helper()
	for _, m := range figureRe.FindAllStringSubmatch(body, -1) {
		if m[1] != id {
			continue
		}
		text := func(s string) string { return strings.TrimSpace(html.UnescapeString(tagRe.ReplaceAllString(s, ""))) }
		var heads []string
		for _, th := range thRe.FindAllStringSubmatch(headRe.FindStringSubmatch(m[2])[1], -1)[1:] {
			heads = append(heads, text(th[1]))
		}
		out := map[string]map[string]string{}
		for _, h := range heads {
			out[h] = map[string]string{}
		}
		for _, r := range rowRe.FindAllStringSubmatch(m[2], -1) {
			for i, td := range tdRe.FindAllStringSubmatch(r[2], -1) {
				out[heads[i]][text(r[1])] = text(td[1])
			}
		}
		return out
	}
	t.Fatalf("page has no figure %q", id)
	return nil
}

// apiRows fetches a statistic grouped by agency: agency → row as JSON.
func apiRows(t *testing.T, e http.Handler, stat string, v url.Values) map[string]map[string]any {
	t.Helper()
	if v.Get("group_by") == "" {
		v.Set("group_by", "agency")
	}
	w := httptest.NewRecorder()
	e.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/api/v1/stats/"+stat+"?"+v.Encode(), nil))
	if w.Code != 200 {
		t.Fatalf("%s: %d %s", stat, w.Code, w.Body)
	}
	var res struct {
		Rows []map[string]any `json:"rows"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]any{}
	for _, r := range res.Rows {
		out[r["group"].(string)] = r
	}
	return out
}

// at follows a dotted path through decoded JSON.
func at(row map[string]any, path string) any {
	var v any = row
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// shown is how a page prints an API value: "—" for none, percentages with
// one decimal for shares.
func shown(v any, percent bool) string {
	x, ok := v.(float64)
	if !ok {
		return "—"
	}
	if percent {
		return formatNum(math.Round(x*1000)/10) + "%"
	}
	return formatNum(x)
}

// TestPageNumbersEqualAPI: for the same filter, each number a page shows
// is the API's number (one definition of every statistic), and a town
// whose table was not read shows "—" on both, not 0.
func TestPageNumbersEqualAPI(t *testing.T) {
	e := parityServer(t)
	county := url.Values{"county": {"乐至县"}, "year": {"2022"}, "level": {query.LevelNoDepartments}}
	cmp := url.Values{"county": {"乐至县"}, "year": {"2022"}}
	countyPage := "/dashboards/county?county=乐至县&year=2022"
	comparePage := "/dashboards/compare?county=乐至县&year=2022&town=劳动镇&town=回澜镇&town=宝林镇"
	cases := []struct {
		page, figure, column string
		stat                 string
		filter               url.Values
		field                string
		percent              bool
		towns                []string
	}{
		{countyPage, "mix-share", "予以公开", "outcomes", county, "shares.granted", true, []string{"劳动镇", "天池镇", "回澜镇", "宝林镇"}},
		{countyPage, "mix-share", "部分公开", "outcomes", county, "shares.partial", true, []string{"劳动镇", "回澜镇", "宝林镇"}},
		{countyPage, "mix-share", "其他处理", "outcomes", county, "shares.other", true, []string{"劳动镇", "回澜镇"}},
		{countyPage, "mix-count", "不予公开", "outcomes", county, "counts.denied", false, []string{"劳动镇", "回澜镇", "宝林镇"}},
		{countyPage, "new-per-town", "本年新收申请", "applications", county, "new", false, []string{"劳动镇", "天池镇", "回澜镇", "宝林镇"}},
		{countyPage, "ranking", "公开率", "outcomes", county, "disclosure_rate", true, []string{"劳动镇", "天池镇", "回澜镇", "宝林镇"}},
		{countyPage, "ranking", "实质公开率", "outcomes", county, "substantive_rate", true, []string{"劳动镇", "回澜镇"}},
		{countyPage, "ranking", "较上年增减（件）", "applications", county, "change", false, []string{"劳动镇", "回澜镇"}},
		{countyPage, "ranking", "复议纠错率", "reviews", county, "reconsideration.correction_rate", true, []string{"劳动镇", "天池镇", "宝林镇"}},
		{comparePage, "cmp-key", "上年结转", "applications", cmp, "carried_over", false, []string{"劳动镇", "回澜镇", "宝林镇"}},
		{comparePage, "cmp-key", "本年新收申请", "applications", cmp, "new", false, []string{"劳动镇", "回澜镇", "宝林镇"}},
		{comparePage, "cmp-mix-share", "予以公开", "outcomes", cmp, "shares.granted", true, []string{"劳动镇", "回澜镇", "宝林镇"}},
		{"/dashboards/map?year=2022", "province-map", "公开率（%）", "outcomes", url.Values{"year": {"2022"}, "group_by": {"province"}}, "disclosure_rate", true, []string{"四川省"}},
		{"/dashboards/map?year=2022&metric=new", "province-map", "本年新收申请（件）", "applications", url.Values{"year": {"2022"}, "group_by": {"province"}}, "new", false, []string{"四川省"}},
	}
	bodies := map[string]string{}
	for _, c := range cases {
		t.Run(c.figure+"/"+c.column, func(t *testing.T) {
			if bodies[c.page] == "" {
				status, body, _ := get(t, e, c.page)
				if status != 200 {
					t.Fatalf("%s: %d", c.page, status)
				}
				bodies[c.page] = body
			}
			tab := pageTable(t, bodies[c.page], c.figure)[c.column]
			rows := apiRows(t, e, c.stat, c.filter)
			for _, town := range c.towns {
				want := "—"
				if r := rows[town]; r != nil {
					want = shown(at(r, c.field), c.percent)
				}
				if got := tab[town]; got != want {
					t.Errorf("%s %s of %s: page %q, API %q", c.figure, c.column, town, got, want)
				}
			}
		})
	}
	// The figures that tell the definitions apart: 回澜镇's granted share is
	// 4 ÷ 总计 10 = 40%, not 4 ÷ 6; 宝林镇 has no row, so "—", not 0.
	tab := pageTable(t, bodies[countyPage], "mix-share")["予以公开"]
	if tab["回澜镇"] != "40%" || tab["宝林镇"] != "—" {
		t.Errorf("予以公开 share: 回澜镇 %q, 宝林镇 %q; want 40%%, —", tab["回澜镇"], tab["宝林镇"])
	}
	if got := pageTable(t, bodies[comparePage], "cmp-key")["上年结转"]["回澜镇"]; got != "3" {
		t.Errorf("compare 上年结转 of 回澜镇 = %q, want 3", got)
	}
	// The level's median: every 镇 of 四川省 (510000) with a 2022 table 3,
	// as the API lists them with the same filter.
	lvl := apiRows(t, e, "applications", url.Values{"province": {"510000"}, "year": {"2022"}, "level": {"镇"}})
	var news []float64
	for _, r := range lvl {
		news = append(news, r["new"].(float64))
	}
	if len(news) < 2 {
		t.Fatalf("API level rows %v", lvl)
	}
	rank := pageTable(t, bodies[countyPage], "ranking")
	if got, want := rank["本年新收申请（件）"]["全省镇中位数"], shown(*query.Median(news), false); got != want {
		t.Errorf("province 镇 median of new applications = %q, want %q (rows %v)", got, want, rank["本年新收申请（件）"])
	}
	// The unread town is out of the median: 劳动镇 10, 天池镇 0, 回澜镇 8
	// (evil 7 too): the median of 10, 0, 8, 7 is 7.5; with 宝林镇 as 0 it would be 7.
	if got := pageTable(t, bodies[countyPage], "ranking")["本年新收申请（件）"]["全县中位数"]; got != strconv.FormatFloat(7.5, 'f', -1, 64) {
		t.Errorf("county median of new applications = %q, want 7.5", got)
	}
}

// TestQualityEqualsAPI: the quality page's findings by rule and severity
// are /stats/findings' for the same county and year.
func TestQualityEqualsAPI(t *testing.T) {
	e := parityServer(t)
	status, body, _ := get(t, e, "/dashboards/quality?county=乐至县&year=2022")
	if status != 200 {
		t.Fatalf("quality: %d", status)
	}
	tab := pageTable(t, body, "q-by-rule")
	w := httptest.NewRecorder()
	e.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/api/v1/stats/findings?"+url.Values{"county": {"乐至县"}, "year": {"2022"}}.Encode(), nil))
	var res struct {
		ByRule []struct {
			Rule, Severity string
			Findings       int
		} `json:"by_rule"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil || len(res.ByRule) == 0 {
		t.Fatalf("findings: %v %s", err, w.Body)
	}
	for _, rc := range res.ByRule {
		got := tab[severityLabel(rc.Severity)][ruleLabel(rc.Rule)]
		if want := strconv.Itoa(rc.Findings); got != want {
			t.Errorf("%s %s: page %q, API %s", rc.Rule, rc.Severity, got, want)
		}
	}
}
