package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"nianbao/report"
)

func sample(agency string, total float64) *report.Report {
	r := report.New(agency + ".txt")
	r.Agency, r.County, r.Year, r.Edition = agency, "示范县", 2022, report.Edition2021
	r.SHA256 = "abc"
	r.Set("t3.new.total", total, report.Source{Line: 3, Raw: "3"})
	r.Set("t3.carried_over.total", 0, report.Source{Line: 4, Raw: "/"})
	r.AddFinding(report.RuleBalance, report.SeverityError, "broken", "t3.new.total")
	return r
}

func TestSaveReplaceKeepsOneCopy(t *testing.T) {
	ctx := context.Background()
	s, err := Open(filepath.Join(t.TempDir(), "t.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	first, err := s.Save(ctx, sample("青石镇", 3))
	if err != nil {
		t.Fatal(err)
	}
	if first.Replaced {
		t.Fatal("first save reported a replacement")
	}
	second, err := s.Save(ctx, sample("青石镇", 5))
	if err != nil {
		t.Fatal(err)
	}
	if !second.Replaced || second.Previous != first.ID {
		t.Fatalf("second save = %+v, want replacement of %d", second, first.ID)
	}
	var reports, cells int
	s.DB().QueryRow(`SELECT count(*) FROM reports`).Scan(&reports)
	s.DB().QueryRow(`SELECT count(*) FROM cells`).Scan(&cells)
	if reports != 1 || cells != 2 {
		t.Fatalf("after re-ingest: %d reports, %d cells; want 1 and 2", reports, cells)
	}
	got, err := s.Get(ctx, second.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Cells["t3.new.total"] != 5 || len(got.History) != 1 || len(got.Findings) != 1 || got.Findings[0].Cells[0] != "t3.new.total" {
		t.Fatalf("got %+v", got)
	}
	if got.Sources["t3.carried_over.total"].Raw != "/" {
		t.Fatalf("source not kept: %+v", got.Sources)
	}
	// Issue 10: a report's id never changes; the replaced document is kept
	// as version 1 (see versions_test.go).
	if second.ID != first.ID || second.Version != 2 || !second.Current {
		t.Fatalf("re-ingest gave %+v; want the same id %d, version 2, current", second, first.ID)
	}
	// The same town name in another county is another report.
	other := sample("青石镇", 1)
	other.County = "另一县"
	if res, err := s.Save(ctx, other); err != nil || res.Replaced {
		t.Fatalf("other county: %+v %v", res, err)
	}
	if err := s.Delete(ctx, second.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, second.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
}

func TestLockedFileGivesSentence(t *testing.T) {
	// DuckDB locks files across processes, not within one; this checks the
	// message mapping on the error text DuckDB produces.
	err := friendly("x.duckdb", errors.New(`IO Error: Could not set lock on file "x.duckdb": Conflicting lock is held`))
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("got %v", err)
	}
}

// TestLockedByAnotherProcess opens a database here and asks a second
// process (this test binary again) to open it: DuckDB refuses, and the
// second process gets the plain sentence, not a lock trace.
func TestLockedByAnotherProcess(t *testing.T) {
	if path := os.Getenv("NIANBAO_LOCK_CHILD"); path != "" {
		_, err := Open(path)
		if errors.Is(err, ErrLocked) {
			fmt.Print("LOCKED: ", err)
			return
		}
		fmt.Print("NOT LOCKED: ", err)
		return
	}
	path := filepath.Join(t.TempDir(), "held.duckdb")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockedByAnotherProcess$")
	cmd.Env = append(os.Environ(), "NIANBAO_LOCK_CHILD="+path)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "LOCKED: ") || strings.Contains(string(out), "NOT LOCKED") || !strings.Contains(string(out), "analytics serve") {
		t.Fatalf("second process did not get the sentence:\n%s", out)
	}
}
