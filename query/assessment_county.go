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
// GroupNone, computed from the three statements of the grouping by agency
// alone: the county's line adds up the agencies' sums (counts of
// applications, whole numbers, so the order of the additions cannot
// change them). Asking both groupings ran six statements over the same
// filter, 40–57 ms each at 200 000 reports (docs/benchmarks.md, "Pages
// cold at 200 000"). TestCountyMetricsAsBothGroupings holds it to the two
// AssessmentMetrics it replaces.
func (s *Service) CountyAssessmentMetrics(ctx context.Context, f Filter) (CountyMetrics, error) {
	f.Limit, f.Offset = 0, 0
	return cached(s, "CountyAssessmentMetrics|"+f.key(), func() (CountyMetrics, error) {
		p, err := s.assessmentMetrics(ctx, f, GroupAgency)
		if err != nil {
			return CountyMetrics{}, err
		}
		out := CountyMetrics{PerAgency: p.metrics}
		if len(p.metrics) == 0 {
			// No report with figures: GroupNone has no row either.
			return out, nil
		}
		var x metricSums
		for _, g := range p.sums {
			x.reports += g.reports
			x.ok += g.ok
			x.closed += g.closed
			x.procedural += g.procedural
			x.backlog += g.backlog
			x.disputes += g.disputes
			x.corrects += g.corrects
		}
		all := AssessmentMetric{Group: AllGroupLabel, Reports: x.reports, Closed: x.closed, Backlog: x.backlog}
		x.metric(&all)
		// The two rates over every Outcomes and Reviews row (an agency
		// there may have no figures row and still count in GroupNone's).
		var released, denied, upheld, corrected, other float64
		for _, r := range p.outcomes.Rows {
			released += r.Counts.Granted + r.Counts.Partial
			denied += r.Counts.Denied
		}
		for _, r := range p.reviews.Rows {
			c := r.Reconsideration
			upheld, corrected, other = upheld+c.Upheld, corrected+c.Corrected, other+c.Other
		}
		all.SubstantiveDisclosure = share(released, released+denied)
		all.ReconsiderationCorrected = share(corrected, upheld+corrected+other)
		out.All = &all
		return out, nil
	})
}
