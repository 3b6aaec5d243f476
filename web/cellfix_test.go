package web_test

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestClickToCorrect: on the report page each number of a person who may
// correct is a link opening the correction form in its own cell; a value
// typed full width with a Chinese input method is taken; a refusal shows
// the cell's form again with what was typed. A viewer gets no links.
func TestClickToCorrect(t *testing.T) {
	e := newEnv(t, false)
	id := e.ids[0]
	page := fmt.Sprintf("/web/reports/%d", id)
	viewer := e.browser()
	viewer.signIn("tok-viewer")
	if _, body := viewer.get(page); strings.Contains(body, `class="v fix"`) || strings.Contains(body, "cell-fix") {
		t.Error("a viewer's report page has correction links")
	}
	b := e.browser()
	b.signIn("tok-clerk")
	_, body := b.get(page)
	link := fmt.Sprintf(`href="/web/reports/%d?fix=t3.new.total#cell-t3.new.total"`, id)
	if !strings.Contains(body, link) {
		t.Fatalf("no link %s on the number", link)
	}
	inCell := regexp.MustCompile(`<td id="cell-t3\.new\.total"[^>]*><form method="post" action="/web/reports/\d+/correct" class="cell-fix"`)
	_, body = b.get(page + "?fix=t3.new.total")
	if !inCell.MatchString(body) || strings.Count(body, `class="cell-fix"`) != 1 {
		t.Fatalf("the form is not in the cell, alone:\n%s", excerpt(body))
	}
	cases := []struct {
		value  string
		status int
		want   float64
		says   string
	}{
		{"三", 400, 10, "应为数字"},
		{"１２", 200, 12, "已更正"},
	}
	for _, tc := range cases {
		code, body := b.post(page+"/correct", url.Values{"code": {"t3.new.total"}, "value": {tc.value}, "reason": {"核对原件"}, "inline": {"1"}}, true)
		if code != tc.status || !strings.Contains(body, tc.says) {
			t.Errorf("%s: %d, want %d saying %s\n%s", tc.value, code, tc.status, tc.says, excerpt(body))
		}
		if v, _ := e.cell(id, "t3.new.total"); v != tc.want {
			t.Errorf("%s: t3.new.total = %v, want %v", tc.value, v, tc.want)
		}
		if tc.status == 400 && (!inCell.MatchString(body) || !strings.Contains(body, `value="三"`)) {
			t.Errorf("%s: the refused value is not shown again in its cell", tc.value)
		}
	}
}

// TestBrowserClickToCorrect: in Chromium, Tab to the number, Enter, type
// 「１５」 as a Chinese input method gives it, Tab, a reason, Enter: the
// cell shows 15. NIANBAO_SCREENSHOTS=DIR keeps the form's screenshot.
func TestBrowserClickToCorrect(t *testing.T) {
	ctx := chrome(t, 2*time.Minute)
	e := newEnv(t, false)
	id := e.ids[0]
	base := e.srv.URL
	do := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	do("sign in", chromedp.EmulateViewport(1400, 900), chromedp.Navigate(base+"/web/signin"), chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.SendKeys(chromedp.ID("token"), "tok-clerk"), chromedp.Submit(chromedp.ID("token")), chromedp.WaitVisible(chromedp.ID("signout")))
	do("open the report", chromedp.Navigate(fmt.Sprintf("%s/web/reports/%d", base, id)), chromedp.WaitVisible(chromedp.CSS("#cell-t3\\.new\\.total a.fix")))
	// The keyboard: focus the number's link and press Enter.
	do("open the cell's form", chromedp.Focus(chromedp.CSS("#cell-t3\\.new\\.total a.fix")), chromedp.KeyEvent("\r"), chromedp.WaitVisible(chromedp.ID("fix-value")))
	do("type full width", chromedp.Clear(chromedp.ID("fix-value")), chromedp.SendKeys(chromedp.ID("fix-value"), "１５"),
		chromedp.SendKeys(chromedp.ID("fix-reason"), "核对原件"))
	if dir := os.Getenv("NIANBAO_SCREENSHOTS"); dir != "" {
		if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
			os.WriteFile(filepath.Join(dir, "cell-fix-1400.png"), png, 0o644)
		}
	}
	do("submit", chromedp.SendKeys(chromedp.ID("fix-reason"), "\r"), chromedp.WaitVisible(chromedp.CSS(".flash")))
	v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#cell-t3\\.new\\.total .v")))
	if err != nil || strings.TrimSpace(v) != "15" {
		t.Errorf("the cell shows %q after the correction (%v), want 15", v, err)
	}
	if got, _ := e.cell(id, "t3.new.total"); got != 15 {
		t.Errorf("stored t3.new.total = %v, want 15", got)
	}
}
