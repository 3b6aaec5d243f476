package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"nianbao/registry"
	"nianbao/report"
)

const (
	sqlFindByAgency = `SELECT id, agency, county, source_file, sha256, ingested_at, coalesce(current_version, 0)
FROM reports WHERE agency_id = ? AND year = ?`
	sqlFindLegacy = `SELECT id, agency, county, source_file, sha256, ingested_at, coalesce(current_version, 0)
FROM reports WHERE agency_id IS NULL AND agency = ? AND county = ? AND year = ?`
	// sqlCellCounts is what findCurrent reads of a found report's cells.
	sqlCellCounts = `SELECT count(*), coalesce(bool_or(code LIKE 't3.%'), false), coalesce(bool_or(code LIKE 't4.%'), false)
FROM cells WHERE report_id = ?`
	sqlMaxVersion    = `SELECT coalesce(max(version), 0) FROM report_versions WHERE report_id = ?`
	sqlSetAgencyID   = `UPDATE reports SET agency_id = ? WHERE id = ?`
	sqlUpdateCurrent = `UPDATE reports SET edition = ?, format = ?, source_file = ?, sha256 = ?, published_on = ?, synthetic = ?, ingested_at = ?, current_version = ?, kind = ? WHERE id = ?`
	sqlKeepHistory   = `INSERT INTO report_history (agency, county, year, report_id, source_file, sha256, ingested_at, replaced_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	sqlDeleteCells   = `DELETE FROM cells WHERE report_id = ?`
	sqlDeleteSrc     = `DELETE FROM cell_sources WHERE report_id = ?`
	sqlDeleteFind    = `DELETE FROM findings WHERE report_id = ?`
	sqlDeleteReport  = `DELETE FROM reports WHERE id = ?`
	sqlInsertReport  = `INSERT INTO reports (agency, county, year, edition, format, source_file, sha256, published_on, synthetic, ingested_at, agency_id, kind, current_version)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id`
	sqlGetReport = `SELECT id, agency, county, year, edition, format, source_file, sha256,
       coalesce(strftime(published_on, '%Y-%m-%d'), ''), synthetic, ingested_at
FROM reports WHERE id = ?`
	sqlGetCells    = `SELECT code, value FROM cells WHERE report_id = ?`
	sqlGetSources  = `SELECT code, coalesce(line,0), coalesce(page,0), coalesce(tbl,0), coalesce(grid_row,0), coalesce(grid_col,0), coalesce(raw,''), coalesce(note,'') FROM cell_sources WHERE report_id = ?`
	sqlGetFindings = `SELECT rule, severity, cells, message FROM findings WHERE report_id = ? ORDER BY seq`
	sqlGetHistory  = `SELECT source_file, sha256, ingested_at, replaced_at FROM report_history WHERE agency = ? AND county = ? AND year = ? ORDER BY replaced_at DESC`
)

// SaveResult tells what Save did.
type SaveResult struct {
	ID       int64
	Replaced bool  // an earlier version of the same agency and year was current
	Previous int64 // the report's id then (the same: ids never change)
	// AgencyID is the agency the report is stored under; Registered tells
	// whether it is a registry entry (false: listed for a person to map).
	AgencyID   string
	Registered bool
	// Version is the number of the version this document became; Current
	// whether it is now the report's current version. Held says why not.
	Version   int
	Current   bool
	Held      string
	Unchanged bool // the same document as the current version: nothing stored
	// Corrected counts the stored corrections laid over the new version;
	// Orphaned lists the cells whose corrections no longer apply because
	// the document now reads differently there.
	Corrected int
	Orphaned  []string
	// OriginalKept: BatchItem.Original was stored (false: kept before).
	OriginalKept bool
	// saved is the report's current rows as the assessment reads them,
	// from memory (SaveOptions.Recheck); nil when the version is held or
	// nothing was stored.
	saved *savedReport
}

// savedReport is what a save wrote of a report that became current, for
// the re-check in its transaction: its stored identity, and its cells
// and printed texts as CountiesDocs would read them back.
type savedReport struct {
	county string
	year   int
	doc    *AssessDoc // ID, Cells and Raw only
}

// SaveOptions say how to store a report.
type SaveOptions struct {
	Author       string // who, for the audit log ("" records nothing)
	Force        bool   // make the version current even when it is far smaller
	DivisionCode string // GB/T 2260 code from a manifest
	Kind         string // what the classifier called the document
	// Hold, when set, keeps the version from becoming current with this
	// reason (a batch conflict) unless Force.
	Hold string
	// With are writes that join the report's transaction (SaveWith only;
	// see Step), run after the report's rows in the order given.
	With []Step
	// Recheck, when set, runs last in the report's transaction, after
	// With: the re-check of the report's county (package assess), so an
	// upload commits its report and the findings it changes once. It is
	// not called for a document already stored unchanged.
	Recheck func(ctx context.Context, tx *AssessTx) error
	// keepText (a batch's report stored on its own, saveOne): text, the
	// report's text sections, replaces what is kept for its identity in
	// the report's own transaction when the version becomes current and
	// changed — as the batch does — so no crash leaves one without the
	// other.
	keepText bool
	text     []NarrativeSection
}

// Save stores a report in one transaction as a new version of its agency
// and year (see SaveWith).
func (s *Store) Save(ctx context.Context, r *report.Report) (SaveResult, error) {
	return s.SaveWith(ctx, r, SaveOptions{})
}

// SaveAs is Save by a named person (an upload through the API): the upload
// is recorded in the audit log with the file's name and hash.
func (s *Store) SaveAs(ctx context.Context, r *report.Report, author string) (SaveResult, error) {
	return s.SaveWith(ctx, r, SaveOptions{Author: author})
}

// SaveWith stores a report as a new version of the report of its agency
// and year. The report keeps its id; the version becomes current unless it
// is far smaller than the current one (see HoldReason) and Force is unset.
func (s *Store) SaveWith(ctx context.Context, r *report.Report, opt SaveOptions) (SaveResult, error) {
	s.write.Lock()
	defer s.write.Unlock()
	s.endBulk(ctx) // a single write after a load: the load is over
	if err := s.ensureRegistry(ctx); err != nil {
		return SaveResult{}, fmt.Errorf("store %s: %w", r.File, err)
	}
	res, err := s.save(ctx, r, opt)
	if err != nil {
		return res, fmt.Errorf("store %s: %w", r.File, err)
	}
	if !res.Unchanged {
		s.after(tellReaders)
	}
	return res, nil
}

// HoldReason tells why a new version should not replace the current one
// without a person's say: far fewer cells (under half), or no table 3 or 4
// where the current version has them. "" means it may.
func HoldReason(oldCells int, oldT3, oldT4 bool, r *report.Report) string {
	n, t3, t4 := tableStats(r)
	switch {
	case oldT3 && !t3:
		return fmt.Sprintf("新版本没有表三（当前版本有），单元格 %d → %d", oldCells, n)
	case oldT4 && !t4:
		return fmt.Sprintf("新版本没有表四（当前版本有），单元格 %d → %d", oldCells, n)
	case oldCells >= 10 && n*2 < oldCells:
		return fmt.Sprintf("新版本单元格远少于当前版本：%d → %d", oldCells, n)
	}
	return ""
}

func tableStats(r *report.Report) (n int, t3, t4 bool) {
	for code := range r.Cells {
		n++
		t3 = t3 || strings.HasPrefix(code, "t3.")
		t4 = t4 || strings.HasPrefix(code, "t4.")
	}
	return n, t3, t4
}

type current struct {
	id                   int64
	agency, county, file string
	hash                 string
	ingested             time.Time
	version, cells       int
	t3, t4               bool
}

func (s *Store) save(ctx context.Context, r *report.Report, opt SaveOptions) (res SaveResult, err error) {
	restore, err := s.oneThread(ctx)
	if err != nil {
		return res, err
	}
	defer restore()
	err = s.appendTx(ctx, false, func(_ *sql.Conn, w *writer) error {
		var err error
		if res, err = s.saveIn(ctx, w, r, opt, time.Now().UTC(), nil); err != nil {
			return err
		}
		for _, step := range opt.With {
			if err = step(ctx, w); err != nil {
				return err
			}
		}
		if opt.keepText && res.Current && !res.Unchanged {
			if err = NarrativeStep(r.Agency, r.County, r.Year, opt.text)(ctx, w); err != nil {
				return err
			}
		}
		if opt.Recheck != nil && !res.Unchanged {
			if err = opt.Recheck(ctx, s.assessTx(ctx, w, res)); err != nil {
				return err
			}
		}
		return nil
	})
	return res, err
}

// saveIn stores r inside the transaction open on w. b, in a batch, says
// which lookups cannot find anything (nil: make them all).
func (s *Store) saveIn(ctx context.Context, conn *writer, r *report.Report, opt SaveOptions, now time.Time, b *batchState) (res SaveResult, err error) {
	// Work on a copy so the caller's report stays as parsed.
	cp := *r
	cp.Cells = make(map[string]float64, len(r.Cells))
	for k, v := range r.Cells {
		cp.Cells[k] = v
	}
	cp.Findings = append([]report.Finding(nil), r.Findings...)
	r = &cp
	ag, err := s.resolveAgency(ctx, conn, r.Agency, r.County, opt.DivisionCode, r.Synthetic)
	if err != nil {
		return res, err
	}
	res.AgencyID, res.Registered = ag.id, ag.registered
	if ag.county != "" {
		r.County = ag.county // the registry's spelling of the county it placed the agency in
	}
	key := fmt.Sprintf("%s|%d", ag.id, r.Year)
	if b != nil && (b.keys[key] || b.orphans) {
		// A report this batch wrote may be read now: its appended rows
		// must be visible to the lookups below.
		if err = conn.flush(); err != nil {
			return res, err
		}
	}
	var cur current
	found := true
	var pre *prior // the batch read the stored report up front
	if b != nil && !b.keys[key] {
		pre = b.prior[key]
	}
	if pre != nil {
		cur = pre.cur
	} else if b != nil && !b.existing[key] && !b.keys[key] {
		// The batch's one lookup found no report of this agency and year.
		found = false
	} else {
		if cur, found, err = findCurrent(ctx, conn, sqlFindByAgency, ag.id, r.Year); err != nil {
			return res, err
		}
	}
	if !found && (b == nil || b.legacy) {
		// A database from before the registry: the old key.
		if cur, found, err = findCurrent(ctx, conn, sqlFindLegacy, r.Agency, r.County, r.Year); err != nil {
			return res, err
		}
	}
	if !found && ag.county != "" && (b == nil || b.orphans) {
		// Correcting the county by ingesting again: a county-less report
		// (待归属) of this name and year becomes this agency's report.
		// Its audit row is written by a statement: the queue goes first.
		if err = conn.flushAudits(ctx); err != nil {
			return res, err
		}
		if found, err = s.adopt(ctx, conn, r, ag, &cur, opt.Author, now); err != nil {
			return res, err
		}
	}
	if b != nil {
		b.keys[key] = true
		if r.County == "" {
			b.orphans = true
		}
	}
	kind := opt.Kind
	if kind == "" {
		kind = "report"
	}
	var published any
	if r.PublishedOn != "" {
		published = r.PublishedOn
	}
	format := r.Format
	if format == "" {
		format = "text"
	}
	author := opt.Author
	if !found {
		if id, ok := conn.newID(); ok {
			// An id drawn for the batch: the row goes through the Appender.
			var day any
			if day, err = dateValue(published); err != nil {
				return res, err
			}
			res.ID = id
			if err = conn.appendRow("reports", id, r.Agency, r.County, int32(r.Year), r.Edition, format, r.File, r.SHA256, day,
				r.Synthetic, now, ag.id, int32(1), kind); err != nil {
				return res, err
			}
		} else if err = conn.QueryRowContext(ctx, sqlInsertReport, r.Agency, r.County, r.Year, r.Edition, format,
			r.File, r.SHA256, published, r.Synthetic, now, ag.id, kind).Scan(&res.ID); err != nil {
			return res, err
		}
		res.Version, res.Current = 1, true
	} else {
		res.ID, res.Previous = cur.id, cur.id
		if cur.hash == r.SHA256 && cur.version > 0 && !opt.Force && opt.Hold == "" {
			var same bool
			if same, err = sameCells(ctx, conn, cur.id, cur.version, r.Cells); err != nil {
				return res, err
			}
			if same {
				// The same document read the same way: no new version.
				res.Unchanged, res.Version, res.Current = true, cur.version, true
				err = conn.QueryRowContext(ctx, sqlCountActive, cur.agency, cur.county, r.Year).Scan(&res.Corrected)
				return res, err
			}
		}
		// Corrections and reviews are keyed by the report's stored names.
		r.Agency, r.County = cur.agency, cur.county
		if cur.version == 0 {
			if err = snapshotLegacy(ctx, conn, cur.id); err != nil {
				return res, err
			}
			if _, err = conn.ExecContext(ctx, sqlSetAgencyID, ag.id, cur.id); err != nil {
				return res, err
			}
		}
		if pre != nil {
			res.Version = pre.last
		} else if err = conn.QueryRowContext(ctx, sqlMaxVersion, cur.id).Scan(&res.Version); err != nil {
			return res, err
		}
		res.Version++
		res.Held = holdFor(cur, r, opt)
		res.Current = res.Held == ""
	}
	moved := pre != nil && pre.moved
	if moved && (!res.Current || res.Version != pre.version) {
		// replaceStored decided otherwise: a fault of this code, not of the
		// document; the batch is stored again one report at a time.
		return res, fmt.Errorf("批量替换与逐份保存的判断不一致（报告 %d 版本 %d）", res.ID, res.Version)
	}
	if err = storeVersion(ctx, conn, res.ID, res.Version, r, kind, format, published, author, res.Held, !res.Current, now); err != nil {
		return res, err
	}
	if b == nil {
		// The stored identity: a found report keeps its names, a new one
		// takes the registry's county.
		res.saved = &savedReport{county: r.County, year: r.Year}
	}
	if !res.Current {
		if err = conn.audit(ctx, auditRow{now, auditAuthor(author), "hold", r.Agency, r.County, r.Year,
			fmt.Sprintf("report %d v%d", res.ID, res.Version), cur.hash, r.SHA256, res.Held}); err != nil {
			return res, err
		}
		return res, nil
	}
	if found {
		res.Replaced = true
	}
	if found && !moved {
		if _, err = conn.ExecContext(ctx, sqlKeepHistory, r.Agency, r.County, r.Year, cur.id, cur.file, cur.hash, cur.ingested, now); err != nil {
			return res, err
		}
	}
	// A report replaceStored superseded has no current rows left and its
	// reports row is updated: its new rows are appended as a new report's.
	if res.Orphaned, res.Corrected, err = s.makeCurrent(ctx, conn, res.ID, res.Version, r, kind, format, published, found && !moved, true, now); err != nil {
		return res, err
	}
	if b == nil {
		// r now holds the current cells, the corrections laid over.
		res.saved.doc = assessDocOf(res.ID, r, conn.codesFor(r))
	}
	if author != "" {
		old := ""
		if found {
			old = cur.hash
		}
		if err = conn.audit(ctx, auditRow{now, author, "upload", r.Agency, r.County, r.Year, r.File, old, r.SHA256, ""}); err != nil {
			return res, err
		}
	}
	return res, nil
}

const (
	sqlOrphanCandidates = `SELECT r.id FROM reports r JOIN agencies a ON a.id = r.agency_id
WHERE r.year = ? AND r.county = '' AND NOT a.registered AND a.county = '' AND a.short_name = ?`
	sqlAdopt = `UPDATE reports SET agency_id = ?, county = ? WHERE id = ?`
)

// adopt moves the one county-less report of r's short name and year, if
// there is exactly one, to r's agency now that its county is known; the
// move is audited. Two candidates are left for a person (never guessed).
func (s *Store) adopt(ctx context.Context, conn *writer, r *report.Report, ag resolved, cur *current, author string, now time.Time) (bool, error) {
	rows, err := conn.QueryContext(ctx, sqlOrphanCandidates, r.Year, registry.Short(r.Agency))
	if err != nil {
		return false, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return false, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if len(ids) != 1 {
		return false, nil
	}
	var old current
	if err := conn.QueryRowContext(ctx, sqlIdentity, ids[0]).Scan(&old.agency, &old.county, new(int), new(string)); err != nil {
		return false, err
	}
	if _, err := conn.ExecContext(ctx, sqlAdopt, ag.id, ag.county, ids[0]); err != nil {
		return false, err
	}
	for _, q := range []string{sqlMoveCorr, sqlMoveReviews} {
		if _, err := conn.ExecContext(ctx, q, old.agency, ag.county, r.Year, old.agency, old.county, r.Year); err != nil {
			return false, err
		}
	}
	if _, err := conn.ExecContext(ctx, sqlInsertAudit, now, auditAuthor(author), "meta", old.agency, ag.county, r.Year,
		fmt.Sprintf("report %d", ids[0]), "待归属", ag.county+" ("+ag.id+")", "重新导入时写明了所属县（区）"); err != nil {
		return false, err
	}
	var found bool
	*cur, found, err = findCurrent(ctx, conn, sqlFindByAgency, ag.id, r.Year)
	if err == nil && !found {
		err = sql.ErrNoRows // the report just adopted
	}
	return found, err
}

// findCurrent reads the stored report query finds (sqlFindByAgency or
// sqlFindLegacy) and, when there is one, its cells' count and whether it
// has tables 3 and 4 (sqlCellCounts): two statements, the second bound to one
// report, where one with three subqueries on cells cost 6 ms of CPU a save
// at 200 000 reports, found or not (docs/benchmarks.md, "Upload p50 at
// 200 000, second pass").
func findCurrent(ctx context.Context, q queryer, query string, args ...any) (cur current, found bool, err error) {
	err = q.QueryRowContext(ctx, query, args...).Scan(&cur.id, &cur.agency, &cur.county, &cur.file, &cur.hash, &cur.ingested, &cur.version)
	if errors.Is(err, sql.ErrNoRows) {
		return current{}, false, nil
	}
	if err != nil {
		return current{}, false, err
	}
	if err = q.QueryRowContext(ctx, sqlCellCounts, cur.id).Scan(&cur.cells, &cur.t3, &cur.t4); err != nil {
		return current{}, false, err
	}
	return cur, true, nil
}

const sqlCountActive = `SELECT count(*) FROM corrections WHERE agency = ? AND county = ? AND year = ? AND NOT orphaned AND NOT superseded`

// sameCells tells whether a stored version holds exactly these cells.
func sameCells(ctx context.Context, q queryer, id int64, version int, cells map[string]float64) (bool, error) {
	rows, err := q.QueryContext(ctx, sqlVersionCells, id, version)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var code string
		var v float64
		if err := rows.Scan(&code, &v); err != nil {
			return false, err
		}
		n++
		if w, ok := cells[code]; !ok || w != v {
			return false, nil
		}
	}
	return n == len(cells), rows.Err()
}

func auditAuthor(a string) string {
	if a == "" {
		return "ingest"
	}
	return a
}

// makeCurrent lays the corrections over r and writes it as the report's
// current cells, sources and findings. The version that was current gets
// its own rows first when it was kept in place (keepCurrentVersion). fresh
// says version was just stored without rows of its own (storeVersion):
// if corrections change its cells, its parsed rows are written then, so
// the version stays whole; a restored version has its rows already.
func (s *Store) makeCurrent(ctx context.Context, conn *writer, id int64, version int, r *report.Report, kind, format string, published any, existed, fresh bool, now time.Time) (orphans []string, applied int, err error) {
	if existed {
		if err := keepCurrentVersion(ctx, conn, id); err != nil {
			return nil, 0, err
		}
		for _, q := range []string{sqlDeleteCells, sqlDeleteSrc, sqlDeleteFind, sqlDeleteFigure} {
			if _, err := conn.ExecContext(ctx, q, id); err != nil {
				return nil, 0, err
			}
		}
	}
	if !conn.noCorrections {
		// Orphaned corrections are audited by statements: the queue first.
		if err = conn.flushAudits(ctx); err != nil {
			return nil, 0, err
		}
		parsed := *r
		parsed.Cells = maps.Clone(r.Cells)
		if orphans, applied, err = applyCorrections(ctx, conn, r, now); err != nil {
			return nil, 0, err
		}
		if fresh && applied > 0 {
			if err = appendVersionRows(conn, id, version, &parsed); err != nil {
				return nil, 0, err
			}
		}
	}
	if existed {
		// A new report's row was inserted with these values already.
		if _, err = conn.ExecContext(ctx, sqlUpdateCurrent, r.Edition, format, r.File, r.SHA256, published, r.Synthetic, now, version, kind, id); err != nil {
			return nil, 0, err
		}
	}
	return orphans, applied, appendRows(conn, id, r)
}

// appendRows loads cells, sources and findings with DuckDB's Appender,
// and the report's report_figures row computed from the same cells: in
// the write's transaction, so a kill leaves both or neither.
func appendRows(w *writer, id int64, r *report.Report) error {
	for _, code := range w.codesFor(r) {
		if err := w.appendRow("cells", id, code, r.Cells[code]); err != nil {
			return err
		}
	}
	if err := w.appendRow("report_figures", figuresRow(id, w.codesFor(r), r.Cells)...); err != nil {
		return err
	}
	for _, code := range w.codesFor(r) {
		s, ok := r.Sources[code]
		if !ok {
			continue
		}
		if err := w.appendRow("cell_sources", id, code, int32(s.Line), int32(s.Page), int32(s.Table), int32(s.Row), int32(s.Col), s.Raw, s.Note); err != nil {
			return err
		}
	}
	for i, f := range r.Findings {
		cells := make([]any, len(f.Cells))
		for j, c := range f.Cells {
			cells[j] = c
		}
		if err := w.appendRow("findings", id, int32(i), f.Rule, f.Severity, cells, f.Message); err != nil {
			return err
		}
	}
	return nil
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// deleteReport removes a report's current rows; its versions stay whole
// (the current one gets its own rows first).
func deleteReport(ctx context.Context, c queryer, id int64) error {
	if err := keepCurrentVersion(ctx, c, id); err != nil {
		return err
	}
	for _, q := range []string{sqlDeleteCells, sqlDeleteSrc, sqlDeleteFind, sqlDeleteReport} {
		if _, err := c.ExecContext(ctx, q, id); err != nil {
			return err
		}
	}
	return nil
}

// Delete removes a report with its cells and findings.
func (s *Store) Delete(ctx context.Context, id int64) error { return s.DeleteAs(ctx, id, "") }

// DeleteAs removes a report and records who did it in the audit log.
func (s *Store) DeleteAs(ctx context.Context, id int64, author string) error {
	return s.DeleteWithReason(ctx, id, author, "")
}

// DeleteWithReason removes a report's current rows, recording who and why.
// Its versions stay in report_versions: a deletion loses no document.
func (s *Store) DeleteWithReason(ctx context.Context, id int64, author, reason string) error {
	return s.writeTx(ctx, tellReaders, nil, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM reports WHERE id = ?`, id).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("report %d: %w", id, ErrNotFound)
		}
		who, err := s.identity(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := deleteReport(ctx, tx, id); err != nil {
			return fmt.Errorf("delete report %d: %w", id, err)
		}
		if author == "" {
			author = "cli"
		}
		if _, err := tx.ExecContext(ctx, sqlInsertAudit, time.Now().UTC(), author, "delete", who.agency, who.county, who.year, fmt.Sprintf("report %d", id), "", "", reason); err != nil {
			return err
		}
		return refreshFigures(ctx, tx, []int64{id})
	})
}

// HistoryEntry is a replaced version of a report.
type HistoryEntry struct {
	SourceFile string    `json:"source_file"`
	SHA256     string    `json:"sha256"`
	IngestedAt time.Time `json:"ingested_at"`
	ReplacedAt time.Time `json:"replaced_at"`
}

// Full is a stored report with its replaced versions and the corrections
// people made to it.
type Full struct {
	report.Stored
	History     []HistoryEntry `json:"replaced_versions"`
	Corrections []Correction   `json:"corrections"`
}

// Get reads one report with its cells, sources, findings and history.
func (s *Store) Get(ctx context.Context, id int64) (*Full, error) {
	f := &Full{}
	r := &f.Stored
	r.Cells = map[string]float64{}
	r.Findings = []report.Finding{}
	err := s.db.QueryRowContext(ctx, sqlGetReport, id).Scan(&r.ID, &r.Agency, &r.County, &r.Year, &r.Edition, &r.Format,
		&r.File, &r.SHA256, &r.PublishedOn, &r.Synthetic, &r.IngestedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("report %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, sqlGetCells, id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var code string
		var v float64
		if err := rows.Scan(&code, &v); err != nil {
			rows.Close()
			return nil, err
		}
		r.Cells[code] = v
	}
	rows.Close()
	rows, err = s.db.QueryContext(ctx, sqlGetSources, id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var code string
		var src report.Source
		if err := rows.Scan(&code, &src.Line, &src.Page, &src.Table, &src.Row, &src.Col, &src.Raw, &src.Note); err != nil {
			rows.Close()
			return nil, err
		}
		if r.Sources == nil {
			r.Sources = map[string]report.Source{}
		}
		r.Sources[code] = src
	}
	rows.Close()
	rows, err = s.db.QueryContext(ctx, sqlGetFindings, id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var fd report.Finding
		var cells duckdb.Composite[[]string]
		if err := rows.Scan(&fd.Rule, &fd.Severity, &cells, &fd.Message); err != nil {
			rows.Close()
			return nil, err
		}
		fd.Cells = cells.Get()
		if fd.Cells == nil {
			fd.Cells = []string{}
		}
		r.Findings = append(r.Findings, fd)
	}
	rows.Close()
	reviews := map[string][3]string{}
	rows, err = s.db.QueryContext(ctx, sqlReviewsOf, r.Agency, r.County, r.Year)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var key, state, comment, author string
		if err := rows.Scan(&key, &state, &comment, &author); err != nil {
			rows.Close()
			return nil, err
		}
		reviews[key] = [3]string{state, comment, author}
	}
	rows.Close()
	for i, fd := range r.Findings {
		if v, ok := reviews[fd.Key()]; ok {
			r.Findings[i].Review, r.Findings[i].ReviewComment, r.Findings[i].Reviewer = report.ReviewState(v[0]), v[1], v[2]
		}
	}
	if f.Corrections, err = s.Corrections(ctx, id); err != nil {
		return nil, err
	}
	rows, err = s.db.QueryContext(ctx, sqlGetHistory, r.Agency, r.County, r.Year)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	f.History = []HistoryEntry{}
	for rows.Next() {
		var h HistoryEntry
		if err := rows.Scan(&h.SourceFile, &h.SHA256, &h.IngestedAt, &h.ReplacedAt); err != nil {
			return nil, err
		}
		f.History = append(f.History, h)
	}
	return f, rows.Err()
}
