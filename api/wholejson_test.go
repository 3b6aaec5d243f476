package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"testing"

	"nianbao/query"
	"nianbao/query/querytest"
)

// wholeAsMarshal fails the test unless writeWholeJSON writes v byte for
// byte as json.Marshal does (or both fail).
func wholeAsMarshal(t *testing.T, name string, v any) {
	t.Helper()
	want, werr := json.Marshal(v)
	var got bytes.Buffer
	done, gerr := writeWholeJSON(&got, v)
	if !done {
		t.Fatalf("%s: %T has no hand encoder", name, v)
	}
	if (werr != nil) != (gerr != nil) {
		t.Fatalf("%s: json.Marshal err %v, hand encoder err %v", name, werr, gerr)
	}
	if werr != nil {
		return
	}
	if !bytes.Equal(got.Bytes(), want) {
		i := 0
		for i < min(got.Len(), len(want)) && got.Bytes()[i] == want[i] {
			i++
		}
		lo := max(i-80, 0)
		t.Errorf("%s: differs from json.Marshal at byte %d of %d:\n got  %s\n want %s", name, i, len(want),
			got.Bytes()[lo:min(i+80, got.Len())], want[lo:min(i+80, len(want))])
	}
}

// TestWholeJSONAsMarshal: every whole-country form — each statistic and
// cell sums, every grouping — over the seeded reports and 300 generated
// national ones, encoded by hand exactly as json.Marshal encodes it.
func TestWholeJSONAsMarshal(t *testing.T) {
	st, _ := querytest.Seed(t)
	ctx := context.Background()
	for _, r := range querytest.Generated(300) {
		if _, err := st.Save(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	q := query.New(st)
	codeSets := [][]string{{"t3.new.total", "t3.denied.*"}, {"t3.new.total"}, {"t2.*"}, {"t4.*", "t3.granted.total"}}
	for _, g := range append([]query.GroupBy{query.GroupNone}, query.AllGroupings...) {
		forms := map[string]func() (any, error){
			"applications": func() (any, error) { return q.Applications(ctx, query.Filter{}, g) },
			"outcomes":     func() (any, error) { return q.Outcomes(ctx, query.Filter{}, g) },
			"reviews":      func() (any, error) { return q.Reviews(ctx, query.Filter{}, g) },
			"proactive":    func() (any, error) { return q.Proactive(ctx, query.Filter{}, g) },
			// A year filter fills the change on the previous year.
			"applications, 2023": func() (any, error) { return q.Applications(ctx, query.Filter{Year: 2023}, g) },
		}
		for i, codes := range codeSets {
			forms[fmt.Sprint("cells ", i)] = func() (any, error) { return q.Cells(ctx, codes, query.Filter{}, g) }
		}
		for name, get := range forms {
			v, err := get()
			if err != nil {
				t.Fatalf("%s by %q: %v", name, g, err)
			}
			wholeAsMarshal(t, fmt.Sprintf("%s by %q", name, g), v)
		}
	}
}

// TestWholeJSONEdges: strings encoding/json escapes (HTML, control
// characters, invalid UTF-8, U+2028), floats at the edges of its formats,
// nil maps, rows and pointers, rows whose maps differ, codes that sort
// among the group's keys, and values JSON cannot hold.
func TestWholeJSONEdges(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	names := []string{"乐至县", "A&B", `<b>&"引号"\`, "a\u2028b\u2029", "\x01\t\n\b\f\x7f", "bad\xffutf8", "", "北京市\xe2\x80"}
	nums := []float64{0, math.Copysign(0, -1), 0.1, 1e-6, 9.99e-7, 1e-7, 1e20, 1e21, 123456789012345678901234, -2.5e-300, math.MaxFloat64, 3}
	outcomes := query.OutcomesResult{GroupBy: query.GroupCounty}
	reviews := query.ReviewsResult{GroupBy: query.GroupAgency}
	apps := query.ApplicationsResult{GroupBy: query.GroupYear}
	pro := query.ProactiveResult{GroupBy: query.GroupCounty, Codes: map[string][]string{"2021": {"t2.a", "<t2.b>"}, "2019": nil},
		Labels: map[string]string{"t2.a": "甲", "<t2.b>": names[1]}}
	for i, name := range names {
		n := nums[i%len(nums)]
		m := nums[(i+5)%len(nums)]
		g := query.Group{Group: name, County: names[(i+1)%len(names)], Reports: i}
		row := query.OutcomesRow{Group: g, Total: n, WithoutTable3: i, DisclosureRate: f(m)}
		row.Counts.DeniedBy = map[string]float64{"state_secret": n, "inquiry": m}
		row.Shares.DeniedBy = map[string]*float64{"state_secret": nil, "inquiry": f(m)}
		if i == 2 {
			row.Counts.DeniedBy = map[string]float64{"other": 1, name: 2} // keys unlike the first row's
			row.Shares.DeniedBy = nil
		}
		outcomes.Rows = append(outcomes.Rows, row)
		reviews.Rows = append(reviews.Rows, query.ReviewsRow{Group: g, Reconsideration: query.ReviewCounts{Upheld: n, CorrectionRate: f(m)}, WithoutTable4: i})
		apps.Rows = append(apps.Rows, query.ApplicationsRow{Group: g, New: n, PreviousNew: f(m), ByApplicant: query.ApplicantCounts{Legal: m}})
		pro.Rows = append(pro.Rows, query.ProactiveRow{Group: g, Edition: []string{"2021", "2019"}[i%2], Values: map[string]*float64{"t2.a": f(n), "<t2.b>": nil, name: f(m)}})
	}
	cases := map[string]any{
		"outcomes": outcomes, "reviews": reviews, "applications": apps, "proactive": pro,
		"nil rows":      query.OutcomesResult{},
		"nil reviews":   query.ReviewsResult{GroupBy: query.GroupNone},
		"nil proactive": query.ProactiveResult{},
		"nil cells":     query.CellsResult{},
		"NaN":           query.OutcomesResult{Rows: []query.OutcomesRow{{Total: math.NaN()}}},
		"+Inf share":    query.ApplicationsResult{Rows: []query.ApplicationsRow{{ChangeRate: f(math.Inf(1))}}},
		"-Inf cell":     query.CellsResult{Rows: []query.CellsRow{{Values: map[string]*float64{"x": f(math.Inf(-1))}}}},
	}
	for _, g := range append([]query.GroupBy{query.GroupNone}, query.AllGroupings...) {
		cells := query.CellsResult{GroupBy: g, Codes: []string{"t3.new.total", "county", "a", "year", "values"}, Labels: map[string]string{"a": names[1]}}
		for i, name := range append(names, "2023", "0099", "-1") {
			vals := map[string]*float64{"t3.new.total": f(nums[i%len(nums)]), "a": nil, "zz": f(1)}
			switch i {
			case 1: // codes that are also keys of the row's map
				vals["county"], vals["year"], vals["values"], vals["group"], vals[string(g)] = f(1), f(2), f(3), f(4), f(5)
			case 3:
				vals = map[string]*float64{}
			case 4:
				vals = nil
			}
			cells.Rows = append(cells.Rows, query.CellsRow{Group: query.Group{Group: name, County: names[(i+2)%len(names)], Reports: i}, Values: vals})
		}
		cases[fmt.Sprintf("cells by %q", g)] = cells
	}
	for name, v := range cases {
		wholeAsMarshal(t, name, v)
	}
}
