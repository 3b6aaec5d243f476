package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"nianbao/report"
)

// Errors of human changes, for the API to turn into 400s.
var (
	ErrUnknownCode = errors.New("unknown cell code")
	ErrNoReason    = errors.New("a correction needs a reason")
	ErrBadReview   = errors.New("a review is confirmed or dismissed")
)

// Correction is a person's value for a cell, laid over the parsed one.
type Correction struct {
	Code        string    `json:"code"`
	Value       float64   `json:"value"`
	ParsedValue *float64  `json:"parsed_value"`
	Reason      string    `json:"reason"`
	Author      string    `json:"author"`
	CreatedAt   time.Time `json:"created_at"`
	Orphaned    bool      `json:"orphaned"`
	// State says it in Chinese: 已生效 (laid over the cell) or 待复核 (the
	// current version reads the cell differently: kept, not applied).
	State string `json:"state,omitempty"`
}

// Correction states.
const (
	CorrectionApplied  = "已生效"
	CorrectionToReview = "待复核"
)

// AuditEntry is one human change.
type AuditEntry struct {
	Seq      int64     `json:"seq"`
	At       time.Time `json:"at"`
	Author   string    `json:"author"`
	Action   string    `json:"action"`
	Agency   string    `json:"agency"`
	County   string    `json:"county"`
	Year     int       `json:"year"`
	Target   string    `json:"target"`
	OldValue string    `json:"old_value,omitempty"`
	NewValue string    `json:"new_value,omitempty"`
	Comment  string    `json:"comment,omitempty"`
}

const (
	sqlIdentity         = `SELECT agency, county, year, edition FROM reports WHERE id = ?`
	sqlCellValue        = `SELECT value FROM cells WHERE report_id = ? AND code = ?`
	sqlActiveCorrection = `SELECT parsed_value FROM corrections WHERE agency = ? AND county = ? AND year = ? AND code = ? AND NOT orphaned AND NOT superseded`
	sqlSupersede        = `UPDATE corrections SET superseded = true WHERE agency = ? AND county = ? AND year = ? AND code = ? AND NOT orphaned AND NOT superseded`
	sqlInsertCorrection = `INSERT INTO corrections (agency, county, year, code, value, parsed_value, reason, author, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
	sqlDeleteCell       = `DELETE FROM cells WHERE report_id = ? AND code = ?`
	sqlInsertCell       = `INSERT INTO cells (report_id, code, value) VALUES (?, ?, ?)`
	sqlAllCells         = `SELECT code, value FROM cells WHERE report_id = ?`
	sqlDeleteRuleFind   = `DELETE FROM findings WHERE report_id = ? AND list_contains(?::VARCHAR[], rule)`
	sqlMaxFindingSeq    = `SELECT coalesce(max(seq), -1) FROM findings WHERE report_id = ?`
	sqlInsertFinding    = `INSERT INTO findings (report_id, seq, rule, severity, cells, message) VALUES (?, ?, ?, ?, ?::VARCHAR[], ?)`
	sqlInsertAudit      = `INSERT INTO audit_log (happened_at, author, action, agency, county, year, target, old_value, new_value, comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	sqlCorrectionsOf    = `SELECT code, value, parsed_value, reason, author, created_at, orphaned FROM corrections WHERE agency = ? AND county = ? AND year = ? AND NOT superseded ORDER BY created_at, code`
	sqlOrphan           = `UPDATE corrections SET orphaned = true WHERE agency = ? AND county = ? AND year = ? AND code = ? AND NOT orphaned AND NOT superseded`
	sqlFindingBySeq     = `SELECT rule, cells FROM findings WHERE report_id = ? AND seq = ?`
	sqlDeleteReview     = `DELETE FROM finding_reviews WHERE agency = ? AND county = ? AND year = ? AND fkey = ?`
	sqlInsertReview     = `INSERT INTO finding_reviews (agency, county, year, fkey, state, comment, author, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	sqlReviewsOf        = `SELECT fkey, state, comment, author FROM finding_reviews WHERE agency = ? AND county = ? AND year = ?`
	sqlAudit            = `SELECT seq, happened_at, author, action, agency, county, year, target, coalesce(old_value, ''), coalesce(new_value, ''), coalesce(comment, '') FROM audit_log ORDER BY seq LIMIT ?`
)

type identity struct {
	agency, county string
	year           int
	edition        string
}

type queryer interface {
	execer
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (s *Store) identity(ctx context.Context, q queryer, id int64) (identity, error) {
	var who identity
	err := q.QueryRowContext(ctx, sqlIdentity, id).Scan(&who.agency, &who.county, &who.year, &who.edition)
	if errors.Is(err, sql.ErrNoRows) {
		return who, fmt.Errorf("report %d: %w", id, ErrNotFound)
	}
	return who, err
}

func fmtValue(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

// Correct lays a person's value over a cell of a stored report, keeping
// the parsed value, and computes rules 1–4 again on the corrected cells.
func (s *Store) Correct(ctx context.Context, id int64, code string, value float64, reason, author string) (Correction, error) {
	c := Correction{Code: code, Value: value, Reason: strings.TrimSpace(reason), Author: author, CreatedAt: time.Now().UTC()}
	if _, ok := report.Lookup(code); !ok {
		return c, fmt.Errorf("%q: %w", code, ErrUnknownCode)
	}
	if c.Reason == "" {
		return c, ErrNoReason
	}
	err := s.writeTx(ctx, tellReaders, nil, func(tx *sql.Tx) error {
		who, err := s.identity(ctx, tx, id)
		if err != nil {
			return err
		}
		var current *float64
		var cur float64
		switch err := tx.QueryRowContext(ctx, sqlCellValue, id, code).Scan(&cur); {
		case err == nil:
			current = &cur
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		// The parsed value is the one under any earlier correction.
		c.ParsedValue = current
		var earlier sql.NullFloat64
		switch err := tx.QueryRowContext(ctx, sqlActiveCorrection, who.agency, who.county, who.year, code).Scan(&earlier); {
		case err == nil:
			c.ParsedValue = nil
			if earlier.Valid {
				c.ParsedValue = &earlier.Float64
			}
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if _, err := tx.ExecContext(ctx, sqlSupersede, who.agency, who.county, who.year, code); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, sqlInsertCorrection, who.agency, who.county, who.year, code, value, c.ParsedValue, c.Reason, author, c.CreatedAt); err != nil {
			return err
		}
		// The version's parsed cells must outlive the change (inplace.go).
		if err := keepCurrentVersion(ctx, tx, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, sqlDeleteCell, id, code); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, sqlInsertCell, id, code, value); err != nil {
			return err
		}
		if err := recheck(ctx, tx, id, who.edition); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, sqlInsertAudit, c.CreatedAt, author, "correct", who.agency, who.county, who.year, code, fmtValue(current), fmtValue(&value), c.Reason); err != nil {
			return err
		}
		if err := refreshFigures(ctx, tx, []int64{id}); err != nil {
			return err
		}
		return nil
	})
	return c, err
}

// recheck computes rules 1–4 again from a report's stored cells.
func recheck(ctx context.Context, q queryer, id int64, edition string) error {
	r := report.New("")
	r.Edition = edition
	var code string
	var v float64
	if err := eachRow(ctx, q, sqlAllCells, []any{&code, &v}, func() error {
		r.Cells[code] = v
		return nil
	}, id); err != nil {
		return err
	}
	report.CheckIdentities(r)
	if _, err := q.ExecContext(ctx, sqlDeleteRuleFind, id, listLiteral(report.IdentityRules)); err != nil {
		return err
	}
	var seq int
	if err := q.QueryRowContext(ctx, sqlMaxFindingSeq, id).Scan(&seq); err != nil {
		return err
	}
	for _, f := range r.Findings {
		seq++
		if _, err := q.ExecContext(ctx, sqlInsertFinding, id, seq, f.Rule, f.Severity, listLiteral(f.Cells), f.Message); err != nil {
			return err
		}
	}
	return nil
}

// listLiteral passes a list of strings as one parameter: DuckDB casts the
// text '[a, b]' to VARCHAR[]. Codes and rule ids hold no brackets or commas.
func listLiteral(items []string) string { return "[" + strings.Join(items, ", ") + "]" }

func nullable(n sql.NullFloat64) *float64 {
	if !n.Valid {
		return nil
	}
	return &n.Float64
}

func isIdentityRule(rule string) bool {
	for _, r := range report.IdentityRules {
		if r == rule {
			return true
		}
	}
	return false
}

// Corrections lists the corrections of a report (not those superseded).
func (s *Store) Corrections(ctx context.Context, id int64) ([]Correction, error) {
	who, err := s.identity(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, sqlCorrectionsOf, who.agency, who.county, who.year)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Correction{}
	for rows.Next() {
		var c Correction
		var parsed sql.NullFloat64
		if err := rows.Scan(&c.Code, &c.Value, &parsed, &c.Reason, &c.Author, &c.CreatedAt, &c.Orphaned); err != nil {
			return nil, err
		}
		c.ParsedValue = nullable(parsed)
		c.State = CorrectionApplied
		if c.Orphaned {
			c.State = CorrectionToReview
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ReviewFinding records a person's decision on a finding (its index in the
// report's findings): confirmed or dismissed, with a comment. The decision
// holds across re-ingests while the finding stays the same.
func (s *Store) ReviewFinding(ctx context.Context, id int64, index int, state, comment, author string) error {
	return s.ReviewFindings(ctx, id, []int{index}, state, comment, author)
}

func findingsOf(ctx context.Context, q queryer, id int64) ([]report.Finding, error) {
	rows, err := q.QueryContext(ctx, sqlGetFindings, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []report.Finding
	for rows.Next() {
		var f report.Finding
		var cells duckdb.Composite[[]string]
		if err := rows.Scan(&f.Rule, &f.Severity, &cells, &f.Message); err != nil {
			return nil, err
		}
		f.Cells = cells.Get()
		out = append(out, f)
	}
	return out, rows.Err()
}

// Audit lists every human change in the order made.
func (s *Store) Audit(ctx context.Context, limit int) ([]AuditEntry, error) {
	if limit <= 0 {
		limit = 1000
	}
	rows, err := s.db.QueryContext(ctx, sqlAudit, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []AuditEntry{}
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.Seq, &e.At, &e.Author, &e.Action, &e.Agency, &e.County, &e.Year, &e.Target, &e.OldValue, &e.NewValue, &e.Comment); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
