package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sort"
	"testing"
	"time"

	"nianbao/api"
	"nianbao/query"
	"nianbao/query/querytest"
)

// BenchmarkAPI measures /api/v1/cells and the named statistics on 100
// generated reports (5 counties × 10 towns × 2 years), cold (cache dropped
// before every request, so DuckDB runs the query) and warm (cached).
// p50 and p99 are reported in microseconds.
//
//	go test ./api -run '^$' -bench API -benchtime 200x
func BenchmarkAPI(b *testing.B) {
	st := querytest.Open(b)
	ctx := context.Background()
	for _, r := range querytest.Generated(100) {
		if _, err := st.Save(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
	q := query.New(st)
	h := api.New(q, st, api.Options{})
	urls := []struct{ name, url string }{
		{"cells", "/api/v1/cells?codes=t3.new.total,t3.denied.*&group_by=county"},
		{"cells_year", "/api/v1/cells?codes=t3.new.total&year=2022&county=第1县&group_by=agency"},
		{"applications", "/api/v1/stats/applications?year=2022&group_by=agency"},
		{"outcomes", "/api/v1/stats/outcomes?group_by=county"},
		{"reviews", "/api/v1/stats/reviews?group_by=year"},
		{"proactive", "/api/v1/stats/proactive?group_by=county"},
		{"compare", "/api/v1/stats/compare?county=第1县&year=2022&metric=outcomes.disclosure_rate"},
		{"findings", "/api/v1/stats/findings"},
		{"reports", "/api/v1/reports?limit=50"},
	}
	for _, u := range urls {
		for _, mode := range []string{"cold", "warm"} {
			b.Run(u.name+"/"+mode, func(b *testing.B) {
				lat := make([]time.Duration, 0, b.N)
				for b.Loop() {
					if mode == "cold" {
						q.Invalidate()
					}
					req := httptest.NewRequest(http.MethodGet, u.url, nil)
					w := httptest.NewRecorder()
					start := time.Now()
					h.ServeHTTP(w, req)
					lat = append(lat, time.Since(start))
					if w.Code != 200 {
						b.Fatalf("%s: %d %s", u.url, w.Code, w.Body.String())
					}
				}
				sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
				pct := func(p float64) float64 {
					return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds())
				}
				b.ReportMetric(pct(0.50), "p50-µs")
				b.ReportMetric(pct(0.99), "p99-µs")
			})
		}
	}
}
