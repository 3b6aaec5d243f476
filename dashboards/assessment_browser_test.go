package dashboards

import (
	"context"
	"net/http/httptest"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"nianbao/ingest"
	"nianbao/query"
	"nianbao/store"
)

// TestAssessmentVerdictsBrowser opens the assessment page under the
// 咸宁-style pack in headless Chromium, unfolds the items of every body that failed one and
// checks the four verdicts are shown in Chinese with the evidence of each
// 不通过 linked. With NIANBAO_SCREENSHOTS=1 it writes
// docs/screenshots/assessment-verdicts.png.
func TestAssessmentVerdictsBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	chromium := findChromium()
	if chromium == "" {
		t.Skip("chromium not found: scripts/setup.sh installs it; browser test skipped")
	}
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
	srv := httptest.NewServer(e)
	defer srv.Close()

	ctx := startBrowser(t, chromium, 2*time.Minute)
	p := newTab(t, ctx, 1280, 900, false)
	v := url.Values{"county": {"乐至县"}, "year": {"2022"}, "scheme": {"county-xianning"}}
	if err := p.Navigate(srv.URL + "/dashboards/assessment?" + v.Encode()); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Cards    int      `json:"cards"`
		Labels   []string `json:"labels"`
		Fails    int      `json:"fails"`
		Evidence int      `json:"evidence"`
		Linked   int      `json:"linked"`
	}
	err = p.Eval(`new Promise(done => {
  // Unfold the bodies that failed an item, as an assessor reading the
  // evidence would; the others stay one line each.
  document.querySelectorAll('details.verdict-card').forEach(d => d.open = !!d.querySelector('td.v-fail'));
  const cells = [...document.querySelectorAll('td.v-pass, td.v-fail, td.v-uncertain, td.v-not_assessable')];
  done({cards: document.querySelectorAll('details.verdict-card').length,
        labels: [...new Set(cells.map(c => c.textContent))].sort(),
        fails: document.querySelectorAll('td.v-fail').length,
        evidence: document.querySelectorAll('.evidence').length,
        linked: document.querySelectorAll('.evidence a[href^="/web/reports/"]').length});
})`, &got)
	if err != nil {
		t.Fatal(err)
	}
	if got.Cards == 0 || got.Fails == 0 || got.Evidence < got.Fails || got.Linked == 0 {
		t.Errorf("cards %d, fails %d, evidence %d, linked %d", got.Cards, got.Fails, got.Evidence, got.Linked)
	}
	want := map[string]bool{"不通过": true, "无法评估": true, "通过": true}
	for _, l := range got.Labels {
		delete(want, l)
	}
	if len(want) > 0 {
		t.Errorf("verdicts shown %v; missing %v", got.Labels, want)
	}
	checkClean(t, p, srv.URL)
	if os.Getenv("NIANBAO_SCREENSHOTS") == "1" {
		screenshot(t, p, "assessment-verdicts")
	}
}
