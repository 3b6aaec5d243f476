package query

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Places answers the pickers: at national size (2 800 counties, 200 000
// reports a year) no page can list every report or every agency, so a
// reader goes down province → city → county, or searches.

// Place is a province, city, county or agency that has reports.
type Place struct {
	Kind     string `json:"kind"` // province, city, county or agency
	Name     string `json:"name"`
	Province string `json:"province"`
	City     string `json:"city"`
	County   string `json:"county"`
	// Label names the place with what contains it, in Chinese:
	// "四川省 资阳市 乐至县", "乐至县 劳动镇".
	Label    string `json:"label"`
	Years    []int  `json:"years"` // newest first
	Reports  int    `json:"reports"`
	Counties int    `json:"counties"` // counties below a province or city
	// Synthetic: some of the county's reports are generated (示例数据).
	Synthetic bool `json:"synthetic"`
}

// Unplaced is the name shown for reports the registry does not place in a
// province or city; PlaceQuery takes it back as "".
const Unplaced = "未归属"

// PlaceQuery selects places. Q searches county, city, province and agency
// names (a plain substring); without Q, Province and City browse: nothing
// lists the provinces, a province its cities, a city its counties.
type PlaceQuery struct {
	Q, Province, City string
	Limit             int // 0 means PlaceLimit
}

// Bounds of a places answer and of the search text.
const (
	PlaceLimit    = 50
	MaxPlaceLimit = 200
	MaxPlaceQuery = 40 // runes
)

// PlacesResult is one answer: Total places matched, at most Limit shown.
type PlacesResult struct {
	Places    []Place `json:"places"`
	Total     int     `json:"total"`
	Truncated bool    `json:"truncated"`
}

// Counties returns every county that has reports, ordered by province,
// city and name: the data of Places.sql, computed once per data
// generation (prepared.go). Callers must not modify it.
func (s *Service) Counties(ctx context.Context) ([]Place, error) {
	p, err := s.preparedFor(ctx)
	if err != nil {
		return nil, err
	}
	return p.counties, nil
}

// countiesSQL runs Places.sql.
func (s *Service) countiesSQL(ctx context.Context) ([]Place, error) {
	st, err := build("Places", Filter{}, GroupNone, nil)
	if err != nil {
		return nil, err
	}
	s.note("Places", st)
	rows, err := s.db.QueryContext(ctx, st.text, st.args...)
	if err != nil {
		return nil, fmt.Errorf("query Places: %w", err)
	}
	defer rows.Close()
	out := []Place{}
	for rows.Next() {
		p := Place{Kind: "county"}
		var years []any
		if err := rows.Scan(&p.Province, &p.City, &p.County, &years, &p.Reports, &p.Synthetic); err != nil {
			return nil, fmt.Errorf("query Places: %w", err)
		}
		p.Name, p.Years, p.Counties = p.County, intList(years), 1
		p.Label = joinLabel(p.Province, p.City, p.County)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("query Places: %w", err)
	}
	return out, nil
}

// Places browses or searches the places that have reports.
func (s *Service) Places(ctx context.Context, pq PlaceQuery) (PlacesResult, error) {
	limit := pq.Limit
	if limit <= 0 {
		limit = PlaceLimit
	}
	if limit > MaxPlaceLimit {
		return PlacesResult{}, &InputError{Field: "limit", Message: fmt.Sprintf("limit 最大为 %d", MaxPlaceLimit)}
	}
	q := strings.TrimSpace(pq.Q)
	if utf8.RuneCountInString(q) > MaxPlaceQuery {
		return PlacesResult{}, &InputError{Field: "q", Message: fmt.Sprintf("搜索词太长，最多 %d 个字", MaxPlaceQuery)}
	}
	counties, err := s.Counties(ctx)
	if err != nil {
		return PlacesResult{}, err
	}
	province, city := unplacedName(pq.Province), unplacedName(pq.City)
	var all []Place
	switch {
	case q != "":
		for _, c := range counties {
			if strings.Contains(c.Label, q) {
				all = append(all, c)
			}
		}
		agencies, err := s.placeAgencies(ctx, q, limit+1)
		if err != nil {
			return PlacesResult{}, err
		}
		// An agency's province and city are its county's, where the county
		// name is found in one place only.
		where := map[string]*Place{}
		for i := range counties {
			c := &counties[i]
			if _, seen := where[c.County]; seen {
				where[c.County] = nil
			} else {
				where[c.County] = c
			}
		}
		for _, a := range agencies {
			if c := where[a.County]; c != nil {
				a.Province, a.City = c.Province, c.City
			}
			all = append(all, a)
		}
	case pq.City != "":
		for _, c := range counties {
			if c.City == city && (pq.Province == "" || c.Province == province) {
				all = append(all, c)
			}
		}
	case pq.Province != "":
		all = rollUp(counties, "city", func(c Place) bool { return c.Province == province })
	default:
		all = rollUp(counties, "province", func(Place) bool { return true })
	}
	res := PlacesResult{Places: all, Total: len(all)}
	if len(all) > limit {
		res.Places, res.Truncated = all[:limit], true
	}
	if res.Places == nil {
		res.Places = []Place{}
	}
	return res, nil
}

// placeAgencies searches agency names (PlaceAgencies.sql).
func (s *Service) placeAgencies(ctx context.Context, q string, limit int) ([]Place, error) {
	return cached(ctx, s, fmt.Sprintf("PlaceAgencies|%q|%d", q, limit), func() ([]Place, error) {
		st, err := build("PlaceAgencies", Filter{}, GroupNone, nil)
		if err != nil {
			return nil, err
		}
		rows, err := s.db.QueryContext(ctx, st.text, append(st.args, q, limit)...)
		if err != nil {
			return nil, fmt.Errorf("query PlaceAgencies: %w", err)
		}
		defer rows.Close()
		out := []Place{}
		for rows.Next() {
			p := Place{Kind: "agency"}
			var years []any
			if err := rows.Scan(&p.Name, &p.County, &years, &p.Reports); err != nil {
				return nil, fmt.Errorf("query PlaceAgencies: %w", err)
			}
			p.Years, p.Label = intList(years), joinLabel(p.County, p.Name)
			out = append(out, p)
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("query PlaceAgencies: %w", err)
		}
		return out, nil
	})
}

// rollUp groups the counties that keep selects by province or city, in
// the order they come, adding up reports and joining years.
func rollUp(counties []Place, kind string, keep func(Place) bool) []Place {
	var out []Place
	at := map[[2]string]int{}
	for _, c := range counties {
		if !keep(c) {
			continue
		}
		k := [2]string{c.Province, ""}
		if kind == "city" {
			k[1] = c.City
		}
		i, ok := at[k]
		if !ok {
			p := Place{Kind: kind, Province: c.Province}
			p.Name = shownName(c.Province)
			p.Label = p.Name
			if kind == "city" {
				p.City, p.Name = c.City, shownName(c.City)
				p.Label = joinLabel(c.Province, c.City)
			}
			i = len(out)
			at[k] = i
			out = append(out, p)
		}
		out[i].Reports += c.Reports
		out[i].Synthetic = out[i].Synthetic || c.Synthetic
		out[i].Counties++
		out[i].Years = mergeYears(out[i].Years, c.Years)
	}
	return out
}

// mergeYears joins two newest-first year lists without repeats.
func mergeYears(a, b []int) []int {
	out := make([]int, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		var y int
		switch {
		case j >= len(b) || (i < len(a) && a[i] > b[j]):
			y, i = a[i], i+1
		case i >= len(a) || b[j] > a[i]:
			y, j = b[j], j+1
		default:
			y, i, j = a[i], i+1, j+1
		}
		out = append(out, y)
	}
	return out
}

func shownName(s string) string {
	if s == "" {
		return Unplaced
	}
	return s
}

func unplacedName(s string) string {
	if s = strings.TrimSpace(s); s == Unplaced {
		return ""
	}
	return s
}

// joinLabel joins the non-empty names with a space.
func joinLabel(names ...string) string {
	var kept []string
	for _, n := range names {
		if n != "" {
			kept = append(kept, n)
		}
	}
	return strings.Join(kept, " ")
}

// intList reads a DuckDB INTEGER[] scanned as []any.
func intList(v []any) []int {
	out := make([]int, 0, len(v))
	for _, x := range v {
		switch n := x.(type) {
		case int32:
			out = append(out, int(n))
		case int64:
			out = append(out, int(n))
		case int:
			out = append(out, n)
		}
	}
	return out
}
