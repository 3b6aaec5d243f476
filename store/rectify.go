package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"nianbao/report"
)

// Rectification is a finding an assessor sent back (退回修改) with a
// deadline, followed until a new version no longer has it or a person
// closes it (migration 100).
type Rectification struct {
	ID       int64     `json:"id"`
	ReportID int64     `json:"report_id"`
	AgencyID string    `json:"agency_id,omitempty"`
	Agency   string    `json:"agency"`
	County   string    `json:"county"`
	Year     int       `json:"year"`
	Key      string    `json:"finding_key"` // rule|cell,cell: the finding's identity across versions
	Rule     string    `json:"rule"`
	Cells    []string  `json:"cells"`
	Message  string    `json:"message"`
	Deadline string    `json:"deadline"` // YYYY-MM-DD
	Comment  string    `json:"comment"`
	SentBy   string    `json:"sent_by"`
	SentAt   time.Time `json:"sent_at"`
	// State is open, closed or overdue (open past its deadline, derived
	// when read: see Derive).
	State       string     `json:"state"`
	StateLabel  string     `json:"state_label"`
	DaysLeft    int        `json:"days_left"` // to the deadline (negative: days overdue); 0 when closed
	ClosedBy    string     `json:"closed_by,omitempty"`
	ClosedAt    *time.Time `json:"closed_at,omitempty"`
	CloseReason string     `json:"close_reason,omitempty"`
	// Line is the first source line of the finding's cells in the current
	// version (0: not recorded), for a link to the place.
	Line int `json:"line,omitempty"`
}

// States of a rectification.
const (
	RectOpen    = "open"
	RectClosed  = "closed"
	RectOverdue = "overdue"
	// RectReader is closed_by when a new version no longer has the finding.
	RectReader = "reader"
	// RectFixedReason is the reason the reader gives when it closes one.
	RectFixedReason = "新版本已不再有此问题"
)

// RectStateLabels names the states for people.
var RectStateLabels = map[string]string{RectOpen: "整改中", RectClosed: "已关闭", RectOverdue: "逾期未改"}

// RectConflict is a return of a finding already sent back and still open,
// or a close of a closed rectification: an ErrConflict whose text is the
// whole Chinese sentence (change.Explain shows it as it is).
type RectConflict struct{ Message string }

func (e *RectConflict) Error() string        { return e.Message }
func (e *RectConflict) Is(target error) bool { return target == ErrConflict }

// RectFilter selects rectifications; zero fields select all.
type RectFilter struct {
	County   string
	Year     int
	ReportID int64
	State    string // open, closed, overdue; "" all
}

const (
	sqlRectIdentity = `SELECT agency, county, year, coalesce(agency_id, '') FROM reports WHERE id = ?`
	sqlRectOpenKey  = `SELECT count(*) FROM rectifications WHERE state = 'open' AND year = ? AND fkey = ? AND (report_id = ? OR (agency_id <> '' AND agency_id = ?))`
	sqlRectInsert   = `INSERT INTO rectifications (report_id, agency_id, agency, county, year, fkey, rule, cells, message, deadline, comment, sent_by, sent_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?::VARCHAR[], ?, ?::DATE, ?, ?, ?) RETURNING id`
	sqlRectClose = `UPDATE rectifications SET state = 'closed', closed_by = ?, closed_at = ?, close_reason = ? WHERE id = ? AND state = 'open'`
	// sqlRectOpenOf: the open rectifications of a report, by its id or its
	// agency and year (a report's id never changes; the agency id holds
	// when a report was re-identified).
	sqlRectAnyOpen = `SELECT count(*) FROM (SELECT 1 FROM rectifications WHERE state = 'open' LIMIT 1)`
	sqlRectOpenOf  = `SELECT id, fkey FROM rectifications WHERE state = 'open' AND (report_id = ? OR (agency_id <> '' AND agency_id = ? AND year = ?))`
	sqlRectList    = `SELECT x.id, x.report_id, x.agency_id, x.agency, x.county, x.year, x.fkey, x.rule, x.cells, x.message,
       strftime(x.deadline, '%Y-%m-%d'), x.comment, x.sent_by, x.sent_at, x.state, coalesce(x.closed_by, ''), x.closed_at, coalesce(x.close_reason, ''),
       coalesce((SELECT min(s.line) FROM cell_sources s WHERE s.report_id = x.report_id AND list_contains(x.cells, s.code) AND s.line > 0), 0)
FROM rectifications x
WHERE (? = 0 OR x.id = ?) AND (? = '' OR x.county = ?) AND (? = 0 OR x.year = ?) AND (? = 0 OR x.report_id = ?)
ORDER BY x.deadline, x.id`
)

// ReturnFinding sends the finding at index of report id back to its body
// with a deadline (YYYY-MM-DD) and a comment, audited as "return". A
// finding already sent back and still open is ErrAlreadyReturned.
func (s *Store) ReturnFinding(ctx context.Context, id int64, index int, deadline, comment, author string) (Rectification, error) {
	var x Rectification
	err := s.inWrite(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, sqlRectIdentity, id).Scan(&x.Agency, &x.County, &x.Year, &x.AgencyID); errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("report %d: %w", id, ErrNotFound)
		} else if err != nil {
			return err
		}
		findings, err := findingsOf(ctx, tx, id)
		if err != nil {
			return err
		}
		if index < 0 || index >= len(findings) {
			return fmt.Errorf("finding %d of report %d: %w", index, id, ErrNotFound)
		}
		f := findings[index]
		x.ReportID, x.Key, x.Rule, x.Cells, x.Message = id, f.Key(), f.Rule, f.Cells, f.Message
		x.Deadline, x.Comment, x.SentBy, x.SentAt, x.State = deadline, comment, author, time.Now().UTC(), RectOpen
		var n int
		if err := tx.QueryRowContext(ctx, sqlRectOpenKey, x.Year, x.Key, id, x.AgencyID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return &RectConflict{fmt.Sprintf("这条问题已退回%s%s %d 年度报告修改，尚未关闭，不能重复退回", x.County, x.Agency, x.Year)}
		}
		if err := tx.QueryRowContext(ctx, sqlRectInsert, id, x.AgencyID, x.Agency, x.County, x.Year, x.Key, x.Rule, listLiteral(x.Cells), x.Message,
			x.Deadline, x.Comment, x.SentBy, x.SentAt).Scan(&x.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, sqlInsertAudit, x.SentAt, author, "return", x.Agency, x.County, x.Year, x.Key, "", "退回修改，期限 "+x.Deadline, comment); err != nil {
			return err
		}
		return nil
	})
	return x, err
}

// CloseRectification closes an open rectification by hand, with the
// person's reason, audited as "rectify_close".
func (s *Store) CloseRectification(ctx context.Context, rid int64, reason, author string) error {
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		xs, err := listRect(ctx, tx, RectFilter{}, rid)
		if err != nil {
			return err
		}
		if len(xs) == 0 {
			return fmt.Errorf("rectification %d: %w", rid, ErrNotFound)
		}
		if xs[0].State != RectOpen {
			return &RectConflict{fmt.Sprintf("整改事项 %d 已于 %s 由%s关闭", rid, xs[0].ClosedAt.In(report.ChinaTime).Format("2006-01-02"), closer(xs[0].ClosedBy))}
		}
		if err := closeRect(ctx, tx, xs[0], author, reason); err != nil {
			return err
		}
		return nil
	})
}

// closer names who closed a rectification for people.
func closer(by string) string {
	if by == RectReader {
		return "系统（新版本已无此问题）"
	}
	return by
}

// closeRect closes one rectification and writes its audit row, inside tx.
func closeRect(ctx context.Context, tx *sql.Tx, x Rectification, by, reason string) error {
	now := time.Now().UTC()
	if _, err := tx.ExecContext(ctx, sqlRectClose, by, now, reason, x.ID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, sqlInsertAudit, now, by, "rectify_close", x.Agency, x.County, x.Year, x.Key, RectOpen, RectClosed, reason)
	return err
}

// CloseFixed closes, as the reader (closed_by "reader"), the open
// rectifications of report id whose finding the report's current findings
// no longer have: the new version fixed them. It returns those closed.
func (s *Store) CloseFixed(ctx context.Context, id int64) ([]Rectification, error) {
	var closed []Rectification
	err := s.inWrite(ctx, func(tx *sql.Tx) error {
		var agency, county, agencyID string
		var year int
		if err := tx.QueryRowContext(ctx, sqlRectIdentity, id).Scan(&agency, &county, &year, &agencyID); errors.Is(err, sql.ErrNoRows) {
			return errUnchanged // deleted: nothing says the problem is fixed
		} else if err != nil {
			return err
		}
		open, err := openOf(ctx, tx, id, agencyID, year)
		if err != nil {
			return err
		}
		if len(open) == 0 {
			return errUnchanged
		}
		has, err := findingKeys(ctx, tx, id)
		if err != nil {
			return err
		}
		for _, rid := range slices.Sorted(maps.Keys(open)) { // by id: the audit rows in the order sent
			if has[open[rid]] {
				continue
			}
			xs, err := listRect(ctx, tx, RectFilter{}, rid)
			if err != nil {
				return err
			}
			if len(xs) == 0 {
				closed = nil // rolled back: none is closed
				return errUnchanged
			}
			if err := closeRect(ctx, tx, xs[0], RectReader, RectFixedReason); err != nil {
				return err
			}
			closed = append(closed, xs[0])
		}
		if len(closed) == 0 {
			return errUnchanged
		}
		return nil
	})
	if err != nil || len(closed) == 0 {
		return nil, err
	}
	return closed, nil
}

// AnyOpenRectification tells whether any rectification is open at all:
// when none is, no write can close one, and the step after a write
// (change's closeFixed) need not look at each report. After an ingest of
// 200 000 reports that look was a transaction a report, minutes of one
// core while the other idled (docs/benchmarks.md, "Ingest at national
// size").
func (s *Store) AnyOpenRectification(ctx context.Context) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, sqlRectAnyOpen).Scan(&n)
	return n > 0, err
}

// openOf is the open rectifications of a report: id → finding key.
func openOf(ctx context.Context, q queryer, id int64, agencyID string, year int) (map[int64]string, error) {
	rows, err := q.QueryContext(ctx, sqlRectOpenOf, id, agencyID, year)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var rid int64
		var key string
		if err := rows.Scan(&rid, &key); err != nil {
			return nil, err
		}
		out[rid] = key
	}
	return out, rows.Err()
}

// findingKeys is the keys of a report's current findings.
func findingKeys(ctx context.Context, q queryer, id int64) (map[string]bool, error) {
	fs, err := findingsOf(ctx, q, id)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(fs))
	for _, f := range fs {
		out[f.Key()] = true
	}
	return out, nil
}

// Rectification reads one rectification, its state derived on today.
func (s *Store) Rectification(ctx context.Context, rid int64, today time.Time) (Rectification, error) {
	xs, err := listRect(ctx, s.db, RectFilter{}, rid)
	if err != nil {
		return Rectification{}, err
	}
	if len(xs) == 0 {
		return Rectification{}, fmt.Errorf("rectification %d: %w", rid, ErrNotFound)
	}
	xs[0].Derive(today)
	return xs[0], nil
}

// Rectifications lists the rectifications f selects, each state derived
// on today (the day in China: an open one past its deadline is overdue),
// the soonest deadline first.
func (s *Store) Rectifications(ctx context.Context, f RectFilter, today time.Time) ([]Rectification, error) {
	xs, err := listRect(ctx, s.db, f, 0)
	if err != nil {
		return nil, err
	}
	out := make([]Rectification, 0, len(xs))
	for _, x := range xs {
		x.Derive(today)
		if f.State == "" || f.State == x.State {
			out = append(out, x)
		}
	}
	return out, nil
}

// Derive sets State, StateLabel and DaysLeft of a rectification as of
// today, a day in China whatever zone now is given in. Lateness is
// DaysLate's, the one timeliness rule: the deadline day itself is still on
// time.
func (x *Rectification) Derive(today time.Time) {
	x.DaysLeft = 0
	if x.State == RectOpen {
		dl, err := time.Parse(time.DateOnly, x.Deadline)
		if late, ok := DaysLate(today.In(report.ChinaTime).Format(time.DateOnly), dl); err == nil && ok {
			x.DaysLeft = -late
			if late > 0 {
				x.State = RectOverdue
			}
		}
	}
	x.StateLabel = RectStateLabels[x.State]
}

func listRect(ctx context.Context, q queryer, f RectFilter, id int64) ([]Rectification, error) {
	rows, err := q.QueryContext(ctx, sqlRectList, id, id, f.County, f.County, f.Year, f.Year, f.ReportID, f.ReportID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Rectification{}
	for rows.Next() {
		var x Rectification
		var cells duckdb.Composite[[]string]
		var closedAt sql.NullTime
		if err := rows.Scan(&x.ID, &x.ReportID, &x.AgencyID, &x.Agency, &x.County, &x.Year, &x.Key, &x.Rule, &cells, &x.Message,
			&x.Deadline, &x.Comment, &x.SentBy, &x.SentAt, &x.State, &x.ClosedBy, &closedAt, &x.CloseReason, &x.Line); err != nil {
			return nil, err
		}
		x.Cells = cells.Get()
		if closedAt.Valid {
			t := closedAt.Time
			x.ClosedAt = &t
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// ReviewFindings records one decision, with one comment, on several
// findings of a report (the bulk confirm/dismiss of the report page) in one
// transaction: all are recorded or none. Each finding gets its audit row.
func (s *Store) ReviewFindings(ctx context.Context, id int64, indexes []int, state, comment, author string) error {
	if !report.ReviewState(state).Valid() {
		return fmt.Errorf("%q: %w", state, ErrBadReview)
	}
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		who, err := s.identity(ctx, tx, id)
		if err != nil {
			return err
		}
		findings, err := findingsOf(ctx, tx, id)
		if err != nil {
			return err
		}
		now := time.Now().UTC()
		done := map[string]bool{}
		for _, index := range indexes {
			if index < 0 || index >= len(findings) {
				return fmt.Errorf("finding %d of report %d: %w", index, id, ErrNotFound)
			}
			key := findings[index].Key()
			if done[key] {
				continue
			}
			done[key] = true
			if _, err := tx.ExecContext(ctx, sqlDeleteReview, who.agency, who.county, who.year, key); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, sqlInsertReview, who.agency, who.county, who.year, key, state, comment, author, now); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, sqlInsertAudit, now, author, "review", who.agency, who.county, who.year, key, "", state, comment); err != nil {
				return err
			}
		}
		return nil
	})
}

// FindingLines gives, for each finding of a report in order, the first
// source line of its cells (0: none recorded).
func FindingLines(fs []report.Finding, sources map[string]report.Source) []int {
	out := make([]int, len(fs))
	for i, f := range fs {
		for _, c := range f.Cells {
			if src, ok := sources[c]; ok && src.Line > 0 && (out[i] == 0 || src.Line < out[i]) {
				out[i] = src.Line
			}
		}
	}
	return out
}
