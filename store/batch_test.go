package store

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
)

// TestSaveBatchSameReportTwice puts two versions of one report, and a
// third report, in one batch: the second version must see the first as
// SaveWith one after the other would (its version number, its cells).
func TestSaveBatchSameReportTwice(t *testing.T) {
	ctx := context.Background()
	items := func() []BatchItem {
		a, b, c := sample("青石镇", 3), sample("青石镇", 5), sample("白沙镇", 7)
		b.SHA256 = "def"
		return []BatchItem{{Report: a}, {Report: c}, {Report: b}}
	}
	state := func(s *Store) []string {
		var out []string
		for _, q := range []string{
			`SELECT report_id, version, n_cells, coalesce(held, '') FROM report_versions`,
			`SELECT report_id, code, value FROM cells`,
			`SELECT report_id, version, code, value FROM version_cells`,
			`SELECT id, agency, coalesce(current_version, -1) FROM reports`,
		} {
			rows, err := s.DB().Query(q)
			if err != nil {
				t.Fatal(err)
			}
			cols, _ := rows.Columns()
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				rows.Scan(ptrs...)
				out = append(out, fmt.Sprint(vals...))
			}
			rows.Close()
		}
		slices.Sort(out)
		return out
	}
	one, err := Open(filepath.Join(t.TempDir(), "one.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer one.Close()
	var want []SaveResult
	for _, it := range items() {
		res, err := one.SaveWith(ctx, it.Report, it.Opt)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, res)
	}
	batched, err := Open(filepath.Join(t.TempDir(), "batch.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer batched.Close()
	got, errs, err := batched.SaveBatch(ctx, items())
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if errs[i] != nil {
			t.Fatalf("item %d: %v", i, errs[i])
		}
		if got[i].ID != want[i].ID || got[i].Version != want[i].Version || got[i].Replaced != want[i].Replaced || got[i].Current != want[i].Current {
			t.Errorf("item %d: batched %+v, one by one %+v", i, got[i], want[i])
		}
	}
	if a, b := state(one), state(batched); !slices.Equal(a, b) {
		t.Errorf("stored rows differ:\none by one %v\nbatched    %v", a, b)
	}
}

// TestSaveOneKeepsTextWithTheReport: a batch's report stored on its own
// (after another report of its batch failed) keeps its text sections in
// its own transaction: stored with it when it becomes current, left as
// they were when the same document comes again unchanged, and neither
// stored when its transaction fails.
func TestSaveOneKeepsTextWithTheReport(t *testing.T) {
	ctx := context.Background()
	s := openMem(t)
	texts := func(agency string) []string {
		rows, err := s.DB().Query(`SELECT body, packed FROM narratives WHERE agency = ? ORDER BY position`, agency)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var b string
			var packed []byte
			if err := rows.Scan(&b, &packed); err != nil {
				t.Fatal(err)
			}
			if b, err = sectionBody(b, packed); err != nil {
				t.Fatal(err)
			}
			out = append(out, b)
		}
		return out
	}
	secs := []NarrativeSection{{Number: 1, Body: "总体情况"}, {Number: 2, Body: "主动公开"}}
	if _, err := s.saveOne(ctx, BatchItem{Report: sample("青石镇", 3), KeepText: true, Narrative: secs}); err != nil {
		t.Fatal(err)
	}
	if got := texts("青石镇"); !slices.Equal(got, []string{"总体情况", "主动公开"}) {
		t.Fatalf("text kept %q", got)
	}
	res, err := s.saveOne(ctx, BatchItem{Report: sample("青石镇", 3), KeepText: true, Narrative: secs[:1]})
	if err != nil || !res.Unchanged {
		t.Fatalf("the same document again: %+v, %v", res, err)
	}
	if got := texts("青石镇"); len(got) != 2 {
		t.Errorf("an unchanged document replaced the text: %q", got)
	}
	failing := func(context.Context, *writer) error { return fmt.Errorf("步骤失败") }
	bad := sample("白沙镇", 7)
	if _, err := s.saveOne(ctx, BatchItem{Report: bad, KeepText: true, Narrative: secs, Opt: SaveOptions{With: []Step{failing}}}); err == nil {
		t.Fatal("a failing step did not fail the save")
	}
	var n int
	if err := s.DB().QueryRow(`SELECT count(*) FROM reports WHERE agency = '白沙镇'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if got := texts("白沙镇"); n != 0 || len(got) != 0 {
		t.Errorf("a failed save left %d reports and text %q", n, got)
	}
}
