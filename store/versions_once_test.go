package store

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"nianbao/report"
)

// versioned is full with a source for every cell and one finding, so a
// version read back can be compared whole: v changes every value, tag the
// sources' notes and the finding.
func versioned(v float64, hash, tag string) *report.Report {
	r := full("劳动镇人民政府", "乐至县", 2022, v, hash)
	r.Sources = map[string]report.Source{}
	for i, code := range r.Codes() {
		r.Sources[code] = report.Source{Line: 10 + i, Page: 1 + i%3, Table: 3, Row: i, Col: 2, Raw: strconv.FormatFloat(r.Cells[code], 'f', -1, 64), Note: tag}
	}
	r.Findings = []report.Finding{{Rule: "read", Severity: "warning", Cells: []string{"t3.new.total"}, Message: "第 " + tag + " 版的说明"}}
	return r
}

// sameVersion fails unless got holds exactly want's cells, sources and
// findings.
func sameVersion(t *testing.T, what string, got, want *report.Report) {
	t.Helper()
	if !reflect.DeepEqual(got.Cells, want.Cells) {
		t.Errorf("%s: %d cells, want %d (or values differ)", what, len(got.Cells), len(want.Cells))
	}
	if !reflect.DeepEqual(got.Sources, want.Sources) {
		t.Errorf("%s: %d sources, want %d (or they differ)", what, len(got.Sources), len(want.Sources))
	}
	if !reflect.DeepEqual(got.Findings, want.Findings) {
		t.Errorf("%s: findings %+v, want %+v", what, got.Findings, want.Findings)
	}
}

// checkVersions reads every version of report id back and compares it
// with what was saved as it, and requires the database whole.
func checkVersions(t *testing.T, s *Store, id int64, want map[int]*report.Report) {
	t.Helper()
	ctx := context.Background()
	for v, w := range want {
		got, _, err := loadVersion(ctx, s.DB(), id, v)
		if err != nil {
			t.Fatalf("version %d: %v", v, err)
		}
		sameVersion(t, fmt.Sprintf("version %d", v), got, w)
	}
	problems, err := s.CheckIntegrity(ctx)
	if err != nil || len(problems) > 0 {
		t.Fatalf("integrity: %v %v", problems, err)
	}
}

// ownRows counts the rows version v of report id has in version_cells.
func ownRows(t *testing.T, db *sql.DB, id int64, v int) int {
	t.Helper()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM version_cells WHERE report_id = ? AND version = ?`, id, v).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestEachVersionWholeWrittenOnce saves three versions of a report, holds
// a fourth, corrects, restores and deletes, and after every step reads
// each version back identical to what was saved; the current version has
// no second copy of its cells unless a correction changed them.
func TestEachVersionWholeWrittenOnce(t *testing.T) {
	ctx := context.Background()
	s := openMem(t)
	want := map[int]*report.Report{}
	var id int64
	for v, doc := range []*report.Report{versioned(2, "h1", "一"), versioned(3, "h2", "二"), versioned(4, "h3", "三")} {
		res, err := s.SaveWith(ctx, doc, SaveOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Version != v+1 || !res.Current {
			t.Fatalf("save %d: %+v", v+1, res)
		}
		id = res.ID
		want[res.Version] = doc
		checkVersions(t, s, id, want)
		if n := ownRows(t, s.DB(), id, res.Version); n != 0 {
			t.Fatalf("current version %d has %d rows of its own beside its cells: written twice", res.Version, n)
		}
		if res.Version > 1 && ownRows(t, s.DB(), id, res.Version-1) != len(doc.Cells) {
			t.Fatalf("superseded version %d lacks its own rows", res.Version-1)
		}
	}
	// A held version has its own rows: it is not current.
	small := report.New("说明.md")
	small.Agency, small.County, small.Year, small.Edition, small.SHA256 = "劳动镇", "乐至县", 2022, report.Edition2021, "h4"
	small.Cells["t3.new.total"] = 5
	small.Sources = map[string]report.Source{"t3.new.total": {Line: 1, Raw: "5"}}
	small.Findings = []report.Finding{}
	res, err := s.SaveWith(ctx, small, SaveOptions{})
	if err != nil || res.Current || res.Version != 4 {
		t.Fatalf("held: %+v %v", res, err)
	}
	want[4] = small
	checkVersions(t, s, id, want)
	// A correction changes the current cells: version 3 keeps its parsed ones.
	if _, err := s.Correct(ctx, id, "t3.new.total", 99, "笔误", "乙"); err != nil {
		t.Fatal(err)
	}
	checkVersions(t, s, id, want)
	got, err := s.Get(ctx, id)
	if err != nil || got.Cells["t3.new.total"] != 99 {
		t.Fatalf("corrected current cell: %v %v", got.Cells["t3.new.total"], err)
	}
	if _, err := s.UndoCorrection(ctx, id, "t3.new.total", "改回", "乙"); err != nil {
		t.Fatal(err)
	}
	checkVersions(t, s, id, want)
	// A new version with the correction laid over: its parsed rows kept.
	if _, err := s.Correct(ctx, id, "t3.new.natural", 77, "笔误", "乙"); err != nil {
		t.Fatal(err)
	}
	fifth := versioned(4, "h5", "五")
	res, err = s.SaveWith(ctx, fifth, SaveOptions{})
	if err != nil || !res.Current || res.Corrected != 1 {
		t.Fatalf("fifth: %+v %v", res, err)
	}
	want[5] = fifth
	checkVersions(t, s, id, want)
	if ownRows(t, s.DB(), id, 5) != len(fifth.Cells) {
		t.Fatal("a current version under a correction has no parsed rows of its own")
	}
	// Restore an old version: the restored one has its rows already.
	if err := s.Restore(ctx, id, 1, "王", "误传"); err != nil {
		t.Fatal(err)
	}
	checkVersions(t, s, id, want)
	d, err := s.Diff(ctx, id, 1, 2)
	if err != nil || len(d) != len(want[1].Cells)-t4Cells(want[1]) {
		t.Fatalf("diff 1→2: %d cells, %v", len(d), err)
	}
	if err := s.Delete(ctx, id); err != nil {
		t.Fatal(err)
	}
	for v, w := range want {
		got, _, err := loadVersion(ctx, s.DB(), id, v)
		if err != nil {
			t.Fatal(err)
		}
		sameVersion(t, fmt.Sprintf("version %d after delete", v), got, w)
	}
}

// The schema as it stood before migration 110, and rows written by SQL as
// the code of then wrote them: every version's cells and sources in
// version_cells/version_sources, the current one's again in cells.
func oldDatabase(t *testing.T, path string, reports []oldReport) {
	t.Helper()
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(names)
	if _, err := db.Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMP DEFAULT current_timestamp)`); err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		num, _ := strconv.Atoi(strings.SplitN(filepath.Base(name), "_", 2)[0])
		if num > 100 {
			continue
		}
		body, _ := migrations.ReadFile(name)
		if _, err := db.Exec(string(body)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := db.Exec(`INSERT INTO schema_migrations (version) VALUES (?)`, num); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Date(2023, 3, 1, 8, 0, 0, 0, time.UTC)
	ex := func(q string, args ...any) {
		t.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for _, o := range reports {
		cur := o.versions[o.current]
		ex(`INSERT INTO reports (id, agency, county, year, edition, format, source_file, sha256, synthetic, ingested_at, agency_id, current_version, kind)
VALUES (?, ?, ?, ?, ?, 'text', ?, ?, false, ?, ?, ?, 'report')`, o.id, cur.Agency, cur.County, cur.Year, cur.Edition, cur.File, cur.SHA256, now, o.agencyID, o.current)
		write := func(table string, version int, r *report.Report) {
			prefix, vcol := "", ""
			if version >= 0 {
				prefix, vcol = "version_", fmt.Sprintf("%d, ", version)
			}
			for _, code := range r.Codes() {
				ex(fmt.Sprintf(`INSERT INTO %scells VALUES (?, %s?, ?)`, prefix, vcol), o.id, code, r.Cells[code])
				if src, ok := r.Sources[code]; ok {
					ex(fmt.Sprintf(`INSERT INTO %s VALUES (?, %s?, ?, ?, ?, ?, ?, ?, ?)`, table, vcol), o.id, code, src.Line, src.Page, src.Table, src.Row, src.Col, src.Raw, src.Note)
				}
			}
		}
		for v := 1; v < len(o.versions); v++ {
			r := o.versions[v]
			n, t3, t4 := tableStats(r)
			ex(`INSERT INTO report_versions VALUES (?, ?, ?, ?, ?, 'text', 'report', ?, ?, NULL, false, ?, ?, ?, 'ingest', NULL, ?)`,
				o.id, v, r.Agency, r.County, r.Edition, r.File, r.SHA256, n, t3, t4, now)
			write("version_sources", v, r)
			for i, f := range r.Findings {
				ex(`INSERT INTO version_findings VALUES (?, ?, ?, ?, ?, ?::VARCHAR[], ?)`, o.id, v, i, f.Rule, f.Severity, listLiteral(f.Cells), f.Message)
			}
		}
		shown := o.shown
		if shown == nil {
			shown = cur
		}
		write("cell_sources", -1, shown)
		for i, f := range shown.Findings {
			ex(`INSERT INTO findings VALUES (?, ?, ?, ?, ?::VARCHAR[], ?)`, o.id, i, f.Rule, f.Severity, listLiteral(f.Cells), f.Message)
		}
		for code, c := range o.corrections {
			ex(`INSERT INTO corrections (agency, county, year, code, value, parsed_value, reason, author, created_at) VALUES (?, ?, ?, ?, ?, ?, '笔误', '乙', ?)`,
				cur.Agency, cur.County, cur.Year, code, c[1], c[0], now)
		}
	}
	ex(`CHECKPOINT`)
}

// oldReport is a report of the old layout: versions from 1, the current
// one's number, and what its current rows show when a correction is laid
// over (nil: the current version as read).
type oldReport struct {
	id          int64
	agencyID    string
	versions    []*report.Report // [0] unused
	current     int
	shown       *report.Report
	corrections map[string][2]float64 // code → parsed, corrected
}

// TestMigration110KeepsEveryVersionWhole builds a database as it was
// before migration 110 (three versions of one report, a second report
// whose current cells carry a correction, a third with one version),
// reads every version, opens it through the store (migration 110), and
// requires every version read back identical, the current copies gone
// where they were duplicates and kept where a correction made the current
// rows differ, and the database whole.
func TestMigration110KeepsEveryVersionWhole(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.duckdb")
	reports := m110Reports()
	a := reports[0].versions
	oldDatabase(t, path, reports)
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var n int
	if err := s.DB().QueryRow(`SELECT count(*) FROM schema_migrations WHERE version = 110`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("migration 110 not applied: %d %v", n, err)
	}
	for _, o := range reports {
		want := map[int]*report.Report{}
		for v := 1; v < len(o.versions); v++ {
			want[v] = o.versions[v]
		}
		checkVersions(t, s, o.id, want)
		own := ownRows(t, s.DB(), o.id, o.current)
		if o.shown == nil && own != 0 {
			t.Errorf("report %d: the current version's %d duplicate rows were not removed", o.id, own)
		}
		if o.shown != nil && own != len(o.versions[o.current].Cells) {
			t.Errorf("report %d: a corrected current version kept %d own rows, want %d", o.id, own, len(o.versions[o.current].Cells))
		}
	}
	// The superseded versions of report 1 keep theirs.
	for v := 1; v < 3; v++ {
		if ownRows(t, s.DB(), 1, v) != len(a[v].Cells) {
			t.Errorf("report 1 version %d lost its rows", v)
		}
	}
	ctx := context.Background()
	got, err := s.Get(ctx, 2)
	if err != nil || got.Cells["t3.new.total"] != 50 {
		t.Fatalf("report 2's corrected cell after the migration: %v %v", got.Cells["t3.new.total"], err)
	}
	d, err := s.Diff(ctx, 1, 2, 3)
	if err != nil || len(d) != len(a[3].Cells)-t4Cells(a[3]) {
		t.Fatalf("diff 2→3 after the migration: %d %v", len(d), err)
	}
	// Superseding the migrated current version moves its rows once.
	next := versioned(8, "a4", "四")
	res, err := s.SaveWith(ctx, next, SaveOptions{})
	if err != nil || res.ID != 1 || res.Version != 4 {
		t.Fatalf("a fourth version: %+v %v", res, err)
	}
	checkVersions(t, s, 1, map[int]*report.Report{1: a[1], 2: a[2], 3: a[3], 4: next})
}

// t4Cells counts r's table 4 cells (equal in every versioned report).
func t4Cells(r *report.Report) int {
	n := 0
	for code := range r.Cells {
		if strings.HasPrefix(code, "t4.") {
			n++
		}
	}
	return n
}
