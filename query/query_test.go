package query_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"nianbao/query"
	"nianbao/query/querytest"
	"nianbao/report"
)

func seed(t *testing.T) (*query.Service, []int64) {
	t.Helper()
	st, ids := querytest.Seed(t)
	return query.New(st), ids
}

func f64(v float64) *float64 { return &v }

func eqPtr(a, b *float64) bool {
	if a == nil || b == nil {
		return a == b
	}
	d := *a - *b
	return d < 1e-9 && d > -1e-9
}

func show(p *float64) string {
	if p == nil {
		return "null"
	}
	b, _ := json.Marshal(*p)
	return string(b)
}

func TestReports(t *testing.T) {
	q, ids := seed(t)
	yes, no := true, false
	cases := []struct {
		name  string
		f     query.Filter
		total int
		want  []int64
	}{
		{"all, newest year first", query.Filter{}, 4, []int64{ids[0], ids[1], ids[2], ids[3]}},
		{"year", query.Filter{Year: 2022}, 2, []int64{ids[0], ids[1]}},
		{"county", query.Filter{County: "示范县"}, 1, []int64{ids[3]}},
		{"agency", query.Filter{Agency: "劳动镇"}, 2, []int64{ids[0], ids[2]}},
		{"edition", query.Filter{Edition: "2019"}, 1, []int64{ids[3]}},
		{"with findings", query.Filter{HasFindings: &yes}, 2, []int64{ids[0], ids[3]}},
		{"without findings", query.Filter{HasFindings: &no}, 2, []int64{ids[1], ids[2]}},
		{"page", query.Filter{Limit: 2, Offset: 1}, 4, []int64{ids[1], ids[2]}},
		{"past the end", query.Filter{Offset: 10}, 4, nil},
		{"nothing", query.Filter{County: "无此县"}, 0, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := q.Reports(context.Background(), c.f)
			if err != nil {
				t.Fatal(err)
			}
			var gotIDs []int64
			for _, r := range got.Reports {
				gotIDs = append(gotIDs, r.ID)
			}
			if got.Total != c.total || len(gotIDs) != len(c.want) {
				t.Fatalf("total %d ids %v; want %d %v", got.Total, gotIDs, c.total, c.want)
			}
			for i := range gotIDs {
				if gotIDs[i] != c.want[i] {
					t.Fatalf("ids %v; want %v", gotIDs, c.want)
				}
			}
		})
	}
	got, _ := q.Reports(context.Background(), query.Filter{Agency: "劳动镇", Year: 2022})
	r := got.Reports[0]
	if r.Errors != 1 || r.Warnings != 1 || r.PublishedOn != "2023-01-20" || r.SourceFile != "laodong-2022.txt" || r.Edition != "2021" || r.Synthetic {
		t.Fatalf("summary %+v", r)
	}
	got, _ = q.Reports(context.Background(), query.Filter{County: "示范县"})
	if !got.Reports[0].Synthetic || got.Reports[0].Warnings != 1 || got.Reports[0].Errors != 0 {
		t.Fatalf("summary %+v", got.Reports[0])
	}
}

func TestReport(t *testing.T) {
	q, ids := seed(t)
	ctx := context.Background()
	d, err := q.Report(ctx, ids[0], query.ReportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Agency != "劳动镇" || d.Cells["t3.new.total"] != 10 || d.Sources != nil || d.Labels != nil || len(d.Findings) != 2 {
		t.Fatalf("plain: %+v", d)
	}
	d, _ = q.Report(ctx, ids[0], query.ReportOptions{Labels: true, Sources: true})
	if d.Labels["t3.new.total"] != report.Label("t3.new.total") || d.Sources["t3.new.total"].Raw != "10" {
		t.Fatalf("labels/sources: %v %v", d.Labels["t3.new.total"], d.Sources["t3.new.total"])
	}
	if _, err := q.Report(ctx, 9999, query.ReportOptions{}); !errors.Is(err, query.ErrNotFound) {
		t.Fatalf("missing report: %v", err)
	}
}

func TestCells(t *testing.T) {
	q, _ := seed(t)
	type row struct {
		group, county string
		reports       int
		values        map[string]*float64
	}
	cases := []struct {
		name  string
		codes []string
		f     query.Filter
		g     query.GroupBy
		want  []row
	}{
		{"none", []string{"t3.new.total"}, query.Filter{}, query.GroupNone,
			[]row{{"合计", "", 4, map[string]*float64{"t3.new.total": f64(20)}}}},
		{"agency", []string{"t3.new.total"}, query.Filter{}, query.GroupAgency, []row{
			{"劳动镇", "乐至县", 2, map[string]*float64{"t3.new.total": f64(14)}},
			{"天池镇", "乐至县", 1, map[string]*float64{"t3.new.total": f64(0)}},
			{"城关镇", "示范县", 1, map[string]*float64{"t3.new.total": f64(6)}},
		}},
		{"county", []string{"t3.new.total"}, query.Filter{}, query.GroupCounty, []row{
			{"乐至县", "", 3, map[string]*float64{"t3.new.total": f64(14)}},
			{"示范县", "", 1, map[string]*float64{"t3.new.total": f64(6)}},
		}},
		{"year", []string{"t3.new.total", "t2.regulations.issued"}, query.Filter{}, query.GroupYear, []row{
			{"2020", "", 1, map[string]*float64{"t3.new.total": f64(6), "t2.regulations.issued": nil}},
			{"2021", "", 1, map[string]*float64{"t3.new.total": f64(4), "t2.regulations.issued": f64(1)}},
			{"2022", "", 2, map[string]*float64{"t3.new.total": f64(10), "t2.regulations.issued": f64(2)}},
		}},
		{"edition", []string{"t3.denied.state_secret.total"}, query.Filter{}, query.GroupEdition, []row{
			{"2019", "", 1, map[string]*float64{"t3.denied.state_secret.total": f64(1)}},
			{"2021", "", 3, map[string]*float64{"t3.denied.state_secret.total": nil}},
		}},
		{"filtered", []string{"t3.new.natural"}, query.Filter{County: "乐至县", Year: 2022}, query.GroupNone,
			[]row{{"合计", "", 2, map[string]*float64{"t3.new.natural": f64(8)}}}},
		{"no report", []string{"t3.new.total"}, query.Filter{Year: 1999}, query.GroupNone, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := q.Cells(context.Background(), c.codes, c.f, c.g)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Rows) != len(c.want) {
				t.Fatalf("%d rows, want %d: %+v", len(got.Rows), len(c.want), got.Rows)
			}
			for i, w := range c.want {
				g := got.Rows[i]
				if g.Group.Group != w.group || g.County != w.county || g.Reports != w.reports {
					t.Errorf("row %d = %s/%s/%d, want %s/%s/%d", i, g.Group.Group, g.County, g.Reports, w.group, w.county, w.reports)
				}
				for code, v := range w.values {
					if pv, ok := g.Values[code]; !ok || !eqPtr(pv, v) {
						t.Errorf("row %d %s = %s, want %s", i, code, show(pv), show(v))
					}
				}
				if len(g.Values) != len(w.values) {
					t.Errorf("row %d has %d values, want %d", i, len(g.Values), len(w.values))
				}
			}
		})
	}
	// The 8 denied reasons × 7 columns.
	got, err := q.Cells(context.Background(), []string{"t3.denied.*"}, query.Filter{}, query.GroupNone)
	if err != nil || len(got.Codes) != 56 {
		t.Fatalf("prefix expanded to %d codes (%v)", len(got.Codes), err)
	}
}

func TestCellsUnknownCode(t *testing.T) {
	q, _ := seed(t)
	_, err := q.Cells(context.Background(), []string{"t3.new.total", "t9.nope"}, query.Filter{}, query.GroupNone)
	var ie *query.InputError
	if !errors.As(err, &ie) || ie.Field != "codes" || len(ie.Valid) != len(report.Cells()) {
		t.Fatalf("err = %v", err)
	}
	if _, err := query.ParseGroupBy("town"); !query.IsInputError(err) {
		t.Fatalf("group_by town: %v", err)
	}
}

func TestApplications(t *testing.T) {
	q, _ := seed(t)
	ctx := context.Background()
	got, err := q.Applications(ctx, query.Filter{}, query.GroupYear)
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		group              string
		new, received      float64
		natural            float64
		prev, change, rate *float64
	}
	check := func(rows []query.ApplicationsRow, ws []want) {
		t.Helper()
		if len(rows) != len(ws) {
			t.Fatalf("%d rows, want %d", len(rows), len(ws))
		}
		for i, w := range ws {
			r := rows[i]
			if r.Group.Group != w.group || r.New != w.new || r.Received != w.received || r.ByApplicant.Natural != w.natural ||
				!eqPtr(r.PreviousNew, w.prev) || !eqPtr(r.Change, w.change) || !eqPtr(r.ChangeRate, w.rate) {
				t.Errorf("row %d: %s new %v recv %v nat %v prev %s change %s rate %s; want %+v", i, r.Group.Group, r.New, r.Received,
					r.ByApplicant.Natural, show(r.PreviousNew), show(r.Change), show(r.ChangeRate), w)
			}
		}
	}
	check(got.Rows, []want{
		{"2020", 6, 6, 6, nil, nil, nil},
		{"2021", 4, 4, 4, f64(6), f64(-2), f64(-2.0 / 6)},
		{"2022", 10, 12, 8, f64(4), f64(6), f64(1.5)},
	})
	got, _ = q.Applications(ctx, query.Filter{Year: 2022}, query.GroupAgency)
	check(got.Rows, []want{
		{"劳动镇", 10, 12, 8, f64(4), f64(6), f64(1.5)},
		{"天池镇", 0, 0, 0, nil, nil, nil},
	})
	got, _ = q.Applications(ctx, query.Filter{}, query.GroupNone)
	check(got.Rows, []want{{"合计", 20, 22, 18, nil, nil, nil}})
}

func TestOutcomes(t *testing.T) {
	q, _ := seed(t)
	got, err := q.Outcomes(context.Background(), query.Filter{}, query.GroupAgency)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Rows) != 3 {
		t.Fatalf("%d rows", len(got.Rows))
	}
	ld, tc, cg := got.Rows[0], got.Rows[1], got.Rows[2]
	// 劳动镇 2021+2022: total 14, granted 9, partial 1, denied 2, unavailable 1, other 1 (sub-rows).
	if ld.Group.Group != "劳动镇" || ld.Total != 14 || ld.Counts.Granted != 9 || ld.Counts.Partial != 1 || ld.Counts.Denied != 2 ||
		ld.Counts.DeniedBy["third_party"] != 2 || ld.Counts.Unavailable != 1 || ld.Counts.Other != 1 || ld.Counts.NotProcessed != 0 {
		t.Fatalf("劳动镇 %+v", ld)
	}
	for name, c := range map[string]struct{ got, want *float64 }{
		"granted share":    {ld.Shares.Granted, f64(9.0 / 14)},
		"third party":      {ld.Shares.DeniedBy["third_party"], f64(2.0 / 14)},
		"state secret":     {ld.Shares.DeniedBy["state_secret"], f64(0)},
		"disclosure rate":  {ld.DisclosureRate, f64(10.0 / 14)},
		"substantive rate": {ld.SubstantiveRate, f64(10.0 / 12)},
		"other share":      {ld.Shares.Other, f64(1.0 / 14)},
		"天池 disclosure":    {tc.DisclosureRate, nil},
		"天池 granted":       {tc.Shares.Granted, nil},
		"天池 substantive":   {tc.SubstantiveRate, nil},
		"城关 substantive":   {cg.SubstantiveRate, f64(3.0 / 4)},
		"城关 other share":   {cg.Shares.Other, f64(2.0 / 6)},
	} {
		if !eqPtr(c.got, c.want) {
			t.Errorf("%s = %s, want %s", name, show(c.got), show(c.want))
		}
	}
	// Null shares must marshal as JSON null.
	b, err := json.Marshal(tc)
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	json.Unmarshal(b, &back)
	if back["disclosure_rate"] != nil {
		t.Fatalf("disclosure_rate = %v", back["disclosure_rate"])
	}
}

func TestReviews(t *testing.T) {
	q, _ := seed(t)
	got, err := q.Reviews(context.Background(), query.Filter{Year: 2022}, query.GroupCounty)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Rows) != 1 {
		t.Fatalf("%d rows", len(got.Rows))
	}
	r := got.Rows[0]
	rc := r.Reconsideration
	if r.Group.Group != "乐至县" || r.Reports != 2 || rc.Upheld != 1 || rc.Corrected != 1 || rc.Pending != 1 || rc.Total != 3 ||
		!eqPtr(rc.CorrectionRate, f64(0.5)) {
		t.Fatalf("reconsideration %+v rate %s", rc, show(rc.CorrectionRate))
	}
	if r.Litigation.Upheld != 2 || r.Litigation.Total != 2 || !eqPtr(r.Litigation.CorrectionRate, f64(0)) ||
		r.LitigationAfter.CorrectionRate != nil {
		t.Fatalf("litigation %+v", r.Litigation)
	}
}

func TestProactive(t *testing.T) {
	q, _ := seed(t)
	got, err := q.Proactive(context.Background(), query.Filter{}, query.GroupNone)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Rows) != 2 {
		t.Fatalf("%d rows: %+v", len(got.Rows), got.Rows)
	}
	e19, e21 := got.Rows[0], got.Rows[1]
	if e19.Edition != "2019" || e19.Reports != 1 || !eqPtr(e19.Values["t2.regulations.made"], f64(3)) ||
		!eqPtr(e19.Values["t2.procurement.amount"], f64(12.5)) || e19.Values["t2.licensing.previous"] != nil {
		t.Fatalf("2019: %+v", e19)
	}
	if _, mixed := e19.Values["t2.regulations.issued"]; mixed {
		t.Fatal("2019 row carries a 2021 code")
	}
	if e21.Edition != "2021" || e21.Reports != 3 || !eqPtr(e21.Values["t2.regulations.issued"], f64(3)) ||
		!eqPtr(e21.Values["t2.fees.amount"], f64(1.5)) || len(e21.Values) != len(query.T2Codes("2021")) {
		t.Fatalf("2021: %+v", e21)
	}
}

func TestCompare(t *testing.T) {
	q, ids := seed(t)
	ctx := context.Background()
	cases := []struct {
		metric string
		agency []string
		values []*float64
		ranks  []int // 0 = none
		median *float64
	}{
		{"t3.new.total", []string{"劳动镇", "天池镇"}, []*float64{f64(10), f64(0)}, []int{1, 2}, f64(5)},
		{"applications.new", []string{"劳动镇", "天池镇"}, []*float64{f64(10), f64(0)}, []int{1, 2}, f64(5)},
		{"outcomes.disclosure_rate", []string{"劳动镇", "天池镇"}, []*float64{f64(0.6), nil}, []int{1, 0}, f64(0.6)},
		{"reviews.reconsideration_correction_rate", []string{"劳动镇", "天池镇"}, []*float64{f64(0.5), nil}, []int{1, 0}, f64(0.5)},
		{"t2.penalty.decisions", []string{"劳动镇", "天池镇"}, []*float64{nil, nil}, []int{0, 0}, nil},
	}
	for _, c := range cases {
		t.Run(c.metric, func(t *testing.T) {
			got, err := q.Compare(ctx, "乐至县", 2022, c.metric)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Rows) != len(c.agency) || !eqPtr(got.Median, c.median) {
				t.Fatalf("rows %+v median %s", got.Rows, show(got.Median))
			}
			for i, r := range got.Rows {
				rank := 0
				if r.Rank != nil {
					rank = *r.Rank
				}
				if r.Agency != c.agency[i] || !eqPtr(r.Value, c.values[i]) || rank != c.ranks[i] {
					t.Errorf("row %d: %s %s rank %d; want %s %s %d", i, r.Agency, show(r.Value), rank, c.agency[i], show(c.values[i]), c.ranks[i])
				}
			}
		})
	}
	got, _ := q.Compare(ctx, "乐至县", 2022, "t3.new.total")
	if got.Rows[0].ReportID != ids[0] || !eqPtr(got.Rows[0].VsMedian, f64(5)) {
		t.Fatalf("first row %+v", got.Rows[0])
	}
	for _, bad := range []string{"nope", ""} {
		if _, err := q.Compare(ctx, "乐至县", 2022, bad); !query.IsInputError(err) {
			t.Errorf("metric %q: %v", bad, err)
		}
	}
	if _, err := q.Compare(ctx, "", 2022, "t3.new.total"); !query.IsInputError(err) {
		t.Errorf("no county: %v", err)
	}
}

func TestFindings(t *testing.T) {
	q, _ := seed(t)
	got, err := q.Findings(context.Background(), query.Filter{}, query.GroupNone)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.ByRule) != 2 || got.ByRule[0].Rule != report.RuleNarrative || got.ByRule[0].Findings != 2 || got.ByRule[0].Reports != 2 ||
		got.ByRule[0].Label != report.RuleLabels[report.RuleNarrative] || got.ByRule[0].SeverityLabel != "警告" ||
		got.ByRule[1].Rule != report.RuleBalance || got.ByRule[1].Findings != 1 {
		t.Fatalf("by rule %+v", got.ByRule)
	}
	if got.GroupBy != query.GroupAgency || len(got.ByGroup) != 3 {
		t.Fatalf("by group %+v", got.ByGroup)
	}
	first := got.ByGroup[0]
	if first.Group.Group != "劳动镇" || first.Reports != 2 || first.WithFindings != 1 || first.Errors != 1 || first.Warnings != 1 {
		t.Fatalf("first %+v", first)
	}
}

func TestCacheDroppedOnWrite(t *testing.T) {
	st, ids := querytest.Seed(t)
	q := query.New(st)
	ctx := context.Background()
	before, _ := q.Cells(ctx, []string{"t3.new.total"}, query.Filter{}, query.GroupNone)
	gen := q.Generation()
	if err := st.Delete(ctx, ids[3]); err != nil {
		t.Fatal(err)
	}
	after, _ := q.Cells(ctx, []string{"t3.new.total"}, query.Filter{}, query.GroupNone)
	if *before.Rows[0].Values["t3.new.total"] != 20 || *after.Rows[0].Values["t3.new.total"] != 14 || q.Generation() == gen {
		t.Fatalf("before %v after %v", *before.Rows[0].Values["t3.new.total"], *after.Rows[0].Values["t3.new.total"])
	}
}
