package assess_test

import (
	"strings"
	"testing"

	"nianbao/assess"
	"nianbao/report"
	"nianbao/store"
)

// overdueCounty: a county government with three findings sent back and
// overdue, a department with one (and a copy finding), a town with none.
func overdueCounty() []assess.Filing {
	rect := func(id int64, msg string) store.Rectification {
		return store.Rectification{ReportID: id, Message: msg, Deadline: "2023-05-31", State: store.RectOverdue, Cells: []string{"t3.new.total"}}
	}
	return []assess.Filing{
		{Agency: "示范县人民政府", Level: assess.LevelCounty, ReportID: 1, Overdue: []store.Rectification{rect(1, "甲"), rect(1, "乙"), rect(1, "丙")},
			Sources: map[string]report.Source{"t3.new.total": {Line: 40, Raw: "新收 12"}}},
		{Agency: "甲局", Level: assess.LevelDepartment, ReportID: 2, Overdue: []store.Rectification{rect(2, "丁")},
			Findings: []store.StoredFinding{{ReportID: 2, Finding: report.Finding{Rule: report.RuleCopyPrevious, Message: "照抄上年"}}}},
		{Agency: "某镇", Level: assess.LevelTown, ReportID: 3},
	}
}

// TestOverdueRectificationDeduction: the totals by hand from each sheet's
// terms for findings sent back and not fixed by their deadline.
func TestOverdueRectificationDeduction(t *testing.T) {
	own, err := assess.ParseSheet("own.yaml", []byte("name: 本市评分表\nrectify_overdue_per_case: 2\nrectify_overdue_max: 3\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	xianning, _ := assess.SchemeByID("county-xianning")
	national, _ := assess.SchemeByID("national")
	cases := []struct {
		name   string
		sheet  *assess.Sheet
		scores map[string]float64
	}{
		// 2 per case, at most 3: the county's three cost 3, the department's one 2 (+3 for the copy).
		{"own sheet", own, map[string]float64{"示范县人民政府": 97, "甲局": 100 - 2 - 3, "某镇": 100}},
		// 咸宁-style pack: 5 per case, at most 5; copying costs 5.
		{"county-xianning", xianning, map[string]float64{"示范县人民政府": 95, "甲局": 100 - 5 - 5, "某镇": 100}},
		// The national default has no such deduction: only the copy counts.
		{"national", national, map[string]float64{"示范县人民政府": 100, "甲局": 97, "某镇": 100}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := assess.Score("示范县", 2022, overdueCounty(), c.sheet)
			for _, s := range a.Agencies {
				if want := c.scores[s.Agency]; s.Score != want {
					t.Errorf("%s: %v, want %v (deductions %+v)", s.Agency, s.Score, want, s.Deductions)
				}
				for _, d := range s.Deductions {
					if d.Rule == assess.RuleRectifyOverdue && (len(d.Evidence) == 0 || !strings.Contains(d.Reason, "逾期未改")) {
						t.Errorf("%s: deduction %+v without its reason or evidence", s.Agency, d)
					}
				}
			}
		})
	}
	// The pack's item fails, with the evidence of the place.
	a := assess.Score("示范县", 2022, overdueCounty(), xianning)
	for _, s := range a.Agencies {
		if s.Agency != "示范县人民政府" {
			continue
		}
		for _, it := range s.Items {
			if it.Code == "rectify" && (it.Verdict != assess.VerdictFail || it.Points != 5 || it.Evidence[0].Line != 40) {
				t.Errorf("item rectify: %+v", it)
			}
		}
	}
}

func TestOverdueFieldsChecked(t *testing.T) {
	for _, c := range []struct{ body, want string }{
		{"name: x\nrectify_overdue_per_case: -1\n", "第2行"},
		{"name: x\nbase: 100\nrectify_overdue_max: 101\n", "rectify_overdue_max"},
		{"name: x\nitems:\n  - {code: a, name: 甲, rules: [rectify_overdue]}\n", ""},
	} {
		_, err := assess.ParseSheet("s.yaml", []byte(c.body), nil)
		if c.want == "" {
			if err != nil {
				t.Errorf("%q: %v", c.body, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want one containing %q", c.body, err, c.want)
		}
	}
}
