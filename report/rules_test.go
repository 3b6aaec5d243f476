package report

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// consistent builds a report of an edition whose tables 3 and 4 satisfy
// rules 1–4 with every term of every rule non-zero and the terms of one
// sum all different: a rule that drops a term, adds what it should
// subtract or swaps two terms then breaks on this report, and a rule that
// misses a change of one sees it in TestEachTermCounts.
func consistent(edition string) *Report {
	r := New("consistent.txt")
	r.Edition = edition
	rows := T3ResultRows(edition)
	for ci, col := range T3Columns[:6] {
		total := 0.0
		for ri, row := range rows {
			v := float64(ri + 1 + 3*ci)
			r.Cells["t3."+row+"."+col] = v
			total += v
		}
		carried := float64(2 + ci)
		forward := float64(5 + 2*ci)
		r.Cells["t3.total."+col] = total
		r.Cells["t3.carried_over."+col] = carried
		r.Cells["t3.carry_forward."+col] = forward
		r.Cells["t3.new."+col] = total + forward - carried
	}
	for _, row := range append([]string{"new", "carried_over", "total", "carry_forward"}, rows...) {
		sum := 0.0
		for _, col := range T3Columns[:6] {
			sum += r.Cells["t3."+row+"."+col]
		}
		r.Cells["t3."+row+".total"] = sum
	}
	for gi, g := range T4Groups {
		sum := 0.0
		for oi, o := range T4Outcomes[:4] {
			v := float64(1 + oi + 4*gi)
			r.Cells["t4."+g+"."+o] = v
			sum += v
		}
		r.Cells["t4."+g+".total"] = sum
	}
	return r
}

func rulesOf(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Rule)
	}
	return out
}

func TestConsistentReportHasNoFinding(t *testing.T) {
	for _, ed := range []string{Edition2019, Edition2021} {
		r := consistent(ed)
		Check(r)
		if len(r.Findings) != 0 {
			t.Errorf("%s: a consistent report got findings %v: %s", ed, rulesOf(r.Findings), r.Findings[0].Message)
		}
	}
}

// termsOf lists, for each identity rule, every cell it adds up, so that
// each can be changed by one in turn.
func termsOf(edition string) map[string][]string {
	terms := map[string][]string{}
	for _, col := range T3Columns {
		for _, row := range []string{"new", "carried_over", "total", "carry_forward"} {
			terms[RuleBalance] = append(terms[RuleBalance], "t3."+row+"."+col)
		}
		for _, row := range append(T3ResultRows(edition), "total") {
			terms[RuleResults] = append(terms[RuleResults], "t3."+row+"."+col)
		}
	}
	for _, row := range append([]string{"new", "carried_over", "total", "carry_forward"}, T3ResultRows(edition)...) {
		for _, col := range T3Columns {
			terms[RuleApplicants] = append(terms[RuleApplicants], "t3."+row+"."+col)
		}
	}
	for _, g := range T4Groups {
		for _, o := range T4Outcomes {
			terms[RuleReview] = append(terms[RuleReview], "t4."+g+"."+o)
		}
	}
	return terms
}

// TestEachTermCounts changes each term of each of rules 1–4 by exactly one
// (a tolerance of one would hide it) and by a fraction, and wants a
// finding of that rule naming the changed cell.
func TestEachTermCounts(t *testing.T) {
	for _, ed := range []string{Edition2019, Edition2021} {
		for rule, codes := range termsOf(ed) {
			for _, code := range codes {
				for _, delta := range []float64{1, -1, 0.5} {
					r := consistent(ed)
					r.Cells[code] += delta
					CheckIdentities(r)
					found := false
					for _, f := range r.Findings {
						if f.Rule == rule && slices.Contains(f.Cells, code) && f.Severity == SeverityError {
							found = true
						}
					}
					if !found {
						t.Errorf("%s: %s changed by %v: no %s finding (got %v)", ed, code, delta, rule, rulesOf(r.Findings))
					}
				}
			}
		}
	}
}

// TestRuleMessages: a finding states the figures it compares, so a clerk
// can see the arithmetic without opening the tables.
func TestRuleMessages(t *testing.T) {
	cases := []struct {
		name  string
		edit  map[string]float64
		rule  string
		words []string
	}{
		{"balance", map[string]float64{"t3.new.natural": 10, "t3.carried_over.natural": 2, "t3.total.natural": 9, "t3.carry_forward.natural": 4},
			RuleBalance, []string{"自然人", "新收10（原文第5行）＋上年结转2＝12", "总计9（原文第2页第7行）＋结转下年4＝13"}},
		{"review", map[string]float64{"t4.reconsideration.upheld": 1, "t4.reconsideration.corrected": 2, "t4.reconsideration.other": 3, "t4.reconsideration.pending": 4, "t4.reconsideration.total": 11},
			RuleReview, []string{"行政复议", "尚未审结＝10", "总计为11（原文第9行）"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := New("x.txt")
			r.Edition = Edition2021
			for c, v := range tc.edit {
				r.Cells[c] = v
			}
			r.Sources = map[string]Source{"t3.new.natural": {Line: 5}, "t3.total.natural": {Line: 7, Page: 2},
				"t4.reconsideration.total": {Line: 9}}
			CheckIdentities(r)
			if len(r.Findings) != 1 || r.Findings[0].Rule != tc.rule {
				t.Fatalf("findings %v, want one %s", rulesOf(r.Findings), tc.rule)
			}
			for _, w := range tc.words {
				if !strings.Contains(r.Findings[0].Message, w) {
					t.Errorf("message %q lacks %q", r.Findings[0].Message, w)
				}
			}
		})
	}
}

// A rule is checked only where every cell it needs is present: a report
// that lost a row to the reader gets parse findings, not invented ones.
func TestRulesNeedEveryCell(t *testing.T) {
	for rule, codes := range termsOf(Edition2021) {
		for _, code := range codes {
			r := consistent(Edition2021)
			delete(r.Cells, code)
			CheckIdentities(r)
			if len(r.Findings) != 0 {
				t.Errorf("%s removed: findings %v (rule %s)", code, rulesOf(r.Findings), rule)
			}
		}
	}
}

// A 2021 report printed with the 2019 edition's single 其他处理 row is
// checked against that row; a 2021 report gets the row derived from its
// three sub-rows.
func TestOtherRow(t *testing.T) {
	r := consistent(Edition2019)
	r.Edition = Edition2021
	CheckIdentities(r)
	if len(r.Findings) != 0 {
		t.Errorf("2021 report with the 2019 row: %v", rulesOf(r.Findings))
	}
	// ... and broken against that row, it gets rule 2's finding.
	r = consistent(Edition2019)
	r.Edition = Edition2021
	r.Cells["t3.other.natural"]++
	CheckIdentities(r)
	if !slices.Contains(rulesOf(r.Findings), RuleResults) {
		t.Errorf("2021 report with the 2019 row, broken: %v, want %s", rulesOf(r.Findings), RuleResults)
	}
	// A 2021 report with its sub-rows is checked on them, whatever a
	// printed 其他处理 row says.
	r = consistent(Edition2021)
	r.Cells["t3.other.total"] = 1
	CheckIdentities(r)
	for _, f := range r.Findings {
		if f.Rule == RuleResults {
			t.Errorf("2021 report checked on its printed 其他处理 row: %s", f.Message)
		}
	}
	r = consistent(Edition2021)
	Derive(r)
	for _, col := range T3Columns {
		want := 0.0
		for _, sub := range T3OtherSubRows {
			want += r.Cells["t3."+sub+"."+col]
		}
		if got := r.Cells["t3.other."+col]; got != want || want == 0 {
			t.Errorf("derived t3.other.%s = %v, want %v", col, got, want)
		}
	}
	r = consistent(Edition2021)
	delete(r.Cells, "t3.other.other.legal")
	Derive(r)
	if r.Has("t3.other.legal") {
		t.Error("t3.other.legal derived without all three sub-rows")
	}
	r = consistent(Edition2019)
	Derive(r)
	if r.Has("t3.other.overdue_correction.total") || r.Cells["t3.other.total"] != consistent(Edition2019).Cells["t3.other.total"] {
		t.Error("Derive changed a 2019 report")
	}
	r = consistent(Edition2021)
	r.Cells["t3.other.natural"] = 999 // printed: kept, not derived over
	Derive(r)
	if r.Cells["t3.other.natural"] != 999 {
		t.Error("Derive overwrote a printed t3.other cell")
	}
}

// Rule 6: a figure of the prose agrees when any of its cells (or sums)
// equals it; a cell the report lacks is not a disagreement.
func TestNarrativeRule(t *testing.T) {
	cases := []struct {
		name  string
		value float64
		cells []string
		want  bool
	}{
		{"first cell agrees", 12, []string{"t3.new.total", "t3.total.total"}, false},
		{"second cell agrees", 30, []string{"t3.new.total", "t3.total.total"}, false},
		{"sum agrees", 42, []string{"t3.new.total+t3.total.total"}, false},
		{"none agrees", 13, []string{"t3.new.total", "t3.total.total"}, true},
		{"off by one", 11, []string{"t3.new.total"}, true},
		{"cell absent", 99, []string{"t3.granted.total"}, false},
		{"the same figure twice", 5, []string{"t3.new.total", "t3.carried_over.total"}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := New("x.txt")
			r.Cells["t3.new.total"], r.Cells["t3.total.total"], r.Cells["t3.carried_over.total"] = 12, 30, 12
			r.Narrative = []NarrativeFigure{{Text: "收到申请", Line: 7, Value: tc.value, Cells: tc.cells}}
			Check(r)
			if got := len(r.Findings) == 1 && r.Findings[0].Rule == RuleNarrative; got != tc.want || (!tc.want && len(r.Findings) != 0) {
				t.Fatalf("findings %v, want a rule 6 finding: %v", rulesOf(r.Findings), tc.want)
			}
			if tc.want && !strings.HasSuffix(r.Findings[0].Message, fmt.Sprintf("第7行“收到申请”称%s，表格为12", fmtNum(tc.value))) && tc.name != "none agrees" {
				t.Errorf("message %q", r.Findings[0].Message)
			}
			if tc.want && !strings.Contains(r.Findings[0].Message, fmt.Sprintf("第7行“收到申请”称%s", fmtNum(tc.value))) {
				t.Errorf("message %q", r.Findings[0].Message)
			}
		})
	}
}

// place cites the page only when the reader knows it.
func TestPlace(t *testing.T) {
	r := New("x.txt")
	r.Sources = map[string]Source{"a": {Line: 3, Page: 2}, "b": {Line: 5}, "c": {}, "e": {Line: 1, Page: 1}, "f": {Line: 1}}
	for code, want := range map[string]string{"a": "（原文第2页第3行）", "b": "（原文第5行）", "c": "", "d": "", "e": "（原文第1页第1行）", "f": "（原文第1行）"} {
		if got := r.place(code); got != want {
			t.Errorf("place(%s) = %q, want %q", code, got, want)
		}
	}
}
