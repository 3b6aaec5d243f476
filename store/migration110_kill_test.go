package store

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"nianbao/report"
)

// m110Copies is how many copies of the three old reports the kill test's
// database holds: enough that migration 110 takes a noticeable part of a
// second, so a kill lands inside it as well as before and after.
const m110Copies = 1000

// m110Stride separates the copies' report ids.
const m110Stride = 10

// TestKillDuringMigration110LeavesWholeVersions builds a database as it
// was before migration 110 (the three reports of
// TestMigration110KeepsEveryVersionWhole, copied thousands of times), then
// five times: copies it, starts a process that opens the copy (and so
// runs migration 110 and its checkpoint), kills it with SIGKILL at a
// random moment, and opens the copy again. The database must open, be
// whole, hold migration 110 once, and every version of every report must
// read back as it was written — whether the kill came before, during or
// after the migration.
func TestKillDuringMigration110LeavesWholeVersions(t *testing.T) {
	if db := os.Getenv("NIANBAO_M110_CHILD"); db != "" {
		migrateChild(db)
		return
	}
	if testing.Short() {
		t.Skip("kill test: seconds of killed processes; skipped with -short")
	}
	dir := t.TempDir()
	template := filepath.Join(dir, "old.duckdb")
	reports := m110Reports()
	oldDatabase(t, template, reports)
	multiplyOld(t, template, len(reports))

	// How long an uninterrupted open takes sets the range of the kills.
	whole := runMigrateChild(t, template, dir, "measure", -1)
	t.Logf("an uninterrupted open with migration 110 of %d reports: %v", m110Copies*len(reports), whole)

	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 110))
	t.Logf("seed %d", seed)
	var before, after int
	for kill := 0; kill < 5; kill++ {
		// One kill in each fifth of the open (and a little past it), at a
		// random moment within it, so early kills are not left to chance.
		span := (whole + whole/10) / 5
		at := time.Duration(kill)*span + time.Duration(rng.Int64N(int64(span)))
		db := filepath.Join(dir, fmt.Sprintf("kill%d.duckdb", kill))
		runMigrateChild(t, template, db, "kill", at)
		applied := migrationApplied(t, db, 110)
		if applied {
			after++
		} else {
			before++
		}
		s, err := Open(db)
		if err != nil {
			t.Fatalf("kill %d at %v (migration 110 committed: %v): the database does not open: %v", kill, at, applied, err)
		}
		checkM110(t, s, reports, kill)
		s.Close()
		os.Remove(db)
		os.Remove(db + ".wal")
	}
	t.Logf("kills before migration 110 committed: %d, after: %d", before, after)
}

// m110Reports are the old database's reports: one with three versions,
// one whose current cells carry a correction, one with a single version.
func m110Reports() []oldReport {
	a := []*report.Report{nil, versioned(2, "a1", "一"), versioned(3, "a2", "二"), versioned(4, "a3", "三")}
	b := []*report.Report{nil, versioned(5, "b1", "一")}
	shownB := versioned(5, "b1", "一")
	shownB.Cells["t3.new.total"] = 50
	c := []*report.Report{nil, versioned(6, "c1", "一")}
	b[1].Agency, shownB.Agency = "劳动镇财政所", "劳动镇财政所"
	c[1].Agency = "劳动镇司法所"
	return []oldReport{
		{id: 1, agencyID: "512022110", versions: a, current: 3},
		{id: 2, agencyID: "x-b", versions: b, current: 1, shown: shownB, corrections: map[string][2]float64{"t3.new.total": {5, 50}}},
		{id: 3, agencyID: "x-c", versions: c, current: 1},
	}
}

// multiplyOld copies every row of the first reports (ids 1..n) m110Copies
// times under ids k*m110Stride + id. The copies of report 2 are not made:
// its correction is keyed by agency and year, which copies would share.
func multiplyOld(t *testing.T, path string, n int) {
	t.Helper()
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n >= m110Stride {
		t.Fatalf("%d reports do not fit a stride of %d", n, m110Stride)
	}
	for _, table := range []string{"reports", "report_versions", "version_cells", "version_sources", "version_findings", "cells", "cell_sources", "findings"} {
		idCol := "report_id"
		if table == "reports" {
			idCol = "id"
		}
		q := fmt.Sprintf(`INSERT INTO %[1]s SELECT t.* REPLACE (t.%[2]s + k * %[3]d AS %[2]s)
FROM %[1]s t, range(1, %[4]d) AS g(k) WHERE t.%[2]s IN (1, 3)`, table, idCol, m110Stride, m110Copies)
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
	}
	if _, err := db.Exec(`CHECKPOINT`); err != nil {
		t.Fatal(err)
	}
}

// runMigrateChild copies template to db (unless they are the same file's
// directory for the measuring run), starts the child on it and kills it
// after at (at < 0: lets it finish), returning how long it ran.
func runMigrateChild(t *testing.T, template, db, what string, at time.Duration) time.Duration {
	t.Helper()
	return runOpenChild(t, "TestKillDuringMigration110LeavesWholeVersions", "NIANBAO_M110_CHILD", template, db, what, at)
}

// runOpenChild is runMigrateChild for the kill test named test, whose
// child is migrateChild when env names its database.
func runOpenChild(t *testing.T, test, env, template, db, what string, at time.Duration) time.Duration {
	t.Helper()
	if what == "measure" {
		db = filepath.Join(db, "measure.duckdb")
		defer os.Remove(db)
		defer os.Remove(db + ".wal")
	}
	if err := copyFile(template, db); err != nil {
		t.Fatal(err)
	}
	// The clock starts once the child is about to open, so the test
	// binary's own start does not use up the range.
	cmd, r, _ := startChild(t, test, env, db, what+": the child ended before opening")
	start := time.Now()
	if at < 0 {
		line, err := r.ReadString('\n')
		if err != nil || line != "migrated\n" {
			cmd.Wait()
			t.Fatalf("%s: the child did not open the old database: %q %v", what, line, err)
		}
		took := time.Since(start)
		io.Copy(io.Discard, r)
		cmd.Wait()
		return took
	}
	time.Sleep(at)
	cmd.Process.Kill()
	cmd.Wait()
	return time.Since(start)
}

// migrateChild opens db (running the migrations), closes it and says so.
func migrateChild(db string) {
	fmt.Println("opening")
	s, err := Open(db)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	if err := s.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	fmt.Println("migrated")
	os.Exit(0)
}

// migrationApplied reads, without migrating, whether db has committed
// migration num.
func migrationApplied(t *testing.T, path string, num int) bool {
	t.Helper()
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM schema_migrations WHERE version = ?`, num).Scan(&n); err != nil {
		t.Fatalf("%s after a kill: %v", path, err)
	}
	return n == 1
}

// checkM110 requires the database whole, migration 110 applied once, and
// every version of every report (originals and copies) as written.
func checkM110(t *testing.T, s *Store, reports []oldReport, kill int) {
	t.Helper()
	ctx := context.Background()
	if problems, err := s.CheckIntegrity(ctx); err != nil || len(problems) > 0 {
		t.Fatalf("kill %d: %v %v", kill, problems, err)
	}
	var n int
	if err := s.DB().QueryRow(`SELECT count(*) FROM schema_migrations WHERE version = 110`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("kill %d: migration 110 recorded %d times: %v", kill, n, err)
	}
	var total int
	if err := s.DB().QueryRow(`SELECT count(*) FROM reports`).Scan(&total); err != nil {
		t.Fatal(err)
	}
	if want := 1 + 2*m110Copies; total != want {
		t.Fatalf("kill %d: %d reports, want %d", kill, total, want)
	}
	// Every version of the originals and of a spread of copies, whole.
	for _, k := range []int{0, 1, m110Copies / 2, m110Copies - 1} {
		for _, o := range reports {
			if k > 0 && o.corrections != nil {
				continue
			}
			id := int64(k*m110Stride) + o.id
			for v := 1; v < len(o.versions); v++ {
				got, _, err := loadVersion(ctx, s.DB(), id, v)
				if err != nil {
					t.Fatalf("kill %d: report %d version %d: %v", kill, id, v, err)
				}
				sameVersion(t, fmt.Sprintf("kill %d: report %d version %d", kill, id, v), got, o.versions[v])
			}
		}
	}
	// And every report's current version: no cell lost to the move.
	var short int
	if err := s.DB().QueryRow(`SELECT count(*) FROM reports r WHERE (SELECT count(*) FROM cells c WHERE c.report_id = r.id) = 0`).Scan(&short); err != nil || short != 0 {
		t.Fatalf("kill %d: %d reports without current cells: %v", kill, short, err)
	}
	// The duplicates are gone: only superseded versions and the corrected
	// report's keep rows of their own.
	var dup int
	if err := s.DB().QueryRow(`SELECT count(*) FROM version_cells x JOIN reports r ON r.id = x.report_id AND r.current_version = x.version WHERE r.id <> 2`).Scan(&dup); err != nil || dup != 0 {
		t.Fatalf("kill %d: %d current rows still copied in version_cells: %v", kill, dup, err)
	}
}
