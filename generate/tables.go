package generate

import (
	"math"
	"strconv"

	"nianbao/report"
)

// cell is one printed cell of a table: a label, or a number.
type cell struct {
	text string
	num  bool
	v    float64
}

// row is one printed row of a table; pad is the number of empty merged
// cells after it, as HTML-to-text copies show them ("||").
type row struct {
	cells []cell
	pad   int
	head  bool // a header row (labels only)
	// rule, when set, is a check the numbers of the row satisfy in an
	// unbroken report (used to decide whether a glued row splits uniquely).
	rule func([]float64) bool
}

// table is one of the report's tables 2–4, with its grid width.
type table struct {
	width int
	rows  []row
}

func lbl(s string) cell { return cell{text: s} }

func heading(w int, labels ...string) row {
	r := row{head: true, pad: w - len(labels)}
	for _, l := range labels {
		r.cells = append(r.cells, lbl(l))
	}
	return r
}

func data(w int, labels []string, values []float64) row {
	r := row{pad: w - len(labels) - len(values)}
	for _, l := range labels {
		r.cells = append(r.cells, lbl(l))
	}
	for _, v := range values {
		r.cells = append(r.cells, cell{num: true, v: v})
	}
	return r
}

func fmtNum(v float64) string {
	if v == math.Trunc(v) {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func cellsOf(r *report.Report, prefix string, cols []string) []float64 {
	out := make([]float64, len(cols))
	for i, c := range cols {
		out[i] = r.Cells[prefix+c]
	}
	return out
}

// Section headers of table 2, by row code, as printed.
var t2Sections = map[string]string{
	"regulations": "第二十条第(一)项",
	"licensing":   "第二十条第(五)项",
	"penalty":     "第二十条第(六)项",
	"fees":        "第二十条第(八)项",
	"procurement": "第二十条第(九)项",
}

var t2Headers = map[string]map[string][]string{
	report.Edition2021: {
		"regulations": {"本年制发件数", "本年废止件数", "现行有效件数"},
		"licensing":   {"本年处理决定数量"},
		"penalty":     {"本年处理决定数量"},
		"fees":        {"本年收费金额(单位:万元)"},
	},
	report.Edition2019: {
		"regulations": {"本年新制作数量", "本年新公开数量", "对外公开总数量"},
		"licensing":   {"上一年项目数量", "本年增/减", "处理决定数量"},
		"penalty":     {"上一年项目数量", "本年增/减", "处理决定数量"},
		"fees":        {"上一年项目数量", "本年增/减"},
		"procurement": {"采购项目数量", "采购总金额"},
	},
}

func table2(r *report.Report) table {
	t := table{width: 4}
	for _, tr := range report.T2Rows[r.Edition] {
		if sec, ok := t2Sections[tr.Code]; ok {
			t.rows = append(t.rows, heading(4, sec))
			t.rows = append(t.rows, heading(4, append([]string{"信息内容"}, t2Headers[r.Edition][tr.Code]...)...))
		}
		t.rows = append(t.rows, data(4, []string{tr.Label}, cellsOf(r, "t2."+tr.Code+".", tr.Columns)))
	}
	return t
}

// Table 3 as printed: group label (first row of a group only), row label.
var t3Printed = []struct{ group, label, code string }{
	{"", "一、本年新收政府信息公开申请数量", "new"},
	{"", "二、上年结转政府信息公开申请数量", "carried_over"},
	{"三、本年度办理结果", "(一)予以公开", "granted"},
	{"", "(二)部分公开(区分处理的,只计这一情形,不计其他情形)", "partial"},
	{"(三)不予公开", "1.属于国家秘密", "denied.state_secret"},
	{"", "2.其他法律行政法规禁止公开", "denied.law_prohibited"},
	{"", "3.危及“三安全一稳定”", "denied.security_stability"},
	{"", "4.保护第三方合法权益", "denied.third_party"},
	{"", "5.属于三类内部事务信息", "denied.internal_affairs"},
	{"", "6.属于四类过程性信息", "denied.process_info"},
	{"", "7.属于行政执法案卷", "denied.enforcement_file"},
	{"", "8.属于行政查询事项", "denied.inquiry"},
	{"(四)无法提供", "1.本机关不掌握相关政府信息", "unavailable.not_held"},
	{"", "2.没有现成信息需要另行制作", "unavailable.needs_creation"},
	{"", "3.补正后申请内容仍不明确", "unavailable.unclear"},
	{"(五)不予处理", "1.信访举报投诉类申请", "not_processed.petition"},
	{"", "2.重复申请", "not_processed.duplicate"},
	{"", "3.要求提供公开出版物", "not_processed.publication"},
	{"", "4.无正当理由大量反复申请", "not_processed.excessive"},
	{"", "5.要求行政机关确认或重新出具已获取信息", "not_processed.confirmation"},
	{"(六)其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other.overdue_correction"},
	{"", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "other.unpaid_fee"},
	{"", "3.其他", "other.other"},
	{"", "(六)其他处理", "other"},
	{"", "(七)总计", "total"},
	{"", "四、结转下年度继续办理", "carry_forward"},
}

// T3Note is the note that heads table 3.
const t3Note = "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"

func rowSum(v []float64) bool {
	s := 0.0
	for _, x := range v[:len(v)-1] {
		s += x
	}
	return s == v[len(v)-1]
}

func table3(r *report.Report) table {
	t := table{width: 10}
	t.rows = append(t.rows,
		heading(10, t3Note, "申请人情况"),
		heading(10, "自然人", "法人或其他组织", "总计"),
		heading(10, "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"),
	)
	for _, p := range t3Printed {
		switch {
		case p.code == "other" && r.Edition == report.Edition2021:
			continue
		case len(p.code) > 6 && p.code[:6] == "other." && r.Edition != report.Edition2021:
			continue
		}
		labels := []string{p.label}
		if p.group != "" {
			labels = []string{p.group, p.label}
		}
		d := data(10, labels, cellsOf(r, "t3."+p.code+".", report.T3Columns))
		d.rule = rowSum
		t.rows = append(t.rows, d)
	}
	return t
}

func reviewRule(v []float64) bool {
	for g := 0; g < 3; g++ {
		if !rowSum(v[g*5 : g*5+5]) {
			return false
		}
	}
	return true
}

func table4(r *report.Report) table {
	t := table{width: 15}
	outcomes := []string{"结果维持", "结果纠正", "其他结果", "尚未审结", "总计"}
	t.rows = append(t.rows,
		heading(15, "行政复议", "行政诉讼"),
		heading(15, append(append([]string(nil), outcomes...), "未经复议直接起诉", "复议后起诉")...),
		heading(15, append(append([]string(nil), outcomes...), outcomes...)...),
	)
	var vals []float64
	for _, g := range report.T4Groups {
		vals = append(vals, cellsOf(r, "t4."+g+".", report.T4Outcomes)...)
	}
	d := data(15, nil, vals)
	d.rule = reviewRule
	t.rows = append(t.rows, d)
	return t
}
