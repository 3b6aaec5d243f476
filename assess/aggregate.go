package assess

import (
	"fmt"
	"sort"
	"strings"

	"nianbao/report"
)

// Coverage is one cell of an aggregate report against its units' sum.
type Coverage struct {
	Code      string   `json:"code"`
	Label     string   `json:"label"`
	Aggregate float64  `json:"aggregate"`
	UnitsSum  float64  `json:"units_sum"`
	Units     int      `json:"units"`
	Share     *float64 `json:"coverage"` // UnitsSum / Aggregate; nil when the aggregate is 0
}

// coverageCodes are the cells compared: the totals of table 3's rows and
// of table 4's groups, where a sum of units means something.
func coverageCodes(edition string) []report.Code {
	var out []report.Code
	for _, row := range report.T3PrintedRows(edition) {
		out = append(out, report.T3(row, "total"))
	}
	for _, g := range report.T4Groups {
		out = append(out, report.T4(g, "total"))
	}
	return out
}

// AggregateFindings compares a county (or zone) government's report that
// covers its units with the stored reports of those units of the same
// year. A sum of units above the aggregate cannot be right; below it is a
// coverage gap (units not stored, or the government's own applications).
func AggregateFindings(agg *Doc, units []*Doc) ([]Coverage, []report.Finding) {
	if len(units) == 0 {
		return nil, nil
	}
	var cov []Coverage
	var over []string
	var cells []string
	for _, code := range coverageCodes(agg.Edition) {
		a, ok := agg.Cells[string(code)]
		if !ok {
			continue
		}
		c := Coverage{Code: string(code), Label: report.Label(string(code)), Aggregate: a}
		for _, u := range units {
			if v, ok := u.Cells[string(code)]; ok {
				c.UnitsSum += v
				c.Units++
			}
		}
		if a != 0 {
			s := c.UnitsSum / a
			c.Share = &s
		}
		cov = append(cov, c)
		if c.UnitsSum > a+1e-6 {
			over = append(over, fmt.Sprintf("%s：下属%d个单位之和%s，汇总数%s", c.Label, c.Units, num(c.UnitsSum), num(a)))
			cells = append(cells, string(code))
		}
	}
	if len(over) == 0 {
		return cov, nil
	}
	sort.Strings(cells)
	rl, _ := report.RuleByCode(report.RuleAggregateOver)
	return cov, []report.Finding{{Rule: rl.Code, Severity: rl.Severity, Cells: cells,
		Message: "下属单位之和超过本报告汇总数：" + strings.Join(over, "；") + "。"}}
}
