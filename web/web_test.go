package web_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"nianbao/api"
	"nianbao/dashboards"
	"nianbao/ingest"
	"nianbao/query"
	"nianbao/query/querytest"
	"nianbao/report"
	"nianbao/store"
	"nianbao/web"
)

// The people of the token file the tests sign in with.
var people = map[string]api.User{
	"tok-clerk":    {Name: "王填报", Role: api.RoleClerk},
	"tok-local":    {Name: "李镇办", Role: api.RoleClerk, Scope: "安岳县"},
	"tok-assessor": {Name: "赵评估", Role: api.RoleAssessor},
	"tok-viewer":   {Name: "钱查看", Role: api.RoleViewer},
	"tok-admin":    {Name: "孙管理", Role: api.RoleAdmin},
}

func parser(ctx context.Context, name string, data []byte) ([]*report.Report, error) {
	reports, err := ingest.ParseUpload(ctx, name, data, ingest.Meta{})
	if errors.Is(err, ingest.ErrNotReport) {
		err = api.NotReport{Err: err}
	}
	return reports, err
}

type env struct {
	t   *testing.T
	st  *store.Store
	ids []int64
	srv *httptest.Server
}

// newEnv serves the API and the pages over a store seeded with the
// reports of querytest (劳动镇 2022 first: two findings on t3.new.total).
func newEnv(t *testing.T, private bool) *env {
	t.Helper()
	gin.SetMode(gin.TestMode)
	st, ids := querytest.Seed(t)
	tokens := map[string]string{}
	for tok, u := range people {
		tokens[tok] = u.Name
	}
	q := query.New(st)
	r, uploads := api.NewServer(q, st, api.Options{Tokens: tokens, Users: people, Parser: api.ParserFunc(parser)})
	dashboards.Mount(r, q, dashboards.WithAssetsDir(t.TempDir()))
	site := web.Mount(r, q, st, web.Options{Users: people, Parser: api.ParserFunc(parser), Uploads: uploads})
	var h http.Handler = r
	if private {
		h = site.Gate(r)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &env{t: t, st: st, ids: ids, srv: srv}
}

// browser is a client with its own cookies, as one person's browser.
type browser struct {
	e    *env
	c    *http.Client
	csrf string
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e: e, c: &http.Client{Jar: jar}}
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// get fetches a page and keeps its CSRF token for the next form.
func (b *browser) get(path string) (int, string) {
	b.e.t.Helper()
	resp, err := b.c.Get(b.e.srv.URL + path)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if m := csrfRe.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	return resp.StatusCode, string(body)
}

// post sends a form with the page's CSRF token (unless withCSRF is false).
func (b *browser) post(path string, form url.Values, withCSRF bool) (int, string) {
	b.e.t.Helper()
	if withCSRF {
		form.Set("csrf", b.csrf)
	}
	resp, err := b.c.PostForm(b.e.srv.URL+path, form)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if m := csrfRe.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	return resp.StatusCode, string(body)
}

func (b *browser) signIn(token string) {
	b.e.t.Helper()
	b.get("/web/signin")
	code, body := b.post("/web/signin", url.Values{"token": {token}}, true)
	u, _ := url.Parse(b.e.srv.URL)
	signed := false
	for _, c := range b.c.Jar.Cookies(u) {
		signed = signed || c.Name == "nb_session"
	}
	if code != 200 || !signed {
		b.e.t.Fatalf("sign-in with %s: %d\n%s", token, code, excerpt(body))
	}
}

func (e *env) cell(id int64, code string) (float64, bool) {
	e.t.Helper()
	f, err := e.st.Get(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	v, ok := f.Cells[code]
	return v, ok
}

func TestSignInCookieAndSignOut(t *testing.T) {
	e := newEnv(t, false)
	b := e.browser()
	b.get("/web/signin")
	// A wrong token: the page says so in Chinese and no session starts.
	if code, body := b.post("/web/signin", url.Values{"token": {"nope"}}, true); code != 401 || !strings.Contains(body, "令牌不对") {
		t.Fatalf("wrong token: %d %s", code, body)
	}
	// The cookie as set: HttpOnly, SameSite=Strict, not Secure over plain HTTP.
	b.get("/web/signin")
	noFollow := &http.Client{Jar: b.c.Jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.PostForm(e.srv.URL+"/web/signin", url.Values{"token": {"tok-clerk"}, "csrf": {b.csrf}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "nb_session" {
			session = c
		}
	}
	if resp.StatusCode != http.StatusSeeOther || session == nil {
		t.Fatalf("sign-in: %d, cookies %v", resp.StatusCode, resp.Cookies())
	}
	if !session.HttpOnly || session.SameSite != http.SameSiteStrictMode || session.Secure || session.MaxAge <= 0 {
		t.Errorf("session cookie %+v: want HttpOnly, SameSite=Strict, not Secure over HTTP, with an expiry", session)
	}
	if code, body := b.get("/web/upload"); code != 200 || !strings.Contains(body, "王填报") {
		t.Fatalf("upload page after sign-in: %d", code)
	}
	if code, body := b.post("/web/signout", url.Values{}, true); code != 200 || !strings.Contains(body, "令牌") {
		t.Fatalf("sign-out: %d %s", code, body)
	}
	// Signed out: the upload page sends to sign-in again.
	if _, body := b.get("/web/upload"); !strings.Contains(body, `id="signin-form"`) {
		t.Error("after sign-out the upload page is still open")
	}
}

// TestRefusals: forms without the CSRF token, and people whose role does
// not allow a write, are refused, and nothing changes.
func TestRefusals(t *testing.T) {
	e := newEnv(t, false)
	id := e.ids[0]
	before, _ := e.cell(id, "t3.new.total")
	cases := []struct {
		name     string
		token    string // "" = not signed in
		path     string
		form     url.Values
		withCSRF bool
		status   int
		says     string
	}{
		{"correction without CSRF token", "tok-clerk", "/correct", url.Values{"code": {"t3.new.total"}, "value": {"11"}, "reason": {"核对原件"}}, false, 403, "安全令牌"},
		{"review without CSRF token", "tok-assessor", "/review", url.Values{"index": {"0"}, "state": {"dismissed"}, "comment": {"x"}}, false, 403, "安全令牌"},
		{"viewer corrects", "tok-viewer", "/correct", url.Values{"code": {"t3.new.total"}, "value": {"11"}, "reason": {"核对原件"}}, true, 403, "无权更正数字"},
		{"viewer reviews", "tok-viewer", "/review", url.Values{"index": {"0"}, "state": {"dismissed"}, "comment": {"x"}}, true, 403, "无权复核问题"},
		{"clerk reviews", "tok-clerk", "/review", url.Values{"index": {"0"}, "state": {"dismissed"}, "comment": {"x"}}, true, 403, "无权复核问题"},
		{"assessor corrects", "tok-assessor", "/correct", url.Values{"code": {"t3.new.total"}, "value": {"11"}, "reason": {"x"}}, true, 403, "无权更正数字"},
		{"clerk of another county", "tok-local", "/correct", url.Values{"code": {"t3.new.total"}, "value": {"11"}, "reason": {"x"}}, true, 403, "只能修改安岳县的报告"},
		{"not signed in", "", "/correct", url.Values{"code": {"t3.new.total"}, "value": {"11"}, "reason": {"x"}}, true, 401, "需要先登录"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := e.browser()
			if tc.token != "" {
				b.signIn(tc.token)
			}
			b.get(fmt.Sprintf("/web/reports/%d", id))
			code, body := b.post(fmt.Sprintf("/web/reports/%d%s", id, tc.path), tc.form, tc.withCSRF)
			if code != tc.status || !strings.Contains(body, tc.says) {
				t.Errorf("got %d, want %d saying %q:\n%s", code, tc.status, tc.says, excerpt(body))
			}
		})
	}
	if after, _ := e.cell(id, "t3.new.total"); after != before {
		t.Errorf("t3.new.total changed from %v to %v by refused writes", before, after)
	}
	f, _ := e.st.Get(context.Background(), id)
	for _, fd := range f.Findings {
		if fd.Review != "" {
			t.Errorf("finding %s reviewed by a refused write", fd.Rule)
		}
	}
	// The API refuses a viewer's bearer token the same way.
	req, _ := http.NewRequest(http.MethodPut, fmt.Sprintf("%s/api/v1/reports/%d/cells/t3.new.total", e.srv.URL, id), strings.NewReader(`{"value": 11, "reason": "x"}`))
	req.Header.Set("Authorization", "Bearer tok-viewer")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("API correction with a viewer's token: %d, want 403", resp.StatusCode)
	}
}

// excerpt keeps the part of a page that says what went wrong.
func excerpt(body string) string {
	if i := strings.Index(body, "<main>"); i >= 0 {
		body = body[i:]
	}
	if len(body) > 600 {
		body = body[:600]
	}
	return body
}

// only2019 is a cell code printed in the 2019 edition only.
func only2019(t *testing.T) string {
	for _, d := range report.Cells() {
		if len(d.Editions) == 1 && d.Editions[0] == report.Edition2019 {
			return d.Code
		}
	}
	t.Fatal("no cell of the 2019 edition only")
	return ""
}

func TestBadCorrectionsRefusedInChinese(t *testing.T) {
	e := newEnv(t, false)
	id := e.ids[0] // 2021 edition
	b := e.browser()
	b.signIn("tok-clerk")
	cases := []struct{ code, value, says string }{
		{"t3.new.total", "-3", "不能为负数"},
		{"t3.new.total", "2.5", "应为非负整数"},
		{"t3.new.total", "三", "应为数字"},
		{only2019(t), "1", "不属于 2021 版表格"},
		{"t3.new.total", "12", "理由"}, // no reason
	}
	for _, tc := range cases {
		t.Run(tc.code+"="+tc.value, func(t *testing.T) {
			b.get(fmt.Sprintf("/web/reports/%d", id))
			form := url.Values{"code": {tc.code}, "value": {tc.value}, "reason": {"核对原件"}}
			if tc.says == "理由" {
				form.Set("reason", "")
			}
			code, body := b.post(fmt.Sprintf("/web/reports/%d/correct", id), form, true)
			if code != 400 || !strings.Contains(body, tc.says) {
				t.Errorf("got %d, want 400 saying %q:\n%s", code, tc.says, excerpt(body))
			}
		})
	}
	if v, _ := e.cell(id, "t3.new.total"); v != 10 {
		t.Errorf("t3.new.total = %v after refused corrections, want 10", v)
	}
	// An amount in 万元 may have decimals.
	b.get(fmt.Sprintf("/web/reports/%d", id))
	if code, body := b.post(fmt.Sprintf("/web/reports/%d/correct", id), url.Values{"code": {"t2.fees.amount"}, "value": {"1.25"}, "reason": {"核对原件"}}, true); code != 200 || !strings.Contains(body, "已更正") {
		t.Errorf("amount with decimals: %d %s", code, excerpt(body))
	}
	if v, _ := e.cell(id, "t2.fees.amount"); v != 1.25 {
		t.Errorf("t2.fees.amount = %v, want 1.25", v)
	}
}

func TestCorrectUndoAndReviewAudited(t *testing.T) {
	e := newEnv(t, false)
	id := e.ids[0]
	page := fmt.Sprintf("/web/reports/%d", id)
	clerk := e.browser()
	clerk.signIn("tok-clerk")
	clerk.get(page)
	code, body := clerk.post(page+"/correct", url.Values{"code": {"t3.new.total"}, "value": {"12"}, "reason": {"原件为12件"}}, true)
	if code != 200 || !strings.Contains(body, "已更正") || !strings.Contains(body, "原件为12件") || !strings.Contains(body, "王填报") {
		t.Fatalf("correction: %d %s", code, excerpt(body))
	}
	if v, _ := e.cell(id, "t3.new.total"); v != 12 {
		t.Fatalf("t3.new.total = %v after the correction, want 12", v)
	}
	code, body = clerk.post(page+"/undo", url.Values{"code": {"t3.new.total"}, "reason": {"改错了"}}, true)
	if code != 200 || !strings.Contains(body, "已撤销") {
		t.Fatalf("undo: %d %s", code, excerpt(body))
	}
	if v, _ := e.cell(id, "t3.new.total"); v != 10 {
		t.Errorf("t3.new.total = %v after the undo, want the parsed 10", v)
	}
	// Undoing again: nothing to undo.
	if code, body := clerk.post(page+"/undo", url.Values{"code": {"t3.new.total"}, "reason": {"再撤"}}, true); code != 404 || !strings.Contains(body, "没有可撤销的更正") {
		t.Errorf("second undo: %d %s", code, excerpt(body))
	}

	assessor := e.browser()
	assessor.signIn("tok-assessor")
	_, body = assessor.get(page)
	open := regexp.MustCompile(`id="open-count">(\d+)<`).FindStringSubmatch(body)
	if open == nil || open[1] != "2" {
		t.Fatalf("open findings before the review: %v", open)
	}
	code, body = assessor.post(page+"/review", url.Values{"index": {"1"}, "state": {"dismissed"}, "comment": {"正文为笔误"}}, true)
	if code != 200 || !strings.Contains(body, "已驳回") || !strings.Contains(body, `id="open-count">1<`) || !strings.Contains(body, "赵评估") {
		t.Fatalf("dismissal: %d %s", code, excerpt(body))
	}

	entries, err := e.st.Audit(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range entries {
		got = append(got, a.Action+":"+a.Author)
	}
	want := "correct:王填报 undo:王填报 review:赵评估"
	if strings.Join(got, " ") != want {
		t.Errorf("audit log %v, want %s", got, want)
	}
}

func TestAuditPageNewestFirstFilteredPaged(t *testing.T) {
	e := newEnv(t, false)
	ctx := context.Background()
	// 120 corrections (alternating two values so each is a change) and a review.
	for i := range 120 {
		if _, err := e.st.Correct(ctx, e.ids[0], "t3.new.total", float64(20+i), fmt.Sprintf("第%d次", i+1), "王填报"); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.st.ReviewFinding(ctx, e.ids[0], 0, "confirmed", "属实", "赵评估"); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	rowRe := regexp.MustCompile(`<tr><td>(\d+)</td>`)
	cases := []struct {
		query      string
		total      string
		first      string // seq of the first row
		rows       int
		prev, next bool
	}{
		{"", "121", "121", 50, false, true},
		{"?page=2", "121", "71", 50, true, true},
		{"?page=3", "121", "21", 21, true, false},
		{"?action=review", "1", "121", 1, false, false},
		{"?author=%E7%8E%8B%E5%A1%AB%E6%8A%A5&page=3", "120", "20", 20, true, false},
		{"?county=%E5%AE%89%E5%B2%B3%E5%8E%BF", "0", "", 0, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			code, body := b.get("/web/audit" + tc.query)
			if code != 200 {
				t.Fatalf("%d", code)
			}
			if !strings.Contains(body, `id="audit-total">`+tc.total+`<`) {
				t.Errorf("total not %s", tc.total)
			}
			rows := rowRe.FindAllStringSubmatch(body, -1)
			if len(rows) != tc.rows {
				t.Fatalf("%d rows, want %d", len(rows), tc.rows)
			}
			if tc.rows > 0 && rows[0][1] != tc.first {
				t.Errorf("first row seq %s, want %s", rows[0][1], tc.first)
			}
			if strings.Contains(body, `id="audit-prev"`) != tc.prev || strings.Contains(body, `id="audit-next"`) != tc.next {
				t.Errorf("prev/next links wrong")
			}
		})
	}
	code, csvBody := b.get("/web/audit?format=csv&action=correct")
	lines := strings.Split(strings.TrimSpace(csvBody), "\n")
	if code != 200 || !strings.HasPrefix(csvBody, "\ufeff序号") || len(lines) != 121 || !strings.Contains(lines[1], "第120次") {
		t.Errorf("CSV: %d, %d lines, first data line %q", code, len(lines), lines[min(1, len(lines)-1)])
	}
	resp, err := b.c.Get(e.srv.URL + "/web/audit?format=xlsx")
	if err != nil {
		t.Fatal(err)
	}
	xb, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(string(xb), "PK") {
		t.Errorf("XLSX: %d, starts %q", resp.StatusCode, xb[:min(4, len(xb))])
	}
}

func TestUploadSeveralFiles(t *testing.T) {
	e := newEnv(t, false)
	b := e.browser()
	b.signIn("tok-clerk")
	b.get("/web/upload")
	var buf strings.Builder
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", b.csrf)
	for _, name := range []string{"fengtang-2022.txt", "liuba-2022.txt", "jiedu.txt", "fengtang-2022.txt", "fengtang-2022-v2.txt"} {
		data, err := os.ReadFile(filepath.Join("testdata", strings.TrimSuffix(name, "-v2.txt")+map[bool]string{true: ".txt"}[strings.HasSuffix(name, "-v2.txt")]))
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(name, "-v2.txt") {
			// The office republished the report with one more sentence.
			data = append(data, []byte("\n本报告于2023年3月1日更新。\n")...)
		}
		w, _ := mw.CreateFormFile("files", name)
		w.Write(data)
	}
	mw.Close()
	resp, err := b.c.Post(e.srv.URL+"/web/upload", mw.FormDataContentType(), strings.NewReader(buf.String()))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	rows := regexp.MustCompile(`<tr class="state-(\w+)"><td class="label">([^<]+)</td>(?s:.*?)<td class="label">([^<]*)</td></tr>`).FindAllStringSubmatch(string(body), -1)
	var got []string
	for _, r := range rows {
		got = append(got, r[2]+"="+r[1])
		if r[1] == "failed" {
			t.Logf("%s failed: %s", r[2], r[3])
		}
	}
	want := "fengtang-2022.txt=stored liuba-2022.txt=stored jiedu.txt=not_report fengtang-2022.txt=unchanged fengtang-2022-v2.txt=new_version"
	if resp.StatusCode != 200 || strings.Join(got, " ") != want {
		t.Fatalf("upload: %d rows %v, want %s\n%s", resp.StatusCode, got, want, excerpt(string(body)))
	}
	links := regexp.MustCompile(`href="/web/reports/(\d+)"`).FindAllStringSubmatch(string(body), -1)
	if len(links) != 4 {
		t.Fatalf("%d report links, want 4", len(links))
	}
	// Each stored report's row carries its verdict, the one its page gives.
	verdicts := regexp.MustCompile(`href="/web/reports/(\d+)#findings" class="\w+">([^<]+)</a><br><small>错误 (\d+) 条，提醒 (\d+) 条</small>`).FindAllStringSubmatch(string(body), -1)
	if len(verdicts) != 4 {
		t.Fatalf("%d verdicts in the results, want 4\n%s", len(verdicts), excerpt(string(body)))
	}
	for _, v := range verdicts {
		if _, page := b.get("/web/reports/" + v[1]); !strings.Contains(page, v[2]) {
			t.Errorf("report %s: upload says %s, its page does not", v[1], v[2])
		}
	}
	if code, page := b.get("/web/reports/" + links[0][1]); code != 200 || !strings.Contains(page, "凤塘镇") {
		t.Errorf("linked report page: %d", code)
	}
}

func TestCheckStoresNothing(t *testing.T) {
	e := newEnv(t, false)
	text, err := os.ReadFile(filepath.Join("testdata", "fengtang-2022.txt"))
	if err != nil {
		t.Fatal(err)
	}
	before, _ := e.st.Audit(context.Background(), 10)
	cases := []struct {
		name, text, verdict string
		status              int
	}{
		{"as published", string(text), "可以发布", 200},
		{"empty", "   ", "", 400},
		{"not a report", "关于做好春节期间值班工作的通知", "", 422},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := e.browser()
			b.get("/web/check")
			code, body := b.post("/web/check", url.Values{"text": {tc.text}}, true)
			if code != tc.status {
				t.Fatalf("%d, want %d: %s", code, tc.status, excerpt(body))
			}
			if tc.verdict != "" && !strings.Contains(body, `id="verdict">`+tc.verdict) {
				t.Errorf("verdict not %s: %s", tc.verdict, excerpt(body))
			}
			if tc.status == 200 && !strings.Contains(body, `id="cell-t3.new.total"`) || tc.status == 200 && !regexp.MustCompile(`第 \d+ 行`).MatchString(body) {
				t.Errorf("tables with source places missing")
			}
		})
	}
	list, err := query.New(e.st).Reports(context.Background(), query.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	after, _ := e.st.Audit(context.Background(), 10)
	if n := list.Total; n != len(e.ids) || len(after) != len(before) {
		t.Errorf("预检 stored something: %d reports (want %d), %d audit entries (want %d)", n, len(e.ids), len(after), len(before))
	}
}

func TestPrivateReads(t *testing.T) {
	e := newEnv(t, true)
	b := e.browser()
	if _, body := b.get("/dashboards/"); !strings.Contains(body, `id="signin-form"`) {
		t.Error("private server shows the dashboards to a visitor not signed in")
	}
	resp, err := http.Get(e.srv.URL + "/api/v1/reports")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("API read without a token: %d, want 401", resp.StatusCode)
	}
	b.signIn("tok-viewer")
	if code, body := b.get("/web/audit"); code != 200 || !strings.Contains(body, "审计日志") {
		t.Errorf("signed-in viewer: %d", code)
	}
}

// upload sends one file through the upload form and returns the report id.
func (b *browser) upload(path string) string {
	b.e.t.Helper()
	b.get("/web/upload")
	data, err := os.ReadFile(path)
	if err != nil {
		b.e.t.Fatal(err)
	}
	var buf strings.Builder
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", b.csrf)
	w, _ := mw.CreateFormFile("files", filepath.Base(path))
	w.Write(data)
	mw.Close()
	resp, err := b.c.Post(b.e.srv.URL+"/web/upload", mw.FormDataContentType(), strings.NewReader(buf.String()))
	if err != nil {
		b.e.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`href="/web/reports/(\d+)"`).FindStringSubmatch(string(body))
	if m == nil {
		b.e.t.Fatalf("upload of %s stored nothing:\n%s", path, excerpt(string(body)))
	}
	return m[1]
}

// TestSourceViewer: a cell opens the stored document at the line it was
// read from; a PDF's cited page is rendered beside the text.
func TestSourceViewer(t *testing.T) {
	e := newEnv(t, false)
	b := e.browser()
	b.signIn("tok-clerk")
	cases := []struct {
		file string
		pdf  bool
	}{
		{filepath.Join("testdata", "fengtang-2022.txt"), false},
		{filepath.Join("..", "..", "shared", "corpus", "peer", "hzq2023_working.pdf"), true},
	}
	for _, tc := range cases {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			id := b.upload(tc.file)
			src, body := b.sourceAtLine(t, id)
			if !tc.pdf {
				return
			}
			img := regexp.MustCompile(`<img src="(/web/sources/[0-9a-f]{64}/page/(\d+)\.png)"`).FindStringSubmatch(body)
			if img == nil || img[2] != strconv.Itoa(src.Page) {
				t.Fatalf("no page image for page %d", src.Page)
			}
			resp, err := b.c.Get(e.srv.URL + img[1])
			if err != nil {
				t.Fatal(err)
			}
			png, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !bytes.HasPrefix(png, []byte("\x89PNG")) {
				t.Errorf("page image: %d, %d bytes", resp.StatusCode, len(png))
			}
		})
	}
}

var hitRe = regexp.MustCompile(`<li id="line-(\d+)" class="hit" value="\d+">([^<]*)</li>`)

// sourceAtLine opens the source page of report id at t3.new.total and
// checks that the highlighted line is the one the cell was read from.
func (b *browser) sourceAtLine(t *testing.T, id string) (report.Source, string) {
	t.Helper()
	n, _ := strconv.ParseInt(id, 10, 64)
	f, err := b.e.st.Get(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	src, ok := f.Sources["t3.new.total"]
	if !ok || src.Line == 0 {
		t.Fatalf("t3.new.total has no source line: %+v", src)
	}
	code, body := b.get("/web/reports/" + id + "/source?code=t3.new.total")
	if code != 200 {
		t.Fatalf("source page: %d %s", code, excerpt(body))
	}
	hit := hitRe.FindStringSubmatch(body)
	if hit == nil || hit[1] != strconv.Itoa(src.Line) || !strings.Contains(html.UnescapeString(hit[2]), strings.TrimSpace(src.Raw)) {
		t.Errorf("highlighted line %v, want line %d holding %q", hit, src.Line, src.Raw)
	}
	if strings.Contains(body, "/tmp/") || strings.Contains(body, "testdata/") || strings.Contains(body, "corpus/") {
		t.Error("the page shows a path on the server")
	}
	return src, body
}
