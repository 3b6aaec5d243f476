package store

import (
	"cmp"
	"context"
	"database/sql/driver"
	"fmt"
	"time"

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

// A batch's replaced reports, set-based (issue 25 item 2 at national
// size). One by one, each replaced report cost about 15 ms at 200 000
// reports: its lookup, the move of its old version's rows and four
// deletes, each statement reading the row groups of that id in tables of
// 38 million rows plus every row the batch had appended so far (those
// have no zone maps). Now a batch reads all its stored keys at once,
// decides which reports its documents replace before any of its rows is
// appended, and moves, deletes and updates those reports with one
// statement each; saveIn then appends the new rows as for a new report.
const (
	// The stored reports of the batch's keys (agency id, year).
	sqlPriorReports = `SELECT r.id, r.agency_id, r.year, r.agency, r.county, r.source_file, r.sha256, r.ingested_at, coalesce(r.current_version, 0)
FROM reports r JOIN (SELECT unnest($1::VARCHAR[]) AS agency_id, unnest($2::INTEGER[]) AS year) k
  ON r.agency_id = k.agency_id AND r.year = k.year`
	// What findCurrent reads of each (sqlCellCounts) and the last version
	// number (sqlMaxVersion), for all of them.
	sqlPriorCells = `SELECT report_id, count(*), coalesce(bool_or(code LIKE 't3.%'), false), coalesce(bool_or(code LIKE 't4.%'), false)
FROM cells WHERE report_id IN (SELECT unnest($1::BIGINT[])) GROUP BY report_id`
	sqlPriorVersions = `SELECT report_id, max(version) FROM report_versions WHERE report_id IN (SELECT unnest($1::BIGINT[])) GROUP BY report_id`
	// sqlCurrentInPlace for many reports.
	sqlPriorInPlace = `SELECT r.id, r.current_version FROM reports r
JOIN report_versions v ON v.report_id = r.id AND v.version = r.current_version
WHERE r.id IN (SELECT unnest($1::BIGINT[])) AND v.n_cells > 0
  AND NOT EXISTS (SELECT 1 FROM version_cells x WHERE x.report_id = r.id AND x.version = r.current_version)`
	// sqlMoveSources and sqlMoveCells for many reports ($1 ids, $2 the
	// version each is kept as); sources first, as there.
	sqlMovePriorSources = `INSERT INTO version_sources (report_id, version, code, line, page, tbl, grid_row, grid_col, raw, note)
SELECT s.report_id, m.version, s.code, s.line, s.page, s.tbl, s.grid_row, s.grid_col, s.raw, s.note
FROM cell_sources s JOIN (SELECT unnest($1::BIGINT[]) AS id, unnest($2::INTEGER[]) AS version) m ON s.report_id = m.id`
	sqlMovePriorCells = `INSERT INTO version_cells (report_id, version, code, value)
SELECT c.report_id, m.version, c.code, c.value
FROM cells c JOIN (SELECT unnest($1::BIGINT[]) AS id, unnest($2::INTEGER[]) AS version) m ON c.report_id = m.id`
	// makeCurrent's deletes (sqlDeleteCells, sqlDeleteSrc, sqlDeleteFind,
	// sqlDeleteFigure) for many reports.
	sqlDeletePriorCells   = `DELETE FROM cells WHERE report_id IN (SELECT unnest($1::BIGINT[]))`
	sqlDeletePriorSrc     = `DELETE FROM cell_sources WHERE report_id IN (SELECT unnest($1::BIGINT[]))`
	sqlDeletePriorFind    = `DELETE FROM findings WHERE report_id IN (SELECT unnest($1::BIGINT[]))`
	sqlDeletePriorFigures = `DELETE FROM report_figures WHERE report_id IN (SELECT unnest($1::BIGINT[]))`
	// saveBatch's sqlDeleteNarrative for many identities (agency, county,
	// year lists): the text stored before the batch of the reports
	// replaced up front.
	sqlDeletePriorNarratives = `DELETE FROM narratives n
USING (SELECT unnest($1::VARCHAR[]) AS agency, unnest($2::VARCHAR[]) AS county, unnest($3::INTEGER[]) AS year) k
WHERE n.agency = k.agency AND n.county = k.county AND n.year = k.year`
	// makeCurrent's sqlUpdateCurrent for many reports: $1 the time, then a
	// list per column ("" published: none).
	sqlUpdatePrior = `UPDATE reports SET edition = u.edition, format = u.format, source_file = u.source_file, sha256 = u.sha256,
       published_on = nullif(u.published_on, '')::DATE, synthetic = u.synthetic, ingested_at = $1, current_version = u.version, kind = u.kind
FROM (SELECT unnest($2::BIGINT[]) AS id, unnest($3::VARCHAR[]) AS edition, unnest($4::VARCHAR[]) AS format,
             unnest($5::VARCHAR[]) AS source_file, unnest($6::VARCHAR[]) AS sha256, unnest($7::VARCHAR[]) AS published_on,
             unnest($8::BOOLEAN[]) AS synthetic, unnest($9::INTEGER[]) AS version, unnest($10::VARCHAR[]) AS kind) u
WHERE reports.id = u.id`
)

// prior is a report stored before the batch under a key of the batch, as
// the key's first document in the batch finds it.
type prior struct {
	cur     current
	last    int  // its highest version number
	moved   bool // replaced up front: its old version moved, its current rows gone
	version int  // the version the document becomes when moved
}

// replaceStored reads the stored reports of the batch's keys and, for
// each key's first document, decides as saveIn would whether it becomes
// the report's current version; the reports it replaces are superseded
// here, before any row of the batch is appended: their in-place version
// moved to the version tables, their current rows deleted, their reports
// row updated and their history kept, one statement each for the batch.
// saveIn takes the rest from b.prior (findCurrent's answer, the version
// number, and that the old rows are gone).
//
// Where the answer cannot be told up front, nothing is done and saveIn
// works report by report as before: a database from before the registry
// or with county-less reports (a report may adopt one), an agency merged
// away, a stored report from before versions (version 0), the same
// document again (it may be unchanged), and every later document of a key
// met earlier in the batch (its current version is then the batch's own).
func (s *Store) replaceStored(ctx context.Context, w *writer, b *batchState, items []BatchItem, now time.Time) error {
	b.prior = map[string]*prior{}
	if b.legacy || b.orphans {
		return nil
	}
	first := map[string]int{} // key → index of its first document
	var keys, agencies []string
	var years []int32
	for i, it := range items {
		r := it.Report
		p, _, _, err := s.identify(ctx, r.Agency, r.County, it.Opt.DivisionCode, r.Synthetic)
		if err != nil {
			return err
		}
		if w.merged[p.ID] {
			return nil
		}
		key := fmt.Sprintf("%s|%d", p.ID, r.Year)
		if _, seen := first[key]; seen || !b.existing[key] {
			continue
		}
		first[key] = i
		keys = append(keys, key)
		agencies, years = append(agencies, p.ID), append(years, int32(r.Year))
	}
	if len(agencies) == 0 {
		return nil
	}
	var ids []int64
	byID := map[int64]*prior{}
	var p prior
	var agencyID string
	var year int
	if err := eachRow(ctx, w, sqlPriorReports, []any{&p.cur.id, &agencyID, &year, &p.cur.agency, &p.cur.county, &p.cur.file, &p.cur.hash, &p.cur.ingested, &p.cur.version}, func() error {
		key := fmt.Sprintf("%s|%d", agencyID, year)
		if b.prior[key] != nil {
			// Two reports of one key: findCurrent takes one, leave it to it.
			delete(byID, b.prior[key].cur.id)
			b.prior[key] = &prior{}
			return nil
		}
		x := p
		b.prior[key], byID[x.cur.id] = &x, &x
		ids = append(ids, x.cur.id)
		return nil
	}, agencies, years); err != nil {
		return err
	}
	for key, x := range b.prior {
		// A report from before versions gets its version 0 first
		// (snapshotLegacy): saveIn does all of it.
		if x.cur.id == 0 || x.cur.version == 0 {
			delete(b.prior, key)
		}
	}
	var id int64
	var cells, last int
	var t3, t4 bool
	if err := eachRow(ctx, w, sqlPriorCells, []any{&id, &cells, &t3, &t4}, func() error {
		if x := byID[id]; x != nil {
			x.cur.cells, x.cur.t3, x.cur.t4 = cells, t3, t4
		}
		return nil
	}, ids); err != nil {
		return err
	}
	if err := eachRow(ctx, w, sqlPriorVersions, []any{&id, &last}, func() error {
		if x := byID[id]; x != nil {
			x.last = last
		}
		return nil
	}, ids); err != nil {
		return err
	}
	// The decision saveIn makes for a found report, its document first.
	var up supersede
	for _, key := range keys {
		x := b.prior[key]
		if x == nil {
			continue
		}
		it := items[first[key]]
		if x.cur.hash == it.Report.SHA256 && !it.Opt.Force && it.Opt.Hold == "" {
			continue
		}
		if holdFor(x.cur, it.Report, it.Opt) != "" {
			continue
		}
		x.moved, x.version = true, x.last+1
		up.add(x, it, now)
		r := it.Report
		if nk := fmt.Sprintf("%s|%s|%d", r.Agency, r.County, r.Year); it.KeepText && b.stored[nk] {
			// saveBatch deletes the text stored before the batch when the
			// document becomes current; done here for all at once, so it
			// finds none left (one DELETE a report cost 25 of 100 s of CPU
			// adding 20 000 reports to 200 000).
			up.textAgencies, up.textCounties = append(up.textAgencies, r.Agency), append(up.textCounties, r.County)
			up.textYears = append(up.textYears, int32(r.Year))
			b.stored[nk] = false
		}
	}
	if len(up.ids) == 0 {
		return nil
	}
	return up.run(ctx, w, now)
}

// holdFor is saveIn's reason to hold r back from replacing cur ("": it
// replaces it).
func holdFor(cur current, r *report.Report, opt SaveOptions) string {
	if opt.Force {
		return ""
	}
	if opt.Hold != "" {
		return opt.Hold
	}
	return HoldReason(cur.cells, cur.t3, cur.t4, r)
}

// supersede is the columns of the batch's replaced reports.
type supersede struct {
	ids                                                []int64
	versions                                           []int32
	editions, formats, files, hashes, published, kinds []string
	synthetic                                          []bool
	history                                            [][]driver.Value
	// the identities whose stored text goes
	textAgencies, textCounties []string
	textYears                  []int32
}

func (u *supersede) add(x *prior, it BatchItem, now time.Time) {
	r := it.Report
	u.ids = append(u.ids, x.cur.id)
	u.versions = append(u.versions, int32(x.version))
	u.editions = append(u.editions, r.Edition)
	u.formats = append(u.formats, cmp.Or(r.Format, "text"))
	u.files = append(u.files, r.File)
	u.hashes = append(u.hashes, r.SHA256)
	u.published = append(u.published, r.PublishedOn)
	u.synthetic = append(u.synthetic, r.Synthetic)
	u.kinds = append(u.kinds, cmp.Or(it.Opt.Kind, "report"))
	// saveIn's sqlKeepHistory, the report's stored names.
	u.history = append(u.history, []driver.Value{x.cur.agency, x.cur.county, int32(r.Year), x.cur.id, x.cur.file, x.cur.hash, x.cur.ingested, now})
}

// run supersedes the reports: the in-place versions' rows moved (before
// the reports row names another version current), the current rows
// deleted, the reports rows updated, the history appended.
func (u *supersede) run(ctx context.Context, w *writer, now time.Time) error {
	var move []int64
	var as []int32
	var id int64
	var version int32
	if err := eachRow(ctx, w, sqlPriorInPlace, []any{&id, &version}, func() error {
		move, as = append(move, id), append(as, version)
		return nil
	}, u.ids); err != nil {
		return err
	}
	if len(move) > 0 {
		for _, q := range []string{sqlMovePriorSources, sqlMovePriorCells} {
			if _, err := w.ExecContext(ctx, q, move, as); err != nil {
				return err
			}
		}
	}
	for _, q := range []string{sqlDeletePriorCells, sqlDeletePriorSrc, sqlDeletePriorFind, sqlDeletePriorFigures} {
		if _, err := w.ExecContext(ctx, q, u.ids); err != nil {
			return err
		}
	}
	if len(u.textYears) > 0 {
		if _, err := w.ExecContext(ctx, sqlDeletePriorNarratives, u.textAgencies, u.textCounties, u.textYears); err != nil {
			return err
		}
	}
	if _, err := w.ExecContext(ctx, sqlUpdatePrior, now, u.ids, u.editions, u.formats, u.files, u.hashes, u.published,
		u.synthetic, u.versions, u.kinds); err != nil {
		return err
	}
	for _, h := range u.history {
		if err := w.appendRow("report_history", h...); err != nil {
			return err
		}
	}
	return nil
}
