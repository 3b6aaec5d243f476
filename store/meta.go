package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// MetaChange is a fix of a report's agency, county or year (nil: keep).
type MetaChange struct {
	Agency *string `json:"agency"`
	County *string `json:"county"`
	Year   *int    `json:"year"`
}

// Unassigned is a report without a county (待归属).
type Unassigned struct {
	ID       int64  `json:"id"`
	Agency   string `json:"agency"`
	AgencyID string `json:"agency_id"`
	Year     int    `json:"year"`
	File     string `json:"source_file"`
}

const (
	sqlMetaOf       = `SELECT agency, county, year, coalesce(agency_id, ''), synthetic FROM reports WHERE id = ?`
	sqlOtherReport  = `SELECT id FROM reports WHERE agency_id = ? AND year = ? AND id <> ?`
	sqlSetMeta      = `UPDATE reports SET agency = ?, county = ?, year = ?, agency_id = ? WHERE id = ?`
	sqlMoveCorr     = `UPDATE corrections SET agency = ?, county = ?, year = ? WHERE agency = ? AND county = ? AND year = ?`
	sqlMoveReviews  = `UPDATE finding_reviews SET agency = ?, county = ?, year = ? WHERE agency = ? AND county = ? AND year = ?`
	sqlMoveRects    = `UPDATE rectifications SET agency = ?, county = ?, year = ?, agency_id = ? WHERE report_id = ?` // rectify.go
	sqlReportsOf    = `SELECT id, year FROM reports WHERE agency_id = ?`
	sqlMoveReports  = `UPDATE reports SET agency_id = ? WHERE agency_id = ?`
	sqlMoveAliases  = `UPDATE agency_aliases SET agency_id = ? WHERE agency_id = ?`
	sqlMoveMarks    = `UPDATE filing_marks SET agency_id = ? WHERE agency_id = ?`
	sqlMergeInto    = `UPDATE agencies SET merged_into = ? WHERE id = ?`
	sqlMergedInto   = `SELECT coalesce(merged_into, '') FROM agencies WHERE id = ?`
	sqlUnassigned   = `SELECT id, agency, coalesce(agency_id, ''), year, source_file FROM reports WHERE county = '' ORDER BY agency, year`
	sqlAgencyCounty = `SELECT county FROM agencies WHERE id = ?`
)

// UpdateMeta changes a report's agency, county or year in place: the id
// stays, the agency is resolved again, corrections and reviews move with
// it, and the change is audited with its reason. A change onto an agency
// and year that another report holds is ErrConflict (merge instead).
func (s *Store) UpdateMeta(ctx context.Context, id int64, ch MetaChange, author, reason string) error {
	if strings.TrimSpace(reason) == "" {
		return ErrNoReason
	}
	return s.writeTx(ctx, tellReaders, s.ensureRegistry, func(tx *sql.Tx) error {
		var agency, county, agencyID string
		var year int
		var synthetic bool
		if err := tx.QueryRowContext(ctx, sqlMetaOf, id).Scan(&agency, &county, &year, &agencyID, &synthetic); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("report %d: %w", id, ErrNotFound)
			}
			return err
		}
		na, nc, ny := agency, county, year
		if ch.Agency != nil {
			na = strings.TrimSpace(*ch.Agency)
		}
		if ch.County != nil {
			nc = strings.TrimSpace(*ch.County)
		}
		if ch.Year != nil {
			ny = *ch.Year
		}
		if na == "" || ny < 1990 || ny > 2100 {
			return fmt.Errorf("机关不能为空，年度应在 1990–2100：%w", ErrBadPlace)
		}
		ag, err := s.resolveAgency(ctx, tx, na, nc, "", synthetic)
		if err != nil {
			return err
		}
		if ag.county != "" {
			nc = ag.county
		}
		var other int64
		switch err := tx.QueryRowContext(ctx, sqlOtherReport, ag.id, ny, id).Scan(&other); {
		case err == nil:
			return fmt.Errorf("报告 %d 已是 %s %d 年的报告，请先比较两份再删除一份：%w", other, na, ny, ErrConflict)
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if _, err := tx.ExecContext(ctx, sqlSetMeta, na, nc, ny, ag.id, id); err != nil {
			return err
		}
		for _, q := range []string{sqlMoveCorr, sqlMoveReviews} {
			if _, err := tx.ExecContext(ctx, q, na, nc, ny, agency, county, year); err != nil {
				return err
			}
		}
		// A finding sent back follows its report (整改跟踪 lists by county).
		if _, err := tx.ExecContext(ctx, sqlMoveRects, na, nc, ny, ag.id, id); err != nil {
			return err
		}
		now := time.Now().UTC()
		if _, err := tx.ExecContext(ctx, sqlInsertAudit, now, author, "meta", na, nc, ny, fmt.Sprintf("report %d", id),
			fmt.Sprintf("%s / %s / %d (%s)", agency, orNone(county), year, agencyID), fmt.Sprintf("%s / %s / %d (%s)", na, orNone(nc), ny, ag.id), reason); err != nil {
			return err
		}
		return nil
	})
}

func orNone(s string) string {
	if s == "" {
		return "待归属"
	}
	return s
}

// MergeAgencies records that two agencies are one: from's reports,
// aliases and filing marks move to into, from's name becomes an alias of
// into, and later ingests of from's name land on into. Two reports of the
// same year are ErrConflict (one must be deleted or fixed first).
func (s *Store) MergeAgencies(ctx context.Context, from, into, author, reason string) error {
	if strings.TrimSpace(reason) == "" {
		return ErrNoReason
	}
	if from == into {
		return fmt.Errorf("不能把单位合并到它自己：%w", ErrConflict)
	}
	a, err := s.GetAgency(ctx, from)
	if err != nil {
		return err
	}
	b, err := s.GetAgency(ctx, into)
	if err != nil {
		return err
	}
	return s.writeTx(ctx, newRegistry, nil, func(tx *sql.Tx) error {
		years := map[int]int64{}
		var id int64
		var y int
		if err := eachRow(ctx, tx, sqlReportsOf, []any{&id, &y}, func() error {
			years[y] = id
			return nil
		}, into); err != nil {
			return err
		}
		var clash []string
		if err := eachRow(ctx, tx, sqlReportsOf, []any{&id, &y}, func() error {
			if other, ok := years[y]; ok {
				clash = append(clash, fmt.Sprintf("%d 年（报告 %d 与 %d）", y, id, other))
			}
			return nil
		}, from); err != nil {
			return err
		}
		if len(clash) > 0 {
			return fmt.Errorf("两个单位都有 %s 的报告，请先处理其中一份：%w", strings.Join(clash, "、"), ErrConflict)
		}
		for _, q := range []string{sqlMoveReports, sqlMoveAliases, sqlMoveMarks} {
			if _, err := tx.ExecContext(ctx, q, into, from); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, sqlInsertAlias, into, a.Name, nil, "合并自 "+from); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, sqlMergeInto, into, from); err != nil {
			return err
		}
		now := time.Now().UTC()
		if _, err := tx.ExecContext(ctx, sqlInsertAudit, now, author, "merge", b.Name, b.County, 0, into, from+" "+a.Name, into+" "+b.Name, reason); err != nil {
			return err
		}
		return nil
	})
}

// followMerge returns the agency an id was merged into (itself if none).
func followMerge(ctx context.Context, q queryer, id string) (string, string, error) {
	for i := 0; i < 8; i++ { // merges chain; a loop cannot form, but bound it
		var next string
		if err := q.QueryRowContext(ctx, sqlMergedInto, id).Scan(&next); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return id, "", nil
			}
			return "", "", err
		}
		if next == "" {
			break
		}
		id = next
	}
	var county string
	if err := q.QueryRowContext(ctx, sqlAgencyCounty, id).Scan(&county); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", "", err
	}
	return id, county, nil
}

// Unassigned lists the reports without a county (待归属).
func (s *Store) Unassigned(ctx context.Context) ([]Unassigned, error) {
	rows, err := s.db.QueryContext(ctx, sqlUnassigned)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Unassigned{}
	for rows.Next() {
		var u Unassigned
		if err := rows.Scan(&u.ID, &u.Agency, &u.AgencyID, &u.Year, &u.File); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}
