package query

import (
	"context"
	"fmt"

	"nianbao/report"
)

// RuleCount is how often one rule was broken.
type RuleCount struct {
	Rule          string `json:"rule"`
	Label         string `json:"label"`
	Severity      string `json:"severity"`
	SeverityLabel string `json:"severity_label"`
	Findings      int    `json:"findings"`
	Reports       int    `json:"reports"`
}

// GroupFindings counts findings in one group.
type GroupFindings struct {
	Group
	WithFindings int `json:"with_findings"`
	Errors       int `json:"errors"`
	Warnings     int `json:"warnings"`
	Infos        int `json:"infos"`
}

// FindingsSummary feeds the data-quality page.
type FindingsSummary struct {
	GroupBy GroupBy         `json:"group_by"`
	ByRule  []RuleCount     `json:"by_rule"`
	ByGroup []GroupFindings `json:"by_group"`
}

// Findings counts findings by rule and per group (by agency when g is
// GroupNone), most errors first.
func (s *Service) Findings(ctx context.Context, f Filter, g GroupBy) (FindingsSummary, error) {
	f.Limit, f.Offset = 0, 0
	if g == GroupNone {
		g = GroupAgency
	}
	return cached(ctx, s, "Findings|"+f.key()+"|"+string(g), func() (FindingsSummary, error) {
		res := FindingsSummary{GroupBy: g, ByRule: []RuleCount{}, ByGroup: []GroupFindings{}}
		rows, err := s.query(ctx, "FindingsByRule", f, g, nil)
		if err != nil {
			return res, err
		}
		for rows.Next() {
			var rc RuleCount
			if err := rows.Scan(&rc.Rule, &rc.Severity, &rc.Findings, &rc.Reports); err != nil {
				rows.Close()
				return res, fmt.Errorf("findings by rule: %w", err)
			}
			rc.Label = labelOr(report.RuleLabels, rc.Rule)
			rc.SeverityLabel = labelOr(report.SeverityLabels, rc.Severity)
			res.ByRule = append(res.ByRule, rc)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return res, err
		}
		rows, err = s.query(ctx, "FindingsByGroup", f, g, nil)
		if err != nil {
			return res, err
		}
		defer rows.Close()
		for rows.Next() {
			var gf GroupFindings
			if err := rows.Scan(&gf.Group.Group, &gf.County, &gf.Reports, &gf.WithFindings, &gf.Errors, &gf.Warnings, &gf.Infos); err != nil {
				return res, fmt.Errorf("findings by group: %w", err)
			}
			res.ByGroup = append(res.ByGroup, gf)
		}
		return res, rows.Err()
	})
}

func labelOr(m map[string]string, k string) string {
	if v, ok := m[k]; ok {
		return v
	}
	return k
}
