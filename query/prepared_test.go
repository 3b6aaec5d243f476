package query

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"nianbao/generate"
	"nianbao/ingest"
	"nianbao/query/querytest"
	"nianbao/registry"
	"nianbao/report"
	"nianbao/store"
)

// TestPlacementFromThePlaceTree: the counties' places taken from the place
// tree of the generation (prepared.go) give every statement that filters
// or groups by province or city the very rows that the places computed in
// the statement give (placedIn, the reference), on the seeded reports, the
// sample corpus and generated national reports — some saved under their
// county's code (placed by the registry), some under the county's name
// only, so that the county lookup decides their province.
func TestPlacementFromThePlaceTree(t *testing.T) {
	ctx := context.Background()
	start := time.Now()
	st := nationalDB(t)
	t.Logf("data stored in %v", time.Since(start))
	q := New(st)
	p, err := q.preparedFor(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.placement.counties) < 50 {
		t.Fatalf("%d counties placed by the tree: the data place too few to compare", len(p.placement.counties))
	}
	// Provinces and cities of the tree by name (every fifth, to bound the
	// time), two by code, the unplaced group and a place with no report.
	filters := []Filter{{Province: "310000"}, {City: "512000"}, {Province: "不存在省"}, {Province: Unplaced}, {Year: 2022, Province: "四川省"}}
	seen := map[string]bool{}
	for i, c := range p.counties {
		if i%5 == 0 && c.Province != "" && !seen["p"+c.Province] && len(seen) < 8 {
			seen["p"+c.Province] = true
			filters = append(filters, Filter{Province: c.Province})
		}
		if i%5 == 1 && c.City != "" && !seen["c"+c.City] && len(seen) < 12 {
			seen["c"+c.City] = true
			filters = append(filters, Filter{City: c.City, Level: "towns"})
		}
	}
	stats := []string{"Applications", "Outcomes", "Reviews", "AssessmentMetrics", "Proactive", "Reports", "Reports.count", "FindingsByRule", "FindingsByGroup", "Groups"}
	compare := func(name string, f Filter, g GroupBy, codes []string) {
		t.Helper()
		want, err := build(name, f, g, codes)
		if err != nil {
			t.Fatal(err)
		}
		got, err := buildWith(p.placement, name, f, g, codes)
		if err != nil {
			t.Fatal(err)
		}
		if got.text == want.text {
			t.Fatalf("%s %s by %q: the same statement both ways: nothing compared", name, f.key(), g)
		}
		gr, wr := rowsOf(t, st.DB(), got), rowsOf(t, st.DB(), want)
		switch name {
		case "Proactive":
			sortRows(gr)
			sortRows(wr)
		case "CellsFigures": // no ORDER BY: Cells orders in Go
			byAll := func(a, b []any) int { return strings.Compare(fmt.Sprint(a...), fmt.Sprint(b...)) }
			slices.SortFunc(gr, byAll)
			slices.SortFunc(wr, byAll)
		}
		if i, ok := sameRows(gr, wr); !ok {
			t.Errorf("%s, filter %s, by %q: %d rows, want %d; first difference at row %d:\n got %v\nwant %v", name, f.key(), g, len(gr), len(wr), i, at(gr, i), at(wr, i))
		}
	}
	rowsSeen := 0
	for _, name := range stats {
		for _, g := range []GroupBy{GroupProvince, GroupCity} {
			if body, _ := sqlFiles.ReadFile("sql/" + name + ".sql"); !strings.Contains(string(body), "/*group*/") {
				break // not grouped
			}
			for _, f := range []Filter{{}, {Year: 2022}, {Edition: report.Edition2019}} {
				compare(name, f, g, nil)
			}
		}
		for _, f := range filters {
			compare(name, f, GroupAgency, nil)
		}
	}
	codes := []string{"t3.new.total", "t3.granted.total"}
	for _, g := range []GroupBy{GroupProvince, GroupCity} {
		compare("CellsFigures", Filter{}, g, codes)
	}
	for _, f := range filters {
		compare("CellsFigures", f, GroupCounty, codes)
		rowsSeen += len(rowsOf(t, st.DB(), mustBuild(t, "Reports", f)))
	}
	t.Logf("compared in %v", time.Since(start))
	if rowsSeen == 0 {
		t.Fatal("no report selected by any filter: nothing compared")
	}
}

// nationalDB holds the seeded reports, the sample corpus, three reports
// placed by code, by a shared county name and nowhere, and 300 generated
// national reports, a quarter saved under the county's name only.
func nationalDB(t *testing.T) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, _ := querytest.Seed(t)
	if _, err := ingest.IngestPaths(ctx, st, []string{"../data/sample"}, ingest.Meta{}, nil); err != nil {
		t.Fatal(err)
	}
	base := querytest.Reports()[0]
	for i, x := range []struct{ agency, county string }{
		{"罗店镇", "310113"},      // placed in 上海市 by its county's code
		{"宝山区绿化和市容管理局", "宝山区"}, // a name two provinces share: placed by the lookup
		{"无名镇", "不存在县"},        // placed nowhere
	} {
		r := *base
		r.Agency, r.County, r.SHA256 = x.agency, x.county, fmt.Sprint("placed-", i)
		if _, err := st.Save(ctx, &r); err != nil {
			t.Fatal(err)
		}
	}
	reg, err := registry.Default()
	if err != nil {
		t.Fatal(err)
	}
	var items []store.BatchItem
	n := 0
	err = generate.National(generate.NationalPlaces(reg, 1), generate.NationalOptions{Seed: 3, Limit: 300}, func(d generate.NationalDoc) error {
		r := d.Report
		if n%4 != 0 {
			r.County = d.CountyCode // the others keep the county's name only
		}
		n++
		items = append(items, store.BatchItem{Report: r})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.SaveBatch(ctx, items); err != nil {
		t.Fatal(err)
	}
	// Reviewed findings: some dismissed (left out of the counts unless a
	// filter asks for them), some confirmed, among them rule 1–4 findings
	// (AssessmentMetrics' identities).
	rows, err := st.DB().QueryContext(ctx, `SELECT DISTINCT report_id FROM findings ORDER BY report_id`)
	if err != nil {
		t.Fatal(err)
	}
	var flagged []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		flagged = append(flagged, id)
	}
	rows.Close()
	for i, id := range flagged {
		state := "dismissed"
		if i%3 == 2 {
			state = "confirmed"
		}
		if i%2 == 0 || i > 40 {
			continue
		}
		if err := st.ReviewFinding(ctx, id, 0, state, "测试", "测试"); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

func mustBuild(t *testing.T, name string, f Filter) stmt {
	t.Helper()
	st, err := build(name, f, GroupNone, nil)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestRewrittenAsBefore: the report list and the assessment metrics,
// which read the findings of the selected reports only, give the rows,
// order and counts of their SQL before (testdata/before25, which read the
// findings relation whole), under every kind of filter, grouping and page.
func TestRewrittenAsBefore(t *testing.T) {
	st := nationalDB(t)
	yes := true
	no := false
	filters := []Filter{{}, {Year: 2022}, {County: "乐至县"}, {County: "512022", Year: 2022}, {HasFindings: &yes}, {HasFindings: &no},
		{Dismissed: true}, {Level: "towns"}, {Level: LevelNoDepartments, Year: 2023}, {Province: "上海市"}, {Edition: report.Edition2019},
		{Limit: 7, Offset: 5}, {Limit: 1000}}
	for _, c := range []struct {
		name      string
		groupings []GroupBy
		flagged   func(row []any) bool // a row that counts findings
	}{
		{"Reports", []GroupBy{GroupNone}, func(r []any) bool { return r[10].(float64)+r[11].(float64)+r[12].(float64) > 0 }},
		{"AssessmentMetrics", []GroupBy{GroupNone, GroupAgency, GroupCounty, GroupProvince}, func(r []any) bool { return r[8].(float64) < r[2].(float64) }},
	} {
		before, err := os.ReadFile(filepath.Join("testdata", "before25", c.name+".sql"))
		if err != nil {
			t.Fatal(err)
		}
		flagged := 0
		for _, g := range c.groupings {
			for _, f := range filters {
				now, err := build(c.name, f, g, nil)
				if err != nil {
					t.Fatal(err)
				}
				old, err := buildText(c.name, string(before), f, g, nil)
				if err != nil {
					t.Fatal(err)
				}
				got, want := rowsOf(t, st.DB(), now), rowsOf(t, st.DB(), old)
				got = columnsBefore(c.name, got, want)
				if f == (Filter{}) && len(want) == 0 {
					t.Fatalf("%s: no row: nothing compared", c.name)
				}
				for _, r := range want {
					if c.flagged(r) {
						flagged++
					}
				}
				if i, ok := sameRows(got, want); !ok {
					t.Errorf("%s by %q, filter %s: %d rows, want %d; first difference at row %d:\n got %v\nwant %v", c.name, g, f.key(), len(got), len(want), i, at(got, i), at(want, i))
				}
			}
		}
		if flagged == 0 {
			t.Errorf("%s: no row counts a finding: the counts were not compared", c.name)
		}
	}
}

// TestInLevelAsTheFilter: splitting a list by InLevel gives the reports,
// in order, that the level's filter selects in SQL.
func TestInLevelAsTheFilter(t *testing.T) {
	st := nationalDB(t)
	q := New(st)
	ctx := context.Background()
	ids := func(f Filter, keep func(ReportSummary) bool) []int64 {
		f.Limit = MaxLimit
		list, err := q.Reports(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if list.Total > MaxLimit {
			t.Fatalf("%d reports: more than one page", list.Total)
		}
		var out []int64
		for _, r := range list.Reports {
			if keep(r) {
				out = append(out, r.ID)
			}
		}
		return out
	}
	all := func(ReportSummary) bool { return true }
	for _, level := range []string{"", "towns", "departments", LevelNoDepartments, "镇", "街道", "县级政府", "县级部门"} {
		want := ids(Filter{Level: level}, all)
		got := ids(Filter{}, func(r ReportSummary) bool { return InLevel(level, r) })
		if !slices.Equal(got, want) {
			t.Errorf("level %q: %d reports kept, the filter selects %d", level, len(got), len(want))
		}
		if level == "towns" && len(want) == 0 {
			t.Error("no town among the reports: nothing compared")
		}
	}
}
