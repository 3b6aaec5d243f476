package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"nianbao/report"
)

// writer is the connection one writing transaction runs on. In a batch it
// prepares each statement once and keeps one Appender per table open
// across the batch: DuckDB's cost per report was mostly planning the same
// statements and opening appenders again (see docs/benchmarks.md).
type writer struct {
	conn  *sql.Conn
	stmts map[string]*sql.Stmt // nil: statements are not kept
	app   map[string]*duckdb.Appender
	// dirty: appended rows not yet flushed, so not yet seen by queries.
	dirty bool
	// noCorrections: the batch found the corrections table empty, so no
	// report of it has corrections to lay over (the batch adds none).
	noCorrections bool
	// agencies and merged, in a batch, are the ids of the agencies not
	// from GB/T 2260 (unregistered, synthetic, imported) and the ids merged
	// into another: loaded once, so each report
	// needs no lookup for them (nil outside a batch: look each time).
	agencies, merged map[string]bool
	// ids are report ids drawn from report_id_seq for the batch's new
	// reports, in the order they come, so their rows are appended like the
	// cells (nil: insert each report and take the id it gets).
	ids []int64
	// audits are the batch's audit rows not yet written: they go through
	// the Appender with seq drawn for all of them at once (flushAudits).
	audits []auditRow
	// codes are the cell codes of codesOf in the catalogue's order,
	// computed once for its version rows and its current rows.
	codesOf *report.Report
	codes   []string
	// given are the codes of the batch item being stored, sorted ahead
	// by its reader (BatchItem.Codes), or nil.
	given []string
}

// codesFor is r.Codes(), kept while r gains no cell (laying corrections
// over r may add one; none is ever removed).
func (w *writer) codesFor(r *report.Report) []string {
	if w.codesOf != r || len(w.codes) != len(r.Cells) {
		// The item's codes sorted ahead are r's as long as r has as many
		// cells: saveIn works on a copy, and corrections only add cells.
		if len(w.given) == len(r.Cells) {
			w.codesOf, w.codes = r, w.given
		} else {
			w.codesOf, w.codes = r, r.Codes()
		}
	}
	return w.codes
}

// auditRow is a row of audit_log but its seq.
type auditRow struct {
	at                             time.Time
	author, action, agency, county string
	year                           int
	target                         string
	oldValue, newValue, comment    any
}

// audit records a row in the audit log: at once outside a batch, queued in
// one (seq is taken when the queue is written, so the log keeps the order
// the rows were made in as long as every audit of the batch is queued or
// the queue is written first; see flushAudits).
func (w *writer) audit(ctx context.Context, a auditRow) error {
	if w.stmts != nil {
		w.audits = append(w.audits, a)
		return nil
	}
	_, err := w.ExecContext(ctx, sqlInsertAudit, a.at, a.author, a.action, a.agency, a.county, a.year, a.target, a.oldValue, a.newValue, a.comment)
	return err
}

const sqlDrawAuditSeq = `SELECT nextval('audit_seq') FROM range(?)`

// flushAudits writes the queued audit rows: seqs drawn in one query, rows
// appended. Called before any statement of the batch writes an audit row
// itself, and before the batch commits.
func (w *writer) flushAudits(ctx context.Context) error {
	if len(w.audits) == 0 {
		return nil
	}
	seqs := make([]int64, 0, len(w.audits))
	var seq int64
	if err := eachRow(ctx, w, sqlDrawAuditSeq, []any{&seq}, func() error {
		seqs = append(seqs, seq)
		return nil
	}, len(w.audits)); err != nil {
		return err
	}
	if len(seqs) != len(w.audits) {
		return fmt.Errorf("audit: %d seqs for %d rows", len(seqs), len(w.audits))
	}
	slices.Sort(seqs)
	for i, a := range w.audits {
		if err := w.appendRow("audit_log", seqs[i], a.at, a.author, a.action, a.agency, a.county, int32(a.year), a.target, a.oldValue, a.newValue, a.comment); err != nil {
			return err
		}
	}
	w.audits = w.audits[:0]
	return nil
}

// newID hands out the next id drawn for the batch.
func (w *writer) newID() (int64, bool) {
	if len(w.ids) == 0 {
		return 0, false
	}
	id := w.ids[0]
	w.ids = w.ids[1:]
	return id, true
}

func newWriter(conn *sql.Conn, keep bool) *writer {
	w := &writer{conn: conn, app: map[string]*duckdb.Appender{}}
	if keep {
		w.stmts = map[string]*sql.Stmt{}
	}
	return w
}

func (w *writer) prepared(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := w.stmts[q]; ok {
		return st, nil
	}
	st, err := w.conn.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	w.stmts[q] = st
	return st, nil
}

func (w *writer) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if w.stmts == nil {
		return w.conn.ExecContext(ctx, q, args...)
	}
	st, err := w.prepared(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (w *writer) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if w.stmts == nil {
		return w.conn.QueryContext(ctx, q, args...)
	}
	st, err := w.prepared(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (w *writer) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if w.stmts == nil {
		return w.conn.QueryRowContext(ctx, q, args...)
	}
	st, err := w.prepared(ctx, q)
	if err != nil {
		// A Row carrying the error: the same query fails again, unprepared.
		return w.conn.QueryRowContext(ctx, q, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// appendRow adds a row to table through its open Appender.
func (w *writer) appendRow(table string, args ...driver.Value) error {
	a, ok := w.app[table]
	if !ok {
		err := w.conn.Raw(func(dc any) error {
			var err error
			a, err = duckdb.NewAppenderFromConn(dc.(driver.Conn), "", table)
			return err
		})
		if err != nil {
			return err
		}
		w.app[table] = a
	}
	w.dirty = true
	return a.AppendRow(args...)
}

// flush makes the appended rows visible to the transaction's queries.
func (w *writer) flush() error {
	if !w.dirty {
		return nil
	}
	for table, a := range w.app {
		if err := a.Flush(); err != nil {
			return fmt.Errorf("%s: %w", table, err)
		}
	}
	w.dirty = false
	return nil
}

// close flushes and closes the appenders and statements; the transaction
// may commit only after it returned nil.
func (w *writer) close() error {
	var first error
	for table, a := range w.app {
		if err := a.Close(); err != nil && first == nil {
			first = fmt.Errorf("%s: %w", table, err)
		}
	}
	w.app = map[string]*duckdb.Appender{}
	w.dirty = false
	for _, st := range w.stmts {
		st.Close()
	}
	if w.stmts != nil {
		w.stmts = map[string]*sql.Stmt{}
	}
	return first
}

// batchState is what one batch knows up front, so each report skips the
// lookups that cannot find anything.
type batchState struct {
	// existing holds agency id|year of the reports stored before the batch.
	existing map[string]bool
	// legacy: reports without an agency id exist (a pre-registry database).
	legacy bool
	// orphans: county-less reports (待归属) exist, so adopt must look.
	orphans bool
	// keys are the agency id|year this batch wrote: their appended rows
	// must be flushed before a later report of the batch reads them.
	keys map[string]bool
	// narratives are the identities whose text this batch appended;
	// stored those whose text was stored before the batch.
	narratives, stored map[string]bool
	// prior are the reports stored before the batch under its keys, read
	// at once before any row was appended, for each key's first document;
	// moved ones were replaced up front (replaceStored, inplace.go).
	prior map[string]*prior
	// ids[i] is the agency id the registry gives item i (identify), before
	// any merge is followed.
	ids []string
}

const (
	// sqlBatchKeys: which of the batch's agencies (of one year) have a
	// report of that year. The whole year's agencies were read into a map
	// for every batch before: 40 000 rows a year at national size, more
	// than the batch's own work once the database is large.
	sqlBatchKeys = `SELECT agency_id FROM reports WHERE year = ? AND agency_id IN (SELECT unnest(?::VARCHAR[]))`
	// sqlBatchYearKeys is every agency of a year, for a batch where an
	// agency was merged into another (its reports are under the other's
	// id, which the batch does not know up front).
	sqlBatchYearKeys = `SELECT agency_id FROM reports WHERE year = ? AND agency_id IS NOT NULL`
	// Only the batch's own agencies and counties: the whole year's was
	// every body of the country once a database held a national corpus
	// (40 000 rows a year, several years a batch); by the batch's agency
	// names alone, the batch's lookups were still 9 % of an ingest's CPU
	// at 200 000 (a name such as 城关镇人民政府 is a body in hundreds of
	// counties, each of its rows read back into a map).
	sqlBatchTexts = `SELECT DISTINCT n.agency, n.county FROM narratives n
JOIN (SELECT unnest(?::VARCHAR[]) AS agency, unnest(?::VARCHAR[]) AS county) k ON k.agency = n.agency AND k.county = n.county
WHERE n.year = ?`
	sqlBatchUnreg   = `SELECT id FROM agencies WHERE source <> 'gbt2260'`
	sqlBatchMerged  = `SELECT id FROM agencies WHERE merged_into IS NOT NULL`
	sqlBatchLegacy  = `SELECT count(*) FROM reports WHERE agency_id IS NULL`
	sqlBatchOrphans = `SELECT count(*) FROM reports WHERE county = ''`
	// Superseded corrections are never laid over a report; orphaned ones
	// are when a version fits them again (applyCorrections).
	sqlBatchCorrections = `SELECT count(*) FROM corrections WHERE NOT superseded`
)

func (s *Store) loadBatchState(ctx context.Context, w *writer, items []BatchItem) (*batchState, error) {
	b := &batchState{existing: map[string]bool{}, keys: map[string]bool{}, narratives: map[string]bool{}, stored: map[string]bool{}}
	w.agencies, w.merged = map[string]bool{}, map[string]bool{}
	if err := scanStrings(ctx, w, sqlBatchUnreg, func(v []string) { w.agencies[v[0]] = true }); err != nil {
		return nil, err
	}
	if err := scanStrings(ctx, w, sqlBatchMerged, func(v []string) { w.merged[v[0]] = true }); err != nil {
		return nil, err
	}
	// Each item's agency as the registry places it, once for the batch
	// (drawIDs takes them too); a merged one sends its year to the whole
	// year's query.
	b.ids = make([]string, len(items))
	names := map[int][2][]string{} // agencies and counties of each year, for sqlBatchTexts
	ids := map[int][]string{}      // of each year, for sqlBatchKeys
	whole := map[int]bool{}
	for i, it := range items {
		r := it.Report
		p, _, _, err := s.identify(ctx, r.Agency, r.County, it.Opt.DivisionCode, r.Synthetic)
		if err != nil {
			return nil, err
		}
		b.ids[i] = p.ID
		nc := names[r.Year]
		names[r.Year] = [2][]string{append(nc[0], r.Agency), append(nc[1], r.County)}
		ids[r.Year] = append(ids[r.Year], p.ID)
		whole[r.Year] = whole[r.Year] || w.merged[p.ID]
	}
	for y, agencies := range ids {
		add := func(v []string) { b.existing[fmt.Sprintf("%s|%d", v[0], y)] = true }
		var err error
		if whole[y] {
			err = scanStrings(ctx, w, sqlBatchYearKeys, add, y)
		} else {
			err = scanStrings(ctx, w, sqlBatchKeys, add, y, agencies)
		}
		if err != nil {
			return nil, err
		}
	}
	for y, nc := range names {
		if err := scanStrings(ctx, w, sqlBatchTexts, func(v []string) { b.stored[fmt.Sprintf("%s|%s|%d", v[0], v[1], y)] = true }, nc[0], nc[1], y); err != nil {
			return nil, err
		}
	}
	var n int
	if err := w.QueryRowContext(ctx, sqlBatchLegacy).Scan(&n); err != nil {
		return nil, err
	}
	b.legacy = n > 0
	if err := w.QueryRowContext(ctx, sqlBatchOrphans).Scan(&n); err != nil {
		return nil, err
	}
	b.orphans = n > 0
	if err := w.QueryRowContext(ctx, sqlBatchCorrections).Scan(&n); err != nil {
		return nil, err
	}
	w.noCorrections = n == 0
	return b, nil
}

const sqlDrawIDs = `SELECT nextval('report_id_seq') FROM range(?)`

// drawIDs takes from the sequence, in one query, an id for each report of
// the batch that will be new: its agency and year neither stored before
// the batch nor met earlier in it. They are exactly the ids inserting the
// reports one by one would give. Where that cannot be told up front (a
// database from before the registry, reports without a county that a
// report may adopt, an agency merged away), no ids are drawn and each new
// report is inserted as SaveWith does.
func (s *Store) drawIDs(ctx context.Context, w *writer, b *batchState, items []BatchItem) error {
	if b.legacy || b.orphans {
		return nil
	}
	seen := map[string]bool{}
	n := 0
	for i, it := range items {
		id := b.ids[i] // identify's, as loadBatchState found it
		if w.merged[id] {
			return nil
		}
		key := fmt.Sprintf("%s|%d", id, it.Report.Year)
		if !b.existing[key] && !seen[key] {
			n++
		}
		seen[key] = true
	}
	if n == 0 {
		return nil
	}
	ids := make([]int64, 0, n)
	var id int64
	if err := eachRow(ctx, w, sqlDrawIDs, []any{&id}, func() error {
		ids = append(ids, id)
		return nil
	}, n); err != nil {
		return err
	}
	slices.Sort(ids) // the order nextval gave them
	w.ids = ids
	return nil
}

// eachRow runs a query and, for each row, scans it into dest and calls f;
// the rows are closed and their error checked, which the loops it replaced
// did not all do.
func eachRow(ctx context.Context, q queryer, query string, dest []any, f func() error, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		if err := f(); err != nil {
			return err
		}
	}
	return rows.Err()
}

// scanStrings calls f with each row of a query of text columns.
func scanStrings(ctx context.Context, q queryer, query string, f func([]string), args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	vals := make([]string, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		f(vals)
	}
	return rows.Err()
}

// BatchItem is one report of a batch with how to store it; Narrative, when
// set, is kept as the report's text sections (assess.KeepText) in the same
// transaction once the report is current.
type BatchItem struct {
	Report    *report.Report
	Opt       SaveOptions
	Narrative []NarrativeSection
	KeepText  bool
	// Codes, when set, is Report.Codes() made ahead by the caller (the
	// ingest's readers), so the batch's one writer need not sort them;
	// nil: the batch sorts them itself.
	Codes []string
	// Original, when set, is the document the report was read from, kept
	// in the batch's transaction (one not kept before), so a crash never
	// leaves a stored report without its original.
	Original *Original
}

// SaveBatch stores many whole reports in one transaction, each exactly as
// SaveWith would one after the other: versions, holds, corrections and the
// audit log alike. Either every report of the batch commits or none does,
// so a crash leaves only whole reports. When one report fails, the batch
// is rolled back and stored again one report per transaction, so that one
// bad report costs only itself; errs[i] is then that report's error.
func (s *Store) SaveBatch(ctx context.Context, items []BatchItem) (res []SaveResult, errs []error, err error) {
	s.write.Lock()
	defer s.write.Unlock()
	if err := s.ensureRegistry(ctx); err != nil {
		return nil, nil, err
	}
	var before int
	if err := s.db.QueryRowContext(ctx, sqlCountReports).Scan(&before); err != nil {
		return nil, nil, err
	}
	s.beginBulk(ctx, len(items))
	// DuckDB on one thread for the batch, as for a save (threads.go): a
	// batch is hundreds of small statements, appends and one COMMIT, and
	// its second thread woken for each cost more than it did, while the
	// readers want the other core. Text reports: 1.15–1.24 ms of CPU a
	// report against 1.29–1.31 with two threads (docs/benchmarks.md,
	// "Ingest writer, fourth pass").
	restore, err := s.oneThread(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer restore()
	res, errs = make([]SaveResult, len(items)), make([]error, len(items))
	failed, err := s.saveBatch(ctx, items, res)
	if err == nil {
		s.after(tellReaders)
		s.firstLoadDone(ctx, before)
		return res, errs, nil
	}
	if failed < 0 {
		return nil, nil, err
	}
	// One report failed: store each on its own, as SaveWith does.
	for i, it := range items {
		res[i], errs[i] = s.saveOne(ctx, it)
	}
	s.after(tellReaders)
	s.firstLoadDone(ctx, before)
	return res, errs, nil
}

const sqlCountReports = `SELECT count(*) FROM reports`

// firstLoadDone checkpoints after the first batch into an empty database
// (a new database's bulk load, the registry's rows with it), so a kill
// later never asks DuckDB to replay it. The batch is committed already: a
// failed checkpoint is only logged, the log still holds the batch.
func (s *Store) firstLoadDone(ctx context.Context, before int) {
	if before > 0 {
		return
	}
	if err := s.checkpoint(ctx); err != nil {
		slog.Warn("first load stored but not checkpointed", "db", s.path, "err", err)
	}
}

// saveOne is SaveWith's work for a batch item, its text sections in the
// same transaction.
func (s *Store) saveOne(ctx context.Context, it BatchItem) (SaveResult, error) {
	opt := it.Opt
	opt.keepText, opt.text = it.KeepText, it.Narrative
	var kept bool
	if it.Original != nil {
		opt.With = append(slices.Clip(opt.With), keepOriginalStep(it.Original, &kept))
	}
	res, err := s.save(ctx, it.Report, opt)
	if err != nil {
		return res, fmt.Errorf("store %s: %w", it.Report.File, err)
	}
	res.OriginalKept = kept
	return res, nil
}

// saveBatch runs the batch's one transaction. failed is the index of the
// report that failed, or -1 when the batch itself could not run.
func (s *Store) saveBatch(ctx context.Context, items []BatchItem, res []SaveResult) (failed int, err error) {
	failed = -1
	err = s.appendTx(ctx, true, func(_ *sql.Conn, w *writer) error {
		var err error
		failed, err = s.saveBatchIn(ctx, w, items, res)
		return err
	})
	if err == nil {
		failed = -1
	}
	return failed, err
}

// saveBatchIn is saveBatch's work inside its transaction: failed is the
// index of the report that failed, or -1.
func (s *Store) saveBatchIn(ctx context.Context, w *writer, items []BatchItem, res []SaveResult) (failed int, err error) {
	b, err := s.loadBatchState(ctx, w, items)
	if err != nil {
		return -1, err
	}
	if err = s.drawIDs(ctx, w, b, items); err != nil {
		return -1, err
	}
	now := time.Now().UTC()
	if err = s.replaceStored(ctx, w, b, items, now); err != nil {
		return -1, err
	}
	for i, it := range items {
		if err = ctx.Err(); err != nil {
			return -1, err
		}
		w.given = it.Codes
		res[i], err = s.saveIn(ctx, w, it.Report, it.Opt, now, b)
		w.given = nil
		if err != nil {
			return i, fmt.Errorf("store %s: %w", it.Report.File, err)
		}
		if it.KeepText && res[i].Current && !res[i].Unchanged {
			r := it.Report
			nk := fmt.Sprintf("%s|%s|%d", r.Agency, r.County, r.Year)
			if b.narratives[nk] {
				// This identity's text appended earlier in the batch must be
				// visible to the delete.
				if err = w.flush(); err != nil {
					return i, err
				}
			}
			if b.narratives[nk] || b.stored[nk] {
				if _, err = w.ExecContext(ctx, sqlDeleteNarrative, r.Agency, r.County, r.Year); err != nil {
					return i, err
				}
			}
			b.narratives[nk] = true
			for j, sec := range it.Narrative {
				if err = w.appendRow("narratives", narrativeRow(r.Agency, r.County, r.Year, j, sec)...); err != nil {
					return i, err
				}
			}
		}
	}
	if err = keepOriginals(ctx, w, items, res); err != nil {
		return -1, err
	}
	if err = w.flushAudits(ctx); err != nil {
		return -1, err
	}
	if len(w.ids) > 0 {
		// Every drawn id is used by a new report; one left over would leave
		// a gap that storing one by one does not.
		return -1, fmt.Errorf("batch: %d report ids drawn but not used", len(w.ids))
	}
	return -1, nil
}
