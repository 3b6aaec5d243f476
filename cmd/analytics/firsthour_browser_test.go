package main

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nianbao/internal/browsertest"
)

// TestFirstHourInChromium is issue 22's new user, in the browser alone:
// serve on a fresh data directory with the sample, follow the one-time
// link the log prints, add a clerk, and as the clerk 预检 a real report,
// upload it, correct a number by clicking it, open the number's source
// line, and download the county's bundle, which holds the report with the
// corrected number. NIANBAO_SCREENSHOTS=DIR keeps a screenshot of each
// step (firsthour-*.png).
func TestFirstHourInChromium(t *testing.T) {
	admin := browsertest.Tab(t, 3*time.Minute, 1400)
	sample, err := filepath.Abs(filepath.Join("..", "..", "data", "sample"))
	if err != nil {
		t.Fatal(err)
	}
	seed, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "corpus", "seed", "laodong-2022.txt"))
	if err == nil {
		_, err = os.Stat(seed)
	}
	if err != nil {
		t.Skipf("the real seed report is absent (../shared/corpus/seed): %v", err)
	}
	var logs logBuffer
	addr, stop := startServeSample(t, filepath.Join(t.TempDir(), "first.duckdb"), sample, &logs)
	defer stop()
	base := "http://" + addr
	link := firstLinkRe.FindStringSubmatch(logs.String())
	if link == nil {
		t.Fatalf("the first start printed no sign-in link:\n%s", logs.String())
	}

	dir := os.Getenv("NIANBAO_SCREENSHOTS")
	step := 0
	shoot := func(ctx context.Context, name string) {
		step++
		if dir == "" {
			return
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("firsthour-%d-%s.png", step, name)), png, 0o644); err != nil {
			t.Error(err)
		}
	}
	do := func(ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(ctx context.Context, sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("read %s: %v", sel, err)
		}
		return v
	}

	// The administrator follows the printed link and adds a clerk of 乐至县.
	do(admin, "open the printed link", chromedp.EmulateViewport(1400, 900), chromedp.Navigate(link[1]), chromedp.WaitVisible(chromedp.ID("person-form")))
	do(admin, "add a clerk", chromedp.SendKeys(chromedp.ID("person-name"), "劳动镇小王"),
		chromedp.SetValue(chromedp.ID("person-role"), "clerk"), chromedp.SendKeys(chromedp.ID("person-scope"), "乐至县"),
		chromedp.Click(chromedp.ID("person-add")), chromedp.WaitVisible(chromedp.ID("issued")))
	shoot(admin, "people")
	clerkLink, err := chromedp.Run(admin, chromedp.Value(chromedp.ID("issued-link")))
	if err != nil || !strings.Contains(clerkLink, "/web/signin/link/") {
		t.Fatalf("the clerk's link %q (%v)", clerkLink, err)
	}

	// The clerk, in a tab of its own (signing in replaces the session).
	clerk, cancelClerk := chromedp.NewContext(admin)
	defer cancelClerk()
	do(clerk, "the clerk signs in", chromedp.EmulateViewport(1400, 900), chromedp.Navigate(clerkLink), chromedp.WaitVisible(chromedp.ID("work-links")))

	// 预检 of the real report, then its upload: one verdict for both.
	do(clerk, "预检", chromedp.Navigate(base+"/web/check"), chromedp.WaitVisible(chromedp.ID("check-file")),
		chromedp.SetUploadFiles(chromedp.ID("check-file"), []string{seed}), chromedp.Click(chromedp.ID("check-button")),
		chromedp.WaitVisible(chromedp.ID("verdict")))
	checked := strings.TrimSpace(text(clerk, "#verdict"))
	shoot(clerk, "check")
	do(clerk, "upload", chromedp.Navigate(base+"/web/upload"), chromedp.WaitVisible(chromedp.ID("files")),
		chromedp.SetUploadFiles(chromedp.ID("files"), []string{seed}), chromedp.Click(chromedp.ID("upload-button")),
		chromedp.WaitVisible(chromedp.CSS("#results tbody tr")))
	row := text(clerk, "#results tbody tr")
	if !strings.Contains(row, "劳动镇") || !strings.Contains(row, "乐至县") || !strings.Contains(row, checked) {
		t.Fatalf("upload result %q: want 劳动镇, placed in 乐至县, verdict %s as 预检 gave", row, checked)
	}
	shoot(clerk, "upload")
	attr, err := chromedp.Run(clerk, chromedp.AttributeValue(chromedp.CSS(`#results tbody tr a[href^="/web/reports/"]`), "href"))
	href := attr.Value
	if err != nil || href == "" {
		t.Fatalf("no link to the stored report (%v)", err)
	}
	reportPath := strings.SplitN(href, "#", 2)[0]

	// Correct 本年新收申请 by clicking its number.
	cell := `#cell-t3\.new\.total`
	do(clerk, "open the report", chromedp.Navigate(base+reportPath), chromedp.WaitVisible(chromedp.CSS(cell+" a.fix")))
	was, err := strconv.ParseFloat(strings.TrimSpace(text(clerk, cell+" a.fix")), 64)
	if err != nil {
		t.Fatalf("t3.new.total reads %v", err)
	}
	corrected := strconv.FormatFloat(was+1, 'f', -1, 64)
	do(clerk, "click the number", chromedp.Click(chromedp.CSS(cell+" a.fix")), chromedp.WaitVisible(chromedp.ID("fix-value")),
		chromedp.Clear(chromedp.ID("fix-value")), chromedp.SendKeys(chromedp.ID("fix-value"), corrected),
		chromedp.SendKeys(chromedp.ID("fix-reason"), "与盖章原件核对"))
	shoot(clerk, "fix")
	do(clerk, "submit the correction", chromedp.SendKeys(chromedp.ID("fix-reason"), "\r"), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if got := strings.TrimSpace(text(clerk, cell+" .v")); got != corrected {
		t.Fatalf("after the correction the cell shows %q, want %s", got, corrected)
	}

	// Its source: the document at the cited line.
	do(clerk, "open the source", chromedp.Click(chromedp.CSS(cell+" a.srclink")), chromedp.WaitVisible(chromedp.CSS("#source-text li.hit")))
	if hit := text(clerk, "#source-text li.hit"); !strings.Contains(hit, strconv.FormatFloat(was, 'f', -1, 64)) {
		t.Errorf("the cited line %q does not hold the number as printed (%v)", hit, was)
	}
	shoot(clerk, "source")

	// The county's bundle, from the county page's link.
	county := url.QueryEscape("乐至县")
	do(clerk, "county page", chromedp.Navigate(base+"/dashboards/county?county="+county+"&year=2022"), chromedp.WaitVisible(chromedp.CSS("a[download]")))
	shoot(clerk, "county")
	attr, err = chromedp.Run(clerk, chromedp.AttributeValue(chromedp.CSS("a[download]"), "href"))
	bundle := attr.Value
	if err != nil || !strings.HasPrefix(bundle, "/api/v1/bundle?") {
		t.Fatalf("bundle link %q (%v)", bundle, err)
	}
	resp, err := http.Get(base + bundle)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("bundle: %d %s", resp.StatusCode, body)
	}
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("the bundle is no zip: %v", err)
	}
	var names []string
	official := false
	for _, f := range zr.File {
		names = append(names, f.Name)
		if strings.Contains(f.Name, "劳动镇") && strings.HasSuffix(f.Name, ".xlsx") {
			official = true
		}
	}
	if !official {
		t.Errorf("the bundle holds no workbook of 劳动镇: %v", names)
	}
}
