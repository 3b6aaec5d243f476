package dashboards

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"nianbao/query"
	"nianbao/query/querytest"
	"nianbao/report"
)

// TestPageCache: a page is built once per data generation and request;
// a browser holding its ETag gets 304; gzip when asked; any write builds
// it again; errors are never kept.
func TestPageCache(t *testing.T) {
	st, _ := querytest.Seed(t)
	q := query.New(st)
	h := &handler{q: q, pages: parsePages(), log: testLogger(t), cache: newPageCache()}
	builds := 0
	gin.SetMode(gin.TestMode)
	e := gin.New()
	e.GET("/p", h.cachePages, func(c *gin.Context) {
		builds++
		if c.Query("fail") != "" {
			h.fail(c, http.StatusBadRequest, "请求有误", nil)
			return
		}
		// Long enough to be gzipped.
		h.render(c, http.StatusOK, "error", page{Title: "t", Data: fmt.Sprintf("第 %d 次生成 %s", builds, strings.Repeat("数据", 600))})
	})
	do := func(path string, hdr map[string]string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		e.ServeHTTP(w, req)
		return w
	}

	first := do("/p?a=1", nil)
	if first.Code != 200 || !strings.Contains(first.Body.String(), "第 1 次生成") {
		t.Fatalf("first: %d %.80s", first.Code, first.Body)
	}
	etag := first.Header().Get("ETag")
	if etag == "" || first.Header().Get("Cache-Control") != "no-cache" || first.Header().Get("Content-Security-Policy") == "" {
		t.Fatalf("first: headers %v", first.Header())
	}
	cases := []struct {
		name   string
		path   string
		hdr    map[string]string
		status int
		builds int
		check  func(t *testing.T, w *httptest.ResponseRecorder)
	}{
		{"same request from the cache", "/p?a=1", nil, 200, 1, func(t *testing.T, w *httptest.ResponseRecorder) {
			if w.Body.String() != first.Body.String() || w.Header().Get("ETag") != etag {
				t.Error("cached page differs from the first")
			}
		}},
		{"browser holds the page", "/p?a=1", map[string]string{"If-None-Match": `"x", ` + etag}, 304, 1, func(t *testing.T, w *httptest.ResponseRecorder) {
			if w.Body.Len() != 0 {
				t.Errorf("304 with a body of %d bytes", w.Body.Len())
			}
		}},
		{"gzip", "/p?a=1", map[string]string{"Accept-Encoding": "br, gzip"}, 200, 1, func(t *testing.T, w *httptest.ResponseRecorder) {
			if w.Header().Get("Content-Encoding") != "gzip" {
				t.Fatalf("Content-Encoding %q", w.Header().Get("Content-Encoding"))
			}
			zr, err := gzip.NewReader(bytes.NewReader(w.Body.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			plain, _ := io.ReadAll(zr)
			if string(plain) != first.Body.String() || w.Body.Len() >= len(plain) {
				t.Errorf("gzipped body: %d bytes for %d, equal %v", w.Body.Len(), len(plain), string(plain) == first.Body.String())
			}
		}},
		{"gzip refused", "/p?a=1", map[string]string{"Accept-Encoding": "gzip;q=0"}, 200, 1, func(t *testing.T, w *httptest.ResponseRecorder) {
			if w.Header().Get("Content-Encoding") != "" {
				t.Error("gzip sent though refused")
			}
		}},
		{"another query string is another page", "/p?a=2", nil, 200, 2, nil},
		{"an error is not kept", "/p?fail=1", nil, 400, 3, nil},
		{"an error is not kept, again", "/p?fail=1", nil, 400, 4, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := do(tc.path, tc.hdr)
			if w.Code != tc.status || builds != tc.builds {
				t.Fatalf("status %d builds %d, want %d and %d", w.Code, builds, tc.status, tc.builds)
			}
			if tc.check != nil {
				tc.check(t, w)
			}
		})
	}

	// A write: the page is built again and the old ETag no longer matches.
	r := report.New("new.txt")
	r.Agency, r.County, r.Year, r.Edition, r.SHA256 = "新镇", "乐至县", 2023, report.Edition2021, "n"
	r.Set("t3.new.total", 1, report.Source{Raw: "1"})
	if _, err := st.Save(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	before := builds
	w := do("/p?a=1", map[string]string{"If-None-Match": etag})
	if w.Code != 200 || builds != before+1 || w.Header().Get("ETag") == etag {
		t.Errorf("after a write: status %d, builds %d→%d, ETag %s (was %s)", w.Code, before, builds, w.Header().Get("ETag"), etag)
	}
}
