package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"nianbao/report"
)

// Version is one ingested document of a report, kept whole.
type Version struct {
	Version     int       `json:"version"`
	Current     bool      `json:"current"`
	Agency      string    `json:"agency"`
	County      string    `json:"county"`
	Edition     string    `json:"edition"`
	Format      string    `json:"format"`
	Kind        string    `json:"kind"`
	SourceFile  string    `json:"source_file"`
	SHA256      string    `json:"sha256"`
	PublishedOn string    `json:"published_on,omitempty"`
	Cells       int       `json:"cells"`
	HasT3       bool      `json:"has_t3"`
	HasT4       bool      `json:"has_t4"`
	Author      string    `json:"author"`
	Held        string    `json:"held,omitempty"`
	IngestedAt  time.Time `json:"ingested_at"`
}

// CellDiff is one cell that differs between two versions (nil: absent).
type CellDiff struct {
	Code string   `json:"code"`
	A    *float64 `json:"a"`
	B    *float64 `json:"b"`
}

// ErrBadVersion is asked for a version the report does not have.
var ErrBadVersion = errors.New("no such version")

const (
	sqlInsertVersion = `INSERT INTO report_versions (report_id, version, agency, county, edition, format, kind, source_file, sha256, published_on, synthetic, n_cells, has_t3, has_t4, author, held, ingested_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	sqlVersions = `SELECT v.version, v.version = coalesce(r.current_version, -1), v.agency, v.county, v.edition, v.format, v.kind, v.source_file, v.sha256,
       coalesce(strftime(v.published_on, '%Y-%m-%d'), ''), v.n_cells, v.has_t3, v.has_t4, v.author, coalesce(v.held, ''), v.ingested_at
FROM report_versions v JOIN reports r ON r.id = v.report_id WHERE v.report_id = ? ORDER BY v.version`
	sqlVersionRow = `SELECT agency, county, edition, format, kind, source_file, sha256, coalesce(strftime(published_on, '%Y-%m-%d'), ''), synthetic
FROM report_versions WHERE report_id = ? AND version = ?`
	sqlVersionFindings = `SELECT rule, severity, cells, message FROM version_findings WHERE report_id = ? AND version = ? ORDER BY seq`
	sqlReportYear      = `SELECT agency, county, year, coalesce(current_version, 0) FROM reports WHERE id = ?`
	// A report stored before versions existed: its current rows become
	// version 0, so replacing it loses nothing.
	sqlLegacyVersion = `INSERT INTO report_versions (report_id, version, agency, county, edition, format, kind, source_file, sha256, published_on, synthetic, n_cells, has_t3, has_t4, author, held, ingested_at)
SELECT id, 0, agency, county, edition, format, 'report', source_file, sha256, published_on, synthetic,
       (SELECT count(*) FROM cells WHERE report_id = r.id),
       EXISTS (SELECT 1 FROM cells WHERE report_id = r.id AND code LIKE 't3.%'),
       EXISTS (SELECT 1 FROM cells WHERE report_id = r.id AND code LIKE 't4.%'), 'ingest', NULL, ingested_at
FROM reports r WHERE id = ?`
	sqlLegacyCells    = `INSERT INTO version_cells SELECT report_id, 0, code, value FROM cells WHERE report_id = ?`
	sqlLegacySources  = `INSERT INTO version_sources SELECT report_id, 0, code, line, page, tbl, grid_row, grid_col, raw, note FROM cell_sources WHERE report_id = ?`
	sqlLegacyFindings = `INSERT INTO version_findings SELECT report_id, 0, seq, rule, severity, cells, message FROM findings WHERE report_id = ?`
	sqlLegacyPointer  = `UPDATE reports SET current_version = 0 WHERE id = ?`
)

// snapshotLegacy keeps a pre-version report's current rows as version 0.
func snapshotLegacy(ctx context.Context, c execer, id int64) error {
	for _, q := range []string{sqlLegacyVersion, sqlLegacyCells, sqlLegacySources, sqlLegacyFindings, sqlLegacyPointer} {
		if _, err := c.ExecContext(ctx, q, id); err != nil {
			return err
		}
	}
	return nil
}

// storeVersion writes a document's version row and parsed findings
// (before any correction) as a version of report id, and its cells and
// sources when ownRows: a version about to become current needs none,
// its rows are the current rows (inplace.go; makeCurrent writes them
// here after all when a correction changes them).
func storeVersion(ctx context.Context, w *writer, id int64, version int, r *report.Report, kind, format string, published any, author, held string, ownRows bool, now time.Time) error {
	n, t3, t4 := tableStats(r)
	if w.stmts != nil {
		// In a batch the version row goes through the Appender too: one
		// statement less per report.
		day, err := dateValue(published)
		if err != nil {
			return err
		}
		if err := w.appendRow("report_versions", id, int32(version), r.Agency, r.County, r.Edition, format, kind, r.File, r.SHA256, day,
			r.Synthetic, int32(n), t3, t4, auditAuthor(author), nullStr(held), now); err != nil {
			return err
		}
	} else if _, err := w.ExecContext(ctx, sqlInsertVersion, id, version, r.Agency, r.County, r.Edition, format, kind, r.File, r.SHA256, published,
		r.Synthetic, n, t3, t4, auditAuthor(author), nullStr(held), now); err != nil {
		return err
	}
	if ownRows {
		if err := appendVersionRows(w, id, version, r); err != nil {
			return err
		}
	}
	for i, f := range r.Findings {
		list := make([]any, len(f.Cells))
		for j, x := range f.Cells {
			list[j] = x
		}
		if err := w.appendRow("version_findings", id, int32(version), int32(i), f.Rule, f.Severity, list, f.Message); err != nil {
			return err
		}
	}
	return nil
}

// dateValue turns a publication date as bound to a statement ("" or nil:
// none, else YYYY-MM-DD) into what the Appender takes.
func dateValue(published any) (any, error) {
	p, ok := published.(string)
	if !ok {
		return nil, nil
	}
	d, err := time.Parse(time.DateOnly, p)
	if err != nil {
		return nil, fmt.Errorf("published_on %q: %w", p, err)
	}
	return d, nil
}

// Versions lists every version of a report, oldest first.
func (s *Store) Versions(ctx context.Context, id int64) ([]Version, error) {
	if _, err := s.identity(ctx, s.db, id); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, sqlVersions, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Version{}
	for rows.Next() {
		var v Version
		if err := rows.Scan(&v.Version, &v.Current, &v.Agency, &v.County, &v.Edition, &v.Format, &v.Kind, &v.SourceFile, &v.SHA256,
			&v.PublishedOn, &v.Cells, &v.HasT3, &v.HasT4, &v.Author, &v.Held, &v.IngestedAt); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// loadVersion reads a version back as a report.
func loadVersion(ctx context.Context, q queryer, id int64, version int) (*report.Report, string, error) {
	r := report.New("")
	var kind string
	err := q.QueryRowContext(ctx, sqlVersionRow, id, version).Scan(&r.Agency, &r.County, &r.Edition, &r.Format, &kind, &r.File, &r.SHA256, &r.PublishedOn, &r.Synthetic)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", fmt.Errorf("report %d version %d: %w", id, version, ErrBadVersion)
	}
	if err != nil {
		return nil, "", err
	}
	rows, err := q.QueryContext(ctx, sqlVersionCells, id, version)
	if err != nil {
		return nil, "", err
	}
	for rows.Next() {
		var code string
		var v float64
		if err := rows.Scan(&code, &v); err != nil {
			rows.Close()
			return nil, "", err
		}
		r.Cells[code] = v
	}
	rows.Close()
	rows, err = q.QueryContext(ctx, sqlVersionSources, id, version)
	if err != nil {
		return nil, "", err
	}
	for rows.Next() {
		var code string
		var src report.Source
		if err := rows.Scan(&code, &src.Line, &src.Page, &src.Table, &src.Row, &src.Col, &src.Raw, &src.Note); err != nil {
			rows.Close()
			return nil, "", err
		}
		if r.Sources == nil {
			r.Sources = map[string]report.Source{}
		}
		r.Sources[code] = src
	}
	rows.Close()
	rows, err = q.QueryContext(ctx, sqlVersionFindings, id, version)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	for rows.Next() {
		var f report.Finding
		var cells duckdb.Composite[[]string]
		if err := rows.Scan(&f.Rule, &f.Severity, &cells, &f.Message); err != nil {
			return nil, "", err
		}
		f.Cells = cells.Get()
		if f.Cells == nil {
			f.Cells = []string{}
		}
		r.Findings = append(r.Findings, f)
	}
	return r, kind, rows.Err()
}

// RestoreResult tells what a restore did with the report's corrections.
type RestoreResult struct {
	// Corrected counts the corrections laid over the restored version.
	Corrected int `json:"corrected"`
	// Dropped are the cells whose corrections do not fit the restored
	// version (it reads them differently): kept as 待复核, not applied,
	// laid over again when a version that fits is current (see
	// applyCorrections), so restoring the later version brings them back.
	Dropped []string `json:"dropped_corrections"`
}

// Restore makes an earlier (or held) version the report's current one,
// with the corrections laid over it again; audited with the reason.
func (s *Store) Restore(ctx context.Context, id int64, version int, author, reason string) error {
	_, err := s.RestoreWith(ctx, id, version, author, reason)
	return err
}

// RestoreWith is Restore telling which corrections the restored version
// takes off (named in the audit row too).
func (s *Store) RestoreWith(ctx context.Context, id int64, version int, author, reason string) (res RestoreResult, err error) {
	err = s.writeAppend(ctx, tellReaders, false, func(conn *sql.Conn, w *writer) error {
		var agency, county string
		var year, cur int
		if err := conn.QueryRowContext(ctx, sqlReportYear, id).Scan(&agency, &county, &year, &cur); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				err = fmt.Errorf("report %d: %w", id, ErrNotFound)
			}
			return err
		}
		r, kind, err := loadVersion(ctx, conn, id, version)
		if err != nil {
			return err
		}
		r.Agency, r.County, r.Year = agency, county, year
		var published any
		if r.PublishedOn != "" {
			published = r.PublishedOn
		}
		now := time.Now().UTC()
		if res.Dropped, res.Corrected, err = s.makeCurrent(ctx, w, id, version, r, kind, r.Format, published, true, false, now); err != nil {
			return err
		}
		comment := reason
		if len(res.Dropped) > 0 {
			comment += "；恢复的版本与这些单元格的更正不符，更正待复核（未删除）：" + strings.Join(res.Dropped, "、")
		}
		// The audit row is written after the writer's appends reach the
		// tables, as before: w.flush makes them visible first.
		if err := w.flush(); err != nil {
			return err
		}
		_, err = conn.ExecContext(ctx, sqlInsertAudit, now, author, "restore", agency, county, year,
			fmt.Sprintf("report %d", id), fmt.Sprintf("v%d", cur), fmt.Sprintf("v%d", version), comment)
		return err
	})
	return res, err
}

// Diff compares two versions of a report cell by cell: the cells whose
// values differ, or that one of them lacks, sorted by code.
func (s *Store) Diff(ctx context.Context, id int64, a, b int) ([]CellDiff, error) {
	vs, err := s.Versions(ctx, id)
	if err != nil {
		return nil, err
	}
	have := map[int]bool{}
	for _, v := range vs {
		have[v.Version] = true
	}
	for _, v := range []int{a, b} {
		if !have[v] {
			return nil, fmt.Errorf("report %d version %d: %w", id, v, ErrBadVersion)
		}
	}
	rows, err := s.db.QueryContext(ctx, sqlDiff, id, a, b)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []CellDiff{}
	for rows.Next() {
		var d CellDiff
		var x, y sql.NullFloat64
		if err := rows.Scan(&d.Code, &x, &y); err != nil {
			return nil, err
		}
		d.A, d.B = nullable(x), nullable(y)
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, rows.Err()
}

const (
	// Every correction not superseded, latest last: an orphaned one (待复核)
	// is laid over again when a version reads its cell as it expects.
	sqlCarryOver = `SELECT code, value, parsed_value, orphaned FROM corrections WHERE agency = ? AND county = ? AND year = ? AND NOT superseded ORDER BY created_at`
	sqlRevive    = `UPDATE corrections SET orphaned = false WHERE agency = ? AND county = ? AND year = ? AND code = ? AND orphaned AND NOT superseded`
)

// applyCorrections lays the stored corrections over a report being made
// current (a new version, or a restored one). A correction whose cell the
// report reads as the correction's parsed value is applied — one waiting
// for review (orphaned) included, which fits again and is revived. One
// whose cell now reads differently is not applied and is returned: it is
// orphaned (待复核), audited, and kept for a later version that fits. A
// person's correction is never dropped silently, and applied counts
// exactly the corrections the stored cells hold.
func applyCorrections(ctx context.Context, q queryer, r *report.Report, now time.Time) (orphans []string, applied int, err error) {
	type active struct {
		code     string
		value    float64
		parsed   sql.NullFloat64
		orphaned bool
	}
	// One correction per cell: the latest in force, else the latest
	// waiting for review.
	byCode := map[string]active{}
	var order []string
	var a active
	if err := eachRow(ctx, q, sqlCarryOver, []any{&a.code, &a.value, &a.parsed, &a.orphaned}, func() error {
		prev, seen := byCode[a.code]
		if !seen {
			order = append(order, a.code)
		}
		if !seen || prev.orphaned || !a.orphaned {
			byCode[a.code] = a
		}
		return nil
	}, r.Agency, r.County, r.Year); err != nil {
		return nil, 0, err
	}
	for _, code := range order {
		a := byCode[code]
		v, present := r.Cells[a.code]
		same := present == a.parsed.Valid && (!present || v == a.parsed.Float64)
		if same {
			r.Cells[a.code] = a.value
			applied++
			if a.orphaned {
				if _, err := q.ExecContext(ctx, sqlRevive, r.Agency, r.County, r.Year, a.code); err != nil {
					return nil, 0, err
				}
				if _, err := q.ExecContext(ctx, sqlInsertAudit, now, "ingest", "reapply", r.Agency, r.County, r.Year, a.code,
					fmtValue(nullable(a.parsed)), fmtValue(&a.value), "当前版本原文该单元格与更正时一致，待复核的更正重新生效"); err != nil {
					return nil, 0, err
				}
			}
			continue
		}
		orphans = append(orphans, a.code)
		if a.orphaned {
			continue // already waiting for review, already audited
		}
		if _, err := q.ExecContext(ctx, sqlOrphan, r.Agency, r.County, r.Year, a.code); err != nil {
			return nil, 0, err
		}
		var newV *float64
		if present {
			newV = &v
		}
		if _, err := q.ExecContext(ctx, sqlInsertAudit, now, "ingest", "orphan", r.Agency, r.County, r.Year, a.code,
			fmtValue(nullable(a.parsed)), fmtValue(newV), "新版本原文该单元格已变化，更正未套用，待复核"); err != nil {
			return nil, 0, err
		}
	}
	if applied > 0 {
		kept := r.Findings[:0]
		for _, f := range r.Findings {
			if !isIdentityRule(f.Rule) {
				kept = append(kept, f)
			}
		}
		r.Findings = kept
		report.CheckIdentities(r)
	}
	return orphans, applied, nil
}
