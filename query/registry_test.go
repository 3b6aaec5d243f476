package query_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
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

// TestPlacedByCounty: a report whose agency the registry cannot place (its
// county, 宝山区, is a name two provinces share) is counted in the one
// province that the placed reports of that county name share (罗店镇, set
// by its county's code in 上海市) — by the map's grouping and by a
// province's filter alike, as the entry page places it — and a report of
// a county placed nowhere stays under ”.
func TestPlacedByCounty(t *testing.T) {
	st, _ := querytest.Seed(t)
	ctx := context.Background()
	base := querytest.Reports()[0]
	for i, x := range []struct{ agency, county string }{
		{"罗店镇", "310113"},      // by its county's code: placed in 上海市
		{"宝山区绿化和市容管理局", "宝山区"}, // 宝山区 is two provinces': not placed by itself
		{"无名镇", "不存在县"},        // placed nowhere
	} {
		r := *base
		r.Agency, r.County, r.SHA256 = x.agency, x.county, fmt.Sprint("placed-", i)
		if _, err := st.Save(ctx, &r); err != nil {
			t.Fatal(err)
		}
	}
	q := query.New(st)
	apps, err := q.Applications(ctx, query.Filter{Year: 2022}, query.GroupProvince)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, r := range apps.Rows {
		got[r.Group.Group] = r.Reports
	}
	want := map[string]int{"四川省": 2, "上海市": 2, "": 1}
	if !maps.Equal(got, want) {
		t.Errorf("2022 by province: %v, want %v", got, want)
	}
	for _, tc := range []struct {
		f    query.Filter
		want []string
	}{
		{query.Filter{Year: 2022, Province: "上海市"}, []string{"宝山区绿化和市容管理局", "罗店镇"}},
		{query.Filter{Year: 2022, Province: "310000"}, []string{"宝山区绿化和市容管理局", "罗店镇"}},
		{query.Filter{Year: 2022, Province: "四川省"}, []string{"劳动镇", "天池镇"}},
		{query.Filter{Year: 2022, City: "资阳市"}, []string{"劳动镇", "天池镇"}},
	} {
		list, err := q.Reports(ctx, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, r := range list.Reports {
			names = append(names, r.Agency)
		}
		slices.Sort(names)
		if !slices.Equal(names, tc.want) {
			t.Errorf("%+v: %v, want %v", tc.f, names, tc.want)
		}
	}
}
