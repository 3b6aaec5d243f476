package report

import "testing"

func TestVerdictOf(t *testing.T) {
	e := Finding{Rule: RuleBalance, Severity: SeverityError}
	w := Finding{Rule: RuleNarrative, Severity: SeverityWarning}
	i := Finding{Rule: RuleBlank, Severity: SeverityInfo}
	dismissed := e
	dismissed.Review = ReviewDismissed
	confirmed := e
	confirmed.Review = ReviewConfirmed
	cases := []struct {
		name     string
		findings []Finding
		want     Verdict
	}{
		{"none", nil, Verdict{true, VerdictPublishable, 0, 0}},
		{"warnings and notes only", []Finding{w, i, w}, Verdict{true, VerdictPublishable, 0, 2}},
		{"one error", []Finding{w, e}, Verdict{false, VerdictFix, 1, 1}},
		{"error dismissed by a reviewer", []Finding{dismissed, w}, Verdict{true, VerdictPublishable, 0, 1}},
		{"error confirmed", []Finding{confirmed}, Verdict{false, VerdictFix, 1, 0}},
		{"two errors", []Finding{e, e}, Verdict{false, VerdictFix, 2, 0}},
	}
	for _, tc := range cases {
		if got := VerdictOf(tc.findings); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestReviewStates(t *testing.T) {
	for _, tc := range []struct {
		s           ReviewState
		valid       bool
		label, verb string
	}{
		{ReviewConfirmed, true, "已确认", "确认"},
		{ReviewDismissed, true, "已驳回", "驳回"},
		{ReviewNone, false, "", ""},
		{"rejected", false, "", ""},
	} {
		if tc.s.Valid() != tc.valid || tc.s.Label() != tc.label || tc.s.Verb() != tc.verb {
			t.Errorf("%q: valid %v label %q verb %q", tc.s, tc.s.Valid(), tc.s.Label(), tc.s.Verb())
		}
	}
	// Stored and sent values: never change them.
	if ReviewConfirmed != "confirmed" || ReviewDismissed != "dismissed" {
		t.Error("review state values changed")
	}
}
