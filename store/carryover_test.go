package store

import (
	"context"
	"strings"
	"testing"

	"nianbao/report"
)

// TestCorrectionsSurviveNewVersion uploads a report, corrects two cells,
// then stores a CHANGED document (one corrected cell reads differently now,
// another cell changed that nobody corrected) and the identical one: the
// correction whose cell reads as before stays laid over the new version,
// the other is kept as 待复核 (orphaned, listed) and not applied, and the
// save result counts exactly what the stored cells hold.
func TestCorrectionsSurviveNewVersion(t *testing.T) {
	for _, tc := range []struct {
		name string
		save func(s *Store, r *report.Report) (SaveResult, error)
	}{
		{"one by one", func(s *Store, r *report.Report) (SaveResult, error) {
			return s.SaveWith(context.Background(), r, SaveOptions{Author: "甲"})
		}},
		{"batch", func(s *Store, r *report.Report) (SaveResult, error) {
			res, errs, err := s.SaveBatch(context.Background(), []BatchItem{{Report: r, Opt: SaveOptions{Author: "甲"}}})
			if err == nil {
				err = errs[0]
			}
			if err != nil {
				return SaveResult{}, err
			}
			return res[0], nil
		}},
	} {
		t.Run(tc.name, func(t *testing.T) { carryOver(t, tc.save) })
	}
}

func carryOver(t *testing.T, save func(s *Store, r *report.Report) (SaveResult, error)) {
	ctx := context.Background()
	s := openMem(t)
	const (
		kept    = "t3.new.natural"    // corrected; the new document reads it as before
		changed = "t3.new.commercial" // corrected; the new document reads it differently
		other   = "t3.new.research"   // not corrected; changed in the new document
		total   = "t3.carry_forward.total"
	)
	first := full("示范县教育局", "示范县", 2022, 5, "h1")
	res, err := save(s, first)
	if err != nil {
		t.Fatal(err)
	}
	id := res.ID
	if _, err := s.Correct(ctx, id, kept, 50, "原表笔误", "乙"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Correct(ctx, id, changed, 60, "原表笔误", "乙"); err != nil {
		t.Fatal(err)
	}
	second := full("示范县教育局", "示范县", 2022, 5, "h2")
	second.Cells[changed] = 7
	second.Cells[other] = 8
	res2, err := save(s, second)
	if err != nil {
		t.Fatal(err)
	}
	if res2.ID != id || !res2.Current || res2.Unchanged {
		t.Fatalf("second save: %+v", res2)
	}
	got, err := s.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{kept: 50, changed: 7, other: 8, total: 5}
	for code, v := range want {
		if got.Cells[code] != v {
			t.Errorf("after the changed document, %s = %v, want %v", code, got.Cells[code], v)
		}
	}
	if res2.Corrected != 1 || len(res2.Orphaned) != 1 || res2.Orphaned[0] != changed {
		t.Errorf("save result: %d corrections kept, to review %v; want 1 kept, [%s] to review", res2.Corrected, res2.Orphaned, changed)
	}
	states := map[string]string{}
	for _, c := range got.Corrections {
		states[c.Code] = c.State
		if c.Orphaned != (c.State == CorrectionToReview) {
			t.Errorf("correction of %s: orphaned %v but state %s", c.Code, c.Orphaned, c.State)
		}
	}
	if states[kept] != CorrectionApplied || states[changed] != CorrectionToReview {
		t.Errorf("corrections listed as %v, want %s %s and %s %s", states, kept, CorrectionApplied, changed, CorrectionToReview)
	}

	// The identical document again: nothing stored, the count still true.
	res3, err := save(s, full2(second))
	if err != nil {
		t.Fatal(err)
	}
	if !res3.Unchanged || res3.Corrected != 1 {
		t.Errorf("identical document: %+v, want unchanged with 1 correction kept", res3)
	}
	got, _ = s.Get(ctx, id)
	if got.Cells[kept] != 50 || got.Cells[changed] != 7 {
		t.Errorf("after the identical document: %s=%v %s=%v, want 50 and 7", kept, got.Cells[kept], changed, got.Cells[changed])
	}

	// A document reading the corrected cell as the first did again: the
	// correction waiting for review fits again and is laid over it.
	third := full("示范县教育局", "示范县", 2022, 5, "h3")
	res4, err := save(s, third)
	if err != nil {
		t.Fatal(err)
	}
	got, _ = s.Get(ctx, id)
	if got.Cells[kept] != 50 || got.Cells[changed] != 60 || res4.Corrected != 2 || len(res4.Orphaned) != 0 {
		t.Errorf("document reading as the first: %s=%v %s=%v, result %d kept %v to review; want 50, 60, 2 kept, none",
			kept, got.Cells[kept], changed, got.Cells[changed], res4.Corrected, res4.Orphaned)
	}
}

// full2 is a copy of r with the same hash and cells (a second read of the
// same file).
func full2(r *report.Report) *report.Report {
	cp := *r
	cp.Cells = map[string]float64{}
	for k, v := range r.Cells {
		cp.Cells[k] = v
	}
	return &cp
}

// TestRestoreNamesDroppedCorrections restores version 1 of a report whose
// cell was corrected on version 2 (which reads it differently): the
// restore names the correction it does not apply, in its result and its
// audit row, and restoring version 2 again brings the correction back.
func TestRestoreNamesDroppedCorrections(t *testing.T) {
	ctx := context.Background()
	s := openMem(t)
	const code = "t3.new.commercial"
	res, err := s.SaveWith(ctx, full("示范县司法局", "示范县", 2022, 5, "v1"), SaveOptions{Author: "甲"})
	if err != nil {
		t.Fatal(err)
	}
	second := full("示范县司法局", "示范县", 2022, 5, "v2")
	second.Cells[code] = 9
	if _, err := s.SaveWith(ctx, second, SaveOptions{Author: "甲"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Correct(ctx, res.ID, code, 90, "第二版笔误", "乙"); err != nil {
		t.Fatal(err)
	}
	back, err := s.RestoreWith(ctx, res.ID, 1, "丙", "第二版误传")
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Dropped) != 1 || back.Dropped[0] != code || back.Corrected != 0 {
		t.Errorf("restore of v1: %+v, want %s dropped and none applied", back, code)
	}
	got, _ := s.Get(ctx, res.ID)
	if got.Cells[code] != 5 {
		t.Errorf("after restoring v1, %s = %v, want the parsed 5", code, got.Cells[code])
	}
	log, err := s.Audit(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	named := false
	for _, e := range log {
		named = named || e.Action == "restore" && strings.Contains(e.Comment, code) && strings.Contains(e.Comment, "待复核")
	}
	if !named {
		t.Errorf("no restore audit row names the correction of %s set aside: %+v", code, log)
	}
	again, err := s.RestoreWith(ctx, res.ID, 2, "丙", "撤销恢复")
	if err != nil {
		t.Fatal(err)
	}
	got, _ = s.Get(ctx, res.ID)
	if got.Cells[code] != 90 || again.Corrected != 1 || len(again.Dropped) != 0 {
		t.Errorf("after restoring v2 again: %s = %v, result %+v; want the correction 90 back", code, got.Cells[code], again)
	}
}
