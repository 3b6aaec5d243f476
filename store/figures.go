package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"slices"
	"strings"
)

// A report_figures row (migration 040) is computed here, in Go, and
// nowhere else: the write path appends it from the report in memory
// (appendRows, inside the write's transaction), and every other write —
// corrections, undo, restore, delete, the after-a-write step of package
// change, the fill at open — reads the report's cells and computes it the
// same way. Until issue 25 an SQL statement (now store/testdata/
// figures_oracle.sql, the tests' independent oracle) did it after each
// write: 67 ms of a 110 ms upload.

// figureColumn is one DOUBLE column of report_figures after has_t3 and
// has_t4: the sum of the cells it names, NULL when the report has none.
type figureColumn struct {
	code string // the cell, or the prefix of the cells …".total" with sumOf
	// sumOf: the column adds every cell code+"*.total" (t3.unavailable.*,
	// t3.not_processed.*), as figures_oracle.sql's LIKE does.
	sumOf bool
	// parts: when code is absent, the column is the sum of these (the 2021
	// edition stores （六）其他处理 as its three sub-rows only).
	parts []string
}

// nFigureColumns is the number of DOUBLE columns of report_figures.
const nFigureColumns = 67

// figureColumns are the DOUBLE columns of report_figures in table order
// (an array: a column too many does not compile, one too few leaves an
// empty code, which init refuses).
var figureColumns = [nFigureColumns]figureColumn{
	{code: "t3.new.total"},
	{code: "t3.carried_over.total"},
	{code: "t3.carry_forward.total"},
	{code: "t3.new.natural"},
	{code: "t3.new.commercial"},
	{code: "t3.new.research"},
	{code: "t3.new.social"},
	{code: "t3.new.legal"},
	{code: "t3.new.other_org"},
	{code: "t3.total.total"},
	{code: "t3.granted.total"},
	{code: "t3.partial.total"},
	{code: "t3.denied.state_secret.total"},
	{code: "t3.denied.law_prohibited.total"},
	{code: "t3.denied.security_stability.total"},
	{code: "t3.denied.third_party.total"},
	{code: "t3.denied.internal_affairs.total"},
	{code: "t3.denied.process_info.total"},
	{code: "t3.denied.enforcement_file.total"},
	{code: "t3.denied.inquiry.total"},
	{code: "t3.unavailable.", sumOf: true},
	{code: "t3.not_processed.", sumOf: true},
	{code: "t3.other.total", parts: []string{"t3.other.overdue_correction.total", "t3.other.unpaid_fee.total", "t3.other.other.total"}},
	{code: "t4.reconsideration.upheld"},
	{code: "t4.reconsideration.corrected"},
	{code: "t4.reconsideration.other"},
	{code: "t4.reconsideration.pending"},
	{code: "t4.reconsideration.total"},
	{code: "t4.litigation_direct.upheld"},
	{code: "t4.litigation_direct.corrected"},
	{code: "t4.litigation_direct.other"},
	{code: "t4.litigation_direct.pending"},
	{code: "t4.litigation_direct.total"},
	{code: "t4.litigation_after.upheld"},
	{code: "t4.litigation_after.corrected"},
	{code: "t4.litigation_after.other"},
	{code: "t4.litigation_after.pending"},
	{code: "t4.litigation_after.total"},
	{code: "t2.regulations.issued"},
	{code: "t2.regulations.abolished"},
	{code: "t2.regulations.in_force"},
	{code: "t2.normative_docs.issued"},
	{code: "t2.normative_docs.abolished"},
	{code: "t2.normative_docs.in_force"},
	{code: "t2.licensing.decisions"},
	{code: "t2.penalty.decisions"},
	{code: "t2.enforcement.decisions"},
	{code: "t2.fees.amount"},
	{code: "t2.regulations.made"},
	{code: "t2.regulations.published"},
	{code: "t2.regulations.total_published"},
	{code: "t2.normative_docs.made"},
	{code: "t2.normative_docs.published"},
	{code: "t2.normative_docs.total_published"},
	{code: "t2.licensing.previous"},
	{code: "t2.licensing.change"},
	{code: "t2.other_services.previous"},
	{code: "t2.other_services.change"},
	{code: "t2.other_services.decisions"},
	{code: "t2.penalty.previous"},
	{code: "t2.penalty.change"},
	{code: "t2.enforcement.previous"},
	{code: "t2.enforcement.change"},
	{code: "t2.fees.previous"},
	{code: "t2.fees.change"},
	{code: "t2.procurement.count"},
	{code: "t2.procurement.amount"},
}

// figureTarget is, for a cell code, the column it adds to: col, or when
// part the fallback sum of col (-1: no column).
type figureTarget struct {
	col  int
	part bool
}

// figureSums are the columns with sumOf, the only ones a code is matched
// against by prefix.
var figureSums = func() (out []int) {
	for i, c := range figureColumns {
		if c.sumOf {
			out = append(out, i)
		}
	}
	return out
}()

var figureIndex = func() map[string]figureTarget {
	m := map[string]figureTarget{}
	for i, c := range figureColumns {
		if !c.sumOf {
			m[c.code] = figureTarget{col: i}
		}
		for _, p := range c.parts {
			m[p] = figureTarget{col: i, part: true}
		}
	}
	return m
}()

func init() {
	for i, c := range figureColumns {
		if c.code == "" {
			panic(fmt.Sprintf("report_figures: column %d of %d has no cell code", i+4, nFigureColumns+3))
		}
	}
}

// figures accumulates one report's row.
type figures struct {
	hasT3, hasT4 bool
	sum, part    [nFigureColumns]float64
	set, partSet [nFigureColumns]bool
}

// add counts one cell of the report.
func (f *figures) add(code string, v float64) {
	f.hasT3 = f.hasT3 || strings.HasPrefix(code, "t3.")
	f.hasT4 = f.hasT4 || strings.HasPrefix(code, "t4.")
	if t, ok := figureIndex[code]; ok {
		if t.part {
			f.part[t.col] += v
			f.partSet[t.col] = true
		} else {
			f.sum[t.col] += v
			f.set[t.col] = true
		}
	}
	for _, i := range figureSums {
		c := &figureColumns[i]
		// LIKE 'prefix%.total': the % may match nothing, so the code is at
		// least the prefix and ".total" long.
		if strings.HasPrefix(code, c.code) && strings.HasSuffix(code, ".total") && len(code) >= len(c.code)+len(".total") {
			f.sum[i] += v
			f.set[i] = true
		}
	}
}

// row is the report_figures row of report id, in column order; a figure
// the report has no cell for is nil (NULL).
func (f *figures) row(id int64) []driver.Value {
	out := make([]driver.Value, 0, 3+len(figureColumns))
	out = append(out, id, f.hasT3, f.hasT4)
	for i := range figureColumns {
		switch {
		case f.set[i]:
			out = append(out, f.sum[i])
		case f.partSet[i]:
			out = append(out, f.part[i])
		default:
			out = append(out, nil)
		}
	}
	return out
}

// figuresRow is the report_figures row of report id whose current cells
// are cells, added in the order of codes (the catalogue's, so the sums
// come out the same every time).
func figuresRow(id int64, codes []string, cells map[string]float64) []driver.Value {
	var f figures
	for _, c := range codes {
		f.add(c, cells[c])
	}
	return f.row(id)
}

const (
	sqlDeleteFigures = `DELETE FROM report_figures WHERE report_id IN (SELECT unnest(?::BIGINT[]))`
	sqlDeleteFigure  = `DELETE FROM report_figures WHERE report_id = ?`
	sqlFiguresOf     = `SELECT * FROM report_figures WHERE report_id IN (SELECT unnest(?::BIGINT[]))`
	sqlMissing       = `SELECT id FROM reports WHERE id NOT IN (SELECT report_id FROM report_figures) ORDER BY id`
	sqlReportIDs     = `SELECT id FROM reports ORDER BY id`
	// sqlFiguresCells reads the cells of the reports listed (one list
	// literal parameter), a report without cells as one row of NULLs.
	// The two %d are the least and greatest id (numbers, never user text):
	// cells lie in report-id order, so with constants DuckDB's zonemaps
	// skip every other row group — without them each upload scanned every
	// cell of the database.
	sqlFiguresCells = `SELECT r.id, c.code, c.value FROM reports r
LEFT JOIN (SELECT report_id, code, value FROM cells WHERE report_id BETWEEN %d AND %d) c ON c.report_id = r.id
WHERE r.id IN (SELECT unnest(?::BIGINT[]))
ORDER BY r.id`
	// figuresChunk reports are read at a time: their rows are held in
	// memory between the read and the write.
	figuresChunk = 2048
)

// sqlInsertFigures inserts one row of report_figures.
var sqlInsertFigures = "INSERT INTO report_figures VALUES (" + strings.TrimSuffix(strings.Repeat("?, ", 3+len(figureColumns)), ", ") + ")"

type querier interface {
	execer
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// figuresOfStored computes the rows of ids (ascending) from their stored
// cells, figuresChunk reports at a time, and hands each to put. A listed
// id that is no report gets no row.
func figuresOfStored(ctx context.Context, q querier, ids []int64, put func([]driver.Value) error) error {
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), figuresChunk)]
		ids = ids[len(chunk):]
		rows, err := q.QueryContext(ctx, fmt.Sprintf(sqlFiguresCells, chunk[0], chunk[len(chunk)-1]), idList(chunk))
		if err != nil {
			return err
		}
		var out [][]driver.Value
		var f figures
		cur := int64(-1)
		for rows.Next() {
			var id int64
			var code sql.NullString
			var v sql.NullFloat64
			if err := rows.Scan(&id, &code, &v); err != nil {
				rows.Close()
				return err
			}
			if id != cur {
				if cur >= 0 {
					out = append(out, f.row(cur))
				}
				f, cur = figures{}, id
			}
			if code.Valid {
				f.add(code.String, v.Float64)
			}
		}
		if cur >= 0 {
			out = append(out, f.row(cur))
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for _, r := range out {
			if err := put(r); err != nil {
				return err
			}
		}
	}
	return nil
}

// refreshFigures makes the report_figures rows of ids match their current
// cells, in the caller's transaction: for the writes that change cells by
// statements (correction and its undo, delete — no row comes back) and
// the after-a-write step. The write path of a report's whole cells
// appends its row itself (appendRows), so after an upload this finds its
// row right and writes nothing: only the rows that differ are replaced.
func refreshFigures(ctx context.Context, c querier, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	stored, err := storedFigures(ctx, c, sqlFiguresOf, idList(ids))
	if err != nil {
		return err
	}
	var stale []int64
	var fresh [][]driver.Value
	err = figuresOfStored(ctx, c, ids, func(row []driver.Value) error {
		id := row[0].(int64)
		if have := stored[id]; len(have) != 1 || !slices.Equal(have[0], row) {
			stale = append(stale, id)
			fresh = append(fresh, row)
		}
		delete(stored, id)
		return nil
	})
	if err != nil {
		return fmt.Errorf("report figures: %w", err)
	}
	for id := range stored {
		stale = append(stale, id) // the report is gone: its row goes too
	}
	if len(stale) == 0 {
		return nil
	}
	if _, err := c.ExecContext(ctx, sqlDeleteFigures, idList(stale)); err != nil {
		return fmt.Errorf("report figures: %w", err)
	}
	for _, row := range fresh {
		args := make([]any, len(row))
		for i, v := range row {
			args[i] = v
		}
		if _, err := c.ExecContext(ctx, sqlInsertFigures, args...); err != nil {
			return fmt.Errorf("report figures: %w", err)
		}
	}
	return nil
}

// fillFigures gives every report without a report_figures row its row: at
// open, once after migration 040 on an existing database (or on a copy that
// gained reports without passing through the store, as scripts/bigdb makes).
// When every report has its row it finds none and writes nothing. The rows
// go through the Appender: a whole database may be missing.
func (s *Store) fillFigures(ctx context.Context) error {
	missing, err := int64s(ctx, s.db, sqlMissing)
	if err != nil || len(missing) == 0 {
		return err
	}
	// At open, before any reader: nobody to tell.
	err = s.appendTx(ctx, false, func(_ *sql.Conn, w *writer) error {
		return figuresOfStored(ctx, w, missing, func(row []driver.Value) error { return w.appendRow("report_figures", row...) })
	})
	if err != nil {
		return fmt.Errorf("report figures: %w", err)
	}
	return nil
}

func int64s(ctx context.Context, q querier, query string) ([]int64, error) {
	var out []int64
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// FiguresDrift lists the reports whose report_figures row is not what
// their cells give now — missing, stale, doubled, or left behind by a
// deleted report. It is empty unless a write path forgot its row; the
// tests call it after every kind of write.
func (s *Store) FiguresDrift(ctx context.Context) ([]int64, error) {
	stored, err := storedFigures(ctx, s.db, `SELECT * FROM report_figures`)
	if err != nil {
		return nil, err
	}
	ids, err := int64s(ctx, s.db, sqlReportIDs)
	if err != nil {
		return nil, err
	}
	drift := map[int64]bool{}
	err = figuresOfStored(ctx, s.db, ids, func(row []driver.Value) error {
		id := row[0].(int64)
		have := stored[id]
		if len(have) != 1 || !slices.Equal(have[0], row) {
			drift[id] = true
		}
		delete(stored, id)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("report figures: %w", err)
	}
	for id := range stored {
		drift[id] = true // a row of no report
	}
	return slices.Sorted(func(yield func(int64) bool) {
		for id := range drift {
			if !yield(id) {
				return
			}
		}
	}), nil
}

// storedFigures reads the report_figures rows q selects as driver values
// (nil for NULL), by report id: more than one row for an id is drift.
func storedFigures(ctx context.Context, c querier, q string, args ...any) (map[int64][][]driver.Value, error) {
	rows, err := c.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("report figures: %w", err)
	}
	defer rows.Close()
	out := map[int64][][]driver.Value{}
	for rows.Next() {
		row, err := scanFigures(rows)
		if err != nil {
			return nil, err
		}
		id := row[0].(int64)
		out[id] = append(out[id], row)
	}
	return out, rows.Err()
}

// scanFigures reads a row laid out as report_figures into the values
// figures.row gives (int64, bool, float64 or nil).
func scanFigures(rows *sql.Rows) ([]driver.Value, error) {
	var id int64
	var t3, t4 bool
	vals := make([]sql.NullFloat64, len(figureColumns))
	dest := []any{&id, &t3, &t4}
	for i := range vals {
		dest = append(dest, &vals[i])
	}
	if err := rows.Scan(dest...); err != nil {
		return nil, err
	}
	row := []driver.Value{id, t3, t4}
	for _, v := range vals {
		if v.Valid {
			row = append(row, v.Float64)
		} else {
			row = append(row, nil)
		}
	}
	return row, nil
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
		fmt.Fprint(&b, id)
	}
	b.WriteByte(']')
	return b.String()
}
