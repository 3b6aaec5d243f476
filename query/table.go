package query

import (
	"strconv"
	"strings"

	"nianbao/report"
)

// Table is a result laid out for a spreadsheet: Chinese column headers and
// rows of string, int, int64, float64, bool or nil (an empty cell).
type Table struct {
	Title   string   `json:"title"`
	Columns []string `json:"columns"`
	Rows    [][]any  `json:"rows"`
	// Percent marks the columns holding shares in [0,1], which a
	// spreadsheet shows as percentages.
	Percent []bool `json:"-"`
}

// IsPercent tells whether column j holds shares.
func (t Table) IsPercent(j int) bool { return j < len(t.Percent) && t.Percent[j] }

// markShares marks the share columns by their headers: every header of
// these tables ending in 率 or 占比 is a share (query's rates are all in
// [0,1]; per-100 figures are named 每百件 and end otherwise).
func markShares(t Table) Table {
	t.Percent = make([]bool, len(t.Columns))
	for j, c := range t.Columns {
		t.Percent[j] = strings.HasSuffix(c, "率") || strings.HasSuffix(c, "占比")
	}
	return t
}

func val(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// groupCols are the leading columns of a grouped row.
func groupCols(g GroupBy) []string {
	if g == GroupAgency {
		return []string{GroupLabels[GroupCounty], GroupLabels[GroupAgency], "报告数"}
	}
	return []string{GroupLabels[g], "报告数"}
}

func groupVals(g GroupBy, gr Group) []any {
	if g == GroupAgency {
		return []any{gr.County, gr.Group, gr.Reports}
	}
	return []any{gr.Group, gr.Reports}
}

// Tables lays out the report list.
func (l ReportList) Tables() []Table {
	t := Table{Title: "年度报告", Columns: []string{"编号", "机关", "县（市、区）", "年度", "格式版本", "文件格式", "来源文件", "发布日期", "示例数据", "错误", "警告", "提示", "单位编号", "区划代码", "层级"}}
	for _, r := range l.Reports {
		t.Rows = append(t.Rows, []any{r.ID, r.Agency, r.County, r.Year, editionNumber(r.Edition), r.Format, r.SourceFile, r.PublishedOn, yesNo(r.Synthetic), r.Errors, r.Warnings, r.Infos,
			r.AgencyID, r.DivisionCode, r.Level})
	}
	return []Table{t}
}

// editionNumber gives 格式版本 as the number it is (2019, 2021), so a
// spreadsheet filters and sorts it as one; anything else stays text.
func editionNumber(e string) any {
	if n, err := strconv.Atoi(e); err == nil {
		return n
	}
	return e
}

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

// Tables lays out a report's cells: code, label, value.
func (d *ReportDetail) Tables() []Table {
	t := Table{Title: d.Agency + " " + strconv.Itoa(d.Year), Columns: []string{"代码", "项目", "数值"}}
	for _, code := range d.Codes() {
		t.Rows = append(t.Rows, []any{code, report.Label(code), d.Cells[code]})
	}
	f := Table{Title: "问题", Columns: []string{"规则", "级别", "说明"}}
	for _, fd := range d.Findings {
		f.Rows = append(f.Rows, []any{labelOr(report.RuleLabels, fd.Rule), labelOr(report.SeverityLabels, fd.Severity), fd.Message})
	}
	return []Table{t, f}
}

// Tables lays out cell sums, one column per code.
func (r CellsResult) Tables() []Table {
	t := Table{Title: "单元格汇总", Columns: groupCols(r.GroupBy)}
	for _, c := range r.Codes {
		t.Columns = append(t.Columns, r.Labels[c])
	}
	for _, row := range r.Rows {
		vals := groupVals(r.GroupBy, row.Group)
		for _, c := range r.Codes {
			vals = append(vals, val(row.Values[c]))
		}
		t.Rows = append(t.Rows, vals)
	}
	return []Table{t}
}

// Tables lays out the applications statistic.
func (r ApplicationsResult) Tables() []Table {
	t := Table{Title: "申请情况", Columns: append(groupCols(r.GroupBy), "本年新收", "上年结转", "新收与结转合计", "结转下年",
		"自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他组织", "上年新收", "较上年增减", "增减率", "表三未读取的报告数")}
	for _, row := range r.Rows {
		a := row.ByApplicant
		t.Rows = append(t.Rows, append(groupVals(r.GroupBy, row.Group), row.New, row.CarriedOver, row.Received, row.CarryForward,
			a.Natural, a.Commercial, a.Research, a.Social, a.Legal, a.OtherOrg, val(row.PreviousNew), val(row.Change), val(row.ChangeRate), row.WithoutTable3))
	}
	return []Table{markShares(t)}
}

// DeniedReasonLabels gives each ground of 不予公开 its Chinese name.
var DeniedReasonLabels = map[string]string{
	"state_secret": "属于国家秘密", "law_prohibited": "其他法律行政法规禁止公开", "security_stability": "危及“三安全一稳定”",
	"third_party": "保护第三方合法权益", "internal_affairs": "属于三类内部事务信息", "process_info": "属于四类过程性信息",
	"enforcement_file": "属于行政执法案卷", "inquiry": "属于行政查询事项",
}

// Tables lays out the outcomes statistic: counts, then shares.
func (r OutcomesResult) Tables() []Table {
	cols := append(groupCols(r.GroupBy), "总计", "予以公开", "部分公开", "不予公开")
	for _, d := range DeniedReasons {
		cols = append(cols, "不予公开："+DeniedReasonLabels[d])
	}
	cols = append(cols, "无法提供", "不予处理", "其他处理",
		"予以公开占比", "部分公开占比", "不予公开占比", "无法提供占比", "不予处理占比", "其他处理占比", "公开率", "实质公开率", "表三未读取的报告数")
	t := Table{Title: "办理结果", Columns: cols}
	for _, row := range r.Rows {
		c, s := row.Counts, row.Shares
		vals := append(groupVals(r.GroupBy, row.Group), row.Total, c.Granted, c.Partial, c.Denied)
		for _, d := range DeniedReasons {
			vals = append(vals, c.DeniedBy[d])
		}
		vals = append(vals, c.Unavailable, c.NotProcessed, c.Other,
			val(s.Granted), val(s.Partial), val(s.Denied), val(s.Unavailable), val(s.NotProcessed), val(s.Other),
			val(row.DisclosureRate), val(row.SubstantiveRate), row.WithoutTable3)
		t.Rows = append(t.Rows, vals)
	}
	return []Table{markShares(t)}
}

// Tables lays out the reviews statistic.
func (r ReviewsResult) Tables() []Table {
	cols := groupCols(r.GroupBy)
	for _, g := range []string{"行政复议", "行政诉讼（直接起诉）", "行政诉讼（复议后起诉）", "行政诉讼合计"} {
		cols = append(cols, g+"·维持", g+"·纠正", g+"·其他", g+"·尚未审结", g+"·总计", g+"·纠错率")
	}
	cols = append(cols, "表四未读取的报告数")
	t := Table{Title: "复议诉讼", Columns: cols}
	for _, row := range r.Rows {
		vals := groupVals(r.GroupBy, row.Group)
		for _, c := range []ReviewCounts{row.Reconsideration, row.LitigationDirect, row.LitigationAfter, row.Litigation} {
			vals = append(vals, c.Upheld, c.Corrected, c.Other, c.Pending, c.Total, val(c.CorrectionRate))
		}
		vals = append(vals, row.WithoutTable4)
		t.Rows = append(t.Rows, vals)
	}
	return []Table{markShares(t)}
}

// Tables lays out table 2, one sheet per edition.
func (r ProactiveResult) Tables() []Table {
	var out []Table
	for _, ed := range []string{report.Edition2021, report.Edition2019} {
		t := Table{Title: "主动公开（" + ed + "版）", Columns: groupCols(r.GroupBy)}
		for _, c := range r.Codes[ed] {
			t.Columns = append(t.Columns, r.Labels[c])
		}
		for _, row := range r.Rows {
			if row.Edition != ed {
				continue
			}
			vals := groupVals(r.GroupBy, row.Group)
			for _, c := range r.Codes[ed] {
				vals = append(vals, val(row.Values[c]))
			}
			t.Rows = append(t.Rows, vals)
		}
		if len(t.Rows) > 0 {
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		out = append(out, Table{Title: "主动公开", Columns: groupCols(r.GroupBy)})
	}
	return out
}

// Tables lays out the comparison.
func (r CompareResult) Tables() []Table {
	t := Table{Title: r.County + strconv.Itoa(r.Year) + "年 " + r.Metric.Label, Columns: []string{"排名", "机关", r.Metric.Label, "与中位数之差", "报告编号"}}
	for _, row := range r.Rows {
		var rank any
		if row.Rank != nil {
			rank = *row.Rank
		}
		t.Rows = append(t.Rows, []any{rank, row.Agency, val(row.Value), val(row.VsMedian), row.ReportID})
	}
	t.Rows = append(t.Rows, []any{nil, "中位数", val(r.Median), nil, nil})
	t.Percent = []bool{false, false, r.Metric.Rate, r.Metric.Rate, false}
	return []Table{t}
}

// Tables lays out the findings summary: by rule, then by group.
func (r FindingsSummary) Tables() []Table {
	byRule := Table{Title: "按规则", Columns: []string{"规则", "规则名称", "级别", "问题数", "涉及报告数"}}
	for _, rc := range r.ByRule {
		byRule.Rows = append(byRule.Rows, []any{rc.Rule, rc.Label, rc.SeverityLabel, rc.Findings, rc.Reports})
	}
	byGroup := Table{Title: "按" + GroupLabels[r.GroupBy], Columns: append(groupCols(r.GroupBy), "有问题的报告数", "错误", "警告", "提示")}
	for _, g := range r.ByGroup {
		byGroup.Rows = append(byGroup.Rows, append(groupVals(r.GroupBy, g.Group), g.WithFindings, g.Errors, g.Warnings, g.Infos))
	}
	return []Table{byRule, byGroup}
}
