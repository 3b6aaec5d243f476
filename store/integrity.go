package store

import (
	"context"
	"fmt"
)

// The checks of CheckIntegrity: each query returns the ids of the reports
// that break one promise of a whole report, at most 20 of them.
const (
	// A report's current version is stored (current_version is NULL only
	// on a database from before versions, which 004 filled).
	sqlIntegrityNoVersion = `SELECT r.id FROM reports r
WHERE r.current_version IS NULL
   OR NOT EXISTS (SELECT 1 FROM report_versions v WHERE v.report_id = r.id AND v.version = r.current_version)
ORDER BY r.id LIMIT 20`
	// A report whose current version has cells has cells itself.
	sqlIntegrityNoCells = `SELECT r.id FROM reports r
JOIN report_versions v ON v.report_id = r.id AND v.version = r.current_version
WHERE v.n_cells > 0 AND NOT EXISTS (SELECT 1 FROM cells c WHERE c.report_id = r.id)
ORDER BY r.id LIMIT 20`
	// Every version holds the cells it counts: in version_cells, or, for
	// the current version kept in place (inplace.go), in cells.
	sqlIntegrityVersionCells = `SELECT v.report_id FROM report_versions v
LEFT JOIN (SELECT report_id, version, count(*) AS n FROM version_cells GROUP BY ALL) c
  ON c.report_id = v.report_id AND c.version = v.version
LEFT JOIN reports r ON r.id = v.report_id AND r.current_version = v.version AND c.n IS NULL
LEFT JOIN (SELECT report_id, count(*) AS n FROM cells GROUP BY ALL) k ON k.report_id = r.id
WHERE coalesce(c.n, k.n, 0) <> v.n_cells
ORDER BY v.report_id LIMIT 20`
	// No cells, sources or versions of a report that does not exist.
	sqlIntegrityOrphans = `SELECT DISTINCT report_id FROM (
    SELECT report_id FROM cells
    UNION ALL SELECT report_id FROM cell_sources
    UNION ALL SELECT report_id FROM report_versions
) o WHERE NOT EXISTS (SELECT 1 FROM reports r WHERE r.id = o.report_id)
ORDER BY report_id LIMIT 20`
)

// integrityChecks pairs each check with the sentence naming what broke.
var integrityChecks = []struct{ query, problem string }{
	{sqlIntegrityNoVersion, "报告的当前版本不存在"},
	{sqlIntegrityNoCells, "报告没有数据单元格，而其当前版本有"},
	{sqlIntegrityVersionCells, "版本的单元格数与记录的 n_cells 不符"},
	{sqlIntegrityOrphans, "单元格、来源或版本指向不存在的报告"},
}

// CheckIntegrity tells whether the database holds only whole reports:
// every report has its current version and its cells, every version the
// cells it counts, and no row points at a report that does not exist. It
// returns one Chinese sentence per broken promise (nil: all whole); the
// error is for a query that could not run. The kill test and
// `analytics recover` and `restore` call it.
func (s *Store) CheckIntegrity(ctx context.Context) ([]string, error) {
	var problems []string
	for _, c := range integrityChecks {
		var ids []int64
		var id int64
		if err := eachRow(ctx, s.db, c.query, []any{&id}, func() error {
			ids = append(ids, id)
			return nil
		}); err != nil {
			return nil, fmt.Errorf("check %s: %w", s.path, err)
		}
		if len(ids) > 0 {
			problems = append(problems, fmt.Sprintf("%s：%s（报告编号 %v，最多列 20 个）", s.path, c.problem, ids))
		}
	}
	return problems, nil
}

// countedTables are the tables a backup manifest counts and a restore or
// recover reports, in this order.
var countedTables = []string{"reports", "report_versions", "cells", "corrections", "audit_log"}

// sqlCount counts the rows of each of countedTables (the names are the
// constants above, never input).
const sqlCount = `SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM report_versions),
       (SELECT count(*) FROM cells), (SELECT count(*) FROM corrections), (SELECT count(*) FROM audit_log)`

// Counts is the number of rows of each table a backup manifest records.
func (s *Store) Counts(ctx context.Context) (map[string]int64, error) {
	return countRows(ctx, s.db)
}

func countRows(ctx context.Context, q queryer) (map[string]int64, error) {
	n := make([]int64, len(countedTables))
	dest := make([]any, len(n))
	for i := range n {
		dest[i] = &n[i]
	}
	if err := q.QueryRowContext(ctx, sqlCount).Scan(dest...); err != nil {
		return nil, fmt.Errorf("count rows: %w", err)
	}
	out := make(map[string]int64, len(n))
	for i, t := range countedTables {
		out[t] = n[i]
	}
	return out, nil
}
