package query

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"golang.org/x/sync/errgroup"

	"nianbao/internal/stats"
	"nianbao/report"
)

// Metric is a named figure towns can be compared on.
type Metric struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	// Rate metrics are shares in [0,1]; the others are counts.
	Rate bool `json:"rate,omitempty"`
}

// townStats are the statistics of one agency that named metrics read.
type townStats struct {
	app *ApplicationsRow
	out *OutcomesRow
	rev *ReviewsRow
}

type metricDef struct {
	Metric
	value func(townStats) *float64
}

func appVal(f func(*ApplicationsRow) float64) func(townStats) *float64 {
	return func(t townStats) *float64 {
		if t.app == nil {
			return nil
		}
		return ptr(f(t.app))
	}
}

func outVal(f func(*OutcomesRow) *float64) func(townStats) *float64 {
	return func(t townStats) *float64 {
		if t.out == nil {
			return nil
		}
		return f(t.out)
	}
}

func revVal(f func(*ReviewsRow) *float64) func(townStats) *float64 {
	return func(t townStats) *float64 {
		if t.rev == nil {
			return nil
		}
		return f(t.rev)
	}
}

var namedMetrics = []metricDef{
	{Metric{"applications.new", "本年新收申请数", false}, appVal(func(r *ApplicationsRow) float64 { return r.New })},
	{Metric{"applications.received", "新收与上年结转申请数", false}, appVal(func(r *ApplicationsRow) float64 { return r.Received })},
	{Metric{"applications.carried_over", "上年结转申请数", false}, appVal(func(r *ApplicationsRow) float64 { return r.CarriedOver })},
	{Metric{"applications.natural", "自然人新收申请数", false}, appVal(func(r *ApplicationsRow) float64 { return r.ByApplicant.Natural })},
	{Metric{"applications.carry_forward", "结转下年度继续办理数", false}, appVal(func(r *ApplicationsRow) float64 { return r.CarryForward })},
	{Metric{"outcomes.total", "办理总计", false}, outVal(func(r *OutcomesRow) *float64 { return ptr(r.Total) })},
	{Metric{"outcomes.granted", "予以公开数", false}, outVal(func(r *OutcomesRow) *float64 { return ptr(r.Counts.Granted) })},
	{Metric{"outcomes.partial", "部分公开数", false}, outVal(func(r *OutcomesRow) *float64 { return ptr(r.Counts.Partial) })},
	{Metric{"outcomes.denied", "不予公开数", false}, outVal(func(r *OutcomesRow) *float64 { return ptr(r.Counts.Denied) })},
	{Metric{"outcomes.unavailable", "无法提供数", false}, outVal(func(r *OutcomesRow) *float64 { return ptr(r.Counts.Unavailable) })},
	{Metric{"outcomes.not_processed", "不予处理数", false}, outVal(func(r *OutcomesRow) *float64 { return ptr(r.Counts.NotProcessed) })},
	{Metric{"outcomes.other", "其他处理数", false}, outVal(func(r *OutcomesRow) *float64 { return ptr(r.Counts.Other) })},
	{Metric{"outcomes.disclosure_rate", "公开率", true}, outVal(func(r *OutcomesRow) *float64 { return r.DisclosureRate })},
	{Metric{"outcomes.substantive_rate", "实质公开率", true}, outVal(func(r *OutcomesRow) *float64 { return r.SubstantiveRate })},
	{Metric{"outcomes.granted_share", "予以公开占比", true}, outVal(func(r *OutcomesRow) *float64 { return r.Shares.Granted })},
	{Metric{"outcomes.partial_share", "部分公开占比", true}, outVal(func(r *OutcomesRow) *float64 { return r.Shares.Partial })},
	{Metric{"outcomes.denied_share", "不予公开占比", true}, outVal(func(r *OutcomesRow) *float64 { return r.Shares.Denied })},
	{Metric{"outcomes.unavailable_share", "无法提供占比", true}, outVal(func(r *OutcomesRow) *float64 { return r.Shares.Unavailable })},
	{Metric{"outcomes.not_processed_share", "不予处理占比", true}, outVal(func(r *OutcomesRow) *float64 { return r.Shares.NotProcessed })},
	{Metric{"outcomes.other_share", "其他处理占比", true}, outVal(func(r *OutcomesRow) *float64 { return r.Shares.Other })},
	{Metric{"reviews.reconsideration", "行政复议总数", false}, revVal(func(r *ReviewsRow) *float64 { return ptr(r.Reconsideration.Total) })},
	{Metric{"reviews.reconsideration_correction_rate", "行政复议纠错率", true}, revVal(func(r *ReviewsRow) *float64 { return r.Reconsideration.CorrectionRate })},
	{Metric{"reviews.litigation", "行政诉讼总数", false}, revVal(func(r *ReviewsRow) *float64 { return ptr(r.Litigation.Total) })},
	{Metric{"reviews.litigation_direct", "未经复议直接起诉总数", false}, revVal(func(r *ReviewsRow) *float64 { return ptr(r.LitigationDirect.Total) })},
	{Metric{"reviews.litigation_after", "复议后起诉总数", false}, revVal(func(r *ReviewsRow) *float64 { return ptr(r.LitigationAfter.Total) })},
	{Metric{"reviews.litigation_correction_rate", "行政诉讼纠错率", true}, revVal(func(r *ReviewsRow) *float64 { return r.Litigation.CorrectionRate })},
	{Metric{"reviews.pending", "复议诉讼尚未审结数", false}, revVal(func(r *ReviewsRow) *float64 {
		return ptr(r.Reconsideration.Pending + r.Litigation.Pending)
	})},
}

// Metrics lists the named metrics Compare accepts; any cell code is
// accepted too.
func Metrics() []Metric {
	out := make([]Metric, len(namedMetrics))
	for i, m := range namedMetrics {
		out[i] = m.Metric
	}
	return out
}

// CompareRow is one town of the comparison.
type CompareRow struct {
	Agency   string   `json:"agency"`
	ReportID int64    `json:"report_id"`
	Value    *float64 `json:"value"`
	// Rank is 1 for the highest value; equal values share a rank; towns
	// without a value have none.
	Rank *int `json:"rank"`
	// VsMedian is Value − Median.
	VsMedian *float64 `json:"vs_median"`
}

// CompareResult sets the towns of one county and year side by side.
type CompareResult struct {
	County string       `json:"county"`
	Year   int          `json:"year"`
	Level  string       `json:"level,omitempty"` // the level= the agencies were chosen by; "" for all
	Metric Metric       `json:"metric"`
	Median *float64     `json:"median"`
	Rows   []CompareRow `json:"rows"`
}

// Compare ranks the agencies of one county and year on a metric: a name of
// Metrics() or a cell code. Rows are ordered by rank, towns without a value
// last.
func (s *Service) Compare(ctx context.Context, county string, year int, metric string) (CompareResult, error) {
	return s.CompareIn(ctx, Filter{County: county, Year: year}, metric)
}

// CompareIn is Compare over the agencies of a county and year that a
// filter's level selects (towns against towns, not against departments);
// the county is a name or a GB/T 2260 code. The median is computed here,
// once, from the exact values: pages show it, they never recompute it.
func (s *Service) CompareIn(ctx context.Context, in Filter, metric string) (CompareResult, error) {
	metric = strings.TrimSpace(metric)
	county, year := in.County, in.Year
	if county == "" || year == 0 {
		return CompareResult{}, &InputError{Field: "county", Message: "比较需要指定县（county）和年度（year）"}
	}
	var def *metricDef
	for i := range namedMetrics {
		if namedMetrics[i].Name == metric {
			def = &namedMetrics[i]
		}
	}
	_, isCell := report.Lookup(metric)
	if def == nil && !isCell {
		valid := []string{}
		for _, m := range namedMetrics {
			valid = append(valid, m.Name)
		}
		return CompareResult{}, &InputError{Field: "metric",
			Message: fmt.Sprintf("未知的指标 %q：可用 %s，或任一单元格代码（如 t3.new.total）", metric, strings.Join(valid, "、")),
			Valid:   valid}
	}
	f := Filter{County: county, Year: year, Level: in.Level}
	return cached(ctx, s, "Compare|"+f.key()+"|"+metric, func() (CompareResult, error) {
		res := CompareResult{County: county, Year: year, Level: f.Level, Rows: []CompareRow{}}
		all := f
		all.Limit = MaxLimit
		// The list and the statistics do not depend on one another: they
		// run at once (each mostly DuckDB's fixed cost of a statement,
		// which two cores overlap).
		var (
			list  ReportList
			cells CellsResult
			app   ApplicationsResult
			out   OutcomesResult
			rev   ReviewsResult
		)
		g, gctx := errgroup.WithContext(ctx)
		g.Go(func() (err error) { list, err = s.Reports(gctx, all); return err })
		if isCell {
			g.Go(func() (err error) { cells, err = s.Cells(gctx, []string{metric}, f, GroupAgency); return err })
		} else {
			g.Go(func() (err error) { app, err = s.Applications(gctx, f, GroupAgency); return err })
			g.Go(func() (err error) { out, err = s.Outcomes(gctx, f, GroupAgency); return err })
			g.Go(func() (err error) { rev, err = s.Reviews(gctx, f, GroupAgency); return err })
		}
		if err := g.Wait(); err != nil {
			return res, err
		}
		values := map[string]*float64{}
		if isCell {
			res.Metric = Metric{Name: metric, Label: report.Label(metric)}
			for _, r := range cells.Rows {
				values[r.Group.Group] = r.Values[metric]
			}
		} else {
			res.Metric = def.Metric
			towns := map[string]*townStats{}
			town := func(name string) *townStats {
				if towns[name] == nil {
					towns[name] = &townStats{}
				}
				return towns[name]
			}
			for i := range app.Rows {
				town(app.Rows[i].Group.Group).app = &app.Rows[i]
			}
			for i := range out.Rows {
				town(out.Rows[i].Group.Group).out = &out.Rows[i]
			}
			for i := range rev.Rows {
				town(rev.Rows[i].Group.Group).rev = &rev.Rows[i]
			}
			for name, t := range towns {
				values[name] = def.value(*t)
			}
		}
		var present []float64
		for _, r := range list.Reports {
			row := CompareRow{Agency: r.Agency, ReportID: r.ID, Value: values[r.Agency]}
			if row.Value != nil {
				present = append(present, *row.Value)
			}
			res.Rows = append(res.Rows, row)
		}
		res.Median = Median(present)
		for i := range res.Rows {
			r := &res.Rows[i]
			if r.Value == nil {
				continue
			}
			rank := 1
			for _, v := range present {
				if v > *r.Value {
					rank++
				}
			}
			r.Rank = &rank
			if res.Median != nil {
				r.VsMedian = ptr(*r.Value - *res.Median)
			}
		}
		sort.SliceStable(res.Rows, func(i, j int) bool {
			a, b := res.Rows[i].Rank, res.Rows[j].Rank
			if (a == nil) != (b == nil) {
				return a != nil
			}
			if a != nil && *a != *b {
				return *a < *b
			}
			return res.Rows[i].Agency < res.Rows[j].Agency
		})
		return res, nil
	})
}

// Median of the values, nil for none: stats.Median, the one median of
// Nianbao (the dashboards' median rows and the assessment's peer checks
// use it too).
func Median(vs []float64) *float64 {
	m, ok := stats.Median(vs)
	if !ok {
		return nil
	}
	return ptr(m)
}
