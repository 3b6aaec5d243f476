package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"nianbao/report"
)

// The re-check after one change (UpdateAssessment) reads what the checks
// stored for the reports it re-checked and writes only the reports whose
// rows differ: after an upload that is the new report and the few whose
// peers or copies it changes, not the county's years.
//
// Each read and delete goes by id range where the ids make a few (see
// idRanges): the rows of other reports in a range are skipped.
const (
	// One query for the four tables (a tag, then the columns of each;
	// unused ones constant): the bounds of the range come four times.
	sqlStoredOf = `SELECT 0, report_id, seq, rule, severity, message, cells, 0::DOUBLE, 0::DOUBLE, 0::BIGINT FROM findings WHERE report_id BETWEEN ? AND ?
UNION ALL SELECT 1, report_id, days_late, strftime(published_on, '%Y-%m-%d'), strftime(deadline, '%Y-%m-%d'), '', []::VARCHAR[], 0, 0, 0 FROM assess_timeliness WHERE report_id BETWEEN ? AND ?
UNION ALL SELECT 2, report_id, 0, rule, '', passages, []::VARCHAR[], share, 0, other_report_id FROM assess_copies WHERE report_id BETWEEN ? AND ?
UNION ALL SELECT 3, report_id, units, code, '', '', []::VARCHAR[], aggregate, units_sum, 0 FROM assess_coverage WHERE report_id BETWEEN ? AND ?`
	sqlPresentReports   = `SELECT id FROM reports WHERE id BETWEEN ? AND ?`
	sqlDeleteOwnOf      = `DELETE FROM findings WHERE report_id BETWEEN ? AND ? AND report_id IN (SELECT unnest(?::BIGINT[])) AND rule IN (SELECT unnest(?::VARCHAR[]))`
	sqlDeleteTimelyOf   = `DELETE FROM assess_timeliness WHERE report_id BETWEEN ? AND ? AND report_id IN (SELECT unnest(?::BIGINT[]))`
	sqlDeleteCopiesOf   = `DELETE FROM assess_copies WHERE report_id BETWEEN ? AND ? AND report_id IN (SELECT unnest(?::BIGINT[]))`
	sqlDeleteCoverageOf = `DELETE FROM assess_coverage WHERE report_id BETWEEN ? AND ? AND report_id IN (SELECT unnest(?::BIGINT[]))`
)

// wholeRange is every id: the ranges of ids too scattered for a few.
var wholeRange = [][2]int64{{math.MinInt64, math.MaxInt64}}

// rangesOf are the id ranges a read or delete of ids goes by.
func rangesOf(ids []int64) [][2]int64 {
	if r := idRanges(ids); len(r) <= maxIDRanges {
		return r
	}
	return wholeRange
}

// storedAssessment is what the checks stored for one report, as text that
// compares equal exactly when the rows are the same: its findings of the
// checks' rules in seq order, and each evidence table's rows sorted (their
// order in the table means nothing).
type storedAssessment struct {
	last     int // highest seq of the findings the checks do not own; -1: none
	findings []string
	timely   []string
	copies   []string
	coverage []string
}

func findingRow(seq int, rule, severity string, cells []string, message string) string {
	return strconv.Itoa(seq) + "\x1f" + rule + "\x1f" + severity + "\x1f" + strconv.Itoa(len(cells)) + "\x1f" + strings.Join(cells, "\x1e") + "\x1f" + message
}

func timelyRow(pub, due string, late int) string {
	return pub + "\x1f" + due + "\x1f" + strconv.Itoa(late)
}

func copyRow(rule string, other int64, share float64, passages string) string {
	return rule + "\x1f" + strconv.FormatInt(other, 10) + "\x1f" + strconv.FormatFloat(share, 'g', -1, 64) + "\x1f" + passages
}

func coverageRow(code string, aggregate, unitsSum float64, units int) string {
	return code + "\x1f" + strconv.FormatFloat(aggregate, 'g', -1, 64) + "\x1f" + strconv.FormatFloat(unitsSum, 'g', -1, 64) + "\x1f" + strconv.Itoa(units)
}

// wants is what ReplaceAssessment would leave for a report whose other
// findings end at last: the same text as storedAssessment.
func wants(res AssessResult, last int) (storedAssessment, error) {
	w := storedAssessment{last: last}
	seq := last
	for _, f := range res.Findings {
		seq++
		w.findings = append(w.findings, findingRow(seq, f.Rule, f.Severity, f.Cells, f.Message))
	}
	if t := res.Timely; t != nil {
		// As the DATE columns give them back.
		pub, err := time.Parse(time.DateOnly, t.PublishedOn)
		if err != nil {
			return w, err
		}
		due, err := time.Parse(time.DateOnly, t.Deadline)
		if err != nil {
			return w, err
		}
		w.timely = append(w.timely, timelyRow(pub.Format(time.DateOnly), due.Format(time.DateOnly), t.DaysLate))
	}
	for _, c := range res.Copies {
		p, err := json.Marshal(c.Passages)
		if err != nil {
			return w, err
		}
		w.copies = append(w.copies, copyRow(c.Rule, c.OtherID, c.Share, string(p)))
	}
	for _, c := range res.Coverage {
		w.coverage = append(w.coverage, coverageRow(c.Code, c.Aggregate, c.UnitsSum, c.Units))
	}
	slices.Sort(w.timely)
	slices.Sort(w.copies)
	slices.Sort(w.coverage)
	return w, nil
}

func (a storedAssessment) equal(b storedAssessment) bool {
	return slices.Equal(a.findings, b.findings) && slices.Equal(a.timely, b.timely) &&
		slices.Equal(a.copies, b.copies) && slices.Equal(a.coverage, b.coverage)
}

// storedAssessments reads what is stored for ids: rules are the checks'.
func storedAssessments(ctx context.Context, q queryer, rules []string, ids []int64) (map[int64]*storedAssessment, error) {
	out := make(map[int64]*storedAssessment, len(ids))
	for _, id := range ids {
		out[id] = &storedAssessment{last: -1}
	}
	own := map[string]bool{}
	for _, r := range rules {
		own[r] = true
	}
	type ownRow struct {
		seq int
		row string
	}
	owned := map[int64][]ownRow{}
	var id, other int64
	var tag, n int
	var a, b, c string
	var cells duckdb.Composite[[]string]
	var x, y float64
	for _, r := range rangesOf(ids) {
		if err := eachRow(ctx, q, sqlStoredOf, []any{&tag, &id, &n, &a, &b, &c, &cells, &x, &y, &other}, func() error {
			s := out[id]
			switch {
			case s == nil: // another report in the range
			case tag == 0 && !own[a]:
				s.last = max(s.last, n)
			case tag == 0:
				owned[id] = append(owned[id], ownRow{n, findingRow(n, a, b, cells.Get(), c)})
			case tag == 1:
				s.timely = append(s.timely, timelyRow(a, b, n))
			case tag == 2:
				s.copies = append(s.copies, copyRow(a, other, x, c))
			case tag == 3:
				s.coverage = append(s.coverage, coverageRow(a, x, y, n))
			}
			cells = duckdb.Composite[[]string]{}
			return nil
		}, r[0], r[1], r[0], r[1], r[0], r[1], r[0], r[1]); err != nil {
			return nil, fmt.Errorf("stored assessment: %w", err)
		}
	}
	for id, rows := range owned {
		slices.SortFunc(rows, func(a, b ownRow) int { return a.seq - b.seq })
		for _, r := range rows {
			out[id].findings = append(out[id].findings, r.row)
		}
	}
	for _, s := range out {
		slices.Sort(s.timely)
		slices.Sort(s.copies)
		slices.Sort(s.coverage)
	}
	return out, nil
}

// UpdateAssessment leaves the database as ReplaceAssessment(rules,
// results) would, writing only what differs: the stored rows of the
// results' reports are read and compared with the rows the results make
// (findings numbered as ReplaceAssessment numbers them), and only the
// reports whose rows differ are replaced, in one transaction — none when
// nothing differs. written are the reports the change itself wrote: those
// of them no longer stored (deleted) lose their evidence rows, which
// ReplaceAssessment removes with every report's that is gone. It is the
// re-check after one change; a bulk re-check, restore and `analytics
// assess` replace everything (ReplaceAssessment).
func (s *Store) UpdateAssessment(ctx context.Context, rules []string, results map[int64]AssessResult, written []int64) error {
	s.write.Lock()
	defer s.write.Unlock()
	return updateAssessment(ctx, s.db, s.inTransaction, rules, results, written)
}

// updateAssessment is UpdateAssessment reading through q and writing in
// the transaction inTx opens (its own, or a save's: AssessTx).
func updateAssessment(ctx context.Context, q queryer, inTx func(context.Context, func(*sql.Conn, *writer) error) error,
	rules []string, results map[int64]AssessResult, written []int64) error {
	ids := make([]int64, 0, len(results))
	for id := range results {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var gone []int64
	if len(written) > 0 {
		present := map[int64]bool{}
		var id int64
		for _, r := range rangesOf(written) {
			if err := eachRow(ctx, q, sqlPresentReports, []any{&id}, func() error {
				present[id] = true
				return nil
			}, r[0], r[1]); err != nil {
				return err
			}
		}
		for _, id := range written {
			if !present[id] && !slices.Contains(gone, id) {
				gone = append(gone, id)
			}
		}
	}
	var changed []int64
	last := map[int64]int{}
	// What to delete, by table: only the reports that have rows there (a
	// new report has none; each DELETE reads its table's row groups).
	var own, timely, copies, coverage []int64
	stored := map[int64]*storedAssessment{}
	if len(ids)+len(gone) > 0 {
		var err error
		if stored, err = storedAssessments(ctx, q, rules, append(slices.Clone(ids), gone...)); err != nil {
			return err
		}
	}
	drop := func(id int64, findingsToo bool) {
		have := stored[id]
		if findingsToo && len(have.findings) > 0 {
			own = append(own, id)
		}
		if len(have.timely) > 0 {
			timely = append(timely, id)
		}
		if len(have.copies) > 0 {
			copies = append(copies, id)
		}
		if len(have.coverage) > 0 {
			coverage = append(coverage, id)
		}
	}
	for _, id := range gone {
		drop(id, false) // its findings went with the report
	}
	if len(ids) > 0 {
		for _, id := range ids {
			have := stored[id]
			want, err := wants(results[id], have.last)
			if err != nil {
				return fmt.Errorf("assessment of report %d: %w", id, err)
			}
			if !want.equal(*have) {
				changed = append(changed, id)
				last[id] = have.last
				drop(id, true)
			}
		}
	}
	if len(changed)+len(timely)+len(copies)+len(coverage) == 0 {
		return nil
	}
	return inTx(ctx, func(conn *sql.Conn, w *writer) error {
		for _, del := range []struct {
			q   string
			ids []int64
		}{{sqlDeleteOwnOf, own}, {sqlDeleteTimelyOf, timely}, {sqlDeleteCopiesOf, copies}, {sqlDeleteCoverageOf, coverage}} {
			for _, r := range rangesOf(del.ids) {
				args := []any{r[0], r[1], del.ids}
				if del.q == sqlDeleteOwnOf {
					args = append(args, rules)
				}
				if _, err := conn.ExecContext(ctx, del.q, args...); err != nil {
					return fmt.Errorf("assessment rows: %w", err)
				}
			}
		}
		for _, id := range changed {
			if err := appendAssessment(w, id, results[id], last[id]); err != nil {
				return err
			}
		}
		return nil
	})
}

// AssessTx is the transaction of a report being saved, as the re-check of
// its county reads and writes it (SaveOptions.Recheck): the reads see the
// report's rows, the writes commit with them.
type AssessTx struct {
	w *writer
	// ID, County and Year are the saved report's, as stored (a report
	// found keeps its names; a new one takes the registry's county).
	ID     int64
	County string
	Year   int
	// known is the saved report as CountiesDocs reads it, from memory;
	// empty when the version was held (the current rows are the old ones).
	known map[int64]*AssessDoc
}

func (s *Store) assessTx(_ context.Context, w *writer, res SaveResult) *AssessTx {
	tx := &AssessTx{w: w, ID: res.ID}
	if res.saved != nil {
		tx.County, tx.Year = res.saved.county, res.saved.year
		if res.saved.doc != nil {
			tx.known = map[int64]*AssessDoc{res.ID: res.saved.doc}
		}
	}
	return tx
}

// CountiesDocs is Store.CountiesDocs inside the transaction, the saved
// report's cells taken from memory.
func (tx *AssessTx) CountiesDocs(ctx context.Context, spans []CountySpan) (map[string][]*AssessDoc, error) {
	if err := tx.w.flush(); err != nil {
		return nil, err
	}
	few := len(spans) <= maxIDRanges
	return countiesDocs(ctx, tx.w, spans, few, tx.known)
}

// UpdateAssessment is Store.UpdateAssessment inside the transaction: no
// commit of its own.
func (tx *AssessTx) UpdateAssessment(ctx context.Context, rules []string, results map[int64]AssessResult, written []int64) error {
	if err := tx.w.flush(); err != nil {
		return err
	}
	return updateAssessment(ctx, tx.w, func(_ context.Context, write func(*sql.Conn, *writer) error) error {
		return write(tx.w.conn, tx.w)
	}, rules, results, written)
}

// assessDocOf is a report's cells and printed texts as CountiesDocs reads
// them back once stored: every cell of codes, and the printed text of
// each cell with a source whose text has no digit (sqlRangeRaw).
func assessDocOf(id int64, r *report.Report, codes []string) *AssessDoc {
	d := &AssessDoc{ID: id, Cells: maps.Clone(r.Cells), Raw: map[string]string{}}
	for _, code := range codes {
		if src, ok := r.Sources[code]; ok && !hasDigit(src.Raw) {
			d.Raw[code] = src.Raw
		}
	}
	return d
}

// hasDigit is sqlRangeRaw's regexp_matches(raw, '[0-9０-９]').
func hasDigit(s string) bool {
	return strings.ContainsFunc(s, func(c rune) bool { return c >= '0' && c <= '9' || c >= '０' && c <= '９' })
}
