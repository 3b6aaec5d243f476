package change_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"nianbao/change"
	"nianbao/report"
	"nianbao/store"
)

// TestDeadline: the deadline of a rectification is any date ParseDate
// reads, as a day in China, not before today.
func TestDeadline(t *testing.T) {
	// 17:00 UTC on 29 June is already 30 June in China.
	now := time.Date(2024, 6, 29, 17, 0, 0, 0, time.UTC)
	cases := []struct{ in, want, err string }{
		{"2024-07-31", "2024-07-31", ""},
		{"2024年7月3日", "2024-07-03", ""},
		{" 2024/6/30 ", "2024-06-30", ""}, // today in China
		{"2024-06-29", "", "早于今天"},        // still today in UTC, yesterday in China
		{"2024-02-30", "", "不是一个有效日期"},
		{"", "", "请填写整改期限"},
	}
	for _, c := range cases {
		got, err := change.Deadline(c.in, now)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: %q, %v; want an error with %q", c.in, got, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%q: %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

// TestOnlyANewVersionClosesARectification: a correction leaves the
// finding's rectification open (a person's reading is not the body's
// fix); a new version without the finding closes it, as the reader.
func TestOnlyANewVersionClosesARectification(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	assessor := change.User{Name: "评估", Role: change.RoleAssessor}
	deadline := report.Today().AddDate(0, 0, 7).Format(time.DateOnly)
	x, err := f.svc.ReturnFinding(ctx, assessor, f.leA, 0, deadline, "请改正")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.ReturnFinding(ctx, change.User{Name: "填报", Role: change.RoleClerk}, f.leA, 0, deadline, "x"); !change.IsForbidden(err) {
		t.Fatalf("a clerk sending back: %v", err)
	}
	state := func() store.Rectification {
		t.Helper()
		got, err := f.st.Rectification(ctx, x.ID, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if _, err := f.svc.Correct(ctx, change.Admin("管理员"), f.leA, "t3.new.total", "6", "核对原件"); err != nil {
		t.Fatal(err)
	}
	if got := state(); got.State != store.RectOpen {
		t.Fatalf("after a correction: %s, want open", got.State)
	}
	fixed := rep("乐至县教育局", "乐至县", 2022, 5, "a2")
	fixed.Findings = nil
	if _, err := f.svc.Upload(ctx, change.Admin("管理员"), change.Upload{File: "a2.txt", Data: []byte("a2"), Reports: []*report.Report{fixed}}); err != nil {
		t.Fatal(err)
	}
	if got := state(); got.State != store.RectClosed || got.ClosedBy != store.RectReader {
		t.Fatalf("after the new version: %+v", got)
	}
}
