package query

import (
	"context"
	"fmt"
)

// CountyMetrics are a county's assessment metrics per agency and for the
// county as a whole (GET /api/v1/assessment).
type CountyMetrics struct {
	PerAgency []AssessmentMetric
	// All is the metrics of every report of the filter (GroupNone); nil
	// when no report has figures.
	All *AssessmentMetric
}

// CountyAssessmentMetrics is AssessmentMetrics of f by agency and with
// GroupNone in one statement (CountyAssessmentMetrics.sql) where the two
// asked six (AssessmentMetrics, Outcomes and Reviews each, 40–57 ms for
// the first at 200 000 reports: docs/benchmarks.md, "Pages cold at
// 200 000"). The county's line adds up the agencies' sums: counts of
// applications, whole numbers, so the order of the additions cannot
// change them. TestCountyMetricsAsBothGroupings holds it to the two
// AssessmentMetrics it replaces.
func (s *Service) CountyAssessmentMetrics(ctx context.Context, f Filter) (CountyMetrics, error) {
	f.Limit, f.Offset = 0, 0
	return cached(s, "CountyAssessmentMetrics|"+f.key(), func() (CountyMetrics, error) {
		rows, err := s.query(ctx, "CountyAssessmentMetrics", f, GroupAgency, nil)
		if err != nil {
			return CountyMetrics{}, err
		}
		defer rows.Close()
		out := CountyMetrics{PerAgency: []AssessmentMetric{}}
		var all metricSums
		var released, denied, upheld, corrected, other float64
		for rows.Next() {
			var m AssessmentMetric
			var x metricSums
			var withT3, withT4 int
			var granted, partial float64
			d := make([]float64, len(DeniedReasons))
			var r ReviewCounts
			dest := []any{&m.Group, &m.County, &m.Reports, &m.Closed, &x.procedural, &m.Backlog, &x.disputes, &x.corrects, &x.ok, &withT3, &granted, &partial}
			for i := range d {
				dest = append(dest, &d[i])
			}
			dest = append(dest, &withT4, &r.Upheld, &r.Corrected, &r.Other)
			if err := rows.Scan(dest...); err != nil {
				return CountyMetrics{}, fmt.Errorf("query CountyAssessmentMetrics: %w", err)
			}
			x.metric(&m)
			// The rates as Outcomes and Reviews compute them, for the
			// groups they have a row for.
			if withT3 > 0 {
				var den float64
				for _, v := range d {
					den += v
				}
				rel := granted + partial
				m.SubstantiveDisclosure = share(rel, rel+den)
				released, denied = released+rel, denied+den
			}
			if withT4 > 0 {
				r.rate()
				m.ReconsiderationCorrected = r.CorrectionRate
				upheld, corrected, other = upheld+r.Upheld, corrected+r.Corrected, other+r.Other
			}
			all.reports += m.Reports
			all.ok += x.ok
			all.closed += m.Closed
			all.procedural += x.procedural
			all.backlog += m.Backlog
			all.disputes += x.disputes
			all.corrects += x.corrects
			out.PerAgency = append(out.PerAgency, m)
		}
		if err := rows.Err(); err != nil {
			return CountyMetrics{}, fmt.Errorf("query CountyAssessmentMetrics: %w", err)
		}
		if len(out.PerAgency) == 0 {
			return out, nil // no report with figures: GroupNone has no row either
		}
		m := AssessmentMetric{Group: AllGroupLabel, Reports: all.reports, Closed: all.closed, Backlog: all.backlog}
		all.metric(&m)
		m.SubstantiveDisclosure = share(released, released+denied)
		m.ReconsiderationCorrected = share(corrected, upheld+corrected+other)
		out.All = &m
		return out, nil
	})
}
