package assess_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path"
	"slices"
	"strings"
	"testing"

	"nianbao/assess"
	"nianbao/report"
)

// wantFinding is a finding a fixture expects: its rule and cells, and
// words its message must hold (both sides of the comparison).
type wantFinding struct {
	Rule  string   `json:"rule"`
	Cells []string `json:"cells"`
	Says  []string `json:"says"`
}

func readCases[T any](t *testing.T, file string) []T {
	t.Helper()
	b, err := os.ReadFile("testdata/checks/" + file)
	if err != nil {
		t.Fatal(err)
	}
	var out []T
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return out
}

// only keeps the findings of the given rules.
func only(fs []report.Finding, rules ...string) []report.Finding {
	var out []report.Finding
	for _, f := range fs {
		if slices.Contains(rules, f.Rule) {
			out = append(out, f)
		}
	}
	return out
}

func compareFindings(t *testing.T, got []report.Finding, want []wantFinding) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d findings %+v, want %d %+v", len(got), got, len(want), want)
	}
	for i, w := range want {
		g := got[i]
		if g.Rule != w.Rule || !slices.Equal(g.Cells, w.Cells) {
			t.Errorf("finding %d: %s %v, want %s %v (%s)", i, g.Rule, g.Cells, w.Rule, w.Cells, g.Message)
		}
		for _, s := range w.Says {
			if !strings.Contains(g.Message, s) {
				t.Errorf("finding %d: %q does not say %q", i, g.Message, s)
			}
		}
		if rl, _ := report.RuleByCode(g.Rule); g.Severity != rl.Severity {
			t.Errorf("finding %d: severity %s, want the rule's %s", i, g.Severity, rl.Severity)
		}
	}
}

// TestReportChecks: parts over their whole (value_part_over_whole) and
// section 六 against table 3's fee row (narrative_fee), both editions,
// from testdata/checks/report-cases.json.
func TestReportChecks(t *testing.T) {
	type reportCase struct {
		Name     string             `json:"name"`
		Edition  string             `json:"edition"`
		Year     int                `json:"year"`
		FillZero []string           `json:"fill_zero"`
		Cells    map[string]float64 `json:"cells"`
		Section6 string             `json:"section6"`
		Want     []wantFinding      `json:"want"`
	}
	for _, c := range readCases[reportCase](t, "report-cases.json") {
		t.Run(c.Name, func(t *testing.T) {
			d := &assess.Doc{ID: 1, Agency: "甲镇", County: "示范县", Year: c.Year, Edition: c.Edition, Cells: map[string]float64{}, Raw: map[string]string{}}
			for code := range report.PrintedCodes(c.Edition) {
				for _, p := range c.FillZero {
					if ok, _ := path.Match(p, string(code)); ok {
						d.Cells[string(code)] = 0
					}
				}
			}
			for k, v := range c.Cells {
				d.Cells[k] = v
			}
			if c.Section6 != "" {
				d.Sections = []assess.Section{{Number: 6, Body: c.Section6}}
			}
			got := only(assess.ReportFindings(d, assess.DefaultSheet()), report.RulePartOverWhole, report.RuleFeeNarrative)
			compareFindings(t, got, c.Want)
			for _, f := range got {
				// Both sides of every finding are in its message.
				for _, code := range f.Cells {
					if !strings.Contains(f.Message, fmt.Sprint(d.Cells[code])) {
						t.Errorf("%q does not give %s = %v", f.Message, code, d.Cells[code])
					}
				}
			}
		})
	}
}

// TestPeerChecks: a zero where the peers' median is large (peer_zero)
// and a blank where every peer prints a number (peer_blank), at their
// boundaries, from testdata/checks/peer-cases.json. A peer value "/" is
// a cell printed blank.
func TestPeerChecks(t *testing.T) {
	type peerCase struct {
		Name    string             `json:"name"`
		Agency  string             `json:"agency"`
		Edition string             `json:"edition"`
		Cells   map[string]float64 `json:"cells"`
		Raw     map[string]string  `json:"raw"`
		Peers   map[string][]any   `json:"peers"`
		Want    []wantFinding      `json:"want"`
	}
	for _, c := range readCases[peerCase](t, "peer-cases.json") {
		t.Run(c.Name, func(t *testing.T) {
			year := map[string]int{report.Edition2019: 2020, report.Edition2021: 2022}[c.Edition]
			d := &assess.Doc{ID: 1, Agency: c.Agency, County: "示范县", Year: year, Edition: c.Edition, Cells: c.Cells, Raw: c.Raw}
			if d.Raw == nil {
				d.Raw = map[string]string{}
			}
			suffix := "镇"
			if d.Level() == assess.LevelDepartment {
				suffix = "局"
			}
			n := 0
			for _, vals := range c.Peers {
				n = max(n, len(vals))
			}
			docs := []*assess.Doc{d}
			for i := range n {
				p := &assess.Doc{ID: int64(10 + i), Agency: fmt.Sprintf("同级%d%s", i, suffix), County: "示范县", Year: year, Edition: c.Edition,
					Cells: map[string]float64{}, Raw: map[string]string{}}
				for code, vals := range c.Peers {
					if i >= len(vals) {
						continue
					}
					switch v := vals[i].(type) {
					case float64:
						p.Cells[code] = v
					case string:
						p.Cells[code], p.Raw[code] = 0, v
					}
				}
				docs = append(docs, p)
			}
			peers := assess.Peers(d, docs)
			if len(peers) != n {
				t.Fatalf("%d peers, want %d", len(peers), n)
			}
			compareFindings(t, assess.PeerFindings(d, peers, assess.DefaultSheet()), c.Want)
		})
	}
}

// TestCorrectedCasesPerCase: every 结果纠正 case of table 4 (复议 or
// 诉讼) costs the pack's correction_per_case, up to max_per_rule, under
// the 纠错 item, with each group's line of table 4 as evidence.
func TestCorrectedCasesPerCase(t *testing.T) {
	rc, ld := string(report.T4("reconsideration", "corrected")), string(report.T4("litigation_direct", "corrected"))
	for _, c := range []struct {
		pack          string
		cases         float64
		points, score float64
	}{
		{"national", 2, 2, 98},
		{"dept-suqian", 2, 4, 96},
		{"county-xianning", 2, 6, 94},
		{"county-xianning", 6, 15, 85}, // 18 capped at max_per_rule
	} {
		sheet, _ := assess.SchemeByID(c.pack)
		b := assess.Filing{Agency: "甲局", Level: assess.LevelDepartment, ReportID: 7, Corrections: c.cases,
			Sources: map[string]report.Source{rc: {Page: 5, Line: 60, Raw: "行政复议 结果纠正 1"}, ld: {Page: 5, Line: 61, Raw: "行政诉讼 结果纠正 1"}}}
		a := assess.Score("示范县", 2022, []assess.Filing{b}, sheet)
		s := a.Agencies[0]
		if s.Score != c.score {
			t.Errorf("%s, %v cases: score %v, want %v (%+v)", c.pack, c.cases, s.Score, c.score, s.Deductions)
		}
		for _, it := range s.Items {
			if it.Code != "disputes" {
				continue
			}
			if it.Verdict != assess.VerdictFail || it.Points != c.points || len(it.Evidence) != 2 || it.Evidence[0].Cell != rc || it.Evidence[1].Line != 61 {
				t.Errorf("%s: disputes %+v, want 不通过 for %v points with the two lines of table 4", c.pack, it, c.points)
			}
		}
	}
}

// A real report's peers are real reports only, and a 示例数据 report's are
// generated ones only: the sample sits on real places, so one county of one
// year can hold both kinds.
func TestPeersOfOneKind(t *testing.T) {
	mk := func(id int64, agency string, synthetic bool) *assess.Doc {
		return &assess.Doc{ID: id, Agency: agency, County: "乐至县", Year: 2022, Synthetic: synthetic}
	}
	real1, real2 := mk(1, "劳动镇", false), mk(2, "回澜镇", false)
	gen1, gen2, gen3 := mk(3, "童家镇", true), mk(4, "石佛镇", true), mk(5, "劳动镇", true)
	docs := []*assess.Doc{real1, real2, gen1, gen2, gen3}
	for _, tc := range []struct {
		d    *assess.Doc
		want []int64
	}{
		{real1, []int64{2}},
		{gen1, []int64{4, 5}},
		{gen3, []int64{3, 4}},
	} {
		var got []int64
		for _, p := range assess.Peers(tc.d, docs) {
			got = append(got, p.ID)
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("peers of %d (%s, synthetic %v): %v, want %v", tc.d.ID, tc.d.Agency, tc.d.Synthetic, got, tc.want)
		}
	}
}
