package assess_test

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"nianbao/assess"
	"nianbao/generate"
	"nianbao/report"
	"nianbao/store"
)

// newRules are the checks of issue 21 item 3 (and the extended yoy_jump).
var newRules = []string{report.RuleJump, report.RulePeerZero, report.RulePeerBlank, report.RulePartOverWhole, report.RuleFeeNarrative}

// TestGeneratedCountyNewChecks: a generated county of 12 towns over
// 2020–2022 (both editions), with a handful of reports changed the way
// real ones go wrong. The findings of the new checks on 2021–2022 are
// worked out here from the cells, with code of the test's own, and must
// be exactly those Check makes; then the county is scored under the
// national pack and each changed body's item fails with the evidence.
func TestGeneratedCountyNewChecks(t *testing.T) {
	corpus := generate.Corpus(generate.Options{Seed: 11, Counties: generate.CountyNames[:1], Towns: []int{12}, FirstYear: 2020, LastYear: 2022})
	var docs []*assess.Doc
	by := map[string]*assess.Doc{}
	for i, r := range corpus {
		d := doc(int64(i+1), r)
		docs = append(docs, d)
		by[fmt.Sprintf("%s/%d", d.Agency, d.Year)] = d
	}
	var towns []string
	for _, d := range docs {
		if d.Year == 2022 {
			towns = append(towns, d.Agency)
		}
	}
	sort.Strings(towns)
	if len(towns) < 8 {
		t.Fatalf("only %d towns in 2022", len(towns))
	}
	zero, blank, part, fee, jump := by[towns[0]+"/2022"], by[towns[1]+"/2021"], by[towns[2]+"/2022"], by[towns[3]+"/2022"], by[towns[4]+"/2022"]
	// Every town of 2022 punishes 30 and more; the first reports none.
	for i, name := range towns {
		by[name+"/2022"].Cells["t2.penalty.decisions"] = float64(30 + i)
	}
	zero.Cells["t2.penalty.decisions"] = 0
	// A 2021 licensing figure left "/" where the other towns give theirs.
	for i, name := range towns {
		if d := by[name+"/2021"]; d != nil {
			d.Cells["t2.licensing.decisions"] = float64(5 + i)
		}
	}
	blank.Cells["t2.licensing.decisions"], blank.Raw["t2.licensing.decisions"] = 0, "/"
	// 部分公开 over 总计, with one result row unread.
	delete(part.Cells, "t3.denied.state_secret.total")
	part.Cells["t3.partial.total"] = part.Cells["t3.total.total"] + 3
	// Fee notices unpaid, while section 六 says no fee was charged.
	fee.Cells["t3.other.unpaid_fee.total"] = 2
	// New applications from last year's figure to 80.
	jump.Cells["t3.new.total"] = 80

	sheet := assess.DefaultSheet()
	res, err := assess.Check(docs, 2021, 2022, sheet)
	if err != nil {
		t.Fatal(err)
	}
	got, want := map[string]bool{}, map[string]bool{}
	for _, d := range docs {
		if d.Year < 2021 {
			continue
		}
		for _, f := range only(res[d.ID].Findings, newRules...) {
			for _, c := range f.Cells {
				got[fmt.Sprintf("%s/%d %s %s", d.Agency, d.Year, f.Rule, c)] = true
			}
		}
		for _, k := range expectedNew(d, docs, by, sheet) {
			want[fmt.Sprintf("%s/%d %s", d.Agency, d.Year, k)] = true
		}
	}
	t.Logf("%d findings of the new checks expected", len(want))
	for k := range want {
		if !got[k] {
			t.Errorf("expected, not found: %s", k)
		}
	}
	for k := range got {
		if !want[k] {
			t.Errorf("found, not expected: %s", k)
		}
	}
	for _, k := range []string{
		zero.Agency + "/2022 peer_zero t2.penalty.decisions",
		blank.Agency + "/2021 peer_blank t2.licensing.decisions",
		part.Agency + "/2022 value_part_over_whole t3.partial.total",
		fee.Agency + "/2022 narrative_fee t3.other.unpaid_fee.total",
		jump.Agency + "/2022 yoy_jump t3.new.total",
	} {
		if !want[k] {
			t.Errorf("the changed report is not among the expected findings: %s", k)
		}
	}

	// Scored under the national pack, the changed bodies fail the item of
	// the rule with the cell as evidence; a jump alone costs nothing and
	// leaves its item 存疑.
	national, _ := assess.SchemeByID("national")
	var bodies []assess.Filing
	for _, d := range docs {
		if d.Year != 2022 {
			continue
		}
		b := assess.Filing{Agency: d.Agency, Level: assess.LevelTown, ReportID: d.ID}
		for i, f := range res[d.ID].Findings {
			b.Findings = append(b.Findings, store.StoredFinding{ReportID: d.ID, Seq: i, Finding: f})
		}
		bodies = append(bodies, b)
	}
	a := assess.Score(zero.County, 2022, bodies, national)
	item := func(agency, code string) assess.ItemVerdict {
		for _, s := range a.Agencies {
			if s.Agency != agency {
				continue
			}
			for _, it := range s.Items {
				if it.Code == code {
					return it
				}
			}
		}
		t.Fatalf("%s has no item %s", agency, code)
		return assess.ItemVerdict{}
	}
	for _, c := range []struct{ agency, item, rule, cell string }{
		{zero.Agency, "peers", report.RulePeerZero, "t2.penalty.decisions"},
		{part.Agency, "data", report.RulePartOverWhole, "t3.partial.total"},
		{fee.Agency, "data", report.RuleFeeNarrative, "t3.other.unpaid_fee.total"},
	} {
		v := item(c.agency, c.item)
		if v.Verdict != assess.VerdictFail || v.VerdictLabel != "不通过" {
			t.Errorf("%s %s: %s, want 不通过", c.agency, c.item, v.VerdictLabel)
			continue
		}
		found := false
		for _, e := range v.Evidence {
			d := by[c.agency+"/2022"]
			found = found || (e.Cell == c.cell && e.Link == assess.ReportLink(d.ID) && e.Finding != nil && strings.Contains(e.Text, num(d.Cells[c.cell])))
		}
		if !found {
			t.Errorf("%s %s: no evidence quoting %s: %+v", c.agency, c.item, c.cell, v.Evidence)
		}
	}
	if v := item(jump.Agency, "data"); v.Verdict == assess.VerdictPass || !strings.Contains(v.Note+fmt.Sprint(v.Evidence), "80") {
		t.Errorf("%s data after a jump: %s %q %+v", jump.Agency, v.VerdictLabel, v.Note, v.Evidence)
	}
}

// expectedNew works out the new checks' findings on d from the cells,
// independently of the package: "rule cell" for each cell named.
func expectedNew(d *assess.Doc, docs []*assess.Doc, by map[string]*assess.Doc, sheet *assess.Sheet) []string {
	var out []string
	// yoy_jump: the ratio to last year outside [0.2, 5]; below 10 in
	// either year, only when the other reaches 50.
	if prev := by[fmt.Sprintf("%s/%d", d.Agency, d.Year-1)]; prev != nil {
		for _, c := range sheet.JumpCodes {
			now, ok1 := d.Cells[c]
			last, ok2 := prev.Cells[c]
			if !ok1 || !ok2 || now == last {
				continue
			}
			small, big := min(now, last), max(now, last)
			wild := small == 0 || big/small > 5
			if (small >= 10 && wild) || (small < 10 && big >= 50 && wild) {
				out = append(out, report.RuleJump+" "+c)
			}
		}
	}
	var peers []*assess.Doc
	for _, o := range docs {
		if o.Year == d.Year && o.Agency != d.Agency {
			peers = append(peers, o) // every body of the generated county is a town
		}
	}
	med := func(v []float64) float64 {
		s := slices.Sorted(slices.Values(v))
		if len(s)%2 == 1 {
			return s[len(s)/2]
		}
		return (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	// peer_zero: 0 where five or more peers' median is 20 or more.
	for _, c := range sheet.JumpCodes {
		if v, ok := d.Cells[c]; !ok || v != 0 || d.Raw[c] == "/" {
			continue
		}
		var vals []float64
		for _, p := range peers {
			if v, ok := p.Cells[c]; ok && p.Raw[c] != "/" {
				vals = append(vals, v)
			}
		}
		if len(vals) >= 5 && med(vals) >= 20 {
			out = append(out, report.RulePeerZero+" "+c)
		}
	}
	// peer_blank: "/" (the only blank the test writes) where every peer
	// has a number, their median above 0, in a report writing 0 elsewhere.
	writesZero := false
	for c, v := range d.Cells {
		writesZero = writesZero || (v == 0 && d.Raw[c] == "" && report.Code(c).Known())
	}
	for c, raw := range d.Raw {
		if raw != "/" || !writesZero {
			continue
		}
		var vals []float64
		for _, p := range peers {
			if v, ok := p.Cells[c]; ok {
				vals = append(vals, v)
			}
		}
		if len(vals) >= 5 && med(vals) > 0 {
			out = append(out, report.RulePeerBlank+" "+c)
		}
	}
	// value_part_over_whole: the generated tables keep rules 1–4; only a
	// report missing a result row of the total column can show a result
	// over 总计 that rule 2 does not report.
	if _, ok := d.Cells["t3.denied.state_secret.total"]; !ok {
		total := d.Cells["t3.total.total"]
		for _, row := range report.T3ResultRows(d.Edition) {
			if v, ok := d.Cells["t3."+row+".total"]; ok && v > total {
				out = append(out, report.RulePartOverWhole+" t3."+row+".total", report.RulePartOverWhole+" t3.total.total")
			}
		}
	}
	// narrative_fee: unpaid fee notices, section 六 saying 未收取 and
	// nothing of notices.
	six := sectionBody(d, 6)
	if d.Cells["t3.other.unpaid_fee.total"] > 0 && strings.Contains(six, "未收取") && !strings.Contains(six, "收费通知") {
		out = append(out, report.RuleFeeNarrative+" t3.other.unpaid_fee.total")
	}
	return out
}

func num(v float64) string { return fmt.Sprintf("%g", v) }
