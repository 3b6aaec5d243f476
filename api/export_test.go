package api_test

import (
	"archive/tar"
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"nianbao/api"
	"nianbao/query"
	"nianbao/query/querytest"
)

func exportRequest(addr, etag string) *http.Request {
	req := httptest.NewRequest(http.MethodGet, "/api/v1/export/parquet", nil)
	req.RemoteAddr = addr + ":40000"
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	return req
}

// TestParquetExportOncePerGeneration: eight concurrent calls run one
// export and get the same bytes; a client holding the ETag gets 304; a
// write makes a new export; a ninth call from one address in a minute
// gets 429 with Retry-After.
func TestParquetExportOncePerGeneration(t *testing.T) {
	st, ids := querytest.Seed(t)
	h := api.New(query.New(st), st, api.Options{Tokens: map[string]string{token: "县政务公开办"}, ExportDir: t.TempDir()})
	before := api.ExportRuns()

	var wg sync.WaitGroup
	answers := make([]*httptest.ResponseRecorder, 8)
	for i := range answers {
		wg.Go(func() {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, exportRequest("192.0.2."+strconv.Itoa(i+1), ""))
			answers[i] = w
		})
	}
	wg.Wait()
	if runs := api.ExportRuns() - before; runs != 1 {
		t.Errorf("8 concurrent calls ran %d exports, want 1", runs)
	}
	etag := answers[0].Header().Get("ETag")
	for i, w := range answers {
		if w.Code != http.StatusOK || w.Header().Get("ETag") != etag || !bytes.Equal(w.Body.Bytes(), answers[0].Body.Bytes()) {
			t.Fatalf("call %d: %d, ETag %q (first %q), %d bytes (first %d)", i, w.Code, w.Header().Get("ETag"), etag, w.Body.Len(), answers[0].Body.Len())
		}
	}
	if etag == "" {
		t.Fatal("no ETag")
	}
	tr := tar.NewReader(bytes.NewReader(answers[0].Body.Bytes()))
	files := 0
	for {
		hd, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("tar: %v", err)
		}
		if !strings.HasSuffix(hd.Name, ".parquet") || !strings.HasPrefix(hd.Name, "year=") {
			t.Errorf("unexpected member %q", hd.Name)
		}
		files++
	}
	if files == 0 {
		t.Fatal("the tar holds no parquet file")
	}

	w := httptest.NewRecorder()
	h.ServeHTTP(w, exportRequest("192.0.2.1", etag))
	if w.Code != http.StatusNotModified || w.Body.Len() != 0 {
		t.Errorf("If-None-Match with the ETag: %d and %d bytes, want 304 and none", w.Code, w.Body.Len())
	}
	if runs := api.ExportRuns() - before; runs != 1 {
		t.Errorf("after the 304: %d exports, want 1", runs)
	}

	// A write is a new generation: a new export, a new ETag.
	req := httptest.NewRequest(http.MethodPut, "/api/v1/reports/"+strconv.FormatInt(ids[0], 10)+"/cells/t3.new.total",
		strings.NewReader(`{"value": 12345, "reason": "导出测试：改一个数"}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	w = httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		t.Fatalf("correction: %d %s", w.Code, w.Body)
	}
	w = httptest.NewRecorder()
	h.ServeHTTP(w, exportRequest("192.0.2.2", etag))
	if w.Code != http.StatusOK || w.Header().Get("ETag") == etag {
		t.Errorf("after a write: %d, ETag %q (was %q); want 200 and a new ETag", w.Code, w.Header().Get("ETag"), etag)
	}
	if runs := api.ExportRuns() - before; runs != 2 {
		t.Errorf("after a write: %d exports, want 2", runs)
	}

	// 192.0.2.3 has made one call: five more pass, the seventh is refused.
	for i := range 6 {
		w = httptest.NewRecorder()
		h.ServeHTTP(w, exportRequest("192.0.2.3", ""))
		if want := i < 5; (w.Code == http.StatusOK) != want {
			t.Fatalf("call %d from one address: %d", i+2, w.Code)
		}
	}
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") == "" || !strings.Contains(w.Body.String(), "导出请求过于频繁") {
		t.Errorf("past the limit: %d, Retry-After %q, %s; want 429 with Retry-After and a sentence", w.Code, w.Header().Get("Retry-After"), w.Body)
	}
	w = httptest.NewRecorder()
	h.ServeHTTP(w, exportRequest("192.0.2.4", ""))
	if w.Code != http.StatusOK {
		t.Errorf("another address: %d, want 200", w.Code)
	}
}
