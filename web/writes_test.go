package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"nianbao/query/querytest"
	"nianbao/store"
)

// TestCorrectionToReviewShown: a clerk corrects a cell on the page; a new
// version of the report then reads that cell differently. The report page
// lists the correction under 待复核的更正 (kept, not applied) instead of
// dropping it, and the cell shows the new version's value.
func TestCorrectionToReviewShown(t *testing.T) {
	e := newEnv(t, false)
	id := e.ids[0] // 劳动镇 2022, t3.new.total parsed as 10
	page := fmt.Sprintf("/web/reports/%d", id)
	clerk := e.browser()
	clerk.signIn("tok-clerk")
	clerk.get(page)
	if code, body := clerk.post(page+"/correct", url.Values{"code": {"t3.new.total"}, "value": {"12"}, "reason": {"原件为12件"}}, true); code != 200 || strings.Contains(body, "待复核的更正") {
		t.Fatalf("correction: %d %s", code, excerpt(body))
	}
	next := querytest.Reports()[0]
	next.SHA256 = "a-new-document"
	next.Cells["t3.new.total"] = 11
	res, err := e.st.SaveWith(context.Background(), next, store.SaveOptions{Author: "王填报", Force: true})
	if err != nil || res.ID != id || len(res.Orphaned) != 1 {
		t.Fatalf("new version: %+v %v", res, err)
	}
	_, body := clerk.get(page)
	i := strings.Index(body, "待复核的更正")
	if i < 0 || !strings.Contains(body[i:], "t3.new.total") || !strings.Contains(body[i:], "原件为12件") {
		t.Errorf("the report page does not list the correction to review:\n%s", excerpt(body))
	}
	if v, _ := e.cell(id, "t3.new.total"); v != 11 {
		t.Errorf("t3.new.total = %v, want the new version's 11", v)
	}
}
