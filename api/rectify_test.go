package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/xuri/excelize/v2"

	"nianbao/api"
	"nianbao/query"
	"nianbao/report"
	"nianbao/store"
)

// rectParser reads "agency,county,year,broken,missing": broken=1 prints
// the row of new applications with a total that disagrees (rule 3),
// missing=1 adds a finding that table 4 is missing.
func rectParser(_ context.Context, name string, data []byte) ([]*report.Report, error) {
	p := strings.Split(strings.TrimSpace(string(data)), ",")
	if len(p) != 5 {
		return nil, fmt.Errorf("不是年度报告")
	}
	r := report.New(name)
	r.Agency, r.County, r.Edition, r.SHA256 = p[0], p[1], report.Edition2021, string(data)
	fmt.Sscan(p[2], &r.Year)
	for _, col := range report.T3Columns {
		v := 0.0
		if col == "natural" || col == "total" {
			v = 3
		}
		r.Set("t3.new."+col, v, report.Source{Line: 12, Raw: "3"})
	}
	if p[3] == "1" {
		r.Cells["t3.new.total"] = 5
	}
	report.Check(r)
	if p[4] == "1" {
		r.AddFinding(report.RuleMissing, report.SeverityWarning, "找不到表四")
	}
	return []*report.Report{r}, nil
}

func post(path, body, auth string) *http.Request {
	req := put(path, body, auth)
	req.Method = http.MethodPost
	return req
}

// TestRectificationThroughTheAPI: an assessor sends two findings back; a
// clerk may not; the clerk's new version fixes one, which closes by
// itself (audited) while the other stays open; the assessor closes that
// one by hand; the list answers JSON and XLSX.
func TestRectificationThroughTheAPI(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "r.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	h := api.New(query.New(st), st, api.Options{
		Tokens: map[string]string{"c": "青石镇填报员", "a": "王评估"},
		Users:  map[string]api.User{"c": {Name: "青石镇填报员", Role: api.RoleClerk, Scope: "示范县"}, "a": {Name: "王评估", Role: api.RoleAssessor}},
		Parser: api.ParserFunc(rectParser),
	})
	doc, _, err := api.Spec()
	if err != nil {
		t.Fatal(err)
	}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	s := &server{t: t, st: st, h: h, router: router}
	send := func(req *http.Request, want int) map[string]any {
		t.Helper()
		w := s.do(req)
		if w.Code != want {
			t.Fatalf("%s %s: %d, want %d: %s", req.Method, req.URL, w.Code, want, w.Body.String())
		}
		s.validate(req, w)
		if strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
			return decode(t, w)
		}
		return nil
	}
	up := send(upload(t, "青石镇.txt", []byte("青石镇,示范县,2022,1,1"), "Bearer c"), http.StatusCreated)
	id := int64(at(up, "reports", 0, "id").(float64))
	rep := send(httptest.NewRequest(http.MethodGet, fmt.Sprintf("/api/v1/reports/%d", id), nil), http.StatusOK)
	// The store adds its form checks after the reader's two findings.
	if at(rep, "findings", 0, "rule") != report.RuleApplicants || at(rep, "findings", 1, "rule") != report.RuleMissing {
		t.Fatalf("findings %v: want rule 3, then parse_missing", at(rep, "findings"))
	}
	deadline := report.Today().AddDate(0, 0, 20).Format(time.DateOnly)
	path := func(i int) string { return fmt.Sprintf("/api/v1/reports/%d/findings/%d/return", id, i) }
	body := fmt.Sprintf(`{"deadline": %q, "comment": "请改正后重新发布"}`, deadline)

	send(post(path(0), body, "Bearer c"), http.StatusForbidden) // a clerk cannot send back
	send(post(path(0), `{"deadline": "2020-01-01", "comment": "x"}`, "Bearer a"), http.StatusBadRequest)
	send(post(path(0), `{"deadline": "2024-02-30", "comment": "x"}`, "Bearer a"), http.StatusBadRequest)
	send(post(path(70), body, "Bearer a"), http.StatusNotFound)
	fixed := send(post(path(0), body, "Bearer a"), http.StatusCreated)
	kept := send(post(path(1), body, "Bearer a"), http.StatusCreated)
	send(post(path(1), body, "Bearer a"), http.StatusConflict)
	if fixed["rule"] != report.RuleApplicants || fixed["state"] != "open" || fixed["deadline"] != deadline || fixed["sent_by"] != "王评估" {
		t.Fatalf("sent back: %v", fixed)
	}

	// The clerk's new version: rule 3 fixed, table 4 still missing.
	send(upload(t, "青石镇-修改.txt", []byte("青石镇,示范县,2022,0,1"), "Bearer c"), http.StatusCreated)
	list := send(httptest.NewRequest(http.MethodGet, "/api/v1/rectifications?county=示范县&year=2022", nil), http.StatusOK)
	states := map[float64]map[string]any{}
	for _, x := range at(list, "rectifications").([]any) {
		m := x.(map[string]any)
		states[m["id"].(float64)] = m
	}
	if x := states[fixed["id"].(float64)]; x["state"] != "closed" || x["closed_by"] != store.RectReader || x["close_reason"] != store.RectFixedReason {
		t.Errorf("the fixed finding: %v", x)
	}
	if x := states[kept["id"].(float64)]; x["state"] != "open" {
		t.Errorf("the finding still there: %v", x)
	}
	open := send(httptest.NewRequest(http.MethodGet, "/api/v1/rectifications?state=open", nil), http.StatusOK)
	if n := len(at(open, "rectifications").([]any)); n != 1 {
		t.Errorf("%d open, want 1", n)
	}
	send(httptest.NewRequest(http.MethodGet, "/api/v1/rectifications?state=pending", nil), http.StatusBadRequest)

	// By hand: a reason is required, a clerk may not, then it is audited.
	closePath := fmt.Sprintf("/api/v1/rectifications/%d/close", int64(kept["id"].(float64)))
	send(post(closePath, `{"reason": ""}`, "Bearer a"), http.StatusBadRequest)
	send(post(closePath, `{"reason": "自己关"}`, "Bearer c"), http.StatusForbidden)
	closed := send(post(closePath, `{"reason": "表四已另行公开"}`, "Bearer a"), http.StatusOK)
	if closed["state"] != "closed" || closed["closed_by"] != "王评估" {
		t.Errorf("closed by hand: %v", closed)
	}
	send(post(closePath, `{"reason": "再关"}`, "Bearer a"), http.StatusConflict)
	send(post("/api/v1/rectifications/999/close", `{"reason": "x"}`, "Bearer a"), http.StatusNotFound)

	audit, err := st.Audit(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range audit {
		if e.Action == "return" || e.Action == "rectify_close" {
			got = append(got, e.Action+"/"+e.Author)
		}
	}
	if want := "return/王评估 return/王评估 rectify_close/reader rectify_close/王评估"; strings.Join(got, " ") != want {
		t.Errorf("audit %v, want %s", got, want)
	}

	// XLSX: one row per rectification, through the export helpers.
	w := s.do(httptest.NewRequest(http.MethodGet, "/api/v1/rectifications?county=示范县&format=xlsx", nil))
	if w.Code != http.StatusOK {
		t.Fatalf("xlsx: %d %s", w.Code, w.Body.String())
	}
	f, err := excelize.OpenReader(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0][0] != "编号" || !strings.Contains(strings.Join(rows[1], "|")+strings.Join(rows[2], "|"), "系统（新版本）") {
		t.Errorf("xlsx rows %v", rows)
	}
}
