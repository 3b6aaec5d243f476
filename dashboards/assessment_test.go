package dashboards

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"nianbao/ingest"
	"nianbao/query"
	"nianbao/store"
)

// TestAssessmentPage serves the sample corpus: every year's page answers,
// names every town, links deductions to the town profile, and some year
// shows copied passages side by side.
func TestAssessmentPage(t *testing.T) {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := ingest.IngestPaths(context.Background(), st, []string{"../data/sample"}, ingest.Meta{}, nil); err != nil {
		t.Fatal(err)
	}
	gin.SetMode(gin.TestMode)
	e := gin.New()
	q := query.New(st)
	Mount(e, q, WithLogger(testLogger(t)))
	MountAssessment(e, q, st, WithLogger(testLogger(t)))
	marked, late := 0, 0
	for y := 2022; y <= 2024; y++ {
		v := url.Values{"county": {"乐至县"}, "year": {strconv.Itoa(y)}}
		code, body, _ := get(t, e, "/dashboards/assessment?"+v.Encode())
		if code != http.StatusOK {
			t.Fatalf("%d: status %d: %s", y, code, body)
		}
		for _, want := range []string{"得分排名", "报送情况", "扣分明细", "/api/v1/assessment?county=", "劳动镇", "示例数据"} {
			if !strings.Contains(body, want) {
				t.Errorf("%d: page lacks %q", y, want)
			}
		}
		if strings.Contains(body, "扣分明细") && !strings.Contains(body, `href="/dashboards/town?agency=`) {
			t.Errorf("%d: deductions not linked to the town profile", y)
		}
		// The sample leaves towns of 乐至县 without a report every year
		// (data/sample/README.md): the page counts them.
		if strings.Contains(body, "未收录 0 个") || !strings.Contains(body, "未收录 ") {
			t.Errorf("%d: no town shown 未收录", y)
		}
		marked += strings.Count(body, "<mark>")
		late += strings.Count(body, "逾期")
	}
	if marked == 0 {
		t.Error("no copied passage shown on any year's page")
	}
	if late == 0 {
		t.Error("no late report shown on any year's page")
	}
	// Issue 21: the page re-scores under a pack, shows each body's items
	// with their verdicts in Chinese and links the letters.
	v := url.Values{"county": {"乐至县"}, "year": {"2022"}, "scheme": {"county-xianning"}}
	code, body, _ := get(t, e, "/dashboards/assessment?"+v.Encode())
	if code != http.StatusOK {
		t.Fatalf("scheme: status %d: %s", code, body)
	}
	for _, want := range []string{"逐项结论", "不通过", "通过", "无法评估", "日常工作", "<strong>县（市、区）政务公开评估方案（咸宁式）",
		"/api/v1/assessment/letters?county=", "scheme=county-xianning", "部门和乡镇（街道）平均", "催报名单", "催报通知（Word"} {
		if !strings.Contains(body, want) {
			t.Errorf("scheme page lacks %q", want)
		}
	}
	v.Set("scheme", "nope")
	if code, body, _ := get(t, e, "/dashboards/assessment?"+v.Encode()); code != http.StatusBadRequest || !strings.Contains(body, "nope") {
		t.Errorf("unknown scheme: status %d", code)
	}
	if code, _, _ := get(t, e, "/dashboards/assessment?county="+url.QueryEscape("无此县")+"&year=2022"); code != http.StatusNotFound {
		t.Errorf("unknown county: status %d", code)
	}
}
