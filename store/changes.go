package store

import (
	"context"
	"fmt"
)

// What package change needs of the store beyond the writes themselves:
// the steps it runs after every write, and the facts it authorizes by.

const sqlDropSource = `DELETE FROM source_documents WHERE sha256 = ?`

// RefreshFigures makes the report_figures rows of ids match their current
// cells, in a transaction of its own (the writes that change cells also
// refresh inside theirs; this is the after-a-write step that covers every
// write, the identity fixes and merges included).
func (s *Store) RefreshFigures(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	s.write.Lock()
	defer s.write.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := refreshFigures(ctx, tx, ids); err != nil {
		return err
	}
	return tx.Commit()
}

// Changed runs the functions registered with OnChange (the caches of
// answers built from the stored reports).
func (s *Store) Changed() { s.changed() }

// Edition is the edition of a stored report's tables.
func (s *Store) Edition(ctx context.Context, id int64) (string, error) {
	who, err := s.identity(ctx, s.db, id)
	return who.edition, err
}

// HasSource tells whether a document with this hash is kept.
func (s *Store) HasSource(ctx context.Context, hash string) (bool, error) {
	// A count, not Source: reading the document's bytes and text to learn
	// that it exists cost ingest a blob read per original.
	var n int
	err := s.db.QueryRowContext(ctx, sqlHasSource, hash).Scan(&n)
	return n > 0, err
}

// DropSource removes a kept document: an upload that kept its original
// and then failed to store its report takes the original back, so no
// document is kept without the report read from it.
func (s *Store) DropSource(ctx context.Context, hash string) error {
	s.write.Lock()
	defer s.write.Unlock()
	if _, err := s.db.ExecContext(ctx, sqlDropSource, hash); err != nil {
		return fmt.Errorf("drop source %s: %w", hash, err)
	}
	return nil
}

// AgencyReport is a report stored under an agency.
type AgencyReport struct {
	ID   int64
	Year int
}

// AgencyReports lists the reports stored under an agency.
func (s *Store) AgencyReports(ctx context.Context, agencyID string) ([]AgencyReport, error) {
	var out []AgencyReport
	var r AgencyReport
	err := eachRow(ctx, s.db, sqlReportsOf, []any{&r.ID, &r.Year}, func() error {
		out = append(out, r)
		return nil
	}, agencyID)
	return out, err
}
