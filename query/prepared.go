package query

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"time"
)

// Some answers cannot be computed within a request's budget at national
// size: the place tree of the entry page and the pickers groups every
// report of the database (350 ms at 200 000 reports), yet it changes only
// when the data do. They are computed once per data generation and kept
// apart from the LRU (anonymous readers with unique filters must not be
// able to evict them). With PrepareAfterWrites, the computation starts in
// the background right after the write that began a generation, so the
// first reader after a write finds it ready or joins the one computation
// under way; without it (tests, one-shot commands) the first reader
// computes it.

// prepared is what one generation computed.
type prepared struct {
	gen       uint64
	counties  []Place // Places.sql: every county with reports, placed
	placement *placement
	took      time.Duration
}

// preparedFor returns the current generation's values, computing them
// once (concurrent callers share the computation).
func (s *Service) preparedFor(ctx context.Context) (*prepared, error) {
	s.mu.Lock()
	gen, p := s.gen, s.prep
	s.mu.Unlock()
	if p != nil && p.gen == gen {
		return p, nil
	}
	v, err, _ := s.flight.Do("prepared|"+strconv.FormatUint(gen, 10), func() (any, error) {
		start := time.Now()
		// Not the request's context: the computation is shared, and one
		// reader going away must not fail it for the others.
		counties, err := s.countiesSQL(context.WithoutCancel(ctx))
		if err != nil {
			return nil, err
		}
		pl := placementOf(counties)
		if pl.names, err = s.placeNames(context.WithoutCancel(ctx)); err != nil {
			return nil, err
		}
		p := &prepared{gen: gen, counties: counties, placement: pl, took: time.Since(start)}
		s.mu.Lock()
		if s.gen == gen {
			s.prep = p
		}
		s.mu.Unlock()
		return p, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*prepared), nil
}

// Prepared waits until the values of the current data generation (the
// county index, the place tree, then the province medians) are computed and says how long
// their computation took (analytics bench
// --latency times a cold request only after it, and prints it apart).
func (s *Service) Prepared(ctx context.Context) (time.Duration, error) {
	p, err := s.preparedFor(ctx)
	if err != nil {
		return 0, err
	}
	m, err := s.mediansFor(ctx, p)
	if err != nil {
		return 0, err
	}
	ix, err := s.countyIndexFor(ctx)
	if err != nil {
		return 0, err
	}
	return p.took + m.took + ix.took, nil
}

// PrepareAfterWrites starts computing a generation's values in the
// background once writes pause (serve turns it on). It waits until no
// write has come for settle: computing the place tree after every write
// cost an upload into 200 000 reports 220 ms of CPU more (94 → 313 ms a
// upload, docs/benchmarks.md "All of issue 25 on main"), two cores shared
// with the uploads themselves, while a burst of uploads needs it once, at
// its end. A reader arriving before that computes the values itself, as
// without this. Errors are logged; the next reader then computes them.
func (s *Service) PrepareAfterWrites(log *slog.Logger) {
	s.prepareAfterWrites(log, 2*time.Second)
}

func (s *Service) prepareAfterWrites(log *slog.Logger, settle time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.kick != nil {
		return
	}
	s.kick = make(chan struct{}, 1)
	go func(kick <-chan struct{}) {
		for range kick {
			// Quiet for settle: every write inside it starts the wait again.
			t := time.NewTimer(settle)
		wait:
			for {
				select {
				case _, ok := <-kick:
					if !ok {
						t.Stop()
						return
					}
					t.Reset(settle)
				case <-t.C:
					break wait
				}
			}
			// The county index first: 0.1 s, and every county-scoped
			// statement reads it (countysel.go).
			if _, err := s.countyIndexFor(context.Background()); err != nil {
				log.Warn("query: reading the reports by county after a write failed; county filters stay in SQL", "err", err)
			}
			p, err := s.preparedFor(context.Background())
			if err != nil {
				log.Warn("query: computing the place tree after a write failed; the next reader computes it", "err", err)
			} else if s.Generation() == p.gen { // a write since: the next kick computes them
				if _, err := s.mediansFor(context.Background(), p); err != nil {
					log.Warn("query: computing the province medians after a write failed; the next county page computes them", "err", err)
				}
			}
			s.runAfterPrepare(log) // answers_after.go
		}
	}(s.kick)
	s.kick <- struct{}{}
}

// placement is where the reports of a county name whose agency the
// registry does not place are counted (placedIn): the one province and
// city that the placed reports of that name share. Places.sql decides it
// (its CTE placed) and the place tree carries it: a county name on one row
// of the tree with a province is placed there — its unplaced reports were
// folded into that row — while a name shared by places has a row for each.
// Passed to a statement as two lists, it spares every statement that
// filters or groups by province or city a pass over all reports.
type placement struct {
	counties, provinces, cities []string
	// names: for province and city (the key's col), each code and name of
	// the registry with the names it stands for (PlaceNames.sql).
	names map[[2]string][]string
}

// placeNames reads PlaceNames.sql.
func (s *Service) placeNames(ctx context.Context) (map[[2]string][]string, error) {
	st, err := build("PlaceNames", Filter{}, GroupNone, nil)
	if err != nil {
		return nil, err
	}
	s.note("PlaceNames", st)
	rows, err := s.db.QueryContext(ctx, st.text, st.args...)
	if err != nil {
		return nil, fmt.Errorf("query PlaceNames: %w", err)
	}
	defer rows.Close()
	out := map[[2]string][]string{}
	add := func(col, key, name string) {
		if !slices.Contains(out[[2]string{col, key}], name) {
			out[[2]string{col, key}] = append(out[[2]string{col, key}], name)
		}
	}
	for rows.Next() {
		var col, code, name string
		if err := rows.Scan(&col, &code, &name); err != nil {
			return nil, fmt.Errorf("query PlaceNames: %w", err)
		}
		// "WHERE col_code = ? OR col = ?": a code selects its names, a
		// name itself.
		add(col, code, name)
		add(col, name, name)
	}
	return out, rows.Err()
}

func placementOf(counties []Place) *placement {
	rows := map[string]int{}
	for _, c := range counties {
		rows[c.County]++
	}
	pl := &placement{counties: []string{}, provinces: []string{}, cities: []string{}}
	for _, c := range counties {
		if rows[c.County] == 1 && c.Province != "" {
			pl.counties = append(pl.counties, c.County)
			pl.provinces = append(pl.provinces, c.Province)
			pl.cities = append(pl.cities, c.City)
		}
	}
	return pl
}

// placedByMap is placedIn with the counties' places given as two lists
// (keys, values) rather than computed in the statement.
const placedByMap = `coalesce(nullif((SELECT a.%[1]s FROM agencies a WHERE a.id = r.agency_id), ''),
  map_extract_value(map(?::VARCHAR[], ?::VARCHAR[]), r.county), '')`

// placed is the SQL expression of the province or city (col, a constant of
// this package) a report is counted in, and its arguments. A nil placement
// computes the counties' places in the statement (placedIn): the tests'
// reference, and what ExportParquet runs.
func (pl *placement) placed(col string) (string, []any) {
	if pl == nil {
		return fmt.Sprintf(placedIn, col), nil
	}
	vals := pl.provinces
	if col == "city" {
		vals = pl.cities
	}
	return fmt.Sprintf(placedByMap, col), []any{pl.counties, vals}
}

// placedIn is the condition that a report is counted in the province or
// city (col) that place names (by code or name), and its arguments. With
// a placement, a report of a placed agency is found by a semi-join on
// agencies, and one of an agency the registry does not place by its
// county name among the counties placed there (a short list made here
// from the tree): the same reports as placed(col) IN (…), without
// evaluating the expression on every report nor handing every county to
// the statement (the county page's province medians).
func (pl *placement) placedIn(col, place string) (string, []any) {
	// The places the filter names: col and its code are constants of this
	// package, never input.
	named := fmt.Sprintf("(SELECT %[1]s FROM agencies WHERE %[1]s_code = ? OR %[1]s = ?)", col)
	names := pl.namesOf(col, place)
	if pl == nil || slices.Contains(names, "") {
		// A code standing for no name would select the reports placed
		// nowhere: rare enough to be left to the expression.
		expr, args := (*placement)(nil).placed(col)
		return expr + " IN " + named, append(args, place, place)
	}
	vals := pl.provinces
	if col == "city" {
		vals = pl.cities
	}
	counties := []string{}
	for i, v := range vals {
		if slices.Contains(names, v) {
			counties = append(counties, pl.counties[i])
		}
	}
	cond := fmt.Sprintf(`(r.agency_id IN (SELECT id FROM agencies WHERE %[1]s <> '' AND %[1]s IN %[2]s)
  OR ((r.agency_id IS NULL OR r.agency_id NOT IN (SELECT id FROM agencies WHERE %[1]s <> ''))
      AND list_contains(?::VARCHAR[], r.county)))`, col, named)
	return cond, []any{place, place, counties}
}

// namesOf are the names a province or city filter selects; nil without
// a placement.
func (pl *placement) namesOf(col, place string) []string {
	if pl == nil {
		return nil
	}
	return pl.names[[2]string{col, place}]
}

// build is the package's build with the placement of this generation
// where the statement filters or groups by province or city.
func (s *Service) build(ctx context.Context, name string, f Filter, g GroupBy, codes []string) (stmt, error) {
	var pl *placement
	if f.Province != "" || f.City != "" || g == GroupProvince || g == GroupCity {
		p, err := s.preparedFor(ctx)
		if err != nil {
			return stmt{}, err
		}
		pl = p.placement
	}
	sel, err := s.countySelection(ctx, f) // countysel.go
	if err != nil {
		return stmt{}, err
	}
	return buildSel(pl, sel, name, f, g, codes)
}
