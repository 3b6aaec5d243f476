package parse

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
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
	// Town-level units that are neither 乡, 镇 nor 街道 (农场, 牧场, 苏木,
	// 开发区 …) are agencies as much as a 镇 is.
	orgSuffix = `(?:人民政府办公室|人民政府|街道办事处|办事处|街道|镇|乡|局|委员会|办公室|管理委员会|管委会|中心|委|办|` + townUnits + `)`
	townUnits = `农场|牧场|林场|渔场|良种场|苏木|开发区|园区|新区|示范区|管理区|度假区|风景区`
	// orgEnds are the words an agency's name ends with: orgSuffix's and
	// a county's.
	orgEnds    = strings.Split(strings.Trim(orgSuffix, "(?:)")+"|县|区|市|旗", "|")
	countyName = regexp.MustCompile(`^(?:[\p{Han}]{2,6}?[省])?(?:([\p{Han}]{1,6}?[市州盟]市?))?([\p{Han}]{1,6}?(?:自治县|县|区|市|旗))`)
	// zoneWords end the names of town-level zones, which the county pattern
	// would take for a 区 (宁国市经济技术开发区 is a zone of 宁国市).
	zoneWords  = []string{"开发区", "园区", "示范区", "管理区", "度假区", "风景区"}
	yearComma  = regexp.MustCompile(`(20[0-9]{2})\s*年\s*(?:度|以来)?\s*[,，]\s*([\p{Han}]{2,24}?(?:镇|乡|街道|人民政府|局|办公室|委员会|管委会))`)
	countyTown = regexp.MustCompile(`([\p{Han}]{1,5}?(?:县|区|市|旗))([\p{Han}]{1,6}?(?:镇|乡|街道))`)
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
// narrative. given is what the caller knows: an agency and a county both
// given replace whatever the text says (applyMeta), and the registry is
// then not asked about the text's (Text), so they are not looked for
// past the title.
func (p *parser) readMeta(given Meta) {
	s := p.t.norm
	head := s
	if len(head) > 6000 {
		head = head[:6000]
	}
	if mayHoldHanYear(head) {
		head = hanYear.ReplaceAllStringFunc(head, hanYearDigits)
	}
	// Only the first 41 lines are read (the title's and the three above
	// it): the rest of the head stays one string.
	lines := strings.SplitN(head, "\n", titleLines+1)
	r := p.r
	if strings.Contains(p.t.raw, report.SyntheticMarker) || (synthetic.MatchString(head) && strings.Contains(head, "Nianbao")) {
		r.Synthetic = true
	}
	// The title: the first line naming 信息公开 with a year.
	for i, l := range lines {
		if i >= titleLines {
			break
		}
		if !strings.Contains(l, "信息公开") {
			continue // no title without these words; spares the regexps
		}
		l = stripFurniture(strings.TrimSpace(strings.Trim(l, "#*|")))
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
	if given.Agency != "" && given.County != "" {
		return
	}
	// The head without its breaks and spaces is read below only for an
	// agency or a county the title did not give.
	compact := ""
	if r.Agency == "" || r.County == "" {
		compact = compactHead.Replace(head)
	}
	if r.Agency == "" {
		// The page's own byline: 发布机构：… / 信息来源：….
		if hasAny(compact, "发布机构", "发文机关", "发布单位", "来源", "编制单位") {
			if m := bylineOrg.FindStringSubmatch(compact); m != nil {
				p.setAgency(m[1])
			}
		}
	}
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
			if i >= titleLines {
				break
			}
			if org := cleanOrg(strings.TrimSpace(l)); org != "" && len([]rune(org)) <= 24 {
				p.setAgency(org)
				break
			}
		}
	}
	if r.Agency == "" {
		// The subject of the narrative's first sentence (2024年,在县委、县
		// 政府的坚强领导下,海城镇以…), or the agency's website (在句容市住房
		// 和城乡建设局官网上).
		for _, re := range []*regexp.Regexp{sentenceSubject, websiteOf} {
			if m := re.FindStringSubmatch(compact); m != nil {
				if name := afterFragment(m[1]); plausibleAgency(name) && selfMatches(compact, name) {
					p.setAgency(name)
					break
				}
			}
		}
	}
	if r.Agency == "" {
		// A signature at the end: the agency alone on one of the last lines,
		// above or beside the date.
		if org := signature(p.t.norm); org != "" {
			p.setAgency(org)
		}
	}
	if r.County == "" && r.Agency != "" {
		// The narrative often names the county before the town (乐至县劳动镇).
		// Only the words just before each mention of the town can name its
		// county: the search looks there, not along the whole text.
		town := []rune(r.Agency)
		stem := string(town[:min(len(town), 2)])
		for from := 0; from < len(compact); {
			i := strings.Index(compact[from:], stem)
			if i < 0 {
				break
			}
			i += from
			lo := max(0, i-8*3)
			for lo > 0 && !utf8.RuneStart(compact[lo]) {
				lo--
			}
			hi := min(len(compact), i+len(r.Agency)+3)
			for hi < len(compact) && !utf8.RuneStart(compact[hi]) {
				hi++
			}
			found := false
			for _, m := range countyTown.FindAllStringSubmatch(compact[lo:hi], -1) {
				if m[2] == r.Agency || strings.HasPrefix(r.Agency, m[2]) {
					r.County = shortCounty(strings.TrimLeft(m[1], leadWords))
					found = true
					break
				}
			}
			if found {
				break
			}
			from = i + len(stem)
		}
	}
}

// titleLines are the lines of a report's head a title is looked for in.
const titleLines = 41

var (
	// 发布机构：乐至县劳动镇人民政府; 信息来源：…; 来源：…
	bylineOrg = regexp.MustCompile(`(?:发布机构|发文机关|发布单位|信息来源|来源|编制单位)[:：]([\p{Han}]{2,30}?` + orgSuffix + `)(?:[^\p{Han}]|发布|时间|日期|作者|浏览|点击|字号|$)`)
	// 2024年,在县委、县政府的坚强领导下,海城镇以…
	sentenceSubject = regexp.MustCompile(`20[0-9]{2}年度?[,，](?:[^。;]{0,40}?下[,，])?([\p{Han}]{2,24}?(?:镇|乡|街道|局|委员会|办公室|管委会|人民政府))(?:以|坚持|认真|严格|紧紧|围绕|积极|始终|深入|按照|根据|持续|全面|进一步|高度|扎实|紧扣|聚焦|不断|切实)`)
	// 在句容市住房和城乡建设局官网上
	websiteOf = regexp.MustCompile(`([\p{Han}]{2,24}?(?:镇|乡|街道|局|委员会|管委会|人民政府))(?:官网|官方网站|门户网站|政府网站|网站)`)
	// furniture that stands before a title on its line: a page number
	// (第2页 -, - 2 -), a breadcrumb (当前位置：首页 > …).
	furniture = regexp.MustCompile(`^(?:第\s*[0-9]+\s*页\s*[-—]*|[-—]\s*[0-9]+\s*[-—]|[0-9]+\s*/\s*[0-9]+|当前位置[:：].*?>\s*[^>]*?(?:\s|$))\s*`)
	// words a sentence fragment has and an agency's name has not.
	// 下 and 本 only as a sentence uses them (领导下, 本局): 北下街街道 and
	// 本溪 are places.
	fragmentWords = regexp.MustCompile(`在|的|(?:导|持|助|督|况)下|我|本[^溪]|本$|关心|指导|领导|按照|根据|认真|进一步|年度|报告|情况|以来`)
)

// afterFragment keeps what follows the last word that opens a name inside
// a sentence (在句容市住房和城乡建设局 → 句容市住房和城乡建设局).
func afterFragment(s string) string {
	cut := 0
	prev := rune(0)
	for i, r := range s {
		switch {
		case strings.ContainsRune("在的了对由向将把从我", r),
			r == '下' && strings.ContainsRune("导持助督况", prev), // 领导下, not 北下街
			r == '本' && !strings.HasPrefix(s[i+len("本"):], "溪"):
			cut = i + utf8.RuneLen(r)
		}
		prev = r
	}
	return s[cut:]
}

var selfRef = regexp.MustCompile(`我(局|镇|乡|街道|委|办|区|县|市|中心|处)`)

// selfMatches tells whether a name found in the narrative is of the kind
// the report calls itself: a report that says 我局 is a bureau's, and the
// county government's website it names (略阳县人民政府网站) is not its own.
func selfMatches(text, name string) bool {
	m := selfRef.FindStringSubmatch(text)
	if m == nil {
		return true
	}
	if m[1] == "区" || m[1] == "县" || m[1] == "市" {
		return strings.HasSuffix(name, m[1]) || strings.HasSuffix(name, m[1]+"人民政府")
	}
	return strings.HasSuffix(name, m[1]) || (m[1] == "委" && strings.HasSuffix(name, "委员会")) || (m[1] == "办" && strings.HasSuffix(name, "办公室"))
}

// orgName tells whether s ends with an organisation's word after at least
// one Chinese character (乐至县劳动镇, 赵光农场): what the pattern
// [\p{Han}]+(?:orgSuffix|县|区|市|旗)$ says, without a regexp on every
// line of a report's head.
func orgName(s string) bool {
	for _, w := range orgEnds {
		if len(s) > len(w) && strings.HasSuffix(s, w) {
			if r, _ := utf8.DecodeLastRuneInString(s[:len(s)-len(w)]); unicode.Is(unicode.Han, r) {
				return true
			}
		}
	}
	return false
}

func hasSuffixAny(s string, words []string) bool {
	for _, w := range words {
		if strings.HasSuffix(s, w) {
			return true
		}
	}
	return false
}

func hasAny(s string, words ...string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// stripFurniture removes page furniture from the start of a line.
func stripFurniture(l string) string {
	return strings.TrimSpace(furniture.ReplaceAllString(l, ""))
}

// plausibleAgency tells whether a name can be an agency's: short, ending in
// an organisation's word, and holding none of the words of a sentence
// (在上级部门的关心指导下我局 is never an agency).
func plausibleAgency(name string) bool {
	n := utf8.RuneCountInString(name)
	if n < 2 || n > 32 || fragmentWords.MatchString(name) {
		return false
	}
	return orgName(name)
}

// signature finds the agency signing the report: a line of its own among
// the last lines of the text, an organisation's name and nothing else
// (a date may stand on the same line or the next).
func signature(s string) string {
	lines := strings.Split(strings.TrimRight(s, " \n\f"), "\n")
	for i := len(lines) - 1; i >= 0 && i >= len(lines)-6; i-- {
		l := strings.TrimSpace(dateTail.ReplaceAllString(lines[i], ""))
		if l == "" {
			continue
		}
		if org := cleanOrg(l); org != "" && org == l && plausibleAgency(org) {
			return org
		}
	}
	return ""
}

// dateTail is the signature's date, in any form report.ParseDate reads.
var dateTail = regexp.MustCompile(`\s*` + report.DatePattern + `\s*$`)

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

// mayHoldHanYear tells whether s holds 二 followed by a zero (二〇二三年,
// 二零二三年), without which hanYear cannot match: most reports print
// their years in digits, and the replacement is spared.
func mayHoldHanYear(s string) bool {
	for i := strings.Index(s, "二"); i >= 0; {
		r, _ := utf8.DecodeRuneInString(s[i+len("二"):])
		if strings.ContainsRune("〇零○O0", r) {
			return true
		}
		j := strings.Index(s[i+len("二"):], "二")
		if j < 0 {
			break
		}
		i += len("二") + j
	}
	return false
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
	if !orgName(s) || strings.HasPrefix(s, "我") || strings.HasPrefix(s, "本") && !strings.HasPrefix(s, "本溪") {
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
	if name == "" || !plausibleAgency(name) {
		return
	}
	// A name printed twice with its lines run together (示范县云石镇人民政府
	// 云石镇2022年…): the second is the title's own.
	for _, suf := range []string{"人民政府", "办事处"} {
		if i := strings.Index(name, suf); i > 0 && i+len(suf) < len(name) {
			first, second := name[:i], strings.TrimSpace(name[i+len(suf):])
			if strings.HasSuffix(first, second) {
				name = first + suf
			}
		}
	}
	county := ""
	m := countyName.FindStringSubmatchIndex(name)
	if m != nil {
		// The county ends at the longest county name the registry knows
		// (梅县区梅西镇 is in 梅县区); without the registry, a 区 right after
		// a 县 belongs to it (梅县 + 区 …).
		a, b, ok := p.registryCounty(name)
		switch {
		case ok:
			m = []int{0, b, -1, -1, a, b}
		case strings.HasSuffix(name[:m[1]], "县") && strings.HasPrefix(name[m[1]:], "区"):
			// 梅县区, 赣县区: a 县 made a 区 keeps the old name in front.
			m = []int{m[0], m[1] + len("区"), m[2], m[3], m[4], m[5] + len("区")}
		case m[2] >= 0 && strings.HasSuffix(name[m[2]:m[3]], "市") && hasSuffixAny(name[m[4]:m[5]], zoneWords):
			// A zone of a county-level city: the city is the county.
			m = []int{m[0], m[3], m[2], m[3], m[2], m[3]}
		}
	}
	if m != nil {
		rest := name[m[1]:]
		c := name[m[4]:m[5]]
		// 洪山区人民政府珞南街道办事处: the district's government named
		// before the street office.
		if r := strings.TrimPrefix(rest, "人民政府"); r != rest && orgName(r) && len([]rune(r)) > 2 {
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

// Places is what the reader asks of the registry of places
// (registry.Registry has these methods; ingest hands it in through Meta):
// parse stays free of the registry's data and of the store.
type Places interface {
	// IsCounty tells whether name is a county-level place's name.
	IsCounty(name string) bool
	// Known tells whether the registry knows the agency under the county
	// ("" when none is printed).
	Known(county, name string) bool
	// Propose is the registry's full name of the one place the agency is
	// one character off ("" when none).
	Propose(county, name string) string
}

// registryCounty finds, in a printed name, the longest county name the
// registry knows that ends where the county's part ends, led only by its
// province or city: [a, b) is the county.
func (p *parser) registryCounty(name string) (a, b int, ok bool) {
	if p.places == nil {
		return 0, 0, false
	}
	var starts []int // where a county may start: the name's start, after 省/市/州/盟
	starts = append(starts, 0)
	for i, r := range name {
		end := i + utf8.RuneLen(r)
		if strings.ContainsRune("省市州盟区", r) && end < len(name) {
			starts = append(starts, end)
		}
		if !strings.ContainsRune("县区市旗", r) {
			continue
		}
		for _, s := range starts {
			if s >= i || utf8.RuneCountInString(name[s:end]) > 9 {
				continue
			}
			if p.places.IsCounty(name[s:end]) {
				if !ok || end > b {
					a, b, ok = s, end, true
				}
				break // the earliest start: the longest name ending here
			}
		}
	}
	return a, b, ok
}

// CheckAgency checks the agency of a report read without the registry
// (a parse worker reads names from the text alone: loading the registry
// would cost each child more than its parse) as Text does with
// Meta.Places: split again at the longest county the registry knows, a
// longer registry name printed before it, a near-miss proposed. text is
// the report's text; only its head is read.
func CheckAgency(r *report.Report, text string, places Places) {
	if places == nil || r.Agency == "" || r.Synthetic {
		return
	}
	head := text
	if len(head) > 8000 {
		cut := 8000
		for cut > 0 && !utf8.RuneStart(head[cut]) {
			cut--
		}
		head = head[:cut]
	}
	p := &parser{t: prepare(head), r: r, places: places}
	if r.County != "" && !places.Known(r.County, r.Agency) {
		county, agency := r.County, r.Agency
		r.County, r.Agency = "", ""
		if p.setAgency(county + agency); r.Agency == "" || !places.Known(r.County, r.Agency) {
			r.County, r.Agency = county, agency
		}
	}
	p.checkAgency()
}

// checkAgency checks the agency read from the text against the registry:
// a name it does not know under the county, but which the text prints
// with more characters in front (北下街街道 of …北下街街道), takes the
// longest name the registry knows; a name one character off a registry
// name is proposed in a finding and left as printed.
func (p *parser) checkAgency() {
	r := p.r
	if p.places == nil || r.Agency == "" || r.Synthetic {
		return
	}
	for _, f := range r.Findings {
		if f.Rule == report.RuleAgencyNearMiss {
			return // checked already
		}
	}
	if p.places.Known(r.County, r.Agency) {
		return
	}
	if longer := p.longerKnown(); longer != "" {
		// Split as any printed name is (乐至县城关镇 → 乐至县 + 城关镇).
		old := r.Agency
		r.Agency = ""
		if p.setAgency(longer); r.Agency == "" {
			r.Agency = old
		}
		return
	}
	if proposal := p.places.Propose(r.County, r.Agency); proposal != "" {
		printed := r.Agency
		if r.County != "" && !strings.HasPrefix(printed, r.County) {
			printed = r.County + printed
		}
		r.AddFinding(report.RuleAgencyNearMiss, report.SeverityWarning,
			fmt.Sprintf("机关名称「%s」与登记名称「%s」相差一字，请核对；未自动更正", printed, proposal))
	}
}

// longerKnown looks, where the head of the text prints the agency, at the
// characters just before it: the longest run of them that makes a name the
// registry knows under the county (a truncated name never stands when the
// whole is printed).
func (p *parser) longerKnown() string {
	head := p.t.norm
	if len(head) > 6000 {
		head = head[:6000]
	}
	head = compactHead.Replace(head)
	name := p.r.Agency
	for from, n := 0, 0; n < 8; n++ {
		i := strings.Index(head[from:], name)
		if i < 0 {
			break
		}
		i += from
		from = i + len(name)
		best := ""
		lo := i
		for k := 0; k < 6 && lo > 0; k++ {
			_, size := utf8.DecodeLastRuneInString(head[:lo])
			lo -= size
			cand := head[lo:i] + name
			if p.places.Known(p.r.County, cand) {
				best = cand
			}
		}
		if best != "" {
			return best
		}
	}
	return ""
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

// compactHead takes the line breaks, spaces and page breaks out of a
// report's head (one replacer for every report).
var compactHead = strings.NewReplacer("\n", "", " ", "", "\f", "")

var (
	// 全年共收到政府信息公开申请16件; 受理政府信息公开申请 17 件
	appsStated = mustStartRe(`(?:收到|受理|接收|新收|接到)[\p{Han}]{0,12}?申请(?:共|合计)?([0-9]+)件`)
	appsNone   = mustStartRe(`未(?:收到|受理|接到|接收)[\p{Han}]{0,10}?申请`)
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
	b.Grow(end)
	idx := grown(p.t.offsets, end)
	defer func() { p.t.offsets = idx[:0] }()
	for i := 0; i < end; i++ {
		c := s[i]
		if c == '\n' || c == ' ' || c == '\f' || c == '\t' {
			continue
		}
		b.WriteByte(c)
		idx = append(idx, int32(i))
	}
	joined := b.String()
	targets := []string{"t3.new.total", "t3.new.total+t3.carried_over.total"}
	for _, m := range appsStated.FindAllStringSubmatchIndex(joined, -1) {
		v, _ := strconv.Atoi(joined[m[2]:m[3]])
		p.r.Narrative = append(p.r.Narrative, report.NarrativeFigure{
			Text: joined[m[0]:m[1]], Line: p.t.lineOf(int(idx[m[0]])), Value: float64(v), Cells: targets})
	}
	for _, m := range appsNone.FindAllStringIndex(joined, -1) {
		p.r.Narrative = append(p.r.Narrative, report.NarrativeFigure{
			Text: joined[m[0]:m[1]], Line: p.t.lineOf(int(idx[m[0]])), Value: 0, Cells: targets})
	}
	p.r.Narrative = append(p.r.Narrative, readStatedFigures(joined, func(i int) int { return p.t.lineOf(int(idx[i])) })...)
}
