package report

import (
	"testing"
)

// The 一键核对 summary reads the sides from Identities: each finding of
// rules 1–4 must have its identity, with the sides the finding states.
func TestIdentitiesGiveTheFindingsSides(t *testing.T) {
	cases := []struct {
		name  string
		code  string
		delta float64
	}{
		// new.natural is on the left of rule 1 (new + carried = total +
		// forward) and of rule 3; a table 4 total on the right of rule 4.
		{"left side", "t3.new.natural", 3},
		{"right side", "t4.reconsideration.total", -2},
		{"both rules 1 and 2", "t3.total.natural", 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := consistent(Edition2021)
			before := map[string]Identity{}
			for _, id := range Identities(r) {
				if !id.Holds() {
					t.Fatalf("consistent report: %s does not hold (%v ≠ %v)", id.Formula, id.Left, id.Right)
				}
				before[id.Key()] = id
			}
			r.Cells[tc.code] += tc.delta
			CheckIdentities(r)
			if len(r.Findings) == 0 {
				t.Fatalf("changing %s by %v gave no finding", tc.code, tc.delta)
			}
			ids := map[string]Identity{}
			for _, id := range Identities(r) {
				ids[id.Key()] = id
			}
			for _, f := range r.Findings {
				id, ok := ids[f.Key()]
				if !ok {
					t.Fatalf("finding %s has no identity", f.Key())
				}
				if id.Message != f.Message || id.Holds() {
					t.Errorf("identity of %s: message %q holds %v", f.Key(), id.Message, id.Holds())
				}
				// One side moved by exactly delta: the left when the cell
				// is in Cells[:LeftN], else the right.
				was := before[f.Key()]
				onLeft := false
				for _, c := range id.Cells[:id.LeftN] {
					onLeft = onLeft || c == tc.code
				}
				wantL, wantR := was.Left, was.Right
				if onLeft {
					wantL += tc.delta
				} else {
					wantR += tc.delta
				}
				if id.Left != wantL || id.Right != wantR || id.Difference() != wantL-wantR {
					t.Errorf("%s: sides %v/%v (difference %v), want %v/%v", id.Formula, id.Left, id.Right, id.Difference(), wantL, wantR)
				}
			}
		})
	}
}

// A hand-computed balance: new 3 + carried 1 = 4, total 2 + forward 1 = 3.
func TestIdentityBalanceByHand(t *testing.T) {
	r := New("hand.txt")
	r.Edition = Edition2021
	for code, v := range map[string]float64{"t3.new.natural": 3, "t3.carried_over.natural": 1, "t3.total.natural": 2, "t3.carry_forward.natural": 1} {
		r.Cells[code] = v
	}
	ids := Identities(r)
	if len(ids) != 1 {
		t.Fatalf("want the one balance identity, got %d: %+v", len(ids), ids)
	}
	id := ids[0]
	if id.Rule != RuleBalance || id.Left != 4 || id.Right != 3 || id.Difference() != 1 || id.LeftN != 2 {
		t.Fatalf("got %+v", id)
	}
}
