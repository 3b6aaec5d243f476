package assess

import (
	"fmt"
	"math"
	"regexp"
	"strings"

	"nianbao/registry"
	"nianbao/report"
)

// Doc is a stored report as the checks see it: its identity, cells, where
// the cells came from, and its text cut into sections (nil when the
// report came without text, such as a row of a county workbook).
type Doc struct {
	ID          int64
	Agency      string
	County      string
	Year        int
	Edition     string
	PublishedOn string // YYYY-MM-DD or ""
	// RegistryLevel is the agency's level in the registry; "" for a report
	// not yet stored, whose level is then guessed from its name.
	RegistryLevel registry.Level
	// Synthetic: a 示例数据 report; its peers are generated reports only,
	// and a real report's are real ones only (Peers).
	Synthetic bool
	Cells     map[string]float64
	Raw       map[string]string // the cell as printed
	Sections  []Section
}

// Level is the body's level: the registry's, or for a report not placed
// in it a guess from the name (LevelOf).
func (d *Doc) Level() string {
	if d.RegistryLevel != "" {
		return LevelOfRegistry(d.RegistryLevel)
	}
	return LevelOf(d.Agency, d.County)
}

// blankRaw are the ways a cell is printed without a number.
var blankRaw = map[string]bool{"": true, "/": true, "／": true, "—": true, "-": true, "－": true, "——": true, "无": true}

// ReportFindings are the checks of one report against itself: form and
// values that cannot be right. Rules 1–4 and 6 are report.Check's.
func ReportFindings(d *Doc, sheet *Sheet) []report.Finding {
	var out []report.Finding
	add := func(rule, msg string, cells ...string) {
		rl, _ := report.RuleByCode(rule)
		if cells == nil {
			cells = []string{}
		}
		out = append(out, report.Finding{Rule: rule, Severity: rl.Severity, Cells: cells, Message: msg})
	}
	// Tables 2–4 present.
	for _, t := range []struct {
		n    int
		name string
	}{{2, "表二（主动公开政府信息情况）"}, {3, "表三（收到和处理政府信息公开申请情况）"}, {4, "表四（行政复议、行政诉讼情况）"}} {
		found := false
		for code := range d.Cells {
			if report.Code(code).Table() == t.n {
				found = true
				break
			}
		}
		if !found {
			add(report.RuleTables, fmt.Sprintf("报告中没有%s的任何数字。", t.name))
		}
	}
	// The edition matching the year.
	if d.Year >= 2021 && d.Edition == report.Edition2019 {
		add(report.RuleEdition, fmt.Sprintf("%d年度报告仍使用2019年版表格，应使用2021年版。", d.Year))
	}
	if d.Year >= 2019 && d.Year <= 2020 && d.Edition == report.Edition2021 {
		add(report.RuleEdition, fmt.Sprintf("%d年度报告使用了2021年版表格（该版自2021年度起施行）。", d.Year))
	}
	// Cells printed without a number, counted once per report.
	var blanks []string
	for code := range report.PrintedCodes(d.Edition) {
		raw, ok := d.Raw[string(code)]
		if ok && blankRaw[strings.TrimSpace(raw)] {
			blanks = append(blanks, string(code))
		}
	}
	if len(blanks) > 0 {
		add(report.RuleBlank, fmt.Sprintf("表格中有%d个应填数字的单元格留空或填“/”“—”“无”，已按0计；应填写0。", len(blanks)))
	}
	// Negative counts (the 2019 table 2's 本年增/减 may be negative).
	for code := range report.PrintedCodes(d.Edition) {
		v, ok := d.Cells[string(code)]
		if ok && v < 0 && code.Column() != "change" {
			add(report.RuleNegative, fmt.Sprintf("%s为%s，数量不能为负数。", label(code), num(v)), string(code))
		}
	}
	if d.Level() == LevelTown {
		var regs, cells []string
		for _, col := range []string{"issued", "in_force", "made", "published", "total_published"} {
			code := report.T2("regulations", col)
			if v := d.Cells[string(code)]; v > 0 {
				regs = append(regs, fmt.Sprintf("%s为%s", label(code), num(v)))
				cells = append(cells, string(code))
			}
		}
		if len(regs) > 0 {
			add(report.RuleTownRegs, "乡镇、街道没有规章制定权，但表二"+strings.Join(regs, "、")+"；多为把规范性文件填入规章栏。", cells...)
		}
		fee := report.T2("fees", "amount")
		if v, ok := d.Cells[string(fee)]; ok && v >= sheet.FeeYuanThreshold && v == math.Trunc(v) {
			add(report.RuleFeeUnit, fmt.Sprintf("表二行政事业性收费金额为%s万元（即%s元），对乡镇、街道过大，可能按元填报。", num(v), num(v*10000)), string(fee))
		}
	}
	out = append(out, PartFindings(d)...)
	if d.Sections != nil {
		out = append(out, sectionFindings(d)...)
		out = append(out, FeeFindings(d)...)
	}
	return out
}

var feeStated = regexp.MustCompile(`处理费|收费|收取.{0,8}费`)

// statesFee is feeStated.MatchString with the plain words looked up first:
// the regular expression runs only where 收取 stands (the re-check reads
// every report of a county).
func statesFee(s string) bool {
	if strings.Contains(s, "处理费") || strings.Contains(s, "收费") {
		return true
	}
	return strings.Contains(s, "收取") && feeStated.MatchString(s)
}

// oldLayout are phrases of the statistics table used before the 2019
// format notice (政府信息公开情况统计表 with 主动公开政府信息数, 收到申请数).
var oldLayout = []string{"政府信息公开情况统计表", "主动公开政府信息数", "收到申请数", "依申请公开信息目录数"}

// firstOldLayout is the first of the oldLayout phrases in s ("" if none);
// none is a prefix of another, so the leftmost is the one.
func firstOldLayout(s string) string {
	at, found := -1, ""
	for _, p := range oldLayout {
		if i := strings.Index(s, p); i >= 0 && (at < 0 || i < at) {
			at, found = i, p
		}
	}
	return found
}

func sectionFindings(d *Doc) []report.Finding {
	var out []report.Finding
	add := func(rule, msg string) {
		rl, _ := report.RuleByCode(rule)
		out = append(out, report.Finding{Rule: rule, Severity: rl.Severity, Cells: []string{}, Message: msg})
	}
	if d.Year >= 2019 {
		for _, s := range d.Sections {
			if m := firstOldLayout(s.Body); m != "" {
				add(report.RuleEdition, fmt.Sprintf("报告使用2019年以前的统计表格式（“%s”），%d年度报告应使用%s年版表格。", m, d.Year, map[bool]string{true: "2021", false: "2019"}[d.Year >= 2021]))
				break
			}
		}
	}
	seen := map[int]bool{}
	last, disorder := 0, ""
	for _, s := range d.Sections {
		if s.Number == 0 || seen[s.Number] {
			// Order is judged on each section's first heading: a report
			// whose 总体情况 numbers its own parts 一、二、三 (主动公开工作情况,
			// 申请情况 …) repeats headings without being out of order.
			continue
		}
		if s.Number < last && disorder == "" {
			disorder = fmt.Sprintf("“%s”排在“%s”之后", SectionNames[s.Number], SectionNames[last])
		}
		seen[s.Number] = true
		last = max(last, s.Number)
	}
	var missing []string
	for n := 1; n <= sectionCount; n++ {
		if !seen[n] {
			missing = append(missing, fmt.Sprintf("%s、%s", []string{"", "一", "二", "三", "四", "五", "六"}[n], SectionNames[n]))
		}
	}
	if len(missing) > 0 {
		add(report.RuleSections, "报告缺少第"+strings.Join(missing, "；")+"部分（按国办格式应有六部分）。")
	}
	if disorder != "" {
		add(report.RuleSections, "六部分顺序不对："+disorder+"。")
	}
	if seen[6] {
		var six strings.Builder
		for _, s := range d.Sections {
			if s.Number == 6 {
				six.WriteString(s.Body)
			}
		}
		if !statesFee(six.String()) {
			add(report.RuleFeeStatement, "第六部分“其他需要报告的事项”没有说明收取信息处理费的情况（未收取也应写明）。")
		}
	}
	return out
}

func label(code report.Code) string { return report.Label(string(code)) }

func num(v float64) string {
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%g", v)
}

// Unsaved runs the checks one report can be put to on its own, before it
// is stored (analytics validate, for a clerk about to publish): form,
// values that cannot be right, and the deadline when the date is known.
func Unsaved(r *report.Report, sheet *Sheet) []report.Finding {
	d := &Doc{Agency: r.Agency, County: r.County, Year: r.Year, Edition: r.Edition, PublishedOn: r.PublishedOn,
		Cells: r.Cells, Raw: map[string]string{}}
	for code, s := range r.Sources {
		d.Raw[code] = s.Raw
	}
	if strings.TrimSpace(r.Text) != "" {
		d.Sections = SplitSections(r.Text)
	}
	out := ReportFindings(d, sheet)
	if _, late, ok, err := Timely(d, sheet); ok && err == nil {
		out = append(out, late...)
	}
	return out
}
