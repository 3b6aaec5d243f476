package api_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"

	"nianbao/api"
	"nianbao/query"
	"nianbao/query/querytest"
	"nianbao/report"
	"nianbao/store"
)

func init() { gin.SetMode(gin.ReleaseMode) }

const token = "s3cret"

// fakeParser reads "agency,county,year,new" and fails on anything else.
func fakeParser(_ context.Context, name string, data []byte) ([]*report.Report, error) {
	var agency, county string
	var year int
	var nw float64
	parts := strings.Split(strings.TrimSpace(string(data)), ",")
	if string(data) == "panic" {
		panic("parser bug") // the server must answer 500, not die
	}
	if len(parts) != 4 {
		return nil, errors.New("不是年度报告")
	}
	agency, county = parts[0], parts[1]
	if _, err := jsonNumber(parts[2], &year); err != nil {
		return nil, err
	}
	if _, err := jsonNumber(parts[3], &nw); err != nil {
		return nil, err
	}
	r := report.New(name)
	r.Agency, r.County, r.Year, r.Edition, r.SHA256 = agency, county, year, report.Edition2021, "x"
	r.Set("t3.new.total", nw, report.Source{Line: 1, Raw: parts[3]})
	r.AddFinding(report.RuleMissing, report.SeverityWarning, "只有一个单元格")
	return []*report.Report{r}, nil
}

func jsonNumber(s string, v any) (any, error) { return v, json.Unmarshal([]byte(s), v) }

type server struct {
	t      *testing.T
	st     *store.Store
	ids    []int64
	h      http.Handler
	router routers.Router
}

func newServer(t *testing.T) *server {
	t.Helper()
	st, ids := querytest.Seed(t)
	h := api.New(query.New(st), st, api.Options{
		Tokens:    map[string]string{token: "县政务公开办"},
		Parser:    api.ParserFunc(fakeParser),
		MaxUpload: 1 << 10,
	})
	doc, _, err := api.Spec()
	if err != nil {
		t.Fatal(err)
	}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return &server{t: t, st: st, ids: ids, h: h, router: router}
}

func (s *server) do(req *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	s.h.ServeHTTP(w, req)
	return w
}

func (s *server) get(path string) *httptest.ResponseRecorder {
	return s.do(httptest.NewRequest(http.MethodGet, path, nil))
}

// validate checks a JSON answer against openapi.yaml.
func (s *server) validate(req *http.Request, w *httptest.ResponseRecorder) {
	s.t.Helper()
	if !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		return
	}
	route, params, err := s.router.FindRoute(req)
	if err != nil {
		s.t.Fatalf("%s %s: not in openapi.yaml: %v", req.Method, req.URL, err)
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, ExcludeRequestBody: true}}
	if w.Code < 300 {
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			s.t.Errorf("%s %s: request does not match openapi.yaml: %v", req.Method, req.URL, err)
		}
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: w.Code, Header: w.Header(),
		Options: &openapi3filter.Options{IncludeResponseStatus: true}}
	out.SetBodyBytes(w.Body.Bytes())
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		s.t.Errorf("%s %s: answer does not match openapi.yaml: %v\n%s", req.Method, req.URL, err, w.Body.String())
	}
}

func decode(t *testing.T, w *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
		t.Fatalf("not JSON (%v): %s", err, w.Body.String())
	}
	return m
}

// at walks a decoded JSON value: at(m, "rows", 0, "group").
func at(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			a, _ := v.([]any)
			if k >= len(a) {
				return "<missing>"
			}
			v = a[k]
		}
	}
	return v
}

func TestReadEndpoints(t *testing.T) {
	s := newServer(t)
	type check struct {
		path []any
		want any
	}
	cases := []struct {
		url    string
		status int
		checks []check
	}{
		{"/api/v1/health", 200, []check{{[]any{"status"}, "ok"}}},
		{"/api/v1/codes", 200, []check{{[]any{"codes", 0, "code"}, "t2.regulations.issued"}}},
		{"/api/v1/metrics", 200, []check{{[]any{"metrics", 0, "name"}, "applications.new"}}},
		{"/api/v1/reports", 200, []check{{[]any{"total"}, 4.0}, {[]any{"reports", 0, "agency"}, "劳动镇"}, {[]any{"reports", 0, "errors"}, 1.0}}},
		{"/api/v1/reports?year=2022&county=乐至县&limit=1&offset=1", 200, []check{{[]any{"total"}, 2.0}, {[]any{"reports", 0, "agency"}, "天池镇"}}},
		{"/api/v1/reports?has_findings=false", 200, []check{{[]any{"total"}, 2.0}}},
		{"/api/v1/reports?edition=2019&agency=城关镇", 200, []check{{[]any{"total"}, 1.0}, {[]any{"reports", 0, "synthetic"}, true}}},
		{"/api/v1/reports/1", 200, []check{{[]any{"cells", "t3.new.total"}, 10.0}, {[]any{"labels"}, nil}, {[]any{"sources"}, nil},
			{[]any{"findings", 0, "rule"}, report.RuleBalance}, {[]any{"published_on"}, "2023-01-20"}}},
		{"/api/v1/reports/1?labels=zh&sources=1", 200, []check{{[]any{"labels", "t3.new.total"}, report.Label("t3.new.total")},
			{[]any{"sources", "t3.new.total", "raw"}, "10"}}},
		{"/api/v1/cells?codes=t3.new.total", 200, []check{{[]any{"rows", 0, "group"}, "合计"}, {[]any{"rows", 0, "values", "t3.new.total"}, 20.0}}},
		{"/api/v1/cells?codes=t3.new.total&group_by=agency", 200, []check{{[]any{"rows", 0, "group"}, "劳动镇"}, {[]any{"rows", 0, "county"}, "乐至县"},
			{[]any{"rows", 0, "values", "t3.new.total"}, 14.0}, {[]any{"rows", 2, "values", "t3.new.total"}, 6.0}}},
		{"/api/v1/cells?codes=t3.new.total&group_by=county", 200, []check{{[]any{"rows", 1, "group"}, "示范县"}, {[]any{"rows", 1, "values", "t3.new.total"}, 6.0}}},
		{"/api/v1/cells?codes=t3.new.total,t2.regulations.issued&group_by=year", 200, []check{{[]any{"rows", 0, "group"}, "2020"},
			{[]any{"rows", 0, "values", "t2.regulations.issued"}, nil}, {[]any{"rows", 2, "values", "t3.new.total"}, 10.0}}},
		{"/api/v1/cells?codes=t3.new.total&group_by=edition", 200, []check{{[]any{"rows", 0, "group"}, "2019"}, {[]any{"rows", 1, "values", "t3.new.total"}, 14.0}}},
		{"/api/v1/cells?codes=t3.new.total&year=2022&county=乐至县&agency=天池镇", 200, []check{{[]any{"rows", 0, "values", "t3.new.total"}, 0.0}}},
		{"/api/v1/stats/applications?group_by=year", 200, []check{{[]any{"rows", 2, "new"}, 10.0}, {[]any{"rows", 2, "change"}, 6.0}, {[]any{"rows", 0, "change"}, nil}}},
		{"/api/v1/stats/applications?year=2022&group_by=agency", 200, []check{{[]any{"rows", 0, "previous_new"}, 4.0}, {[]any{"rows", 1, "change_rate"}, nil}}},
		{"/api/v1/stats/outcomes", 200, []check{{[]any{"rows", 0, "total"}, 20.0}, {[]any{"rows", 0, "disclosure_rate"}, 13.0 / 20}}},
		{"/api/v1/stats/outcomes?group_by=agency&year=2022", 200, []check{{[]any{"rows", 1, "group"}, "天池镇"}, {[]any{"rows", 1, "disclosure_rate"}, nil},
			{[]any{"rows", 0, "substantive_rate"}, 6.0 / 8}}},
		// 示范县's one report has no table 4: it has no row (not a row of zeros).
		{"/api/v1/stats/reviews?group_by=county", 200, []check{{[]any{"rows", 0, "reconsideration", "correction_rate"}, 0.5}, {[]any{"rows", 0, "without_table4"}, 1.0}}},
		{"/api/v1/stats/proactive?group_by=edition", 200, []check{{[]any{"rows", 0, "edition"}, "2019"}, {[]any{"rows", 1, "values", "t2.regulations.issued"}, 3.0}}},
		{"/api/v1/stats/compare?county=乐至县&year=2022&metric=applications.new", 200, []check{{[]any{"median"}, 5.0}, {[]any{"rows", 0, "rank"}, 1.0},
			{[]any{"rows", 1, "agency"}, "天池镇"}}},
		{"/api/v1/stats/compare?county=乐至县&year=2022", 200, []check{{[]any{"metric", "label"}, "公开率"}, {[]any{"rows", 1, "rank"}, nil}}},
		{"/api/v1/stats/findings", 200, []check{{[]any{"by_rule", 0, "rule"}, report.RuleNarrative}, {[]any{"by_group", 0, "errors"}, 1.0}}},
		{"/api/v1/stats/findings?group_by=year&has_findings=true", 200, []check{{[]any{"by_group", 0, "group"}, "2022"}}},
		// errors
		{"/api/v1/reports/999", 404, []check{{[]any{"error", "code"}, "not_found"}}},
		{"/api/v1/reports/abc", 400, []check{{[]any{"error", "code"}, "bad_request"}}},
		{"/api/v1/reports?year=二〇二二", 400, []check{{[]any{"error", "field"}, "year"}}},
		{"/api/v1/reports?edition=2020", 400, []check{{[]any{"error", "field"}, "edition"}}},
		{"/api/v1/cells?codes=t3.new.total,t9.x", 400, []check{{[]any{"error", "field"}, "codes"}, {[]any{"error", "valid", 0}, "t2.regulations.issued"}}},
		{"/api/v1/cells", 400, []check{{[]any{"error", "code"}, "bad_request"}}},
		{"/api/v1/stats/outcomes?group_by=town", 400, []check{{[]any{"error", "field"}, "group_by"}}},
		{"/api/v1/stats/outcomes?format=pdf", 400, []check{{[]any{"error", "field"}, "format"}}},
		{"/api/v1/stats/compare?county=乐至县&year=2022&metric=nope", 400, []check{{[]any{"error", "field"}, "metric"}}},
		{"/api/v1/stats/compare?year=2022", 400, []check{{[]any{"error", "code"}, "bad_request"}}},
		{"/api/v1/nothing", 404, []check{{[]any{"error", "code"}, "not_found"}}},
	}
	for _, c := range cases {
		t.Run(c.url, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, c.url, nil)
			w := s.do(req)
			if w.Code != c.status {
				t.Fatalf("status %d, want %d: %s", w.Code, c.status, w.Body.String())
			}
			m := decode(t, w)
			for _, ch := range c.checks {
				got := at(m, ch.path...)
				if gf, ok := got.(float64); ok {
					if wf, ok := ch.want.(float64); ok && gf-wf < 1e-9 && wf-gf < 1e-9 {
						continue
					}
				}
				if got != ch.want {
					t.Errorf("%v = %#v, want %#v", ch.path, got, ch.want)
				}
			}
			if c.status != 404 || strings.HasPrefix(c.url, "/api/v1/reports/") {
				s.validate(req, w)
			}
		})
	}
}

func TestUnknownCodeListsValidOnes(t *testing.T) {
	s := newServer(t)
	w := s.get("/api/v1/cells?codes=t3.nope")
	m := decode(t, w)
	valid, _ := at(m, "error", "valid").([]any)
	if w.Code != 400 || len(valid) != len(report.Cells()) || !strings.Contains(at(m, "error", "message").(string), "t3.nope") {
		t.Fatalf("%d %s", w.Code, w.Body.String())
	}
}

func TestExports(t *testing.T) {
	s := newServer(t)
	cases := []struct {
		url    string
		header []string // leading columns of the first table
		first  []string // first data row, leading cells
	}{
		{"/api/v1/reports", []string{"编号", "机关", "县（市、区）", "年度"}, []string{"1", "劳动镇", "乐至县", "2022"}},
		{"/api/v1/reports/1?layout=codes", []string{"代码", "项目", "数值"}, []string{"t2.regulations.issued", report.Label("t2.regulations.issued"), "2"}},
		{"/api/v1/cells?codes=t3.new.total&group_by=agency", []string{"县（市、区）", "机关", "报告数", report.Label("t3.new.total")}, []string{"乐至县", "劳动镇", "2", "14"}},
		{"/api/v1/stats/applications?group_by=year", []string{"年度", "报告数", "本年新收"}, []string{"2020", "1", "6"}},
		{"/api/v1/stats/outcomes?group_by=county", []string{"县（市、区）", "报告数", "总计", "予以公开"}, []string{"乐至县", "3", "14", "9"}},
		{"/api/v1/stats/reviews", []string{"范围", "报告数", "行政复议·维持"}, []string{"合计", "2", "1"}}, // two reports print table 4
		{"/api/v1/stats/proactive?group_by=edition", []string{"格式版本", "报告数", report.Label("t2.regulations.issued")}, []string{"2021", "3", "3"}},
		{"/api/v1/stats/compare?county=乐至县&year=2022&metric=t3.new.total", []string{"排名", "机关"}, []string{"1", "劳动镇", "10"}},
		{"/api/v1/stats/findings", []string{"规则", "规则名称", "级别"}, []string{report.RuleNarrative, report.RuleLabels[report.RuleNarrative], "警告"}},
	}
	for _, c := range cases {
		for _, format := range []string{"csv", "xlsx"} {
			t.Run(format+" "+c.url, func(t *testing.T) {
				sep := "?"
				if strings.Contains(c.url, "?") {
					sep = "&"
				}
				w := s.get(c.url + sep + "format=" + format)
				if w.Code != 200 {
					t.Fatalf("status %d: %s", w.Code, w.Body.String())
				}
				if !strings.Contains(w.Header().Get("Content-Disposition"), "attachment") {
					t.Errorf("Content-Disposition %q", w.Header().Get("Content-Disposition"))
				}
				var rows [][]string
				switch format {
				case "csv":
					body, ok := bytes.CutPrefix(w.Body.Bytes(), []byte("\ufeff"))
					if !ok {
						t.Fatal("CSV without byte-order mark")
					}
					r := csv.NewReader(bytes.NewReader(body))
					r.FieldsPerRecord = -1
					all, err := r.ReadAll()
					if err != nil {
						t.Fatal(err)
					}
					// Several tables: a title line first.
					if len(all) > 0 && len(all[0]) == 1 && len(c.header) > 1 {
						all = all[1:]
					}
					rows = all
				case "xlsx":
					f, err := excelize.OpenReader(bytes.NewReader(w.Body.Bytes()))
					if err != nil {
						t.Fatal(err)
					}
					defer f.Close()
					rows, err = f.GetRows(f.GetSheetList()[0])
					if err != nil {
						t.Fatal(err)
					}
				}
				if len(rows) < 2 {
					t.Fatalf("%d rows", len(rows))
				}
				for i, h := range c.header {
					if rows[0][i] != h {
						t.Errorf("header %d = %q, want %q", i, rows[0][i], h)
					}
				}
				for i, v := range c.first {
					if rows[1][i] != v {
						t.Errorf("row 1 col %d = %q, want %q", i, rows[1][i], v)
					}
				}
			})
		}
	}
}

func TestETagAndGzip(t *testing.T) {
	s := newServer(t)
	w := s.get("/api/v1/stats/outcomes?group_by=agency")
	etag := w.Header().Get("ETag")
	if w.Code != 200 || etag == "" {
		t.Fatalf("status %d etag %q", w.Code, etag)
	}
	req := httptest.NewRequest(http.MethodGet, "/api/v1/stats/outcomes?group_by=agency", nil)
	req.Header.Set("If-None-Match", etag)
	if w2 := s.do(req); w2.Code != http.StatusNotModified || w2.Body.Len() != 0 {
		t.Fatalf("If-None-Match: status %d, %d bytes", w2.Code, w2.Body.Len())
	}
	// A write changes the answer and so the tag.
	if err := s.st.Delete(context.Background(), s.ids[1]); err != nil {
		t.Fatal(err)
	}
	if w3 := s.do(req); w3.Code != 200 || w3.Header().Get("ETag") == etag {
		t.Fatalf("after a write: status %d etag %q", w3.Code, w3.Header().Get("ETag"))
	}
	req = httptest.NewRequest(http.MethodGet, "/api/v1/codes", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	w = s.do(req)
	if w.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q", w.Header().Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if !json.Valid(plain) || !bytes.Contains(plain, []byte("t3.new.total")) {
		t.Fatalf("gunzipped body: %.100s", plain)
	}
}

func upload(t *testing.T, name string, content []byte, auth string) *http.Request {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, "/api/v1/reports", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	return req
}

func TestWrites(t *testing.T) {
	s := newServer(t)
	count := func() int {
		var n int
		s.st.DB().QueryRow(`SELECT count(*) FROM reports`).Scan(&n)
		return n
	}
	cases := []struct {
		name    string
		req     *http.Request
		status  int
		code    string // error code, or "" on success
		reports int    // reports stored afterwards
	}{
		{"upload without token", upload(t, "a.txt", []byte("石湍镇,乐至县,2022,7"), ""), 401, "unauthorized", 4},
		{"upload with a wrong token", upload(t, "a.txt", []byte("石湍镇,乐至县,2022,7"), "Bearer nope"), 401, "unauthorized", 4},
		{"upload", upload(t, "a.txt", []byte("石湍镇,乐至县,2022,7"), "Bearer "+token), 201, "", 5},
		{"upload again replaces", upload(t, "a2.txt", []byte("石湍镇,乐至县,2022,8"), "Bearer "+token), 201, "", 5},
		{"unreadable", upload(t, "b.txt", []byte("hello"), "Bearer "+token), 422, "unreadable", 5},
		{"parser panic", upload(t, "p.txt", []byte("panic"), "Bearer "+token), 422, "unreadable", 5},
		{"too large", upload(t, "c.txt", bytes.Repeat([]byte("x"), 2<<10), "Bearer "+token), 413, "too_large", 5},
		{"no file field", httptest.NewRequest(http.MethodPost, "/api/v1/reports", strings.NewReader("x")), 401, "unauthorized", 5},
		{"delete without token", httptest.NewRequest(http.MethodDelete, "/api/v1/reports/1", nil), 401, "unauthorized", 5},
	}
	noField := httptest.NewRequest(http.MethodPost, "/api/v1/reports", strings.NewReader("x"))
	noField.Header.Set("Authorization", "Bearer "+token)
	del := httptest.NewRequest(http.MethodDelete, "/api/v1/reports/1", nil)
	del.Header.Set("Authorization", "Bearer "+token)
	delMissing := httptest.NewRequest(http.MethodDelete, "/api/v1/reports/1", nil)
	delMissing.Header.Set("Authorization", "Bearer "+token)
	cases = append(cases,
		struct {
			name    string
			req     *http.Request
			status  int
			code    string
			reports int
		}{"no file field with token", noField, 400, "bad_request", 5},
		struct {
			name    string
			req     *http.Request
			status  int
			code    string
			reports int
		}{"delete", del, 204, "", 4},
		struct {
			name    string
			req     *http.Request
			status  int
			code    string
			reports int
		}{"delete again", delMissing, 404, "not_found", 4},
	)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := s.do(c.req)
			if w.Code != c.status {
				t.Fatalf("status %d, want %d: %s", w.Code, c.status, w.Body.String())
			}
			if c.code != "" {
				if got := at(decode(t, w), "error", "code"); got != c.code {
					t.Errorf("error code %v, want %s", got, c.code)
				}
			}
			if w.Code != 204 {
				s.validate(c.req, w)
			}
			if n := count(); n != c.reports {
				t.Errorf("%d reports stored, want %d", n, c.reports)
			}
		})
	}
	// The re-upload replaced the first: one 石湍镇 report, new 8, one replaced version.
	w := s.get("/api/v1/reports?agency=石湍镇")
	m := decode(t, w)
	if at(m, "total") != 1.0 {
		t.Fatalf("石湍镇 reports: %s", w.Body.String())
	}
	id := at(m, "reports", 0, "id").(float64)
	w = s.get("/api/v1/reports/" + jsonInt(id))
	m = decode(t, w)
	if at(m, "cells", "t3.new.total") != 8.0 || at(m, "replaced_versions", 0, "source_file") != "a.txt" || at(m, "findings", 0, "rule") != report.RuleMissing {
		t.Fatalf("re-uploaded report: %s", w.Body.String())
	}
}

func jsonInt(f float64) string { b, _ := json.Marshal(int64(f)); return string(b) }

func TestUploadAnswer(t *testing.T) {
	s := newServer(t)
	w := s.do(upload(t, "a.txt", []byte("石湍镇,乐至县,2022,7"), "Bearer "+token))
	m := decode(t, w)
	if w.Code != 201 || at(m, "uploaded_by") != "县政务公开办" || at(m, "reports", 0, "report", "agency") != "石湍镇" ||
		at(m, "reports", 0, "report", "findings", 0, "severity") != "warning" || at(m, "reports", 0, "replaced") != false {
		t.Fatalf("%d %s", w.Code, w.Body.String())
	}
}

func TestLoadTokens(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "tokens")
	os.WriteFile(good, []byte("# who:token\n张三:abc\n\n李四: def \n"), 0o600)
	toks, err := api.LoadTokens(good)
	if err != nil || toks["abc"] != "张三" || toks["def"] != "李四" || len(toks) != 2 {
		t.Fatalf("%v %v", toks, err)
	}
	bad := filepath.Join(dir, "bad")
	os.WriteFile(bad, []byte("no-colon\n"), 0o600)
	if _, err := api.LoadTokens(bad); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Fatalf("bad file: %v", err)
	}
}

func TestOpenAPIServed(t *testing.T) {
	s := newServer(t)
	w := s.get("/api/v1/openapi.json")
	m := decode(t, w)
	if w.Code != 200 || !strings.HasPrefix(at(m, "openapi").(string), "3.") || at(m, "paths", "/cells") == nil {
		t.Fatalf("%d %.200s", w.Code, w.Body.String())
	}
}
