package query_test

import (
	"context"
	"testing"

	"nianbao/query"
	"nianbao/query/querytest"
	"nianbao/report"
)

// seedUnread is the seed plus 宝林镇 乐至县 2022, a report whose tables 3
// and 4 were not read (only table 2 has cells).
func seedUnread(t *testing.T) *query.Service {
	t.Helper()
	st, _ := querytest.Seed(t)
	r := report.New("baolin-2022.txt")
	r.Agency, r.County, r.Year, r.Edition = "宝林镇", "乐至县", 2022, report.Edition2021
	r.SHA256, r.Format = "sha-baolin-2022", "text"
	r.Set("t2.regulations.issued", 4, report.Source{Line: 1, Raw: "4"})
	if _, err := st.Save(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	return query.New(st)
}

// An unread table is "not reported": no row of zeros, not in a county's
// report count, not in a median; it is counted as a report without it.
func TestUnreadTableNotZero(t *testing.T) {
	q := seedUnread(t)
	ctx := context.Background()
	f := query.Filter{County: "乐至县", Year: 2022}

	app, err := q.Applications(ctx, f, query.GroupAgency)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range app.Rows {
		if r.Group.Group == "宝林镇" {
			t.Fatalf("applications has a row for the unread report: %+v", r)
		}
	}
	tot, _ := q.Applications(ctx, f, query.GroupNone)
	out, _ := q.Outcomes(ctx, f, query.GroupNone)
	rev, _ := q.Reviews(ctx, f, query.GroupNone)
	cases := []struct {
		name            string
		reports, unread int
		wantRep, wantUn int
	}{
		{"applications", tot.Rows[0].Reports, tot.Rows[0].WithoutTable3, 2, 1},
		{"outcomes", out.Rows[0].Reports, out.Rows[0].WithoutTable3, 2, 1},
		{"reviews", rev.Rows[0].Reports, rev.Rows[0].WithoutTable4, 2, 1}, // 劳动镇 and 天池镇 print table 4
	}
	for _, c := range cases {
		if c.reports != c.wantRep || c.unread != c.wantUn {
			t.Errorf("%s: reports %d, without the table %d; want %d, %d", c.name, c.reports, c.unread, c.wantRep, c.wantUn)
		}
	}
	if tot.Rows[0].New != 10 {
		t.Errorf("new %v, want 10", tot.Rows[0].New)
	}

	// The median of 劳动镇 10 and 天池镇 0 is 5; counting 宝林镇 as 0 would make it 0.
	for _, metric := range []string{"applications.new", "outcomes.total", "reviews.reconsideration"} {
		cmp, err := q.Compare(ctx, "乐至县", 2022, metric)
		if err != nil {
			t.Fatal(err)
		}
		var want float64
		switch metric {
		case "applications.new", "outcomes.total":
			want = 5
		case "reviews.reconsideration":
			want = 1.5
		}
		if !eqPtr(cmp.Median, &want) {
			t.Errorf("%s median %s, want %v", metric, show(cmp.Median), want)
		}
		for _, r := range cmp.Rows {
			if r.Agency == "宝林镇" && (r.Value != nil || r.Rank != nil) {
				t.Errorf("%s: the unread report has value %s", metric, show(r.Value))
			}
		}
	}

	// A filter selecting only unread reports has no row at all.
	only, _ := q.Applications(ctx, query.Filter{Agency: "宝林镇"}, query.GroupNone)
	if len(only.Rows) != 0 {
		t.Errorf("only the unread report: %+v", only.Rows)
	}
}
