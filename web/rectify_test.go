package web_test

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"strings"
	"testing"
	"time"

	"nianbao/report"
	"nianbao/store"
)

// TestBulkReviewAndReturnForms: the report page's forms as people send
// them. A clerk may not send a finding back; an assessor ticks both
// findings of 劳动镇 and dismisses them with one comment (one write, one
// audit row each); a deadline in the past is refused in Chinese; a
// finding sent back shows on the 整改跟踪 page, and its close by hand
// needs a reason.
func TestBulkReviewAndReturnForms(t *testing.T) {
	e := newEnv(t, false)
	id := e.ids[0]
	page := fmt.Sprintf("/web/reports/%d", id)
	ctx := context.Background()
	full, err := e.st.Get(ctx, id)
	if err != nil || len(full.Findings) < 2 {
		t.Fatalf("劳动镇: %d findings, %v", len(full.Findings), err)
	}
	deadline := report.Today().AddDate(0, 0, 10).Format(time.DateOnly)

	clerk := e.browser()
	clerk.signIn("tok-clerk")
	clerk.get(page)
	if code, _ := clerk.post(page+"/return", url.Values{"index": {"0"}, "deadline": {deadline}, "comment": {"x"}}, true); code != 403 {
		t.Errorf("a clerk sending back: %d, want 403", code)
	}
	if code, _ := clerk.post(page+"/review-many", url.Values{"index": {"0", "1"}, "state": {"dismissed"}, "comment": {"x"}}, true); code != 403 {
		t.Errorf("a clerk's bulk review: %d, want 403", code)
	}

	a := e.browser()
	a.signIn("tok-assessor")
	_, body := a.get(page)
	if !strings.Contains(body, `form="bulk-review"`) || !strings.Contains(body, `class="return-form"`) {
		t.Fatalf("the assessor's report page has no bulk or return form:\n%s", excerpt(body))
	}
	if code, body := a.post(page+"/return", url.Values{"index": {"0"}, "deadline": {"2020-01-01"}, "comment": {"请改"}}, true); code != 400 || !strings.Contains(body, "早于今天") {
		t.Errorf("a past deadline: %d %s", code, excerpt(body))
	}
	if code, body := a.post(page+"/return", url.Values{"index": {"0"}, "deadline": {deadline}, "comment": {"请核对新收申请数"}}, true); code != 200 || !strings.Contains(body, "已退回修改") {
		t.Fatalf("send back: %d %s", code, excerpt(body))
	}
	if code, body := a.post(page+"/review-many", url.Values{"state": {"dismissed"}, "comment": {"x"}}, true); code != 400 || !strings.Contains(body, "请至少勾选一条问题") {
		t.Errorf("bulk review with nothing ticked: %d %s", code, excerpt(body))
	}
	before, _ := e.st.Audit(ctx, 0)
	if code, body := a.post(page+"/review-many", url.Values{"index": {"0", "1"}, "state": {"dismissed"}, "comment": {"两处均为正文笔误"}}, true); code != 200 || !strings.Contains(body, "已驳回所选的 2 条问题") {
		t.Fatalf("bulk dismissal: %d %s", code, excerpt(body))
	}
	after, _ := e.st.Audit(ctx, 0)
	if len(after)-len(before) != 2 {
		t.Errorf("%d audit rows for a bulk review of two, want 2", len(after)-len(before))
	}
	full, _ = e.st.Get(ctx, id)
	for _, f := range full.Findings[:2] {
		if f.Review != report.ReviewDismissed || f.ReviewComment != "两处均为正文笔误" || f.Reviewer != "赵评估" {
			t.Errorf("%s: %q %q %q", f.Key(), f.Review, f.ReviewComment, f.Reviewer)
		}
	}

	// 整改跟踪 lists it; closing it by hand without a reason is refused.
	xs, err := e.st.Rectifications(ctx, store.RectFilter{ReportID: id}, time.Now())
	if err != nil || len(xs) != 1 {
		t.Fatalf("rectifications %+v, %v", xs, err)
	}
	_, body = a.get("/web/rectify?county=" + url.QueryEscape(xs[0].County))
	if !strings.Contains(body, "请核对新收申请数") || !strings.Contains(body, "还剩10天") {
		t.Errorf("整改跟踪:\n%s", excerpt(body))
	}
	closePath := fmt.Sprintf("/web/rectifications/%d/close", xs[0].ID)
	if code, body := a.post(closePath, url.Values{"reason": {" "}, "back": {page}}, true); code != 400 || !strings.Contains(body, "理由") {
		t.Errorf("close without a reason: %d %s", code, excerpt(body))
	}
	if code, body := a.post(closePath, url.Values{"reason": {"已当面核实"}, "back": {page}}, true); code != 200 || !strings.Contains(body, "已关闭整改事项") {
		t.Errorf("close: %d %s", code, excerpt(body))
	}
	if x, _ := e.st.Rectification(ctx, xs[0].ID, time.Now()); x.State != store.RectClosed || x.ClosedBy != "赵评估" || x.CloseReason != "已当面核实" {
		t.Errorf("closed: %+v", x)
	}
}

// TestCountyReconcile: the county's 一键核对 lists every finding not
// dismissed of every report of the county's year, under its agency.
func TestCountyReconcile(t *testing.T) {
	e := newEnv(t, false)
	ctx := context.Background()
	f0, err := e.st.Get(ctx, e.ids[0])
	if err != nil {
		t.Fatal(err)
	}
	fs, err := e.st.CountyFindings(ctx, f0.County, f0.Year)
	if err != nil || len(fs) == 0 {
		t.Fatalf("%s %d: %d findings, %v", f0.County, f0.Year, len(fs), err)
	}
	b := e.browser()
	code, body := b.get(fmt.Sprintf("/web/reconcile?county=%s&year=%d", url.QueryEscape(f0.County), f0.Year))
	if code != 200 {
		t.Fatalf("%d %s", code, excerpt(body))
	}
	for _, f := range fs {
		if !strings.Contains(body, html.EscapeString(f.Message)) {
			t.Errorf("report %d: finding %q not listed", f.ReportID, f.Message)
		}
		if !strings.Contains(body, fmt.Sprintf(`id="report-%d"`, f.ReportID)) {
			t.Errorf("report %d has no heading", f.ReportID)
		}
	}
	if code, _ := b.get("/web/reconcile?county=" + url.QueryEscape(f0.County)); code != 400 {
		t.Errorf("no year: %d, want 400", code)
	}
}
