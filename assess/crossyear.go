package assess

import (
	"fmt"
	"math"
	"strings"

	"nianbao/report"
)

// CrossYearFindings compares a report with the same body's report of the
// year before (rule 5 of docs/report-format.md) and flags year-on-year
// jumps. The findings belong to the later report.
func CrossYearFindings(d, prev *Doc, sheet *Sheet) []report.Finding {
	var out []report.Finding
	add := func(rule, msg string, cells ...string) {
		rl, _ := report.RuleByCode(rule)
		out = append(out, report.Finding{Rule: rule, Severity: rl.Severity, Cells: cells, Message: msg})
	}
	// One finding per report, naming every column that does not carry over:
	// a single miscount shows in its column and the total column alike.
	var diffs, cells []string
	for _, col := range report.T3Columns {
		now, last := report.T3("carried_over", col), report.T3("carry_forward", col)
		a, aok := d.Cells[string(now)]
		b, bok := prev.Cells[string(last)]
		if aok && bok && !near(a, b) {
			diffs = append(diffs, fmt.Sprintf("%s列本年为%s、上年为%s", report.T3ColumnLabels[col], num(a), num(b)))
			cells = append(cells, string(now))
		}
	}
	if len(diffs) > 0 {
		add(report.RuleCrossYear, fmt.Sprintf("表三本年“上年结转”与%d年报告“结转下年度继续办理”不符：%s。", prev.Year, strings.Join(diffs, "；")), cells...)
	}
	if d.Edition == report.Edition2021 && prev.Edition == report.Edition2021 {
		for _, row := range []string{"regulations", "normative_docs"} {
			inForce, issued, abolished := report.T2(row, "in_force"), report.T2(row, "issued"), report.T2(row, "abolished")
			last, lok := prev.Cells[string(inForce)]
			is, iok := d.Cells[string(issued)]
			ab, aok := d.Cells[string(abolished)]
			now, nok := d.Cells[string(inForce)]
			if lok && iok && aok && nok && !near(last+is-ab, now) {
				add(report.RuleInForce, fmt.Sprintf("表二%s：上年现行有效%s件＋本年制发%s件－本年废止%s件＝%s件，但本年现行有效为%s件。",
					rowName(row), num(last), num(is), num(ab), num(last+is-ab), num(now)), string(inForce))
			}
		}
	}
	for _, code := range sheet.JumpCodes {
		a, aok := d.Cells[code]
		b, bok := prev.Cells[code]
		if !aok || !bok {
			continue
		}
		lo, hi := math.Min(a, b), math.Max(a, b)
		if hi-lo >= sheet.JumpMinDiff && hi >= sheet.JumpFactor*math.Max(lo, 1) {
			add(report.RuleJump, fmt.Sprintf("%s由%d年的%s变为%s，变化超过%s倍，请核实是否录入有误。",
				report.Label(code), prev.Year, num(b), num(a), num(sheet.JumpFactor)), code)
		}
	}
	return out
}

func rowName(row string) string {
	if row == "regulations" {
		return "规章"
	}
	return "行政规范性文件"
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }
