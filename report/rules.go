package report

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
)

// Rule identifiers used in findings.
const (
	RuleBalance    = "rule1_balance"    // new + carried_over = total + carry_forward
	RuleResults    = "rule2_results"    // total = sum of the outcome rows
	RuleApplicants = "rule3_applicants" // total column = sum of applicant columns
	RuleReview     = "rule4_review"     // table 4 group total = sum of outcomes
	RuleCrossYear  = "rule5_cross_year" // carried over = last year's carry forward
	RuleNarrative  = "rule6_narrative"  // prose figures agree with the tables
	RuleMissing    = "parse_missing"    // a table or rows absent from the source
	RuleAmbiguous  = "parse_ambiguous"  // a reading the parser could not settle
	RuleNoData     = "parse_no_data"    // a table printed without any number
)

// RuleLabels gives each rule its Chinese name, for people (from Rules).
var RuleLabels = func() map[string]string {
	m := make(map[string]string, len(Rules))
	for _, r := range Rules {
		m[r.Code] = r.Name
	}
	return m
}()

// SeverityLabels gives each severity its Chinese name.
var SeverityLabels = map[string]string{
	SeverityError: "错误", SeverityWarning: "警告", SeverityInfo: "提示",
}

const eps = 1e-6

func near(a, b float64) bool { return math.Abs(a-b) < eps }

func fmtNum(v float64) string {
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%g", v)
}

// Derive adds the derived 2021 subtotal t3.other.<col> where all three
// sub-rows of （六）其他处理 are present and the row itself is not.
func Derive(r *Report) {
	if r.Edition != Edition2021 {
		return
	}
	for _, col := range T3Columns {
		code := "t3.other." + col
		if r.Has(code) {
			continue
		}
		sum, ok := 0.0, true
		for _, sub := range T3OtherSubRows {
			v, has := r.Cells["t3."+sub+"."+col]
			if !has {
				ok = false
				break
			}
			sum += v
		}
		if ok {
			r.Cells[code] = sum
		}
	}
}

// Check applies accounting rules 1–4 and 6 to a report and appends a
// finding per broken identity. A rule is checked only where every cell it
// needs is present.
func Check(r *Report) {
	CheckIdentities(r)
	checkNarrative(r)
}

// IdentityRules are the rules computed from the cells alone (1–4); they are
// computed again when a person corrects a cell.
var IdentityRules = []string{RuleBalance, RuleResults, RuleApplicants, RuleReview}

// CheckIdentities applies rules 1–4: a finding for each identity of
// Identities that does not hold. It evaluates the same equations as
// Identities but writes the sentence only of those that fail: a parse
// checks every report, and most identities hold.
func CheckIdentities(r *Report) {
	for _, eq := range equationsOf(r) {
		left, right, ok := eq.sides(r)
		if ok && !near(left, right) {
			r.AddFinding(eq.rule, SeverityError, eq.message(r, left, right), slices.Clone(eq.cells)...)
		}
	}
}

// Identity is one equation of rules 1–4 as checked on a report's cells:
// the formula, both sides as computed, and the finding it gives when the
// sides differ. It is the one computation of the rules: CheckIdentities
// makes the findings from it and the 一键核对 summary shows its sides.
type Identity struct {
	Rule    string   `json:"rule"`
	Formula string   `json:"formula"` // the equation in words
	Left    float64  `json:"left"`
	Right   float64  `json:"right"`
	Cells   []string `json:"cells"`   // the finding's cells, in its order
	LeftN   int      `json:"-"`       // Cells[:LeftN] make the left side, the rest the right
	Message string   `json:"message"` // the finding's message when the sides differ
}

// Holds tells whether the two sides agree.
func (id Identity) Holds() bool { return near(id.Left, id.Right) }

// Key is the key of the finding the identity gives (Finding.Key).
func (id Identity) Key() string { return Finding{Rule: id.Rule, Cells: id.Cells}.Key() }

// Difference is the left side minus the right.
func (id Identity) Difference() float64 { return id.Left - id.Right }

// Identities are the equations of rules 1–4 a report's cells allow: each
// is checked only where every cell it needs is present.
func Identities(r *Report) []Identity {
	var out []Identity
	for _, eq := range equationsOf(r) {
		left, right, ok := eq.sides(r)
		if !ok {
			continue
		}
		out = append(out, Identity{Rule: eq.rule, Formula: eq.formula, Left: left, Right: right,
			Cells: slices.Clone(eq.cells), LeftN: eq.leftN, Message: eq.message(r, left, right)})
	}
	return out
}

// equation is one identity of rules 1–4 before a report's cells are put
// in it: which cells make each side, and its words. The equations depend
// only on the edition, so they are made once (equationSets) rather than
// their codes and formulas built again for every report parsed.
type equation struct {
	rule    string
	formula string
	cells   []string // left side first, then the right
	leftN   int
	label   string // the column, row or group named in the message
	total   string // the cell the message places in the source (rules 2–4)
}

// sides computes both sides, summed in the order the cells are listed (so
// the figures are the same to the last bit whichever way they are read);
// ok is false when a cell is missing.
func (eq *equation) sides(r *Report) (left, right float64, ok bool) {
	// One lookup a cell: a parse checks every equation of every report.
	if eq.rule == RuleBalance {
		var v [4]float64
		for i, c := range eq.cells {
			x, has := r.Cells[c]
			if !has {
				return 0, 0, false
			}
			v[i] = x
		}
		return v[0] + v[1], v[2] + v[3], true
	}
	for i, c := range eq.cells {
		x, has := r.Cells[c]
		if !has {
			return 0, 0, false
		}
		if i < eq.leftN {
			left += x
		} else {
			right = x
		}
	}
	return left, right, true
}

// message is the finding's sentence when the sides differ.
func (eq *equation) message(r *Report, left, right float64) string {
	switch eq.rule {
	case RuleBalance:
		c := eq.cells
		return fmt.Sprintf("表三%s列：新收%s%s＋上年结转%s＝%s，但总计%s%s＋结转下年%s＝%s",
			eq.label, fmtNum(r.Cells[c[0]]), r.place(c[0]), fmtNum(r.Cells[c[1]]), fmtNum(left),
			fmtNum(r.Cells[c[2]]), r.place(c[2]), fmtNum(r.Cells[c[3]]), fmtNum(right))
	case RuleResults:
		return fmt.Sprintf("表三%s列：办理结果各项之和为%s，但（七）总计为%s%s", eq.label, fmtNum(left), fmtNum(right), r.place(eq.total))
	case RuleApplicants:
		return fmt.Sprintf("表三“%s”行：各类申请人之和为%s，但总计列为%s%s", eq.label, fmtNum(left), fmtNum(right), r.place(eq.total))
	default:
		return fmt.Sprintf("表四%s：维持＋纠正＋其他＋尚未审结＝%s，但总计为%s%s", eq.label, fmtNum(left), fmtNum(right), r.place(eq.total))
	}
}

// equationsOf are the equations for a report's edition, in the order
// Identities lists them.
func equationsOf(r *Report) []equation {
	results2021 := r.Edition == Edition2021
	if results2021 && !r.Has("t3.other.overdue_correction.total") && r.Has("t3.other.total") {
		// A 2021 report printed with the single 2019 row.
		results2021 = false
	}
	return equationSets()[b2i(results2021)][b2i(r.Edition == Edition2021)]
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// equationSets holds the equations by [table 3's result rows are the
// 2021 ones][the report is of the 2021 edition].
var equationSets = sync.OnceValue(func() (sets [2][2][]equation) {
	for res := range 2 {
		for ed := range 2 {
			sets[res][ed] = makeEquations(res == 1, ed == 1)
		}
	}
	return sets
})

func makeEquations(results2021, edition2021 bool) []equation {
	var out []equation
	resultRows := T3ResultRows(Edition2019)
	if results2021 {
		resultRows = T3ResultRows(Edition2021)
	}
	for _, col := range T3Columns {
		label := T3ColumnLabels[col]
		out = append(out, equation{rule: RuleBalance, formula: fmt.Sprintf("表三%s列：新收＋上年结转＝办理总计＋结转下年", label),
			cells: []string{"t3.new." + col, "t3.carried_over." + col, "t3.total." + col, "t3.carry_forward." + col}, leftN: 2, label: label})
		var parts []string
		for _, row := range resultRows {
			parts = append(parts, "t3."+row+"."+col)
		}
		out = append(out, equation{rule: RuleResults, formula: fmt.Sprintf("表三%s列：办理结果各项之和＝（七）总计", label),
			cells: append(parts, "t3.total."+col), leftN: len(parts), label: label, total: "t3.total." + col})
	}
	for _, row := range T3Rows {
		if row.Code == "other" && edition2021 {
			continue // derived; its sub-rows are checked
		}
		var parts []string
		for _, col := range T3Columns[:6] {
			parts = append(parts, "t3."+row.Code+"."+col)
		}
		label := rowLabel(row.Code)
		out = append(out, equation{rule: RuleApplicants, formula: fmt.Sprintf("表三“%s”行：各类申请人之和＝总计列", label),
			cells: append(parts, "t3."+row.Code+".total"), leftN: len(parts), label: label, total: "t3." + row.Code + ".total"})
	}
	for _, g := range T4Groups {
		var parts []string
		for _, o := range T4Outcomes[:4] {
			parts = append(parts, "t4."+g+"."+o)
		}
		label := t4GroupLabels[g]
		out = append(out, equation{rule: RuleReview, formula: fmt.Sprintf("表四%s：维持＋纠正＋其他＋尚未审结＝总计", label),
			cells: append(parts, "t4."+g+".total"), leftN: len(parts), label: label, total: "t4." + g + ".total"})
	}
	return out
}

func checkNarrative(r *Report) {
	for _, n := range r.Narrative {
		matched, known := false, false
		var got []string
		for _, c := range n.Cells {
			v, ok := cellOrSum(r, c)
			if !ok {
				continue
			}
			known = true
			if len(got) == 0 || got[len(got)-1] != fmtNum(v) {
				got = append(got, fmtNum(v))
			}
			if near(v, n.Value) {
				matched = true
			}
		}
		if known && !matched {
			r.AddFinding(RuleNarrative, SeverityWarning, fmt.Sprintf("正文第%d行“%s”称%s，表格为%s",
				n.Line, n.Text, fmtNum(n.Value), strings.Join(got, "或")), cellList(n.Cells)...)
		}
	}
}

// place cites where a cell stands in its document, "（原文第3页第212行）",
// or nothing when the reader did not record it.
func (r *Report) place(code string) string {
	src, ok := r.Sources[code]
	if !ok || src.Line <= 0 {
		return ""
	}
	if src.Page > 0 {
		return fmt.Sprintf("（原文第%d页第%d行）", src.Page, src.Line)
	}
	return fmt.Sprintf("（原文第%d行）", src.Line)
}

// cellOrSum reads a code, or a sum written "a+b".
func cellOrSum(r *Report, code string) (float64, bool) {
	s := 0.0
	for _, c := range strings.Split(code, "+") {
		v, ok := r.Cells[c]
		if !ok {
			return 0, false
		}
		s += v
	}
	return s, true
}

func cellList(codes []string) []string {
	var out []string
	for _, c := range codes {
		out = append(out, strings.Split(c, "+")...)
	}
	return out
}

func rowLabel(code string) string {
	for _, r := range T3Rows {
		if r.Code == code {
			return r.Label
		}
	}
	return code
}
