package api_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// TestAnswerCache: a repeated GET is answered with the same bytes and
// ETag, 304 for a client holding it; a correction through the API changes
// the next answer; downloads keep their file name; a request with a token
// is answered fresh.
func TestAnswerCache(t *testing.T) {
	s := newServer(t)
	const path = "/api/v1/cells?codes=t3.new.total&group_by=agency&county=乐至县&year=2022"
	first := s.get(path)
	etag := first.Header().Get("ETag")
	if first.Code != 200 || etag == "" || strings.Contains(first.Body.String(), "12") {
		t.Fatalf("first: %d %q %s", first.Code, etag, first.Body)
	}
	again := s.get(path)
	if again.Body.String() != first.Body.String() || again.Header().Get("ETag") != etag {
		t.Error("second answer differs from the first")
	}
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("If-None-Match", etag)
	if w := s.do(req); w.Code != http.StatusNotModified || w.Body.Len() != 0 {
		t.Errorf("If-None-Match: %d with %d bytes", w.Code, w.Body.Len())
	}

	// 劳动镇 2022 has t3.new.total 10; correct it to 12.
	w := s.do(send(http.MethodPut, "/api/v1/reports/"+strconv.FormatInt(s.ids[0], 10)+"/cells/t3.new.total", `{"value": 12, "reason": "核对原件"}`, "Bearer "+token))
	if w.Code != 200 {
		t.Fatalf("correct: %d %s", w.Code, w.Body)
	}
	after := s.get(path)
	if after.Header().Get("ETag") == etag || !strings.Contains(after.Body.String(), "12") {
		t.Errorf("after a correction the answer is the old one: %s", after.Body)
	}

	for range 2 {
		dl := s.get("/api/v1/stats/outcomes?group_by=county&format=xlsx")
		if dl.Code != 200 || !strings.Contains(dl.Header().Get("Content-Disposition"), ".xlsx") {
			t.Errorf("download: %d, Content-Disposition %q", dl.Code, dl.Header().Get("Content-Disposition"))
		}
	}
}
