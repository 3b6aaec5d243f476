package dashboards

import (
	"context"
	"math"
	"sync"

	"golang.org/x/sync/errgroup"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"nianbao/query"
	"nianbao/report"
)

// agencyStats are query's named statistics for each agency of one filter
// (grouped by agency). The pages read their numbers from here, never from
// raw cells, so a page and /api/v1/stats/* with the same filter show the
// same figures (docs/metrics.md). An agency whose table was not read has
// no row: every figure from that table is nil ("—"), not 0.
type agencyStats struct {
	app map[string]*query.ApplicationsRow
	out map[string]*query.OutcomesRow
	rev map[string]*query.ReviewsRow
	met map[string]*query.AssessmentMetric
	t2  map[string]map[string]*float64 // table 2 (2021 edition) by agency
}

// rank is one agency's statistics as query ranks them.
func (s agencyStats) rank(agency string) query.RankStats {
	return query.RankStats{App: s.app[agency], Out: s.out[agency], Rev: s.rev[agency], Met: s.met[agency], T2: s.t2[agency]}
}

// loadStats reads the five statistics of one filter at once: they do not
// depend on one another, and each is mostly DuckDB's fixed cost of a
// statement (a few ms at 200 000 reports), which two cores overlap.
func loadStats(ctx context.Context, q *query.Service, f query.Filter) (agencyStats, error) {
	var (
		app query.ApplicationsResult
		out query.OutcomesResult
		rev query.ReviewsResult
		met []query.AssessmentMetric
		pro query.ProactiveResult
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { app, err = q.Applications(gctx, f, query.GroupAgency); return err })
	g.Go(func() (err error) { out, err = q.Outcomes(gctx, f, query.GroupAgency); return err })
	g.Go(func() (err error) { rev, err = q.Reviews(gctx, f, query.GroupAgency); return err })
	g.Go(func() (err error) { met, err = q.AssessmentMetrics(gctx, f, query.GroupAgency); return err })
	g.Go(func() (err error) { pro, err = q.Proactive(gctx, f, query.GroupAgency); return err })
	if err := g.Wait(); err != nil {
		return agencyStats{}, err
	}
	return statsOf(f, app, out, rev, met, pro), nil
}

// loadCountyStats reads the county page's statistics of f (a county, a
// year, a level) and the trend of f's every year: applications, outcomes
// and reviews of both from one statement (query.CountyFigures), the
// assessment metrics and Proactive beside it. Each statement of a county
// cost DuckDB's fixed 2–6 ms at 200 000 reports, seven of them for those
// three statistics (docs/benchmarks.md, "fourth pass").
func loadCountyStats(ctx context.Context, q *query.Service, f query.Filter) (agencyStats, trendStats, error) {
	var (
		cf  query.CountyFigures
		met []query.AssessmentMetric
		pro query.ProactiveResult
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { cf, err = q.CountyFigures(gctx, f); return err })
	g.Go(func() (err error) { met, err = q.AssessmentMetrics(gctx, f, query.GroupAgency); return err })
	g.Go(func() (err error) { pro, err = q.Proactive(gctx, f, query.GroupAgency); return err })
	if err := g.Wait(); err != nil {
		return agencyStats{}, trendStats{}, err
	}
	trend := trendStats{app: cf.ApplicationsByYear, out: cf.OutcomesByYear, rev: cf.ReviewsByYear}
	return statsOf(f, cf.Applications, cf.Outcomes, cf.Reviews, met, pro), trend, nil
}

// statsOf lays out the statistics of f by agency.
func statsOf(f query.Filter, app query.ApplicationsResult, out query.OutcomesResult, rev query.ReviewsResult, met []query.AssessmentMetric, pro query.ProactiveResult) agencyStats {
	s := agencyStats{app: map[string]*query.ApplicationsRow{}, out: map[string]*query.OutcomesRow{},
		rev: map[string]*query.ReviewsRow{}, met: map[string]*query.AssessmentMetric{}, t2: map[string]map[string]*float64{}}
	// Within a county an agency is its name; across counties two towns
	// share a name (城关镇), so the county comes with it.
	key := func(g query.Group) string {
		if f.County != "" {
			return g.Group
		}
		return g.County + "/" + g.Group
	}
	for i := range app.Rows {
		s.app[key(app.Rows[i].Group)] = &app.Rows[i]
	}
	for i := range out.Rows {
		s.out[key(out.Rows[i].Group)] = &out.Rows[i]
	}
	for i := range rev.Rows {
		s.rev[key(rev.Rows[i].Group)] = &rev.Rows[i]
	}
	for i := range met {
		s.met[key(query.Group{Group: met[i].Group, County: met[i].County})] = &met[i]
	}
	for _, r := range pro.Rows {
		if r.Edition == report.Edition2021 {
			s.t2[key(r.Group)] = r.Values
		}
	}
	return s
}

// mixCategories are the six outcomes of table 3 as the pages draw them.
var mixCategories = []string{"予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他处理"}

// mixCounts are an outcomes row's six counts; all nil without a row.
func mixCounts(r *query.OutcomesRow) []*float64 {
	out := make([]*float64, len(mixCategories))
	if r == nil {
		return out
	}
	c := r.Counts
	for i, v := range []float64{c.Granted, c.Partial, c.Denied, c.Unavailable, c.NotProcessed, c.Other} {
		out[i] = f(v)
	}
	return out
}

// mixShares are the row's shares of 办理总计 in percent (query's
// definition, count ÷ t3.total.total), rounded to one decimal.
func mixShares(r *query.OutcomesRow) []*float64 {
	out := make([]*float64, len(mixCategories))
	if r == nil {
		return out
	}
	s := r.Shares
	for i, p := range []*float64{s.Granted, s.Partial, s.Denied, s.Unavailable, s.NotProcessed, s.Other} {
		out[i] = percent(p)
	}
	return out
}

// percent turns a share in [0,1] into a percentage with one decimal.
func percent(p *float64) *float64 {
	if p == nil {
		return nil
	}
	return f(math.Round(*p*1000) / 10)
}

func (s agencyStats) newApps(agency string) *float64 {
	if r := s.app[agency]; r != nil {
		return f(r.New)
	}
	return nil
}

// medianOf is query's median of the present values.
func medianOf(vals []*float64) *float64 {
	var xs []float64
	for _, v := range vals {
		if v != nil {
			xs = append(xs, *v)
		}
	}
	return query.Median(xs)
}

// zhCollator orders Chinese names by pinyin, as a reader looks them up,
// not by code point.
var zhCollator = collate.New(language.Chinese)

// sortNames sorts names by pinyin in place.
func sortNames(names []string) {
	zhMu.Lock()
	defer zhMu.Unlock() // a Collator is not safe for concurrent use
	zhCollator.SortStrings(names)
}

var zhMu sync.Mutex

// sortedTowns lists the agencies of the reports, by pinyin.
func sortedTowns(reports []query.ReportSummary) []string {
	seen := map[string]bool{}
	var towns []string
	for _, r := range reports {
		if !seen[r.Agency] {
			seen[r.Agency] = true
			towns = append(towns, r.Agency)
		}
	}
	sortNames(towns)
	return towns
}
