package api_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func put(path, body, auth string) *http.Request {
	req := httptest.NewRequest(http.MethodPut, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	return req
}

// TestCorrectionsReviewsAudit: writes refused without the token, a
// correction changing an aggregate, a dismissed finding left out of the
// counts (and back in with dismissed=1), and the audit list in order.
func TestCorrectionsReviewsAudit(t *testing.T) {
	s := newServer(t)
	id := s.ids[0] // 劳动镇 2022: t3.new.total 10, two findings
	cellURL := fmt.Sprintf("/api/v1/reports/%d/cells/t3.new.total", id)
	reviewURL := fmt.Sprintf("/api/v1/reports/%d/findings/0/review", id)
	auth := "Bearer " + token
	steps := []struct {
		name   string
		req    *http.Request
		status int
		code   string
	}{
		{"correction without token", put(cellURL, `{"value": 12, "reason": "x"}`, ""), 401, "unauthorized"},
		{"review without token", put(reviewURL, `{"state": "dismissed"}`, ""), 401, "unauthorized"},
		{"correction without reason", put(cellURL, `{"value": 12}`, auth), 400, "bad_request"},
		{"correction of an unknown code", put(fmt.Sprintf("/api/v1/reports/%d/cells/t9.x", id), `{"value": 1, "reason": "x"}`, auth), 400, "bad_request"},
		{"correction of a missing report", put("/api/v1/reports/9999/cells/t3.new.total", `{"value": 1, "reason": "x"}`, auth), 404, "not_found"},
		{"correction", put(cellURL, `{"value": 12, "reason": "原文自然人列漏计2件，已与经办人核实"}`, auth), 200, ""},
		{"bad review state", put(reviewURL, `{"state": "maybe"}`, auth), 400, "bad_request"},
		{"review", put(reviewURL, `{"state": "dismissed", "comment": "口径差异，已说明"}`, auth), 200, ""},
	}
	for _, st := range steps {
		w := s.do(st.req)
		if w.Code != st.status {
			t.Fatalf("%s: status %d, want %d: %s", st.name, w.Code, st.status, w.Body.String())
		}
		if st.code != "" && at(decode(t, w), "error", "code") != st.code {
			t.Errorf("%s: error code %v, want %s", st.name, at(decode(t, w), "error", "code"), st.code)
		}
		s.validate(st.req, w)
	}
	// The aggregate uses the corrected value.
	w := s.get("/api/v1/cells?codes=t3.new.total&county=乐至县&year=2022")
	if v := at(decode(t, w), "rows", 0, "t3.new.total"); v != 12.0 {
		t.Errorf("sum after correction = %v, want 12", v)
	}
	// The report shows both values, and the finding's review.
	w = s.get(fmt.Sprintf("/api/v1/reports/%d", id))
	d := decode(t, w)
	if at(d, "cells", "t3.new.total") != 12.0 || at(d, "corrections", 0, "parsed_value") != 10.0 || at(d, "corrections", 0, "author") != "县政务公开办" {
		t.Errorf("report after correction: cells %v corrections %v", at(d, "cells", "t3.new.total"), at(d, "corrections"))
	}
	if at(d, "findings", 0, "review") != "dismissed" {
		t.Errorf("finding 0 review = %v", at(d, "findings", 0, "review"))
	}
	// Counts leave the dismissed finding out, unless asked.
	count := func(url string) float64 {
		var n float64
		for _, r := range at(decode(t, s.get(url)), "reports").([]any) {
			m := r.(map[string]any)
			if m["id"] == float64(id) {
				n = m["findings"].(float64)
			}
		}
		return n
	}
	all, active := count("/api/v1/reports?dismissed=1"), count("/api/v1/reports")
	if all-active != 1 {
		t.Errorf("findings counted: %v with dismissed, %v without; want one fewer", all, active)
	}
	// The audit lists both changes in order, with who and why.
	req := httptest.NewRequest(http.MethodGet, "/api/v1/audit", nil)
	w = s.do(req)
	s.validate(req, w)
	entries := at(decode(t, w), "entries").([]any)
	if len(entries) != 2 || at(entries[0], "action") != "correct" || at(entries[1], "action") != "review" ||
		at(entries[0], "author") != "县政务公开办" || at(entries[0], "old_value") != "10" || at(entries[0], "new_value") != "12" {
		t.Errorf("audit = %v", entries)
	}
}

func TestUploadIsAudited(t *testing.T) {
	s := newServer(t)
	if w := s.do(upload(t, "a.txt", []byte("石湍镇,乐至县,2022,7"), "Bearer "+token)); w.Code != 201 {
		t.Fatalf("upload: %d %s", w.Code, w.Body.String())
	}
	entries := at(decode(t, s.get("/api/v1/audit")), "entries").([]any)
	if len(entries) != 1 || at(entries[0], "action") != "upload" || at(entries[0], "author") != "县政务公开办" || at(entries[0], "target") != "a.txt" {
		t.Fatalf("audit after upload = %v", entries)
	}
}

func TestUploadFormOverridesMeta(t *testing.T) {
	s := newServer(t)
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "wo-ju.txt")
	fw.Write([]byte("石湍镇,乐至县,2022,7"))
	mw.WriteField("agency", "城关镇")
	mw.WriteField("year", "2023")
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, "/api/v1/reports", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	w := s.do(req)
	if w.Code != 201 {
		t.Fatalf("upload: %d %s", w.Code, w.Body.String())
	}
	d := decode(t, w)
	if at(d, "reports", 0, "report", "agency") != "城关镇" || at(d, "reports", 0, "report", "year") != 2023.0 || at(d, "reports", 0, "report", "county") != "乐至县" {
		t.Errorf("overrides not applied: %v", at(d, "reports", 0, "report"))
	}
}
