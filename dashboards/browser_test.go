package dashboards

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"nianbao/e2e/cdp"
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

	b, err := cdp.Start(chromium, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	desk, err := b.NewPage(ctx, 1280, 900, false)
	if err != nil {
		t.Fatal(err)
	}

	q := func(v url.Values) string { return v.Encode() }
	pages := []browserPage{
		{"index", "/dashboards/", 0},
		{"county", "/dashboards/county?" + q(url.Values{"county": {"第1县"}, "year": {"2023"}}), 6},
		{"town", townURL("第1镇", "第1县"), 3},
		{"compare", "/dashboards/compare?" + q(url.Values{"county": {"第1县"}, "year": {"2023"}, "town": {"第1镇", "第2镇", "第3镇"}}), 5},
		{"quality", "/dashboards/quality?" + q(url.Values{"county": {"第1县"}, "year": {"2023"}}), 2},
		{"county-xss", "/dashboards/county?" + q(url.Values{"county": {"乐至县"}, "year": {"2022"}}), 6},
		{"town-xss", townURL(evil, "乐至县"), 2},
		{"quality-xss", "/dashboards/quality?" + q(url.Values{"county": {"乐至县"}, "year": {"2022"}}), 2},
	}
	shots := os.Getenv("NIANBAO_SCREENSHOTS") == "1"
	for _, pg := range pages {
		t.Run(pg.name, func(t *testing.T) {
			desk.Reset()
			if err := desk.Navigate(ctx, srv.URL+pg.path); err != nil {
				t.Fatal(err)
			}
			var states []chartState
			if err := desk.Eval(ctx, chartsProbe, &states); err != nil {
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
				screenshot(t, ctx, desk, pg.name)
			}
		})
	}

	t.Run("tooltip escapes names", func(t *testing.T) {
		desk.Reset()
		if err := desk.Navigate(ctx, srv.URL+pages[5].path); err != nil {
			t.Fatal(err)
		}
		var tip struct {
			Text    string `json:"text"`
			Scripts int    `json:"scripts"`
			Images  int    `json:"images"`
		}
		// Show the tooltip of every bar of the first chart, the <script>
		// town's among them, and read what it displays.
		err := desk.Eval(ctx, `new Promise(done => requestAnimationFrame(() => {
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
		if err := desk.Call(ctx, "Emulation.setEmulatedMedia", map[string]any{"media": "print"}, nil); err != nil {
			t.Fatal(err)
		}
		defer desk.Call(ctx, "Emulation.setEmulatedMedia", map[string]any{"media": ""}, nil)
		if err := desk.Navigate(ctx, srv.URL+pages[1].path); err != nil {
			t.Fatal(err)
		}
		var hidden bool
		if err := desk.Eval(ctx, `getComputedStyle(document.querySelector('header.site nav')).display === 'none'`, &hidden); err != nil {
			t.Fatal(err)
		}
		if !hidden {
			t.Error("navigation is printed")
		}
	})

	t.Run("phone", func(t *testing.T) {
		phone, err := b.NewPage(ctx, 375, 740, true)
		if err != nil {
			t.Fatal(err)
		}
		for _, pg := range pages[:5] {
			phone.Reset()
			if err := phone.Navigate(ctx, srv.URL+pg.path); err != nil {
				t.Fatal(err)
			}
			var states []chartState
			if err := phone.Eval(ctx, chartsProbe, &states); err != nil {
				t.Fatal(err)
			}
			for _, s := range states {
				if s.Painted < 50 {
					t.Errorf("%s: chart %s not drawn on a phone: %+v", pg.name, s.ID, s)
				}
			}
			var overflow int
			if err := phone.Eval(ctx, `document.documentElement.scrollWidth - window.innerWidth`, &overflow); err != nil {
				t.Fatal(err)
			}
			if overflow > 0 {
				t.Errorf("%s: page is %dpx wider than a phone screen", pg.name, overflow)
			}
			checkClean(t, phone, srv.URL)
			if shots && pg.name == "county" {
				screenshot(t, ctx, phone, "county-phone")
			}
		}
	})
}

// checkClean fails on console errors, dialogs and requests that left the
// test server.
func checkClean(t *testing.T, p *cdp.Page, base string) {
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

func screenshot(t *testing.T, ctx context.Context, p *cdp.Page, name string) {
	t.Helper()
	png, err := p.Screenshot(ctx, 3200)
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

func findChromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

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
	return e
}
