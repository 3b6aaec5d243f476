package api_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"nianbao/assess"
	"nianbao/report"
)

func TestRulesRoute(t *testing.T) {
	s := newServer(t)
	req := httptest.NewRequest(http.MethodGet, "/api/v1/rules", nil)
	w := s.do(req)
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body.String())
	}
	s.validate(req, w)
	rules := at(decode(t, w), "rules").([]any)
	if len(rules) != len(report.Rules) {
		t.Errorf("%d rules, the table has %d", len(rules), len(report.Rules))
	}
}

func TestAssessmentRoute(t *testing.T) {
	s := newServer(t)
	if err := assess.RecheckCounty(context.Background(), s.st, "乐至县", 2021, 2022, assess.DefaultSheet()); err != nil {
		t.Fatal(err)
	}
	q := url.Values{"county": {"乐至县"}, "year": {"2022"}}
	req := httptest.NewRequest(http.MethodGet, "/api/v1/assessment?"+q.Encode(), nil)
	w := s.do(req)
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body.String())
	}
	s.validate(req, w)
	m := decode(t, w)
	agencies := at(m, "agencies").([]any)
	// 劳动镇 and 天池镇 filed for 2022; the bodies assessed are the filing
	// list of every level (the registry's towns, the county government, and
	// 天池镇, stored but unregistered, its level guessed).
	fw := s.get("/api/v1/filing?county=" + url.QueryEscape("乐至县") + "&year=2022&level=all")
	if fw.Code != http.StatusOK {
		t.Fatalf("filing status %d: %s", fw.Code, fw.Body.String())
	}
	fm := decode(t, fw)
	if at(m, "bodies") != at(fm, "expected") || at(m, "filed") != at(fm, "filed") || at(m, "filing_rate") != at(fm, "filing_rate") ||
		at(m, "late") != at(fm, "late") || at(m, "missing") != at(fm, "missing") {
		t.Fatalf("assessment bodies %v filed %v rate %v late %v missing %v; filing expected %v filed %v rate %v late %v missing %v",
			at(m, "bodies"), at(m, "filed"), at(m, "filing_rate"), at(m, "late"), at(m, "missing"),
			at(fm, "expected"), at(fm, "filed"), at(fm, "filing_rate"), at(fm, "late"), at(fm, "missing"))
	}
	if len(agencies) != int(at(m, "bodies").(float64)) || at(m, "filed").(float64) != 2 || len(agencies) < 22 {
		t.Fatalf("%d agencies, bodies %v, filed %v", len(agencies), at(m, "bodies"), at(m, "filed"))
	}
	guessed := map[string]bool{}
	for _, a := range agencies {
		if g, _ := at(a, "level_guessed").(bool); g {
			guessed[at(a, "agency").(string)] = true
		}
	}
	if !guessed["天池镇"] || guessed["劳动镇"] || len(guessed) != 1 {
		t.Errorf("levels guessed for %v; want only the unregistered 天池镇", guessed)
	}
	// The county by its GB/T 2260 code is the same assessment.
	byCode := decode(t, s.get("/api/v1/assessment?county=512022&year=2022"))
	if at(byCode, "bodies") != at(m, "bodies") || at(byCode, "composite") != at(m, "composite") || at(byCode, "county") != "乐至县" {
		t.Errorf("by code: bodies %v composite %v county %v", at(byCode, "bodies"), at(byCode, "composite"), at(byCode, "county"))
	}
	scores := map[string]float64{}
	deductions := 0
	for _, a := range agencies {
		scores[at(a, "agency").(string)] = at(a, "score").(float64)
		deductions += len(at(a, "deductions").([]any))
	}

	q.Set("format", "xlsx")
	w = s.get("/api/v1/assessment?" + q.Encode())
	if w.Code != http.StatusOK {
		t.Fatalf("xlsx status %d: %s", w.Code, w.Body.String())
	}
	f, err := excelize.OpenReader(bytes.NewReader(w.Body.Bytes()))
	if err != nil {
		t.Fatalf("the score sheet does not open: %v", err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 3 || got[0] != "评分表" || got[1] != "扣分明细" || got[2] != "汇总" {
		t.Fatalf("sheets %v", got)
	}
	rows, err := f.GetRows("评分表")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(agencies)+1 || rows[0][1] != "机关" || rows[0][6] != "得分" {
		t.Fatalf("score sheet rows %v", rows)
	}
	for _, row := range rows[1:] {
		v, err := strconv.ParseFloat(row[6], 64)
		if err != nil || v != scores[row[1]] {
			t.Errorf("%s: score %q in the workbook, %v in the JSON", row[1], row[6], scores[row[1]])
		}
	}
	// Each filed body's name links to its report page, as the JSON's
	// report_id says; an unfiled one links nowhere.
	reportOf := map[string]float64{}
	for _, a := range agencies {
		if id, ok := at(a, "report_id").(float64); ok {
			reportOf[at(a, "agency").(string)] = id
		}
	}
	if len(reportOf) == 0 {
		t.Fatal("no filed body to check the links of")
	}
	for i, row := range rows[1:] {
		cell := fmt.Sprintf("B%d", i+2)
		linked, target, err := f.GetCellHyperLink("评分表", cell)
		if err != nil {
			t.Fatal(err)
		}
		id, filed := reportOf[row[1]]
		if want := fmt.Sprintf("/web/reports/%d", int64(id)); linked != filed || filed && !strings.HasSuffix(target, want) {
			t.Errorf("%s (%s): link %v %q; filed %v, want …%s", row[1], cell, linked, target, filed, want)
		}
	}
	drows, _ := f.GetRows("扣分明细")
	if len(drows)-1 != deductions || deductions == 0 {
		t.Errorf("%d deduction rows, the JSON has %d", len(drows)-1, deductions)
	}
	if w, _ := f.GetColWidth("扣分明细", "E"); w < 40 {
		t.Errorf("the reason column is %v wide", w)
	}

	w = s.get("/api/v1/assessment?county=" + url.QueryEscape("乐至县"))
	if w.Code != http.StatusBadRequest {
		t.Errorf("no year: status %d", w.Code)
	}
}

// TestCountyResolvedAlike: a county name two counties share (朝阳区, in
// Beijing and in Changchun) is refused by /stats, /filing and /assessment
// alike, naming the way out; its GB/T 2260 code is accepted by all three.
func TestCountyResolvedAlike(t *testing.T) {
	s := newServer(t)
	for _, path := range []string{"/api/v1/stats/outcomes", "/api/v1/stats/compare", "/api/v1/filing", "/api/v1/assessment"} {
		w := s.get(path + "?" + url.Values{"county": {"朝阳区"}, "year": {"2022"}}.Encode())
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "区划代码") {
			t.Errorf("%s?county=朝阳区: %d %s", path, w.Code, w.Body.String())
		}
		if w := s.get(path + "?county=110105&year=2022"); w.Code != http.StatusOK {
			t.Errorf("%s?county=110105: %d %s", path, w.Code, w.Body.String())
		}
	}
}
