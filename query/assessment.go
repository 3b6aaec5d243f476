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
	// SubstantiveDisclosure (实质公开率) is (予以公开 + 部分公开) ÷ 办理总计.
	SubstantiveDisclosure *float64 `json:"substantive_disclosure_rate"`
	// ReconsiderationCorrected (复议纠错率) is 复议结果纠正 ÷ 复议已审结
	// (总计 − 尚未审结).
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

// AssessmentMetrics are the metrics an assessor asks for, per group.
func (s *Service) AssessmentMetrics(ctx context.Context, f Filter, g GroupBy) ([]AssessmentMetric, error) {
	return cached(s, "assessment-metrics|"+f.key()+"|"+string(g), func() ([]AssessmentMetric, error) {
		rows, err := s.query(ctx, "AssessmentMetrics", f, g, nil)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		out := []AssessmentMetric{}
		for rows.Next() {
			var m AssessmentMetric
			var disclosed, procedural, reconCorr, reconTotal, reconPending, disputes, corrections float64
			var ok int
			if err := rows.Scan(&m.Group, &m.County, &m.Reports, &disclosed, &m.Closed, &procedural, &m.Backlog,
				&reconCorr, &reconTotal, &reconPending, &disputes, &corrections, &ok); err != nil {
				return nil, fmt.Errorf("query AssessmentMetrics: %w", err)
			}
			m.SubstantiveDisclosure = share(disclosed, m.Closed)
			m.ReconsiderationCorrected = share(reconCorr, reconTotal-reconPending)
			m.DisputesPer100 = per100(disputes, m.Closed)
			m.CorrectionsPer100 = per100(corrections, m.Closed)
			m.Procedural = share(procedural, m.Closed)
			m.IdentitiesKept = share(float64(ok), float64(m.Reports))
			out = append(out, m)
		}
		return out, rows.Err()
	})
}

func per100(num, den float64) *float64 {
	if p := share(num, den); p != nil {
		v := *p * 100
		return &v
	}
	return nil
}
