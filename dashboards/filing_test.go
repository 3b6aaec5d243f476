package dashboards

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"nianbao/query"
	"nianbao/query/querytest"
	"nianbao/store"
)

// TestCountyPageListsWhoHasNotReported: the seeded 乐至县 2022 has 劳动镇
// (and an unregistered 天池镇); the page lists the registry's other towns
// as 未收录, and a town a person marked stays apart as 未发布.
func TestCountyPageListsWhoHasNotReported(t *testing.T) {
	st, _ := querytest.Seed(t)
	if err := st.MarkFiling(context.Background(), "512022101", 2022, store.Unpublished, "2023-03-01 查石佛镇网站，无年报", "王核查"); err != nil {
		t.Fatal(err)
	}
	gin.SetMode(gin.TestMode)
	e := gin.New()
	Mount(e, query.New(st), WithLogger(testLogger(t)), WithFiling(StoreFiling(st)), WithPlaceCheck(StorePlaceCheck(st)))
	w := httptest.NewRecorder()
	e.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/dashboards/county?county="+url.QueryEscape("乐至县")+"&year=2022", nil))
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body.String())
	}
	body := w.Body.String()
	section := body[strings.Index(body, `id="filing"`):]
	missing := between(section, `class="filing-missing"`, "</ul>")
	unpublished := between(section, `class="filing-unpublished"`, "</ul>")
	for _, town := range []string{"回澜镇", "天池街道", "双河场乡"} {
		if !strings.Contains(missing, town) {
			t.Errorf("未收录 lacks %s", town)
		}
	}
	if strings.Contains(missing, "劳动镇") || strings.Contains(missing, "石佛镇") {
		t.Errorf("未收录 lists a town that reported or was marked: %s", missing)
	}
	if !strings.Contains(unpublished, "石佛镇") || !strings.Contains(unpublished, "查石佛镇网站") {
		t.Errorf("未发布 list: %s", unpublished)
	}
	if !strings.Contains(section, "不等于该单位没有发布") {
		t.Error("the page does not tell 未收录 from 未发布")
	}
	// Without the registry hook the page stands as before.
	e2 := gin.New()
	Mount(e2, query.New(st), WithLogger(testLogger(t)))
	w = httptest.NewRecorder()
	e2.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/dashboards/county?county="+url.QueryEscape("乐至县")+"&year=2022", nil))
	if w.Code != http.StatusOK || strings.Contains(w.Body.String(), `id="filing"`) {
		t.Fatalf("without filing: %d", w.Code)
	}
}

func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i:]
	if j := strings.Index(s, to); j >= 0 {
		return s[:j]
	}
	return s
}

// TestAmbiguousCountyRefused: a county name two counties share (朝阳区,
// in Beijing and in Changchun) is refused by every county page, as the API
// refuses it, naming the code as the way out; the code is accepted.
func TestAmbiguousCountyRefused(t *testing.T) {
	st, _ := querytest.Seed(t)
	gin.SetMode(gin.TestMode)
	e := gin.New()
	Mount(e, query.New(st), WithLogger(testLogger(t)), WithFiling(StoreFiling(st)), WithPlaceCheck(StorePlaceCheck(st)))
	for _, page := range []string{"county", "compare", "quality"} {
		w := httptest.NewRecorder()
		e.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/dashboards/"+page+"?county="+url.QueryEscape("朝阳区")+"&year=2022", nil))
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "区划代码") {
			t.Errorf("%s?county=朝阳区: %d, want 400 naming 区划代码", page, w.Code)
		}
	}
	w := httptest.NewRecorder()
	e.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/dashboards/county?county=110105&year=2022", nil))
	if w.Code == http.StatusBadRequest {
		t.Errorf("county=110105 refused: %s", w.Body.String())
	}
	// A name the registry knows once is not refused.
	w = httptest.NewRecorder()
	e.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/dashboards/county?county="+url.QueryEscape("乐至县")+"&year=2022", nil))
	if w.Code != http.StatusOK {
		t.Errorf("乐至县: %d", w.Code)
	}
}
