package change

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"nianbao/assess"
	"nianbao/query"
	"nianbao/store"
)

// Score sheets (评分表) are written here like every other change: an
// administrator stores a sheet or chooses one for a county or city, the
// store audits it, and after() re-checks the counties it now applies to
// and drops the cached pages, so no score is shown under the old sheet.

// MaxPlaceRunes bounds a place: a county's or city's name or code.
const MaxPlaceRunes = 40

// allYears is the span a sheet change re-checks: every year of a county.
func allYears(counties []string) []assess.CountySpan {
	spans := make([]assess.CountySpan, len(counties))
	for i, c := range counties {
		spans[i] = assess.CountySpan{County: c, From: 1990, To: 2100}
	}
	return spans
}

// SaveSheet stores a sheet's text (YAML or JSON), checked with the line
// and column of any fault; file names it in those messages. name, when
// given, must be the sheet's own name field. It returns the stored sheet
// and the counties now scored with it.
func (s *Service) SaveSheet(ctx context.Context, u User, file, name string, body []byte) (store.NamedSheet, []string, error) {
	if err := may(u, ActAdmin); err != nil {
		return store.NamedSheet{}, nil, err
	}
	sheet, err := assess.ParseSheet(file, body, nil)
	if err != nil {
		return store.NamedSheet{}, nil, &query.InputError{Field: "body", Message: err.Error()}
	}
	if name != "" && sheet.Name != name {
		return store.NamedSheet{}, nil, &query.InputError{Field: "name", Message: fmt.Sprintf("评分表中的 name 是“%s”，与地址中的“%s”不同", sheet.Name, name)}
	}
	ns, err := s.st.SaveSheet(ctx, sheet.Name, body, u.Name)
	if err != nil {
		return store.NamedSheet{}, nil, failed("评分表", err)
	}
	counties, err := SheetCounties(ctx, s.st, sheet.Name)
	if err != nil {
		return ns, nil, err
	}
	s.after(ctx, Affected{Op: "sheet", Actor: u.Name, Spans: allYears(counties), Detail: sheet.Name + " " + ns.SHA})
	return ns, counties, nil
}

// AssignSheet makes a county or city (name or 6-digit code) use a stored
// sheet; sheet "" takes the place's sheet away, which must then be
// current (the sheet assigned now, for a clear 404 otherwise). It returns
// the counties concerned.
func (s *Service) AssignSheet(ctx context.Context, u User, place, sheet, current string) ([]string, error) {
	if err := may(u, ActAdmin); err != nil {
		return nil, err
	}
	place = strings.TrimSpace(place)
	if place == "" || utf8.RuneCountInString(place) > MaxPlaceRunes {
		return nil, &query.InputError{Field: "place", Message: fmt.Sprintf("地方应为县（市、区）或市的名称或 6 位区划代码，最长 %d 字", MaxPlaceRunes)}
	}
	if sheet == "" {
		as, err := s.st.SheetAssignments(ctx)
		if err != nil {
			return nil, err
		}
		found := false
		for _, a := range as {
			found = found || a.Place == place && a.Sheet == current
		}
		if !found {
			return nil, missing(fmt.Sprintf("%s没有指定评分表“%s”", place, current))
		}
	}
	known, err := s.st.PlaceKnown(ctx, place)
	if err != nil {
		return nil, err
	}
	if !known {
		return nil, &query.InputError{Field: "place", Message: fmt.Sprintf("不认识“%s”：应为有报告的县（市、区）的名称，或区划中县、市的名称或 6 位代码", place)}
	}
	if err := s.st.AssignSheet(ctx, place, sheet, u.Name); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, missing(fmt.Sprintf("没有名为“%s”的评分表", sheet))
		}
		return nil, failed("评分表指定", err)
	}
	counties, err := s.st.PlaceCounties(ctx, place)
	if err != nil {
		return nil, err
	}
	s.after(ctx, Affected{Op: "sheet-assign", Actor: u.Name, Spans: allYears(counties), Detail: place + " → " + sheet})
	return counties, nil
}

// missing is a sheet or assignment that does not exist: its sentence is
// the answer a person reads, and it is store.ErrNotFound for errors.Is.
type missing string

func (m missing) Error() string        { return string(m) }
func (m missing) Is(target error) bool { return target == store.ErrNotFound }

// SheetCounties are the counties a stored sheet applies to now: those of
// the places it is assigned to, less a city's counties with a sheet of
// their own.
func SheetCounties(ctx context.Context, st *store.Store, name string) ([]string, error) {
	as, err := st.SheetAssignments(ctx)
	if err != nil {
		return nil, err
	}
	counties := []string{}
	seen := map[string]bool{}
	for _, a := range as {
		if a.Sheet != name {
			continue
		}
		cs, err := st.PlaceCounties(ctx, a.Place)
		if err != nil {
			return nil, err
		}
		for _, county := range cs {
			if seen[county] {
				continue
			}
			seen[county] = true
			if s, err := assess.SheetFor(ctx, st, county); err == nil && s.Name == name {
				counties = append(counties, county)
			}
		}
	}
	return counties, nil
}
