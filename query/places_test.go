package query_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"nianbao/query"
	"nianbao/query/querytest"
	"nianbao/report"
)

// placeList renders an answer as "kind:label(reports)" items, the
// truncation and the total, so that a case reads as one line.
func placeList(res query.PlacesResult) string {
	var parts []string
	for _, p := range res.Places {
		parts = append(parts, fmt.Sprintf("%s:%s(%d)%v", p.Kind, p.Label, p.Reports, p.Years))
	}
	return fmt.Sprintf("%s total=%d truncated=%v", strings.Join(parts, " "), res.Total, res.Truncated)
}

func TestPlaces(t *testing.T) {
	st, _ := querytest.Seed(t)
	q := query.New(st)
	ctx := context.Background()
	cases := []struct {
		name string
		pq   query.PlaceQuery
		want string
	}{
		{"provinces", query.PlaceQuery{}, "province:未归属(1)[2020] province:四川省(3)[2022 2021] total=2 truncated=false"},
		{"cities of a province", query.PlaceQuery{Province: "四川省"}, "city:四川省 资阳市(3)[2022 2021] total=1 truncated=false"},
		{"counties of a city", query.PlaceQuery{Province: "四川省", City: "资阳市"}, "county:四川省 资阳市 乐至县(3)[2022 2021] total=1 truncated=false"},
		{"counties the registry does not place", query.PlaceQuery{City: query.Unplaced}, "county:示范县(1)[2020] total=1 truncated=false"},
		{"search a county by its province", query.PlaceQuery{Q: "四川"}, "county:四川省 资阳市 乐至县(3)[2022 2021] total=1 truncated=false"},
		{"search agencies, bounded", query.PlaceQuery{Q: "镇", Limit: 2}, "agency:乐至县 劳动镇(2)[2022 2021] agency:示范县 城关镇(1)[2020] total=3 truncated=true"},
		{"no wildcards", query.PlaceQuery{Q: "%"}, " total=0 truncated=false"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := q.Places(ctx, tc.pq)
			if err != nil {
				t.Fatal(err)
			}
			if got := placeList(res); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}

	for _, bad := range []query.PlaceQuery{{Q: strings.Repeat("镇", query.MaxPlaceQuery+1)}, {Limit: query.MaxPlaceLimit + 1}} {
		if _, err := q.Places(ctx, bad); !query.IsInputError(err) {
			t.Errorf("%+v: want an input error, got %v", bad, err)
		}
	}

	// A write shows at once: the cached county list is dropped with the
	// rest of the query cache.
	r := report.New("yanjiang.txt")
	r.Agency, r.County, r.Year, r.Edition = "雁江区人民政府", "雁江区", 2023, report.Edition2021
	r.SHA256 = "yj"
	r.Set("t3.new.total", 1, report.Source{Raw: "1"})
	if _, err := st.Save(ctx, r); err != nil {
		t.Fatal(err)
	}
	res, err := q.Places(ctx, query.PlaceQuery{Q: "雁江"})
	if err != nil {
		t.Fatal(err)
	}
	if got := placeList(res); !strings.Contains(got, "雁江区(1)[2023]") {
		t.Errorf("after a save: %s", got)
	}
}
