package assess

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Section numbers of the report (docs/report-format.md): 1 总体情况 … 6
// 其他需要报告的事项. 0 is the text before the first heading.
const sectionCount = 6

// SectionNames are the six headings as the format notice prints them.
var SectionNames = [sectionCount + 1]string{"前言", "总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况",
	"政府信息公开行政复议、行政诉讼情况", "存在的主要问题及改进情况", "其他需要报告的事项"}

// Section is one section of a report's text as found.
type Section struct {
	Number int    // 1–6, 0 for the preamble
	Body   string // the text under the heading, heading excluded
}

// headingRe matches the numbering of a top-level heading: 一、 一. 一． 第一部分.
var headingRe = regexp.MustCompile(`^(?:第([一二三四五六七])部分[、．.:：\s]*|([一二三四五六七])\s*[、．.:：]\s*)(.*)$`)

// sectionOf tells which section a heading's words name. Keywords rather
// than the numeral decide, so a misnumbered or misordered section is still
// recognised (and found out of order), and table 3's numbered rows
// (一、本年新收政府信息公开申请数量) never pass for headings.
func sectionOf(words string) int {
	switch {
	case strings.Contains(words, "总体情况"), strings.Contains(words, "基本情况"), strings.Contains(words, "总体概况"), words == "概述":
		return 1
	case strings.Contains(words, "主动公开"):
		return 2
	case strings.Contains(words, "收到和处理"), strings.Contains(words, "依申请公开情况"), strings.Contains(words, "申请情况"):
		return 3
	case strings.Contains(words, "复议") && strings.Contains(words, "诉讼"):
		return 4
	case strings.Contains(words, "问题"), strings.Contains(words, "改进"):
		return 5
	case strings.Contains(words, "其他需要报告"), strings.Contains(words, "其他事项"):
		return 6
	}
	return 0
}

// SplitSections cuts a report's text at its six headings, in the order they
// appear (a section printed twice or out of order stays so). Heading
// variants accepted: 一、总体情况, 一．总体情况, 第一部分 总体情况, 一、基本情况.
func SplitSections(text string) []Section {
	var out []Section
	cur := Section{Number: 0}
	// A section's body is the text between two headings, cut from text
	// rather than copied line by line: the lines of a body are contiguous
	// (and a body was those lines, each ended by a line break, trimmed).
	from := 0
	flush := func(end int) {
		cur.Body = strings.TrimSpace(text[from:end])
		out = append(out, cur)
	}
	for a := 0; a <= len(text); {
		b := strings.IndexByte(text[a:], '\n')
		next := a + b + 1
		if b < 0 {
			b, next = len(text)-a, len(text)+1
		}
		line := text[a : a+b]
		if mayBeHeading(line) {
			t := strings.TrimSpace(strings.Trim(line, headingTrim))
			if n := headingNumber(t); n > 0 {
				flush(a)
				cur = Section{Number: n}
				from = min(next, len(text))
			}
		}
		a = next
	}
	flush(len(text))
	return out
}

// mayBeHeading tells whether a line can hold a heading: after the marks
// and blanks SplitSections trims, a heading opens with 第 or a numeral
// 一–七 (headingRe), so its first other character must be one of them.
// Most lines of a report are passed without the trimming and the
// expression.
func mayBeHeading(line string) bool {
	if line == "" {
		return false
	}
	// Most lines open with their first character: told at once.
	if c := line[0]; c < utf8.RuneSelf {
		if !strings.ContainsRune(headingTrim, rune(c)) && !unicode.IsSpace(rune(c)) {
			return false
		}
	} else if r, _ := utf8.DecodeRuneInString(line); !unicode.IsSpace(r) {
		return strings.ContainsRune("第一二三四五六七", r)
	}
	i := strings.IndexFunc(line, func(r rune) bool { return !unicode.IsSpace(r) && !strings.ContainsRune(headingTrim, r) })
	if i < 0 {
		return false
	}
	r, _ := utf8.DecodeRuneInString(line[i:])
	return strings.ContainsRune("第一二三四五六七", r)
}

// headingTrim are the marks trimmed around a heading's line.
const headingTrim = "#*| \t\r"

func headingNumber(line string) int {
	if line == "" || utf8.RuneCountInString(line) > 40 {
		return 0
	}
	m := headingRe.FindStringSubmatch(line)
	if m == nil {
		return 0
	}
	return sectionOf(strings.TrimSpace(m[3]))
}

// boilerplate are sentences the format notice or the 条例 make every report
// print; compared as text they would make every report look copied.
var boilerplate = []*regexp.Regexp{
	regexp.MustCompile(`政府信息公开条例`),                                                // the preamble citing the 条例
	regexp.MustCompile(`统计期限`),                                                    // 本报告中所列数据的统计期限自…止
	regexp.MustCompile(`如对本报告有(?:疑问|任何疑问)`),                                       // contact sentence
	regexp.MustCompile(`^(?:本年度|本年|全年|\d{4}年)?[^，,]{0,12}(?:无|没有|未)[^，,]{0,20}$`), // 本年度无…, 未收取…, 无其他需要报告的事项
	regexp.MustCompile(`^[（(][一二三四五六七八九十]+[)）][^，,]{0,12}$`),                      // subsection captions (一)主动公开
	regexp.MustCompile(`^表[一二三四]`),
	regexp.MustCompile(`信息处理费`),
}

// sentenceSplit cuts prose into sentences at 。！？； and line ends.
var sentenceSplit = regexp.MustCompile(`[。！？；!?;\n]+`)

// StripBoilerplate removes the mandated sentences from a narrative section
// and returns what the body wrote in its own words.
func StripBoilerplate(body string) string {
	var keep []string
	for _, s := range sentenceSplit.Split(body, -1) {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		mandated := false
		for _, re := range boilerplate {
			if re.MatchString(s) {
				mandated = true
				break
			}
		}
		if !mandated {
			keep = append(keep, s)
		}
	}
	return strings.Join(keep, "。")
}
