// Package report holds the domain of Nianbao: an annual report, its cells
// (identified by the codes of docs/report-format.md), and its findings.
package report

import (
	"sort"
	"strings"
)

// Edition names the table template a report follows.
const (
	Edition2019 = "2019"
	Edition2021 = "2021"
)

// Column codes of table 3, in the order of the official table.
var T3Columns = []string{"natural", "commercial", "research", "social", "legal", "other_org", "total"}

// T3ColumnLabels gives each table-3 column its Chinese label.
var T3ColumnLabels = map[string]string{
	"natural":    "自然人",
	"commercial": "商业企业",
	"research":   "科研机构",
	"social":     "社会公益组织",
	"legal":      "法律服务机构",
	"other_org":  "其他组织",
	"total":      "总计",
}

// Row is one row of an official table.
type Row struct {
	Code  string
	Label string
}

// T3Rows lists the rows of table 3 in the 2021 edition, in printed order.
// The 2019 edition replaces the three other.* rows by the single row "other".
var T3Rows = []Row{
	{"new", "一、本年新收政府信息公开申请数量"},
	{"carried_over", "二、上年结转政府信息公开申请数量"},
	{"granted", "（一）予以公开"},
	{"partial", "（二）部分公开"},
	{"denied.state_secret", "（三）不予公开 1.属于国家秘密"},
	{"denied.law_prohibited", "（三）不予公开 2.其他法律行政法规禁止公开"},
	{"denied.security_stability", "（三）不予公开 3.危及“三安全一稳定”"},
	{"denied.third_party", "（三）不予公开 4.保护第三方合法权益"},
	{"denied.internal_affairs", "（三）不予公开 5.属于三类内部事务信息"},
	{"denied.process_info", "（三）不予公开 6.属于四类过程性信息"},
	{"denied.enforcement_file", "（三）不予公开 7.属于行政执法案卷"},
	{"denied.inquiry", "（三）不予公开 8.属于行政查询事项"},
	{"unavailable.not_held", "（四）无法提供 1.本机关不掌握相关政府信息"},
	{"unavailable.needs_creation", "（四）无法提供 2.没有现成信息需要另行制作"},
	{"unavailable.unclear", "（四）无法提供 3.补正后申请内容仍不明确"},
	{"not_processed.petition", "（五）不予处理 1.信访举报投诉类申请"},
	{"not_processed.duplicate", "（五）不予处理 2.重复申请"},
	{"not_processed.publication", "（五）不予处理 3.要求提供公开出版物"},
	{"not_processed.excessive", "（五）不予处理 4.无正当理由大量反复申请"},
	{"not_processed.confirmation", "（五）不予处理 5.要求行政机关确认或重新出具已获取信息"},
	{"other.overdue_correction", "（六）其他处理 1.申请人无正当理由逾期不补正"},
	{"other.unpaid_fee", "（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用"},
	{"other.other", "（六）其他处理 3.其他"},
	{"other", "（六）其他处理"},
	{"total", "（七）总计"},
	{"carry_forward", "四、结转下年度继续办理"},
}

// T3OtherSubRows are the 2021 sub-rows whose sum is the derived row "other".
var T3OtherSubRows = []string{"other.overdue_correction", "other.unpaid_fee", "other.other"}

// T3ResultRows are the rows that add up to "total" (rule 2), for an edition.
func T3ResultRows(edition string) []string {
	var rows []string
	for _, r := range T3Rows {
		switch r.Code {
		case "new", "carried_over", "total", "carry_forward":
			continue
		case "other":
			if edition == Edition2021 {
				continue
			}
		case "other.overdue_correction", "other.unpaid_fee", "other.other":
			if edition != Edition2021 {
				continue
			}
		}
		rows = append(rows, r.Code)
	}
	return rows
}

// T4Groups and T4Outcomes give table 4's fifteen cells in printed order.
var (
	T4Groups   = []string{"reconsideration", "litigation_direct", "litigation_after"}
	T4Outcomes = []string{"upheld", "corrected", "other", "pending", "total"}
)

var t4GroupLabels = map[string]string{
	"reconsideration":   "行政复议",
	"litigation_direct": "行政诉讼（未经复议直接起诉）",
	"litigation_after":  "行政诉讼（复议后起诉）",
}

var t4OutcomeLabels = map[string]string{
	"upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果", "pending": "尚未审结", "total": "总计",
}

// T2Row is a row of table 2 with the codes of its value columns.
type T2Row struct {
	Code    string
	Label   string
	Columns []string
}

// T2Rows gives table 2 for each edition, in printed order.
var T2Rows = map[string][]T2Row{
	Edition2021: {
		{"regulations", "规章", []string{"issued", "abolished", "in_force"}},
		{"normative_docs", "行政规范性文件", []string{"issued", "abolished", "in_force"}},
		{"licensing", "行政许可", []string{"decisions"}},
		{"penalty", "行政处罚", []string{"decisions"}},
		{"enforcement", "行政强制", []string{"decisions"}},
		{"fees", "行政事业性收费", []string{"amount"}},
	},
	Edition2019: {
		{"regulations", "规章", []string{"made", "published", "total_published"}},
		{"normative_docs", "规范性文件", []string{"made", "published", "total_published"}},
		{"licensing", "行政许可", []string{"previous", "change", "decisions"}},
		{"other_services", "其他对外管理服务事项", []string{"previous", "change", "decisions"}},
		{"penalty", "行政处罚", []string{"previous", "change", "decisions"}},
		{"enforcement", "行政强制", []string{"previous", "change", "decisions"}},
		{"fees", "行政事业性收费", []string{"previous", "change"}},
		{"procurement", "政府集中采购", []string{"count", "amount"}},
	},
}

var t2ColumnLabels = map[string]string{
	"issued": "本年制发件数", "abolished": "本年废止件数", "in_force": "现行有效件数",
	"decisions": "本年处理决定数量", "amount": "本年收费金额（万元）",
	"made": "本年新制作数量", "published": "本年新公开数量", "total_published": "对外公开总数量",
	"previous": "上一年项目数量", "change": "本年增/减", "count": "采购项目数量",
}

// CellDef describes one cell code.
type CellDef struct {
	Code     string   `json:"code"`
	Table    int      `json:"table"`
	Label    string   `json:"label"`
	Editions []string `json:"editions"`
	// Derived cells are computed, not printed (t3.other.* in the 2021 edition).
	Derived bool `json:"derived,omitempty"`
}

var (
	catalogue []CellDef
	byCode    = map[string]CellDef{}
	// order is each code's place in the catalogue, made once: Codes is
	// called several times per report on every save.
	order = map[string]int{}
)

func init() {
	add := func(d CellDef) {
		if old, ok := byCode[d.Code]; ok {
			// A code shared by both editions (e.g. t2.licensing.decisions).
			old.Editions = append(old.Editions, d.Editions...)
			byCode[d.Code] = old
			for i := range catalogue {
				if catalogue[i].Code == d.Code {
					catalogue[i] = old
				}
			}
			return
		}
		byCode[d.Code] = d
		catalogue = append(catalogue, d)
	}
	for _, ed := range []string{Edition2021, Edition2019} {
		for _, r := range T2Rows[ed] {
			for _, c := range r.Columns {
				label := r.Label + " · " + t2ColumnLabels[c]
				if ed == Edition2019 && r.Code == "procurement" && c == "amount" {
					label = r.Label + " · 采购总金额"
				}
				add(CellDef{Code: "t2." + r.Code + "." + c, Table: 2, Label: label, Editions: []string{ed}})
			}
		}
	}
	for _, r := range T3Rows {
		eds := []string{Edition2019, Edition2021}
		if strings.HasPrefix(r.Code, "other.") {
			eds = []string{Edition2021}
		}
		for _, c := range T3Columns {
			// t3.other.* is printed in the 2019 edition and derived (the sum
			// of its three sub-rows) in the 2021 edition.
			add(CellDef{Code: "t3." + r.Code + "." + c, Table: 3, Label: r.Label + " · " + T3ColumnLabels[c], Editions: eds, Derived: r.Code == "other"})
		}
	}
	for _, g := range T4Groups {
		for _, o := range T4Outcomes {
			add(CellDef{Code: "t4." + g + "." + o, Table: 4, Label: t4GroupLabels[g] + " · " + t4OutcomeLabels[o], Editions: []string{Edition2019, Edition2021}})
		}
	}
	for i, d := range catalogue {
		order[d.Code] = i
	}
}

// Cells returns every known cell code definition, in table order.
func Cells() []CellDef { return append([]CellDef(nil), catalogue...) }

// Lookup returns the definition of a cell code.
func Lookup(code string) (CellDef, bool) {
	d, ok := byCode[code]
	return d, ok
}

// Label returns the Chinese label of a cell code, or the code itself.
func Label(code string) string {
	if d, ok := byCode[code]; ok {
		return d.Label
	}
	return code
}

// ExpandCodes resolves a list of codes and prefixes ("t3.denied.*", "t4")
// into known codes, in catalogue order. Unknown entries are returned apart.
func ExpandCodes(patterns []string) (codes []string, unknown []string) {
	seen := map[string]bool{}
	for _, p := range patterns {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		prefix, wild := strings.CutSuffix(p, "*")
		matched := false
		for _, d := range catalogue {
			ok := d.Code == p
			if wild {
				ok = strings.HasPrefix(d.Code, prefix)
			}
			if ok {
				matched = true
				if !seen[d.Code] {
					seen[d.Code] = true
					codes = append(codes, d.Code)
				}
			}
		}
		if !matched {
			unknown = append(unknown, p)
		}
	}
	order := map[string]int{}
	for i, d := range catalogue {
		order[d.Code] = i
	}
	sort.SliceStable(codes, func(i, j int) bool { return order[codes[i]] < order[codes[j]] })
	return codes, unknown
}
