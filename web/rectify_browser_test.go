package web_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nianbao/report"
)

// TestBrowserRectification: in Chromium at 1400 px an assessor sends two
// findings of 凤塘镇 back (退回修改) with a deadline; the clerk sees both on
// the workbench and uploads a new version that fixes one (the 规章 row)
// but not the other (the total of new applications); the 整改跟踪 page
// then shows one closed by the new version and one still open, and the
// 一键核对 pages (the report's, the county's) show the formula and both
// sides of the one left.
// NIANBAO_SCREENSHOTS=DIR keeps rectify-*.png there.
func TestBrowserRectification(t *testing.T) {
	ctx := chrome(t, 2*time.Minute)
	e := newEnv(t, false)
	base := e.srv.URL
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
	// shot keeps the whole page, or with view only what the window shows
	// (the report page is long: its findings are the point).
	shot := func(name string, view bool) {
		dir := os.Getenv("NIANBAO_SCREENSHOTS")
		if dir == "" {
			return
		}
		take := chromedp.FullScreenshot(100)
		if view {
			take = chromedp.CaptureScreenshot()
		}
		png, err := chromedp.Run(ctx, take)
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
			t.Error(err)
		}
	}
	signIn := func(token string) {
		run("sign in as "+token, chromedp.Navigate(base+"/web/signin"), chromedp.WaitVisible(chromedp.ID("token")),
			chromedp.SendKeys(chromedp.ID("token"), token), chromedp.Submit(chromedp.ID("token")),
			chromedp.WaitVisible(chromedp.ID("signout")))
	}
	signOut := func() {
		run("sign out", chromedp.Navigate(base+"/web/"), chromedp.Click(chromedp.ID("signout")), chromedp.WaitVisible(chromedp.ID("signin-form")))
	}
	uploadFile := func(file string) {
		run("upload "+file, chromedp.Navigate(base+"/web/upload"), chromedp.WaitVisible(chromedp.ID("files")),
			chromedp.SetUploadFiles(chromedp.ID("files"), []string{mustAbs(t, file)}), chromedp.Click(chromedp.ID("upload-button")))
		run("upload result of "+file, chromedp.WaitVisible(chromedp.CSS("#results tbody tr")))
		if table := text("upload result", "#results tbody"); !strings.Contains(table, "已入库") {
			t.Fatalf("upload of %s: %s", file, table)
		}
	}
	run("viewport", chromedp.EmulateViewport(1400, 900))

	// The clerk uploads 凤塘镇's report: 2 规章 for a town, a wrong total.
	signIn("tok-clerk")
	uploadFile("testdata/rectify-v1.txt")
	link, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`#results a[href^="/web/reports/"]`), "href"))
	if err != nil {
		t.Fatalf("the report's link: %v", err)
	}
	id := regexp.MustCompile(`/web/reports/(\d+)`).FindStringSubmatch(link.Value)
	if id == nil {
		t.Fatalf("link %q", link.Value)
	}
	page := base + "/web/reports/" + id[1]
	signOut()

	// The assessor sends the two findings back with a deadline.
	signIn("tok-assessor")
	deadline := report.Today().AddDate(0, 0, 14).Format(time.DateOnly)
	for _, f := range []struct{ match, comment string }{
		{"乡镇、街道没有规章制定权", "规章栏应为0，请把规范性文件移到对应栏目后重新发布"},
		{"各类申请人之和", "新收申请总计列与各类申请人之和不符，请核对后重新发布"},
	} {
		li := `//li[contains(@class, "sev-")][contains(., "` + f.match + `")]`
		run("send back: "+f.match, chromedp.Navigate(page), chromedp.WaitVisible(chromedp.ID("findings")),
			chromedp.Click(chromedp.Search(li+`//summary`)),
			chromedp.SetValue(chromedp.Search(li+`//input[@name="deadline"]`), deadline),
			chromedp.SendKeys(chromedp.Search(li+`//form[@class="return-form"]//input[@name="comment"]`), f.comment),
			chromedp.Click(chromedp.Search(li+`//form[@class="return-form"]//button`)),
			chromedp.WaitVisible(chromedp.CSS(".flash")))
		if got := text("returned note", ".flash"); !strings.Contains(got, "已退回修改") || !strings.Contains(got, deadline) {
			t.Fatalf("after sending back: %q", got)
		}
	}
	if n := text("returned notes", "#rect-table tbody"); strings.Count(n, "整改中") != 2 {
		t.Errorf("report page lists %q, want two 整改中", n)
	}
	run("see the report", chromedp.Navigate(page), chromedp.WaitVisible(chromedp.ID("rect-table")), chromedp.ScrollIntoView(chromedp.ID("findings")))
	shot("rectify-sent-back", true)
	signOut()

	// The clerk's workbench lists both with the days left; a new version.
	signIn("tok-clerk")
	run("workbench", chromedp.Navigate(base+"/web/"), chromedp.WaitVisible(chromedp.ID("workbench-rects")))
	if w := text("workbench", "#workbench-rects tbody"); strings.Count(w, "还剩14天") != 2 {
		t.Errorf("workbench: %q, want two with 还剩14天", w)
	}
	shot("rectify-workbench", false)
	uploadFile("testdata/rectify-v2.txt")
	signOut()

	// 整改跟踪: one closed by the new version, one still open.
	signIn("tok-assessor")
	run("整改跟踪", chromedp.Navigate(base+"/web/rectify?county=样例县"), chromedp.WaitVisible(chromedp.ID("rect-table")))
	rows := text("整改跟踪", "#rect-table tbody")
	if !strings.Contains(rows, "新版本已无此问题，系统关闭") || strings.Count(rows, "整改中") != 1 || strings.Count(rows, "已关闭") != 1 {
		t.Errorf("整改跟踪 rows:\n%s", rows)
	}
	if c := text("counts", "#rect-counts"); !strings.Contains(c, "整改中 1 项") || !strings.Contains(c, "已关闭 1 项") {
		t.Errorf("counts %q", c)
	}
	shot("rectify-tracking", false)

	// 一键核对: the formula and both sides of what is left.
	run("一键核对", chromedp.Navigate(page), chromedp.Click(chromedp.ID("reconcile-link")), chromedp.WaitVisible(chromedp.ID("reconcile")))
	sum := text("一键核对", "#reconcile tbody")
	if !strings.Contains(sum, "各类申请人之和＝总计列") || !strings.Contains(sum, "5＋1＋0＋0＋0＋0＝6") || !strings.Contains(sum, "-3") {
		t.Errorf("一键核对:\n%s", sum)
	}
	shot("rectify-reconcile", false)
	run("全县一键核对", chromedp.Click(chromedp.Search(`//a[.="全县一键核对"]`)), chromedp.WaitVisible(chromedp.CSS("table.reconcile")))
	if county := text("全县一键核对", "main"); !strings.Contains(county, "凤塘镇") || !strings.Contains(county, "各类申请人之和＝总计列") {
		t.Errorf("全县一键核对:\n%s", county)
	}
	shot("rectify-county-reconcile", false)
}
