package query

import (
	"context"
	"fmt"
)

// AssessmentMetric is one group's assessment metrics (docs/metrics.md).
// A share of nothing is nil, never zero.
type AssessmentMetric struct {
	Group   string `json:"group"`
	County  string `json:"county,omitempty"`
	Reports int    `json:"reports"`
	// SubstantiveDisclosure (实质公开率) is Outcomes' substantive_rate:
	// (予以公开 + 部分公开) ÷ (予以公开 + 部分公开 + 不予公开).
	SubstantiveDisclosure *float64 `json:"substantive_disclosure_rate"`
	// ReconsiderationCorrected (复议纠错率) is Reviews' reconsideration
	// correction_rate: 纠正 ÷ (维持 + 纠正 + 其他).
	ReconsiderationCorrected *float64 `json:"reconsideration_corrected_rate"`
	// DisputesPer100 is 复议 + 诉讼 (both kinds) per 100 closed applications.
	DisputesPer100 *float64 `json:"disputes_per_100_closed"`
	// CorrectionsPer100 is 结果纠正 of all three groups per 100 closed.
	CorrectionsPer100 *float64 `json:"corrections_per_100_closed"`
	// Procedural is the share closed on procedural grounds: (不予处理 +
	// 其他处理) ÷ 办理总计.
	Procedural *float64 `json:"procedural_share"`
	// IdentitiesKept is the share of reports keeping rules 1–4.
	IdentitiesKept *float64 `json:"identities_kept_share"`
	// Backlog is the applications carried forward (结转下年度继续办理).
	Backlog float64 `json:"carried_forward_backlog"`
	Closed  float64 `json:"closed"`
}

// AssessmentMetrics are the metrics an assessor asks for, per group. The
// two rates other statistics already compute are theirs (Outcomes' 实质公开率,
// Reviews' 复议纠错率): AssessmentMetrics.sql sums what they are made of and
// they are computed here as Outcomes and Reviews do, so each is defined
// once and the filter read once (TestAssessmentMetricsAsBefore holds them
// to the two statistics).
func (s *Service) AssessmentMetrics(ctx context.Context, f Filter, g GroupBy) ([]AssessmentMetric, error) {
	f.Limit, f.Offset = 0, 0
	return cached(ctx, s, "AssessmentMetrics|"+f.key()+"|"+string(g), func() ([]AssessmentMetric, error) {
		out, _, err := s.assessmentMetrics(ctx, f, g)
		return out, err
	})
}

// metricSums are the sums of one group's row of AssessmentMetrics.sql,
// kept so that groups can be added up into their union
// (CountyAssessmentMetrics).
type metricSums struct {
	reports, ok                                     int
	closed, procedural, backlog, disputes, corrects float64
	// Outcomes' released (予以公开 + 部分公开) and denied, Reviews'
	// reconsideration counts; zero for a group that statistic has no
	// row for.
	released, denied         float64
	upheld, corrected, other float64
}

// add adds another group's sums.
func (x *metricSums) add(y metricSums) {
	x.reports += y.reports
	x.ok += y.ok
	x.closed += y.closed
	x.procedural += y.procedural
	x.backlog += y.backlog
	x.disputes += y.disputes
	x.corrects += y.corrects
	x.released += y.released
	x.denied += y.denied
	x.upheld += y.upheld
	x.corrected += y.corrected
	x.other += y.other
}

// metric sets the metrics made of the sums but the two rates.
func (x metricSums) metric(m *AssessmentMetric) {
	m.Reports, m.Closed, m.Backlog = x.reports, x.closed, x.backlog
	m.DisputesPer100 = per100(x.disputes, x.closed)
	m.CorrectionsPer100 = per100(x.corrects, x.closed)
	m.Procedural = share(x.procedural, x.closed)
	m.IdentitiesKept = share(float64(x.ok), float64(x.reports))
}

// assessmentMetrics runs AssessmentMetrics.sql uncached: the metrics and
// each row's sums.
func (s *Service) assessmentMetrics(ctx context.Context, f Filter, g GroupBy) ([]AssessmentMetric, []metricSums, error) {
	rows, err := s.query(ctx, "AssessmentMetrics", f, g, nil)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	out := []AssessmentMetric{}
	var sums []metricSums
	for rows.Next() {
		var m AssessmentMetric
		var x metricSums
		var withT3, withT4 int
		var granted, partial float64
		d := make([]float64, len(DeniedReasons))
		var r ReviewCounts
		dest := []any{&m.Group, &m.County, &x.reports, &x.closed, &x.procedural, &x.backlog, &x.disputes, &x.corrects, &x.ok, &withT3, &granted, &partial}
		for i := range d {
			dest = append(dest, &d[i])
		}
		dest = append(dest, &withT4, &r.Upheld, &r.Corrected, &r.Other)
		if err := rows.Scan(dest...); err != nil {
			return nil, nil, fmt.Errorf("query AssessmentMetrics: %w", err)
		}
		x.metric(&m)
		// The two rates as Outcomes and Reviews compute them (same
		// additions in the same order), for the groups they have a row
		// for.
		if withT3 > 0 {
			for _, v := range d {
				x.denied += v
			}
			x.released = granted + partial
			m.SubstantiveDisclosure = share(x.released, x.released+x.denied)
		}
		if withT4 > 0 {
			r.rate()
			m.ReconsiderationCorrected = r.CorrectionRate
			x.upheld, x.corrected, x.other = r.Upheld, r.Corrected, r.Other
		}
		out = append(out, m)
		sums = append(sums, x)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("query AssessmentMetrics: %w", err)
	}
	return out, sums, nil
}

func per100(num, den float64) *float64 {
	if p := share(num, den); p != nil {
		v := *p * 100
		return &v
	}
	return nil
}
