package parse

import (
	"regexp"
	"strconv"
	"strings"

	"nianbao/report"
)

// Some reports give table 2 as a sentence instead of a table:
// 规章、行政规范性文件的制发数、废止数、现行有效数均为0;
// 无行政规范性文件本年制发件数、现行有效件数,行政处罚8件.
// Only what a clause states outright is read.
var (
	proseSubjects = []struct {
		re   *regexp.Regexp
		code string
	}{
		{regexp.MustCompile(`(?:行政)?规范性文件`), "normative_docs"},
		{regexp.MustCompile(`规章`), "regulations"},
	}
	proseMeasures = []struct {
		re  *regexp.Regexp
		col string
	}{
		{regexp.MustCompile(`制发`), "issued"},
		{regexp.MustCompile(`废止`), "abolished"},
		{regexp.MustCompile(`现行有效`), "in_force"},
	}
	proseAll      = regexp.MustCompile(`均为\s*(\d+|零)`)
	proseNone     = regexp.MustCompile(`^无((?:行政)?规范性文件|规章)((?:本年制发件数|本年废止件数|现行有效件数|制发|废止|现行有效)[^,，;；。]*)`)
	proseDecision = regexp.MustCompile(`行政(许可|处罚|强制)(?:决定)?(?:共|处理决定)?\s*(\d+)\s*(?:件|起|个|宗|项)`)
	proseClause   = regexp.MustCompile(`[,，;；。]`)
)

var proseDecisionCode = map[string]string{"许可": "licensing", "处罚": "penalty", "强制": "enforcement"}

// readProseTable2 reads table 2 from the sentences of section 二 when no
// table was found there (2021 edition only: the 2019 one has no such prose).
func (p *parser) readProseTable2(sp span) {
	if p.r.Edition != report.Edition2021 {
		return
	}
	text := p.t.norm[sp.a:sp.b]
	set := func(code string, v float64, clause string) {
		if p.r.Has(code) {
			return
		}
		p.r.Set(code, v, report.Source{Line: p.t.lineOf(sp.a + max(strings.Index(text, clause), 0)), Table: 2, Raw: clause,
			Note: "表二以文字叙述，按原文语句读取"})
	}
	for _, clause := range proseClause.Split(text, -1) {
		clause = strings.TrimSpace(clause)
		if m := proseAll.FindStringSubmatch(clause); m != nil {
			v := 0.0
			if m[1] != "零" {
				v, _ = strconv.ParseFloat(m[1], 64)
			}
			head := clause[:strings.Index(clause, m[0])]
			for _, s := range proseSubjects {
				if !s.re.MatchString(head) {
					continue
				}
				for _, ms := range proseMeasures {
					if ms.re.MatchString(head) {
						set(string(report.T2(s.code, ms.col)), v, clause)
					}
				}
			}
			continue
		}
		if m := proseNone.FindStringSubmatch(trimSubjectPrefix(clause)); m != nil {
			for _, s := range proseSubjects {
				if !s.re.MatchString(m[1]) {
					continue
				}
				for _, ms := range proseMeasures {
					if ms.re.MatchString(m[2]) {
						set(string(report.T2(s.code, ms.col)), 0, clause)
					}
				}
				break
			}
			continue
		}
		for _, m := range proseDecision.FindAllStringSubmatch(clause, -1) {
			v, _ := strconv.ParseFloat(m[2], 64)
			set(string(report.T2(proseDecisionCode[m[1]], "decisions")), v, clause)
		}
	}
}

// trimSubjectPrefix drops a leading "2022年,我局" so a clause starts at 无.
func trimSubjectPrefix(clause string) string {
	if i := strings.Index(clause, "无"); i >= 0 && i <= 24 {
		return clause[i:]
	}
	return clause
}
