package dashboards

import (
	"context"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"nianbao/query"
	"nianbao/report"
)

// mixCategory is one of the six outcomes of table 3 drawn in the
// disclosure mix, with the row codes (column "total") it adds up.
type mixCategory struct {
	Label string
	Codes []string
}

// mixCategories follow table 3's outcome rows. 其他处理 is the printed row in
// the 2019 edition and the derived one (sum of three sub-rows) in 2021.
var mixCategories = func() []mixCategory {
	cats := []mixCategory{
		{Label: "予以公开", Codes: []string{"t3.granted.total"}},
		{Label: "部分公开", Codes: []string{"t3.partial.total"}},
		{Label: "不予公开"}, {Label: "无法提供"}, {Label: "不予处理"},
		{Label: "其他处理", Codes: []string{"t3.other.total"}},
	}
	for _, r := range report.T3Rows {
		code := "t3." + r.Code + ".total"
		switch {
		case strings.HasPrefix(r.Code, "denied."):
			cats[2].Codes = append(cats[2].Codes, code)
		case strings.HasPrefix(r.Code, "unavailable."):
			cats[3].Codes = append(cats[3].Codes, code)
		case strings.HasPrefix(r.Code, "not_processed."):
			cats[4].Codes = append(cats[4].Codes, code)
		}
	}
	return cats
}()

// otherSubCodes are the 2021 sub-rows of 其他处理, used when a report lacks
// the derived row.
var otherSubCodes = func() []string {
	var codes []string
	for _, s := range report.T3OtherSubRows {
		codes = append(codes, "t3."+s+".total")
	}
	return codes
}()

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

// overviewCodes are every cell the county and compare pages read.
func overviewCodes() []string {
	codes := []string{"t3.new.total", "t3.total.total", "t3.carry_forward.total"}
	for _, m := range mixCategories {
		codes = append(codes, m.Codes...)
	}
	codes = append(codes, otherSubCodes...)
	for _, g := range reviewGroups {
		for _, o := range report.T4Outcomes {
			codes = append(codes, "t4."+g.Code+"."+o)
		}
	}
	return codes
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

// mix returns the six outcome counts of table 3.
func (v values) mix() []*float64 {
	out := make([]*float64, len(mixCategories))
	for i, m := range mixCategories {
		out[i] = v.sum(m.Codes...)
	}
	if out[5] == nil {
		out[5] = v.sum(otherSubCodes...)
	}
	return out
}

// shares turns counts into percentages of their sum; all nil when the sum
// is 0 (a share of nothing is unknown, not zero).
func shares(counts []*float64) []*float64 {
	total := 0.0
	for _, c := range counts {
		if c != nil {
			total += *c
		}
	}
	out := make([]*float64, len(counts))
	if total == 0 {
		return out
	}
	for i, c := range counts {
		if c != nil {
			out[i] = f(round1(*c / total * 100))
		}
	}
	return out
}

func round1(v float64) float64 {
	return float64(int64(v*10+0.5*sign(v))) / 10
}

func sign(v float64) float64 {
	if v < 0 {
		return -1
	}
	return 1
}

// median of the present values; nil when there are none.
func median(vals []*float64) *float64 {
	var xs []float64
	for _, v := range vals {
		if v != nil {
			xs = append(xs, *v)
		}
	}
	if len(xs) == 0 {
		return nil
	}
	sort.Float64s(xs)
	n := len(xs)
	if n%2 == 1 {
		return f(xs[n/2])
	}
	return f((xs[n/2-1] + xs[n/2]) / 2)
}

// townCells sums the overview codes per agency of a county and year.
func townCells(ctx context.Context, q *query.Service, county string, year int) (map[string]values, error) {
	res, err := q.Cells(ctx, overviewCodes(), query.Filter{County: county, Year: year}, query.GroupAgency)
	if err != nil {
		return nil, err
	}
	out := map[string]values{}
	for _, r := range res.Rows {
		out[r.Group.Group] = r.Values
	}
	return out, nil
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
