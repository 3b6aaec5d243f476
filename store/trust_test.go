package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"nianbao/report"
)

func town(total float64) *report.Report {
	r := report.New("青石镇.txt")
	r.Agency, r.County, r.Year, r.Edition = "青石镇", "示范县", 2022, report.Edition2021
	r.SHA256 = "h"
	for _, col := range report.T3Columns {
		v := 0.0
		if col == "natural" || col == "total" {
			v = total
		}
		r.Set("t3.new."+col, v, report.Source{Raw: "x"})
	}
	// A typo: the printed total column of the row disagrees (rule 3).
	r.Cells["t3.new.total"] = total + 1
	report.Check(r)
	return r
}

func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "t.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func sumNew(t *testing.T, s *Store) float64 {
	t.Helper()
	var v float64
	if err := s.DB().QueryRow(`SELECT sum(value) FROM cells WHERE code = 't3.new.total'`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestCorrectionSurvivesReingestAndIsOrphanedByAChangedDocument(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	saved, err := s.Save(ctx, town(3))
	if err != nil {
		t.Fatal(err)
	}
	if got := sumNew(t, s); got != 4 {
		t.Fatalf("parsed t3.new.total = %v, want 4", got)
	}
	if _, err := s.Correct(ctx, saved.ID, "t3.new.total", 3, "", "王审核"); !errors.Is(err, ErrNoReason) {
		t.Fatalf("correction without a reason: %v", err)
	}
	if _, err := s.Correct(ctx, saved.ID, "t9.nothing", 3, "r", "王审核"); !errors.Is(err, ErrUnknownCode) {
		t.Fatalf("unknown code: %v", err)
	}
	c, err := s.Correct(ctx, saved.ID, "t3.new.total", 3, "原文总计笔误，按各列之和更正", "王审核")
	if err != nil {
		t.Fatal(err)
	}
	if c.ParsedValue == nil || *c.ParsedValue != 4 {
		t.Fatalf("parsed value kept = %v, want 4", c.ParsedValue)
	}
	if got := sumNew(t, s); got != 3 {
		t.Fatalf("aggregate after correction = %v, want 3", got)
	}
	full, _ := s.Get(ctx, saved.ID)
	for _, f := range full.Findings {
		if f.Rule == report.RuleApplicants {
			t.Fatalf("rule 3 finding still there after the correction: %+v", f)
		}
	}
	// The same document again: the correction still applies.
	again, err := s.Save(ctx, town(3))
	if err != nil {
		t.Fatal(err)
	}
	if again.Corrected != 1 || len(again.Orphaned) != 0 || sumNew(t, s) != 3 {
		t.Fatalf("re-ingest: %+v, sum %v; want the correction kept", again, sumNew(t, s))
	}
	// A changed document (now printing 9): the correction no longer applies.
	changed, err := s.Save(ctx, town(8))
	if err != nil {
		t.Fatal(err)
	}
	if len(changed.Orphaned) != 1 || changed.Orphaned[0] != "t3.new.total" || sumNew(t, s) != 9 {
		t.Fatalf("changed document: %+v, sum %v; want t3.new.total orphaned and 9 stored", changed, sumNew(t, s))
	}
	cs, _ := s.Corrections(ctx, changed.ID)
	if len(cs) != 1 || !cs[0].Orphaned {
		t.Fatalf("corrections = %+v", cs)
	}
	audit, err := s.Audit(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range audit {
		actions = append(actions, e.Action+":"+e.Author)
	}
	want := []string{"correct:王审核", "orphan:ingest"}
	if len(actions) != 2 || actions[0] != want[0] || actions[1] != want[1] {
		t.Fatalf("audit = %v, want %v in order", actions, want)
	}
}

func TestDismissedFindingLeftOutAndKeptAcrossReingest(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	saved, err := s.Save(ctx, town(3))
	if err != nil {
		t.Fatal(err)
	}
	count := func() (all, active int) {
		s.DB().QueryRow(`SELECT count(*), count(*) FILTER (WHERE review <> 'dismissed') FROM findings_reviewed`).Scan(&all, &active)
		return
	}
	if all, active := count(); all != 1 || active != 1 {
		t.Fatalf("before review: %d findings, %d active", all, active)
	}
	if err := s.ReviewFinding(ctx, saved.ID, 0, "maybe", "", "李"); !errors.Is(err, ErrBadReview) {
		t.Fatalf("bad state: %v", err)
	}
	if err := s.ReviewFinding(ctx, saved.ID, 5, "dismissed", "", "李"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("no such finding: %v", err)
	}
	if err := s.ReviewFinding(ctx, saved.ID, 0, "dismissed", "总计列为原文印刷错误，已核实", "李"); err != nil {
		t.Fatal(err)
	}
	if all, active := count(); all != 1 || active != 0 {
		t.Fatalf("after dismissal: %d findings, %d active; want 1, 0", all, active)
	}
	again, err := s.Save(ctx, town(3))
	if err != nil {
		t.Fatal(err)
	}
	full, _ := s.Get(ctx, again.ID)
	if len(full.Findings) != 1 || full.Findings[0].Review != "dismissed" || full.Findings[0].Reviewer != "李" {
		t.Fatalf("review lost on re-ingest: %+v", full.Findings)
	}
}
