package web_test

import (
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"nianbao/api"
	"nianbao/query"
	"nianbao/query/querytest"
	"nianbao/report"
	"nianbao/web"
)

// addrHeader lets the test speak from several client addresses over one
// loopback connection.
const addrHeader = "X-Test-Addr"

type fromAddr struct {
	addr string
	next http.RoundTripper
}

func (f fromAddr) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set(addrHeader, f.addr)
	return f.next.RoundTrip(r)
}

// TestOneAdmissionForUploadsAndChecks (issue 20): 预检 parses took no
// slot, so 12 at once all ran. Now 6 uploads and 6 预检 sent at once from
// one address run at most its share (2 of 4 slots); the others are
// answered 503 with Retry-After within a second; another address is
// still served meanwhile.
func TestOneAdmissionForUploadsAndChecks(t *testing.T) {
	gin.SetMode(gin.TestMode)
	st, _ := querytest.Seed(t)
	var running, most atomic.Int32
	started := make(chan string, 16)
	release := make(chan struct{})
	hold := api.ParserFunc(func(ctx context.Context, name string, data []byte) ([]*report.Report, error) {
		n := running.Add(1)
		defer running.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		started <- api.ClientOf(ctx)
		select {
		case <-release:
			return nil, api.NotReport{Err: io.EOF}
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	})
	bounded := api.Bound(hold, api.Options{MaxParses: 4, ParseWait: 500 * time.Millisecond})
	tokens := map[string]string{"tok-clerk": "王填报"}
	r := api.New(query.New(st), st, api.Options{Tokens: tokens, Users: people, Parser: bounded})
	web.Mount(r, query.New(st), st, web.Options{Users: people, Parser: bounded})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if a := req.Header.Get(addrHeader); a != "" {
			req.RemoteAddr = a + ":40000"
		}
		r.ServeHTTP(w, req)
	}))
	t.Cleanup(srv.Close)
	client := func(addr string) *browser {
		jar, _ := cookiejar.New(nil)
		e := &env{t: t, st: st, srv: srv}
		return &browser{e: e, c: &http.Client{Jar: jar, Transport: fromAddr{addr, http.DefaultTransport}}}
	}

	type answer struct {
		code       int
		retryAfter string
		took       time.Duration
	}
	answers := make(chan answer, 12)
	var wg sync.WaitGroup
	for i := range 12 {
		b := client("192.0.2.1")
		if i%2 == 0 {
			b.get("/web/check")
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			var resp *http.Response
			var err error
			if i%2 == 0 {
				resp, err = b.c.PostForm(srv.URL+"/web/check", url.Values{"text": {"某镇2023年报告"}, "csrf": {b.csrf}})
			} else {
				var body strings.Builder
				mw := multipart.NewWriter(&body)
				fw, _ := mw.CreateFormFile("file", "a.txt")
				io.WriteString(fw, "某镇2023年报告")
				mw.Close()
				req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/reports", strings.NewReader(body.String()))
				req.Header.Set("Content-Type", mw.FormDataContentType())
				req.Header.Set("Authorization", "Bearer tok-clerk")
				resp, err = b.c.Do(req)
			}
			if err != nil {
				t.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			answers <- answer{resp.StatusCode, resp.Header.Get("Retry-After"), time.Since(start)}
		}()
	}
	// Two run; the ten others are refused.
	for range 2 {
		select {
		case <-started:
		case <-time.After(10 * time.Second):
			t.Fatal("no parse started")
		}
	}
	for range 10 {
		select {
		case a := <-answers:
			if a.code != http.StatusServiceUnavailable || a.retryAfter == "" || a.took > 2*time.Second {
				t.Errorf("request over the address's share: %d, Retry-After %q, after %v; want 503 with Retry-After within 2 s", a.code, a.retryAfter, a.took)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("requests over the share were not answered")
		}
	}
	// Another address still gets a slot while the first holds its share.
	other := client("198.51.100.7")
	other.get("/web/check")
	wg.Add(1)
	go func() {
		defer wg.Done()
		code, _ := other.post("/web/check", url.Values{"text": {"另一个镇的报告"}}, true)
		answers <- answer{code: code}
	}()
	select {
	case who := <-started:
		if who != "198.51.100.7" {
			t.Errorf("started a parse for %q, want the other address", who)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("another address was not served while one held its share")
	}
	if m := most.Load(); m > 3 {
		t.Errorf("%d parses ran at once, want at most 2 of one address + 1 of the other", m)
	}
	close(release)
	wg.Wait()
	close(answers)
	for a := range answers {
		if a.code == http.StatusServiceUnavailable {
			t.Errorf("an admitted request answered 503")
		}
	}
}
