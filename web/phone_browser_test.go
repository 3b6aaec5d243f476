package web_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// wrapProbe lists the numbers and places of the cell tables that do not
// stand on one line (「第 3 页第 80 行」 stacked a character a line on a
// phone), and how far the page is wider than the screen.
const wrapProbe = `(() => {
  const wrapped = [];
  document.querySelectorAll('section.grid td .v, section.grid td small.place').forEach(el => {
    const line = parseFloat(getComputedStyle(el).lineHeight) || 20;
    const h = el.getBoundingClientRect().height;
    if (h > line * 1.5) wrapped.push(el.closest('td').id + ' "' + el.textContent.trim() + '" ' + Math.round(h) + 'px tall');
  });
  return {Cells: document.querySelectorAll('section.grid td small.place').length,
          Wrapped: wrapped.slice(0, 10), Overflow: document.documentElement.scrollWidth - window.innerWidth};
})()`

type wrapResult struct {
	Cells    int
	Wrapped  []string
	Overflow int
}

// TestPhoneTables opens 预检 and a report page on a 390 px phone: every
// number and every place it was read from stays on one line, and the page
// itself is no wider than the screen (a wide table scrolls in its box).
// NIANBAO_SCREENSHOTS=DIR keeps a screenshot of each page there.
func TestPhoneTables(t *testing.T) {
	ctx := chrome(t, 2*time.Minute)
	e := newEnv(t, false)
	base := e.srv.URL
	broken, err := os.ReadFile("testdata/liuba-2022.txt")
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	pages := []struct {
		name  string
		steps []chromedp.Action[chromedp.Void]
	}{
		{"check-phone", []chromedp.Action[chromedp.Void]{chromedp.Navigate(base + "/web/check"), chromedp.WaitVisible(chromedp.ID("text")),
			chromedp.SetValue(chromedp.ID("text"), string(broken)), chromedp.Click(chromedp.ID("check-button")),
			chromedp.WaitVisible(chromedp.ID("verdict"))}},
		{"report-phone", []chromedp.Action[chromedp.Void]{chromedp.Navigate(fmt.Sprintf("%s/web/reports/%d", base, e.ids[0])),
			chromedp.WaitVisible(chromedp.CSS("section.grid"))}},
	}
	for _, pg := range pages {
		t.Run(pg.name, func(t *testing.T) {
			if err := chromedp.Do(ctx, pg.steps...); err != nil {
				t.Fatal(err)
			}
			res, err := chromedp.Run(ctx, chromedp.Evaluate[wrapResult](wrapProbe))
			if err != nil {
				t.Fatal(err)
			}
			if res.Cells == 0 {
				t.Fatal("no cell with its place on the page")
			}
			for _, w := range res.Wrapped {
				t.Errorf("wraps on a phone: %s", w)
			}
			if res.Overflow > 0 {
				t.Errorf("page is %d px wider than the phone", res.Overflow)
			}
			if dir := os.Getenv("NIANBAO_SCREENSHOTS"); dir != "" {
				png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, pg.name+".png"), png, 0o644); err != nil {
					t.Error(err)
				}
			}
		})
	}
}
