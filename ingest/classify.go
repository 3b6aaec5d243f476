package ingest

import (
	"path/filepath"
	"strconv"
	"strings"
	"unicode"

	"nianbao/report"
)

// Kind is what a document is, decided before it may replace anything.
type Kind string

// Kinds of document.
const (
	KindAnnual2021     Kind = "annual-2021"    // annual report, 2021 edition (国办公开办函〔2021〕30号)
	KindAnnual2019     Kind = "annual-2019"    // annual report, 2019 edition
	KindPre2019        Kind = "pre-2019"       // a report for 2018 or earlier, in a provincial layout
	KindInterpretation Kind = "interpretation" // a 年报解读 page: about a report, not the report
	KindNotReport      Kind = "not-report"     // notes, manifests, JSON dumps …
)

// Label is the kind in Chinese, for summaries.
func (k Kind) Label() string {
	switch k {
	case KindAnnual2021:
		return "年度报告（2021 版）"
	case KindAnnual2019:
		return "年度报告（2019 版）"
	case KindPre2019:
		return "2019 年以前的年度报告（省定格式）"
	case KindInterpretation:
		return "年报解读"
	}
	return "不是年度报告"
}

// Storable tells whether documents of this kind are stored as reports.
// A 年报解读 restates a report's figures; storing it as the report would
// put a page of prose with a few numbers in the report's place.
func (k Kind) Storable() bool {
	return k == KindAnnual2021 || k == KindAnnual2019 || k == KindPre2019
}

// notReportExt are file types that are never a report, whatever numbers
// they hold (the peer corpus has JSON dumps of parsed reports).
var notReportExt = map[string]bool{
	".json": true, ".csv": true, ".tsv": true, ".xml": true, ".yaml": true, ".yml": true,
	".log": true, ".sql": true, ".js": true, ".py": true, ".go": true, ".zip": true,
}

// ByName classifies a file from its name alone, before reading: "" when
// the name does not tell.
func ByName(path string) (Kind, string) {
	ext := strings.ToLower(filepath.Ext(path))
	if notReportExt[ext] {
		return KindNotReport, "文件类型 " + ext + " 不是年度报告"
	}
	return "", ""
}

// headings are the section titles every edition prints.
var headings = []string{"总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况", "政府信息公开行政复议", "存在的主要问题", "其他需要报告的事项"}

// Classify tells what a read document is, from its text and what the
// parser found in it, and why in Chinese. A notes file beside a report
// (说明.md) that mentions a few figures has neither the title nor the
// sections nor the tables of a report.
func Classify(name, text string, r *report.Report) (Kind, string) {
	if k, why := ByName(name); k != "" {
		return k, why
	}
	// The title is read from the text as it came and folded after: every
	// fold is one character for one of the same length, so it is the
	// title of the folded text. The sections and tables are counted only
	// when a rule below needs them (a titled report of 2019 or later,
	// nearly every one, needs neither), which saves two copies of the text.
	title := traditional.Replace(titleOf(text))
	sections := -1
	sectionsOf := func() int {
		if sections < 0 {
			flat := strings.Map(func(c rune) rune {
				if unicode.IsSpace(c) || c == '\u3000' || c == '#' || c == '*' {
					return -1
				}
				return c
			}, traditional.Replace(text))
			sections = 0
			for _, h := range headings {
				if strings.Contains(flat, h) {
					sections++
				}
			}
		}
		return sections
	}
	noTables := func() bool {
		for code := range r.Cells {
			if strings.HasPrefix(code, "t3.") || strings.HasPrefix(code, "t4.") {
				return false
			}
		}
		return true
	}
	titled := strings.Contains(title, "年度报告") || strings.Contains(title, "年报")
	if strings.Contains(title, "解读") {
		return KindInterpretation, "标题是年报解读"
	}
	if r.Year > 0 && r.Year < 2019 && (titled || sectionsOf() >= 2) {
		return KindPre2019, "报告年度早于 2019 年"
	}
	if len(r.Cells) < 10 && !titled && sectionsOf() < 2 {
		return KindNotReport, "没有年度报告的标题和章节，只读到 " + strconv.Itoa(len(r.Cells)) + " 个数"
	}
	if !titled && noTables() && sectionsOf() < 2 {
		return KindNotReport, "没有表三、表四，也没有年度报告的标题"
	}
	if r.Edition == report.Edition2019 {
		return KindAnnual2019, ""
	}
	return KindAnnual2021, ""
}

// titleOf is the first non-empty line without spaces, cut to 80
// characters: a title, not a paragraph that happens to come first.
func titleOf(text string) string {
	for rest := text; rest != ""; {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		line = strings.ReplaceAll(strings.TrimSpace(strings.Trim(strings.TrimSpace(line), "#*|")), " ", "")
		if line == "" {
			continue
		}
		if r := []rune(line); len(r) > 80 {
			line = string(r[:80])
		}
		return line
	}
	return ""
}

// traditional folds the traditional characters of the words the
// classifier looks for (Hong Kong–style and 繁体 republished reports).
var traditional = strings.NewReplacer(
	"報", "报", "開", "开", "況", "况", "總", "总", "動", "动", "請", "请", "處", "处", "議", "议",
	"訟", "讼", "題", "题", "項", "项", "關", "关", "務", "务", "辦", "办", "區", "区", "縣", "县",
	"鎮", "镇", "鄉", "乡", "條", "条", "讀", "读", "復", "复", "訴", "诉", "結", "结",
)
