package query_test

import (
	"context"
	"testing"

	"nianbao/query"
	"nianbao/query/querytest"
)

// TestHierarchyFilters: the seeded reports are 劳动镇 2022 and 2021 and
// 天池镇 2022 (乐至县, 资阳市, 四川省; 天池镇 is not in the registry but its
// county is) and a synthetic 城关镇 of 安岳县 2020 (示例数据, no province).
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
