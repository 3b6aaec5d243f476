package parse

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"nianbao/report"
)

var (
	// 劳动镇人民政府2022年政府信息公开工作年度报告; 关于2021年度政府信息公开工作的年度报告
	titleYear = regexp.MustCompile(`(?:^|[^0-9])(20[0-9]{2})\s*年\s*度?\s*(?:的)?\s*[\p{Han}()]{0,24}?(?:政府|政务)?信息公开`)
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
	orgName     = regexp.MustCompile(`[\p{Han}]{1,24}?(?:` + orgSuffix + `|县|区|市|旗)$`)
	yearComma   = regexp.MustCompile(`(20[0-9]{2})\s*年\s*(?:度|以来)?\s*[,，]\s*([\p{Han}]{2,24}?(?:镇|乡|街道|人民政府|局|办公室|委员会|管委会))`)
	countyTown  = regexp.MustCompile(`([\p{Han}]{1,5}?(?:县|区|市|旗))([\p{Han}]{1,6}?(?:镇|乡|街道))`)
	// leadWords are words a sentence puts before a county's name (请与遂溪县…).
	leadWords = "请与在于对由和及向将把为从的了是据经按"
	synthetic = regexp.MustCompile(`示例数据`)
	// bareSuffix is a name that is only an organisation word (镇人民政府 of
	// 胡市镇人民政府 after 胡市 was taken for a city).
	bareSuffix = regexp.MustCompile(`^` + orgSuffix + `+$`)
	preparedBy = regexp.MustCompile(`(?:本报告|年报)?由([\p{Han}]{2,30}?)(?:根据|依据|按照|负责编制|编制)`)
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
		if !strings.Contains(l, "报告") && !strings.Contains(l, "年报") && utf8.RuneCountInString(l) > 40 {
			continue // a sentence of the narrative, not a title
		}
		r.Year, _ = strconv.Atoi(l[m[2]:m[3]])
		org := cleanOrg(l[:m[2]])
		if org == "" {
			// The agency after the year: 2022年度螅镇政府信息公开工作年度报告.
			org = cleanOrg(orgAfterYear(l[m[3]:]))
		}
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
	if r.Agency == "" {
		// A title line with no year: the agency on a line of its own above
		// it (盐边县新九镇人民政府 / 关于2021年度政府信息公开工作的年度报告).
		for i, l := range lines {
			if i > 40 {
				break
			}
			if org := cleanOrg(strings.TrimSpace(l)); org != "" && len([]rune(org)) <= 24 {
				p.setAgency(org)
				break
			}
		}
	}
	if r.County == "" && r.Agency != "" {
		// The narrative often names the county before the town (乐至县劳动镇).
		for _, m := range countyTown.FindAllStringSubmatch(compact, -1) {
			if m[2] == r.Agency || strings.HasPrefix(r.Agency, m[2]) {
				r.County = shortCounty(strings.TrimLeft(m[1], leadWords))
				break
			}
		}
	}
}

// shortCounty keeps the county of a match that ran on into the words before
// it (现公开锡山区 → 锡山区): county names are two or three characters and
// their 县/区/市.
func shortCounty(c string) string {
	rs := []rune(c)
	if len(rs) > 4 {
		return string(rs[len(rs)-3:])
	}
	return c
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

// orgAfterYear takes the words between a title's year and 信息公开:
// 螅镇 of "2022年度螅镇政府信息公开…", 青龙镇 of "青龙镇政府(机关)信息公开".
func orgAfterYear(s string) string {
	s = strings.TrimLeft(s, "年度的 ")
	i := strings.Index(s, "信息公开")
	if i < 0 {
		return ""
	}
	s = strings.TrimSpace(s[:i])
	s = strings.TrimSuffix(s, "(机关)")
	s = strings.TrimSuffix(s, "政务")
	if strings.HasSuffix(s, "政府") && !strings.HasSuffix(s, "人民政府") {
		s = strings.TrimSuffix(s, "政府")
	}
	return s
}

// orgLead matches what stands before an agency's name in a sentence that
// names the report: 现将北坡镇2022年…, 编制万源市玉带乡2024年…, 标题: 中埠镇….
var orgLead = regexp.MustCompile(`^.*(?:现将|现公布|现公开|现予公布|现发布|特发布|公布|编制|发布|关于|标题|根据.*规定|[,，。:;、《》()\[\]“”"])`)

// cleanOrg keeps an agency name from the text before a title's year.
func cleanOrg(s string) string {
	s = strings.TrimSpace(strings.Trim(s, "#*|-_ \t"))
	s = orgLead.ReplaceAllString(s, "")
	s = strings.TrimPrefix(s, "关于")
	s = strings.TrimSuffix(s, "关于")
	s = strings.TrimSpace(s)
	if !orgName.MatchString(s) || strings.HasPrefix(s, "我") || strings.HasPrefix(s, "本") {
		return "" // 我办, 本局: the report naming itself
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
	if name == "" || strings.HasPrefix(name, "我") || strings.HasPrefix(name, "本") {
		return
	}
	county := ""
	if m := countyName.FindStringSubmatchIndex(name); m != nil {
		rest := name[m[1]:]
		c := name[m[2]:m[3]]
		// 洪山区人民政府珞南街道办事处: the district's government named
		// before the street office.
		if r := strings.TrimPrefix(rest, "人民政府"); r != rest && orgName.MatchString(r) && len([]rune(r)) > 2 {
			rest = r
		}
		switch {
		case rest == "" || rest == "人民政府" || strings.HasPrefix(rest, "人民政府办公室"):
			// A county-level government reports for itself.
			county = c
			name = c + rest
		case len([]rune(rest)) >= 2 && !bareSuffix.MatchString(rest):
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
