package store

import (
	"context"
	"database/sql"
)

// What package change needs of the store beyond the writes themselves:
// the steps it runs after every write, and the facts it authorizes by.

// RefreshFigures makes the report_figures rows of ids match their current
// cells, in a transaction of its own (the writes that change cells also
// refresh inside theirs; this is the after-a-write step that covers every
// write, the identity fixes and merges included).
func (s *Store) RefreshFigures(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	return s.writeTx(ctx, quietly, nil, func(tx *sql.Tx) error {
		return refreshFigures(ctx, tx, ids)
	})
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
