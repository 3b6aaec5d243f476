package api_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"nianbao/api"
	"nianbao/assess"
	"nianbao/query"
	"nianbao/query/querytest"
	"nianbao/store"
)

// strictSheet costs every finding 30 points out of 50: scores change
// under it whatever the findings are.
const strictSheet = "name: 严格评分表\nbase: 50\nmax_per_rule: 30\ndeductions:\n  rule1_balance: 30\n  rule6_narrative: 30\n" +
	"ratings:\n  - {min: 45, code: green, label: 绿}\n  - {min: 0, code: red, label: 红}\n"

// composite is the county's composite score and sheet name from the API.
func composite(t *testing.T, s *server, county string, year string) (float64, string) {
	t.Helper()
	q := url.Values{"county": {county}, "year": {year}}
	req := httptest.NewRequest(http.MethodGet, "/api/v1/assessment?"+q.Encode(), nil)
	w := s.do(req)
	if w.Code != http.StatusOK {
		t.Fatalf("assessment %s %s: status %d: %s", county, year, w.Code, w.Body.String())
	}
	s.validate(req, w)
	m := decode(t, w)
	return at(m, "composite").(float64), at(m, "sheet").(string)
}

// TestServerSheetChangesScores: the server started with --sheet (the
// store's server sheet) scores with it, where another server scores with
// the default.
func TestServerSheetChangesScores(t *testing.T) {
	def := newServer(t)
	wantDef, name := composite(t, def, "乐至县", "2022")
	if name != assess.DefaultSheet().Name {
		t.Fatalf("sheet %q, want the default", name)
	}
	path := t.TempDir() + "/strict.yaml"
	if err := os.WriteFile(path, []byte(strictSheet), 0o644); err != nil {
		t.Fatal(err)
	}
	ss, err := assess.ReadServerSheet(path, "")
	if err != nil {
		t.Fatal(err)
	}
	strict := newServer(t)
	strict.st.SetServerSheet(ss)
	got, name := composite(t, strict, "乐至县", "2022")
	if name != "严格评分表" || got == wantDef || got > 50 {
		t.Errorf("with --sheet: composite %v by %q; default %v", got, name, wantDef)
	}
}

// TestSheetRoutes: an admin stores a sheet and gives it to one county;
// that county's score changes, the other's does not; both changes are in
// the audit log; bad sheets and other roles are refused.
func TestSheetRoutes(t *testing.T) {
	st, _ := querytest.Seed(t)
	h := api.New(query.New(st), st, api.Options{
		Tokens: map[string]string{"adm": "管理员", "a": "评估"},
		Users:  map[string]api.User{"adm": {Name: "管理员", Role: api.RoleAdmin}, "a": {Name: "评估", Role: api.RoleAssessor}},
	})
	s := &server{t: t, st: st, h: h, router: newServer(t).router}
	send := func(method, path, token, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/yaml")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		w := s.do(req)
		s.validate(req, w)
		return w
	}
	for _, county := range []string{"乐至县", "示范县"} { // the findings as uploads leave them
		if err := assess.RecheckCounty(context.Background(), st, county, 2019, 2023, nil); err != nil {
			t.Fatal(err)
		}
	}
	lezhi, _ := composite(t, s, "乐至县", "2022")
	shifan, _ := composite(t, s, "示范县", "2020")
	sheetPath := "/api/v1/sheets/" + url.PathEscape("严格评分表")
	for _, c := range []struct {
		name, method, path, token, body string
		status                          int
		message                         string
	}{
		{"no token", http.MethodPut, sheetPath, "", strictSheet, 401, ""},
		{"assessor", http.MethodPut, sheetPath, "a", strictSheet, 403, "无权管理操作"},
		{"bad sheet", http.MethodPut, sheetPath, "adm", "name: 严格评分表\nbase: 50\nlevels: {county: -1, department: 1, town: 1}\n", 400, "严格评分表 第3行第18列：levels.county 应为 0 到 100 之间的数，实为 -1"},
		{"other name", http.MethodPut, "/api/v1/sheets/x", "adm", strictSheet, 400, "与地址中的“x”不同"},
		{"store", http.MethodPut, sheetPath, "adm", strictSheet, 200, ""},
		{"unknown place", http.MethodPut, sheetPath + "/places/" + url.PathEscape("无此县"), "adm", "", 400, "不认识“无此县”"},
		{"unknown sheet", http.MethodPut, "/api/v1/sheets/nope/places/" + url.PathEscape("乐至县"), "adm", "", 404, "没有名为“nope”的评分表"},
		{"assessor assigns", http.MethodPut, sheetPath + "/places/" + url.PathEscape("乐至县"), "a", "", 403, ""},
		{"assign", http.MethodPut, sheetPath + "/places/" + url.PathEscape("乐至县"), "adm", "", 200, ""},
	} {
		w := send(c.method, c.path, c.token, c.body)
		if w.Code != c.status || !strings.Contains(w.Body.String(), c.message) {
			t.Errorf("%s: %d %s, want %d %q", c.name, w.Code, w.Body.String(), c.status, c.message)
		}
	}
	got, name := composite(t, s, "乐至县", "2022")
	if name != "严格评分表" || got == lezhi {
		t.Errorf("乐至县 after the assignment: %v by %q, before %v", got, name, lezhi)
	}
	if other, name := composite(t, s, "示范县", "2020"); other != shifan || name == "严格评分表" {
		t.Errorf("示范县 changed: %v by %q, before %v", other, name, shifan)
	}
	if w := send(http.MethodGet, sheetPath, "", ""); w.Code != 200 || !strings.Contains(w.Body.String(), `"counties":["乐至县"]`) {
		t.Errorf("the sheet: %d %s", w.Code, w.Body.String())
	}
	w := send(http.MethodGet, "/api/v1/sheets", "", "")
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"place":"乐至县"`) {
		t.Errorf("list: %d %s", w.Code, w.Body.String())
	}
	audit, err := st.Audit(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]string{}
	for _, e := range audit {
		actions[e.Action] = e.Author + " " + e.Target + " " + e.NewValue
	}
	if actions["sheet"] != "管理员 严格评分表 "+store.SheetSHA([]byte(strictSheet)) || actions["sheet-assign"] != "管理员 乐至县 严格评分表" {
		t.Errorf("audit %v", actions)
	}
	if w := send(http.MethodDelete, sheetPath+"/places/"+url.PathEscape("乐至县"), "adm", ""); w.Code != 200 {
		t.Fatalf("unassign: %d %s", w.Code, w.Body.String())
	}
	if back, name := composite(t, s, "乐至县", "2022"); back != lezhi || name == "严格评分表" {
		t.Errorf("乐至县 after taking the sheet away: %v by %q, want %v", back, name, lezhi)
	}
}

// TestWorkbookNamesSheet: the workbook an office files names the county's
// sheet and its sha in its printed header and its summary.
func TestWorkbookNamesSheet(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	if _, err := s.st.SaveSheet(ctx, "严格评分表", []byte(strictSheet), "test"); err != nil {
		t.Fatal(err)
	}
	if err := s.st.AssignSheet(ctx, "乐至县", "严格评分表", "test"); err != nil {
		t.Fatal(err)
	}
	w := s.get("/api/v1/assessment?" + url.Values{"county": {"乐至县"}, "year": {"2022"}, "format": {"xlsx"}}.Encode())
	if w.Code != http.StatusOK {
		t.Fatalf("xlsx status %d: %s", w.Code, w.Body.String())
	}
	f, err := excelize.OpenReader(bytes.NewReader(w.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sha := store.SheetSHA([]byte(strictSheet))
	hf, err := f.GetHeaderFooter("评分表")
	if err != nil || !strings.Contains(hf.OddHeader, "严格评分表") || !strings.Contains(hf.OddHeader, sha) {
		t.Errorf("printed header %+v, %v", hf, err)
	}
	rows, _ := f.GetRows("汇总")
	found := false
	for _, r := range rows {
		found = found || (len(r) > 1 && r[0] == "评分表 SHA-256" && r[1] == sha)
	}
	if !found {
		t.Errorf("summary rows %v lack the sheet's sha", rows)
	}
}
