package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nianbao/assess"
	"nianbao/store"
)

// countySheet is a sheet whose findings cost 30 of 50 points.
const countySheet = "name: 县评分表\nbase: 50\nmax_per_rule: 30\ndeductions: {rule1_balance: 30, rule6_narrative: 30}\n" +
	"ratings:\n  - {min: 45, code: green, label: 绿}\n  - {min: 0, code: red, label: 红}\n"

// assessed is the composite and the sheet's name the API gives a county.
func (e *env) assessed(county, year string) (float64, string) {
	e.t.Helper()
	resp, err := http.Get(e.srv.URL + "/api/v1/assessment?" + url.Values{"county": {county}, "year": {year}}.Encode())
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var a struct {
		Composite float64 `json:"composite"`
		Sheet     string  `json:"sheet"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil || resp.StatusCode != 200 {
		e.t.Fatalf("assessment of %s: %d %v", county, resp.StatusCode, err)
	}
	return a.Composite, a.Sheet
}

// TestSheetFormSetsOneCounty: an admin stores a sheet through the page's
// form and chooses it for 乐至县: that county's score changes, 示范县's
// does not, and the choice survives closing and reopening the database.
// A bad sheet is refused with its line; a clerk cannot open the page.
func TestSheetFormSetsOneCounty(t *testing.T) {
	e := newEnv(t, false)
	for _, county := range []string{"乐至县", "示范县"} {
		if err := assess.RecheckCounty(context.Background(), e.st, county, 2019, 2023, nil); err != nil {
			t.Fatal(err)
		}
	}
	lezhi, _ := e.assessed("乐至县", "2022")
	shifan, _ := e.assessed("示范县", "2020")

	clerk := e.browser()
	clerk.signIn("tok-clerk")
	if code, _ := clerk.get("/web/sheets"); code != http.StatusForbidden {
		t.Errorf("a clerk opened the sheets page: %d", code)
	}
	b := e.browser()
	b.signIn("tok-admin")
	if code, body := b.get("/web/sheets"); code != 200 || !strings.Contains(body, assess.DefaultSheet().Name) {
		t.Fatalf("sheets page: %d\n%s", code, excerpt(body))
	}
	bad := "name: 县评分表\nbase: 50\nlevels: {county: 6, department: 2, twon: 2}\n"
	code, body := b.post("/web/sheets", url.Values{"body": {bad}}, true)
	if want := "粘贴的评分表 第3行第36列：levels 中的 twon 不是层级"; code != 400 || !strings.Contains(body, want) {
		t.Errorf("bad sheet: %d, want %q in\n%s", code, want, excerpt(body))
	}
	if !strings.Contains(body, "twon: 2") {
		t.Error("the refused text is not shown again for correcting")
	}
	if code, body := b.post("/web/sheets", url.Values{"body": {countySheet}}, true); code != 200 || !strings.Contains(body, "已存入评分表“县评分表”") {
		t.Fatalf("store: %d\n%s", code, excerpt(body))
	}
	if code, body := b.post("/web/sheets/assign", url.Values{"place": {"乐至县"}, "sheet": {"县评分表"}}, true); code != 200 || !strings.Contains(body, "乐至县今后使用评分表") {
		t.Fatalf("assign: %d\n%s", code, excerpt(body))
	}
	if got, name := e.assessed("乐至县", "2022"); got == lezhi || name != "县评分表" {
		t.Errorf("乐至县: %v by %q, before %v", got, name, lezhi)
	}
	if got, name := e.assessed("示范县", "2020"); got != shifan || name == "县评分表" {
		t.Errorf("示范县 changed: %v by %q, before %v", got, name, shifan)
	}

	// A restart: the database closed and opened again keeps the choice.
	e.srv.Close()
	path := e.st.Path()
	if err := e.st.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sheet, err := assess.SheetFor(context.Background(), st, "乐至县")
	if err != nil || sheet.Name != "县评分表" || sheet.SHA != store.SheetSHA([]byte(countySheet)) {
		t.Fatalf("after reopening: %+v %v", sheet, err)
	}
	a, err := assess.Assess(context.Background(), st, "乐至县", 2022, sheet)
	if err != nil || a.Composite == nil || *a.Composite == lezhi {
		t.Errorf("after reopening: composite %v %v, default %v", a.Composite, err, lezhi)
	}
}

// TestSheetPageInBrowser: in headless Chromium an admin pastes a sheet
// with a fault and sees its line, corrects it, stores it and chooses it
// for a county.
func TestSheetPageInBrowser(t *testing.T) {
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
	run("sign in", chromedp.Navigate(base+"/web/signin"), chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.SendKeys(chromedp.ID("token"), "tok-admin"), chromedp.Submit(chromedp.ID("token")),
		chromedp.WaitVisible(chromedp.ID("sheets-link")))
	run("bad sheet", chromedp.Click(chromedp.ID("sheets-link")), chromedp.WaitVisible(chromedp.ID("sheet-body")),
		chromedp.SetValue(chromedp.ID("sheet-body"), "name: 县评分表\nbase: 100\ncopy_threshold: 2\n"),
		chromedp.Click(chromedp.ID("sheet-save")), chromedp.WaitVisible(chromedp.CSS(".problem")))
	if got := text("the error", ".problem"); !strings.Contains(got, "第3行") || !strings.Contains(got, "copy_threshold") {
		t.Errorf("error shown: %q", got)
	}
	run("good sheet", chromedp.SetValue(chromedp.ID("sheet-body"), countySheet),
		chromedp.Click(chromedp.ID("sheet-save")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	// The list gets a 取消 button once a place has a sheet: the new page.
	run("assign", chromedp.SendKeys(chromedp.ID("place"), "乐至县"), chromedp.Click(chromedp.ID("sheet-assign")),
		chromedp.WaitVisible(chromedp.CSS("#assignments form")))
	if got := text("assignments", "#assignments tbody"); !strings.Contains(got, "乐至县") || !strings.Contains(got, "县评分表") {
		t.Errorf("assignments shown: %q", got)
	}
	if dir := os.Getenv("NIANBAO_SCREENSHOTS"); dir != "" {
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "sheets.png"), png, 0o644); err != nil {
			t.Error(err)
		}
	}
	if _, name := e.assessed("乐至县", "2022"); name != "县评分表" {
		t.Errorf("乐至县 is scored with %q", name)
	}
}
