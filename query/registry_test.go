package query_test

import (
	"context"
	"testing"

	"nianbao/query"
	"nianbao/query/querytest"
	"nianbao/report"
)

// TestHierarchyFilters: the seeded reports are 劳动镇 2022 and 2021 and
// 天池镇 2022 (乐至县, 资阳市, 四川省; 天池镇 is not in the registry but its
// county is) and a synthetic 城关镇 of 示范县 2020 (示例数据, no province).
func TestHierarchyFilters(t *testing.T) {
	st, _ := querytest.Seed(t)
	q := query.New(st)
	ctx := context.Background()
	cases := []struct {
		name string
		f    query.Filter
		want int
	}{
		{"province by name", query.Filter{Province: "四川省"}, 3},
		{"province by code", query.Filter{Province: "510000"}, 3},
		{"city", query.Filter{City: "资阳市"}, 3},
		{"county by code", query.Filter{County: "512022"}, 3},
		{"county by name", query.Filter{County: "乐至县"}, 3},
		{"agency id", query.Filter{AgencyID: "512022110"}, 2},
		{"towns", query.Filter{Level: "towns"}, 4},
		{"departments", query.Filter{Level: "departments"}, 0},
		{"county governments", query.Filter{Level: "县级政府"}, 0},
		{"another province", query.Filter{Province: "江苏省"}, 0},
	}
	for _, c := range cases {
		list, err := q.Reports(ctx, c.f)
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Reports) != c.want {
			t.Errorf("%s: %d reports, want %d", c.name, len(list.Reports), c.want)
		}
	}
	for g, want := range map[query.GroupBy]map[string]int{
		query.GroupProvince: {"四川省": 3, "": 1},
		query.GroupCity:     {"资阳市": 3, "": 1},
		query.GroupLevel:    {"镇": 4},
	} {
		res, err := q.Applications(ctx, query.Filter{}, g)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, r := range res.Rows {
			got[r.Group.Group] = r.Reports
		}
		if len(got) != len(want) {
			t.Errorf("group by %s: %v, want %v", g, got, want)
		}
		for k, n := range want {
			if got[k] != n {
				t.Errorf("group by %s: %v, want %v", g, got, want)
			}
		}
	}
}

// A county government and its bureaus are not towns: no_departments leaves
// them out and keeps agencies the registry could not place.
func TestNoDepartmentsFilter(t *testing.T) {
	st, _ := querytest.Seed(t)
	ctx := context.Background()
	for _, r := range querytest.Reports()[:1] {
		gov := *r
		gov.Agency, gov.SHA256, gov.Cells = "乐至县人民政府", "gov", map[string]float64{"t3.new.total": 1}
		bureau := gov
		bureau.Agency, bureau.SHA256 = "乐至县教育局", "bureau"
		for _, x := range []*report.Report{&gov, &bureau} {
			if _, err := st.Save(ctx, x); err != nil {
				t.Fatal(err)
			}
		}
	}
	q := query.New(st)
	all, _ := q.Reports(ctx, query.Filter{County: "乐至县", Year: 2022})
	towns, _ := q.Reports(ctx, query.Filter{County: "乐至县", Year: 2022, Level: query.LevelNoDepartments})
	if len(all.Reports) != 4 || len(towns.Reports) != 2 {
		t.Fatalf("乐至县 2022: %d reports, %d without the government and bureau; want 4 and 2", len(all.Reports), len(towns.Reports))
	}
	for _, r := range towns.Reports {
		if r.Agency == "乐至县人民政府" || r.Agency == "乐至县教育局" {
			t.Errorf("%s kept", r.Agency)
		}
	}
}
