package parse

import (
	"regexp"
	"strings"
	"sync"
	"unicode"

	"nianbao/report"
)

// rowDef is a row of a table template: the pattern of its label and the
// codes of its value columns. A group row (三、本年度办理结果, （三）不予公开)
// has no values; it only ends the region of the row before it.
type rowDef struct {
	code  string
	key   *words
	cols  []string
	group bool
	// bare labels must be followed by a cell boundary, not by more words.
	bare bool
}

// A row label may carry numbering in front: 一、 (一) 1. (1) ①. Arabic
// numbering is one digit (no group of table 3 has ten rows), so that in
// glued text the previous row's last digit is not taken for it
// (…00000002.其他法律: the row before ends in 0, this one is 2.).

// loose lets a line break or spaces stand between any two Chinese
// characters of a pattern: PDF text wraps a long label (or a heading) over
// two or three lines anywhere (一、本年\n新收政府\n信息公开\n申请数量 3 0 …),
// and stray spaces split words (规 章).
func loose(pattern string) string {
	var b strings.Builder
	prevHan := false
	for _, r := range pattern {
		han := unicode.Is(unicode.Han, r)
		if han && prevHan {
			b.WriteString(gap)
		}
		b.WriteRune(r)
		prevHan = han
	}
	return b.String()
}

// gap is what may stand between two characters of a label.
const gap = `[ \t\n\f]*`

// A row's numbering before its label (一、 (三) 1. (2) ①) is found by
// numberingStart (literal.go).

var (
	t3Cols = report.T3Columns

	t3Template = []rowDef{
		{code: "new", key: kw("本年新收"), cols: t3Cols},
		{code: "carried_over", key: kw("上年结转"), cols: t3Cols},
		{code: "results", key: kw("本年度办理结果"), group: true},
		{code: "granted", key: kw("予以公开"), cols: t3Cols},
		{code: "partial", key: kw("部分公开"), cols: t3Cols},
		{code: "denied", key: kw("不予公开"), group: true},
		{code: "denied.state_secret", key: kw("属于国家秘密", "国家秘密"), cols: t3Cols},
		{code: "denied.law_prohibited", key: kw("其他法律", "法律行政法规", "行政法规禁止", "行政止公开"), cols: t3Cols},
		{code: "denied.security_stability", key: kw("危及", "三安全一稳定"), cols: t3Cols},
		{code: "denied.third_party", key: kw("保护第三方", "第三方合法权益"), cols: t3Cols},
		{code: "denied.internal_affairs", key: kw("属于三类内部事务", "属于三类内容事务", "三类内部事务", "三类内容事务", "内部事务信息"), cols: t3Cols},
		{code: "denied.process_info", key: kw("属于四类过程性", "四类过程性", "过程性信息"), cols: t3Cols},
		{code: "denied.enforcement_file", key: kw("属于行政执法案卷", "行政执法案卷"), cols: t3Cols},
		{code: "denied.inquiry", key: kw("属于行政查询事项", "行政查询事项"), cols: t3Cols},
		{code: "unavailable", key: kw("无法提供"), group: true},
		{code: "unavailable.not_held", key: kw("本机关不掌握", "不掌握相关"), cols: t3Cols},
		{code: "unavailable.needs_creation", key: kw("没有现成信息", "需要另行制作"), cols: t3Cols},
		{code: "unavailable.unclear", key: kw("补正后申请", "申请内容仍不明确"), cols: t3Cols},
		{code: "not_processed", key: kw("不予处理"), group: true},
		{code: "not_processed.petition", key: kw("信访举报投诉"), cols: t3Cols},
		{code: "not_processed.duplicate", key: kw("重复申请"), cols: t3Cols},
		{code: "not_processed.publication", key: kw("要求提供公开出版物", "公开出版物"), cols: t3Cols},
		{code: "not_processed.excessive", key: kw("无正当理由大量反复", "大量反复申请"), cols: t3Cols},
		{code: "not_processed.confirmation", key: kw("要求行政机关确认", "重新出具"), cols: t3Cols},
		// In the 2021 edition a group; in the 2019 edition (and some 2021
		// reports) the single row "other".
		{code: "other", key: kw("其他处理"), cols: t3Cols},
		{code: "other.overdue_correction", key: kw("申请人无正当理由逾期不补正", "逾期不补正"), cols: t3Cols},
		{code: "other.unpaid_fee", key: kw("申请人逾期未按收费通知", "未按收费通知", "缴纳费用"), cols: t3Cols},
		// "3.其他": the label must not run on into other words (其他处理, 其他情形).
		{code: "other.other", key: &words{re: regexp.MustCompile(`[3][ \t]*[.、,]?[ \t]*其[ \t]*他`)}, cols: t3Cols, bare: true},
		{code: "total", key: kw("总计"), cols: t3Cols},
		{code: "carry_forward", key: kw("结转下年度", "结转下年", "转下年度", "下年度继续办理"), cols: t3Cols},
	}

	t2Keys = map[string]*words{
		"regulations":    kw("规章"),
		"normative_docs": kw("行政规范性文件", "规范性文件", "行政规范性档案", "规范性档案"),
		"licensing":      kw("行政许可"),
		"other_services": kw("其他对外管理服务事项", "其他对外管理"),
		"penalty":        kw("行政处罚"),
		"enforcement":    kw("行政强制"),
		"fees":           kw("行政事业性收费", "事业性收费", "行政事业型收费"),
		"procurement":    kw("政府集中采购"),
	}
)

// t2Template builds table 2's template for an edition.
func t2Template(edition string) []rowDef {
	if _, known := report.T2Rows[edition]; !known {
		return makeT2Template(edition)
	}
	if t, ok := t2Templates.Load(edition); ok {
		return t.([]rowDef)
	}
	t, _ := t2Templates.LoadOrStore(edition, makeT2Template(edition))
	return t.([]rowDef)
}

// t2Templates keeps table 2's template of each edition: the same for
// every report, and read only.
var t2Templates sync.Map

func makeT2Template(edition string) []rowDef {
	var rows []rowDef
	for _, r := range report.T2Rows[edition] {
		rows = append(rows, rowDef{code: r.Code, key: t2Keys[r.Code], cols: r.Columns})
	}
	return rows
}

// Headings of sections 二 to 五: each table starts at its heading.
var (
	headT2 = mustStartRe(loose(`主动公开政府信息情况|主动公开政府信息`))
	headT3 = mustStartRe(loose(`收到和处理政府信息公开申请情况|收到和处理政府信息公开申请`))
	headT4 = mustStartRe(loose(`政府信息公开行政复议[、,]?\s*行政诉讼情况|行政复议[、,]?\s*行政诉讼情况|行政复议[、,和及]?\s*(?:提起)?行政诉讼的?情况`))
	headT5 = mustStartRe(loose(`存在的主要问题及改进情况|存在的主要问题|其他需要报告的事项`))

	firstRowKey = kw("本年新收")
	t2Start     = mustStartRe(`第二十条|信息内容`)
	t2FirstRow  = mustStartRe(`规[ \t]*章`)
	t4Start     = mustStartRe(`行政复议`)
	t3SubRowKey = kw("逾期不补正", "未按收费通知")

	// Words that show the 2019 or the 2021 template of table 2.
	edition2019Words = mustStartRe(`本年新制作|本年新公开|对外公开总数|上一年项目数|本年增\s*[/\\]|本年度增|政府集中采购|其他对外管理服务事项|采购总金额`)
	edition2021Words = mustStartRe(`本年制发|本年废止|现行有效|本年处理决定|本年收费金额|本年发件`)
)
