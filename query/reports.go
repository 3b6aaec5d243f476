package query

import (
	"context"
	"fmt"
	"time"

	"nianbao/report"
	"nianbao/store"
)

// ReportSummary is one line of the report list.
type ReportSummary struct {
	ID          int64     `json:"id"`
	Agency      string    `json:"agency"`
	County      string    `json:"county"`
	Year        int       `json:"year"`
	Edition     string    `json:"edition"`
	Format      string    `json:"format"`
	SourceFile  string    `json:"source_file"`
	PublishedOn string    `json:"published_on"`
	Synthetic   bool      `json:"synthetic"`
	IngestedAt  time.Time `json:"ingested_at"`
	// Findings counts all findings (dismissed ones left out unless the
	// filter asks for them); Errors, Warnings and Infos split it by severity.
	Findings int `json:"findings"`
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Infos    int `json:"infos"`
	// The agency in the registry: same-name towns of two counties have two
	// ids (issue 10); the division code is "" for units without one.
	AgencyID     string `json:"agency_id"`
	DivisionCode string `json:"division_code,omitempty"`
	Level        string `json:"level,omitempty"`
}

// ReportList is a page of reports and the number the filter selects.
type ReportList struct {
	Total   int             `json:"total"`
	Limit   int             `json:"limit"`
	Offset  int             `json:"offset"`
	Reports []ReportSummary `json:"reports"`
}

// Reports lists the reports the filter selects, newest year first, paged by
// f.Limit (default 100, at most 1000) and f.Offset.
func (s *Service) Reports(ctx context.Context, f Filter) (ReportList, error) {
	if f.Limit <= 0 {
		f.Limit = DefaultLimit
	}
	if f.Limit > MaxLimit {
		f.Limit = MaxLimit
	}
	f.Offset = max(f.Offset, 0)
	return cached(ctx, s, "Reports|"+f.key(), func() (ReportList, error) {
		out := ReportList{Limit: f.Limit, Offset: f.Offset, Reports: []ReportSummary{}}
		if err := s.listReports(ctx, f, &out); err != nil {
			return out, err
		}
		// A page that is not full ends the list: the count is its offset
		// and its length, with no statement to count them (a county's list
		// is one page, and the count one more scan of its filter). An empty
		// page past the start says nothing of the rows before it.
		if n := len(out.Reports); n < f.Limit && (n > 0 || f.Offset == 0) {
			out.Total = f.Offset + n
			return out, nil
		}
		st, err := s.build(ctx, "Reports.count", f, GroupNone, nil)
		if err != nil {
			return out, err
		}
		s.note("Reports.count", st)
		if err := s.db.QueryRowContext(ctx, st.text, st.args...).Scan(&out.Total); err != nil {
			return out, fmt.Errorf("count reports: %w", err)
		}
		return out, nil
	})
}

// listReports reads one page of Reports.sql into out.
func (s *Service) listReports(ctx context.Context, f Filter, out *ReportList) error {
	rows, err := s.query(ctx, "Reports", f, GroupNone, nil)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r ReportSummary
		if err := rows.Scan(&r.ID, &r.Agency, &r.County, &r.Year, &r.Edition, &r.Format, &r.SourceFile,
			&r.PublishedOn, &r.Synthetic, &r.IngestedAt, &r.Errors, &r.Warnings, &r.Infos, &r.AgencyID, &r.DivisionCode, &r.Level); err != nil {
			return fmt.Errorf("list reports: %w", err)
		}
		r.Findings = r.Errors + r.Warnings + r.Infos
		out.Reports = append(out.Reports, r)
	}
	return rows.Err()
}

// InLevel tells whether a listed report is one a filter's Level selects:
// the registry level of its agency (ReportSummary.Level, "" when the
// registry does not hold the agency) as Filter.clause tests it in SQL. A
// page that reads a county's list once splits it with it instead of
// asking again per level (TestInLevelAsTheFilter holds the two together).
func InLevel(level string, r ReportSummary) bool { return levelSelects(level, r.Level) }

// ReportOptions chooses what Report adds to the stored report.
type ReportOptions struct {
	Labels  bool // add the Chinese label of every cell
	Sources bool // keep where each cell stands in its document
}

// ReportDetail is one stored report with its findings and replaced
// versions, and optionally cell labels and sources.
type ReportDetail struct {
	*store.Full
	Labels map[string]string `json:"labels,omitempty"`
}

// Report reads one report. It returns an error wrapping ErrNotFound when
// no report has that id.
func (s *Service) Report(ctx context.Context, id int64, opts ReportOptions) (*ReportDetail, error) {
	return cached(ctx, s, fmt.Sprintf("Report|%d|%v|%v", id, opts.Labels, opts.Sources), func() (*ReportDetail, error) {
		full, err := s.st.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		d := &ReportDetail{Full: full}
		if !opts.Sources {
			d.Sources = nil
		}
		if opts.Labels {
			d.Labels = make(map[string]string, len(d.Cells))
			for code := range d.Cells {
				d.Labels[code] = report.Label(code)
			}
		}
		return d, nil
	})
}
