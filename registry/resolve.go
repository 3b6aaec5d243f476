package registry

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// builtinAliases are slips seen in real reports. 沐阳县 is how OCR reads
// 沭阳县 (the peer corpus has it).
var builtinAliases = []Alias{
	{ID: "321322", Name: "沐阳县", Note: "OCR 误识（沭→沐）"},
}

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
}

// Resolve finds the registry entry of a report's agency: by code, then by
// name within the stated county (exact name, then alias), then by a name
// that only one place in the country has. A name shared by places of
// several counties is never guessed: the match stays unresolved.
func (r *Registry) Resolve(q Query) Match {
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
// county was stated, taking it only where the county name is unique.
func (r *Registry) countyPrefix(name string) *Place {
	for i, w := 0, 0; i < len(name); i += w {
		ch, size := utf8.DecodeRuneInString(name[i:])
		w = size
		if !strings.ContainsRune("县区市旗", ch) || i+size >= len(name) {
			continue
		}
		var cs []*Place
		for _, p := range r.byName[name[:i+size]] {
			if p.Level == County {
				cs = append(cs, p)
			}
		}
		if len(cs) == 1 {
			return cs[0]
		}
	}
	return nil
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
