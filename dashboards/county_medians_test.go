package dashboards

import (
	"context"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"testing"

	"nianbao/generate"
	"nianbao/ingest"
	"nianbao/query"
	"nianbao/query/querytest"
	"nianbao/registry"
	"nianbao/store"
)

// TestCountyPageAsTheStatements renders the data of the county page twice
// for counties of the sample corpus and of 300 generated national reports,
// towns and departments, every year: once with the province medians query
// computes per data generation, once with the five statistics filtered to
// each province and level (the page's former statements), each on its own
// query.Service, the reference with every county filter in SQL rather
// than the county index and each statistic by its own statement rather
// than the one of query.CountyFigures. Every figure of the page must be the same; the
// review totals are held to Reviews of the page's filter.
func TestCountyPageAsTheStatements(t *testing.T) {
	ctx := context.Background()
	st, _ := querytest.Seed(t)
	if _, err := ingest.IngestPaths(ctx, st, []string{"../data/sample"}, ingest.Meta{}, nil); err != nil {
		t.Fatal(err)
	}
	reg, err := registry.Default()
	if err != nil {
		t.Fatal(err)
	}
	var items []store.BatchItem
	err = generate.National(generate.NationalPlaces(reg, 1), generate.NationalOptions{Seed: 5, Limit: 300}, func(d generate.NationalDoc) error {
		items = append(items, store.BatchItem{Report: d.Report})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.SaveBatch(ctx, items); err != nil {
		t.Fatal(err)
	}
	qa, qb := query.New(st), query.New(st)
	qb.CountyFiltersInSQL() // the statements as they were: county and level in SQL
	qb.FiguresApart()       // and each statistic its own statement, not query.CountyFigures
	pre := &handler{q: qa, log: testLogger(t)}
	ref := &handler{q: qb, log: testLogger(t), medians: qb.ProvinceMediansByStatements}

	// The counties with the most bodies of a registry level, and the
	// sample's: a page of each year of each.
	list, err := listReports(ctx, qa, query.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	type key struct {
		county string
		year   int
	}
	bodies := map[key]int{}
	for _, r := range list {
		if r.Level != "" {
			bodies[key{r.County, r.Year}]++
		}
	}
	keys := make([]key, 0, len(bodies))
	for k := range bodies {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if bodies[a] != bodies[b] {
			return bodies[a] > bodies[b]
		}
		return a.county < b.county || a.county == b.county && a.year < b.year
	})
	var scopes []scope
	for _, k := range keys[:min(12, len(keys))] {
		scopes = append(scopes, scope{County: k.county, Year: k.year}, scope{County: k.county, Year: k.year, Departments: true})
	}
	provinceRows, reviewRows := 0, 0
	for _, s := range scopes {
		got, _, err := pre.countyData(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		want, _, err := ref.countyData(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s %d (departments %v): the page with the precomputed medians differs from the statements':\n got %+v\nwant %+v",
				s.County, s.Year, s.Departments, got.Sections[0], want.Sections[0])
		}
		// The towns' review totals are the year's row of the trend's
		// statistic: the same as Reviews of the page's filter, ungrouped.
		rev, err := qb.Reviews(ctx, query.Filter{County: s.County, Year: s.Year, Level: s.level()}, query.GroupNone)
		if err != nil {
			t.Fatal(err)
		}
		var revRow *query.ReviewsRow
		if len(rev.Rows) > 0 {
			revRow = &rev.Rows[0]
			reviewRows++
		}
		wantReview := reviewChart("review", "", "", revRow).Table
		for _, sec := range got.Sections {
			for _, ch := range sec.Charts {
				if ch.ID == "review" && !reflect.DeepEqual(ch.Table, wantReview) {
					t.Errorf("%s %d (departments %v): review totals %+v, want %+v", s.County, s.Year, s.Departments, ch.Table, wantReview)
				}
			}
		}
		for _, row := range want.Sections[0].Charts[0].Table.Rows {
			if len(row.Label) > len("全省") && row.Label[:len("全省")] == "全省" {
				provinceRows++
			}
		}
	}
	if provinceRows < len(scopes)/2 {
		t.Fatalf("%d province median rows over %d pages: too few compared", provinceRows, len(scopes))
	}
	if reviewRows == 0 {
		t.Fatal("no page with table 4 read: the review totals were not compared")
	}
	t.Logf("%d pages compared, %d province median rows, %d review totals", len(scopes), provinceRows, reviewRows)
}

// TestCountyPageAfterAWrite: the county page after a write shows the new
// report's figures (its body in the ranking, the year's total in the
// trend), never the generation before's.
func TestCountyPageAfterAWrite(t *testing.T) {
	e, st := fixtureStore(t)
	const path = "/dashboards/county?county=%E4%B9%90%E8%87%B3%E5%8E%BF&year=2022"
	code, before, _ := get(t, e, path)
	if code != http.StatusOK || strings.Contains(before, "新设镇") || strings.Contains(before, "4321") {
		t.Fatalf("before the write: %d, the new body or figure already there", code)
	}
	r := *querytest.Reports()[0]
	r.Agency, r.County, r.Year, r.SHA256 = "新设镇", "乐至县", 2022, "after-a-write"
	r.Cells = map[string]float64{"t3.new.total": 4321, "t3.new.natural": 4321}
	if _, err := st.Save(context.Background(), &r); err != nil {
		t.Fatal(err)
	}
	code, after, _ := get(t, e, path)
	if code != http.StatusOK || !strings.Contains(after, "新设镇") || !strings.Contains(after, "4321") {
		t.Fatalf("after the write: %d, the new body %v, its figure %v", code, strings.Contains(after, "新设镇"), strings.Contains(after, "4321"))
	}
}
