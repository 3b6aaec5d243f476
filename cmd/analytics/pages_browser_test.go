package main

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nianbao/internal/browsertest"
)

// TestChangedPagesInChromium opens the pages issue 22 changed — the entry
// page, a sample county's page and assessment, a town, a report and its
// source, the audit log, 预检 of a file that is no report — in headless
// Chromium at 1400 and 390 px wide, signed in as a clerk, after the work
// that fills the audit log. The audit log fits 1400 px: no column off
// screen. NIANBAO_SCREENSHOTS=DIR keeps a screenshot of each page there.
func TestChangedPagesInChromium(t *testing.T) {
	ctx := browsertest.Tab(t, 3*time.Minute, 1400)
	sample, err := filepath.Abs(filepath.Join("..", "..", "data", "sample"))
	if err == nil {
		_, err = os.Stat(sample)
	}
	if err != nil {
		t.Skipf("no sample corpus: %v", err)
	}
	var logs logBuffer
	addr, stop := startServeSample(t, filepath.Join(t.TempDir(), "b.duckdb"), sample, &logs)
	defer stop()
	base := "http://" + addr
	clerk := work(t, firstAdmin(t, logs.String()), base, sample)

	if err := chromedp.Do(ctx, chromedp.Navigate(clerk), chromedp.WaitVisible(chromedp.ID("signout"))); err != nil {
		t.Fatalf("sign in by the clerk's link: %v", err)
	}

	county := url.QueryEscape("乐至县")
	pages := []struct{ name, path string }{
		{"entry", "/dashboards/"},
		{"county", "/dashboards/county?county=" + county + "&year=2024"},
		{"assessment", "/dashboards/assessment?county=" + county + "&year=2024"},
		{"compare", "/dashboards/compare?county=" + county + "&year=2024"},
		{"town", "/dashboards/town?agency=" + url.QueryEscape("劳动镇") + "&county=" + county},
		{"report", "/web/reports/1"},
		{"source", "/web/reports/1/source?code=t3.new.total"},
		{"audit", "/web/audit"},
	}
	dir := os.Getenv("NIANBAO_SCREENSHOTS")
	shoot := func(name string, width int64) {
		if dir == "" {
			return
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.png", name, width)), png, 0o644); err != nil {
			t.Error(err)
		}
	}
	for _, width := range []int64{1400, 390} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900)); err != nil {
			t.Fatal(err)
		}
		for _, p := range pages {
			if err := chromedp.Do(ctx, chromedp.Navigate(base+p.path), chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
				t.Fatalf("%s at %d px: %v", p.name, width, err)
			}
			if p.name == "audit" && width == 1400 {
				// Every column of the log inside the page, none scrolled to.
				over, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`(() => {
					const wrap = document.querySelector('#audit').closest('.table-wrap') || document.querySelector('#audit');
					return Math.max(wrap.scrollWidth - wrap.clientWidth, document.documentElement.scrollWidth - window.innerWidth);
				})()`))
				if err != nil {
					t.Fatal(err)
				}
				if over > 1 {
					t.Errorf("the audit log is %.0f px wider than a 1400 px window", over)
				}
			}
			shoot(p.name, width)
		}
		// 预检 of meeting notes: refused, the reason said once.
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/web/check"), chromedp.WaitVisible(chromedp.ID("text")),
			chromedp.SendKeys(chromedp.ID("text"), "会议纪要\n今天开会讨论了三件事。\n"), chromedp.Click(chromedp.ID("check-button")),
			chromedp.WaitVisible(chromedp.CSS(".problem"))); err != nil {
			t.Fatalf("预检 at %d px: %v", width, err)
		}
		shoot("check-not-report", width)
	}
}
