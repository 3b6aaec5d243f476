package report

import (
	"fmt"
	"strings"
)

// Rules of the cross-report and form checks (package assess computes them;
// the codes are stored with findings and must never change).
const (
	RuleInForce       = "rule5_in_force"     // last in_force + issued − abolished = in_force
	RuleJump          = "yoy_jump"           // a count jumping far from last year
	RuleSections      = "form_sections"      // the six sections present and in order
	RuleTables        = "form_tables"        // tables 2–4 present
	RuleEdition       = "form_edition"       // the edition matches the year
	RuleBlank         = "form_blank"         // cells left blank or "/" where a number is required
	RuleFeeStatement  = "form_fee_statement" // section 六 states the 信息处理费
	RuleTownRegs      = "value_town_regulations"
	RuleNegative      = "value_negative"
	RuleFeeUnit       = "value_fee_unit"
	RuleLate          = "timely_late"
	RuleCopyPrevious  = "copy_previous_year"
	RuleCopyPeer      = "copy_peer"
	RuleAggregateOver = "aggregate_over"
	// Checks an assessor makes by hand (issue 21, item 3).
	RulePeerZero      = "peer_zero"             // zero where the peers' median is large
	RulePeerBlank     = "peer_blank"            // blank or "/" where every peer prints a number
	RulePartOverWhole = "value_part_over_whole" // a part of table 3 or 4 greater than its whole
	RuleFeeNarrative  = "narrative_fee"         // section 六 says no fee, table 3 shows fee notices
)

// Rule describes one check: its stable code, its Chinese name, what it
// checks and why, its severity and the points the default score sheet
// deducts for each finding of it. This table is the one place a rule is
// described: RuleLabels, GET /api/v1/rules and docs/rules.md come from it.
type Rule struct {
	Code      string  `json:"code"`
	Name      string  `json:"name"`
	Checks    string  `json:"checks"`
	Severity  string  `json:"severity"`
	Deduction float64 `json:"deduction"`
	// Scope says where the check runs: 单份报告 (one report) or 跨报告
	// (against other stored reports, re-checked when either changes).
	Scope string `json:"scope"`
}

// Scopes of a rule.
const (
	ScopeReport = "单份报告"
	ScopeCross  = "跨报告"
)

// Rules lists every check in the order people read them.
var Rules = []Rule{
	{RuleBalance, "规则1：新收+上年结转＝办理总计+结转下年", "表三每一列，新收申请与上年结转之和应等于办理总计与结转下年之和；表格自身的填报说明规定了这一等式，不等说明有申请漏计或重计。", SeverityError, 2, ScopeReport},
	{RuleResults, "规则2：办理结果各项之和＝总计", "表三每一列，予以公开、部分公开、不予公开、无法提供、不予处理、其他处理各项之和应等于（七）总计；不等说明办理结果分类有误。", SeverityError, 2, ScopeReport},
	{RuleApplicants, "规则3：各类申请人之和＝总计列", "表三每一行，自然人与五类法人或其他组织之和应等于总计列；不等说明申请人分类填错。", SeverityError, 2, ScopeReport},
	{RuleReview, "规则4：复议诉讼各项之和＝总计", "表四每组，结果维持、结果纠正、其他结果、尚未审结之和应等于总计。", SeverityError, 2, ScopeReport},
	{RuleCrossYear, "规则5：本年上年结转＝上年结转下年", "本年表三“上年结转”每一列应等于同一机关上年报告“结转下年度继续办理”同一列；不等说明有申请在两年之间丢失或重复。任一年报告入库或更正后重新核对。", SeverityError, 2, ScopeCross},
	{RuleInForce, "规则5：现行有效件数前后衔接", "2021年版：上年规章、行政规范性文件现行有效件数加本年制发减本年废止，应等于本年现行有效件数。机关常重新清理文件，故只作警告。", SeverityWarning, 0.5, ScopeCross},
	{RuleNarrative, "规则6：正文数字与表格一致", "正文中写明的数字（如全年共收到申请若干件）应与表格一致；读者往往只看正文。", SeverityWarning, 1, ScopeReport},
	{RuleJump, "同比异常变动", "同一机关表二至表四的数量（评分表 jump_codes 所列，默认为表三新收申请、各项办理结果和总计，表四各组总计，表二许可、处罚、强制决定数）与上年之比超出评分表规定的倍数范围（默认0.2～5倍，恰为0.2或5倍不算）：两年都不少于 jump_min（默认10件）时才比倍数；一年为0或不足 jump_min 时，另一年达到 jump_large（默认50件）才算。多为录入错误（如3件写成300件），只作提示，请核实。", SeverityInfo, 0, ScopeCross},
	{RuleSections, "六部分齐全且顺序正确", "报告应依次包含总体情况、主动公开、收到和处理申请、复议诉讼、存在的主要问题及改进情况、其他需要报告的事项六部分（国办格式通知的要求）；缺项或错序影响可读性和规范性。", SeverityWarning, 1, ScopeReport},
	{RuleTables, "表二至表四齐全", "表二（主动公开）、表三（依申请公开）、表四（复议诉讼）是年报的法定内容，缺一张表就无法统计和比较。", SeverityError, 5, ScopeReport},
	{RuleEdition, "表格版本与年度相符", "2021年及以后的年报应使用2021年版表格（国办公开办函〔2021〕30号）；仍用2019年版会缺少新增栏目。", SeverityWarning, 2, ScopeReport},
	{RuleBlank, "应填数字处留空或填“/”", "表格中应填数字的单元格留空、填“/”“—”或“无”，读者无法区分零和未统计；每份报告计数一次。", SeverityInfo, 0.5, ScopeReport},
	{RuleFeeStatement, "第六部分说明信息处理费", "第六部分“其他需要报告的事项”应说明收取信息处理费的情况（《政府信息公开信息处理费管理办法》要求年报载明），包括未收取。", SeverityWarning, 1, ScopeReport},
	{RuleTownRegs, "乡镇不应有规章", "乡镇、街道没有规章制定权（《立法法》），表二规章件数应为0；非零多为把规范性文件填入规章栏。", SeverityError, 1, ScopeReport},
	{RuleNegative, "数量为负数", "表二至表四的件数不可能为负数（2019年版表二“本年增/减”除外）。", SeverityError, 2, ScopeReport},
	{RuleFeeUnit, "收费金额单位疑误", "表二行政事业性收费以万元为单位；乡镇、街道的金额达到100万元以上且为整数，多为按元填报。", SeverityWarning, 1, ScopeReport},
	{RuleLate, "逾期发布", "年报应在规定期限前发布（乡镇、街道和县级部门1月31日，县级政府3月31日，见期限配置文件），逾期天数记入评分。", SeverityWarning, 3, ScopeReport},
	{RuleCopyPrevious, "与本机关上年报告雷同", "总体情况、存在的问题及改进情况、其他事项三部分去掉规定套话后，与本机关上年报告共有文字比例超过阈值，说明报告照抄上年。", SeverityWarning, 3, ScopeCross},
	{RuleCopyPeer, "与同县其他机关报告雷同", "同上三部分去掉规定套话后，与同县同年另一机关的报告共有文字比例超过阈值，说明互相抄袭。", SeverityWarning, 3, ScopeCross},
	{RuleAggregateOver, "下属单位之和超过汇总数", "县级政府（或园区）报告汇总本级及所辖单位时，已入库的下属单位同一单元格之和不应超过汇总数。", SeverityWarning, 1, ScopeCross},
	{RulePeerZero, "同级普遍有数而本机关为零", "乡镇（街道）的某项数量（评分表 jump_codes 所列）为0，而同县同年同级至少 peer_min（默认5）个其他机关该项的中位数不小于 peer_zero_median（默认20）；多为漏填或填错栏目。部门职能各异，不作此比较。", SeverityWarning, 0.5, ScopeCross},
	{RulePeerBlank, "同级都填数而本机关留空", "本报告别处的零写作“0”，却有应填数字的单元格留空或填“/”“—”“无”，而同县同年同级至少 peer_min（默认5）个其他机关印有该单元格且全部填了数字、且其中位数大于0；这样的空白不能当作0，多为漏填（报告的零都留空、或同级多为0时，空白即是0的写法，由“应填数字处留空”计）。每份报告计数一次。", SeverityInfo, 0.5, ScopeCross},
	{RulePartOverWhole, "部分大于整体", "表三某项办理结果大于（七）总计、某类申请人大于该行总计、办理总计或结转下年大于新收与上年结转之和，表四结果纠正（或维持）大于已审结件数（总计减尚未审结）：部分不可能大于整体。规则1–4的单元格齐全时由规则1–4报告，本规则只核对其无法核对的（某一单元格未读出）。", SeverityError, 2, ScopeReport},
	{RuleFeeNarrative, "第六部分收费说明与表三不符", "2021年版表三“申请人逾期未按收费通知要求缴纳费用”大于0，说明本年向申请人发出过收费通知，而第六部分称未收取信息处理费、未发出收费通知且未提及收费通知；两处应一致。", SeverityWarning, 1, ScopeReport},
	{RuleMissing, "表格缺失或不完整", "解析时找不到某张表或其中若干行。", SeverityWarning, 1, ScopeReport},
	{RuleAmbiguous, "数字粘连无法唯一拆分", "同一行数字粘在一起，按行宽和勾稽关系仍有多种拆法；系统不猜测，请人工核对。", SeverityWarning, 0, ScopeReport},
	{RuleNoData, "表格无数据", "表格印出但一个数字也没有。", SeverityWarning, 1, ScopeReport},
	// Written as text: the constant is the parser's (report/meta_rules.go on main).
	// Written as text: the constants are package ingest/ocr's (issue 24).
	{"ocr_read", "由图片识别", "报告没有文字层（扫描件或图片），由文字识别（OCR）读取；每个数字记有所在页面区域和识别置信度，数字请以原件为准。", SeverityInfo, 0, ScopeReport},
	{"ocr_uncertain", "识别置信度低", "扫描件中识别置信度低于阈值的数字不读取（留空待人工填写），字母被当作数字读取的（O 读作 0 等）标出待核对；系统不猜测数字，不扣机关的分。", SeverityWarning, 0, ScopeReport},
	{"parse_no_agency", "未写明报告机关", "报告正文没有写明发布机关（只称我局、我镇等）；机关名称留空待人工填写，不作猜测。", SeverityInfo, 0, ScopeReport},
	{RuleAgencyNearMiss, "机关名称与登记名称相差一字", "报告写的机关（或所属县）名称与登记册中某一名称只差一个字（如沐阳县与沭阳县）；系统提出登记名称供核对，不自动更正，该机关在入库时保持待映射。", SeverityWarning, 0, ScopeReport},
}

// RuleByCode finds a rule of the table.
func RuleByCode(code string) (Rule, bool) {
	for _, r := range Rules {
		if r.Code == code {
			return r, true
		}
	}
	return Rule{}, false
}

// RulesMarkdown renders the rule table as docs/rules.md; a test fails
// when the file in the repository differs (go test ./report -run
// TestRulesDoc -update writes it).
func RulesMarkdown() string {
	var b strings.Builder
	b.WriteString("# 检查规则 (rules)\n\n")
	b.WriteString("Generated from `report.Rules` (report/rulebook.go) by `go test ./report -run TestRulesDoc -update`; do not edit by hand.\n")
	b.WriteString("The same table answers `GET /api/v1/rules`. A rule's code is stored with its findings and never changes.\n")
	b.WriteString("The deduction is the default score sheet's (`assess/scoresheet.json` may override it per rule); scope 跨报告 means the rule\n")
	b.WriteString("compares the report with other stored reports and is computed again whenever either is ingested or corrected.\n\n")
	b.WriteString("| 代码 code | 名称 | 检查什么、为什么 | 级别 | 默认扣分 | 范围 |\n|---|---|---|---|---|---|\n")
	for _, r := range Rules {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s |\n", r.Code, r.Name, r.Checks, SeverityLabels[r.Severity], fmtNum(r.Deduction), r.Scope)
	}
	return b.String()
}
