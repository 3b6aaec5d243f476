package query

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"nianbao/report"
)

// ApplicantCounts are new applications by applicant type (table 3 columns).
type ApplicantCounts struct {
	Natural    float64 `json:"natural"`
	Commercial float64 `json:"commercial"`
	Research   float64 `json:"research"`
	Social     float64 `json:"social"`
	Legal      float64 `json:"legal"`
	OtherOrg   float64 `json:"other_org"`
}

// ApplicationsRow is the intake of one group (see docs/metrics.md).
type ApplicationsRow struct {
	Group
	New          float64         `json:"new"`
	CarriedOver  float64         `json:"carried_over"`
	Received     float64         `json:"received"` // New + CarriedOver
	CarryForward float64         `json:"carry_forward"`
	ByApplicant  ApplicantCounts `json:"by_applicant"`
	// WithoutTable3 counts the group's reports whose table 3 was not read:
	// they are not in Reports nor in any sum (not reported is not zero).
	WithoutTable3 int `json:"without_table3"`
	// PreviousNew is New of the year before for the same group: with
	// group_by=year the previous row's year, otherwise (with a year filter)
	// the same filter one year earlier. Null when that year has no report.
	PreviousNew *float64 `json:"previous_new"`
	Change      *float64 `json:"change"`      // New − PreviousNew
	ChangeRate  *float64 `json:"change_rate"` // Change / PreviousNew
}

// ApplicationsResult is the answer of Applications.
type ApplicationsResult struct {
	GroupBy GroupBy           `json:"group_by"`
	Rows    []ApplicationsRow `json:"rows"`
}

// Applications sums new and carried-over applications per group, with new
// applications by applicant type and the change on the previous year.
func (s *Service) Applications(ctx context.Context, f Filter, g GroupBy) (ApplicationsResult, error) {
	f.Limit, f.Offset = 0, 0
	return cached(ctx, s, "Applications|"+f.key()+"|"+string(g), func() (ApplicationsResult, error) {
		res := ApplicationsResult{GroupBy: g}
		rows, err := s.applications(ctx, f, g)
		if err != nil {
			return res, err
		}
		switch {
		case g == GroupYear:
			withPreviousYears(rows)
		case f.Year != 0:
			pf := f
			pf.Year = f.Year - 1
			prev, err := s.applications(ctx, pf, g)
			if err != nil {
				return res, err
			}
			withPrevious(rows, prev)
		}
		res.Rows = rows
		return res, nil
	})
}

func (r *ApplicationsRow) setPrevious(prev float64) {
	r.PreviousNew = ptr(prev)
	r.Change = ptr(r.New - prev)
	r.ChangeRate = share(r.New-prev, prev)
}

func (s *Service) applications(ctx context.Context, f Filter, g GroupBy) ([]ApplicationsRow, error) {
	rows, err := s.query(ctx, "Applications", f, g, nil)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []ApplicationsRow{}
	for rows.Next() {
		var r ApplicationsRow
		if err := rows.Scan(append([]any{&r.Group.Group, &r.County}, r.sums()...)...); err != nil {
			return nil, fmt.Errorf("applications: %w", err)
		}
		r.finish()
		out = append(out, r)
	}
	return out, rows.Err()
}

// sums are the destinations of the columns of Applications.sql's sums, in
// order (CountyFigures.sql reads them too).
func (r *ApplicationsRow) sums() []any {
	a := &r.ByApplicant
	return []any{&r.Reports, &r.WithoutTable3, &r.New, &r.CarriedOver, &r.CarryForward,
		&a.Natural, &a.Commercial, &a.Research, &a.Social, &a.Legal, &a.OtherOrg}
}

// finish completes a row scanned by sums.
func (r *ApplicationsRow) finish() { r.Received = r.New + r.CarriedOver }

// withPrevious sets each row's change on prev, the same groups one year
// earlier (a filter with a year).
func withPrevious(rows, prev []ApplicationsRow) {
	byGroup := map[[2]string]float64{}
	for _, r := range prev {
		byGroup[[2]string{r.Group.Group, r.County}] = r.New
	}
	for i := range rows {
		if p, ok := byGroup[[2]string{rows[i].Group.Group, rows[i].County}]; ok {
			rows[i].setPrevious(p)
		}
	}
}

// withPreviousYears sets each row's change on the row of the year before
// (rows grouped by year).
func withPreviousYears(rows []ApplicationsRow) {
	byYear := map[string]float64{}
	for _, r := range rows {
		byYear[r.Group.Group] = r.New
	}
	for i := range rows {
		y, _ := strconv.Atoi(rows[i].Group.Group)
		if prev, ok := byYear[strconv.Itoa(y-1)]; ok {
			rows[i].setPrevious(prev)
		}
	}
}

// DeniedReasons are the eight grounds of （三）不予公开, in printed order.
var DeniedReasons = []string{"state_secret", "law_prohibited", "security_stability", "third_party",
	"internal_affairs", "process_info", "enforcement_file", "inquiry"}

// OutcomeCounts are the results of table 3 (总计 column).
type OutcomeCounts struct {
	Granted      float64            `json:"granted"`
	Partial      float64            `json:"partial"`
	Denied       float64            `json:"denied"`
	DeniedBy     map[string]float64 `json:"denied_by_reason"`
	Unavailable  float64            `json:"unavailable"`
	NotProcessed float64            `json:"not_processed"`
	Other        float64            `json:"other"`
}

// OutcomeShares are the counts over 总计; null when 总计 is 0.
type OutcomeShares struct {
	Granted      *float64            `json:"granted"`
	Partial      *float64            `json:"partial"`
	Denied       *float64            `json:"denied"`
	DeniedBy     map[string]*float64 `json:"denied_by_reason"`
	Unavailable  *float64            `json:"unavailable"`
	NotProcessed *float64            `json:"not_processed"`
	Other        *float64            `json:"other"`
}

// OutcomesRow is how one group's applications ended (see docs/metrics.md).
type OutcomesRow struct {
	Group
	Total  float64       `json:"total"`
	Counts OutcomeCounts `json:"counts"`
	Shares OutcomeShares `json:"shares"`
	// WithoutTable3 counts the reports left out because their table 3 was
	// not read.
	WithoutTable3 int `json:"without_table3"`
	// DisclosureRate 公开率 = (予以公开+部分公开)/总计.
	DisclosureRate *float64 `json:"disclosure_rate"`
	// SubstantiveRate 实质公开率 = (予以公开+部分公开)/(予以公开+部分公开+不予公开).
	SubstantiveRate *float64 `json:"substantive_rate"`
}

// OutcomesResult is the answer of Outcomes.
type OutcomesResult struct {
	GroupBy GroupBy       `json:"group_by"`
	Rows    []OutcomesRow `json:"rows"`
}

// Outcomes sums the results of table 3 per group with their shares of the
// total, the disclosure rate and the substantive release rate.
func (s *Service) Outcomes(ctx context.Context, f Filter, g GroupBy) (OutcomesResult, error) {
	f.Limit, f.Offset = 0, 0
	return cached(ctx, s, "Outcomes|"+f.key()+"|"+string(g), func() (OutcomesResult, error) { return s.outcomes(ctx, f, g) })
}

// outcomes is Outcomes uncached: the province medians (medians.go) read every agency of a year at once, an answer too big for the cache.
func (s *Service) outcomes(ctx context.Context, f Filter, g GroupBy) (OutcomesResult, error) {
	res := OutcomesResult{GroupBy: g, Rows: []OutcomesRow{}}
	rows, err := s.query(ctx, "Outcomes", f, g, nil)
	if err != nil {
		return res, err
	}
	defer rows.Close()
	for rows.Next() {
		var x outcomesScan
		if err := rows.Scan(append([]any{&x.r.Group.Group, &x.r.County}, x.sums()...)...); err != nil {
			return res, fmt.Errorf("outcomes: %w", err)
		}
		x.finish()
		res.Rows = append(res.Rows, x.r)
	}
	return res, rows.Err()
}

// outcomesScan is one row of Outcomes.sql's sums as scanned.
type outcomesScan struct {
	r OutcomesRow
	d [8]float64 // by DeniedReasons
}

// sums are the destinations of the columns of Outcomes.sql's sums, in
// order (CountyFigures.sql reads them too).
func (x *outcomesScan) sums() []any {
	r, c := &x.r, &x.r.Counts
	dest := []any{&r.Reports, &r.WithoutTable3, &r.Total, &c.Granted, &c.Partial}
	for i := range DeniedReasons {
		dest = append(dest, &x.d[i])
	}
	return append(dest, &c.Unavailable, &c.NotProcessed, &c.Other)
}

// finish makes the row's shares and rates of what sums scanned.
func (x *outcomesScan) finish() {
	r, c, d := &x.r, &x.r.Counts, x.d
	c.DeniedBy = map[string]float64{}
	r.Shares.DeniedBy = map[string]*float64{}
	for i, reason := range DeniedReasons {
		c.DeniedBy[reason] = d[i]
		c.Denied += d[i]
		r.Shares.DeniedBy[reason] = share(d[i], r.Total)
	}
	r.Shares.Granted = share(c.Granted, r.Total)
	r.Shares.Partial = share(c.Partial, r.Total)
	r.Shares.Denied = share(c.Denied, r.Total)
	r.Shares.Unavailable = share(c.Unavailable, r.Total)
	r.Shares.NotProcessed = share(c.NotProcessed, r.Total)
	r.Shares.Other = share(c.Other, r.Total)
	released := c.Granted + c.Partial
	r.DisclosureRate = share(released, r.Total)
	r.SubstantiveRate = share(released, released+c.Denied)
}

// ReviewCounts are one group of table 4 with its correction rate.
type ReviewCounts struct {
	Upheld    float64 `json:"upheld"`
	Corrected float64 `json:"corrected"`
	Other     float64 `json:"other"`
	Pending   float64 `json:"pending"`
	Total     float64 `json:"total"`
	// CorrectionRate 纠错率 = 纠正/(维持+纠正+其他); null when none concluded.
	CorrectionRate *float64 `json:"correction_rate"`
}

func (c *ReviewCounts) rate() { c.CorrectionRate = share(c.Corrected, c.Upheld+c.Corrected+c.Other) }

// ReviewsRow is table 4 for one group (see docs/metrics.md).
type ReviewsRow struct {
	Group
	Reconsideration  ReviewCounts `json:"reconsideration"`
	LitigationDirect ReviewCounts `json:"litigation_direct"`
	LitigationAfter  ReviewCounts `json:"litigation_after"`
	// Litigation adds both kinds of litigation.
	Litigation ReviewCounts `json:"litigation"`
	// WithoutTable4 counts the reports left out because their table 4 was
	// not read.
	WithoutTable4 int `json:"without_table4"`
}

// ReviewsResult is the answer of Reviews.
type ReviewsResult struct {
	GroupBy GroupBy      `json:"group_by"`
	Rows    []ReviewsRow `json:"rows"`
}

// Reviews sums administrative reconsideration and litigation per group,
// with correction rates and pending cases.
func (s *Service) Reviews(ctx context.Context, f Filter, g GroupBy) (ReviewsResult, error) {
	f.Limit, f.Offset = 0, 0
	return cached(ctx, s, "Reviews|"+f.key()+"|"+string(g), func() (ReviewsResult, error) { return s.reviews(ctx, f, g) })
}

// reviews is Reviews uncached: the province medians (medians.go) read every agency of a year at once, an answer too big for the cache.
func (s *Service) reviews(ctx context.Context, f Filter, g GroupBy) (ReviewsResult, error) {
	res := ReviewsResult{GroupBy: g, Rows: []ReviewsRow{}}
	rows, err := s.query(ctx, "Reviews", f, g, nil)
	if err != nil {
		return res, err
	}
	defer rows.Close()
	for rows.Next() {
		var r ReviewsRow
		if err := rows.Scan(append([]any{&r.Group.Group, &r.County}, r.sums()...)...); err != nil {
			return res, fmt.Errorf("reviews: %w", err)
		}
		r.finish()
		res.Rows = append(res.Rows, r)
	}
	return res, rows.Err()
}

// sums are the destinations of the columns of Reviews.sql's sums, in
// order (CountyFigures.sql reads them too).
func (r *ReviewsRow) sums() []any {
	dest := []any{&r.Reports, &r.WithoutTable4}
	for _, c := range []*ReviewCounts{&r.Reconsideration, &r.LitigationDirect, &r.LitigationAfter} {
		dest = append(dest, &c.Upheld, &c.Corrected, &c.Other, &c.Pending, &c.Total)
	}
	return dest
}

// finish adds up litigation and the rates of what sums scanned.
func (r *ReviewsRow) finish() {
	d, a := r.LitigationDirect, r.LitigationAfter
	r.Litigation = ReviewCounts{Upheld: d.Upheld + a.Upheld, Corrected: d.Corrected + a.Corrected,
		Other: d.Other + a.Other, Pending: d.Pending + a.Pending, Total: d.Total + a.Total}
	for _, c := range []*ReviewCounts{&r.Reconsideration, &r.LitigationDirect, &r.LitigationAfter, &r.Litigation} {
		c.rate()
	}
}

// ProactiveRow is table 2 of one group and edition. Values holds the sum
// of each table-2 code of that edition; codes no report prints are null.
type ProactiveRow struct {
	Group
	Edition string              `json:"edition"`
	Values  map[string]*float64 `json:"values"`
}

// ProactiveResult is the answer of Proactive. Codes lists, per edition,
// the table-2 codes in printed order.
type ProactiveResult struct {
	GroupBy GroupBy             `json:"group_by"`
	Codes   map[string][]string `json:"codes"`
	Labels  map[string]string   `json:"labels"`
	Rows    []ProactiveRow      `json:"rows"`
}

// T2Codes lists the table-2 codes of an edition in printed order.
func T2Codes(edition string) []string {
	var codes []string
	for _, r := range report.T2Rows[edition] {
		for _, c := range r.Columns {
			codes = append(codes, "t2."+r.Code+"."+c)
		}
	}
	return codes
}

// Proactive sums table 2 per group, one row per group and edition: the
// 2019 and 2021 tables count different things and are never added up.
func (s *Service) Proactive(ctx context.Context, f Filter, g GroupBy) (ProactiveResult, error) {
	f.Limit, f.Offset = 0, 0
	return cached(ctx, s, "Proactive|"+f.key()+"|"+string(g), func() (ProactiveResult, error) { return s.proactive(ctx, f, g) })
}

// proactive is Proactive uncached: the province medians (medians.go) read every agency of a year at once, an answer too big for the cache.
func (s *Service) proactive(ctx context.Context, f Filter, g GroupBy) (ProactiveResult, error) {
	res := ProactiveResult{GroupBy: g, Codes: map[string][]string{}, Labels: map[string]string{}, Rows: []ProactiveRow{}}
	for _, ed := range []string{report.Edition2019, report.Edition2021} {
		res.Codes[ed] = T2Codes(ed)
		for _, c := range res.Codes[ed] {
			res.Labels[c] = report.Label(c)
		}
	}
	rows, err := s.query(ctx, "Proactive", f, g, nil)
	if err != nil {
		return res, err
	}
	defer rows.Close()
	// One statement row per group, edition and code (about 30 a group),
	// ordered by group: scanned into plain values, the group looked up
	// only when it changes and the sums kept in blocks, the scan costs
	// half what it did with a pointer allocated per value and a map
	// lookup per row (every county of 20 000 reports: 136 ms beyond
	// reading the rows, against 297; TestProactiveAsBefore keeps the
	// result as it was).
	index := map[[3]string]int{}
	var grp, county, edition string
	var reports int
	var code sql.NullString
	var total sql.NullFloat64
	var sums []float64
	i, last := -1, [3]string{}
	for rows.Next() {
		if err := rows.Scan(&grp, &county, &edition, &reports, &code, &total); err != nil {
			return res, fmt.Errorf("proactive: %w", err)
		}
		if k := [3]string{grp, county, edition}; i < 0 || k != last {
			var ok bool
			if i, ok = index[k]; !ok {
				codes, known := res.Codes[edition]
				if !known {
					codes = T2Codes(edition)
				}
				row := ProactiveRow{Group: Group{Group: grp, County: county, Reports: reports}, Edition: edition, Values: make(map[string]*float64, len(codes))}
				for _, c := range codes {
					row.Values[c] = nil
				}
				res.Rows = append(res.Rows, row)
				i = len(res.Rows) - 1
				index[k] = i
			}
			last = k
		}
		if code.Valid && total.Valid {
			if len(sums) == cap(sums) {
				sums = make([]float64, 0, 1024)
			}
			sums = append(sums, total.Float64)
			res.Rows[i].Values[code.String] = &sums[len(sums)-1]
		}
	}
	return res, rows.Err()
}
