package query

import (
	"context"
	"encoding/json"
	"testing"
)

// TestCountyMetricsAsBothGroupings holds CountyAssessmentMetrics to the
// two AssessmentMetrics it replaces (by agency, and GroupNone), row for
// row, for every county and year of the seeded reports, the sample corpus
// and 300 generated national reports: by name, and by code where the
// registry gives one (what the assessment asks).
func TestCountyMetricsAsBothGroupings(t *testing.T) {
	ctx := context.Background()
	st := nationalDB(t)
	rows, err := st.DB().QueryContext(ctx, `SELECT DISTINCT r.county, r.year, coalesce(a.county_code, '')
FROM reports r LEFT JOIN agencies a ON a.id = r.agency_id ORDER BY 1, 2, 3`)
	if err != nil {
		t.Fatal(err)
	}
	var filters []Filter
	seen := map[string]bool{}
	for rows.Next() {
		var county, code string
		var year int
		if err := rows.Scan(&county, &year, &code); err != nil {
			t.Fatal(err)
		}
		for _, f := range []Filter{{County: county, Year: year}, {County: code, Year: year}, {County: county}} {
			if f.County != "" && !seen[f.key()] {
				seen[f.key()] = true
				filters = append(filters, f)
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	if len(filters) < 300 {
		t.Fatalf("%d filters: the data hold too few counties to compare", len(filters))
	}
	withRows := 0
	for i, f := range filters {
		if i%5 != 0 && i >= 20 {
			continue // every fifth past the seeded counties, to bound the time
		}
		// The reference uncached, in a service of its own: the new path
		// must not read what the old one left in the cache.
		ref := New(st)
		per, err := ref.AssessmentMetrics(ctx, f, GroupAgency)
		if err != nil {
			t.Fatal(err)
		}
		all, err := ref.AssessmentMetrics(ctx, f, GroupNone)
		if err != nil {
			t.Fatal(err)
		}
		got, err := New(st).CountyAssessmentMetrics(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if g, w := asJSON(t, got.PerAgency), asJSON(t, per); g != w {
			t.Errorf("%s by agency:\n got %s\nwant %s", f.key(), g, w)
		}
		var want *AssessmentMetric
		if len(all) > 0 {
			want = &all[0]
			withRows++
		}
		if len(all) > 1 {
			t.Fatalf("%s: %d rows without grouping", f.key(), len(all))
		}
		if g, w := asJSON(t, got.All), asJSON(t, want); g != w {
			t.Errorf("%s, the county:\n got %s\nwant %s", f.key(), g, w)
		}
	}
	if withRows < 100 {
		t.Errorf("only %d filters had metrics: compared too little", withRows)
	}
	t.Logf("%d filters, %d compared with metrics", len(filters), withRows)
}

// asJSON is v as the API encodes it (pointers compared by their values).
func asJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
