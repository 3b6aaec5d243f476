package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// TestPlacesRoute checks /api/v1/places against openapi.yaml: browsing,
// searching, the bound on results and the refusals.
func TestPlacesRoute(t *testing.T) {
	s := newServer(t)
	cases := []struct {
		name   string
		query  url.Values
		status int
		labels []string
		trunc  bool
	}{
		{"provinces", url.Values{}, 200, []string{"未归属", "四川省"}, false},
		{"a province's cities", url.Values{"province": {"四川省"}}, 200, []string{"四川省 资阳市"}, false},
		{"a city's counties", url.Values{"province": {"四川省"}, "city": {"资阳市"}}, 200, []string{"四川省 资阳市 乐至县"}, false},
		{"search, bounded", url.Values{"q": {"镇"}, "limit": {"1"}}, 200, []string{"乐至县 劳动镇"}, true},
		{"limit over the bound", url.Values{"q": {"镇"}, "limit": {"201"}}, 400, nil, false},
		{"limit not a number", url.Values{"limit": {"x"}}, 400, nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/api/v1/places?"+tc.query.Encode(), nil)
			w := s.do(req)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tc.status, w.Body)
			}
			s.validate(req, w)
			if tc.status != 200 {
				return
			}
			var res struct {
				Places []struct {
					Label string `json:"label"`
				} `json:"places"`
				Truncated bool `json:"truncated"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range res.Places {
				got = append(got, p.Label)
			}
			if len(got) != len(tc.labels) {
				t.Fatalf("labels %q, want %q", got, tc.labels)
			}
			for i := range got {
				if got[i] != tc.labels[i] {
					t.Errorf("labels %q, want %q", got, tc.labels)
				}
			}
			if res.Truncated != tc.trunc {
				t.Errorf("truncated %v, want %v", res.Truncated, tc.trunc)
			}
		})
	}
}
