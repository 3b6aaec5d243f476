package ingest_test

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"nianbao/generate"
	"nianbao/ingest"
	"nianbao/internal/corpus"
	"nianbao/internal/dbrows"
	"nianbao/store"
)

// dumpQueries read back everything an ingest writes, leaving out only the
// clock (ingested_at, replaced_at, audit times) which differs between runs.
var dumpQueries = map[string]string{
	"reports":          `SELECT id, agency, county, year, edition, format, source_file, sha256, coalesce(strftime(published_on, '%Y-%m-%d'), ''), synthetic, coalesce(agency_id, ''), kind, coalesce(current_version, -1) FROM reports`,
	"cells":            `SELECT report_id, code, value FROM cells`,
	"cell_sources":     `SELECT report_id, code, line, page, tbl, grid_row, grid_col, raw, note FROM cell_sources`,
	"findings":         `SELECT report_id, seq, rule, severity, cells::VARCHAR, message FROM findings`,
	"report_versions":  `SELECT report_id, version, agency, county, edition, format, kind, source_file, sha256, synthetic, n_cells, has_t3, has_t4, author, coalesce(held, '') FROM report_versions`,
	"version_cells":    `SELECT report_id, version, code, value FROM version_cells`,
	"version_sources":  `SELECT report_id, version, code, line, page, tbl, grid_row, grid_col, raw, note FROM version_sources`,
	"version_findings": `SELECT report_id, version, seq, rule, severity, cells::VARCHAR, message FROM version_findings`,
	"report_history":   `SELECT agency, county, year, report_id, source_file, sha256 FROM report_history`,
	"narratives":       `SELECT agency, county, year, position, section, body, packed FROM narratives`,
	// The rank keeps the log's order in the comparison (seq itself may skip).
	"audit_log": `SELECT rank() OVER (ORDER BY seq), author, action, agency, county, year, target, coalesce(old_value, ''), coalesce(new_value, ''), coalesce(comment, '') FROM audit_log`,
	"agencies":  `SELECT id, name, county, registered FROM agencies WHERE NOT registered`,
	// The kept originals, each whole: read back by store.Source (they are
	// kept compressed), its bytes hash to its key (a file named twice in
	// one batch is kept once); see originalLines.
	"source_documents": `SELECT sha256 FROM source_documents`,
}

// originalLines reads every kept original back through the store: its
// hash, name, whether its bytes hash to the key, and its text's md5.
func originalLines(t *testing.T, st *store.Store) []string {
	t.Helper()
	var lines []string
	for _, h := range dbrows.Sorted(t, st.DB(), dumpQueries["source_documents"]) {
		d, err := st.Source(context.Background(), h)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(d.Bytes)
		lines = append(lines, fmt.Sprintf("%s\t%s\t%v\t%x", h, d.Name, hex.EncodeToString(sum[:]) == h, md5.Sum([]byte(d.Text))))
	}
	return lines
}

// dump renders each table as sorted lines.
func dump(t *testing.T, st *store.Store) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for table, q := range dumpQueries {
		out[table] = dbrows.Sorted(t, st.DB(), q)
	}
	out["source_documents"] = originalLines(t, st)
	return out
}

// versionCorpus writes four rounds of the same agencies and years: the
// first corpus, the same documents republished (every report replaced),
// a round that repeats some files unchanged, cuts some short (held:
// far smaller) and names one agency and year twice (a batch conflict),
// and a round ingested with --force that names some agencies and years
// twice with two new documents (the same report replaced twice in one
// batch).
func versionCorpus(t *testing.T) []string {
	t.Helper()
	base := t.TempDir()
	opts := generate.Options{Counties: generate.CountyNames[:2], Towns: []int{5}, FirstYear: 2022, LastYear: 2024}
	one, two, three, four := filepath.Join(base, "one"), filepath.Join(base, "two"), filepath.Join(base, "three"), filepath.Join(base, forcedRound)
	opts.Seed = 1
	truth, err := generate.WriteCorpus(one, opts, generate.Layouts())
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range truth {
		data, err := os.ReadFile(filepath.Join(one, filepath.FromSlash(e.File)))
		if err != nil {
			t.Fatal(err)
		}
		// A republished document: other bytes, the same tables.
		data = append(data, "\n（本报告于年后重新发布。）\n"...)
		p := filepath.Join(two, filepath.FromSlash(e.File))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if i%3 == 0 {
			// Round four: two new documents of this report, one after the
			// other in the batch's order.
			p := filepath.Join(four, filepath.FromSlash(e.File))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, append(slices.Clone(data), "\n（第四轮。）\n"...), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(strings.TrimSuffix(p, ".txt")+"（再版）.txt", append(slices.Clone(data), "\n（第四轮再版。）\n"...), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		dst := filepath.Join(three, filepath.FromSlash(e.File))
		switch i % 5 {
		case 0: // the same document again: unchanged
		case 1: // only the first lines: far smaller, held
			data = []byte(strings.Join(strings.SplitN(string(data), "\n", 30)[:29], "\n"))
		case 2: // the same report under a second name: a batch conflict
			dup := strings.TrimSuffix(dst, ".txt") + "（重复）.txt"
			if err := os.MkdirAll(filepath.Dir(dup), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(dup, data, 0o644); err != nil {
				t.Fatal(err)
			}
		default:
			continue
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return []string{one, two, three, four}
}

// forcedRound is the round of versionCorpus ingested with Force.
const forcedRound = "four"

// TestBatchedIngestMatchesOneByOne ingests the same rounds of files one
// report per transaction and in batches (of 7, so batches end mid-county
// and a conflict can fall inside one), then compares every stored row.
func TestBatchedIngestMatchesOneByOne(t *testing.T) {
	rounds := versionCorpus(t)
	if _, err := os.Stat(filepath.Join("..", "..", "shared", "corpus", "excerpts")); err == nil {
		// Real reports too: non-reports skipped, unregistered agencies,
		// reports without a county.
		rounds = append(rounds, corpus.Dir(t, "excerpts"))
	}
	ctx := context.Background()
	var dumps []map[string][]string
	var sums []ingest.Summary
	for _, size := range []int{1, 7} {
		st, err := store.Open(filepath.Join(t.TempDir(), "t.duckdb"))
		if err != nil {
			t.Fatal(err)
		}
		var total ingest.Summary
		for _, dir := range rounds {
			// An author, as analytics ingest always gives: every stored
			// version is audited.
			sum, err := ingest.IngestPathsWith(ctx, st, []string{dir}, ingest.Meta{}, ingest.Options{BatchSize: size, Author: "cli:test", Force: filepath.Base(dir) == forcedRound}, nil)
			if err != nil {
				t.Fatalf("batch %d, %s: %v", size, dir, err)
			}
			total.Stored += sum.Stored
			total.Replaced += sum.Replaced
			total.Unchanged += sum.Unchanged
			total.Held = append(total.Held, sum.Held...)
			total.Conflicts = append(total.Conflicts, sum.Conflicts...)
			total.Failed += sum.Failed
		}
		// The forced round replaced reports twice: the second document
		// current, the first the version before it, not held.
		var twice int
		if err := st.DB().QueryRow(`SELECT count(*) FROM reports r JOIN report_versions v ON v.report_id = r.id AND v.version = r.current_version - 1
WHERE r.source_file LIKE '%（再版）%' AND v.held IS NULL AND v.source_file = replace(r.source_file, '（再版）', '')`).Scan(&twice); err != nil {
			t.Fatal(err)
		}
		if twice == 0 {
			t.Errorf("batch %d: no report replaced twice by the forced round", size)
		}
		lines := originalLines(t, st)
		kept, whole := len(lines), 0
		for _, l := range lines {
			if strings.Split(l, "\t")[2] == "true" {
				whole++
			}
		}
		if kept == 0 || whole != kept {
			t.Errorf("batch %d: %d originals kept, %d of them whole", size, kept, whole)
		}
		dumps = append(dumps, dump(t, st))
		sums = append(sums, total)
		st.Close()
	}
	one, batched := sums[0], sums[1]
	t.Logf("one by one: stored %d, replaced %d, unchanged %d, held %d, conflicts %d, failed %d",
		one.Stored, one.Replaced, one.Unchanged, len(one.Held), len(one.Conflicts), one.Failed)
	if one.Replaced == 0 || one.Unchanged == 0 || len(one.Held) == 0 || len(one.Conflicts) == 0 {
		t.Fatalf("the rounds did not exercise replace, unchanged, held and conflict: %+v", one)
	}
	if one.Stored != batched.Stored || one.Replaced != batched.Replaced || one.Unchanged != batched.Unchanged ||
		len(one.Held) != len(batched.Held) || len(one.Conflicts) != len(batched.Conflicts) || one.Failed != batched.Failed {
		t.Errorf("summaries differ:\none by one %+v\nbatched    %+v", one, batched)
	}
	for table := range dumpQueries {
		a, b := dumps[0][table], dumps[1][table]
		if len(a) == 0 && table != "report_history" {
			t.Errorf("%s: nothing stored", table)
		}
		if !slices.Equal(a, b) {
			for i := 0; i < min(len(a), len(b)); i++ {
				if a[i] != b[i] {
					t.Errorf("%s differs (%d vs %d rows); first difference:\none by one %s\nbatched    %s", table, len(a), len(b), a[i], b[i])
					break
				}
			}
			if len(a) != len(b) {
				t.Errorf("%s: %d rows one by one, %d batched", table, len(a), len(b))
			}
		}
	}
}

// TestKillDuringBatchedIngestLeavesWholeReports kills a child process in
// the middle of a batched ingest and checks that every report it left has
// all its cells, its version and its text: a batch commits whole or not.
func TestKillDuringBatchedIngestLeavesWholeReports(t *testing.T) {
	if os.Getenv("NIANBAO_KILL_CHILD") != "" {
		st, err := store.Open(os.Getenv("NIANBAO_KILL_DB"))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		// Small batches so several commit before the kill.
		_, err = ingest.IngestPathsWith(context.Background(), st, []string{os.Getenv("NIANBAO_KILL_CHILD")}, ingest.Meta{}, ingest.Options{BatchSize: 16}, func(done, total int, path string) {
			// Past half of the 540 files: batches have committed, and
			// the kill lands in the middle of the ingest (a fixed wait after
			// the first files outlasted the whole ingest once originals were
			// packed by the readers).
			if done == 300 {
				fmt.Println("ready")
			}
		})
		fmt.Fprintln(os.Stderr, "ingest ended before the kill:", err)
		os.Exit(4)
	}
	dir := t.TempDir()
	truth, err := generate.WriteCorpus(dir, generate.Options{Seed: 3, Counties: generate.CountyNames[:3], Towns: []int{30}}, generate.Layouts())
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "kill.duckdb")
	// Open once so the child does not spend its time on the migrations.
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	cmd := exec.Command(os.Args[0], "-test.run", "^TestKillDuringBatchedIngestLeavesWholeReports$")
	cmd.Env = append(os.Environ(), "NIANBAO_KILL_CHILD="+dir, "NIANBAO_KILL_DB="+db)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	deadline := time.AfterFunc(5*time.Minute, func() { cmd.Process.Kill() })
	n, _ := out.Read(buf)
	deadline.Stop()
	if !strings.Contains(string(buf[:n]), "ready") {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child did not start ingesting: %q", buf[:n])
	}
	// Kill it without warning, at once or a little later.
	time.Sleep(time.Duration(time.Now().UnixNano()%100) * time.Millisecond)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	st, err = store.Open(db)
	if err != nil {
		t.Fatalf("database after the kill: %v", err)
	}
	defer st.Close()
	var reports, broken, noText int
	q := `SELECT count(*),
       count(*) FILTER (WHERE v.n_cells IS DISTINCT FROM (SELECT count(*) FROM cells c WHERE c.report_id = r.id)
                           -- the current version's own rows: none while it is kept in place (store/inplace.go), else all
                           OR (SELECT count(*) FROM version_cells c WHERE c.report_id = r.id AND c.version = r.current_version) NOT IN (0, v.n_cells)),
       count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM narratives n WHERE n.agency = r.agency AND n.year = r.year))
FROM reports r LEFT JOIN report_versions v ON v.report_id = r.id AND v.version = r.current_version`
	if err := st.DB().QueryRow(q).Scan(&reports, &broken, &noText); err != nil {
		t.Fatal(err)
	}
	t.Logf("killed after %d of %d reports were committed", reports, len(truth))
	if reports == len(truth) {
		t.Skip("the ingest finished before the kill; nothing to check on this machine")
	}
	if broken > 0 || noText > 0 {
		t.Errorf("%d of %d reports are not whole (%d without their text)", broken, reports, noText)
	}
	if reports%16 != 0 {
		t.Errorf("%d reports stored: not a whole number of batches of 16", reports)
	}
	// Each report's original opens, whole: it is kept in its batch's
	// transaction.
	var missing []string
	for _, h := range dbrows.Sorted(t, st.DB(), `SELECT DISTINCT sha256 FROM reports`) {
		d, err := st.Source(context.Background(), h)
		if err != nil {
			missing = append(missing, err.Error())
			continue
		}
		if sum := sha256.Sum256(d.Bytes); hex.EncodeToString(sum[:]) != h || d.Text == "" {
			missing = append(missing, h+": not the document kept")
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d reports' originals do not open after the kill: %v", len(missing), missing[:min(3, len(missing))])
	}
}
