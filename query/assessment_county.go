package query

import "context"

// CountyMetrics are a county's assessment metrics per agency and for the
// county as a whole (GET /api/v1/assessment).
type CountyMetrics struct {
	PerAgency []AssessmentMetric
	// All is the metrics of every report of the filter (GroupNone); nil
	// when no report has figures.
	All *AssessmentMetric
}

// CountyAssessmentMetrics is AssessmentMetrics of f by agency and with
// GroupNone from one statement, where the two asked two (six before
// AssessmentMetrics.sql carried the two rates' sums: 40–57 ms each at
// 200 000 reports, docs/benchmarks.md "Pages cold at 200 000"). The
// county's line adds up the agencies' sums: counts of applications, whole
// numbers, so the order of the additions cannot change them.
// TestCountyMetricsAsBothGroupings holds it to the two groupings as
// computed before.
func (s *Service) CountyAssessmentMetrics(ctx context.Context, f Filter) (CountyMetrics, error) {
	f.Limit, f.Offset = 0, 0
	return cached(ctx, s, "CountyAssessmentMetrics|"+f.key(), func() (CountyMetrics, error) {
		per, sums, err := s.assessmentMetrics(ctx, f, GroupAgency)
		if err != nil || len(per) == 0 {
			// No report with figures: GroupNone has no row either.
			return CountyMetrics{PerAgency: per}, err
		}
		var x metricSums
		for _, y := range sums {
			x.add(y)
		}
		all := AssessmentMetric{Group: AllGroupLabel}
		x.metric(&all)
		all.SubstantiveDisclosure = share(x.released, x.released+x.denied)
		all.ReconsiderationCorrected = share(x.corrected, x.upheld+x.corrected+x.other)
		return CountyMetrics{PerAgency: per, All: &all}, nil
	})
}
