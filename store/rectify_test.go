package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"nianbao/report"
)

// twoProblems is 青石镇's report with two findings: rule 3 on the row of
// new applications (fixed when fixed is true) and a table missing.
func twoProblems(fixed bool, sha string) *report.Report {
	r := report.New("青石镇.txt")
	r.Agency, r.County, r.Year, r.Edition, r.SHA256 = "青石镇", "示范县", 2022, report.Edition2021, sha
	for _, col := range report.T3Columns {
		v := 0.0
		if col == "natural" || col == "total" {
			v = 3
		}
		r.Set("t3.new."+col, v, report.Source{Line: 40, Raw: "3"})
	}
	if !fixed {
		r.Cells["t3.new.total"] = 4
	}
	report.Check(r)
	r.AddFinding(report.RuleMissing, report.SeverityWarning, "找不到表四")
	return r
}

func TestRectificationRoundTripAutoCloseAndOverdue(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	saved, err := s.Save(ctx, twoProblems(false, "v1"))
	if err != nil {
		t.Fatal(err)
	}
	fs, err := findingsOf(ctx, s.db, saved.ID)
	if err != nil || len(fs) != 2 || fs[0].Rule != report.RuleApplicants {
		t.Fatalf("findings %+v, %v: want rule 3 then parse_missing", fs, err)
	}
	a, err := s.ReturnFinding(ctx, saved.ID, 0, "2023-06-30", "请核对表三新收申请的总计列", "王评估")
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.ReturnFinding(ctx, saved.ID, 1, "2023-06-10", "请补上表四", "王评估")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReturnFinding(ctx, saved.ID, 1, "2023-07-01", "again", "王评估"); !errors.Is(err, ErrConflict) {
		t.Fatalf("sending an open one back again: %v, want a conflict", err)
	}
	if _, err := s.ReturnFinding(ctx, saved.ID, 2, "2023-07-01", "", "王评估"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("finding 2 of 2: %v, want not found", err)
	}

	// Round trip: what was stored is read back, overdue derived on a fixed day.
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	for _, tc := range []struct {
		today      string
		states     [2]string
		daysLeftOf [2]int
	}{
		{"2023-06-01", [2]string{RectOpen, RectOpen}, [2]int{29, 9}},
		{"2023-06-10", [2]string{RectOpen, RectOpen}, [2]int{20, 0}}, // the deadline day is still on time
		{"2023-06-11", [2]string{RectOpen, RectOverdue}, [2]int{19, -1}},
		{"2023-07-03", [2]string{RectOverdue, RectOverdue}, [2]int{-3, -23}},
	} {
		xs, err := s.Rectifications(ctx, RectFilter{County: "示范县", Year: 2022}, day(tc.today))
		if err != nil || len(xs) != 2 {
			t.Fatalf("%s: %+v, %v", tc.today, xs, err)
		}
		byID := map[int64]Rectification{xs[0].ID: xs[0], xs[1].ID: xs[1]}
		for i, id := range []int64{a.ID, b.ID} {
			x := byID[id]
			if x.State != tc.states[i] || x.DaysLeft != tc.daysLeftOf[i] {
				t.Errorf("%s: rectification %d is %s with %d days left, want %s with %d", tc.today, id, x.State, x.DaysLeft, tc.states[i], tc.daysLeftOf[i])
			}
		}
		over, _ := s.Rectifications(ctx, RectFilter{State: RectOverdue}, day(tc.today))
		want := 0
		for _, st := range tc.states {
			if st == RectOverdue {
				want++
			}
		}
		if len(over) != want {
			t.Errorf("%s: %d overdue listed, want %d", tc.today, len(over), want)
		}
	}
	x, err := s.Rectification(ctx, a.ID, day("2023-06-01"))
	if err != nil {
		t.Fatal(err)
	}
	if x.Key != fs[0].Key() || x.Deadline != "2023-06-30" || x.SentBy != "王评估" || x.Comment != "请核对表三新收申请的总计列" ||
		x.Agency != "青石镇" || x.County != "示范县" || x.Year != 2022 || x.Line != 40 || x.Message != fs[0].Message {
		t.Errorf("read back %+v", x)
	}

	// A new version fixes rule 3 only: that one closes, by the reader.
	v2, err := s.Save(ctx, twoProblems(true, "v2"))
	if err != nil || v2.ID != saved.ID {
		t.Fatalf("new version %+v, %v", v2, err)
	}
	closed, err := s.CloseFixed(ctx, saved.ID)
	if err != nil || len(closed) != 1 || closed[0].ID != a.ID {
		t.Fatalf("closed %+v, %v: want only %d", closed, err, a.ID)
	}
	if again, err := s.CloseFixed(ctx, saved.ID); err != nil || len(again) != 0 {
		t.Fatalf("closing twice: %+v, %v", again, err)
	}
	x, _ = s.Rectification(ctx, a.ID, day("2023-06-01"))
	if x.State != RectClosed || x.ClosedBy != RectReader || x.CloseReason != RectFixedReason || x.ClosedAt == nil || x.DaysLeft != 0 {
		t.Errorf("auto-closed: %+v", x)
	}
	if y, _ := s.Rectification(ctx, b.ID, day("2023-06-01")); y.State != RectOpen {
		t.Errorf("the finding still there: %s, want open", y.State)
	}

	// By hand, with the reason; a second close is a conflict.
	if err := s.CloseRectification(ctx, b.ID, "已电话核实，表四确无内容", "李评估"); err != nil {
		t.Fatal(err)
	}
	if err := s.CloseRectification(ctx, b.ID, "再关", "李评估"); !errors.Is(err, ErrConflict) {
		t.Fatalf("closing a closed one: %v", err)
	}
	// A fix of the report's county moves its rectifications with it.
	county := "新县"
	if err := s.UpdateMeta(ctx, saved.ID, MetaChange{County: &county}, "王审核", "原文页眉写明所属县"); err != nil {
		t.Fatal(err)
	}
	if moved, err := s.Rectifications(ctx, RectFilter{County: "新县"}, day("2023-06-01")); err != nil || len(moved) != 2 {
		t.Errorf("after the county fix: %d listed under 新县, %v; want 2", len(moved), err)
	}
	audit, err := s.Audit(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range audit {
		if e.Action != "meta" {
			got = append(got, e.Action+" "+e.Author)
		}
	}
	want := []string{"return 王评估", "return 王评估", "rectify_close reader", "rectify_close 李评估"}
	if len(got) != len(want) {
		t.Fatalf("audit %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("audit %d: %q, want %q", i, got[i], want[i])
		}
	}
}

func TestReviewFindingsIsOneWrite(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	saved, err := s.Save(ctx, twoProblems(false, "v1"))
	if err != nil {
		t.Fatal(err)
	}
	// One index out of range: nothing is recorded.
	if err := s.ReviewFindings(ctx, saved.ID, []int{0, 5}, "dismissed", "不是问题", "王评估"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("index 5: %v", err)
	}
	if err := s.ReviewFindings(ctx, saved.ID, []int{0, 1}, "dismissed", "两条都是读取误差", "王评估"); err != nil {
		t.Fatal(err)
	}
	full, err := s.Get(ctx, saved.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range full.Findings {
		if f.Review != report.ReviewDismissed || f.ReviewComment != "两条都是读取误差" {
			t.Errorf("%s: %q %q", f.Rule, f.Review, f.ReviewComment)
		}
	}
	audit, _ := s.Audit(ctx, 0)
	if len(audit) != 2 {
		t.Errorf("%d audit rows, want one per finding (2)", len(audit))
	}
}

// TestDeriveCountsDaysInChina: at 17:00 UTC it is already the next day in
// China, so a deadline of that next day is due today (0 days left), and a
// deadline of the UTC day is a day overdue, whatever zone now is given in.
func TestDeriveCountsDaysInChina(t *testing.T) {
	now := time.Date(2026, 12, 7, 17, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		deadline string
		left     int
		state    string
	}{
		{"2026-12-08", 0, RectOpen},
		{"2026-12-07", -1, RectOverdue},
		{"2026-12-18", 10, RectOpen},
	} {
		x := Rectification{State: RectOpen, Deadline: c.deadline}
		x.Derive(now)
		if x.DaysLeft != c.left || x.State != c.state {
			t.Errorf("deadline %s at %v: %d days left, %s; want %d, %s", c.deadline, now, x.DaysLeft, x.State, c.left, c.state)
		}
	}
}
