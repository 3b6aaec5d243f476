package ingest_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"nianbao/ingest"
	"nianbao/internal/corpus"
	"nianbao/store"
)

// mixedFolder is the seed report (劳动镇 2022) with, beside it, a notes
// file, a JSON dump and a 年报解读 that all claim the same town and year.
func mixedFolder(t *testing.T) string {
	t.Helper()
	seed, err := os.ReadFile(filepath.Join(corpus.Dir(t, "seed"), "laodong-2022.txt"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "laodong-2022.txt"), seed, 0o644); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir("testdata/mixed")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join("testdata/mixed", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestClassify(t *testing.T) {
	dir := mixedFolder(t)
	cases := map[string]ingest.Kind{
		"laodong-2022.txt": ingest.KindAnnual2021,
		"说明.md":            ingest.KindNotReport,
		"解读.txt":           ingest.KindInterpretation,
	}
	for name, want := range cases {
		read, err := ingest.ReadFile(filepath.Join(dir, name), ingest.Meta{Agency: "劳动镇", County: "乐至县", Year: 2022})
		if err != nil {
			t.Fatal(err)
		}
		if len(read) != 1 || read[0].Kind != want {
			t.Errorf("%s: %+v, want %s", name, read[0].Kind, want)
		}
	}
	if k, _ := ingest.ByName("notes.json"); k != ingest.KindNotReport {
		t.Errorf("notes.json: %s", k)
	}
	// Every excerpt of the real corpus is a report.
	ex := corpus.Dir(t, "excerpts")
	files, _ := filepath.Glob(filepath.Join(ex, "*.txt"))
	for _, f := range files {
		read, err := ingest.ReadFile(f, ingest.Meta{})
		if err != nil {
			t.Fatal(err)
		}
		if !read[0].Kind.Storable() {
			t.Errorf("%s classified %s (%s)", filepath.Base(f), read[0].Kind, read[0].Why)
		}
	}
}

// TestNonReportBesideReportDoesNotReplaceIt is the data-loss bug of issue
// 10: a 说明.md next to a town's report replaced its cells.
func TestNonReportBesideReportDoesNotReplaceIt(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	dir := mixedFolder(t)
	sum, err := ingest.IngestPathsWith(ctx, st, []string{dir}, ingest.Meta{}, ingest.Options{Author: "cli:test"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Stored != 1 || len(sum.Skipped) != 3 || sum.Failed != 0 || len(sum.Held) != 0 {
		t.Fatalf("summary: %+v", sum)
	}
	var b strings.Builder
	sum.WriteSummary(&b)
	for _, name := range []string{"说明.md", "notes.json", "解读.txt", "跳过"} {
		if !strings.Contains(b.String(), name) {
			t.Errorf("summary does not name %s:\n%s", name, b.String())
		}
	}
	reports, err := st.Agencies(ctx, store.AgencyFilter{WithReports: true})
	if err != nil || len(reports) != 1 || reports[0].ID != "512022110" {
		t.Fatalf("agencies with reports: %+v %v", reports, err)
	}
	var id int64
	var cells int
	if err := st.DB().QueryRow(`SELECT r.id, count(c.code) FROM reports r JOIN cells c ON c.report_id = r.id GROUP BY r.id`).Scan(&id, &cells); err != nil {
		t.Fatal(err)
	}
	if cells < 150 {
		t.Fatalf("劳动镇 2022 has %d cells", cells)
	}
	// The notes file passed as a report by hand (no folder) is still not
	// one; the seed again is unchanged.
	sum, err = ingest.IngestPathsWith(ctx, st, []string{filepath.Join(dir, "说明.md"), filepath.Join(dir, "laodong-2022.txt")},
		ingest.Meta{Agency: "劳动镇", County: "乐至县", Year: 2022}, ingest.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Stored != 0 || sum.Unchanged != 1 || len(sum.Skipped) != 1 {
		t.Fatalf("second run: %+v", sum)
	}
	full, err := st.Get(ctx, id)
	if err != nil || len(full.Cells) != cells || full.County != "乐至县" {
		t.Fatalf("after the second run: %d cells, county %q, %v", len(full.Cells), full.County, err)
	}
	audit, _ := st.Audit(ctx, 0)
	if len(audit) == 0 || audit[0].Action != "upload" || audit[0].Author != "cli:test" {
		t.Fatalf("CLI ingest not audited: %+v", audit)
	}
}

// Two files of one batch claiming one agency and year: the second is a
// conflict, kept as a version, not current.
func TestBatchConflict(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	seed, err := os.ReadFile(filepath.Join(corpus.Dir(t, "seed"), "laodong-2022.txt"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.txt"), seed, 0o644)
	os.WriteFile(filepath.Join(dir, "b.txt"), append(seed, []byte("\n（重新上传）\n")...), 0o644)
	sum, err := ingest.IngestPaths(ctx, st, []string{dir}, ingest.Meta{Agency: "劳动镇", County: "乐至县", Year: 2022}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Stored != 1 || len(sum.Conflicts) != 1 || len(sum.Held) != 1 || !strings.Contains(sum.Conflicts[0], "a.txt") {
		t.Fatalf("conflict: %+v", sum)
	}
}

func TestParseUploadRefusesNonReports(t *testing.T) {
	dir := mixedFolder(t)
	for _, name := range []string{"说明.md", "notes.json", "解读.txt"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ingest.ParseUpload(context.Background(), name, b, ingest.Meta{}); !errors.Is(err, ingest.ErrNotReport) {
			t.Errorf("%s: %v, want ErrNotReport", name, err)
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, "laodong-2022.txt"))
	if rs, err := ingest.ParseUpload(context.Background(), "laodong-2022.txt", b, ingest.Meta{}); err != nil || len(rs) != 1 || len(rs[0].Cells) < 150 {
		t.Fatalf("the seed: %v", err)
	}
}
