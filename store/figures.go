package store

import (
	"context"
	_ "embed"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// figuresSQL fills report_figures (migration 040) from cells.
//
//go:embed figures.sql
var figuresSQL string

const (
	sqlDeleteFigures = `DELETE FROM report_figures WHERE report_id IN (SELECT unnest(?::BIGINT[]))`
	// The ids travel as one list literal: a batch of 256 reports is one
	// statement, not 256.
	figuresOfIDs     = `r.id IN (SELECT unnest(?::BIGINT[]))`
	figuresOfMissing = `r.id NOT IN (SELECT report_id FROM report_figures)`
)

// refreshFigures makes the report_figures rows of ids match their current
// cells: it deletes them and inserts them again from cells, in the caller's
// transaction. Every write that changes a report's cells calls it before
// committing — save (one by one and batched), correction and its undo,
// restore of a version, delete (the report is gone, so no row comes back).
// Appended cells must be flushed first: the insert reads the cells table.
func refreshFigures(ctx context.Context, c execer, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	list := idList(ids)
	if _, err := c.ExecContext(ctx, sqlDeleteFigures, list); err != nil {
		return fmt.Errorf("report figures: %w", err)
	}
	// The cells are read only in the range of the ids: cells lie in
	// report-id order, so DuckDB's zonemaps skip every other row group.
	// Without it each upload (a batch of one) scanned every cell of the
	// database — a second or more at national size.
	lo, hi := slices.Min(ids), slices.Max(ids)
	cells := "report_id BETWEEN " + strconv.FormatInt(lo, 10) + " AND " + strconv.FormatInt(hi, 10)
	if _, err := c.ExecContext(ctx, figuresOf(figuresOfIDs, cells), list); err != nil {
		return fmt.Errorf("report figures: %w", err)
	}
	return nil
}

// fillFigures gives every report without a report_figures row its row: at
// open, once after migration 040 on an existing database (or on a copy that
// gained reports without passing through the store, as scripts/bigdb makes).
// When every report has its row it finds none and writes nothing.
func (s *Store) fillFigures(ctx context.Context) error {
	var missing int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM reports r WHERE `+figuresOfMissing).Scan(&missing); err != nil {
		return err
	}
	if missing == 0 {
		return nil
	}
	_, err := s.db.ExecContext(ctx, figuresOf(figuresOfMissing, "TRUE"))
	return err
}

// figuresOf is the insert of the figures of the reports which selects,
// reading the cells that cells selects (numbers only, never user text).
func figuresOf(which, cells string) string {
	return "INSERT INTO report_figures " + figuresSelect(which, cells)
}

func figuresSelect(which, cells string) string {
	return strings.NewReplacer("/*which*/", which, "/*cells*/", cells).Replace(figuresSQL)
}

// FiguresDrift lists the reports whose report_figures row is not what
// their cells give now — missing, stale, doubled, or left behind by a
// deleted report. It is empty unless a write path forgot refreshFigures;
// the tests call it after every kind of write.
func (s *Store) FiguresDrift(ctx context.Context) ([]int64, error) {
	q := `WITH fresh AS (` + figuresSelect("TRUE", "TRUE") + `),
stored AS (SELECT * FROM report_figures),
differ AS (
    (SELECT * FROM fresh EXCEPT SELECT * FROM stored)
    UNION ALL
    (SELECT * FROM stored EXCEPT SELECT * FROM fresh)
)
SELECT report_id FROM differ
UNION
SELECT report_id FROM report_figures GROUP BY report_id HAVING count(*) > 1
ORDER BY 1`
	var ids []int64
	rows, err := s.db.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("report figures: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// savedIDs are the reports a batch wrote, for refreshFigures.
func savedIDs(res []SaveResult) []int64 {
	ids := make([]int64, 0, len(res))
	for _, r := range res {
		if r.ID != 0 {
			ids = append(ids, r.ID)
		}
	}
	return ids
}

// idList renders ids as a DuckDB list literal (numbers only, never text
// from a user).
func idList(ids []int64) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	b.WriteByte(']')
	return b.String()
}
