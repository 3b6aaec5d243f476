package api_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"nianbao/api"
	"nianbao/ingest"
	"nianbao/query"
	"nianbao/query/querytest"
	"nianbao/report"
)

func TestNosniffOnEveryAnswer(t *testing.T) {
	s := newServer(t)
	for _, req := range []*http.Request{
		httptest.NewRequest(http.MethodGet, "/api/v1/health", nil),
		httptest.NewRequest(http.MethodGet, "/api/v1/reports?format=csv", nil),
		httptest.NewRequest(http.MethodGet, "/api/v1/reports?year=x", nil),
		httptest.NewRequest(http.MethodGet, "/api/v1/nowhere", nil),
		httptest.NewRequest(http.MethodDelete, "/api/v1/reports/1", nil),
		upload(t, "a.txt", []byte("x"), ""),
	} {
		w := s.do(req)
		if got := w.Header().Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s %s (%d): X-Content-Type-Options %q", req.Method, req.URL, w.Code, got)
		}
	}
}

func TestCSVFormulaEscaping(t *testing.T) {
	cases := []struct {
		in   any
		want string
	}{
		{"=HYPERLINK(\"http://x\",\"y\")", `"'=HYPERLINK(""http://x"",""y"")"`},
		{"+1", "'+1"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"},
		{"\rx", "\"'x\""}, // encoding/csv drops a lone CR when writing CRLF lines
		{"劳动镇", "劳动镇"},
		{"a=b", "a=b"},
		{-5.0, "-5"},
		{1.5, "1.5"},
	}
	for _, c := range cases {
		out := string(api.CSV([]query.Table{{Columns: []string{"v"}, Rows: [][]any{{c.in}}}}))
		got := strings.TrimSuffix(strings.SplitN(out, "\r\n", 2)[1], "\r\n")
		if got != c.want {
			t.Errorf("%q: CSV cell %q, want %q", c.in, got, c.want)
		}
	}
}

// TestCSVExportEscapesUploadedNames: an agency name an uploader chose
// reaches the clerk's Excel as text.
func TestCSVExportEscapesUploadedNames(t *testing.T) {
	s := newServer(t)
	if w := s.do(upload(t, "f.txt", []byte(`=1+2,乐至县,2023,3`), "Bearer "+token)); w.Code != 201 {
		t.Fatalf("upload: %d %s", w.Code, w.Body)
	}
	w := s.get("/api/v1/reports?format=csv&year=2023")
	if !strings.Contains(w.Body.String(), "'=1+2") || strings.Contains(w.Body.String(), ",=1+2") {
		t.Errorf("CSV holds the formula unescaped:\n%s", w.Body)
	}
}

func TestCorrectionValidation(t *testing.T) {
	s := newServer(t)
	id2021, id2019 := s.ids[0], s.ids[3] // 劳动镇 2022 (2021 edition), 城关镇 2020 (2019 edition)
	auth := "Bearer " + token
	only2021 := ""
	for c := range report.T3Codes(report.Edition2021) {
		if d, _ := report.Lookup(string(c)); len(d.Editions) == 1 && !d.Derived {
			only2021 = string(c)
			break
		}
	}
	if only2021 == "" {
		t.Fatal("no code printed only in the 2021 edition")
	}
	cases := []struct {
		name   string
		id     int64
		code   string
		body   string
		status int
		msg    string
	}{
		{"count", id2021, "t3.new.total", `{"value": 12, "reason": "原表笔误"}`, 200, ""},
		{"negative count", id2021, "t3.new.total", `{"value": -5, "reason": "x"}`, 400, "负数"},
		{"fractional count", id2021, "t3.new.total", `{"value": 1.5, "reason": "x"}`, 400, "整数"},
		{"beyond 2^53", id2021, "t3.new.total", `{"value": 9007199254740993, "reason": "x"}`, 400, "2^53"},
		{"far beyond 2^53", id2021, "t3.new.total", `{"value": 1e300, "reason": "x"}`, 400, "2^53"},
		{"2^53 itself", id2021, "t3.new.total", `{"value": 9007199254740992, "reason": "x"}`, 200, ""},
		{"amount with 6 decimals", id2021, "t2.fees.amount", `{"value": 1.123456, "reason": "x"}`, 200, ""},
		{"amount with 7 decimals", id2021, "t2.fees.amount", `{"value": 1.1234567, "reason": "x"}`, 400, "6 位小数"},
		{"negative amount", id2021, "t2.fees.amount", `{"value": -0.5, "reason": "x"}`, 400, "负数"},
		{"code of the other edition", id2019, only2021, `{"value": 1, "reason": "x"}`, 400, "不属于 2019 版"},
		{"not a number", id2021, "t3.new.total", `{"value": "many", "reason": "x"}`, 400, ""},
		{"reason too long", id2021, "t3.new.total", `{"value": 3, "reason": "` + strings.Repeat("长", api.MaxReasonRunes+1) + `"}`, 400, "最长"},
		{"body over the limit", id2021, "t3.new.total", `{"value": 3, "reason": "` + strings.Repeat("x", api.DefaultMaxBody) + `"}`, 413, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := s.do(put(fmt.Sprintf("/api/v1/reports/%d/cells/%s", c.id, c.code), c.body, auth))
			if w.Code != c.status || !strings.Contains(w.Body.String(), c.msg) {
				t.Errorf("%d %s, want %d with %q", w.Code, w.Body, c.status, c.msg)
			}
		})
	}
}

func TestReviewOfAMissingFinding(t *testing.T) {
	s := newServer(t)
	id := s.ids[0]
	w := s.do(put(fmt.Sprintf("/api/v1/reports/%d/findings/999999/review", id), `{"state": "dismissed", "comment": "x"}`, "Bearer "+token))
	want := fmt.Sprintf("没有这条问题：报告 %d 第 999999 条", id)
	if w.Code != 404 || !strings.Contains(w.Body.String(), want) {
		t.Errorf("%d %s, want 404 with %q", w.Code, w.Body, want)
	}
	w = s.do(put(fmt.Sprintf("/api/v1/reports/%d/findings/0/review", id), `{"state": "dismissed", "comment": "`+strings.Repeat("长", api.MaxReasonRunes+1)+`"}`, "Bearer "+token))
	if w.Code != 400 {
		t.Errorf("comment too long: %d %s", w.Code, w.Body)
	}
}

// TestUploadErrorsHideInternals: a 422 names the file and says what is
// wrong in Chinese, without the reader's library details.
func TestUploadErrorsHideInternals(t *testing.T) {
	st, _ := querytest.Seed(t)
	h := api.New(query.New(st), st, api.Options{
		Tokens: map[string]string{token: "x"},
		Parser: api.ParserFunc(func(ctx context.Context, name string, data []byte) ([]*report.Report, error) {
			if name == "internal.txt" {
				return nil, errors.New("flate: corrupt input before offset 5")
			}
			return ingest.ParseBytesContext(ctx, name, data, ingest.Meta{})
		}),
	})
	cases := []struct {
		file    string
		data    []byte
		want    string
		leakage []string
	}{
		{"broken.docx", []byte("PK\x03\x04 not a zip at all"), "zip", []string{"document.Read", "zip:"}},
		{"internal.txt", []byte("x"), "broken", nil},
		{"long.txt", []byte(strings.Repeat("1 | ", 40000)), "NIANBAO_MAX_LINE_BYTES", []string{"document.Read"}},
	}
	for _, c := range cases {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, upload(t, c.file, c.data, "Bearer "+token))
		body := w.Body.String()
		if w.Code != 422 || !strings.Contains(body, c.file) {
			t.Errorf("%s: %d %s, want 422 naming the file", c.file, w.Code, body)
		}
		if c.want != "broken" && !strings.Contains(body, c.want) {
			t.Errorf("%s: %s, want it to say %q", c.file, body, c.want)
		}
		for _, leak := range append(c.leakage, "flate", "offset", "/tmp/", "pdftotext:") {
			if strings.Contains(body, leak) {
				t.Errorf("%s: answer shows %q: %s", c.file, leak, body)
			}
		}
	}
}

// blockingParser parses nothing until released, telling when it starts,
// and reports when its context ended.
type blockingParser struct {
	started chan struct{}
	release chan struct{}
	ctxDone chan error
}

func newBlockingParser() *blockingParser {
	return &blockingParser{started: make(chan struct{}, 16), release: make(chan struct{}), ctxDone: make(chan error, 16)}
}

func (p *blockingParser) Parse(ctx context.Context, name string, data []byte) ([]*report.Report, error) {
	p.started <- struct{}{}
	select {
	case <-p.release:
		return fakeParser(ctx, name, data)
	case <-ctx.Done():
		p.ctxDone <- ctx.Err()
		return nil, ctx.Err()
	}
}

func TestConcurrentParsesBounded(t *testing.T) {
	st, _ := querytest.Seed(t)
	p := newBlockingParser()
	h := api.New(query.New(st), st, api.Options{Tokens: map[string]string{token: "x"}, Parser: p, MaxParses: 1, ParseWait: 100 * time.Millisecond})
	first := make(chan int, 1)
	go func() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, upload(t, "a.txt", []byte("甲镇,乐至县,2023,3"), "Bearer "+token))
		first <- w.Code
	}()
	<-p.started
	w := httptest.NewRecorder()
	h.ServeHTTP(w, upload(t, "b.txt", []byte("乙镇,乐至县,2023,3"), "Bearer "+token))
	if w.Code != 503 || w.Header().Get("Retry-After") == "" || w.Header().Get("Connection") != "close" {
		t.Errorf("second upload while one parses: %d, Retry-After %q, Connection %q; want 503 with both", w.Code, w.Header().Get("Retry-After"), w.Header().Get("Connection"))
	}
	close(p.release)
	if code := <-first; code != 201 {
		t.Errorf("first upload: %d", code)
	}
}

func TestParseDeadlineAndAbandonedClient(t *testing.T) {
	st, _ := querytest.Seed(t)
	p := newBlockingParser()
	h := api.New(query.New(st), st, api.Options{Tokens: map[string]string{token: "x"}, Parser: p, ParseTimeout: 200 * time.Millisecond})

	w := httptest.NewRecorder()
	h.ServeHTTP(w, upload(t, "slow.txt", []byte("x"), "Bearer "+token))
	if w.Code != 422 || !strings.Contains(w.Body.String(), "用时超过上限") {
		t.Errorf("parse past its deadline: %d %s", w.Code, w.Body)
	}
	if err := <-p.ctxDone; !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("parser's context ended with %v, want the deadline", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	req := upload(t, "gone.txt", []byte("x"), "Bearer "+token).WithContext(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		h.ServeHTTP(httptest.NewRecorder(), req)
	}()
	<-p.started
	<-p.started // the first request's start was read above only once
	cancel()
	select {
	case err := <-p.ctxDone:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("parser's context ended with %v, want canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Error("the parse went on after its client left")
	}
	wg.Wait()
}

func TestFilterLengthBounded(t *testing.T) {
	s := newServer(t)
	w := s.get("/api/v1/reports?county=" + strings.Repeat("县", api.MaxFilterRunes+1))
	if w.Code != 400 {
		t.Errorf("county of %d characters: %d", api.MaxFilterRunes+1, w.Code)
	}
}

// TestCacheBoundedUnderUniqueKeys: more distinct filters than the cache
// holds leave it at its bounds.
func TestCacheBoundedUnderUniqueKeys(t *testing.T) {
	st, _ := querytest.Seed(t)
	q := query.New(st)
	h := api.New(q, st, api.Options{})
	n := query.CacheEntries + 500
	for i := 0; i < n; i++ {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, fmt.Sprintf("/api/v1/reports?county=%s%06d", strings.Repeat("x", 80), i), nil))
		if w.Code != 200 {
			t.Fatalf("request %d: %d", i, w.Code)
		}
	}
	cs := q.CacheStats()
	t.Logf("after %d unique-key requests: %d entries, %d bytes", n, cs.Entries, cs.Bytes)
	if cs.Entries > query.CacheEntries || cs.Bytes > query.CacheBytes || cs.Entries == 0 {
		t.Errorf("cache %d entries, %d bytes; bounds %d, %d", cs.Entries, cs.Bytes, query.CacheEntries, query.CacheBytes)
	}
}

// TestWriteRateLimit: past its burst a client's writes get 429 with
// Retry-After (before the token is even checked); its reads and other
// clients' writes go on.
func TestWriteRateLimit(t *testing.T) {
	st, _ := querytest.Seed(t)
	h := api.New(query.New(st), st, api.Options{WritesPerMinute: 6})
	del := func(addr string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodDelete, "/api/v1/reports/999", nil)
		req.RemoteAddr = addr
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w
	}
	for i := 0; i < 5; i++ { // the burst: max(6/6, 5)
		if w := del("192.0.2.1:1000"); w.Code != 401 {
			t.Fatalf("write %d within the burst: %d", i+1, w.Code)
		}
	}
	w := del("192.0.2.1:1001")
	if w.Code != 429 || w.Header().Get("Retry-After") == "" {
		t.Errorf("write past the burst: %d, Retry-After %q; want 429 with it", w.Code, w.Header().Get("Retry-After"))
	}
	if w := del("192.0.2.2:1000"); w.Code != 401 {
		t.Errorf("another client's write: %d, want 401", w.Code)
	}
	req := httptest.NewRequest(http.MethodGet, "/api/v1/health", nil)
	req.RemoteAddr = "192.0.2.1:1002"
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Errorf("a read of the limited client: %d", rec.Code)
	}
}
