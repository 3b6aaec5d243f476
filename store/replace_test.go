package store

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"nianbao/internal/dbrows"
	"nianbao/report"
)

// replaceDump reads back every table a save writes, leaving out only the
// clock (ingested_at, replaced_at, created_at, happened_at).
var replaceDump = []string{
	`SELECT * EXCLUDE (ingested_at) FROM reports`,
	`SELECT * FROM cells`,
	`SELECT * FROM cell_sources`,
	`SELECT * FROM findings`,
	`SELECT * FROM report_figures`,
	`SELECT * EXCLUDE (ingested_at) FROM report_versions`,
	`SELECT * FROM version_cells`,
	`SELECT * FROM version_sources`,
	`SELECT * FROM version_findings`,
	`SELECT * EXCLUDE (ingested_at, replaced_at) FROM report_history`,
	`SELECT * EXCLUDE (created_at) FROM corrections`,
	// The rank keeps the log's order (seq itself may skip).
	`SELECT rank() OVER (ORDER BY seq), * EXCLUDE (seq, happened_at) FROM audit_log`,
}

func dumpSaved(t *testing.T, s *Store) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, q := range replaceDump {
		out[q] = dbrows.Sorted(t, s.DB(), q)
	}
	return out
}

// townDoc is versioned for another town and year.
func townDoc(town string, year int, v float64, hash string) *report.Report {
	r := versioned(v, hash, hash)
	r.Agency, r.File, r.Year = town, town+hash+".pdf", year
	return r
}

// smaller is r without table 4: held unless forced (HoldReason).
func smaller(r *report.Report) *report.Report {
	for code := range r.Cells {
		if strings.HasPrefix(code, "t4.") {
			delete(r.Cells, code)
			delete(r.Sources, code)
		}
	}
	return r
}

var replaceTowns = []string{"劳动镇人民政府", "回澜镇人民政府", "石湍镇人民政府", "宝林镇人民政府", "良安镇人民政府", "中天镇人民政府", "天池镇人民政府"}

// replaceSetup stores a version of each town's report, a correction on
// the third (its current version then has rows of its own, and the batch
// lays corrections over) and a held version of the fourth (its next
// version number is past its current one).
func replaceSetup(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	var ids []int64
	for i, town := range replaceTowns {
		res, err := s.SaveWith(ctx, townDoc(town, 2022, float64(1+i), fmt.Sprintf("a%d", i)), SaveOptions{Author: "cli:test"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, res.ID)
	}
	if _, err := s.Correct(ctx, ids[2], "t3.new.total", 99, "核对原件", "李"); err != nil {
		t.Fatal(err)
	}
	res, err := s.SaveWith(ctx, smaller(townDoc(replaceTowns[3], 2022, 4, "h3")), SaveOptions{Author: "cli:test"})
	if err != nil || res.Held == "" {
		t.Fatalf("setup: the smaller version of %s not held: %+v %v", replaceTowns[3], res, err)
	}
}

// replaceBatch replaces stored reports (one kept in place, one with rows
// of its own and a correction, one with a held version), holds some back
// (far smaller; a batch conflict), replaces two reports twice, forces a
// smaller version, adds a new report and repeats one unchanged.
func replaceBatch() []BatchItem {
	by := SaveOptions{Author: "cli:test"}
	hold, force := by, by
	hold.Hold = "同一批次的冲突：测试"
	force.Force = true
	return []BatchItem{
		{Report: townDoc(replaceTowns[0], 2022, 11, "b0"), Opt: by},             // replaced, in place
		{Report: smaller(townDoc(replaceTowns[1], 2022, 12, "b1")), Opt: by},    // held: no table 4
		{Report: townDoc(replaceTowns[2], 2022, 3, "b2"), Opt: by},              // replaced, correction laid over
		{Report: townDoc(replaceTowns[0], 2022, 21, "c0"), Opt: by},             // the same report again
		{Report: townDoc("新城镇人民政府", 2022, 5, "n"), Opt: by},                     // new
		{Report: townDoc(replaceTowns[4], 2022, 5, "a4"), Opt: by},              // unchanged
		{Report: townDoc(replaceTowns[3], 2022, 14, "b3"), Opt: by},             // replaced, version 3
		{Report: townDoc(replaceTowns[5], 2022, 15, "b5"), Opt: hold},           // held: a conflict
		{Report: townDoc(replaceTowns[5], 2022, 25, "c5"), Opt: by},             // replaces after the held one
		{Report: smaller(townDoc(replaceTowns[6], 2022, 16, "b6")), Opt: force}, // forced
		{Report: townDoc(replaceTowns[1], 2022, 22, "c1"), Opt: by},             // replaces after its held one
	}
}

// TestBatchedReplaceMatchesOneByOne stores the same batch into two equal
// databases, one report per SaveWith and as one SaveBatch (whose replaced
// reports are superseded set-based up front, replaceStored): every result,
// every row of every table and every version read back must be the same.
func TestBatchedReplaceMatchesOneByOne(t *testing.T) {
	ctx := context.Background()
	one, err := Open(filepath.Join(t.TempDir(), "one.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer one.Close()
	batched, err := Open(filepath.Join(t.TempDir(), "batch.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer batched.Close()
	replaceSetup(t, one)
	replaceSetup(t, batched)

	if moved := movedUpFront(t, batched, replaceBatch()); !slices.Equal(moved, []string{"b0", "b2", "b3", "b6"}) {
		t.Errorf("superseded up front: %v, want the first documents replacing a stored report (b0 b2 b3 b6)", moved)
	}

	var want []SaveResult
	for _, it := range replaceBatch() {
		res, err := one.SaveWith(ctx, it.Report, it.Opt)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, res)
	}
	got, errs, err := batched.SaveBatch(ctx, replaceBatch())
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for i := range want {
		if errs[i] != nil {
			t.Fatalf("item %d: %v", i, errs[i])
		}
		// saved is what an upload's re-check in its transaction reads (a
		// one-by-one SaveWith keeps it; a batch has its own re-check).
		g, w := got[i], want[i]
		g.saved, w.saved = nil, nil
		if fmt.Sprint(g) != fmt.Sprint(w) {
			t.Errorf("item %d: batched %+v, one by one %+v", i, got[i], want[i])
		}
		switch w := want[i]; {
		case w.Unchanged:
			kinds["unchanged"]++
		case w.Held != "":
			kinds["held"]++
		case w.Replaced:
			kinds["replaced"]++
		}
		kinds["corrected"] += want[i].Corrected
	}
	if kinds["unchanged"] != 1 || kinds["held"] != 2 || kinds["replaced"] != 7 || kinds["corrected"] == 0 {
		t.Fatalf("the batch did not exercise what it should: %v", kinds)
	}
	a, b := dumpSaved(t, one), dumpSaved(t, batched)
	for _, q := range replaceDump {
		if !slices.Equal(a[q], b[q]) {
			t.Errorf("%s: differs (%d rows one by one, %d batched)\none by one %v\nbatched    %v", q, len(a[q]), len(b[q]), a[q], b[q])
		}
	}
	// Every version whole, the same in both.
	var ids []int64
	var vs []int
	var id int64
	var v int
	if err := eachRow(ctx, one.DB(), `SELECT report_id, version FROM report_versions ORDER BY ALL`, []any{&id, &v}, func() error {
		ids, vs = append(ids, id), append(vs, v)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for i := range ids {
		w, _, err := loadVersion(ctx, one.DB(), ids[i], vs[i])
		if err != nil {
			t.Fatal(err)
		}
		g, _, err := loadVersion(ctx, batched.DB(), ids[i], vs[i])
		if err != nil {
			t.Fatalf("batched: report %d version %d: %v", ids[i], vs[i], err)
		}
		sameVersion(t, fmt.Sprintf("report %d version %d", ids[i], vs[i]), g, w)
	}
	if problems, err := batched.CheckIntegrity(ctx); err != nil || len(problems) > 0 {
		t.Fatalf("integrity: %v %v", problems, err)
	}
}

// movedUpFront runs replaceStored for items in a transaction it rolls back
// and names the documents (by hash) whose reports it superseded.
func movedUpFront(t *testing.T, s *Store, items []BatchItem) []string {
	t.Helper()
	ctx := context.Background()
	conn, err := s.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(ctx, "ROLLBACK")
	w := newWriter(conn, true)
	defer w.close()
	b, err := s.loadBatchState(ctx, w, items)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.replaceStored(ctx, w, b, items, report.Today().UTC()); err != nil {
		t.Fatal(err)
	}
	var moved []string
	seen := map[string]bool{} // each town's first document
	for _, it := range items {
		if seen[it.Report.Agency] {
			continue
		}
		seen[it.Report.Agency] = true
		for _, p := range b.prior {
			if p.moved && p.cur.agency == it.Report.Agency {
				moved = append(moved, it.Report.SHA256)
			}
		}
	}
	return moved
}
