package dashboards

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/gin-gonic/gin"

	"nianbao/query"
	"nianbao/query/querytest"
)

// BenchmarkPages measures server time per page over querytest's reports
// plus 300 generated ones (5 counties × 10 towns × 6 years). "warm" serves
// from the query cache as a running server mostly does; "cold" empties the
// cache before every request, as after an ingest.
//
//	go test ./dashboards -run '^$' -bench Pages -benchtime 200x
func BenchmarkPages(b *testing.B) {
	st, _ := querytest.Seed(b)
	for _, r := range querytest.Generated(300) {
		if _, err := st.Save(context.Background(), r); err != nil {
			b.Fatal(err)
		}
	}
	q := query.New(st)
	gin.SetMode(gin.TestMode)
	e := gin.New()
	Mount(e, q, WithLogger(testLogger(b)))
	v := func(kv ...string) string {
		u := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			u.Add(kv[i], kv[i+1])
		}
		return u.Encode()
	}
	pages := []struct{ name, path string }{
		{"index", "/dashboards/"},
		{"county", "/dashboards/county?" + v("county", "第1县", "year", "2023")},
		{"town", townURL("第1镇", "第1县")},
		{"compare", "/dashboards/compare?" + v("county", "第1县", "year", "2023", "town", "第1镇", "town", "第2镇", "town", "第3镇")},
		{"quality", "/dashboards/quality?" + v("county", "第1县", "year", "2023")},
	}
	for _, p := range pages {
		for _, mode := range []string{"warm", "cold"} {
			b.Run(p.name+"/"+mode, func(b *testing.B) {
				req := httptest.NewRequest(http.MethodGet, p.path, nil)
				for b.Loop() {
					if mode == "cold" {
						q.Invalidate()
					}
					w := httptest.NewRecorder()
					e.ServeHTTP(w, req)
					if w.Code != http.StatusOK {
						b.Fatalf("GET %s: %d", p.path, w.Code)
					}
				}
			})
		}
	}
}
