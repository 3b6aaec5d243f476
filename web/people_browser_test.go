package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nianbao/change"
	"nianbao/web"
)

// TestBrowserFirstRunAddClerk: in Chromium at 1400 px, the first-run link
// signs the visitor in as administrator on the people page; the admin adds
// a clerk limited to a county and sees the clerk's link and token once;
// the clerk's link then signs a second browser in as that clerk.
// NIANBAO_SCREENSHOTS=DIR keeps the screenshots there.
func TestBrowserFirstRunAddClerk(t *testing.T) {
	ctx := chrome(t, 2*time.Minute)
	e := newEnv(t, false)
	secret, err := change.New(e.st, nil).FirstRun(context.Background())
	if err != nil || secret == "" {
		t.Fatalf("first run: %q %v", secret, err)
	}
	link := web.SignInURL(strings.TrimPrefix(e.srv.URL, "http://"), secret)
	run := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	text := func(step, sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		return v
	}
	shot := func(name string) {
		dir := os.Getenv("NIANBAO_SCREENSHOTS")
		if dir == "" {
			return
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
			t.Error(err)
		}
	}
	run("viewport", chromedp.EmulateViewport(1400, 900))
	run("open the first-run link", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.ID("person-form")))
	if who := text("who", ".who"); !strings.Contains(who, "管理员（管理员）") {
		t.Fatalf("signed in as %q", who)
	}
	run("add a clerk", chromedp.SendKeys(chromedp.ID("person-name"), "镇办小李"),
		chromedp.SetValue(chromedp.ID("person-role"), "clerk"),
		chromedp.SendKeys(chromedp.ID("person-scope"), "安岳县"),
		chromedp.Click(chromedp.ID("person-add")), chromedp.WaitVisible(chromedp.ID("issued")))
	shot("people-1400")
	clerkLink, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("issued-link")))
	if err != nil || !strings.Contains(clerkLink, "/web/signin/link/") {
		t.Fatalf("the clerk's link: %q %v", clerkLink, err)
	}
	if row := text("people table", "#people"); !strings.Contains(row, "镇办小李") || !strings.Contains(row, "管理员") {
		t.Errorf("people table: %q", row)
	}
	// A second browser (its own cookies) opens the clerk's link.
	ctx2, cancel := chromedp.NewContext(ctx)
	defer cancel()
	if err := chromedp.Do(ctx2, chromedp.EmulateViewport(1400, 900), chromedp.Navigate(clerkLink), chromedp.WaitVisible(chromedp.ID("work-links"))); err != nil {
		t.Fatalf("clerk's link: %v", err)
	}
	who, err := chromedp.Run(ctx2, chromedp.Text(chromedp.CSS(".who")))
	if err != nil || !strings.Contains(who, "镇办小李（填报员 · 安岳县）") {
		t.Errorf("clerk signed in as %q %v", who, err)
	}
}
