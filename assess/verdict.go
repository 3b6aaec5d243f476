package assess

import (
	"fmt"
	"slices"
	"strings"

	"nianbao/report"
)

// Verdicts of an item, as the API gives them; VerdictLabels as pages and
// letters show them.
const (
	VerdictPass          = "pass"
	VerdictFail          = "fail"
	VerdictUncertain     = "uncertain"
	VerdictNotAssessable = "not_assessable"
)

// VerdictLabels are the Chinese names of the verdicts.
var VerdictLabels = map[string]string{
	VerdictPass: "通过", VerdictFail: "不通过", VerdictUncertain: "存疑", VerdictNotAssessable: "无法评估",
}

// Evidence is what shows a deduction: the place in the stored source
// (cell, page, line and the text as printed), or the dates of a late
// report. Link opens the report's page, where the finding and its cells
// are shown beside the source.
type Evidence struct {
	ReportID    int64  `json:"report_id,omitempty"`
	Finding     *int   `json:"finding,omitempty"`
	Cell        string `json:"cell,omitempty"`
	CellLabel   string `json:"cell_label,omitempty"`
	Page        int    `json:"page,omitempty"`
	Line        int    `json:"line,omitempty"`
	Excerpt     string `json:"excerpt,omitempty"`
	PublishedOn string `json:"published_on,omitempty"`
	Deadline    string `json:"deadline,omitempty"`
	DaysLate    *int   `json:"days_late,omitempty"`
	Text        string `json:"text"`
	Link        string `json:"link,omitempty"`
}

// ItemVerdict is one item of the scheme for one body.
type ItemVerdict struct {
	Code         string     `json:"code"`
	Name         string     `json:"name"`
	Area         string     `json:"area,omitempty"`
	Verdict      string     `json:"verdict"`
	VerdictLabel string     `json:"verdict_label"`
	Points       float64    `json:"points"` // deducted under this item
	Note         string     `json:"note,omitempty"`
	Evidence     []Evidence `json:"evidence,omitempty"`
}

// maxCellsShown bounds the cells quoted for one finding: a finding over a
// whole column names a dozen cells, and a letter needs the first few.
const maxCellsShown = 4

// correctedCells are table 4's 结果纠正 cells, the evidence of 纠错 cases.
func correctedCells() []string {
	out := make([]string, 0, len(report.T4Groups))
	for _, g := range report.T4Groups {
		out = append(out, string(report.T4(g, "corrected")))
	}
	return out
}

// ReportLink is the page of a stored report, where its findings and
// cells are shown beside the source.
func ReportLink(id int64) string { return fmt.Sprintf("/web/reports/%d#findings", id) }

// evidenceOf makes the evidence of one deduction.
func evidenceOf(d Deduction, b Filing) []Evidence {
	var out []Evidence
	base := Evidence{ReportID: d.ReportID, Text: d.Reason}
	if d.ReportID != 0 {
		base.Link = ReportLink(d.ReportID)
	}
	if d.Seq >= 0 {
		seq := d.Seq
		base.Finding = &seq
	}
	switch d.Rule {
	case RuleNotFiled:
		return []Evidence{base}
	case report.RuleLate:
		if t := b.Timely; t != nil {
			late := t.DaysLate
			base.PublishedOn, base.Deadline, base.DaysLate = t.PublishedOn, t.Deadline, &late
			base.Text = fmt.Sprintf("发布日期 %s，期限 %s，逾期 %d 天。", t.PublishedOn, t.Deadline, late)
		}
		return []Evidence{base}
	}
	shown := 0
	for _, c := range d.Cells {
		src, ok := b.Sources[c]
		if d.Rule == RuleCorrected && !ok {
			continue // a group without cases has no cell to quote
		}
		e := base
		e.Cell, e.CellLabel = c, report.Label(c)
		if ok {
			e.Page, e.Line, e.Excerpt = src.Page, src.Line, strings.TrimSpace(src.Raw)
		}
		out = append(out, e)
		if shown++; shown == maxCellsShown {
			break
		}
	}
	if len(out) == 0 {
		out = append(out, base)
	}
	return out
}

// judge gives every item of the sheet a verdict for one body and fills
// the evidence of its deductions. It reads only the body's findings and
// deductions, so Score stays a function of its inputs.
func judge(s *AgencyScore, b Filing, sheet *Sheet) {
	for i := range s.Deductions {
		s.Deductions[i].Evidence = evidenceOf(s.Deductions[i], b)
	}
	s.Items = []ItemVerdict{}
	for _, it := range sheet.ItemList() {
		if len(it.Levels) > 0 && !slices.Contains(it.Levels, s.Level) {
			continue
		}
		v := ItemVerdict{Code: it.Code, Name: it.Name, Area: it.Area, Verdict: VerdictPass, Note: it.Note}
		switch {
		case it.NotAssessable:
			v.Verdict = VerdictNotAssessable
			if v.Note == "" {
				v.Note = "本项不能从年度报告判断。"
			}
		case !s.Filed && !slices.Contains(it.Rules, RuleNotFiled):
			v.Verdict, v.Note = VerdictNotAssessable, "未报送年报，无报告可评。"
		default:
			for _, d := range s.Deductions {
				if slices.Contains(it.Rules, d.Rule) {
					v.Verdict = VerdictFail
					v.Points += d.Points
					v.Evidence = append(v.Evidence, d.Evidence...)
				}
			}
			if v.Verdict == VerdictFail {
				v.Points = round1(v.Points)
				break
			}
			if note := doubt(it, b); note != "" {
				v.Verdict, v.Note = VerdictUncertain, note
			}
		}
		v.VerdictLabel = VerdictLabels[v.Verdict]
		s.Items = append(s.Items, v)
	}
}

// doubt says why an item that lost no points is still not a pass: the
// reader flagged a cell the item reads, or a finding of its rules stands
// without costing points (a jump to verify). "" when nothing does.
func doubt(it Item, b Filing) string {
	for _, f := range b.Findings {
		if f.Review == "dismissed" {
			continue
		}
		if slices.Contains(readerFlags, f.Rule) && len(it.Cells) > 0 && touches(f.Cells, it.Cells) {
			return "读取时存疑：" + f.Message
		}
		if slices.Contains(it.Rules, f.Rule) {
			return "需人工核实：" + f.Message
		}
	}
	return ""
}

// touches: a flag without cells (a whole table unread) touches every
// item that reads cells; otherwise one cell under one of the prefixes.
func touches(cells, prefixes []string) bool {
	if len(cells) == 0 {
		return true
	}
	for _, c := range cells {
		for _, p := range prefixes {
			if c == p || strings.HasPrefix(c, p+".") {
				return true
			}
		}
	}
	return false
}
