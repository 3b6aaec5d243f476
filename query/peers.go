package query

import (
	"context"
	"fmt"
	"math"
	"slices"

	"nianbao/internal/stats"
)

// MinPeers is the smallest peer group a body is ranked in: below it a
// percentile says more about who happened to file than about the body,
// so the group is shown (样本不足) but not ranked.
const MinPeers = 30

// PeerStat is one body's place in one peer group: the group's quartiles
// and the body's percentile rank (nil when the group is too small).
type PeerStat struct {
	Scope  string   `json:"scope"` // county, city, province, nation
	Place  string   `json:"place,omitempty"`
	N      int      `json:"n"`
	P25    *float64 `json:"p25"`
	P50    *float64 `json:"p50"`
	P75    *float64 `json:"p75"`
	Rank   *float64 `json:"percentile_rank"`
	Ranked bool     `json:"ranked"`
	Note   string   `json:"note,omitempty"`
}

// Quantile is stats.Quantile (type 7, as DuckDB's quantile_cont and
// Excel's PERCENTILE.INC).
func Quantile(sorted []float64, p float64) float64 { return stats.Quantile(sorted, p) }

// PercentileRank is the share of the group below v, counting ties as
// half (the mid-rank definition), in percent: the median body is at 50
// whatever the group's size.
func PercentileRank(values []float64, v float64) float64 {
	below, equal := 0, 0
	for _, x := range values {
		switch {
		case x < v:
			below++
		case x == v:
			equal++
		}
	}
	return (float64(below) + 0.5*float64(equal)) / float64(len(values)) * 100
}

// Peer places v in a group of values (the body's own among them).
func Peer(scope, place string, values []float64, v float64) PeerStat {
	s := PeerStat{Scope: scope, Place: place, N: len(values)}
	if len(values) == 0 {
		s.Note = "无可比数据"
		return s
	}
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	q := func(p float64) *float64 { x := round2(Quantile(sorted, p)); return &x }
	s.P25, s.P50, s.P75 = q(0.25), q(0.5), q(0.75)
	if len(values) < MinPeers {
		s.Note = fmt.Sprintf("样本不足（%d个，不足%d个不排名）", len(values), MinPeers)
		return s
	}
	r := round2(PercentileRank(values, v))
	s.Rank, s.Ranked = &r, true
	return s
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// Fraction shows a rate with what it is made of, "15.0% (3/20)", so a
// reader sees how few bodies a high rate may rest on.
func Fraction(n, d int) string {
	if d == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f%% (%d/%d)", float64(n)*100/float64(d), n, d)
}

// PeerMetrics are the per-body metrics peers are compared on, by the
// JSON name of AssessmentMetric's field.
var PeerMetrics = map[string]func(AssessmentMetric) *float64{
	"substantive_disclosure_rate": func(m AssessmentMetric) *float64 { return m.SubstantiveDisclosure },
	"procedural_share":            func(m AssessmentMetric) *float64 { return m.Procedural },
	"corrections_per_100_closed":  func(m AssessmentMetric) *float64 { return m.CorrectionsPer100 },
	"disputes_per_100_closed":     func(m AssessmentMetric) *float64 { return m.DisputesPer100 },
	"identities_kept_share":       func(m AssessmentMetric) *float64 { return m.IdentitiesKept },
}

// PeerValues are a metric's values per body (county|agency) among the
// reports f selects (a year, a level, a place), from AssessmentMetrics
// so the metric has one definition. Bodies without the metric (no
// application closed) are left out of the group.
func (s *Service) PeerValues(ctx context.Context, f Filter, metric string) (map[string]float64, error) {
	get, ok := PeerMetrics[metric]
	if !ok {
		valid := make([]string, 0, len(PeerMetrics))
		for k := range PeerMetrics {
			valid = append(valid, k)
		}
		slices.Sort(valid)
		return nil, &InputError{Field: "metric", Message: fmt.Sprintf("未知的指标 %q", metric), Valid: valid}
	}
	rows, err := s.AssessmentMetrics(ctx, f, GroupAgency)
	if err != nil {
		return nil, err
	}
	out := make(map[string]float64, len(rows))
	for _, m := range rows {
		if v := get(m); v != nil {
			out[m.County+"|"+m.Group] = *v
		}
	}
	return out, nil
}
