package ingest

import (
	"regexp"
	"strconv"
	"strings"

	"nianbao/report"
)

var (
	// 劳动镇人民政府2022年政府信息公开工作年度报告; 关于2021年度政府信息公开工作的年度报告
	titleYear = regexp.MustCompile(`(?:^|[^0-9])(20[0-9]{2})\s*年\s*度?\s*(?:的)?\s*(?:政府|政务)?信息公开`)
	// 政府信息公开工作年度报告(2020年度)
	titleYearAfter = regexp.MustCompile(`信息公开工作年度报告\s*\(\s*(20[0-9]{2})\s*年?度?\s*\)`)
	// 统计期限为2022年1月1日至…
	periodYear = regexp.MustCompile(`(?:^|[^0-9])(20[0-9]{2})\s*年\s*1\s*月\s*1\s*日`)
	// 2022年,劳动镇…
	anyYear = regexp.MustCompile(`(?:^|[^0-9])(20[0-9]{2})\s*年`)
	// 2022年度 / 2022年，我镇…
	yearOpening = regexp.MustCompile(`(?:^|[^0-9])(20[0-9]{2})\s*年(?:度|\s*[,，]|以来)`)
	orgSuffix   = `(?:人民政府办公室|人民政府|街道办事处|办事处|街道|镇|乡|局|委员会|办公室|管委会|中心|委|办)`
	countyName  = regexp.MustCompile(`^(?:[\p{Han}]{2,6}?[省])?(?:[\p{Han}]{1,6}?[市州盟])?([\p{Han}]{1,6}?(?:自治县|县|区|市|旗))`)
	orgName     = regexp.MustCompile(`[\p{Han}]{2,24}?` + orgSuffix + `$`)
	yearComma   = regexp.MustCompile(`(20[0-9]{2})\s*年\s*(?:度)?\s*[,，]\s*([\p{Han}]{2,20}?(?:镇|乡|街道|人民政府|局))`)
	countyTown  = regexp.MustCompile(`([\p{Han}]{1,5}?(?:县|区|市|旗))([\p{Han}]{1,6}?(?:镇|乡|街道))`)
	synthetic   = regexp.MustCompile(`示例数据`)
	preparedBy  = regexp.MustCompile(`本报告由([\p{Han}]{2,30}?)(?:根据|依据|按照|编制)`)
	// 二〇二二年: years written in Chinese numerals.
	hanYear = regexp.MustCompile(`二[〇零○O0][一二三四五六七八九〇零○O0]{2}\s*年`)
)

// readMeta infers agency, county and year from the title and the opening
// narrative.
func (p *parser) readMeta() {
	s := p.t.norm
	head := s
	if len(head) > 6000 {
		head = head[:6000]
	}
	head = hanYear.ReplaceAllStringFunc(head, hanYearDigits)
	lines := strings.Split(head, "\n")
	r := p.r
	if strings.Contains(p.t.raw, report.SyntheticMarker) || (synthetic.MatchString(head) && strings.Contains(head, "Nianbao")) {
		r.Synthetic = true
	}
	// The title: the first line naming 信息公开 with a year.
	for i, l := range lines {
		if i > 40 {
			break
		}
		l = strings.TrimSpace(strings.Trim(l, "#*|"))
		m := titleYear.FindStringSubmatchIndex(l)
		if m == nil {
			if m2 := titleYearAfter.FindStringSubmatch(l); m2 != nil && r.Year == 0 {
				r.Year, _ = strconv.Atoi(m2[1])
				org := strings.TrimSpace(l[:strings.Index(l, "政府信息公开")])
				if org == "" {
					org = strings.TrimSpace(l[:strings.Index(l, "信息公开")])
				}
				p.setAgency(org)
			}
			continue
		}
		if !strings.Contains(l[m[1]:], "报告") && !strings.Contains(l, "报告") {
			continue
		}
		r.Year, _ = strconv.Atoi(l[m[2]:m[3]])
		org := cleanOrg(l[:m[2]])
		if org == "" && i > 0 {
			// The agency on the line above the title, as PDFs print it.
			for j := i - 1; j >= 0 && j >= i-3; j-- {
				if prev := cleanOrg(lines[j]); prev != "" {
					org = prev
					break
				}
			}
		}
		p.setAgency(org)
		break
	}
	// Without a title, the statistics period, then a year the narrative
	// opens with (2022年度 / 2022年，), then any year; a page's publication
	// date (2024年01月15日) is the year after and comes last.
	for _, re := range []*regexp.Regexp{periodYear, yearOpening, anyYear} {
		if r.Year != 0 {
			break
		}
		if m := re.FindStringSubmatch(head); m != nil {
			r.Year, _ = strconv.Atoi(m[1])
		}
	}
	compact := strings.NewReplacer("\n", "", " ", "", "\f", "").Replace(head)
	if r.Agency == "" {
		if m := yearComma.FindStringSubmatch(compact); m != nil {
			p.setAgency(m[2])
		}
	}
	if r.Agency == "" {
		if m := preparedBy.FindStringSubmatch(compact); m != nil {
			p.setAgency(strings.TrimSuffix(m[1], "办公室"))
		}
	}
	if r.County == "" && r.Agency != "" {
		// The narrative often names the county before the town (乐至县劳动镇).
		for _, m := range countyTown.FindAllStringSubmatch(compact, -1) {
			if m[2] == r.Agency || strings.HasPrefix(r.Agency, m[2]) {
				r.County = m[1]
				break
			}
		}
	}
}

func hanYearDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if i := strings.IndexRune("〇一二三四五六七八九", r); i >= 0 {
			b.WriteByte(byte('0' + len([]rune("〇一二三四五六七八九"[:i]))))
			continue
		}
		switch r {
		case '零', '○', 'O', '0':
			b.WriteByte('0')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// cleanOrg keeps an agency name from the text before a title's year.
func cleanOrg(s string) string {
	s = strings.TrimSpace(strings.Trim(s, "#*|-_ \t"))
	s = strings.TrimPrefix(s, "关于")
	s = strings.TrimSuffix(s, "关于")
	s = strings.TrimSpace(s)
	if !orgName.MatchString(s) {
		return ""
	}
	if strings.ContainsAny(s, ",。;:") {
		return ""
	}
	return s
}

// setAgency splits a printed name such as 乐至县劳动镇人民政府 into the county
// (乐至县) and the agency (劳动镇), and shortens town names to their common
// form: 劳动镇人民政府 → 劳动镇, 蛇口街道办事处 → 蛇口街道.
func (p *parser) setAgency(name string) {
	name = strings.TrimSpace(name)
	if name == "" {
		return
	}
	county := ""
	if m := countyName.FindStringSubmatchIndex(name); m != nil {
		rest := name[m[1]:]
		c := name[m[2]:m[3]]
		switch {
		case rest == "" || rest == "人民政府" || strings.HasPrefix(rest, "人民政府办公室"):
			// A county-level government reports for itself.
			county = c
			name = c + rest
		case len([]rune(rest)) >= 2:
			county, name = c, rest
		}
	}
	name = shortTown(name)
	p.r.Agency = name
	if p.r.County == "" {
		p.r.County = county
	}
}

func shortTown(name string) string {
	for _, suf := range []string{"镇人民政府", "乡人民政府"} {
		if strings.HasSuffix(name, suf) {
			return strings.TrimSuffix(name, "人民政府")
		}
	}
	if strings.HasSuffix(name, "街道办事处") {
		return strings.TrimSuffix(name, "办事处")
	}
	return name
}

var (
	// 全年共收到政府信息公开申请16件; 受理政府信息公开申请 17 件
	appsStated = regexp.MustCompile(`(?:收到|受理|接收|新收|接到)[\p{Han}]{0,12}?申请(?:共|合计)?([0-9]+)件`)
	appsNone   = regexp.MustCompile(`未(?:收到|受理|接到|接收)[\p{Han}]{0,10}?申请`)
)

// readNarrative collects numbers the prose states that the tables should
// agree with (rule 6).
func (p *parser) readNarrative() {
	s := p.t.norm
	t2, t3, _ := p.sections()
	end := len(s)
	for _, a := range []int{t2.a, t3.a} {
		if a >= 0 && a < end {
			end = a
		}
	}
	// Join the lines of the narrative: PDF text breaks sentences anywhere.
	var b strings.Builder
	var idx []int
	for i := 0; i < end; i++ {
		c := s[i]
		if c == '\n' || c == ' ' || c == '\f' || c == '\t' {
			continue
		}
		b.WriteByte(c)
		idx = append(idx, i)
	}
	joined := b.String()
	targets := []string{"t3.new.total", "t3.new.total+t3.carried_over.total"}
	for _, m := range appsStated.FindAllStringSubmatchIndex(joined, -1) {
		v, _ := strconv.Atoi(joined[m[2]:m[3]])
		p.r.Narrative = append(p.r.Narrative, report.NarrativeFigure{
			Text: joined[m[0]:m[1]], Line: p.t.lineOf(idx[m[0]]), Value: float64(v), Cells: targets})
	}
	for _, m := range appsNone.FindAllStringIndex(joined, -1) {
		p.r.Narrative = append(p.r.Narrative, report.NarrativeFigure{
			Text: joined[m[0]:m[1]], Line: p.t.lineOf(idx[m[0]]), Value: 0, Cells: targets})
	}
}
