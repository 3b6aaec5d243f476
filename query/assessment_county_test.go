package query

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"nianbao/store"
)

// metricsBefore is AssessmentMetrics as computed before its statement
// carried the sums of its two rates: testdata/before25/AssessmentMetrics.sql
// with the rates taken from Outcomes and Reviews, row by row (the oracle).
func metricsBefore(t *testing.T, s *Service, f Filter, g GroupBy) []AssessmentMetric {
	t.Helper()
	ctx := context.Background()
	body, err := os.ReadFile(filepath.Join("testdata", "before25", "AssessmentMetrics.sql"))
	if err != nil {
		t.Fatal(err)
	}
	outcomes, err := s.Outcomes(ctx, f, g)
	if err != nil {
		t.Fatal(err)
	}
	reviews, err := s.Reviews(ctx, f, g)
	if err != nil {
		t.Fatal(err)
	}
	type key struct{ group, county string }
	substantive, corrected := map[key]*float64{}, map[key]*float64{}
	for _, r := range outcomes.Rows {
		substantive[key{r.Group.Group, r.County}] = r.SubstantiveRate
	}
	for _, r := range reviews.Rows {
		corrected[key{r.Group.Group, r.County}] = r.Reconsideration.CorrectionRate
	}
	st, err := buildText("AssessmentMetrics", string(body), f, g, nil)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := s.db.QueryContext(ctx, st.text, st.args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := []AssessmentMetric{}
	for rows.Next() {
		var m AssessmentMetric
		var procedural, disputes, corrections float64
		var ok int
		if err := rows.Scan(&m.Group, &m.County, &m.Reports, &m.Closed, &procedural, &m.Backlog, &disputes, &corrections, &ok); err != nil {
			t.Fatal(err)
		}
		k := key{m.Group, m.County}
		m.SubstantiveDisclosure, m.ReconsiderationCorrected = substantive[k], corrected[k]
		m.DisputesPer100 = per100(disputes, m.Closed)
		m.CorrectionsPer100 = per100(corrections, m.Closed)
		m.Procedural = share(procedural, m.Closed)
		m.IdentitiesKept = share(float64(ok), float64(m.Reports))
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// countyFilters are the (county or code, year) filters of every county of
// st's reports, and each county over all years.
func countyFilters(t *testing.T, st *store.Store) []Filter {
	t.Helper()
	rows, err := st.DB().QueryContext(context.Background(), `SELECT DISTINCT r.county, r.year, coalesce(a.county_code, '')
FROM reports r LEFT JOIN agencies a ON a.id = r.agency_id ORDER BY 1, 2, 3`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
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
	return filters
}

// TestCountyMetricsAsBothGroupings holds CountyAssessmentMetrics to
// AssessmentMetrics as computed before (by agency, and GroupNone), row
// for row, for counties and years of the seeded reports, the sample
// corpus and 300 generated national reports: by name, and by code where
// the registry gives one (what the assessment asks).
func TestCountyMetricsAsBothGroupings(t *testing.T) {
	ctx := context.Background()
	st := nationalDB(t)
	filters := countyFilters(t, st)
	if len(filters) < 300 {
		t.Fatalf("%d filters: the data hold too few counties to compare", len(filters))
	}
	compared := 0
	for i, f := range filters {
		if i%5 != 0 && i >= 20 {
			continue // every fifth past the seeded counties, to bound the time
		}
		// Each side in a service of its own: neither reads what the
		// other left in the cache.
		per := metricsBefore(t, New(st), f, GroupAgency)
		all := metricsBefore(t, New(st), f, GroupNone)
		got, err := New(st).CountyAssessmentMetrics(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if g, w := asJSON(t, got.PerAgency), asJSON(t, per); g != w {
			t.Errorf("%s by agency:\n got %s\nwant %s", f.key(), g, w)
		}
		if len(all) > 1 {
			t.Fatalf("%s: %d rows without grouping", f.key(), len(all))
		}
		var want *AssessmentMetric
		if len(all) == 1 {
			want = &all[0]
			compared++
		}
		if g, w := asJSON(t, got.All), asJSON(t, want); g != w {
			t.Errorf("%s, the county:\n got %s\nwant %s", f.key(), g, w)
		}
	}
	if compared < 100 {
		t.Errorf("only %d filters had metrics: compared too little", compared)
	}
	t.Logf("%d filters, %d compared with metrics", len(filters), compared)
}

// TestAssessmentMetricsAsBefore holds AssessmentMetrics, its rates now
// computed from its own statement, to their computation before (from
// Outcomes and Reviews) for every grouping over a few filters.
func TestAssessmentMetricsAsBefore(t *testing.T) {
	ctx := context.Background()
	st := nationalDB(t)
	withRates := 0
	for _, g := range []GroupBy{GroupNone, GroupAgency, GroupCounty, GroupYear, GroupEdition, GroupLevel, GroupProvince, GroupCity} {
		for _, f := range []Filter{{}, {Year: 2022}, {County: "乐至县"}, {Level: "towns"}, {Dismissed: true}, {Province: "上海市"}} {
			want := metricsBefore(t, New(st), f, g)
			got, err := New(st).AssessmentMetrics(ctx, f, g)
			if err != nil {
				t.Fatal(err)
			}
			if gj, wj := asJSON(t, got), asJSON(t, want); gj != wj {
				t.Errorf("%s by %q:\n got %s\nwant %s", f.key(), g, gj, wj)
			}
			for _, m := range want {
				if m.SubstantiveDisclosure != nil && m.ReconsiderationCorrected != nil {
					withRates++
				}
			}
		}
	}
	if withRates < 50 {
		t.Errorf("%d rows with both rates: compared too little", withRates)
	}
	t.Logf("%d rows with both rates", withRates)
}

// columnsBefore cuts the rows of AssessmentMetrics to the columns its
// statement had before it carried the sums of its two rates, for the
// tests that compare it with its SQL of an earlier issue
// (TestAssessmentMetricsAsBefore compares the rates).
func columnsBefore(name string, got, want [][]any) [][]any {
	if name != "AssessmentMetrics" || len(want) == 0 {
		return got
	}
	for i := range got {
		got[i] = got[i][:min(len(got[i]), len(want[0]))]
	}
	return got
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
