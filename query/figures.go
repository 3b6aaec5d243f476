package query

import (
	"strings"

	"nianbao/report"
)

// figureColumn maps a cell code to its column of report_figures (store
// migration 040) when that column holds the cell as stored: the table-3
// totals the statistics read, all of table 4 and all of table 2. The
// derived columns (t3_other_total, the sums of unavailable and
// not_processed rows) are not cells and are not listed. Cells answers
// from report_figures when every code asked for is here: one row per
// report instead of a scan of every cell row.
var figureColumn = map[string]string{}

func init() {
	add := func(c string) { figureColumn[c] = strings.ReplaceAll(c, ".", "_") }
	for _, row := range []string{"new", "carried_over", "carry_forward", "total", "granted", "partial"} {
		add(report.T3(row, "total").String())
	}
	for _, col := range []string{"natural", "commercial", "research", "social", "legal", "other_org"} {
		add(report.T3("new", col).String())
	}
	for _, reason := range DeniedReasons {
		add(report.T3("denied."+reason, "total").String())
	}
	for c := range report.T4Codes() {
		add(c.String())
	}
	for _, ed := range []string{report.Edition2019, report.Edition2021} {
		for c := range report.T2Codes(ed) {
			add(c.String())
		}
	}
}

// figureSums is the select list of CellsFigures.sql for codes, or false
// when one of them has no report_figures column. Column names come from
// figureColumn only, never from the request.
func figureSums(codes []string) (string, bool) {
	if len(codes) == 0 {
		return "", false
	}
	sums := make([]string, len(codes))
	for i, c := range codes {
		col, ok := figureColumn[c]
		if !ok {
			return "", false
		}
		sums[i] = "sum(f." + col + ")"
	}
	return strings.Join(sums, ", "), true
}
