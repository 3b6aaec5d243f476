package query

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// A county-scoped statement (the county page, compare, the assessment)
// filters reports by county, year and level. By name the county is a
// cheap equality on reports.county; by GB/T 2260 code it was a semi-join
// of every report's agency_id on the registry, and the level one more on
// the agencies of the level: each statement read the agency_id of all
// 200 000 reports and hashed 20 000 agencies, 5–10 ms before it summed a
// figure (docs/benchmarks.md, "third pass"). Eleven such statements made
// the county page.
//
// The reports a county filter selects change only when the data do, so
// the county, code and level of every report are read once per data
// generation (sql/CountyIndex.sql) and a county-scoped statement is the
// same named SQL with its county and level conditions replaced by the ids
// they select in that generation: `r.id IN (…)`, which DuckDB prunes by
// the id column's zone maps, and which bounds the join on report_figures
// (and findings) to those ids. Every statistic keeps its one definition;
// only the way its filter finds its reports changes.
//
// Never a stale id: the index carries its generation and is used only in
// that generation (a write starts a new one). Until it is computed:
// where serve computes it in the background after writes
// (PrepareAfterWrites), the statements keep their SQL conditions — the
// same reports, read the slow way; elsewhere the first county-scoped
// reader computes it (100–200 ms at 200 000 reports) and readers
// arriving meanwhile wait for the same computation.

// countyIndex is what one generation read of every report.
type countyIndex struct {
	gen    uint64
	byName map[string][]indexedReport // by reports.county
	byCode map[string][]indexedReport // by the agency's county_code
	took   time.Duration
}

// indexedReport is one report as a county filter sees it.
type indexedReport struct {
	id    int64
	year  int
	level string // the registry level of its agency; "" when none
}

// selection are the ids of the reports a filter's county, year and level
// select in one generation; a nil selection means the filter's SQL
// conditions select them.
type selection struct{ ids []int64 }

// levelSelects tells whether a report of an agency at registry level
// agencyLevel ("" for none) is one the level filter selects: the SQL of
// Filter.clause (TestInLevelAsTheFilter, TestCountySelectionAsTheFilter).
func levelSelects(level, agencyLevel string) bool {
	if level == LevelNoDepartments {
		return !slices.Contains(governmentLevels, agencyLevel)
	}
	if levels := LevelSet(level); len(levels) > 0 {
		return agencyLevel != "" && slices.Contains(levels, agencyLevel)
	}
	return true
}

// selectionOf picks the filter's reports out of the index: its county
// by name or code, its year, its level. The filter's other conditions
// stay in SQL.
func (ix *countyIndex) selectionOf(f Filter) *selection {
	rows := ix.byName[f.County]
	if isCode(f.County) {
		rows = ix.byCode[f.County]
	}
	sel := &selection{ids: []int64{}}
	for _, r := range rows {
		if (f.Year == 0 || r.year == f.Year) && levelSelects(f.Level, r.level) {
			sel.ids = append(sel.ids, r.id)
		}
	}
	return sel
}

// countySelection is the selection of a county-scoped filter in the
// current generation, nil where the filter's SQL conditions answer (no
// county, the index off or not yet computed in the background).
func (s *Service) countySelection(ctx context.Context, f Filter) (*selection, error) {
	if f.County == "" {
		return nil, nil
	}
	s.mu.Lock()
	ix, gen := s.cix, s.gen
	bg, off := s.kick != nil, s.noCountyIndex
	s.mu.Unlock()
	if off {
		return nil, nil
	}
	if ix == nil || ix.gen != gen {
		if bg {
			return nil, nil // PrepareAfterWrites computes it; the SQL answers meanwhile
		}
		var err error
		if ix, err = s.countyIndexFor(ctx); err != nil {
			return nil, err
		}
	}
	return ix.selectionOf(f), nil
}

// countyIndexFor returns the current generation's index, computing it
// once (concurrent callers share the computation).
func (s *Service) countyIndexFor(ctx context.Context) (*countyIndex, error) {
	s.mu.Lock()
	gen, ix := s.gen, s.cix
	s.mu.Unlock()
	if ix != nil && ix.gen == gen {
		return ix, nil
	}
	v, err, _ := s.flight.Do("countyindex|"+strconv.FormatUint(gen, 10), func() (any, error) {
		start := time.Now()
		// Not the request's context: the computation is shared.
		ix, err := s.readCountyIndex(context.WithoutCancel(ctx))
		if err != nil {
			return nil, err
		}
		ix.gen, ix.took = gen, time.Since(start)
		s.mu.Lock()
		if s.gen == gen {
			s.cix = ix
		}
		s.mu.Unlock()
		return ix, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*countyIndex), nil
}

// readCountyIndex reads sql/CountyIndex.sql. Names and levels repeat
// over thousands of reports: each is kept once.
func (s *Service) readCountyIndex(ctx context.Context) (*countyIndex, error) {
	st, err := build("CountyIndex", Filter{}, GroupNone, nil)
	if err != nil {
		return nil, err
	}
	s.note("CountyIndex", st)
	rows, err := s.db.QueryContext(ctx, st.text, st.args...)
	if err != nil {
		return nil, fmt.Errorf("query CountyIndex: %w", err)
	}
	defer rows.Close()
	ix := &countyIndex{byName: map[string][]indexedReport{}, byCode: map[string][]indexedReport{}}
	levels := map[string]string{}
	for rows.Next() {
		var r indexedReport
		var county, code string
		if err := rows.Scan(&r.id, &r.year, &county, &code, &r.level); err != nil {
			return nil, fmt.Errorf("query CountyIndex: %w", err)
		}
		if l, ok := levels[r.level]; ok {
			r.level = l
		} else {
			levels[r.level] = r.level
		}
		ix.byName[county] = append(ix.byName[county], r)
		if code != "" {
			ix.byCode[code] = append(ix.byCode[code], r)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("query CountyIndex: %w", err)
	}
	return ix, nil
}

// CountyFiltersInSQL turns the county index off: every county filter is
// then its SQL condition, as before the index. It is the reference the
// tests hold the index to (dashboards.TestCountyPageAsTheStatements).
func (s *Service) CountyFiltersInSQL() {
	s.mu.Lock()
	s.noCountyIndex = true
	s.mu.Unlock()
}
