package query

import (
	"context"
	"fmt"
	"strconv"
)

// CountyFigures are three statistics the county page reads of one filter
// (a county, a year, a level): each is what the Service's method of the
// same name returns for that filter by agency, or for the filter without
// its year by year (the trend). They come from one statement,
// sql/CountyFigures.sql, instead of seven: each statement of a county
// costs DuckDB's fixed 2–6 ms at 200 000 reports however few rows it
// reads, and those were most of a cold county page (docs/benchmarks.md,
// "fourth pass"). The sums are the statistics' own SQL and the rows
// their own Go (sums, finish); TestCountyFiguresAsTheStatements holds
// every figure to the separate statements. AssessmentMetrics, with its
// join on findings, stays apart: folded in, that join over every year
// cost more than its own statement (same pass).
type CountyFigures struct {
	Applications ApplicationsResult // by agency, the filter's year, with the change on the year before
	Outcomes     OutcomesResult     // by agency
	Reviews      ReviewsResult      // by agency
	// By year, every year of the filter (its year left out).
	ApplicationsByYear ApplicationsResult
	OutcomesByYear     OutcomesResult
	ReviewsByYear      ReviewsResult
}

// CountyFigures reads the county page's statistics of f, which names a
// year. Like every answer it is cached for the data generation.
func (s *Service) CountyFigures(ctx context.Context, f Filter) (CountyFigures, error) {
	if f.Year == 0 {
		return CountyFigures{}, fmt.Errorf("query CountyFigures: the filter names no year")
	}
	f.Limit, f.Offset = 0, 0
	return cached(ctx, s, "CountyFigures|"+f.key(), func() (CountyFigures, error) {
		s.mu.Lock()
		apart := s.figuresApart
		s.mu.Unlock()
		if apart {
			return s.countyFiguresApart(ctx, f)
		}
		return s.countyFigures(ctx, f)
	})
}

// countyFigures runs sql/CountyFigures.sql over every year of f: a row
// per year and agency, and a row per year of all the agencies.
func (s *Service) countyFigures(ctx context.Context, f Filter) (CountyFigures, error) {
	all := f
	all.Year = 0
	res := CountyFigures{
		Applications: ApplicationsResult{GroupBy: GroupAgency, Rows: []ApplicationsRow{}},
		Outcomes:     OutcomesResult{GroupBy: GroupAgency, Rows: []OutcomesRow{}},
		Reviews:      ReviewsResult{GroupBy: GroupAgency, Rows: []ReviewsRow{}},

		ApplicationsByYear: ApplicationsResult{GroupBy: GroupYear, Rows: []ApplicationsRow{}},
		OutcomesByYear:     OutcomesResult{GroupBy: GroupYear, Rows: []OutcomesRow{}},
		ReviewsByYear:      ReviewsResult{GroupBy: GroupYear, Rows: []ReviewsRow{}},
	}
	rows, err := s.query(ctx, "CountyFigures", all, GroupNone, nil)
	if err != nil {
		return res, err
	}
	defer rows.Close()
	var previous []ApplicationsRow // by agency, the year before f's
	for rows.Next() {
		var (
			byYear    bool
			year      int
			grp, cnty string
			app       ApplicationsRow
			out       outcomesScan
			rev       ReviewsRow
			// Where each statistic's own statement has a row (its HAVING).
			keepApp, keepOut, keepRev bool
		)
		dest := append([]any{&byYear, &year, &grp, &cnty}, app.sums()...)
		dest = append(dest, out.sums()...)
		dest = append(dest, rev.sums()...)
		dest = append(dest, &keepApp, &keepOut, &keepRev)
		if err := rows.Scan(dest...); err != nil {
			return res, fmt.Errorf("query CountyFigures: %w", err)
		}
		// A row of all the agencies of a year is that year's group, as
		// GroupYear names it; an agency's, the agency and its county.
		if byYear {
			grp, cnty = strconv.Itoa(year), ""
		}
		app.Group.Group, app.County = grp, cnty
		out.r.Group.Group, out.r.County = grp, cnty
		rev.Group.Group, rev.County = grp, cnty
		app.finish()
		out.finish()
		rev.finish()
		add := func(a *ApplicationsResult, o *OutcomesResult, r *ReviewsResult) {
			if keepApp {
				a.Rows = append(a.Rows, app)
			}
			if keepOut {
				o.Rows = append(o.Rows, out.r)
			}
			if keepRev {
				r.Rows = append(r.Rows, rev)
			}
		}
		switch {
		case byYear:
			add(&res.ApplicationsByYear, &res.OutcomesByYear, &res.ReviewsByYear)
		case year == f.Year:
			add(&res.Applications, &res.Outcomes, &res.Reviews)
		case year == f.Year-1 && keepApp:
			previous = append(previous, app)
		}
	}
	if err := rows.Err(); err != nil {
		return res, fmt.Errorf("query CountyFigures: %w", err)
	}
	withPrevious(res.Applications.Rows, previous)
	withPreviousYears(res.ApplicationsByYear.Rows)
	return res, nil
}

// countyFiguresApart are the same statistics by their own statements (the
// reference of the tests, see FiguresApart).
func (s *Service) countyFiguresApart(ctx context.Context, f Filter) (res CountyFigures, err error) {
	all := f
	all.Year = 0
	if res.Applications, err = s.Applications(ctx, f, GroupAgency); err != nil {
		return res, err
	}
	if res.Outcomes, err = s.Outcomes(ctx, f, GroupAgency); err != nil {
		return res, err
	}
	if res.Reviews, err = s.Reviews(ctx, f, GroupAgency); err != nil {
		return res, err
	}
	if res.ApplicationsByYear, err = s.Applications(ctx, all, GroupYear); err != nil {
		return res, err
	}
	if res.OutcomesByYear, err = s.Outcomes(ctx, all, GroupYear); err != nil {
		return res, err
	}
	res.ReviewsByYear, err = s.Reviews(ctx, all, GroupYear)
	return res, err
}

// FiguresApart makes CountyFigures read each statistic by its own
// statement, as before the fold: the reference the tests hold the one
// statement to (dashboards.TestCountyPageAsTheStatements).
func (s *Service) FiguresApart() {
	s.mu.Lock()
	s.figuresApart = true
	s.mu.Unlock()
}
