package assess

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"nianbao/report"
)

// CrossYearFindings compares a report with the same body's report of the
// year before (rule 5 of docs/report-format.md) and flags year-on-year
// jumps of the sheet's jump_codes (yoy_jump). The findings belong to the later report.
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
		if !aok || !bok || !jumps(a, b, sheet) {
			continue
		}
		ratio := "上年为0"
		if b != 0 {
			ratio = "为上年的" + strconv.FormatFloat(a/b, 'f', -1, 64)
			if r := math.Round(a/b*100) / 100; r != a/b {
				ratio = "约为上年的" + strconv.FormatFloat(r, 'f', -1, 64)
			}
			ratio += "倍"
		}
		change := "增加"
		if a < b {
			change = "减少"
		}
		u := unit(code)
		add(report.RuleJump, fmt.Sprintf("%s由%d年的%s%s变为%d年的%s%s（%s%s%s），%s，超出%s～%s倍的常见范围，请核实是否录入有误。",
			report.Label(code), prev.Year, num(b), u, d.Year, num(a), u, change, num(math.Abs(a-b)), u, ratio, num(1/sheet.JumpFactor), num(sheet.JumpFactor)), code)
	}
	return out
}

// jumps says whether a volume moving from last to now is a jump: the
// ratio strictly outside [1/jump_factor, jump_factor] when both years are
// at least jump_min; when the smaller is 0 or under jump_min, only if the
// larger reaches jump_large (3 → 12 is noise, 0 → 80 is not). Both ways:
// a volume falling to almost nothing is as suspect as one rising.
func jumps(now, last float64, sheet *Sheet) bool {
	lo, hi := math.Min(now, last), math.Max(now, last)
	if hi <= lo || hi-lo < sheet.JumpMinDiff {
		return false
	}
	outside := lo == 0 || hi > sheet.JumpFactor*lo
	if lo > 0 && lo >= sheet.JumpMin {
		return outside
	}
	return outside && hi >= sheet.JumpLarge
}

// unit is what a cell counts: 件 but for the amounts of table 2, whose
// label already says 万元.
func unit(code string) string {
	if report.Code(code).Column() == "amount" {
		return ""
	}
	return "件"
}

func rowName(row string) string {
	if row == "regulations" {
		return "规章"
	}
	return "行政规范性文件"
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }
