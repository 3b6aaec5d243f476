package api_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"nianbao/api"
	"nianbao/assess"
	"nianbao/query"
	"nianbao/query/querytest"
)

// docxText reads the text of a DOCX's body back, paragraph by paragraph
// and cell by cell, as Word would show it.
func docxText(t *testing.T, body []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("not a docx: %v", err)
	}
	for _, f := range zr.File {
		if f.Name != "word/document.xml" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		var b strings.Builder
		dec := xml.NewDecoder(rc)
		inText := false
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("document.xml is not well-formed: %v", err)
			}
			switch v := tok.(type) {
			case xml.StartElement:
				inText = v.Name.Local == "t"
			case xml.EndElement:
				inText = false
				if v.Name.Local == "p" {
					b.WriteString("\n")
				}
			case xml.CharData:
				if inText {
					b.Write(v)
				}
			}
		}
		return b.String()
	}
	t.Fatal("no word/document.xml")
	return ""
}

// TestSchemesAndLetters: the packs are listed; one county scored under
// two packs differs as the packs say; the letters zip holds the 通报 and
// one DOCX per body, and every deduction is printed with its evidence.
func TestSchemesAndLetters(t *testing.T) {
	s := newServer(t)
	if err := assess.RecheckCounty(context.Background(), s.st, "乐至县", 2021, 2022, assess.DefaultSheet()); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/api/v1/schemes", nil)
	w := s.do(req)
	if w.Code != http.StatusOK {
		t.Fatalf("schemes: %d %s", w.Code, w.Body.String())
	}
	s.validate(req, w)
	packs := at(decode(t, w), "schemes").([]any)
	if len(packs) != 3 {
		t.Fatalf("%d packs", len(packs))
	}

	q := url.Values{"county": {"乐至县"}, "year": {"2022"}}
	score := func(scheme string) map[string]any {
		q.Set("scheme", scheme)
		req := httptest.NewRequest(http.MethodGet, "/api/v1/assessment?"+q.Encode(), nil)
		w := s.do(req)
		if w.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", scheme, w.Code, w.Body.String())
		}
		s.validate(req, w)
		return decode(t, w)
	}
	national, county := score("national"), score("county-xianning")
	if at(national, "scheme") != "national" || at(county, "scheme") != "county-xianning" {
		t.Fatalf("schemes %v %v", at(national, "scheme"), at(county, "scheme"))
	}
	// A body that did not file scores 0 under both; every body's items
	// carry a verdict, and every fail its evidence.
	fails := 0
	for _, m := range []map[string]any{national, county} {
		for _, ag := range at(m, "agencies").([]any) {
			for _, it := range at(ag, "items").([]any) {
				if at(it, "verdict") == "fail" {
					fails++
					ev, _ := at(it, "evidence").([]any)
					if len(ev) == 0 {
						t.Errorf("%s %s fails without evidence", at(ag, "agency"), at(it, "name"))
					}
					// The report an evidence names is there to open.
					for _, e := range ev {
						if id, ok := at(e, "report_id").(float64); ok {
							if r := s.get(fmt.Sprintf("/api/v1/reports/%d", int(id))); r.Code != http.StatusOK {
								t.Errorf("evidence report %v: %d", id, r.Code)
							}
							if at(e, "link") != assess.ReportLink(int64(id)) {
								t.Errorf("evidence link %v", at(e, "link"))
							}
						}
					}
				}
			}
		}
	}
	if fails == 0 {
		t.Fatal("no item failed: the county has bodies that did not file")
	}
	// At least one deduction quotes its source: a cell, its line and the
	// text as printed, read from the stored sources.
	quoted := 0
	for _, ag := range at(national, "agencies").([]any) {
		for _, d := range at(ag, "deductions").([]any) {
			for _, e := range at(d, "evidence").([]any) {
				ex, _ := at(e, "excerpt").(string)
				line, _ := at(e, "line").(float64)
				if ex != "" && at(e, "cell") != nil && line > 0 {
					quoted++
				}
			}
		}
	}
	if quoted == 0 {
		t.Error("no evidence quotes its source line")
	}
	// The 咸宁-style pack pools departments and towns: its level means
	// name the pool, the national one does not.
	if _, ok := at(county, "level_means").(map[string]any)["department+town"]; !ok {
		t.Errorf("county pack level means %v", at(county, "level_means"))
	}
	if w := s.get("/api/v1/assessment?county=" + url.QueryEscape("乐至县") + "&year=2022&scheme=nope"); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "national") {
		t.Errorf("unknown scheme: %d %s", w.Code, w.Body.String())
	}

	q.Set("scheme", "national")
	w = s.get("/api/v1/assessment/letters?" + q.Encode())
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/zip" {
		t.Fatalf("letters: %d %s", w.Code, w.Header().Get("Content-Type"))
	}
	zr, err := zip.NewReader(bytes.NewReader(w.Body.Bytes()), int64(w.Body.Len()))
	if err != nil {
		t.Fatal(err)
	}
	agencies := at(national, "agencies").([]any)
	if len(zr.File) != len(agencies)+1 || !strings.Contains(zr.File[0].Name, "通报") {
		t.Fatalf("%d files (first %q) for %d bodies", len(zr.File), zr.File[0].Name, len(agencies))
	}
	read := func(f *zip.File) string {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		b, _ := io.ReadAll(rc)
		return docxText(t, b)
	}
	notice := read(zr.File[0])
	for _, want := range []string{"乐至县", "排名", "典型问题", "需整改的机关", fmt.Sprintf(" (%v/%v)", at(national, "filed"), at(national, "bodies"))} {
		if !strings.Contains(notice, want) {
			t.Errorf("the 通报 lacks %q:\n%s", want, notice)
		}
	}
	for i, ag := range agencies {
		text := read(zr.File[i+1])
		if !strings.Contains(text, at(ag, "agency").(string)) || !strings.Contains(text, "与上年对比") {
			t.Errorf("%s: letter %s lacks its name or the comparison", at(ag, "agency"), zr.File[i+1].Name)
		}
		for _, d := range at(ag, "deductions").([]any) {
			if !strings.Contains(text, at(d, "reason").(string)) {
				t.Errorf("%s: deduction %q not in the letter", at(ag, "agency"), at(d, "reason"))
			}
			for _, e := range at(d, "evidence").([]any) {
				var ev assess.Evidence
				ev.Text, _ = at(e, "text").(string)
				ev.Cell, _ = at(e, "cell").(string)
				ev.CellLabel, _ = at(e, "cell_label").(string)
				ev.Excerpt, _ = at(e, "excerpt").(string)
				ev.PublishedOn, _ = at(e, "published_on").(string)
				ev.Deadline, _ = at(e, "deadline").(string)
				if id, ok := at(e, "report_id").(float64); ok {
					ev.ReportID = int64(id)
				}
				if p, ok := at(e, "page").(float64); ok {
					ev.Page = int(p)
				}
				if l, ok := at(e, "line").(float64); ok {
					ev.Line = int(l)
				}
				if line := api.EvidenceText(ev); !strings.Contains(text, line) {
					t.Errorf("%s: evidence %q not in the letter", at(ag, "agency"), line)
				}
			}
		}
		if len(at(ag, "deductions").([]any)) > 0 && !regexp.MustCompile(`(30|90|180)天内`).MatchString(text) {
			t.Errorf("%s: no action table with a deadline", at(ag, "agency"))
		}
	}
}

// TestReminders: the 催报 list is the filing list's bodies without a
// report, each with its deadline and the days left from today; the XLSX
// and the printable notice carry the same bodies.
func TestReminders(t *testing.T) {
	s := newServer(t)
	q := url.Values{"county": {"乐至县"}, "year": {"2022"}}
	req := httptest.NewRequest(http.MethodGet, "/api/v1/assessment/reminders?"+q.Encode(), nil)
	w := s.do(req)
	if w.Code != http.StatusOK {
		t.Fatalf("reminders: %d %s", w.Code, w.Body.String())
	}
	s.validate(req, w)
	m := decode(t, w)
	fl := decode(t, s.get("/api/v1/filing?"+q.Encode()+"&level=all"))
	missing := map[string]bool{}
	for _, r := range at(fl, "agencies").([]any) {
		if _, filed := at(r, "report_id").(float64); !filed {
			missing[at(r, "name").(string)] = true
		}
	}
	bodies := at(m, "bodies").([]any)
	if len(bodies) != len(missing) || len(missing) == 0 {
		t.Fatalf("%d bodies to remind, the filing list has %d without a report", len(bodies), len(missing))
	}
	today, err := time.Parse("2006-01-02", at(m, "today").(string))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bodies {
		if !missing[at(b, "agency").(string)] {
			t.Errorf("%v is on the list but filed", at(b, "agency"))
		}
		dl, err := time.Parse("2006-01-02", at(b, "deadline").(string))
		if err != nil {
			t.Fatal(err)
		}
		if want := int(dl.Sub(today).Hours() / 24); int(at(b, "days_left").(float64)) != want {
			t.Errorf("%v: %v days left, want %d", at(b, "agency"), at(b, "days_left"), want)
		}
	}
	// The town deadline of 2022 reports is 2023-01-31.
	if at(bodies[0], "deadline") != "2023-01-31" && at(bodies[0], "deadline") != "2023-03-31" {
		t.Errorf("deadline %v", at(bodies[0], "deadline"))
	}
	x := s.get("/api/v1/assessment/reminders?" + q.Encode() + "&format=xlsx")
	f, err := excelize.OpenReader(bytes.NewReader(x.Body.Bytes()))
	if err != nil {
		t.Fatalf("xlsx: %v", err)
	}
	rows, _ := f.GetRows("催报名单")
	f.Close()
	if len(rows) != len(bodies)+1 {
		t.Errorf("xlsx has %d rows for %d bodies", len(rows), len(bodies))
	}
	d := s.get("/api/v1/assessment/reminders?" + q.Encode() + "&format=docx")
	text := docxText(t, d.Body.Bytes())
	for name := range missing {
		if !strings.Contains(text, name) {
			t.Errorf("the notice lacks %s", name)
		}
	}
}

// TestPeers: each reporting body is placed in four scopes; the seeded
// county's groups are small, so they are shown but not ranked, and the
// county's median is the median of its bodies' own values.
func TestPeers(t *testing.T) {
	s := newServer(t)
	q := url.Values{"county": {"乐至县"}, "year": {"2022"}, "metric": {"procedural_share"}}
	req := httptest.NewRequest(http.MethodGet, "/api/v1/assessment/peers?"+q.Encode(), nil)
	w := s.do(req)
	if w.Code != http.StatusOK {
		t.Fatalf("peers: %d %s", w.Code, w.Body.String())
	}
	s.validate(req, w)
	bodies := at(decode(t, w), "bodies").([]any)
	if len(bodies) == 0 {
		t.Fatal("no body placed")
	}
	for _, b := range bodies {
		peers := at(b, "peers").([]any)
		if len(peers) < 2 || at(peers[0], "scope") != "county" || at(peers[len(peers)-1], "scope") != "nation" {
			t.Fatalf("%v: scopes %v", at(b, "agency"), peers)
		}
		for _, p := range peers {
			if n := at(p, "n").(float64); n < 30 && (at(p, "ranked") != false || !strings.Contains(at(p, "note").(string), "样本不足") && n > 0) {
				t.Errorf("%v %v: a group of %v ranked or unmarked", at(b, "agency"), at(p, "scope"), n)
			}
		}
	}
	// The county scope is the county's own bodies of the level: its n
	// and median are those of the values the bodies show.
	byLevel := map[string][]float64{}
	for _, b := range bodies {
		if v, ok := at(b, "value").(float64); ok {
			byLevel[at(b, "level").(string)] = append(byLevel[at(b, "level").(string)], v)
		}
	}
	checked := 0
	for _, b := range bodies {
		vals := byLevel[at(b, "level").(string)]
		cp := at(b, "peers").([]any)[0]
		if int(at(cp, "n").(float64)) != len(vals) {
			t.Errorf("%v: county group of %v, the county shows %d values", at(b, "agency"), at(cp, "n"), len(vals))
			continue
		}
		if len(vals) > 0 {
			sort.Float64s(vals)
			want := vals[len(vals)/2]
			if len(vals)%2 == 0 {
				want = (vals[len(vals)/2-1] + vals[len(vals)/2]) / 2
			}
			if got := at(cp, "p50").(float64); math.Abs(got-math.Round(want*100)/100) > 1e-9 {
				t.Errorf("%v: county median %v, want %v", at(b, "agency"), got, want)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Error("no body has a value to check the median against")
	}
	q.Set("metric", "nope")
	if w := s.get("/api/v1/assessment/peers?" + q.Encode()); w.Code != http.StatusBadRequest {
		t.Errorf("unknown metric: %d", w.Code)
	}
}

// TestPackAsCountySheet: an admin stores a shipped pack as a sheet and
// gives it to a county (audited, as every sheet); the county's default
// assessment is then scored under the pack.
func TestPackAsCountySheet(t *testing.T) {
	st, _ := querytest.Seed(t)
	h := api.New(query.New(st), st, api.Options{
		Tokens: map[string]string{"adm": "管理员"},
		Users:  map[string]api.User{"adm": {Name: "管理员", Role: api.RoleAdmin}},
	})
	s := &server{t: t, st: st, h: h, router: newServer(t).router}
	req := httptest.NewRequest(http.MethodGet, "/api/v1/schemes/dept-suqian", nil)
	w := s.do(req)
	if w.Code != http.StatusOK {
		t.Fatalf("pack text: %d %s", w.Code, w.Body.String())
	}
	s.validate(req, w)
	yaml := w.Body.String()
	name := "部门政务公开考核方案（宿迁式）"
	for _, path := range []string{"/api/v1/sheets/" + url.PathEscape(name), "/api/v1/sheets/" + url.PathEscape(name) + "/places/" + url.PathEscape("乐至县")} {
		req := httptest.NewRequest(http.MethodPut, path, strings.NewReader(yaml))
		req.Header.Set("Content-Type", "application/yaml")
		req.Header.Set("Authorization", "Bearer adm")
		if w := s.do(req); w.Code != http.StatusOK {
			t.Fatalf("PUT %s: %d %s", path, w.Code, w.Body.String())
		}
	}
	m := decode(t, s.get("/api/v1/assessment?county="+url.QueryEscape("乐至县")+"&year=2022"))
	if at(m, "scheme") != "dept-suqian" || !strings.Contains(at(m, "sheet_source").(string), "乐至县") {
		t.Errorf("scheme %v, source %v", at(m, "scheme"), at(m, "sheet_source"))
	}
	if w := s.get("/api/v1/schemes/nope"); w.Code != http.StatusNotFound {
		t.Errorf("unknown pack: %d", w.Code)
	}
}
