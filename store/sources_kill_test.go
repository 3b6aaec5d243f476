package store

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// m120Copies is how many variants of each fixture the migration kill
// test's old database keeps plain: some 30 MB of originals.
const m120Copies = 600

// m120Docs are the old database's documents: each fixture of sourceDocs
// m120Copies times, each copy its own document (its own hash).
func m120Docs(t *testing.T) []sourceDoc {
	var out []sourceDoc
	for _, d := range sourceDocs(t)[:5] {
		for k := 0; k < m120Copies; k++ {
			tail := fmt.Sprintf("\n#%d", k)
			out = append(out, sourceDoc{fmt.Sprintf("%d-%s", k, d.name), append(bytes.Clone(d.data), tail...), d.text + tail})
		}
	}
	return out
}

// TestKillDuringMigration120KeepsEveryOriginal builds a database as builds
// before migration 120 left it (every original plain), then five times:
// copies it, opens the copy in a child process (migration 120 and its
// checkpoint), kills the child with SIGKILL at a random moment, and opens
// the copy again: it must open, hold migration 120 once, and give back
// every original exactly, whether the kill came before, during or after
// the migration.
func TestKillDuringMigration120KeepsEveryOriginal(t *testing.T) {
	const name, env = "TestKillDuringMigration120KeepsEveryOriginal", "NIANBAO_M120_CHILD"
	if db := os.Getenv(env); db != "" {
		migrateChild(db)
		return
	}
	if testing.Short() {
		t.Skip("kill test: seconds of killed processes; skipped with -short")
	}
	dir := t.TempDir()
	template := filepath.Join(dir, "old.duckdb")
	docs := m120Docs(t)
	db := beforeMigration(t, template, 110)
	keepPlain(t, db, docs)
	if _, err := db.Exec(`CHECKPOINT`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	whole := runOpenChild(t, name, env, template, dir, "measure", -1)
	t.Logf("an uninterrupted open with migration 120 of %d originals: %v", len(docs), whole)
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 120))
	t.Logf("seed %d", seed)
	var before, after int
	for kill := 0; kill < 5; kill++ {
		span := (whole + whole/10) / 5
		at := time.Duration(kill)*span + time.Duration(rng.Int64N(int64(span)))
		path := filepath.Join(dir, fmt.Sprintf("kill%d.duckdb", kill))
		runOpenChild(t, name, env, template, path, "kill", at)
		if migrationApplied(t, path, 120) {
			after++
		} else {
			before++
		}
		s, err := Open(path)
		if err != nil {
			t.Fatalf("kill %d at %v: the database does not open: %v", kill, at, err)
		}
		var n int
		if err := s.DB().QueryRow(`SELECT count(*) FROM schema_migrations WHERE version = 120`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("kill %d: migration 120 recorded %d times: %v", kill, n, err)
		}
		sameSources(t, fmt.Sprintf("kill %d", kill), s, docs)
		s.Close()
		os.Remove(path)
		os.Remove(path + ".wal")
	}
	t.Logf("kills before migration 120 committed: %d, after: %d", before, after)
}

// sameSources requires the database to hold exactly docs, each read back
// by Source as it was kept.
func sameSources(t *testing.T, what string, s *Store, docs []sourceDoc) {
	t.Helper()
	if n := countSources(t, s); n != len(docs) {
		t.Fatalf("%s: %d originals, want %d", what, n, len(docs))
	}
	for _, d := range docs {
		got, err := s.Source(context.Background(), hashOf(d.data))
		if err != nil {
			t.Fatalf("%s: %s: %v", what, d.name, err)
		}
		if !bytes.Equal(got.Bytes, d.data) || got.Text != d.text {
			t.Fatalf("%s: %s read back %d bytes and %d of text, kept %d and %d", what, d.name, len(got.Bytes), len(got.Text), len(d.data), len(d.text))
		}
	}
}

// loadedDoc is round k's document of the report of year y in the bulk
// load kill test: the Word fixture with the round and year in it.
func loadedDoc(docx []byte, k, y int) sourceDoc {
	tail := fmt.Sprintf("第%d轮 %d年", k, y)
	return sourceDoc{fmt.Sprintf("%d-%d.docx", k, y), append(bytes.Clone(docx), tail...), "正文 " + tail}
}

// TestKillDuringBulkLoadKeepsEveryOriginal kills, with SIGKILL at random
// moments, a process that stores the same 64 reports round after round in
// bulk batches, each report with its original packed (BatchItem.Original,
// as ingest's readers hand it over), then reopens the database: it must
// be whole (CheckIntegrity), and every version of every report must have
// its original, read back exactly (its document is kept in the version's
// own transaction, never after it). Five kills on one database.
func TestKillDuringBulkLoadKeepsEveryOriginal(t *testing.T) {
	const env = "NIANBAO_ORIGINALS_CHILD"
	if db := os.Getenv(env); db != "" {
		originalsLoader(db)
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
	docx, err := os.ReadFile(filepath.Join("testdata", "sources", "市场监督管理局.docx"))
	if err != nil {
		t.Fatal(err)
	}
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 25))
	t.Logf("seed %d", seed)
	for kill := 0; kill < 5; kill++ {
		// Killed while it works on later rounds than its first.
		line := killChild(t, "TestKillDuringBulkLoadKeepsEveryOriginal", env, db, rng)
		s, err := Open(db)
		if err != nil {
			t.Fatalf("kill %d (after %q): the database does not open: %v", kill, line, err)
		}
		if problems, err := s.CheckIntegrity(context.Background()); err != nil || len(problems) > 0 {
			t.Fatalf("kill %d: %v %v", kill, problems, err)
		}
		var docs []sourceDoc
		var k, y int
		var hash string
		if err := eachRow(context.Background(), s.DB(), `SELECT v.version, r.year, v.sha256 FROM report_versions v JOIN reports r ON r.id = v.report_id ORDER BY ALL`,
			[]any{&k, &y, &hash}, func() error {
				d := loadedDoc(docx, k, y)
				if hashOf(d.data) != hash {
					return fmt.Errorf("version %d of %d: hash %s, the document of that round %s", k, y, hash, hashOf(d.data))
				}
				docs = append(docs, d)
				return nil
			}); err != nil {
			t.Fatalf("kill %d: %v", kill, err)
		}
		if len(docs) == 0 || len(docs)%killReports != 0 {
			t.Fatalf("kill %d: %d versions stored, not whole rounds of %d", kill, len(docs), killReports)
		}
		sameSources(t, fmt.Sprintf("kill %d", kill), s, docs)
		t.Logf("kill %d: %d versions, each with its original", kill, len(docs))
		s.Close()
	}
}

// originalsLoader is the child: round after round, one batch of new
// versions of the same reports, each with its original; a line on stdout
// after each commit; it runs until killed.
func originalsLoader(db string) {
	ctx := context.Background()
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	docx, err := os.ReadFile(filepath.Join("testdata", "sources", "市场监督管理局.docx"))
	if err != nil {
		fail(err)
	}
	s, err := Open(db)
	if err != nil {
		fail(err)
	}
	var k int
	if err := s.DB().QueryRow(`SELECT coalesce(max(current_version), 0) FROM reports`).Scan(&k); err != nil {
		fail(err)
	}
	for k++; ; k++ {
		items := make([]BatchItem, killReports)
		for i := range items {
			r := roundOf(k, 2000+i)
			d := loadedDoc(docx, k, r.Year)
			r.SHA256 = hashOf(d.data)
			items[i] = BatchItem{Report: r, Opt: SaveOptions{Force: true},
				Original: &Original{SHA256: r.SHA256, Name: d.name, Packed: PackSource(d.data, d.text)}}
		}
		if _, errs, err := s.SaveBatch(ctx, items); err != nil || errs[0] != nil {
			fail(fmt.Errorf("round %d: %v %v", k, err, errs[0]))
		}
		fmt.Println("round", k)
	}
}
