package dashboards

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"nianbao/query"
	"nianbao/report"
)

// reviewGroups are table 4's groups with their Chinese names.
var reviewGroups = []struct{ Code, Label string }{
	{"reconsideration", "行政复议"},
	{"litigation_direct", "行政诉讼（未经复议直接起诉）"},
	{"litigation_after", "行政诉讼（复议后起诉）"},
}

// outcomeLabel is the Chinese name of a table-4 outcome.
func outcomeLabel(o string) string { return afterDot(report.Label("t4.reconsideration." + o)) }

// afterDot returns the part of a catalogue label after " · ".
func afterDot(label string) string {
	if i := strings.LastIndex(label, " · "); i >= 0 {
		return label[i+len(" · "):]
	}
	return label
}

// values reads one group's sums.
type values map[string]*float64

func (v values) get(code string) *float64 { return v[code] }

// sum adds the codes present; nil when none is.
func (v values) sum(codes ...string) *float64 {
	var s *float64
	for _, c := range codes {
		if p := v[c]; p != nil {
			if s == nil {
				s = f(0)
			}
			*s += *p
		}
	}
	return s
}

// listReports returns every report the filter selects, following pages.
func listReports(ctx context.Context, q *query.Service, f query.Filter) ([]query.ReportSummary, error) {
	var all []query.ReportSummary
	f.Limit = query.MaxLimit
	for f.Offset = 0; ; f.Offset += query.MaxLimit {
		page, err := q.Reports(ctx, f)
		if err != nil {
			return nil, err
		}
		all = append(all, page.Reports...)
		if len(page.Reports) < query.MaxLimit || len(all) >= page.Total {
			return all, nil
		}
	}
}

// groupNames lists the groups of a grouping (counties, years, agencies).
func groupNames(ctx context.Context, q *query.Service, f query.Filter, g query.GroupBy) ([]query.Group, error) {
	res, err := q.Cells(ctx, []string{"t3.new.total"}, f, g)
	if err != nil {
		return nil, err
	}
	out := make([]query.Group, len(res.Rows))
	for i, r := range res.Rows {
		out[i] = r.Group
	}
	return out, nil
}

// Links between pages.
func countyURL(county string, year int) string {
	return "/dashboards/county?" + url.Values{"county": {county}, "year": {strconv.Itoa(year)}}.Encode()
}

func qualityURL(county string, year int) string {
	return "/dashboards/quality?" + url.Values{"county": {county}, "year": {strconv.Itoa(year)}}.Encode()
}

func compareURL(county string, year int, towns ...string) string {
	v := url.Values{"county": {county}, "year": {strconv.Itoa(year)}}
	for _, t := range towns {
		v.Add("town", t)
	}
	return "/dashboards/compare?" + v.Encode()
}

func townURL(agency, county string) string {
	v := url.Values{"agency": {agency}}
	if county != "" {
		v.Set("county", county)
	}
	return "/dashboards/town?" + v.Encode()
}

func navFor(county string, year int) *nav {
	if county == "" {
		return nil
	}
	return &nav{County: county, CountyURL: countyURL(county, year), CompareURL: compareURL(county, year), QualityURL: qualityURL(county, year)}
}

// ruleLabel is a rule's Chinese name, or its code when it has none.
func ruleLabel(rule string) string {
	if l, ok := report.RuleLabels[rule]; ok {
		return l
	}
	return rule
}

func severityLabel(s string) string {
	if l, ok := report.SeverityLabels[s]; ok {
		return l
	}
	return s
}
