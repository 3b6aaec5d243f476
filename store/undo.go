package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrNoCorrection: the cell has no active correction to undo.
var ErrNoCorrection = errors.New("no active correction")

// UndoCorrection takes a person's correction off a cell: the cell gets its
// parsed value back (or none, when the document had none there), rules 1–4
// are computed again, and the audit log records the undo with its reason.
// The correction itself is kept, marked superseded, so the history stays whole.
func (s *Store) UndoCorrection(ctx context.Context, id int64, code, reason, author string) (Correction, error) {
	reason = strings.TrimSpace(reason)
	c := Correction{Code: code, Reason: reason, Author: author, CreatedAt: time.Now().UTC()}
	if reason == "" {
		return c, ErrNoReason
	}
	err := s.writeTx(ctx, tellReaders, nil, func(tx *sql.Tx) error {
		who, err := s.identity(ctx, tx, id)
		if err != nil {
			return err
		}
		var parsed sql.NullFloat64
		err = tx.QueryRowContext(ctx, sqlActiveCorrection, who.agency, who.county, who.year, code).Scan(&parsed)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("report %d cell %s: %w", id, code, ErrNoCorrection)
		}
		if err != nil {
			return err
		}
		var corrected float64
		if err := tx.QueryRowContext(ctx, sqlCellValue, id, code).Scan(&corrected); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		c.ParsedValue = nullable(parsed)
		if _, err := tx.ExecContext(ctx, sqlSupersede, who.agency, who.county, who.year, code); err != nil {
			return err
		}
		// The version's parsed cells must outlive the change (inplace.go).
		if err := keepCurrentVersion(ctx, tx, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, sqlDeleteCell, id, code); err != nil {
			return err
		}
		if parsed.Valid {
			c.Value = parsed.Float64
			if _, err := tx.ExecContext(ctx, sqlInsertCell, id, code, parsed.Float64); err != nil {
				return err
			}
		}
		if err := recheck(ctx, tx, id, who.edition); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, sqlInsertAudit, c.CreatedAt, author, "undo", who.agency, who.county, who.year, code, fmtValue(&corrected), fmtValue(c.ParsedValue), reason); err != nil {
			return err
		}
		if err := refreshFigures(ctx, tx, []int64{id}); err != nil {
			return err
		}
		return nil
	})
	return c, err
}
