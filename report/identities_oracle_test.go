package report

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
)

// identitiesBefore is Identities as it was before its equations were made
// once per edition (a report's codes and formulas were built for every
// report): the oracle of TestIdentitiesAsBefore.
func identitiesBefore(r *Report) []Identity {
	var out []Identity
	val := func(code string) (float64, bool) { v, ok := r.Cells[code]; return v, ok }
	all := func(codes []string) (float64, bool) {
		s := 0.0
		for _, c := range codes {
			v, ok := val(c)
			if !ok {
				return 0, false
			}
			s += v
		}
		return s, true
	}
	resultRows := T3ResultRows(r.Edition)
	if r.Edition == Edition2021 && !r.Has("t3.other.overdue_correction.total") && r.Has("t3.other.total") {
		resultRows = T3ResultRows(Edition2019)
	}
	for _, col := range T3Columns {
		codes := []string{"t3.new." + col, "t3.carried_over." + col, "t3.total." + col, "t3.carry_forward." + col}
		if _, ok := all(codes); ok {
			in := r.Cells[codes[0]] + r.Cells[codes[1]]
			outSum := r.Cells[codes[2]] + r.Cells[codes[3]]
			out = append(out, Identity{Rule: RuleBalance, Formula: fmt.Sprintf("表三%s列：新收＋上年结转＝办理总计＋结转下年", T3ColumnLabels[col]),
				Left: in, Right: outSum, Cells: codes, LeftN: 2,
				Message: fmt.Sprintf("表三%s列：新收%s%s＋上年结转%s＝%s，但总计%s%s＋结转下年%s＝%s",
					T3ColumnLabels[col], fmtNum(r.Cells[codes[0]]), r.place(codes[0]), fmtNum(r.Cells[codes[1]]), fmtNum(in),
					fmtNum(r.Cells[codes[2]]), r.place(codes[2]), fmtNum(r.Cells[codes[3]]), fmtNum(outSum))})
		}
		var parts []string
		for _, row := range resultRows {
			parts = append(parts, "t3."+row+"."+col)
		}
		if sum, ok := all(parts); ok {
			if tot, ok := val("t3.total." + col); ok {
				out = append(out, Identity{Rule: RuleResults, Formula: fmt.Sprintf("表三%s列：办理结果各项之和＝（七）总计", T3ColumnLabels[col]),
					Left: sum, Right: tot, Cells: append(parts, "t3.total."+col), LeftN: len(parts),
					Message: fmt.Sprintf("表三%s列：办理结果各项之和为%s，但（七）总计为%s%s",
						T3ColumnLabels[col], fmtNum(sum), fmtNum(tot), r.place("t3.total."+col))})
			}
		}
	}
	for _, row := range T3Rows {
		if row.Code == "other" && r.Edition == Edition2021 {
			continue
		}
		var parts []string
		for _, col := range T3Columns[:6] {
			parts = append(parts, "t3."+row.Code+"."+col)
		}
		sum, ok := all(parts)
		tot, tok := val("t3." + row.Code + ".total")
		if ok && tok {
			out = append(out, Identity{Rule: RuleApplicants, Formula: fmt.Sprintf("表三“%s”行：各类申请人之和＝总计列", rowLabel(row.Code)),
				Left: sum, Right: tot, Cells: append(parts, "t3."+row.Code+".total"), LeftN: len(parts),
				Message: fmt.Sprintf("表三“%s”行：各类申请人之和为%s，但总计列为%s%s",
					rowLabel(row.Code), fmtNum(sum), fmtNum(tot), r.place("t3."+row.Code+".total"))})
		}
	}
	for _, g := range T4Groups {
		var parts []string
		for _, o := range T4Outcomes[:4] {
			parts = append(parts, "t4."+g+"."+o)
		}
		sum, ok := all(parts)
		tot, tok := val("t4." + g + ".total")
		if ok && tok {
			out = append(out, Identity{Rule: RuleReview, Formula: fmt.Sprintf("表四%s：维持＋纠正＋其他＋尚未审结＝总计", t4GroupLabels[g]),
				Left: sum, Right: tot, Cells: append(parts, "t4."+g+".total"), LeftN: len(parts),
				Message: fmt.Sprintf("表四%s：维持＋纠正＋其他＋尚未审结＝%s，但总计为%s%s",
					t4GroupLabels[g], fmtNum(sum), fmtNum(tot), r.place("t4."+g+".total"))})
		}
	}
	return out
}

// checkBefore is CheckIdentities over the oracle.
func checkBefore(r *Report) {
	for _, id := range identitiesBefore(r) {
		if !id.Holds() {
			r.AddFinding(id.Rule, SeverityError, id.Message, id.Cells...)
		}
	}
}

// TestIdentitiesAsBefore compares Identities and CheckIdentities with the
// oracle on reports of both editions (and of none), a 2021 report printed
// with the 2019 row, with cells dropped, changed by fractions, negative
// zeros and sources with lines and pages: every identity, formula, side,
// cell list and message, and every finding, equal.
func TestIdentitiesAsBefore(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 1))
	bases := []func() *Report{
		func() *Report { return consistent(Edition2021) },
		func() *Report { return consistent(Edition2019) },
		func() *Report { r := consistent(Edition2019); r.Edition = Edition2021; return r }, // 2021 printed with the 2019 row
		func() *Report { r := consistent(Edition2021); r.Edition = ""; return r },
	}
	checked, failing := 0, 0
	for i := range 2000 {
		r := bases[i%len(bases)]()
		r.Sources = map[string]Source{}
		var codes []string
		for c := range r.Cells {
			codes = append(codes, c)
		}
		for _, c := range codes {
			switch rng.IntN(12) {
			case 0:
				delete(r.Cells, c)
			case 1:
				r.Cells[c] += float64(rng.IntN(5)) - 2
			case 2:
				r.Cells[c] += 0.25
			case 3:
				r.Cells[c] = negZero()
			case 4:
				r.Sources[c] = Source{Line: 1 + rng.IntN(300), Page: rng.IntN(3)}
			}
		}
		got, want := Identities(r), identitiesBefore(r)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("report %d (%s): Identities differ from the oracle:\n got %+v\nwant %+v", i, r.Edition, got, want)
		}
		a, b := *r, *r
		a.Findings, b.Findings = nil, nil
		CheckIdentities(&a)
		checkBefore(&b)
		if !reflect.DeepEqual(a.Findings, b.Findings) {
			t.Fatalf("report %d (%s): findings differ from the oracle:\n got %+v\nwant %+v", i, r.Edition, a.Findings, b.Findings)
		}
		checked += len(want)
		failing += len(b.Findings)
	}
	if checked == 0 || failing == 0 {
		t.Fatalf("the cases checked %d identities, %d failing: the test would not see a difference", checked, failing)
	}
}

func negZero() float64 {
	z := 0.0
	return -z
}
