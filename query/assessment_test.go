package query_test

import (
	"context"
	"testing"

	"nianbao/query"
)

func TestAssessmentMetrics(t *testing.T) {
	q, _ := seed(t)
	ctx := context.Background()
	got, err := q.AssessmentMetrics(ctx, query.Filter{County: "乐至县", Year: 2022}, query.GroupAgency)
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]query.AssessmentMetric{}
	for _, m := range got {
		rows[m.Group] = m
	}
	ld, tc := rows["劳动镇"], rows["天池镇"]
	// 劳动镇 2022 (querytest.Reports): 10 closed; one 其他处理 (overdue
	// correction sub-row, the row itself absent); reconsideration 3 (1
	// corrected) and direct litigation 2; 2 carried forward; a rule 1 finding.
	cases := map[string]struct{ got, want *float64 }{
		"procedural":     {ld.Procedural, f64(0.1)},
		"disputes":       {ld.DisputesPer100, f64(50)},
		"corrections":    {ld.CorrectionsPer100, f64(10)},
		"identities":     {ld.IdentitiesKept, f64(0)},
		"recon rate":     {ld.ReconsiderationCorrected, f64(0.5)},
		"天池 procedural":  {tc.Procedural, nil},
		"天池 identities":  {tc.IdentitiesKept, f64(1)},
		"天池 disputes":    {tc.DisputesPer100, nil},
		"天池 substantive": {tc.SubstantiveDisclosure, nil},
	}
	for name, c := range cases {
		if !eqPtr(c.got, c.want) {
			t.Errorf("%s = %s, want %s", name, show(c.got), show(c.want))
		}
	}
	if ld.Backlog != 2 || ld.Closed != 10 {
		t.Errorf("backlog %v closed %v", ld.Backlog, ld.Closed)
	}
	// 实质公开率 is Outcomes' own, not a second definition.
	out, err := q.Outcomes(ctx, query.Filter{County: "乐至县", Year: 2022}, query.GroupAgency)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range out.Rows {
		if r.Group.Group == "劳动镇" && !eqPtr(r.SubstantiveRate, ld.SubstantiveDisclosure) {
			t.Errorf("substantive %s, Outcomes says %s", show(ld.SubstantiveDisclosure), show(r.SubstantiveRate))
		}
	}
}
