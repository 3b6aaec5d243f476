package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// NamedSheet is a score sheet an admin stored: its text as given (YAML or
// JSON; package assess reads and checks it) and who stored it.
type NamedSheet struct {
	Name      string    `json:"name"`
	Body      string    `json:"body,omitempty"`
	SHA       string    `json:"sha"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// SheetAssignment says which stored sheet a county or city uses.
type SheetAssignment struct {
	Place string    `json:"place"`
	Sheet string    `json:"sheet"`
	SetBy string    `json:"set_by"`
	SetAt time.Time `json:"set_at"`
}

// ServerSheet is the score sheet (and deadlines) a server or command was
// started with (--sheet, --deadlines), the fallback of every county no
// stored sheet is assigned to. It lives on the Store handle, not in the
// database, so that every re-check through this handle sees it without
// its callers passing it on; nil Body means the shipped sheet.
type ServerSheet struct {
	File          string
	Body          []byte
	DeadlinesFile string
	Deadlines     []byte
}

// SetServerSheet sets the sheet of this handle's server.
func (s *Store) SetServerSheet(ss ServerSheet) { s.serverSheet.Store(&ss) }

// ServerSheet is the sheet set by SetServerSheet (zero: the shipped one).
func (s *Store) ServerSheet() ServerSheet {
	if p := s.serverSheet.Load(); p != nil {
		return *p
	}
	return ServerSheet{}
}

//go:embed sheet_for.sql
var sqlSheetFor string

const (
	sqlSheetByName      = `SELECT name, body, sha, created_by, created_at FROM sheets WHERE name = ?`
	sqlSheets           = `SELECT name, '', sha, created_by, created_at FROM sheets ORDER BY name`
	sqlDeleteSheet      = `DELETE FROM sheets WHERE name = ?`
	sqlInsertSheet      = `INSERT INTO sheets (name, body, sha, created_by, created_at) VALUES (?, ?, ?, ?, ?)`
	sqlCountAssignments = `SELECT count(*) FROM sheet_assignments`
	sqlAssignments      = `SELECT place, sheet_name, set_by, set_at FROM sheet_assignments ORDER BY place`
	sqlAssignmentOf     = `SELECT sheet_name FROM sheet_assignments WHERE place = ?`
	sqlUnassign         = `DELETE FROM sheet_assignments WHERE place = ?`
	sqlAssign           = `INSERT INTO sheet_assignments (place, sheet_name, set_by, set_at) VALUES (?, ?, ?, ?)`
	sqlPlaceKnown       = `SELECT count(*) FROM (SELECT 1 FROM reports WHERE county = ? UNION ALL SELECT 1 FROM agencies WHERE (code = ? AND level IN ('县级政府', '市级')) OR county = ? OR city = ?)`
)

// SheetSHA is the hex sha256 of a sheet's text, as stored and shown.
func SheetSHA(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// SaveSheet stores (or replaces) a named sheet, audited as "sheet" with
// the old and new sha. The caller has checked the text.
func (s *Store) SaveSheet(ctx context.Context, name string, body []byte, author string) (NamedSheet, error) {
	ns := NamedSheet{Name: name, Body: string(body), SHA: SheetSHA(body), CreatedBy: author, CreatedAt: time.Now().UTC()}
	err := s.writeTx(ctx, tellReaders, nil, func(tx *sql.Tx) error {
		old, err := scanSheet(tx.QueryRowContext(ctx, sqlSheetByName, name))
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		if _, err := tx.ExecContext(ctx, sqlDeleteSheet, name); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, sqlInsertSheet, ns.Name, ns.Body, ns.SHA, ns.CreatedBy, ns.CreatedAt); err != nil {
			return fmt.Errorf("保存评分表 %s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, sqlInsertAudit, ns.CreatedAt, author, "sheet", "", "", 0, name, old.SHA, ns.SHA, ""); err != nil {
			return err
		}
		return nil
	})
	return ns, err
}

// Sheet reads a stored sheet with its text; ErrNotFound when there is none.
func (s *Store) Sheet(ctx context.Context, name string) (NamedSheet, error) {
	return scanSheet(s.db.QueryRowContext(ctx, sqlSheetByName, name))
}

// Sheets lists the stored sheets, without their text.
func (s *Store) Sheets(ctx context.Context) ([]NamedSheet, error) {
	out := []NamedSheet{}
	rows, err := s.db.QueryContext(ctx, sqlSheets)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		ns, err := scanSheet(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, ns)
	}
	return out, rows.Err()
}

func scanSheet(r scanner) (NamedSheet, error) {
	var ns NamedSheet
	err := r.Scan(&ns.Name, &ns.Body, &ns.SHA, &ns.CreatedBy, &ns.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return ns, ErrNotFound
	}
	return ns, err
}

// SheetAssignments lists which county or city uses which stored sheet.
func (s *Store) SheetAssignments(ctx context.Context) ([]SheetAssignment, error) {
	out := []SheetAssignment{}
	rows, err := s.db.QueryContext(ctx, sqlAssignments)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var a SheetAssignment
		if err := rows.Scan(&a.Place, &a.Sheet, &a.SetBy, &a.SetAt); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// PlaceKnown tells whether place names a county or city this database
// knows: a county of its reports, or a county or city of the registry by
// name or GB/T 2260 code.
func (s *Store) PlaceKnown(ctx context.Context, place string) (bool, error) {
	if err := s.EnsureRegistry(ctx); err != nil {
		return false, err
	}
	var n int
	err := s.db.QueryRowContext(ctx, sqlPlaceKnown, place, place, place, place).Scan(&n)
	return n > 0, err
}

// AssignSheet makes a county or city use a stored sheet; an empty sheet
// name takes the assignment away (the place falls back to its city's, or
// the server's). Audited as "sheet-assign", the place in the county column.
func (s *Store) AssignSheet(ctx context.Context, place, sheet, author string) error {
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		if sheet != "" {
			if _, err := scanSheet(tx.QueryRowContext(ctx, sqlSheetByName, sheet)); err != nil {
				if errors.Is(err, ErrNotFound) {
					return fmt.Errorf("没有名为“%s”的评分表：%w", sheet, err)
				}
				return err
			}
		}
		var old string
		if err := tx.QueryRowContext(ctx, sqlAssignmentOf, place).Scan(&old); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if _, err := tx.ExecContext(ctx, sqlUnassign, place); err != nil {
			return err
		}
		now := time.Now().UTC()
		if sheet != "" {
			if _, err := tx.ExecContext(ctx, sqlAssign, place, sheet, author, now); err != nil {
				return fmt.Errorf("为%s指定评分表: %w", place, err)
			}
		}
		if _, err := tx.ExecContext(ctx, sqlInsertAudit, now, author, "sheet-assign", "", place, 0, place, old, sheet, ""); err != nil {
			return err
		}
		return nil
	})
}

// AssignedSheet is the stored sheet that applies to a county and the place
// (the county itself, or its city) it was assigned to.
type AssignedSheet struct {
	NamedSheet
	Place string
	SetBy string
	SetAt time.Time
}

// SheetOf finds the stored sheet that applies to a county (its name as its
// reports give it): its own, else its city's. ok is false when neither has
// one, and the server's sheet applies.
func (s *Store) SheetOf(ctx context.Context, county string) (a AssignedSheet, ok bool, err error) {
	county = strings.TrimSpace(county)
	// Most databases assign no sheet: a count spares them the join of
	// the county's reports with the registry, at every re-check.
	var n int
	if err := s.db.QueryRowContext(ctx, sqlCountAssignments).Scan(&n); err != nil || n == 0 {
		return a, false, err
	}
	err = s.db.QueryRowContext(ctx, sqlSheetFor, county, county, county).Scan(&a.Name, &a.Body, &a.SHA, &a.CreatedBy, &a.CreatedAt, &a.Place, &a.SetBy, &a.SetAt)
	if errors.Is(err, sql.ErrNoRows) {
		return a, false, nil
	}
	if err != nil {
		return a, false, fmt.Errorf("查找%s的评分表: %w", county, err)
	}
	return a, true, nil
}

// PlaceCounties lists the counties (names as reports give them) a place
// covers: the county itself, or every county of a city with a report.
func (s *Store) PlaceCounties(ctx context.Context, place string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, sqlPlaceCounties, place, place, place, place)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

const sqlPlaceCounties = `SELECT DISTINCT r.county FROM reports r LEFT JOIN agencies a ON a.id = r.agency_id
WHERE r.county = ? OR a.county_code = ? OR a.city_code = ? OR a.city = ? ORDER BY r.county`
