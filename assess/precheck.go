package assess

import "nianbao/report"

// Precheck puts a report just read, not stored, to every check it can
// meet on its own and returns the verdict. 预检 (/web/check) and analytics
// validate both call it, so they judge a text as the stored report's page
// will: a text without table 3 or 4 gets form_tables (an error) here as it
// does when saved, not 可以发布 on one path and 请修改 on the other.
func Precheck(r *report.Report, sheet *Sheet) report.Verdict {
	r.Findings = append(r.Findings, Unsaved(r, sheet)...)
	return report.VerdictOf(r.Findings)
}
