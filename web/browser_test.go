package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nianbao/internal/browsertest"
)

// TestBrowserFlows drives the pages in headless Chromium as a clerk, an
// assessor and a viewer would: sign in, upload two files, read the result
// table, correct a cell and see the county total change, dismiss a finding
// and see the count drop, open the document at the cited line, sign out;
// a form without its CSRF token and a viewer's write are refused.
// NIANBAO_SCREENSHOTS=DIR keeps a screenshot of each step there.
func TestBrowserFlows(t *testing.T) {
	ctx := chrome(t, 3*time.Minute)
	e := newEnv(t, false)
	base := e.srv.URL
	run := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	get := func(step string, a chromedp.Action[string]) string {
		t.Helper()
		v, err := chromedp.Run(ctx, a)
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
	text := func(step, sel string) string {
		t.Helper()
		return get(step, chromedp.Text(chromedp.CSS(sel)))
	}
	signIn := func(token string) {
		run("sign in as "+token, chromedp.Navigate(base+"/web/signin"), chromedp.WaitVisible(chromedp.ID("token")),
			chromedp.SendKeys(chromedp.ID("token"), token), chromedp.Submit(chromedp.ID("token")),
			chromedp.WaitVisible(chromedp.ID("signout")))
	}
	signOut := func() {
		run("sign out", chromedp.Navigate(base+"/web/"), chromedp.Click(chromedp.ID("signout")), chromedp.WaitVisible(chromedp.ID("signin-form")))
	}
	// countyTotal reads the sum the dashboards chart for a county, through
	// the API's cells route as a browser would open it.
	countyTotal := func(county string) float64 {
		q := url.Values{"codes": {"t3.new.total"}, "group_by": {"county"}, "county": {county}, "year": {"2022"}}
		run("county total", chromedp.Navigate(base+"/api/v1/cells?"+q.Encode()))
		body := text("county total", "body")
		var ans struct {
			Rows []map[string]any `json:"rows"`
		}
		if err := json.Unmarshal([]byte(body), &ans); err != nil || len(ans.Rows) != 1 {
			t.Fatalf("county total of %s: %v %s", county, err, body)
		}
		v, ok := ans.Rows[0]["t3.new.total"].(float64)
		if !ok {
			t.Fatalf("county total of %s: no t3.new.total in %s", county, body)
		}
		return v
	}
	// post sends a form from the page's own script; it returns the status.
	post := func(step, path string, form url.Values) int {
		t.Helper()
		js := fmt.Sprintf(`fetch(%q, {method: "POST", body: new URLSearchParams(%q), credentials: "same-origin"}).then(r => r.status)`, path, form.Encode())
		status, err := chromedp.Run(ctx, chromedp.Evaluate[int](js, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		return status
	}

	// A town clerk checks a report before publishing: nothing is stored.
	broken, err := os.ReadFile("testdata/liuba-2022.txt")
	if err != nil {
		t.Fatal(err)
	}
	run("预检", chromedp.Navigate(base+"/web/check"), chromedp.WaitVisible(chromedp.ID("text")),
		chromedp.SetValue(chromedp.ID("text"), string(broken)), chromedp.Click(chromedp.ID("check-button")),
		chromedp.WaitVisible(chromedp.ID("verdict")))
	if v := text("verdict", "#verdict"); v != "可以发布" && v != "请修改" {
		t.Errorf("预检 verdict %q", v)
	}
	if place := text("a cell's place", `#cell-t3\.new\.total small.place`); !strings.HasPrefix(place, "第 ") {
		t.Errorf("预检 cell place %q", place)
	}
	shot("check")

	// A clerk signs in and uploads two files at once.
	signIn("tok-clerk")
	files := []string{mustAbs(t, "testdata/fengtang-2022.txt"), mustAbs(t, "testdata/liuba-2022.txt")}
	run("upload two files", chromedp.Navigate(base+"/web/upload"), chromedp.WaitVisible(chromedp.ID("files")),
		chromedp.SetUploadFiles(chromedp.ID("files"), files), chromedp.Click(chromedp.ID("upload-button")),
		chromedp.WaitVisible(chromedp.CSS("#results tbody tr:nth-child(2)")),
		chromedp.WaitVisible(chromedp.Search(`//span[@id="progress-text"][starts-with(., "完成")]`)))
	table := text("result table", "#results tbody")
	if strings.Count(table, "已入库") != 2 || !strings.Contains(table, "凤塘镇") || !strings.Contains(table, "柳坝镇") {
		t.Fatalf("result table:\n%s", table)
	}
	shot("upload-result")

	// The clerk corrects 凤塘镇's new applications; the county total follows.
	before := countyTotal("样例县")
	run("find the report", chromedp.Navigate(base+"/api/v1/reports?county="+url.QueryEscape("样例县")+"&agency="+url.QueryEscape("凤塘镇")))
	listing := text("read the listing", "body")
	m := regexp.MustCompile(`"id":\s*(\d+)`).FindStringSubmatch(listing)
	if m == nil {
		t.Fatalf("凤塘镇 not listed: %s", listing)
	}
	id := m[1]
	page := base + "/web/reports/" + id
	run("open the report", chromedp.Navigate(page))
	cell := text("read the cell", `#cell-t3\.new\.total .v`)
	old, err := strconv.ParseFloat(cell, 64)
	if err != nil {
		t.Fatalf("cell t3.new.total reads %q", cell)
	}
	run("correct the cell", chromedp.SetValue(chromedp.ID("correct-code"), "t3.new.total"),
		chromedp.SendKeys(chromedp.ID("correct-value"), strconv.FormatFloat(old+5, 'f', -1, 64)),
		chromedp.SendKeys(chromedp.ID("correct-reason"), "核对纸质原件"), chromedp.Click(chromedp.ID("correct-button")),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	if f := text("flash", ".flash"); !strings.Contains(f, "已更正") {
		t.Fatalf("after the correction: %q", f)
	}
	if got := text("corrected cell", `#cell-t3\.new\.total .v`); got != strconv.FormatFloat(old+5, 'f', -1, 64) {
		t.Errorf("cell shows %s after correcting %v to %v", got, old, old+5)
	}
	shot("corrected")
	if after := countyTotal("样例县"); after != before+5 {
		t.Errorf("county total %v after the correction, want %v+5", after, before)
	}

	// The document opens at the line the cell was read from.
	run("open the source", chromedp.Navigate(page), chromedp.Click(chromedp.CSS(`#cell-t3\.new\.total a.srclink`)),
		chromedp.WaitVisible(chromedp.CSS("li.hit")))
	href := get("location", chromedp.Location())
	hit := text("cited line", "li.hit")
	if !strings.Contains(href, "#line-") || strings.TrimSpace(hit) == "" {
		t.Errorf("source at %s highlights %q", href, hit)
	}
	shot("source")

	// CSRF: the same write without the form's token is refused.
	if s := post("write without CSRF token", "/web/reports/"+id+"/correct", url.Values{"code": {"t3.new.total"}, "value": {"1"}, "reason": {"x"}}); s != 403 {
		t.Errorf("correction without CSRF token: %d, want 403", s)
	}
	signOut()

	// An assessor dismisses a finding of 劳动镇 2022; the counts drop.
	signIn("tok-assessor")
	quality := base + "/dashboards/quality?county=" + url.QueryEscape("乐至县") + "&year=2022"
	countOf := func() string {
		run("quality page", chromedp.Navigate(quality))
		meta := text("quality count", "p.meta")
		n := regexp.MustCompile(`共 (\d+) 条`).FindStringSubmatch(meta)
		if n == nil {
			t.Fatalf("quality page says %q", meta)
		}
		return n[1]
	}
	qBefore := countOf()
	report := fmt.Sprintf("%s/web/reports/%d", base, e.ids[0])
	run("dismiss a finding", chromedp.Navigate(report), chromedp.WaitVisible(chromedp.CSS("#finding-1 .review-form")),
		chromedp.SendKeys(chromedp.CSS(`#finding-1 input[name="comment"]`), "正文数字为笔误，表格无误"),
		chromedp.Click(chromedp.CSS(`#finding-1 button[value="dismissed"]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if n := text("open count", "#open-count"); n != "1" {
		t.Errorf("open findings after the dismissal: %s, want 1", n)
	}
	if r := text("review note", "#finding-1 .review"); !strings.Contains(r, "已驳回") || !strings.Contains(r, "赵评估") {
		t.Errorf("review shown as %q", r)
	}
	shot("dismissed")
	if qAfter := countOf(); qAfter >= qBefore {
		t.Errorf("quality page count %s after the dismissal, was %s", qAfter, qBefore)
	}
	signOut()

	// A viewer sees no forms, and a write sent anyway is refused.
	signIn("tok-viewer")
	run("viewer's report page", chromedp.Navigate(page), chromedp.WaitVisible(chromedp.ID("findings")))
	forms, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#correct-form, .review-form, .undo-form").length`))
	if err != nil {
		t.Fatal(err)
	}
	if forms != 0 {
		t.Errorf("viewer sees %d write forms", forms)
	}
	csrf := get("viewer's token", chromedp.Value(chromedp.CSS(`input[name="csrf"]`)))
	if s := post("viewer corrects", "/web/reports/"+id+"/correct", url.Values{"csrf": {csrf}, "code": {"t3.new.total"}, "value": {"1"}, "reason": {"x"}}); s != 403 {
		t.Errorf("viewer's correction: %d, want 403", s)
	}
	signOut()
	shot("signed-out")
}

func mustAbs(t *testing.T, p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// chrome starts a headless Chromium for one test, closed with it; the test
// is skipped in -short mode or where no Chromium is installed.
func chrome(t *testing.T, timeout time.Duration) context.Context {
	return browsertest.Tab(t, timeout, 1280)
}
