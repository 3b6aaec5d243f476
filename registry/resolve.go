package registry

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// builtinAliases are other names every registry knows. A slip such as
// 沐阳县 for 沭阳县 is not one: a name one character off a registry name is
// proposed (Match.Proposal) for a person to confirm, never applied, since a
// one-character difference is as often a different place as a typo.
var builtinAliases []Alias

// Short is a name as it is compared: without spaces and the 人民政府 /
// 办事处 / 政府 suffixes a town or county government signs with.
func Short(name string) string {
	name = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u3000' {
			return -1
		}
		return r
	}, name)
	for _, suf := range []string{"人民政府", "街道办事处", "办事处", "政府"} {
		if strings.HasSuffix(name, suf) && len(name) > len(suf) {
			base := strings.TrimSuffix(name, suf)
			if suf == "街道办事处" {
				base += "街道"
			}
			return base
		}
	}
	return name
}

// Query is what a report says about its agency.
type Query struct {
	Code   string // division code from a manifest, if any
	Name   string // the agency as printed or given
	County string // the county as printed or given
}

// Match is the outcome of a resolution.
type Match struct {
	Place *Place `json:"place,omitempty"` // nil: unresolved
	// By says how: code, name, alias, county (name within the stated county).
	By string `json:"by,omitempty"`
	// County is the stated county as resolved (nil when none was stated or
	// it could not be told).
	County *Place `json:"county,omitempty"`
	// Reason says in Chinese why the agency stays unresolved.
	Reason string `json:"reason,omitempty"`
	// Proposal is the registry place an unresolved name is one character
	// off (沐阳县钱集镇 → 沭阳县钱集镇), for a person to confirm; it is never
	// the match.
	Proposal *Place `json:"proposal,omitempty"`
}

// Resolve finds the registry entry of a report's agency: by code, then by
// name within the stated county (exact name, then alias), then by a name
// that only one place in the country has. A name shared by places of
// several counties is never guessed: the match stays unresolved.
func (r *Registry) Resolve(q Query) Match {
	m := r.resolve(q)
	if m.Place != nil && m.By != "code" && r.countyMisprinted(q, m) {
		// The name is known, but not under the county printed (钱集镇 of
		// a 沐阳县): when that county is one character off a registry
		// county, the match is a proposal, not the answer.
		if p := r.nearMiss(q); p != nil {
			return Match{Proposal: p, Reason: fmt.Sprintf("机关名称与登记名称「%s」相差一字，请核对", fullName(p))}
		}
	}
	if m.Place == nil && strings.TrimSpace(q.Code) == "" {
		if p := r.nearMiss(q); p != nil {
			m.Proposal = p
			m.Reason = fmt.Sprintf("机关名称与登记名称「%s」相差一字，请核对", fullName(p))
		}
	}
	return m
}

func (r *Registry) resolve(q Query) Match {
	var m Match
	if code := strings.TrimSpace(q.Code); code != "" {
		if len(code) == 12 {
			code = code[:9] // statistical code: the last three digits are 村 level
		}
		if p, ok := r.byID[code]; ok {
			m.Place, m.By = p, "code"
			if c, ok := r.byID[p.CountyCode]; ok {
				m.County = c
			}
			return m
		}
	}
	name := Short(q.Name)
	county, why := r.county(q.County)
	if county == nil && strings.TrimSpace(q.County) == "" {
		county = r.countyPrefix(name)
	}
	if county == nil && why != "" {
		// A county the registry does not know may be the start of one
		// cut short (梅县 + 区梅西镇, a title split at the wrong 县): the
		// printed words run together are read again, the longest county at
		// their start winning.
		if j := r.resolve(Query{Name: strings.TrimSpace(q.County) + name}); j.Place != nil {
			return j
		}
		m.Reason = why
	}
	m.County = county
	if county != nil {
		full := name
		name = stripPrefixes(name, county)
		if name == "" || name == county.Short || name == county.Name || containsPlace(r.byName[name], county) {
			m.Place, m.By = county, "county"
			return m
		}
		var found []*Place
		for _, n := range uniq(name, full) {
			for _, p := range r.byName[n] {
				if p.CountyCode == county.Code && p.ID != county.ID && !containsPlace(found, p) {
					found = append(found, p)
				}
			}
		}
		switch len(found) {
		case 1:
			m.Place, m.By = found[0], r.how(found[0], name)
		case 0:
			m.Reason = fmt.Sprintf("%s 中没有名为“%s”的单位", county.Name, name)
		default:
			m.Reason = fmt.Sprintf("%s 中有 %d 个名为“%s”的单位", county.Name, len(found), name)
		}
		return m
	}
	if name == "" {
		m.Reason = "没有单位名称"
		return m
	}
	found := r.byName[name]
	switch len(found) {
	case 1:
		m.Place, m.By = found[0], r.how(found[0], name)
		if c, ok := r.byID[found[0].CountyCode]; ok {
			m.County = c
		}
	case 0:
		if m.Reason == "" {
			m.Reason = fmt.Sprintf("登记册中没有“%s”", name)
		}
	default:
		m.Reason = fmt.Sprintf("全国有 %d 个“%s”，请注明所属县（区）", len(found), name)
	}
	return m
}

func (r *Registry) how(p *Place, name string) string {
	if p.Name == name || p.Short == name || Short(p.Name) == name || strings.HasSuffix(p.Name, name) {
		return "name"
	}
	return "alias"
}

// county resolves a stated county name (with or without its city or
// province in front) to one county-level place.
func (r *Registry) county(s string) (*Place, string) {
	s = Short(s)
	if s == "" {
		return nil, ""
	}
	if p, ok := r.byID[s]; ok && p.Level == County {
		return p, ""
	}
	var cands []*Place
	for _, p := range r.byName[s] {
		if p.Level == County {
			cands = append(cands, p)
		}
	}
	if len(cands) == 0 {
		// "宿迁市沭阳县": the county is the longest known tail.
		for i := range s {
			if i == 0 {
				continue
			}
			tail := s[i:]
			var cs []*Place
			for _, p := range r.byName[tail] {
				if p.Level == County && (strings.Contains(s, p.City) && p.City != "" || strings.Contains(s, p.Province) && p.Province != "") {
					cs = append(cs, p)
				}
			}
			if len(cs) > 0 {
				cands = cs
				break
			}
		}
	}
	switch len(cands) {
	case 0:
		return nil, fmt.Sprintf("登记册中没有县（区）“%s”", s)
	case 1:
		return cands[0], ""
	}
	return nil, fmt.Sprintf("全国有 %d 个县（区）名为“%s”，请写明所属市", len(cands), s)
}

// countyPrefix finds the county a name starts with ("乐至县劳动镇") when no
// county was stated, taking it only where the county name is unique. The
// longest county name at the start wins: 梅县区梅西镇 is in 梅县区, not in a
// 梅县 followed by 区梅西镇.
func (r *Registry) countyPrefix(name string) *Place {
	var best *Place
	for i, w := 0, 0; i < len(name); i += w {
		ch, size := utf8.DecodeRuneInString(name[i:])
		w = size
		if !strings.ContainsRune("县区市旗", ch) || i+size >= len(name) {
			continue
		}
		// r.county reads 郑州市管城回族区 too: the county is the longest
		// known tail of a name led by its city or province.
		if c, _ := r.county(name[:i+size]); c != nil {
			best = c
		}
	}
	return best
}

// stripPrefixes removes the province, city and county names a title puts
// before the agency ("四川省资阳市乐至县劳动镇" → "劳动镇").
func stripPrefixes(name string, county *Place) string {
	for _, pre := range []string{county.Province, county.City, county.Name, county.Short} {
		if pre != "" && strings.HasPrefix(name, pre) && len(name) > len(pre) {
			name = strings.TrimPrefix(name, pre)
		}
	}
	return name
}

// GuessLevel tells the level a name suggests, for agencies the registry
// does not hold (imported lists without a level, unresolved ones).
func GuessLevel(name string) Level {
	s := Short(name)
	switch {
	case strings.HasSuffix(s, "街道"):
		return Street
	case strings.HasSuffix(s, "镇"):
		return Town
	case strings.HasSuffix(s, "乡"):
		return Township
	case strings.HasSuffix(s, "县") || strings.HasSuffix(s, "区") || strings.HasSuffix(s, "旗") || strings.HasSuffix(s, "县级市"):
		return County
	}
	for _, suf := range []string{"局", "办", "委", "委员会", "办公室", "中心", "管委会", "管理委员会", "院", "所", "队", "站", "会"} {
		if strings.HasSuffix(s, suf) {
			return CountyDept
		}
	}
	return Other
}

// UnitID is the stable id of an agency without a division code: a prefix
// (u imported, x unresolved, s synthetic), the county's code or name, and a
// hash of the short name — the same inputs give the same id in every
// database, so links and joins survive a rebuild.
func UnitID(prefix, county, name string) string {
	sum := sha256.Sum256([]byte(county + "\x00" + Short(name)))
	c := county
	if !isDigits(c) {
		csum := sha256.Sum256([]byte(county))
		c = hex.EncodeToString(csum[:3])
	}
	return prefix + c + "-" + hex.EncodeToString(sum[:5])
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// countyMisprinted tells whether a match was found without the county the
// query states: the county is unknown to the registry, and not the start of
// the matched county's name (梅县 of 梅县区).
func (r *Registry) countyMisprinted(q Query, m Match) bool {
	stated := Short(q.County)
	if stated == "" {
		return false
	}
	if c, _ := r.county(stated); c != nil {
		return false
	}
	return m.County == nil || !strings.HasPrefix(m.County.Name, stated)
}

// IsCounty tells whether name is the name of a county-level place (the
// reader asks it to split 梅县区梅西镇 at the right 区).
func (r *Registry) IsCounty(name string) bool {
	for _, p := range r.byName[name] {
		if p.Level == County {
			return true
		}
	}
	return false
}

// Known tells whether the registry knows an agency under a county (""
// when none was printed), without looking for near misses.
func (r *Registry) Known(county, name string) bool {
	q := Query{Name: name, County: county}
	m := r.resolve(q)
	return m.Place != nil && !r.countyMisprinted(q, m)
}

// Propose is the registry's full name of the one place an agency printed
// under a county is one character off ("" when none or several).
func (r *Registry) Propose(county, name string) string {
	if m := r.Resolve(Query{Name: name, County: county}); m.Proposal != nil {
		return fullName(m.Proposal)
	}
	return ""
}

// fullName is a place as a person checks it: its county and its name
// (沭阳县钱集镇), or a county's own name.
func fullName(p *Place) string {
	if p.Level == County || p.County == "" || strings.HasPrefix(p.Name, p.County) {
		return p.Name
	}
	return p.County + p.Name
}

// nearMiss finds the one registry place an unresolved name is one
// character off: within the stated (or prefixed) county, a name one
// character off; or, when the county itself is one character off a
// registry county (沐阳县 → 沭阳县), the name in that county exactly. Many
// counties are one character apart (泗阳县, 濮阳县 …), so a county is
// proposed only when the name holds a place of it alone, or the characters
// differ by a known look-alike (沐/沭). Two differences, or several
// candidates, propose nothing.
func (r *Registry) nearMiss(q Query) *Place {
	name := Short(q.Name)
	stated := Short(q.County)
	if name == "" && stated == "" {
		return nil
	}
	if stated != "" {
		if c, _ := r.county(stated); c != nil {
			return r.nearInCounty(c, stripPrefixes(name, c))
		}
		rest := strings.TrimPrefix(name, stated)
		return r.nearCounty(stated, rest)
	}
	if c := r.countyPrefix(name); c != nil {
		return r.nearInCounty(c, stripPrefixes(name, c))
	}
	// A county one character off at the start of the name: 沐阳县钱集镇.
	var found *Place
	for i, w := 0, 0; i < len(name); i += w {
		ch, size := utf8.DecodeRuneInString(name[i:])
		w = size
		if !strings.ContainsRune("县区市旗", ch) {
			continue
		}
		if p := r.nearCounty(name[:i+size], name[i+size:]); p != nil {
			if found != nil && found != p {
				return nil
			}
			found = p
		}
	}
	return found
}

// nearCounty is the place named rest (the county itself when rest is
// empty) in the one county whose name is one character off county.
func (r *Registry) nearCounty(county, rest string) *Place {
	var found, alike []*Place
	for _, c := range r.nearCounties(county) {
		p := r.exactInCounty(c, strings.TrimPrefix(stripPrefixes(rest, c), county))
		if p == nil {
			continue
		}
		found = append(found, p)
		if lookAlike(c.Name, county) {
			alike = append(alike, p)
		}
	}
	switch {
	case len(found) == 1 && rest != "":
		return found[0]
	case len(alike) == 1:
		return alike[0]
	}
	return nil
}

// lookAlikes are characters printed or typed for one another (OCR and
// input-method slips seen in reports): a county one character off is
// taken for a slip only through one of these.
var lookAlikes = []string{"沐沭", "己已巳", "戍戌戊", "未末", "土士", "日曰", "人入八", "汩汨", "崇祟", "拔拨", "侯候", "徽微", "盲肓", "赢嬴", "析折", "洲州", "阳杨扬", "旗棋"}

// lookAlike tells whether a and b, one character apart, differ by a pair
// of lookAlikes.
func lookAlike(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) != len(rb) {
		return false
	}
	for i := range ra {
		if ra[i] == rb[i] {
			continue
		}
		for _, set := range lookAlikes {
			if strings.ContainsRune(set, ra[i]) && strings.ContainsRune(set, rb[i]) {
				return true
			}
		}
		return false
	}
	return false
}

// exactInCounty is the place of a county named rest exactly (the county
// itself when rest is empty or names it).
func (r *Registry) exactInCounty(c *Place, rest string) *Place {
	if rest == "" || rest == c.Name || rest == c.Short {
		return c
	}
	var found *Place
	for _, p := range r.byName[rest] {
		if p.CountyCode == c.Code && p.ID != c.ID {
			if found != nil {
				return nil
			}
			found = p
		}
	}
	return found
}

// nearInCounty is the one place of a county whose name is one character
// off name (a name of three characters at least: 二 and 三 of two-character
// names are different places, not slips).
func (r *Registry) nearInCounty(c *Place, name string) *Place {
	if utf8.RuneCountInString(name) < 3 {
		return nil
	}
	var found *Place
	for _, p := range r.inCounty[c.Code] {
		// A place re-added under another county stays listed here too.
		if p.CountyCode != c.Code || p.ID == c.ID {
			continue
		}
		if oneOff(p.Name, name) || oneOff(p.Short, name) {
			if found != nil && found != p {
				return nil
			}
			found = p
		}
	}
	return found
}

// nearCounties lists the counties whose name is one character off name.
func (r *Registry) nearCounties(name string) []*Place {
	if utf8.RuneCountInString(name) < 3 {
		return nil
	}
	var out []*Place
	for _, p := range r.counties {
		if p.Level == County && oneOff(p.Name, name) {
			out = append(out, p)
		}
	}
	return out
}

// oneOff tells whether a and b differ by exactly one character: one
// replaced, added or left out. It walks both strings without converting
// them: the near-miss search calls it for every county.
func oneOff(a, b string) bool {
	if a == b || len(a)-len(b) > utf8.UTFMax || len(b)-len(a) > utf8.UTFMax {
		return false
	}
	// Skip the common start and the common end; one character may remain
	// on either side, and not more.
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if ra != rb {
			break
		}
		a, b = a[na:], b[nb:]
	}
	for a != "" && b != "" {
		ra, na := utf8.DecodeLastRuneInString(a)
		rb, nb := utf8.DecodeLastRuneInString(b)
		if ra != rb {
			break
		}
		a, b = a[:len(a)-na], b[:len(b)-nb]
	}
	return utf8.RuneCountInString(a) <= 1 && utf8.RuneCountInString(b) <= 1
}
