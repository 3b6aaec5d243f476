package store

import (
	"context"

	"nianbao/report"
)

// Where a version's cells and sources live (issue 25 item 2, migration
// 110). Before, every value was written four times: the current rows
// (cells, cell_sources) and the version's copy (version_cells,
// version_sources). Now a version's parsed cells and sources are stored
// once:
//
//   - the current version, when its current rows are exactly what the
//     document read (no correction laid over it), has no rows of its own
//     in version_cells/version_sources: its rows are cells/cell_sources
//     ("in place"). That is nearly every report of a bulk load.
//   - every other version (superseded, held, restored, or current with a
//     correction laid over) has its rows in version_cells/version_sources.
//
// A version is in place exactly when it is the report's current_version,
// counts cells (report_versions.n_cells > 0) and has no version_cells row:
// no flag column to keep in step. Before anything changes a report's
// current cells or sources (a new version made current, a restore, a
// correction, an undo, a delete), keepCurrentVersion moves the in-place
// version's rows into the version tables, in the same transaction as the
// change, so a kill leaves either the old rows in place or both the moved
// copy and the change. Findings are few and are computed again when a
// correction changes the cells, so version_findings keeps every version's
// findings as before.

// sqlInPlace is true when version $2 of report $1 is kept in place; the
// readers below take the current rows only then.
const sqlInPlaceCond = `EXISTS (SELECT 1 FROM reports r JOIN report_versions v ON v.report_id = r.id AND v.version = r.current_version
        WHERE r.id = $1 AND r.current_version = $2 AND v.n_cells > 0)
    AND NOT EXISTS (SELECT 1 FROM version_cells x WHERE x.report_id = $1 AND x.version = $2)`

const (
	// sqlVersionCells reads the cells of version $2 of report $1 wherever
	// they are.
	sqlVersionCells = `SELECT code, value FROM version_cells WHERE report_id = $1 AND version = $2
UNION ALL
SELECT code, value FROM cells WHERE report_id = $1 AND ` + sqlInPlaceCond
	sqlVersionSources = `SELECT code, coalesce(line,0), coalesce(page,0), coalesce(tbl,0), coalesce(grid_row,0), coalesce(grid_col,0), coalesce(raw,''), coalesce(note,'')
FROM version_sources WHERE report_id = $1 AND version = $2
UNION ALL
SELECT code, coalesce(line,0), coalesce(page,0), coalesce(tbl,0), coalesce(grid_row,0), coalesce(grid_col,0), coalesce(raw,''), coalesce(note,'')
FROM cell_sources WHERE report_id = $1 AND ` + sqlInPlaceCond
	// sqlDiff compares versions $2 and $3 of report $1 (each read as
	// sqlVersionCells does).
	sqlDiff = `WITH a AS (SELECT code, value FROM version_cells WHERE report_id = $1 AND version = $2
        UNION ALL SELECT code, value FROM cells WHERE report_id = $1 AND ` + sqlInPlaceCond + `),
    b AS (SELECT code, value FROM version_cells WHERE report_id = $1 AND version = $3
        UNION ALL SELECT code, value FROM cells WHERE report_id = $1 AND ` + sqlInPlaceCondB + `)
SELECT coalesce(a.code, b.code) AS code, a.value, b.value
FROM a FULL OUTER JOIN b ON a.code = b.code
WHERE a.value IS DISTINCT FROM b.value`
	sqlInPlaceCondB = `EXISTS (SELECT 1 FROM reports r JOIN report_versions v ON v.report_id = r.id AND v.version = r.current_version
        WHERE r.id = $1 AND r.current_version = $3 AND v.n_cells > 0)
    AND NOT EXISTS (SELECT 1 FROM version_cells x WHERE x.report_id = $1 AND x.version = $3)`

	// sqlCurrentInPlace names the report's current version when it is kept
	// in place (no row: it has its own rows, or no cells, or no report).
	sqlCurrentInPlace = `SELECT r.current_version FROM reports r
JOIN report_versions v ON v.report_id = r.id AND v.version = r.current_version
WHERE r.id = $1 AND v.n_cells > 0
  AND NOT EXISTS (SELECT 1 FROM version_cells x WHERE x.report_id = r.id AND x.version = r.current_version)`
	// The move: sources first, cells last (the cells' presence is what
	// says the version has its own rows).
	sqlMoveSources = `INSERT INTO version_sources (report_id, version, code, line, page, tbl, grid_row, grid_col, raw, note)
SELECT report_id, $2, code, line, page, tbl, grid_row, grid_col, raw, note FROM cell_sources WHERE report_id = $1`
	sqlMoveCells = `INSERT INTO version_cells (report_id, version, code, value) SELECT report_id, $2, code, value FROM cells WHERE report_id = $1`
)

// keepCurrentVersion gives report id's current version its own rows in the
// version tables when it is kept in place, copied from the current rows,
// which are exactly its rows then. Called inside the transaction about to
// change or delete the current rows; it does nothing otherwise.
func keepCurrentVersion(ctx context.Context, q queryer, id int64) error {
	var version int
	rows, err := q.QueryContext(ctx, sqlCurrentInPlace, id)
	if err != nil {
		return err
	}
	found := false
	for rows.Next() {
		if err := rows.Scan(&version); err != nil {
			rows.Close()
			return err
		}
		found = true
	}
	rows.Close()
	if err := rows.Err(); err != nil || !found {
		return err
	}
	for _, stmt := range []string{sqlMoveSources, sqlMoveCells} {
		if _, err := q.ExecContext(ctx, stmt, id, version); err != nil {
			return err
		}
	}
	return nil
}

// appendVersionRows writes r's cells and sources as version's own rows
// (a held version, or a current one whose cells corrections changed).
func appendVersionRows(w *writer, id int64, version int, r *report.Report) error {
	v := int32(version)
	for _, code := range w.codesFor(r) {
		if err := w.appendRow("version_cells", id, v, code, r.Cells[code]); err != nil {
			return err
		}
	}
	for _, code := range w.codesFor(r) {
		s, ok := r.Sources[code]
		if !ok {
			continue
		}
		if err := w.appendRow("version_sources", id, v, code, int32(s.Line), int32(s.Page), int32(s.Table), int32(s.Row), int32(s.Col), s.Raw, s.Note); err != nil {
			return err
		}
	}
	return nil
}
