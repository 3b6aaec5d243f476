package assess_test

import (
	"math"
	"strings"
	"testing"

	"nianbao/assess"
	"nianbao/report"
	"nianbao/store"
)

// packCounty is a county with one body of each case an assessor meets:
// clean, late, copied, missing, corrected (a lost reconsideration and a
// lost lawsuit, with a data error), litigated (one lost lawsuit) and a
// town whose table 3 the reader could not split.
func packCounty() []assess.Filing {
	finding := func(id int64, seq int, rule string, cells ...string) store.StoredFinding {
		return store.StoredFinding{ReportID: id, Seq: seq, Finding: report.Finding{Rule: rule, Cells: cells, Message: rule + " 的问题"}}
	}
	late := &store.Timely{ReportID: 2, PublishedOn: "2023-02-05", Deadline: "2023-01-31", DaysLate: 5}
	lit := string(report.T4("litigation_direct", "corrected"))
	return []assess.Filing{
		{Agency: "示范县人民政府", Level: assess.LevelCounty, ReportID: 1, Timely: &store.Timely{ReportID: 1, PublishedOn: "2023-03-01", Deadline: "2023-03-31", DaysLate: -30}},
		{Agency: "甲局", Level: assess.LevelDepartment, ReportID: 2, Timely: late, Findings: []store.StoredFinding{finding(2, 0, report.RuleLate)}},
		{Agency: "乙局", Level: assess.LevelDepartment, ReportID: 3, Findings: []store.StoredFinding{finding(3, 0, report.RuleCopyPrevious)}},
		{Agency: "丙局", Level: assess.LevelDepartment},
		{Agency: "丁局", Level: assess.LevelDepartment, ReportID: 4, Corrections: 2,
			Findings: []store.StoredFinding{finding(4, 0, report.RuleBalance, "t3.new.total"), func() store.StoredFinding {
				f := finding(4, 1, report.RuleNegative, "t2.regulations.issued")
				f.Review = "dismissed" // a person dismissed it: it costs nothing
				return f
			}()},
			Sources: map[string]report.Source{"t3.new.total": {Page: 3, Line: 41, Raw: "（一）新收政府信息公开申请数量 | 12"},
				string(report.T4("reconsideration", "corrected")): {Page: 5, Line: 60, Raw: "行政复议 结果纠正 1"}, lit: {Page: 5, Line: 61, Raw: "诉讼 结果纠正 1"}}},
		{Agency: "某镇", Level: assess.LevelTown, ReportID: 5, Findings: []store.StoredFinding{finding(5, 0, report.RuleAmbiguous, "t3.results.disclosed")}},
		{Agency: "某街道", Level: assess.LevelTown, ReportID: 6, Corrections: 1, Sources: map[string]report.Source{lit: {Page: 4, Line: 30, Raw: "结果纠正 1"}}},
	}
}

// TestPacksScoreCounty: each shipped pack scores the county to totals
// worked out here by hand from the pack's published terms.
func TestPacksScoreCounty(t *testing.T) {
	r1 := func(v float64) float64 { return math.Round(v*10) / 10 }
	cases := []struct {
		pack      string
		scores    map[string]float64
		composite float64
	}{
		// National: late 3 + 0.2×5 days; copy 3; balance 2 + 1 per 纠错 case.
		// Levels 6:2:2 over means county 100, departments (96+97+0+96)/4, towns (100+99)/2.
		{"national", map[string]float64{"示范县人民政府": 100, "甲局": 96, "乙局": 97, "丙局": 0, "丁局": 96, "某镇": 100, "某街道": 99},
			r1((6*100 + 2*r1((96+97+0+96)/4.0) + 2*r1((100+99)/2.0)) / 10)},
		// 宿迁-style: late 0.5 fixed, copy 0.5, 2 per case; only departments count.
		{"dept-suqian", map[string]float64{"示范县人民政府": 100, "甲局": 99.5, "乙局": 99.5, "丙局": 0, "丁局": 94, "某镇": 100, "某街道": 98},
			r1((99.5 + 99.5 + 0 + 94) / 4)},
		// 咸宁-style: copy 5, 3 per case; county 50 + departments and towns pooled 50.
		{"county-xianning", map[string]float64{"示范县人民政府": 100, "甲局": 96, "乙局": 95, "丙局": 0, "丁局": 92, "某镇": 100, "某街道": 97},
			r1((50*100 + 50*r1((96+95+0+92+100+97)/6.0)) / 100)},
	}
	for _, c := range cases {
		t.Run(c.pack, func(t *testing.T) {
			sheet, ok := assess.SchemeByID(c.pack)
			if !ok {
				t.Fatalf("no pack %s", c.pack)
			}
			a := assess.Score("示范县", 2022, packCounty(), sheet)
			if a.Scheme != c.pack || a.SchemeVersion == "" {
				t.Errorf("scheme %q version %q", a.Scheme, a.SchemeVersion)
			}
			for _, s := range a.Agencies {
				if want := c.scores[s.Agency]; s.Score != want {
					t.Errorf("%s: %v, want %v (deductions %+v)", s.Agency, s.Score, want, s.Deductions)
				}
			}
			if a.Composite == nil || *a.Composite != c.composite {
				t.Errorf("composite %v, want %v (means %v)", a.Composite, c.composite, a.LevelMeans)
			}
		})
	}
}

// TestVerdictsAndEvidence: the four states, and every fail carries
// evidence that names the place or the dates.
func TestVerdictsAndEvidence(t *testing.T) {
	sheet, _ := assess.SchemeByID("national")
	a := assess.Score("示范县", 2022, packCounty(), sheet)
	by := map[string]assess.AgencyScore{}
	for _, s := range a.Agencies {
		by[s.Agency] = s
	}
	verdict := func(agency, item string) assess.ItemVerdict {
		for _, it := range by[agency].Items {
			if it.Code == item {
				return it
			}
		}
		t.Fatalf("%s has no item %s: %+v", agency, item, by[agency].Items)
		return assess.ItemVerdict{}
	}
	cases := []struct{ agency, item, want string }{
		{"示范县人民政府", "publish", assess.VerdictPass},
		{"示范县人民政府", "reply_quality", assess.VerdictNotAssessable},
		{"甲局", "publish", assess.VerdictFail},
		{"乙局", "original", assess.VerdictFail},
		{"丙局", "publish", assess.VerdictFail},
		{"丙局", "data", assess.VerdictNotAssessable},
		{"丁局", "data", assess.VerdictFail},
		{"丁局", "disputes", assess.VerdictFail},
		{"某镇", "data", assess.VerdictUncertain},
		{"某镇", "original", assess.VerdictPass},
		{"某街道", "disputes", assess.VerdictFail},
	}
	for _, c := range cases {
		v := verdict(c.agency, c.item)
		if v.Verdict != c.want || v.VerdictLabel != assess.VerdictLabels[c.want] {
			t.Errorf("%s %s: %s（%s）, want %s", c.agency, c.item, v.Verdict, v.VerdictLabel, c.want)
		}
		if v.Verdict == assess.VerdictFail && len(v.Evidence) == 0 {
			t.Errorf("%s %s fails without evidence", c.agency, c.item)
		}
	}
	if e := verdict("甲局", "publish").Evidence[0]; e.Deadline != "2023-01-31" || e.PublishedOn != "2023-02-05" || e.DaysLate == nil || *e.DaysLate != 5 {
		t.Errorf("late evidence %+v", e)
	}
	data := verdict("丁局", "data").Evidence
	if len(data) != 1 || data[0].Cell != "t3.new.total" || data[0].Page != 3 || data[0].Line != 41 || !strings.Contains(data[0].Excerpt, "12") ||
		data[0].Link != assess.ReportLink(4) || data[0].Finding == nil || *data[0].Finding != 0 {
		t.Errorf("data evidence %+v", data)
	}
	// Two cases of 纠错, each quoted from its own line of table 4.
	if d := verdict("丁局", "disputes"); len(d.Evidence) != 2 || d.Points != 2 {
		t.Errorf("disputes %+v", d)
	}
	for _, s := range a.Agencies {
		for _, d := range s.Deductions {
			if len(d.Evidence) == 0 {
				t.Errorf("%s: deduction %s without evidence", s.Agency, d.Rule)
			}
		}
	}
}

// TestPackErrors: a pack's own fields are checked at their place.
func TestPackErrors(t *testing.T) {
	for _, c := range []struct{ body, want string }{
		{"name: x\nitems:\n  - {code: a, name: 甲, rules: [no_such_rule]}\n", "第3行"},
		{"name: x\nitems:\n  - {code: a, name: 甲}\n", "not_assessable"},
		{"name: x\nareas:\n  - {name: 甲, weight: 10}\nitems:\n  - {code: a, name: 甲, area: 乙, not_assessable: true}\n", "不在 areas 中"},
		{"name: x\nid: Bad ID\n", "id"},
		{"name: x\nitems:\n  - {code: a, name: 甲, rules: [timely_late], levels: [city]}\n", "county、department 或 town"},
	} {
		_, err := assess.ParseSheet("pack.yaml", []byte(c.body), nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want one containing %q", c.body, err, c.want)
		}
	}
	if got := assess.Schemes(); len(got) != 3 || got[0].ID != "national" || got[0].Source == "" || got[1].Version == "" {
		t.Errorf("schemes %+v", got)
	}
}
