package query

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"testing"
	"time"

	"nianbao/query/querytest"
	"nianbao/store"
)

// countyAnswers are every answer a county-scoped reader asks of one
// filter (the county page, compare, the assessment, the API's routes),
// as JSON: bit-identical floats encode alike.
func countyAnswers(t *testing.T, q *Service, f Filter) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	put := func(name string, v any, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s %+v: %v", name, f, err)
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = string(b)
	}
	list := f
	list.Limit = MaxLimit
	v0, err := q.Reports(ctx, list)
	put("Reports", v0, err)
	v1, err := q.Applications(ctx, f, GroupAgency)
	put("Applications", v1, err)
	v2, err := q.Outcomes(ctx, f, GroupAgency)
	put("Outcomes", v2, err)
	v3, err := q.Reviews(ctx, f, GroupAgency)
	put("Reviews", v3, err)
	v4, err := q.AssessmentMetrics(ctx, f, GroupAgency)
	put("AssessmentMetrics", v4, err)
	v5, err := q.Proactive(ctx, f, GroupAgency)
	put("Proactive", v5, err)
	if f.Year == 0 {
		// The trend's, and two statistics no page of a county reads.
		v1, err := q.Applications(ctx, f, GroupYear)
		put("Applications/year", v1, err)
		v2, err := q.Outcomes(ctx, f, GroupYear)
		put("Outcomes/year", v2, err)
		v3, err := q.Reviews(ctx, f, GroupYear)
		put("Reviews/year", v3, err)
		v6, err := q.Findings(ctx, f, GroupAgency)
		put("Findings", v6, err)
		v7, err := q.Cells(ctx, []string{"t3.new.total", "t4.reconsideration.total"}, f, GroupAgency)
		put("Cells", v7, err)
	}
	if f.Year != 0 {
		v8, err := q.CompareIn(ctx, f, "outcomes.disclosure_rate")
		put("Compare", v8, err)
	}
	return out
}

// TestCountySelectionAsTheFilter holds the statements that select their
// reports by the county index to the same statements with the county and
// level in SQL (a Service with the index off): every county of the seeded
// reports, the sample corpus and 300 generated national reports, by name
// and by the registry's county code, all years and the latest as the
// county page asks (towns, departments; other levels on every tenth
// county), every figure of every statistic a county-scoped reader asks
// for. It also checks that the index path was the one taken.
func TestCountySelectionAsTheFilter(t *testing.T) {
	st := nationalDB(t)
	q, ref := New(st), New(st)
	ref.CountyFiltersInSQL()
	var byIndex, bySQL int
	stop := q.Record(func(s Statement) {
		if strings.Contains(s.Text, "r.id IN (SELECT unnest(") {
			byIndex++
		}
	})
	defer stop()
	stopRef := ref.Record(func(s Statement) {
		if strings.Contains(s.Text, "r.id IN (SELECT unnest(") {
			bySQL++
		}
	})
	defer stopRef()

	years := map[string]map[int]bool{}
	add := func(county string, year int) {
		if years[county] == nil {
			years[county] = map[int]bool{0: true}
		}
		years[county][year] = true
	}
	codes := 0
	for _, r := range allReports(t, q) {
		if r.County != "" {
			add(r.County, r.Year)
		}
		if len(r.DivisionCode) >= 6 {
			add(r.DivisionCode[:6], r.Year)
			codes++
		}
	}
	add("不存在的县", 2022)
	add("999999", 2022)
	counties := make([]string, 0, len(years))
	for c := range years {
		counties = append(counties, c)
	}
	sort.Strings(counties)
	if len(counties) < 30 || codes == 0 {
		t.Fatalf("%d counties, %d reports with a code: too few to compare", len(counties), codes)
	}
	// Each county all years and its latest year as the county page asks
	// (towns, departments); every other level on a few counties.
	compared := 0
	for i, c := range counties {
		latest := 0
		for y := range years[c] {
			latest = max(latest, y)
		}
		filters := []Filter{{County: c}, {County: c, Year: latest, Level: LevelNoDepartments}, {County: c, Year: latest, Level: "departments"}}
		if i%10 == 0 {
			for _, lv := range []string{"towns", "镇", "县级政府", "不存在的层级"} {
				filters = append(filters, Filter{County: c, Year: latest, Level: lv})
			}
		}
		for _, f := range filters {
			got, want := countyAnswers(t, q, f), countyAnswers(t, ref, f)
			for name, w := range want {
				if got[name] != w {
					t.Errorf("%s of %+v by the county index:\n got %s\nwant %s", name, f, got[name], w)
				}
			}
			compared++
		}
	}
	// An agency and an edition beside the county stay in SQL.
	for _, f := range []Filter{{County: "乐至县", Year: 2022, Agency: "劳动镇"}, {County: "乐至县", Edition: "2021"}} {
		got, want := countyAnswers(t, q, f), countyAnswers(t, ref, f)
		for name, w := range want {
			if got[name] != w {
				t.Errorf("%s of %+v by the county index:\n got %s\nwant %s", name, f, got[name], w)
			}
		}
	}
	if byIndex < compared || bySQL != 0 {
		t.Fatalf("%d statements selected by the index over %d filters (the reference %d): the index was not the path compared", byIndex, compared, bySQL)
	}
	t.Logf("%d filters of %d counties compared, %d statements by the index", compared, len(counties), byIndex)
}

// TestCountyIndexAfterAWrite: a report saved after the index was read is
// counted by the next reader, whether that reader computes the new
// generation's index itself or (serve, the index computed in the
// background) finds it not yet computed and reads the SQL conditions.
func TestCountyIndexAfterAWrite(t *testing.T) {
	ctx := context.Background()
	for _, background := range []bool{false, true} {
		t.Run(fmt.Sprint("background=", background), func(t *testing.T) {
			st, _ := querytest.Seed(t)
			q := New(st)
			if background {
				// A settle time no test reaches: the background never computes.
				q.prepareAfterWrites(slog.New(slog.NewTextHandler(io.Discard, nil)), time.Hour)
			}
			if _, err := q.countyIndexFor(ctx); err != nil {
				t.Fatal(err)
			}
			f := Filter{County: "乐至县", Year: 2022, Level: LevelNoDepartments}
			before, err := q.Applications(ctx, f, GroupNone)
			if err != nil {
				t.Fatal(err)
			}
			list, err := q.Reports(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			saveNewTown(t, st)
			after, err := q.Applications(ctx, f, GroupNone)
			if err != nil {
				t.Fatal(err)
			}
			if len(before.Rows) != 1 || len(after.Rows) != 1 || after.Rows[0].New != before.Rows[0].New+7 {
				t.Fatalf("new applications of %s %d: before %+v, after the write %+v: want 7 more", f.County, f.Year, before.Rows, after.Rows)
			}
			list2, err := q.Reports(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if list2.Total != list.Total+1 {
				t.Fatalf("reports of %s %d: %d before, %d after a write of one", f.County, f.Year, list.Total, list2.Total)
			}
		})
	}
}

// saveNewTown saves a report of 新设镇, 乐至县 2022, with 7 new
// applications: a write after a reader's first answers.
func saveNewTown(t *testing.T, st *store.Store) {
	t.Helper()
	r := *querytest.Reports()[0]
	r.Agency, r.County, r.Year, r.SHA256 = "新设镇", "乐至县", 2022, "after-a-write"
	r.Cells = map[string]float64{"t3.new.total": 7, "t3.new.natural": 7}
	if _, err := st.Save(context.Background(), &r); err != nil {
		t.Fatal(err)
	}
}
