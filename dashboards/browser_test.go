package dashboards

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/gin-gonic/gin"

	"nianbao/internal/browsertest"
	"nianbao/query"
	"nianbao/query/querytest"
)

// chartsProbe waits two frames, then describes every chart on the page:
// its series count and how many pixels carry a colour of the ECharts
// palette (bars and lines, not the title or axes).
const chartsProbe = `new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => {
  const palette = [[84,112,198],[145,204,117],[250,200,88],[238,102,102],[115,192,222],[59,162,114],[252,132,82],[154,96,180],[234,124,204]];
  const out = [];
  document.querySelectorAll('.chart[data-option]').forEach(el => {
    const inst = window.echarts && echarts.getInstanceByDom(el);
    const canvas = el.querySelector('canvas');
    let painted = 0;
    if (canvas) {
      const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 0; i < d.length; i += 4) {
        if (d[i+3] < 200) continue;
        for (const p of palette) {
          if (Math.abs(d[i]-p[0]) < 12 && Math.abs(d[i+1]-p[1]) < 12 && Math.abs(d[i+2]-p[2]) < 12) { painted++; break; }
        }
      }
    }
    out.push({id: el.id, series: inst ? inst.getOption().series.length : 0, painted: painted, width: canvas ? canvas.width : 0});
  });
  done(out);
})))`

type chartState struct {
	ID      string `json:"id"`
	Series  int    `json:"series"`
	Painted int    `json:"painted"`
	Width   int    `json:"width"`
}

// browserPage is one page the browser test visits.
type browserPage struct {
	name   string // screenshot file name
	path   string
	charts int // charts expected with data
}

// TestBrowser loads every page in headless Chromium and checks that each
// chart is drawn, that the console stays clean, that no request leaves the
// test server and that markup in names stays text. With
// NIANBAO_SCREENSHOTS=1 it writes docs/screenshots/*.png.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	chromium := findChromium()
	if chromium == "" {
		t.Skip("chromium not found: scripts/setup.sh installs it; browser test skipped")
	}
	if _, ok := FindAssets(""); !ok {
		t.Skip("dashboards/assets/vendor/echarts.min.js missing: scripts/setup.sh fetches it; browser test skipped")
	}
	e := sampleServer(t, 300)
	srv := httptest.NewServer(e)
	defer srv.Close()

	ctx := startBrowser(t, chromium, 3*time.Minute)
	desk := newTab(t, ctx, 1280, 900, false)

	q := func(v url.Values) string { return v.Encode() }
	pages := []browserPage{
		{"index", "/dashboards/", 0},
		{"county", "/dashboards/county?" + q(url.Values{"county": {"第1县"}, "year": {"2023"}}), 6},
		{"town", townURL("第1镇", "第1县"), 3},
		{"compare", "/dashboards/compare?" + q(url.Values{"county": {"第1县"}, "year": {"2023"}, "town": {"第1镇", "第2镇", "第3镇"}}), 5},
		{"quality", "/dashboards/quality?" + q(url.Values{"county": {"第1县"}, "year": {"2023"}}), 2},
		{"map", "/dashboards/map?year=2022", 1},
		{"county-xss", "/dashboards/county?" + q(url.Values{"county": {"乐至县"}, "year": {"2022"}}), 6},
		{"town-xss", townURL(evil, "乐至县"), 2},
		{"quality-xss", "/dashboards/quality?" + q(url.Values{"county": {"乐至县"}, "year": {"2022"}}), 2},
	}
	shots := os.Getenv("NIANBAO_SCREENSHOTS") == "1"
	for _, pg := range pages {
		t.Run(pg.name, func(t *testing.T) {
			desk.Reset()
			if err := desk.Navigate(srv.URL + pg.path); err != nil {
				t.Fatal(err)
			}
			var states []chartState
			if err := desk.Eval(chartsProbe, &states); err != nil {
				t.Fatal(err)
			}
			if len(states) != pg.charts {
				t.Errorf("%d charts with data, want %d: %+v", len(states), pg.charts, states)
			}
			for _, s := range states {
				if s.Series == 0 || s.Painted < 50 || s.Width == 0 {
					t.Errorf("chart %s not drawn: %+v", s.ID, s)
				}
			}
			checkClean(t, desk, srv.URL)
			if shots && !strings.HasSuffix(pg.name, "-xss") {
				screenshot(t, desk, pg.name)
			}
		})
	}

	t.Run("entry page suggests places while typing", func(t *testing.T) {
		desk.Reset()
		if err := desk.Navigate(srv.URL + "/dashboards/"); err != nil {
			t.Fatal(err)
		}
		var got struct {
			Search []string `json:"search"`
			Agency []string `json:"agency"`
		}
		err := desk.Eval(`new Promise(done => {
  const type = (sel, text) => { const el = document.querySelector(sel); el.value = text; el.dispatchEvent(new Event('input')); };
  type('input[name=q]', '第1');
  type('input[name=agency]', '第1');
  const read = id => [...document.getElementById(id).options].map(o => o.value);
  setTimeout(() => done({search: read('place-list'), agency: read('agency-list')}), 1500);
})`, &got)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(got.Search, "第1县") || len(got.Search) > 20 {
			t.Errorf("search suggestions %q: want 第1县 among at most 20", got.Search)
		}
		if !slices.Contains(got.Agency, "第1镇") || slices.Contains(got.Agency, "第1县") {
			t.Errorf("agency suggestions %q: want agencies only, 第1镇 among them", got.Agency)
		}
		checkClean(t, desk, srv.URL)
	})

	t.Run("tooltip escapes names", func(t *testing.T) {
		desk.Reset()
		if err := desk.Navigate(srv.URL + pages[6].path); err != nil {
			t.Fatal(err)
		}
		var tip struct {
			Text    string `json:"text"`
			Scripts int    `json:"scripts"`
			Images  int    `json:"images"`
		}
		// Show the tooltip of every bar of the first chart, the <script>
		// town's among them, and read what it displays.
		err := desk.Eval(`new Promise(done => requestAnimationFrame(() => {
  const chart = echarts.getInstanceByDom(document.getElementById('new-per-town'));
  const names = chart.getOption().xAxis[0].data;
  const i = names.indexOf('<script>alert(1)</script>');
  chart.dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: i});
  setTimeout(() => {
    const el = [...chart.getDom().querySelectorAll('div')].find(d => d.textContent.includes('alert'));
    done({text: el ? el.textContent : '', scripts: document.scripts.length, images: document.images.length});
  }, 100);
}))`, &tip)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(tip.Text, evil) {
			t.Errorf("tooltip text %q does not show the name as text", tip.Text)
		}
		if tip.Scripts != 2 || tip.Images != 0 {
			t.Errorf("page gained elements from a name: %d scripts, %d images", tip.Scripts, tip.Images)
		}
		checkClean(t, desk, srv.URL)
	})

	t.Run("print stylesheet", func(t *testing.T) {
		// Charts are drawn for the 1280 px screen, then the page is laid out
		// for print (as Ctrl+P does): no chart box, nor its canvas, may
		// reach a table, a caption or another chart.
		pr := newTab(t, ctx, 1280, 900, false)
		for _, pg := range []browserPage{pages[1], pages[2], pages[3], pages[4], pages[5]} {
			pr.Reset()
			if err := pr.Media(""); err != nil {
				t.Fatal(err)
			}
			if err := pr.Navigate(srv.URL + pg.path); err != nil {
				t.Fatal(err)
			}
			var states []chartState
			if err := pr.Eval(chartsProbe, &states); err != nil {
				t.Fatal(err)
			}
			if err := pr.Media("print"); err != nil {
				t.Fatal(err)
			}
			var res struct {
				NavHidden bool     `json:"navHidden"`
				Overlaps  []string `json:"overlaps"`
				Boxes     int      `json:"boxes"`
			}
			if err := pr.Eval(printProbe, &res); err != nil {
				t.Fatal(err)
			}
			if !res.NavHidden {
				t.Errorf("%s: navigation is printed", pg.name)
			}
			if res.Boxes < 2 {
				t.Errorf("%s: only %d boxes measured", pg.name, res.Boxes)
			}
			for _, o := range res.Overlaps {
				t.Errorf("%s print: %s", pg.name, o)
			}
			// Ctrl+P on A4: the county page, its charts and tables, on at
			// most three sheets.
			if n := printA4(t, pr, pg.name+"-print", shots); n == 0 || (pg.name == "county" && n > 3) {
				t.Errorf("%s prints on %d A4 pages, want 1 to 3 for the county", pg.name, n)
			}
		}
	})

	t.Run("phone", func(t *testing.T) {
		phone := newTab(t, ctx, 390, 844, true)
		for _, pg := range pages[:6] {
			phone.Reset()
			if err := phone.Navigate(srv.URL + pg.path); err != nil {
				t.Fatal(err)
			}
			var states []chartState
			if err := phone.Eval(chartsProbe, &states); err != nil {
				t.Fatal(err)
			}
			for _, s := range states {
				if s.Painted < 50 {
					t.Errorf("%s: chart %s not drawn on a phone: %+v", pg.name, s.ID, s)
				}
			}
			var res struct {
				Overflow int      `json:"overflow"`
				Clipped  []string `json:"clipped"`
				Sideways []string `json:"sideways"`
			}
			if err := phone.Eval(phoneProbe, &res); err != nil {
				t.Fatal(err)
			}
			if res.Overflow > 0 {
				t.Errorf("%s: page is %dpx wider than a phone screen", pg.name, res.Overflow)
			}
			for _, c := range res.Clipped {
				t.Errorf("%s: text runs off a 390 px screen: %s", pg.name, c)
			}
			if pg.name == "county" {
				// 10 towns: the per-town bar charts lie on their side.
				if strings.Join(res.Sideways, ",") != "new-per-town,mix-count,mix-share,findings-per-town" {
					t.Errorf("county on a phone: sideways charts %v", res.Sideways)
				}
			}
			checkClean(t, phone, srv.URL)
			if shots {
				screenshot(t, phone, pg.name+"-phone")
			}
		}
	})

	t.Run("map drills down to a province's cities", func(t *testing.T) {
		desk.Reset()
		if err := desk.Navigate(srv.URL + "/dashboards/map?year=2022"); err != nil {
			t.Fatal(err)
		}
		// Where 成都 (104.07° E, 30.67° N) lies on the drawn map, in the
		// page's coordinates: a click there is a click on 四川.
		var at struct{ X, Y float64 }
		err := desk.Eval(`new Promise(done => requestAnimationFrame(() => {
  const el = document.getElementById('province-map');
  const [x, y] = echarts.getInstanceByDom(el).convertToPixel({seriesIndex: 0}, [104.07, 30.67]);
  const r = el.getBoundingClientRect();
  window.scrollTo(0, 0);
  done({X: r.left + x, Y: r.top + y});
}))`, &at)
		if err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(desk.ctx, chromedp.MouseClickXY(at.X, at.Y),
			chromedp.WaitVisible(chromedp.ID("province-cities"))); err != nil {
			t.Fatalf("click on 四川 at %+v: %v", at, err)
		}
		var got struct{ Heading, Rows string }
		if err := desk.Eval(`({Heading: document.querySelector('#province-cities h3').textContent,
  Rows: document.querySelector('#province-cities tbody').textContent})`, &got); err != nil {
			t.Fatal(err)
		}
		if got.Heading != "四川省各市（州）" || !strings.Contains(got.Rows, "资阳市") {
			t.Errorf("after the click: %+v", got)
		}
		checkClean(t, desk, srv.URL)
		if shots {
			screenshot(t, desk, "map-drill")
		}
	})

	t.Run("ranking fits 1400 px, 表二 on demand", func(t *testing.T) {
		wide := newTab(t, ctx, 1400, 900, false)
		if err := wide.Navigate(srv.URL + pages[1].path); err != nil {
			t.Fatal(err)
		}
		var fit struct {
			Overflow, Shown, Extra, ExtraShown, OverflowAll int
		}
		err := wide.Eval(`(() => {
  const fig = document.getElementById('fig-ranking');
  const wrap = fig.querySelector('.table-wrap');
  const visible = () => [...fig.querySelectorAll('thead th')].filter(th => th.offsetWidth > 0).length;
  const r = {Overflow: wrap.scrollWidth - wrap.clientWidth, Shown: visible(), Extra: fig.querySelectorAll('thead th.col-extra').length};
  fig.querySelector('input.show-extra').click();
  r.ExtraShown = visible() - r.Shown;
  r.OverflowAll = wrap.scrollWidth - wrap.clientWidth;
  fig.querySelector('input.show-extra').click();
  return r;
})()`, &fit)
		if err != nil {
			t.Fatal(err)
		}
		if fit.Overflow > 0 {
			t.Errorf("ranking scrolls %d px sideways at 1400 px", fit.Overflow)
		}
		if fit.Extra != 4 || fit.ExtraShown != 4 || fit.Shown != 7 {
			t.Errorf("columns: %+v; want 7 shown (机关 and six figures), 4 more on demand", fit)
		}
		checkClean(t, wide, srv.URL)
		if shots {
			screenshot(t, wide, "county-1400")
		}
	})

	t.Run("ranking sorts and notes open on tap", func(t *testing.T) {
		desk.Reset()
		if err := desk.Navigate(srv.URL + pages[1].path); err != nil {
			t.Fatal(err)
		}
		var order struct {
			Before, After []float64
			Last          string
		}
		err := desk.Eval(`(() => {
  const table = document.querySelector('#fig-ranking table');
  const col = [...table.tHead.rows[0].cells].findIndex(th => th.textContent.includes('公开率'));
  const read = () => [...table.tBodies[0].rows].filter(r => !r.classList.contains('sum')).map(r => parseFloat(r.cells[col].getAttribute('data-v') ?? 'NaN'));
  const before = read();
  table.tHead.rows[0].cells[col].querySelector('button').click();
  const after = read();
  const rows = table.tBodies[0].rows;
  return {Before: before, After: after, Last: rows[rows.length - 1].cells[0].textContent};
})()`, &order)
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i < len(order.After); i++ {
			if order.After[i] > order.After[i-1] {
				t.Errorf("公开率 not sorted high to low after a click: %v", order.After)
				break
			}
		}
		if len(order.After) != len(order.Before) || order.Last != "全县中位数" {
			t.Errorf("sorting lost rows or moved the median: %d→%d, last %q", len(order.Before), len(order.After), order.Last)
		}
		desk.Reset()
		if err := desk.Navigate(srv.URL + pages[2].path); err != nil {
			t.Fatal(err)
		}
		var note struct {
			Shown bool
			Text  string
		}
		err = desk.Eval(`(() => {
  const td = document.querySelector('td[data-note]');
  if (!td) return {Shown: false, Text: 'no cell with a note'};
  td.click();
  const p = document.getElementById('cell-note');
  return {Shown: !p.hidden, Text: p.textContent};
})()`, &note)
		if err != nil {
			t.Fatal(err)
		}
		if !note.Shown || note.Text == "" {
			t.Errorf("tapping a cell shows no note: %+v", note)
		}
		checkClean(t, desk, srv.URL)
	})
}

// printProbe lays the page out for print and reports every pair of
// boxes that overlap: each chart (its box and its canvas) against every
// table, caption and other chart.
const printProbe = `new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => {
  const boxes = [];
  const name = el => (el.id || el.className || el.tagName) + ' in ' + (el.closest('figure') ? el.closest('figure').id : '?');
  document.querySelectorAll('.chart').forEach(el => {
    boxes.push({kind: 'chart', name: name(el), r: el.getBoundingClientRect(), fig: el.closest('figure')});
    const c = el.querySelector('canvas');
    if (c) boxes.push({kind: 'chart', name: 'canvas of ' + name(el), r: c.getBoundingClientRect(), fig: el.closest('figure')});
  });
  document.querySelectorAll('.table-wrap, figcaption, h2, h3').forEach(el => boxes.push({kind: 'text', name: name(el), r: el.getBoundingClientRect(), fig: el.closest('figure')}));
  const hit = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const overlaps = [];
  for (const a of boxes) {
    if (a.kind !== 'chart' || a.r.width === 0) continue;
    for (const b of boxes) {
      if (a === b || a.r.width === 0 || b.r.width === 0) continue;
      if (b.kind === 'chart' && a.fig === b.fig) continue; // a canvas inside its own chart box
      if (hit(a.r, b.r)) overlaps.push(a.name + ' overlaps ' + b.name);
    }
  }
  done({navHidden: getComputedStyle(document.querySelector('header.site nav')).display === 'none', overlaps: overlaps.slice(0, 10), boxes: boxes.length});
})))`

// phoneProbe reports how far the page is wider than the screen, text
// that runs off it (outside a table that scrolls sideways on purpose) and
// the charts drawn on their side.
const phoneProbe = `(() => {
  const w = window.innerWidth;
  const clipped = [];
  document.querySelectorAll('main p, main li, main h1, main h2, main h3, main figcaption, main .notice, main label, main td, main th').forEach(el => {
    if (el.closest('.table-wrap')) {
      const wrap = el.closest('.table-wrap').getBoundingClientRect();
      if (wrap.right > w + 1) clipped.push('table box of ' + (el.closest('figure') || {}).id + ' ends at ' + Math.round(wrap.right));
      return;
    }
    const r = el.getBoundingClientRect();
    if (r.width > 0 && (r.right > w + 1 || r.left < -1)) clipped.push(el.tagName + ' "' + el.textContent.trim().slice(0, 30) + '" ends at ' + Math.round(r.right));
  });
  const sideways = [...document.querySelectorAll('.chart[data-sideways]')].map(el => el.id);
  return {overflow: document.documentElement.scrollWidth - w, clipped: [...new Set(clipped)].slice(0, 10), sideways: sideways};
})()`

// pdfPage matches the dictionary of one page of a PDF (not of /Pages).
var pdfPage = regexp.MustCompile(`/Type\s*/Page[^s]`)

// printA4 prints the page to PDF on A4 and returns its number of pages;
// with shots it keeps every page as a PNG (pdftoppm), so the note shows
// what paper shows.
func printA4(t *testing.T, p *tab, name string, shots bool) int {
	t.Helper()
	pdf, err := p.PrintA4()
	if err != nil {
		t.Fatal(err)
	}
	pages := len(pdfPage.FindAll(pdf, -1))
	if !shots {
		return pages
	}
	file := filepath.Join(t.TempDir(), name+".pdf")
	if err := os.WriteFile(file, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	tool, err := exec.LookPath("pdftoppm")
	if err != nil {
		t.Logf("pdftoppm missing: no print screenshot")
		return pages
	}
	// Old shots of a longer print would stay beside the new ones.
	old, _ := filepath.Glob(filepath.Join("..", "docs", "screenshots", name+"-[0-9]*.png"))
	for _, f := range old {
		os.Remove(f)
	}
	for page := 1; page <= pages; page++ {
		base := filepath.Join("..", "docs", "screenshots", fmt.Sprintf("%s-%d", name, page))
		cmd := exec.Command(tool, "-png", "-r", "60", "-f", fmt.Sprint(page), "-l", fmt.Sprint(page), "-singlefile", file, base)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v %s", err, b)
		}
	}
	return pages
}

// checkClean fails on console errors, dialogs and requests that left the
// test server.
func checkClean(t *testing.T, p *tab, base string) {
	t.Helper()
	for _, e := range p.Errors() {
		t.Errorf("console: %s", e)
	}
	for _, d := range p.Dialogs() {
		t.Errorf("a dialog opened: %q", d)
	}
	reqs := p.Requests()
	if len(reqs) == 0 {
		t.Error("no request recorded")
	}
	for _, r := range reqs {
		if !strings.HasPrefix(r, base+"/") && !strings.HasPrefix(r, "data:") {
			t.Errorf("request left the server: %s", r)
		}
	}
}

func screenshot(t *testing.T, p *tab, name string) {
	t.Helper()
	png, err := p.Screenshot(3200)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("..", "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func findChromium() string { return browsertest.Find() }

// sampleServer mounts the dashboards over the fixture's reports plus n
// generated ones (5 counties of 10 towns, consecutive years from 2021).
func sampleServer(tb testing.TB, n int) *gin.Engine {
	tb.Helper()
	e, st := fixtureStore(tb)
	for _, r := range querytest.Generated(n) {
		if _, err := st.Save(context.Background(), r); err != nil {
			tb.Fatal(fmt.Errorf("save %s: %w", r.File, err))
		}
	}
	// The entry page's script asks /api/v1/places (package api, which
	// this package does not mount): a stand-in answering from the same
	// query, for the browser test of the suggestions.
	q := query.New(st)
	e.GET("/api/v1/places", func(c *gin.Context) {
		res, err := q.Places(c.Request.Context(), query.PlaceQuery{Q: c.Query("q"), Limit: 20})
		if err != nil {
			c.JSON(http.StatusBadRequest, gin.H{"error": err.Error()})
			return
		}
		c.JSON(http.StatusOK, res)
	})
	return e
}
