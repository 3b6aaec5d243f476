package dashboards

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"

	"github.com/gin-gonic/gin"

	"nianbao/query"
	"nianbao/report"
)

type qualityView struct {
	Reports, WithFindings, Total, Errors int
	// ShowDismissed counts findings an assessor dismissed; Toggle links to
	// the page with the other choice.
	ShowDismissed bool
	Toggle        string
	Charts        []chartView
	Items         []findingView
}

// ruleOrder lists the rules in the order of report.RuleLabels' codes.
var ruleOrder = []string{
	report.RuleBalance, report.RuleResults, report.RuleApplicants, report.RuleReview,
	report.RuleCrossYear, report.RuleNarrative, report.RuleMissing, report.RuleAmbiguous, report.RuleNoData,
}

var severities = []string{report.SeverityError, report.SeverityWarning, report.SeverityInfo}

func (h *handler) quality(c *gin.Context) {
	s, ok := h.readScope(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	showDismissed := c.Query("dismissed") == "1"
	reports, err := listReports(ctx, h.q, query.Filter{County: s.County, Year: s.Year, Dismissed: showDismissed})
	if err != nil {
		h.fail(c, http.StatusInternalServerError, errQuery.Error(), err)
		return
	}
	sort.Slice(reports, func(i, j int) bool { return reports[i].Agency < reports[j].Agency })
	v := qualityView{Reports: len(reports), ShowDismissed: showDismissed}
	toggle := url.Values{"county": {s.County}, "year": {fmt.Sprint(s.Year)}}
	if !showDismissed {
		toggle.Set("dismissed", "1")
	}
	v.Toggle = "/dashboards/quality?" + toggle.Encode()
	synthetic := false
	// count[rule][severity] and per town.
	byRule := map[string]map[string]int{}
	byTown := map[string]map[string]int{}
	var towns []string
	for _, r := range reports {
		synthetic = synthetic || r.Synthetic
		towns = append(towns, r.Agency)
		byTown[r.Agency] = map[string]int{}
		if r.Errors+r.Warnings+r.Infos == 0 {
			continue
		}
		d, err := h.q.Report(ctx, r.ID, query.ReportOptions{})
		if err != nil {
			h.fail(c, http.StatusInternalServerError, errQuery.Error(), err)
			return
		}
		for _, fd := range d.Findings {
			if fd.Review == report.ReviewDismissed && !showDismissed {
				continue
			}
			byTown[r.Agency][fd.Rule]++
			v.Items = append(v.Items, findingView{
				Agency: r.Agency, Link: townURL(r.Agency, s.County) + fmt.Sprintf("#y%d", r.Year),
				Rule: ruleLabel(fd.Rule), Severity: severityLabel(fd.Severity), SeverityCode: fd.Severity, Message: fd.Message,
				Review:   reviewLabel(fd.Review, fd.ReviewComment, fd.Reviewer),
				ReportID: r.ID,
			})
		}
	}
	// The counts by rule and the totals are query's findings statistic
	// (/stats/findings with the same filter); the per-town breakdown and
	// the list come from the reports' findings, which no statistic lists.
	fs, err := h.q.Findings(ctx, query.Filter{County: s.County, Year: s.Year, Dismissed: showDismissed}, query.GroupAgency)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, errQuery.Error(), err)
		return
	}
	for _, rc := range fs.ByRule {
		if byRule[rc.Rule] == nil {
			byRule[rc.Rule] = map[string]int{}
		}
		byRule[rc.Rule][rc.Severity] += rc.Findings
		v.Total += rc.Findings
		if rc.Severity == report.SeverityError {
			v.Errors += rc.Findings
		}
	}
	for _, g := range fs.ByGroup {
		v.WithFindings += g.WithFindings
	}
	// Rules found, in catalogue order, then any unknown ones by code.
	var rules []string
	for _, r := range ruleOrder {
		if byRule[r] != nil {
			rules = append(rules, r)
		}
	}
	var extra []string
	for r := range byRule {
		if _, ok := report.RuleLabels[r]; !ok {
			extra = append(extra, r)
		}
	}
	sort.Strings(extra)
	rules = append(rules, extra...)
	ruleNames := make([]string, len(rules))
	for i, r := range rules {
		ruleNames[i] = ruleLabel(r)
	}
	prefix := fmt.Sprintf("%s%d年", s.County, s.Year)

	var bySev []series
	for _, sev := range severities {
		sr := series{Name: severityLabel(sev)}
		for _, r := range rules {
			sr.Values = append(sr.Values, f(float64(byRule[r][sev])))
		}
		bySev = append(bySev, sr)
	}
	ruleChart := chartSpec{id: "q-by-rule", title: "按规则统计的问题（条）", saveName: prefix + "问题按规则", categories: ruleNames, series: bySev, stack: true, yName: "条", tall: true, colors: severityColors}.build()
	ruleChart.Table = seriesTable("规则", ruleNames, bySev, "", nil)
	if v.Total == 0 {
		ruleChart = chartView{ID: "q-by-rule", Title: "按规则统计的问题", Empty: emptyFindings(len(reports))}
	}

	links := make([]string, len(towns))
	for i, t := range towns {
		links[i] = townURL(t, s.County)
	}
	var perRule []series
	for i, r := range rules {
		sr := series{Name: ruleNames[i]}
		for _, t := range towns {
			sr.Values = append(sr.Values, f(float64(byTown[t][r])))
		}
		perRule = append(perRule, sr)
	}
	townChart := chartSpec{id: "q-by-town", title: "各乡镇的问题（条）", saveName: prefix + "问题按乡镇", categories: towns, series: perRule, stack: true, yName: "条", tall: true}.build()
	townChart.Table = seriesTable("机关", towns, perRule, "", links)
	townChart.Caption = "点击机关名称查看其报告，问题所在的单元格已标出。"
	if v.Total == 0 {
		townChart = chartView{ID: "q-by-town", Title: "各乡镇的问题", Empty: emptyFindings(len(reports))}
	}
	qf := query.Filter{County: s.County, Year: s.Year}
	ruleChart.Downloads = downloads("findings", qf, "table", "1")
	townChart.Downloads = downloads("findings", qf, "table", "2")
	v.Charts = []chartView{ruleChart, townChart}

	h.render(c, http.StatusOK, "quality", page{
		Title:     fmt.Sprintf("%s %d年 数据质量", s.County, s.Year),
		Heading:   fmt.Sprintf("%s %d年度政府信息公开工作年度报告：数据质量", s.County, s.Year),
		Lead:      "报告违反核对规则（如新收＋上年结转≠办理总计＋结转下年）或读取时遇到的问题。报告不会因问题被丢弃。",
		Synthetic: synthetic, Charts: v.Total > 0, Nav: navFor(s.County, s.Year), Data: v,
	})
}

// reviewLabel says what an assessor decided on a finding.
func reviewLabel(state report.ReviewState, comment, who string) string {
	name := state.Label()
	if name == "" {
		return "待复核"
	}
	if comment != "" {
		name += "：" + comment
	}
	if who != "" {
		name += "（" + who + "）"
	}
	return name
}

func emptyFindings(reports int) string {
	if reports == 0 {
		return "所选县和年度没有报告，因此没有可统计的问题。"
	}
	return fmt.Sprintf("所选县和年度的 %d 份报告都没有发现问题。", reports)
}
