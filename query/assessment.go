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
// two rates other statistics already compute are taken from them
// (Outcomes' 实质公开率, Reviews' 复议纠错率), so each is defined once.
func (s *Service) AssessmentMetrics(ctx context.Context, f Filter, g GroupBy) ([]AssessmentMetric, error) {
	f.Limit, f.Offset = 0, 0
	return cached(s, "AssessmentMetrics|"+f.key()+"|"+string(g), func() ([]AssessmentMetric, error) {
		outcomes, err := s.Outcomes(ctx, f, g)
		if err != nil {
			return nil, err
		}
		reviews, err := s.Reviews(ctx, f, g)
		if err != nil {
			return nil, err
		}
		return s.assessmentMetrics(ctx, f, g, outcomes, reviews)
	})
}

// assessmentMetrics is AssessmentMetrics uncached, with the Outcomes and
// Reviews of the same filter and grouping.
func (s *Service) assessmentMetrics(ctx context.Context, f Filter, g GroupBy, outcomes OutcomesResult, reviews ReviewsResult) ([]AssessmentMetric, error) {
	type key struct{ group, county string }
	substantive := map[key]*float64{}
	for _, r := range outcomes.Rows {
		substantive[key{r.Group.Group, r.County}] = r.SubstantiveRate
	}
	corrected := map[key]*float64{}
	for _, r := range reviews.Rows {
		corrected[key{r.Group.Group, r.County}] = r.Reconsideration.CorrectionRate
	}
	rows, err := s.query(ctx, "AssessmentMetrics", f, g, nil)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []AssessmentMetric{}
	for rows.Next() {
		var m AssessmentMetric
		var procedural, disputes, corrections float64
		var ok int
		if err := rows.Scan(&m.Group, &m.County, &m.Reports, &m.Closed, &procedural, &m.Backlog, &disputes, &corrections, &ok); err != nil {
			return nil, fmt.Errorf("query AssessmentMetrics: %w", err)
		}
		k := key{m.Group, m.County}
		m.SubstantiveDisclosure, m.ReconsiderationCorrected = substantive[k], corrected[k]
		m.DisputesPer100 = per100(disputes, m.Closed)
		m.CorrectionsPer100 = per100(corrections, m.Closed)
		m.Procedural = share(procedural, m.Closed)
		m.IdentitiesKept = share(float64(ok), float64(m.Reports))
		out = append(out, m)
	}
	return out, rows.Err()
}

func per100(num, den float64) *float64 {
	if p := share(num, den); p != nil {
		v := *p * 100
		return &v
	}
	return nil
}
