package main

// The parity suite (issue 19 item 8): every figure of a county's year that
// the assessment API, its page, its workbook, `analytics assess`,
// /api/v1/filing, the county page, /api/v1/stats/compare and the compare
// page show is read from each surface and required to be equal across
// them, and equal to what the test computes itself from what it ingested
// (the registry's list counted here, the dates it wrote, a median by its
// own sort). It lives beside the command so that it can call runAssess.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"

	"nianbao/api"
	"nianbao/dashboards"
	"nianbao/generate"
	"nianbao/ingest"
	"nianbao/query"
	"nianbao/registry"
	"nianbao/report"
	"nianbao/store"
)

// parityTruth is what the test knows independently of Nianbao.
type parityTruth struct {
	County, Code     string
	Year             int
	Expected, Filed  int
	Late, Missing    int
	OnTime, Dated    int       // on-time bodies, and the on-time rate's denominator (filed with a date + not filed)
	Towns, TownsFile int       // town-level bodies expected, and filed
	TownsLate        int       // town-level bodies filed late
	NewApps          []float64 // 本年新收 of each filed town (level=towns), for the median
	GrantedShares    []float64 // 予以公开 ÷ 办理总计 of each filed town
}

func parityMedian(vs []float64) float64 {
	s := append([]float64(nil), vs...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func pctText(num, den int) string {
	if den == 0 {
		return "—"
	}
	return fmt.Sprintf("%.0f%%", float64(num)/float64(den)*100)
}

// paritySeed: the seed report alone (劳动镇 2022, no publication date),
// ingested with --county 乐至县.
func TestParitySeed(t *testing.T) {
	seed := filepath.Join("..", "..", "..", "shared", "corpus", "seed", "laodong-2022.txt")
	if _, err := os.Stat(seed); err != nil {
		t.Skipf("the seed corpus is not here (%v): ../shared/corpus/seed", err)
	}
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "seed.duckdb")
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.EnsureRegistry(ctx); err != nil {
		t.Fatal(err)
	}
	if sum, err := ingest.IngestPathsWith(ctx, st, []string{seed}, ingest.Meta{County: "乐至县"}, ingest.Options{}, nil); err != nil || sum.Stored != 1 {
		t.Fatalf("seed ingest: %+v %v", sum, err)
	}
	st.Close()
	reg, err := registry.Default()
	if err != nil {
		t.Fatal(err)
	}
	towns := len(reg.Within("512022", registry.Town, registry.Township, registry.Street, registry.TownOther))
	// Expected: the registry's towns and streets and the county government
	// (no departments imported); filed: 劳动镇; no date, so not late and
	// outside the on-time rate; every other body is missing and in it.
	truth := parityTruth{County: "乐至县", Code: "512022", Year: 2022, Expected: towns + 1, Filed: 1, Missing: towns,
		Dated: towns, Towns: towns, TownsFile: 1}
	checkParity(t, db, truth, false)
}

// TestParityNational: a generated county of the national corpus with
// towns missing, reports published late and on the deadline day (dates
// written 08 and 09, in 年月日 and in Chinese numerals), one report
// copied from another town's and one corrected by a second version.
func TestParityNational(t *testing.T) {
	ctx := context.Background()
	reg, err := registry.Default()
	if err != nil {
		t.Fatal(err)
	}
	// The first county with 8 to 12 towns: small enough to be quick.
	var code string
	places := generate.NationalPlaces(reg, 7)
	for _, c := range reg.Places() {
		if c.Level != registry.County {
			continue
		}
		if n := len(reg.Within(c.Code, registry.Town, registry.Township, registry.Street, registry.TownOther)); n >= 8 && n <= 12 {
			code = c.Code
			break
		}
	}
	var mine []generate.NationalPlace
	for _, p := range places {
		if p.CountyCode == code {
			mine = append(mine, p)
		}
	}
	county, _ := reg.Get(code)
	const year = 2022
	var docs []generate.NationalDoc
	if err := generate.National(mine, generate.NationalOptions{Seed: 11, FirstYear: year, LastYear: year}, func(d generate.NationalDoc) error {
		docs = append(docs, d)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// Dates as written in the report, and the day they mean.
	dates := []struct{ written, day string }{
		{"2023-02-08", "2023-02-08"},  // 8 days late
		{"2023年01月09日", "2023-01-09"}, // on time
		{"2023/1/31", "2023-01-31"},   // the deadline day: on time
		{"二〇二三年二月九日", "2023-02-09"},   // late
		{"２０２３年１月８日", "2023-01-08"},   // on time
	}
	dir := t.TempDir()
	first, second := filepath.Join(dir, "first"), filepath.Join(dir, "second")
	for _, d := range []string{first, second} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	truth := parityTruth{County: county.Name, Code: code, Year: year}
	layouts := generate.Layouts()
	write := func(folder, name string, r *report.Report, written string) {
		r.PublishedOn = written
		data := generate.Render(r, layouts[0])
		// Not 示例数据: the bodies are then the registry's own towns.
		data = bytes.ReplaceAll(data, []byte(report.SyntheticMarker+"\n"), nil)
		if err := os.WriteFile(filepath.Join(folder, name+".txt"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	type filed struct {
		town    bool
		day     string
		newApps float64
		granted float64
		total   float64
		name    string
	}
	var got []filed
	townIdx := 0
	var copySource *report.Report
	for i, d := range docs {
		r := d.Report
		isTown := !mine[i].Department
		if isTown {
			townIdx++
			truth.Towns++
			if townIdx%4 == 0 {
				truth.Missing++
				continue // this town has not reported
			}
		}
		dt := dates[i%len(dates)]
		f := filed{town: isTown, day: dt.day, name: r.Agency,
			newApps: r.Cells[string(report.T3("new", "total"))], granted: r.Cells[string(report.T3("granted", "total"))], total: r.Cells[string(report.T3("total", "total"))]}
		switch {
		case isTown && copySource == nil:
			copySource = r
			write(first, fmt.Sprintf("p%02d", i), r, dt.written)
		case isTown && townIdx == 3 && copySource != nil:
			// 雷同: this town's report is the first town's with the name changed.
			c := *copySource
			c.Agency = r.Agency
			c.Cells = copySource.Cells
			write(first, fmt.Sprintf("p%02d", i), &c, dt.written)
			f.newApps, f.granted, f.total = c.Cells[string(report.T3("new", "total"))], c.Cells[string(report.T3("granted", "total"))], c.Cells[string(report.T3("total", "total"))]
		case isTown && townIdx == 2:
			// Published on time, then corrected late: the current version's
			// date (the correction's) is the one that counts.
			write(first, fmt.Sprintf("p%02d", i), r, "2023-01-20")
			write(second, fmt.Sprintf("p%02d", i), r, "2023年02月08日")
			f.day = "2023-02-08"
		default:
			write(first, fmt.Sprintf("p%02d", i), r, dt.written)
		}
		got = append(got, f)
	}
	for _, folder := range []string{first, second} {
		if sum, err := func() (ingest.Summary, error) {
			st, err := store.Open(filepath.Join(dir, "n.duckdb"))
			if err != nil {
				return ingest.Summary{}, err
			}
			defer st.Close()
			if err := st.EnsureRegistry(ctx); err != nil {
				return ingest.Summary{}, err
			}
			return ingest.IngestPathsWith(ctx, st, []string{folder}, ingest.Meta{County: county.Name}, ingest.Options{Force: true}, nil)
		}(); err != nil || sum.Failed > 0 {
			t.Fatalf("ingest %s: %+v %v", folder, sum, err)
		}
	}
	// Expected: the registry's towns, the county government, and the
	// departments that reported (unregistered: they exist for Nianbao only
	// once they report, their level guessed).
	deps := 0
	for _, f := range got {
		if !f.town {
			deps++
		}
	}
	truth.Expected = truth.Towns + 1 + deps
	truth.Filed = len(got)
	truth.Missing++ // the county government did not report
	for _, f := range got {
		late := f.day > fmt.Sprintf("%d-01-31", year+1)
		if late {
			truth.Late++
		} else {
			truth.OnTime++
		}
		if f.town {
			truth.TownsFile++
			if late {
				truth.TownsLate++
			}
			truth.NewApps = append(truth.NewApps, f.newApps)
			if f.total != 0 {
				truth.GrantedShares = append(truth.GrantedShares, f.granted/f.total)
			}
		}
	}
	truth.Dated = truth.Filed + truth.Missing
	if truth.Late == 0 || truth.Missing < 2 || truth.TownsFile < 3 {
		t.Fatalf("the generated county does not test much: %+v", truth)
	}
	checkParity(t, filepath.Join(dir, "n.duckdb"), truth, true)
}

// checkParity reads every surface over the database and compares.
func checkParity(t *testing.T, db string, want parityTruth, compare bool) {
	t.Helper()
	t.Logf("truth: %s (%s) %d: expected %d filed %d late %d missing %d on time %d/%d; towns %d filed %d late %d",
		want.County, want.Code, want.Year, want.Expected, want.Filed, want.Late, want.Missing, want.OnTime, want.Dated, want.Towns, want.TownsFile, want.TownsLate)
	year := strconv.Itoa(want.Year)
	// analytics assess, by the county's code, before the server opens the file.
	var out, errOut bytes.Buffer
	if code := runAssess([]string{"--db", db, "--county", want.Code, "--year", year}, &out, &errOut); code != 0 {
		t.Fatalf("analytics assess: exit %d: %s", code, errOut.String())
	}
	var cli []string
	for _, line := range strings.Split(out.String(), "\n") {
		if f := strings.Fields(line); len(f) >= 6 && f[0] == want.County && f[1] == year {
			cli = f
		}
	}
	if cli == nil {
		t.Fatalf("analytics assess printed no line for %s %s:\n%s", want.County, year, out.String())
	}

	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	q := query.New(st)
	gin.SetMode(gin.TestMode)
	r := api.New(q, st, api.Options{})
	dashboards.Mount(r, q, dashboards.WithFiling(dashboards.StoreFiling(st)), dashboards.WithPlaceCheck(dashboards.StorePlaceCheck(st)))
	dashboards.MountAssessment(r, q, st)
	get := func(path string) []byte {
		t.Helper()
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		if w.Code != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, w.Code, w.Body.String())
		}
		return w.Body.Bytes()
	}
	jsonOf := func(path string, v any) {
		t.Helper()
		if err := json.Unmarshal(get(path), v); err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
	}
	place := url.Values{"county": {want.County}, "year": {year}}
	byCode := url.Values{"county": {want.Code}, "year": {year}}

	var a struct {
		Sheet      string   `json:"sheet"`
		Bodies     int      `json:"bodies"`
		Filed      int      `json:"filed"`
		Late       int      `json:"late"`
		Missing    int      `json:"missing"`
		FilingRate *float64 `json:"filing_rate"`
		OnTimeRate *float64 `json:"on_time_rate"`
		Composite  *float64 `json:"composite"`
		Agencies   []struct {
			Agency string  `json:"agency"`
			Score  float64 `json:"score"`
		} `json:"agencies"`
	}
	jsonOf("/api/v1/assessment?"+byCode.Encode(), &a)
	var fl struct {
		Expected int     `json:"expected"`
		Filed    int     `json:"filed"`
		Late     int     `json:"late"`
		Missing  int     `json:"missing"`
		Rate     float64 `json:"filing_rate"`
	}
	all := url.Values{"county": {want.County}, "year": {year}, "level": {"all"}}
	jsonOf("/api/v1/filing?"+all.Encode(), &fl)

	// The truth, then every surface against it.
	rate := float64(want.Filed) / float64(want.Expected)
	onTime := float64(want.OnTime) / float64(want.Dated)
	if a.Sheet == "" || a.Bodies != want.Expected || a.Filed != want.Filed || a.Late != want.Late || a.Missing != want.Missing ||
		a.FilingRate == nil || *a.FilingRate != rate || a.OnTimeRate == nil || math.Abs(*a.OnTimeRate-onTime) > 1e-12 || a.Composite == nil {
		t.Errorf("assessment API: sheet %q bodies %d filed %d late %d missing %d rate %v on time %v composite %v; want bodies %d filed %d late %d missing %d rate %v on time %v",
			a.Sheet, a.Bodies, a.Filed, a.Late, a.Missing, a.FilingRate, a.OnTimeRate, a.Composite, want.Expected, want.Filed, want.Late, want.Missing, rate, onTime)
	}
	if fl.Expected != want.Expected || fl.Filed != want.Filed || fl.Late != want.Late || fl.Missing != want.Missing || fl.Rate != rate {
		t.Errorf("/filing level=all: expected %d filed %d late %d missing %d rate %v; want %d %d %d %d %v", fl.Expected, fl.Filed, fl.Late, fl.Missing, fl.Rate,
			want.Expected, want.Filed, want.Late, want.Missing, rate)
	}
	composite := fmt.Sprint(*a.Composite)
	if c := []string{cli[2], cli[3], cli[4], cli[5]}; c[0] != strconv.Itoa(want.Expected) || c[1] != pctText(want.Filed, want.Expected) ||
		c[2] != pctText(want.OnTime, want.Dated) || c[3] != composite {
		t.Errorf("analytics assess: bodies %s filing %s on time %s composite %s; want %d %s %s %s", c[0], c[1], c[2], c[3],
			want.Expected, pctText(want.Filed, want.Expected), pctText(want.OnTime, want.Dated), composite)
	}

	// The score sheet workbook.
	x := url.Values{"county": {want.County}, "year": {year}, "format": {"xlsx"}}
	wb, err := excelize.OpenReader(bytes.NewReader(get("/api/v1/assessment?" + x.Encode())))
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	sum := map[string]string{}
	rows, _ := wb.GetRows("汇总")
	for _, row := range rows {
		if len(row) == 2 {
			sum[row[0]] = row[1]
		}
	}
	onePct := func(v float64) string { return strconv.FormatFloat(math.Round(v*1000)/10, 'f', -1, 64) }
	for k, v := range map[string]string{"评分表": a.Sheet, "应报送机关数": strconv.Itoa(want.Expected), "已报送机关数": strconv.Itoa(want.Filed),
		"逾期报送机关数": strconv.Itoa(want.Late), "未收录机关数": strconv.Itoa(want.Missing), "报送率（%）": onePct(rate),
		"按时发布率（%）": onePct(onTime), "综合得分（按层级加权）": composite} {
		if sum[k] != v {
			t.Errorf("workbook 汇总 %s: %q, want %q", k, sum[k], v)
		}
	}
	if sheet, _ := wb.GetRows("评分表"); len(sheet)-1 != want.Expected {
		t.Errorf("workbook 评分表: %d rows, want %d bodies", len(sheet)-1, want.Expected)
	}

	// The assessment page, by name.
	page := html.UnescapeString(string(get("/dashboards/assessment?" + place.Encode())))
	line := fmt.Sprintf("应报送 %d 个机关，已报送 %d 个（报送率 %s，其中逾期 %d 个），未收录 %d 个", want.Expected, want.Filed, pctText(want.Filed, want.Expected), want.Late, want.Missing)
	if !strings.Contains(page, line) || !strings.Contains(page, "按时发布率 "+pctText(want.OnTime, want.Dated)) || !strings.Contains(page, "综合得分 <strong>"+composite+"</strong>") {
		t.Errorf("assessment page lacks %q / on time %s / composite %s", line, pctText(want.OnTime, want.Dated), composite)
	}

	// The county page's list of towns against /filing's towns.
	var ft struct {
		Expected, Filed, Late, Missing int
		Rate                           float64 `json:"filing_rate"`
	}
	jsonOf("/api/v1/filing?"+place.Encode(), &ft)
	if ft.Expected != want.Towns || ft.Filed != want.TownsFile || ft.Late != want.TownsLate {
		t.Errorf("/filing towns: expected %d filed %d late %d; want %d %d %d", ft.Expected, ft.Filed, ft.Late, want.Towns, want.TownsFile, want.TownsLate)
	}
	county := html.UnescapeString(string(get("/dashboards/county?" + place.Encode())))
	summary := fmt.Sprintf("有乡镇（街道）%d 个：%d 个已有 %d 年报告（报送率 %.1f%%，其中逾期 %d 个），%d 个未收录", want.Towns, want.TownsFile, want.Year,
		float64(want.TownsFile)/float64(want.Towns)*100, want.TownsLate, want.Towns-want.TownsFile)
	if !strings.Contains(county, summary) {
		t.Errorf("county page lacks %q", summary)
	}
	if !compare {
		return
	}

	// /stats/compare with level=towns and the compare page: the medians of
	// the exact values, equal to the test's own.
	for _, m := range []struct {
		metric string
		values []float64
		scale  float64
		table  string
	}{
		{"applications.new", want.NewApps, 1, "cmp-key"},
		{"outcomes.granted_share", want.GrantedShares, 100, "cmp-mix-share"},
	} {
		var cr struct {
			Level  string   `json:"level"`
			Median *float64 `json:"median"`
			Rows   []struct {
				Agency string   `json:"agency"`
				Value  *float64 `json:"value"`
			} `json:"rows"`
		}
		cq := url.Values{"county": {want.Code}, "year": {year}, "level": {"towns"}, "metric": {m.metric}}
		jsonOf("/api/v1/stats/compare?"+cq.Encode(), &cr)
		med := parityMedian(m.values)
		valued := 0
		for _, row := range cr.Rows {
			if row.Value != nil {
				valued++
			}
		}
		if cr.Median == nil || math.Abs(*cr.Median-med) > 1e-9 || len(cr.Rows) != want.TownsFile || valued != len(m.values) || cr.Level != "towns" {
			t.Errorf("/stats/compare %s level=towns: median %v over %d rows (%d with a value), want %v over %d towns (%d with a value)",
				m.metric, orNaN(cr.Median), len(cr.Rows), valued, med, want.TownsFile, len(m.values))
			continue
		}
		// Two towns picked by the names the comparison gives them.
		pq := url.Values{"county": {want.County}, "year": {year}, "level": {"towns"}, "town": {cr.Rows[0].Agency, cr.Rows[1].Agency}}
		cp := string(get("/dashboards/compare?" + pq.Encode()))
		fig := cp[strings.Index(cp, `id="fig-`+m.table+`"`):]
		fig = fig[:strings.Index(fig, "</figure>")]
		row := regexp.MustCompile(`全县中位数</th><td[^>]*>([^<]*)</td>`).FindStringSubmatch(fig)
		unit := ""
		if m.scale != 1 {
			unit = "%"
		}
		if shown := formatParity(*cr.Median*m.scale) + unit; row == nil || row[1] != shown {
			t.Errorf("compare page %s: 全县中位数 %v, /stats/compare gives %s", m.table, row, shown)
		}
	}
}

func orNaN(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

// formatParity prints a number as the pages do (up to two decimals).
func formatParity(v float64) string {
	if v == float64(int64(v)) {
		return strconv.FormatInt(int64(v), 10)
	}
	s := fmt.Sprintf("%.2f", v)
	return strings.TrimRight(s, "0")
}
