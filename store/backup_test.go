package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"nianbao/internal/dbrows"
)

// comparedTables are the tables a restored backup must hold row for row.
var comparedTables = []string{"reports", "report_versions", "cells", "version_cells", "findings", "corrections", "audit_log", "agencies"}

// schemaViews list the schema: compared like tables.
var schemaViews = []string{
	"(SELECT table_name, sql FROM duckdb_tables())",
	"(SELECT view_name, sql FROM duckdb_views() WHERE NOT internal)",
	"(SELECT sequence_name FROM duckdb_sequences())",
	"(SELECT table_name, constraint_type, constraint_text FROM duckdb_constraints())",
}

// seedHistory stores reports with two versions, a correction and their
// audit rows.
func seedHistory(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.Save(ctx, sample("青石镇", 3)); err != nil {
		t.Fatal(err)
	}
	res, err := s.SaveAs(ctx, sample("青石镇", 5), "王")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Save(ctx, sample("白沙镇", 4)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Correct(ctx, res.ID, "t3.new.total", 6, "核对原件", "李"); err != nil {
		t.Fatal(err)
	}
}

func TestBackupRestoreSameRows(t *testing.T) {
	ctx := context.Background()
	src := openTemp(t)
	seedHistory(t, src)
	dir := filepath.Join(t.TempDir(), "backup")
	m, err := src.Backup(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	live, err := src.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"reports", "report_versions", "corrections", "audit_log"} {
		if m.Counts[table] == 0 || m.Counts[table] != live[table] {
			t.Fatalf("manifest counts %v, database %v: %s", m.Counts, live, table)
		}
	}
	if _, err := src.Backup(ctx, dir); err == nil || !strings.Contains(err.Error(), "已有一份备份") {
		t.Fatalf("a second backup into the same folder: %v", err)
	}

	path := filepath.Join(t.TempDir(), "restored.duckdb")
	r, err := RestoreBackup(ctx, dir, path, false)
	if err != nil {
		t.Fatal(err)
	}
	if r.Aside != "" || r.Counts["reports"] != m.Counts["reports"] {
		t.Fatalf("restore: %+v", r)
	}
	dst, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	// The schema came back whole too: tables with their constraints and
	// defaults, the view, the sequences.
	for _, table := range append(comparedTables, schemaViews...) {
		q := "SELECT * FROM " + table
		a, b := dbrows.Sorted(t, src.DB(), q), dbrows.Sorted(t, dst.DB(), q)
		if !slices.Equal(a, b) {
			t.Errorf("%s: %d rows in the source, %d restored, or rows differ", table, len(a), len(b))
		}
	}
	// The id sequence came back too: a new report gets a new id.
	var maxID int64
	dst.DB().QueryRow(`SELECT max(id) FROM reports`).Scan(&maxID)
	res, err := dst.Save(ctx, sample("新村镇", 1))
	if err != nil || res.ID <= maxID {
		t.Fatalf("new report after restore: id %d (max before %d), %v", res.ID, maxID, err)
	}
	dst.Close()

	if _, err := RestoreBackup(ctx, dir, path, false); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("restore over an existing file without --force: %v", err)
	}
	before, _ := fileSHA256(path)
	r, err = RestoreBackup(ctx, dir, path, true)
	if err != nil {
		t.Fatal(err)
	}
	if kept, _ := fileSHA256(r.Aside); r.Aside == "" || kept != before {
		t.Fatalf("the replaced file was not kept aside whole: %q", r.Aside)
	}
}

func TestRestoreRefusesDamagedBackup(t *testing.T) {
	ctx := context.Background()
	src := openTemp(t)
	seedHistory(t, src)
	dir := filepath.Join(t.TempDir(), "backup")
	if _, err := src.Backup(ctx, dir); err != nil {
		t.Fatal(err)
	}
	snap := filepath.Join(dir, SnapshotFile)
	b, err := os.ReadFile(snap)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	os.WriteFile(snap, b, 0o644)
	path := filepath.Join(t.TempDir(), "restored.duckdb")
	if _, err := RestoreBackup(ctx, dir, path, false); err == nil || !strings.Contains(err.Error(), "已损坏") {
		t.Fatalf("damaged snapshot: %v", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a damaged backup left %s: %v", path, err)
	}
}

// unreplayable makes a database whose write-ahead log DuckDB 1.5 cannot
// replay: one report checkpointed, then another and an ALTER TABLE of
// reports (as a migration adding a column would) left in the log, as if
// the process had been killed before its checkpoint.
func unreplayable(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "broken.duckdb")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Save(ctx, sample("青石镇", 3)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err = Open(path); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"PRAGMA disable_checkpoint_on_shutdown", "SET checkpoint_threshold = '1GB'"} {
		if _, err := s.DB().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Save(ctx, sample("白沙镇", 4)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().Exec(`ALTER TABLE reports ADD COLUMN probe VARCHAR`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	return path
}

func TestRecoverUnreplayableWAL(t *testing.T) {
	ctx := context.Background()
	path := unreplayable(t)
	wal := path + ".wal"
	mainSum, _ := fileSHA256(path)
	walSum, err := fileSHA256(wal)
	if err != nil {
		t.Fatalf("no write-ahead log was left: %v", err)
	}
	_, err = Open(path)
	if !errors.Is(err, ErrWAL) {
		t.Fatalf("open: %v, want ErrWAL", err)
	}
	for _, want := range []string{"数据库 " + path, "无法重放", "analytics recover --db " + path, "cannot replay its write-ahead log " + wal} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the refusal lacks %q:\n%v", want, err)
		}
	}
	out := filepath.Join(t.TempDir(), "recovered.duckdb")
	r, err := Recover(ctx, path, out)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(wal)
	if r.Counts["reports"] != 1 || r.WALBytes != fi.Size() || len(r.Problems) > 0 {
		t.Fatalf("recovered %+v, want 1 report and the log's size %d", r, fi.Size())
	}
	if !slices.Contains(r.Lost, "白沙镇.txt") || slices.Contains(r.Lost, "青石镇.txt") {
		t.Fatalf("lost files %v: want 白沙镇.txt (only in the log), not 青石镇.txt", r.Lost)
	}
	rec, err := Open(out)
	if err != nil {
		t.Fatalf("the recovered file does not open: %v", err)
	}
	var agency string
	rec.DB().QueryRow(`SELECT string_agg(agency, ',') FROM reports`).Scan(&agency)
	rec.Close()
	if agency != "青石镇" {
		t.Fatalf("recovered reports: %q", agency)
	}
	if s, _ := fileSHA256(path); s != mainSum {
		t.Error("recover changed the original file")
	}
	if s, _ := fileSHA256(wal); s != walSum {
		t.Error("recover or open changed the write-ahead log")
	}
	if _, err := Recover(ctx, path, out); err == nil {
		t.Error("recover overwrote an existing file")
	}
}

func TestCheckIntegrity(t *testing.T) {
	cases := []struct {
		name, breakIt, want string
	}{
		{"whole", "", ""},
		{"cells lost", "DELETE FROM cells WHERE report_id = (SELECT min(id) FROM reports)", "没有数据单元格"},
		{"report row lost", "DELETE FROM reports WHERE id = (SELECT min(id) FROM reports)", "不存在的报告"},
		{"current version lost", "DELETE FROM report_versions WHERE report_id = (SELECT min(id) FROM reports)", "当前版本不存在"},
		{"version cells lost", "DELETE FROM version_cells WHERE version = 1", "n_cells"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := openTemp(t)
			seedHistory(t, s)
			if tc.breakIt != "" {
				if _, err := s.DB().Exec(tc.breakIt); err != nil {
					t.Fatal(err)
				}
			}
			problems, err := s.CheckIntegrity(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Join(problems, "\n")
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Fatalf("problems %q, want one saying %q", got, tc.want)
			}
		})
	}
}

// TestCreateLeavesNothingHalf: a new database appears whole; the
// temporary files of a create whose process died are removed, those of a
// live one kept; a log without its database is set aside, not replayed.
func TestCreateLeavesNothingHalf(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "new.duckdb")
	dead := fmt.Sprintf("%s.creating-%d", path, 1<<30)        // no such process
	live := fmt.Sprintf("%s.creating-%d", path, os.Getppid()) // the go command, alive
	orphan := []byte("a log whose database was deleted")
	for f, b := range map[string][]byte{dead: nil, dead + ".wal": nil, live: nil, path + ".wal": orphan} {
		if err := os.WriteFile(f, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	left, _ := filepath.Glob(path + "*")
	var names []string
	for _, f := range left {
		names = append(names, strings.TrimPrefix(f, path))
	}
	if len(names) != 3 || names[0] != "" || !strings.HasPrefix(names[1], ".creating-") || !strings.HasPrefix(names[2], ".wal.orphan-") {
		t.Fatalf("left beside the new database: %q; want it, the live create's file and the orphan log set aside", names)
	}
	if b, _ := os.ReadFile(path + names[2]); string(b) != string(orphan) {
		t.Fatalf("the orphan log was changed: %q", b)
	}
}
