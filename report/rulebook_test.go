package report

import (
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "write docs/rules.md from the rule table")

// TestRulesDoc fails when docs/rules.md is not what the rule table says.
func TestRulesDoc(t *testing.T) {
	const path = "../docs/rules.md"
	want := RulesMarkdown()
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("%s is stale: run go test ./report -run TestRulesDoc -update", path)
	}
}

func TestRuleTable(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules {
		if seen[r.Code] {
			t.Errorf("rule %s listed twice", r.Code)
		}
		seen[r.Code] = true
		if r.Name == "" || r.Checks == "" || SeverityLabels[r.Severity] == "" || r.Deduction < 0 || (r.Scope != ScopeReport && r.Scope != ScopeCross) {
			t.Errorf("rule %s is incomplete: %+v", r.Code, r)
		}
	}
	// Every rule with a label is described in the table (a rule added
	// elsewhere with only a label fails here).
	for code := range RuleLabels {
		if !seen[code] {
			t.Errorf("rule %s has a label but no row in Rules", code)
		}
	}
	// The stored rule ids of before the table must stay.
	for _, code := range []string{RuleBalance, RuleResults, RuleApplicants, RuleReview, RuleCrossYear, RuleNarrative, RuleMissing, RuleAmbiguous, RuleNoData} {
		if !seen[code] {
			t.Errorf("stored rule id %s missing from the table", code)
		}
	}
}
