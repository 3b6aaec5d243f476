package query

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"nianbao/query/querytest"
	"nianbao/report"
)

// proactiveBefore is proactive's scan as it was before issue 25's third
// pass (a pointer allocated per value, a map lookup per statement row):
// the oracle of TestProactiveAsBefore.
func (s *Service) proactiveBefore(ctx context.Context, f Filter, g GroupBy) (ProactiveResult, error) {
	res := ProactiveResult{GroupBy: g, Codes: map[string][]string{}, Labels: map[string]string{}, Rows: []ProactiveRow{}}
	for _, ed := range []string{report.Edition2019, report.Edition2021} {
		res.Codes[ed] = T2Codes(ed)
		for _, c := range res.Codes[ed] {
			res.Labels[c] = report.Label(c)
		}
	}
	rows, err := s.query(ctx, "Proactive", f, g, nil)
	if err != nil {
		return res, err
	}
	defer rows.Close()
	index := map[[3]string]int{}
	for rows.Next() {
		var grp, county, edition string
		var reports int
		var code *string
		var total *float64
		if err := rows.Scan(&grp, &county, &edition, &reports, &code, &total); err != nil {
			return res, fmt.Errorf("proactive: %w", err)
		}
		k := [3]string{grp, county, edition}
		i, ok := index[k]
		if !ok {
			row := ProactiveRow{Group: Group{Group: grp, County: county, Reports: reports}, Edition: edition, Values: map[string]*float64{}}
			for _, c := range T2Codes(edition) {
				row.Values[c] = nil
			}
			res.Rows = append(res.Rows, row)
			i = len(res.Rows) - 1
			index[k] = i
		}
		if code != nil && total != nil {
			res.Rows[i].Values[*code] = total
		}
	}
	return res, rows.Err()
}

// TestProactiveAsBefore: table 2 of every grouping, with and without a
// year, over the seeded reports and 300 generated national ones, as the
// scan before gave it.
func TestProactiveAsBefore(t *testing.T) {
	st, _ := querytest.Seed(t)
	ctx := context.Background()
	for _, r := range querytest.Generated(300) {
		if _, err := st.Save(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	s := New(st)
	for _, f := range []Filter{{}, {Year: 2023}, {Edition: report.Edition2019}} {
		for _, g := range append([]GroupBy{GroupNone}, AllGroupings...) {
			got, err := s.proactive(ctx, f, g)
			if err != nil {
				t.Fatal(err)
			}
			want, err := s.proactiveBefore(ctx, f, g)
			if err != nil {
				t.Fatal(err)
			}
			if len(want.Rows) == 0 {
				t.Errorf("%+v by %q: no rows to compare", f, g)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%+v by %q: %d rows, want %d, or a value differs", f, g, len(got.Rows), len(want.Rows))
			}
		}
	}
}
