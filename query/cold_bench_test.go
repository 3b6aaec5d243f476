package query

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"nianbao/store"
)

// coldCase is one statistic as a route asks for it.
type coldCase struct {
	name string
	stat string // a statistic of figureStats, or "" for run
	f    Filter
	g    GroupBy
	run  func(context.Context, *Service) error
}

// BenchmarkColdStatistics measures the statistics with an empty answer
// cache (a new Service per run, as right after a write) on the database
// named by NIANBAO_BENCH_DB — a copy opened once for writing by this
// version, so report_figures is filled (see docs/benchmarks.md, "Cold
// statistics at 200 000 reports"). Each case reports p50 and p99 in ms
// over NIANBAO_BENCH_RUNS runs (default 10); with NIANBAO_BENCH_BEFORE=1
// the statistics' SQL from before report_figures is timed beside it.
func BenchmarkColdStatistics(b *testing.B) {
	path := os.Getenv("NIANBAO_BENCH_DB")
	if path == "" {
		b.Skip("NIANBAO_BENCH_DB names no database: nothing measured")
	}
	st, err := store.OpenReadOnly(path)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	st0 := st
	ctx := context.Background()
	var county string
	var year int
	if err := st.DB().QueryRowContext(ctx, `SELECT county, year FROM reports WHERE county <> '' GROUP BY ALL ORDER BY count(*) DESC, county LIMIT 1`).Scan(&county, &year); err != nil {
		b.Fatal(err)
	}
	var reports, figures, cells int
	if err := st.DB().QueryRowContext(ctx, `SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM report_figures), (SELECT count(*) FROM cells)`).Scan(&reports, &figures, &cells); err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: %d reports, %d report_figures rows, %d cell rows; county %s %d", path, reports, figures, cells, county, year)
	one := Filter{County: county, Year: year}
	cases := []coldCase{
		{name: "outcomes/all-by-province", stat: "Outcomes", g: GroupProvince},
		{name: "outcomes/county-year-by-agency", stat: "Outcomes", f: one, g: GroupAgency},
		{name: "applications/year-by-county", stat: "Applications", f: Filter{Year: year}, g: GroupCounty},
		{name: "reviews/all-by-year", stat: "Reviews", g: GroupYear},
		{name: "assessment/year-by-county", stat: "AssessmentMetrics", f: Filter{Year: year}, g: GroupCounty},
		{name: "proactive/all-by-year", stat: "Proactive", g: GroupYear},
		{name: "proactive/county-year-by-agency", stat: "Proactive", f: one, g: GroupAgency},
		{name: "compare/county-year-disclosure", run: func(ctx context.Context, s *Service) error {
			_, err := s.Compare(ctx, county, year, "outcomes.disclosure_rate")
			return err
		}},
		{name: "reports/county-year", run: func(ctx context.Context, s *Service) error {
			// Compare's list of towns, with their finding counts.
			_, err := s.Reports(ctx, Filter{County: county, Year: year, Limit: MaxLimit})
			return err
		}},
		{name: "findings/year-by-county", run: func(ctx context.Context, s *Service) error {
			_, err := s.Findings(ctx, Filter{Year: year}, GroupCounty)
			return err
		}},
		{name: "cells/t3.new.total-by-county", run: func(ctx context.Context, s *Service) error {
			_, err := s.Cells(ctx, []string{"t3.new.total"}, Filter{Year: year}, GroupCounty)
			return err
		}},
	}
	runs := 10
	if n, err := strconv.Atoi(os.Getenv("NIANBAO_BENCH_RUNS")); err == nil && n > 0 {
		runs = n
	}
	before := os.Getenv("NIANBAO_BENCH_BEFORE") == "1"
	if os.Getenv("NIANBAO_BENCH_EXPLAIN") == "1" {
		// Where the time goes, operator by operator (DuckDB's profile).
		for _, c := range cases {
			if c.stat == "" {
				continue
			}
			st, err := build(c.stat, c.f, c.g, nil)
			if err != nil {
				b.Fatal(err)
			}
			var kind, plan string
			if err := st0.DB().QueryRowContext(ctx, "EXPLAIN ANALYZE "+st.text, st.args...).Scan(&kind, &plan); err != nil {
				b.Fatal(err)
			}
			b.Logf("%s:\n%s", c.name, plan)
		}
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for range b.N {
				p50, p99 := coldTimes(b, runs, func() {
					s := New(st)
					var err error
					switch {
					case c.run != nil:
						err = c.run(ctx, s)
					default:
						err = runStat(ctx, s, c.stat, c.f, c.g)
					}
					if err != nil {
						b.Fatal(err)
					}
				})
				b.ReportMetric(p50, "p50-ms")
				b.ReportMetric(p99, "p99-ms")
				if before && c.stat != "" {
					body, err := os.ReadFile(filepath.Join("testdata", "before040", c.stat+".sql"))
					if err != nil {
						b.Fatal(err)
					}
					old, err := buildText(c.stat, string(body), c.f, c.g, nil)
					if err != nil {
						b.Fatal(err)
					}
					o50, o99 := coldTimes(b, runs, func() {
						rows, err := st.DB().QueryContext(ctx, old.text, old.args...)
						if err != nil {
							b.Fatal(err)
						}
						for rows.Next() {
						}
						rows.Close()
					})
					b.ReportMetric(o50, "before-p50-ms")
					b.ReportMetric(o99, "before-p99-ms")
				}
			}
		})
	}
}

func runStat(ctx context.Context, s *Service, stat string, f Filter, g GroupBy) error {
	var err error
	switch stat {
	case "Applications":
		_, err = s.Applications(ctx, f, g)
	case "Outcomes":
		_, err = s.Outcomes(ctx, f, g)
	case "Reviews":
		_, err = s.Reviews(ctx, f, g)
	case "AssessmentMetrics":
		_, err = s.AssessmentMetrics(ctx, f, g)
	case "Proactive":
		_, err = s.Proactive(ctx, f, g)
	}
	return err
}

// coldTimes runs f n times and returns the median and the 99th
// percentile (the slowest of fewer than 100 runs) in milliseconds.
func coldTimes(b *testing.B, n int, f func()) (p50, p99 float64) {
	b.Helper()
	ds := make([]float64, n)
	for i := range n {
		t0 := time.Now()
		f()
		ds[i] = float64(time.Since(t0).Microseconds()) / 1000
	}
	slices.Sort(ds)
	return ds[n/2], ds[min(n-1, n*99/100)]
}
