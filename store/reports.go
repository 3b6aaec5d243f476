package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"nianbao/report"
)

const (
	sqlFindExisting = `SELECT id, source_file, sha256, ingested_at FROM reports WHERE agency = ? AND county = ? AND year = ?`
	sqlKeepHistory  = `INSERT INTO report_history (agency, county, year, report_id, source_file, sha256, ingested_at, replaced_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	sqlDeleteCells  = `DELETE FROM cells WHERE report_id = ?`
	sqlDeleteSrc    = `DELETE FROM cell_sources WHERE report_id = ?`
	sqlDeleteFind   = `DELETE FROM findings WHERE report_id = ?`
	sqlDeleteReport = `DELETE FROM reports WHERE id = ?`
	sqlInsertReport = `INSERT INTO reports (agency, county, year, edition, format, source_file, sha256, published_on, synthetic, ingested_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`
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
	Replaced bool  // an earlier version of the same agency, county and year existed
	Previous int64 // its id
	// Corrected counts the stored corrections laid over the new version;
	// Orphaned lists the cells whose corrections no longer apply because
	// the document now reads differently there.
	Corrected int
	Orphaned  []string
}

// Save stores a report in one transaction, replacing any stored report of
// the same agency, county and year (whose hash and time go to history).
func (s *Store) Save(ctx context.Context, r *report.Report) (SaveResult, error) {
	return s.SaveAs(ctx, r, "")
}

// SaveAs is Save by a named person (an upload through the API): the upload
// is recorded in the audit log with the file's name and hash.
func (s *Store) SaveAs(ctx context.Context, r *report.Report, author string) (SaveResult, error) {
	s.write.Lock()
	defer s.write.Unlock()
	res, err := s.save(ctx, r, author)
	if err != nil {
		return res, fmt.Errorf("store %s: %w", r.File, err)
	}
	s.changed()
	return res, nil
}

func (s *Store) save(ctx context.Context, r *report.Report, author string) (res SaveResult, err error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return res, err
	}
	defer conn.Close()
	if _, err = conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return res, err
	}
	defer func() {
		if err != nil {
			conn.ExecContext(context.Background(), "ROLLBACK")
		}
	}()
	now := time.Now().UTC()
	var (
		oldID     int64
		oldFile   string
		oldHash   string
		oldIngest time.Time
	)
	switch e := conn.QueryRowContext(ctx, sqlFindExisting, r.Agency, r.County, r.Year).Scan(&oldID, &oldFile, &oldHash, &oldIngest); {
	case e == nil:
		res.Replaced, res.Previous = true, oldID
		if _, err = conn.ExecContext(ctx, sqlKeepHistory, r.Agency, r.County, r.Year, oldID, oldFile, oldHash, oldIngest, now); err != nil {
			return res, err
		}
		if err = deleteReport(ctx, conn, oldID); err != nil {
			return res, err
		}
	case errors.Is(e, sql.ErrNoRows):
	default:
		return res, e
	}
	// Lay people's corrections over the new version, on a copy so the
	// caller's report stays as parsed.
	cp := *r
	cp.Cells = make(map[string]float64, len(r.Cells))
	for k, v := range r.Cells {
		cp.Cells[k] = v
	}
	cp.Findings = append([]report.Finding(nil), r.Findings...)
	r = &cp
	if res.Orphaned, res.Corrected, err = applyCorrections(ctx, conn, r, now); err != nil {
		return res, err
	}
	var published any
	if r.PublishedOn != "" {
		published = r.PublishedOn
	}
	format := r.Format
	if format == "" {
		format = "text"
	}
	if err = conn.QueryRowContext(ctx, sqlInsertReport, r.Agency, r.County, r.Year, r.Edition, format,
		r.File, r.SHA256, published, r.Synthetic, now).Scan(&res.ID); err != nil {
		return res, err
	}
	err = conn.Raw(func(dc any) error {
		return appendRows(dc.(driver.Conn), res.ID, r)
	})
	if err != nil {
		return res, err
	}
	if author != "" {
		old := ""
		if res.Replaced {
			old = oldHash
		}
		if _, err = conn.ExecContext(ctx, sqlInsertAudit, now, author, "upload", r.Agency, r.County, r.Year, r.File, old, r.SHA256, ""); err != nil {
			return res, err
		}
	}
	_, err = conn.ExecContext(ctx, "COMMIT")
	return res, err
}

// appendRows loads cells, sources and findings with DuckDB's Appender.
func appendRows(dc driver.Conn, id int64, r *report.Report) error {
	cells, err := duckdb.NewAppenderFromConn(dc, "", "cells")
	if err != nil {
		return err
	}
	for _, code := range r.Codes() {
		if err := cells.AppendRow(id, code, r.Cells[code]); err != nil {
			cells.Close()
			return err
		}
	}
	if err := cells.Close(); err != nil {
		return err
	}
	if len(r.Sources) > 0 {
		src, err := duckdb.NewAppenderFromConn(dc, "", "cell_sources")
		if err != nil {
			return err
		}
		for _, code := range r.Codes() {
			s, ok := r.Sources[code]
			if !ok {
				continue
			}
			if err := src.AppendRow(id, code, int32(s.Line), int32(s.Page), int32(s.Table), int32(s.Row), int32(s.Col), s.Raw, s.Note); err != nil {
				src.Close()
				return err
			}
		}
		if err := src.Close(); err != nil {
			return err
		}
	}
	if len(r.Findings) > 0 {
		fa, err := duckdb.NewAppenderFromConn(dc, "", "findings")
		if err != nil {
			return err
		}
		for i, f := range r.Findings {
			cells := make([]any, len(f.Cells))
			for j, c := range f.Cells {
				cells[j] = c
			}
			if err := fa.AppendRow(id, int32(i), f.Rule, f.Severity, cells, f.Message); err != nil {
				fa.Close()
				return err
			}
		}
		if err := fa.Close(); err != nil {
			return err
		}
	}
	return nil
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func deleteReport(ctx context.Context, c execer, id int64) error {
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
	s.write.Lock()
	defer s.write.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM reports WHERE id = ?`, id).Scan(&n); err != nil {
		tx.Rollback()
		return err
	}
	if n == 0 {
		tx.Rollback()
		return fmt.Errorf("report %d: %w", id, ErrNotFound)
	}
	who, err := s.identity(ctx, tx, id)
	if err != nil {
		tx.Rollback()
		return err
	}
	if err := deleteReport(ctx, tx, id); err != nil {
		tx.Rollback()
		return fmt.Errorf("delete report %d: %w", id, err)
	}
	if author == "" {
		author = "cli"
	}
	if _, err := tx.ExecContext(ctx, sqlInsertAudit, time.Now().UTC(), author, "delete", who.agency, who.county, who.year, fmt.Sprintf("report %d", id), "", "", ""); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	s.changed()
	return nil
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
			r.Findings[i].Review, r.Findings[i].ReviewComment, r.Findings[i].Reviewer = v[0], v[1], v[2]
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
