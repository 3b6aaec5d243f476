package api_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"nianbao/api"
	"nianbao/query"
	"nianbao/query/querytest"
)

func TestLoadUsers(t *testing.T) {
	cases := []struct {
		name, file string
		want       map[string]api.User
		err        string
	}{
		{"roles and scopes", "# 县政务公开办\n王:t1:clerk:乐至县\n赵:t2:assessor\n钱:t3:viewer\n旧:t4\n",
			map[string]api.User{"t1": {Name: "王", Role: "clerk", Scope: "乐至县"}, "t2": {Name: "赵", Role: "assessor"}, "t3": {Name: "钱", Role: "viewer"}, "t4": {Name: "旧", Role: "admin"}}, ""},
		{"unknown role", "王:t1:boss\n", nil, "role \"boss\""},
		{"no token", "王\n", nil, "line 1"},
		{"the same token twice", "王:t1:clerk\n李:t1:viewer\n", nil, "same token"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "tokens")
			os.WriteFile(p, []byte(tc.file), 0o600)
			got, err := api.LoadUsers(p)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one saying %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("%d users, want %d", len(got), len(tc.want))
			}
			for tok, u := range tc.want {
				if got[tok] != u {
					t.Errorf("%s: %+v, want %+v", tok, got[tok], u)
				}
			}
		})
	}
}

// TestRolesOnWriteRoutes: every write route of the API needs a role, and
// each role gets exactly its writes.
func TestRolesOnWriteRoutes(t *testing.T) {
	gin.SetMode(gin.TestMode)
	st, ids := querytest.Seed(t)
	h := api.New(query.New(st), st, api.Options{
		Tokens: map[string]string{"c": "填报员", "a": "评估", "v": "查看", "s": "安岳县填报员"},
		Users: map[string]api.User{"c": {Name: "填报员", Role: api.RoleClerk}, "a": {Name: "评估", Role: api.RoleAssessor},
			"v": {Name: "查看", Role: api.RoleViewer}, "s": {Name: "安岳县填报员", Role: api.RoleClerk, Scope: "安岳县"}},
	})
	for _, r := range h.Routes() {
		if r.Method == http.MethodGet {
			continue
		}
		if a := api.RouteAction(r.Method, r.Path); a == "" {
			t.Errorf("%s %s has no action", r.Method, r.Path)
		}
	}
	id := ids[0] // 乐至县劳动镇
	cases := []struct {
		token, method, path, body string
		status                    int
	}{
		{"v", http.MethodPut, "/api/v1/reports/%d/cells/t3.new.total", `{"value": 11, "reason": "x"}`, 403},
		{"a", http.MethodPut, "/api/v1/reports/%d/cells/t3.new.total", `{"value": 11, "reason": "x"}`, 403},
		{"s", http.MethodPut, "/api/v1/reports/%d/cells/t3.new.total", `{"value": 11, "reason": "x"}`, 403},
		{"c", http.MethodPut, "/api/v1/reports/%d/cells/t3.new.total", `{"value": 11, "reason": "x"}`, 200},
		{"c", http.MethodDelete, "/api/v1/reports/%d/cells/t3.new.total", `{"reason": "撤销"}`, 200},
		{"c", http.MethodDelete, "/api/v1/reports/%d/cells/t3.new.total", `{"reason": "再撤销"}`, 404},
		{"c", http.MethodPut, "/api/v1/reports/%d/findings/0/review", `{"state": "dismissed", "comment": "x"}`, 403},
		{"a", http.MethodPut, "/api/v1/reports/%d/findings/0/review", `{"state": "dismissed", "comment": "x"}`, 200},
		{"c", http.MethodDelete, "/api/v1/reports/%d", ``, 403},
	}
	for _, tc := range cases {
		path := fmt.Sprintf(tc.path, id)
		req := put(path, tc.body, "Bearer "+tc.token)
		req.Method = tc.method
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != tc.status {
			t.Errorf("%s %s as %s: %d, want %d: %s", tc.method, path, tc.token, w.Code, tc.status, w.Body.String())
		}
	}
}
