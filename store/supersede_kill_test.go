package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"nianbao/report"
)

// killReports is how many reports each round of the child supersedes.
const killReports = bulkReports

// roundOf is round k's document of year y: every table 3 value k, so a
// version read back tells which round wrote it.
func roundOf(k, y int) *report.Report {
	r := versioned(float64(k), fmt.Sprintf("k%d-%d", k, y), strconv.Itoa(k))
	r.Year = y
	return r
}

// TestKillDuringSupersedeLeavesWholeVersions kills, with SIGKILL at random
// moments, a process that supersedes the same 64 reports round after
// round in bulk batches (each round moves every report's current rows into
// the version tables and writes the new ones in place, under held
// checkpoints), then reopens the database: it must be whole
// (CheckIntegrity) and every version of every report must read back as
// the round that wrote it. Five kills on one database, each continuing
// where the last stopped.
func TestKillDuringSupersedeLeavesWholeVersions(t *testing.T) {
	if db := os.Getenv("NIANBAO_SUPERSEDE_CHILD"); db != "" {
		superseder(db)
		return
	}
	if testing.Short() {
		t.Skip("kill test: seconds of killed processes; skipped with -short")
	}
	db := filepath.Join(t.TempDir(), "kill.duckdb")
	s, err := Open(db)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 25))
	t.Logf("seed %d", seed)
	for kill := 0; kill < 5; kill++ {
		// Killed while it works on later rounds than its first.
		line := killChild(t, "TestKillDuringSupersedeLeavesWholeVersions", "NIANBAO_SUPERSEDE_CHILD", db, rng)
		s, err := Open(db)
		if err != nil {
			t.Fatalf("kill %d (after %q): the database does not open: %v", kill, line, err)
		}
		checkRounds(t, s, kill)
		s.Close()
	}
}

// superseder is the child: round after round, one batch superseding the
// same reports, a line on stdout after each commit; it runs until killed.
func superseder(db string) {
	ctx := context.Background()
	s, err := Open(db)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	var k int
	if err := s.DB().QueryRow(`SELECT coalesce(max(current_version), 0) FROM reports`).Scan(&k); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	for k++; ; k++ {
		items := make([]BatchItem, killReports)
		for i := range items {
			items[i] = BatchItem{Report: roundOf(k, 2000+i), Opt: SaveOptions{Force: true}}
		}
		if _, errs, err := s.SaveBatch(ctx, items); err != nil || errs[0] != nil {
			fmt.Fprintln(os.Stderr, "round", k, err, errs[0])
			os.Exit(4)
		}
		fmt.Println("round", k)
	}
}

// checkRounds requires every report whole and each of its versions equal
// to the round that wrote it.
func checkRounds(t *testing.T, s *Store, kill int) {
	t.Helper()
	ctx := context.Background()
	if problems, err := s.CheckIntegrity(ctx); err != nil || len(problems) > 0 {
		t.Fatalf("kill %d: %v %v", kill, problems, err)
	}
	type rep struct {
		id      int64
		year    int
		current int
	}
	var reps []rep
	var r rep
	if err := eachRow(ctx, s.DB(), `SELECT id, year, current_version FROM reports ORDER BY id`, []any{&r.id, &r.year, &r.current}, func() error {
		reps = append(reps, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(reps) != killReports {
		t.Fatalf("kill %d: %d reports, want %d", kill, len(reps), killReports)
	}
	rounds := reps[0].current
	for _, r := range reps {
		// A batch commits whole: every report is at the same round.
		if r.current != rounds {
			t.Fatalf("kill %d: report %d at version %d, report %d at %d", kill, reps[0].id, rounds, r.id, r.current)
		}
		for v := 1; v <= r.current; v++ {
			got, _, err := loadVersion(ctx, s.DB(), r.id, v)
			if err != nil {
				t.Fatalf("kill %d: report %d version %d: %v", kill, r.id, v, err)
			}
			sameVersion(t, fmt.Sprintf("kill %d: report %d version %d", kill, r.id, v), got, roundOf(v, r.year))
		}
	}
	t.Logf("kill %d: %d reports whole at round %d, every version as written", kill, len(reps), rounds)
}
