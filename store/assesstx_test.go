package store

import (
	"context"
	"reflect"
	"testing"

	"nianbao/report"
)

// TestAssessTxReadsTheSavedReportAsStored: inside a save's transaction
// the re-check's read of the county (AssessTx.CountiesDocs) takes the
// saved report's cells and printed texts from memory; they must be what
// reading the rows back gives — a new report, a new version with a
// correction laid over (a cell the document lacks among them), printed
// blanks, digits in full and half width and an empty print — and a held
// version must read the current rows, not the held document.
func TestAssessTxReadsTheSavedReportAsStored(t *testing.T) {
	ctx := context.Background()
	s := openMem(t)
	doc := func(hash string, v float64) *report.Report {
		r := full("乐至县甲镇", "乐至县", 2023, v, hash)
		r.Set("t3.new.natural", 0, report.Source{Line: 3, Raw: "—"})
		r.Set("t3.new.legal", 0, report.Source{Line: 4, Raw: ""})
		r.Set("t3.new.total", 12, report.Source{Line: 5, Raw: "１２"})
		r.Set("t3.new.other", 7, report.Source{Line: 6, Raw: "7件"})
		return r
	}
	if _, err := s.Save(ctx, full("乐至县乙镇", "乐至县", 2023, 2, "peer")); err != nil {
		t.Fatal(err)
	}
	check := func(name string, r *report.Report, opt SaveOptions, wantKnown bool) SaveResult {
		t.Helper()
		ran := false
		opt.Recheck = func(ctx context.Context, tx *AssessTx) error {
			ran = true
			if tx.County != "乐至县" || tx.Year != 2023 {
				t.Errorf("%s: the saved report's place %s %d", name, tx.County, tx.Year)
			}
			if got := tx.known[tx.ID] != nil; got != wantKnown {
				t.Errorf("%s: cells from memory %v, want %v", name, got, wantKnown)
			}
			spans := []CountySpan{{County: "乐至县", From: 2022, To: 2024}}
			mem, err := tx.CountiesDocs(ctx, spans)
			if err != nil {
				return err
			}
			read, err := countiesDocs(ctx, tx.w, spans, true, nil)
			if err != nil {
				return err
			}
			if len(read["乐至县"]) != 2 {
				t.Errorf("%s: %d reports read back, want 2", name, len(read["乐至县"]))
			}
			if !reflect.DeepEqual(mem, read) {
				t.Errorf("%s: from memory and read back differ:\n%+v\n%+v", name, mem["乐至县"], read["乐至县"])
			}
			return nil
		}
		res, err := s.SaveWith(ctx, r, opt)
		if err != nil {
			t.Fatal(err)
		}
		if !ran {
			t.Fatalf("%s: the re-check did not run in the transaction", name)
		}
		return res
	}
	res := check("a new report", doc("v1", 1), SaveOptions{}, true)
	// A correction of a cell the next version keeps, and one of a cell it
	// lacks: both laid over the new version's current cells.
	if _, err := s.Correct(ctx, res.ID, "t3.new.total", 14, "原表笔误", "审核"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Correct(ctx, res.ID, "t3.granted.total", 3, "补填", "审核"); err != nil {
		t.Fatal(err)
	}
	v2 := doc("v2", 1)
	delete(v2.Cells, "t3.granted.total")
	res = check("a new version with corrections", v2, SaveOptions{}, true)
	if res.Corrected == 0 {
		t.Fatalf("no correction laid over the new version: %+v", res)
	}
	held := full("乐至县甲镇", "乐至县", 2023, 5, "v3")
	held.Cells = map[string]float64{"t3.new.total": 1}
	if res := check("a held version", held, SaveOptions{}, false); res.Current {
		t.Fatalf("the small version became current: %+v", res)
	}
}
