package assess_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"nianbao/assess"
	"nianbao/report"
	"nianbao/store"
)

var update = flag.Bool("update", false, "rewrite the .want files of testdata/sheets from the errors")

// TestSheetErrors reads each bad sheet of testdata/sheets and compares its
// error, positioned, with the golden .want beside it.
func TestSheetErrors(t *testing.T) {
	files, err := filepath.Glob("testdata/sheets/bad_*.*")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, ".want") {
			continue
		}
		n++
		t.Run(filepath.Base(f), func(t *testing.T) {
			body, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			_, err = assess.ParseSheet(filepath.Base(f), body, nil)
			if err == nil {
				t.Fatal("a bad sheet was accepted")
			}
			got := err.Error() + "\n"
			want := strings.TrimSuffix(f, filepath.Ext(f)) + ".want"
			if *update {
				if err := os.WriteFile(want, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			w, err := os.ReadFile(want)
			if err != nil {
				t.Fatalf("%v (run with -update to write it)", err)
			}
			if got != string(w) {
				t.Errorf("error\n got %s want %s", got, w)
			}
		})
	}
	if n < 10 {
		t.Fatalf("only %d bad sheets in testdata/sheets", n)
	}
}

// TestShippedSheetLoads: the shipped sheet passes its own checks, and the
// deadlines given in a sheet replace the server's.
func TestShippedSheetLoads(t *testing.T) {
	s := assess.DefaultSheet()
	if s.Name == "" || s.SHA == "" || len(s.Ratings) != 3 || s.Deadlines.Default["county"] != "03-31" {
		t.Fatalf("shipped sheet read as %+v", s)
	}
	body := []byte("name: 带期限的评分表\ndeadlines:\n  default: {town: \"03-31\", department: \"02-28\", county: \"04-30\"}\n")
	server := &assess.Deadlines{Default: map[string]string{"town": "01-01", "department": "01-01", "county": "01-01"}}
	own, err := assess.ParseSheet("own.yaml", body, server)
	if err != nil {
		t.Fatal(err)
	}
	if own.Deadlines.Default["town"] != "03-31" {
		t.Errorf("a sheet's own deadlines lost to the server's: %v", own.Deadlines.Default)
	}
	other, err := assess.ParseSheet("other.yaml", []byte("name: 无期限\n"), server)
	if err != nil {
		t.Fatal(err)
	}
	if other.Deadlines.Default["town"] != "01-01" || other.Base != s.Base || other.CopyThreshold != s.CopyThreshold {
		t.Errorf("a sheet without deadlines or base took %v, base %v", other.Deadlines.Default, other.Base)
	}
}

// TestYAMLAndJSONScoreAlike: the same sheet in YAML and in JSON reads the
// same and scores a county the same, and not as the default does.
func TestYAMLAndJSONScoreAlike(t *testing.T) {
	y, err := assess.LoadSheet("testdata/sheets/ok.yaml", "")
	if err != nil {
		t.Fatal(err)
	}
	j, err := assess.LoadSheet("testdata/sheets/ok.json", "")
	if err != nil {
		t.Fatal(err)
	}
	y.SHA, j.SHA, y.Source, j.Source = "", "", "", ""
	if !reflect.DeepEqual(y, j) {
		t.Fatalf("YAML and JSON differ:\n%+v\n%+v", y, j)
	}
	bodies := []assess.Filing{
		{Agency: "示范县人民政府", ReportID: 1, Findings: []store.StoredFinding{{Finding: report.Finding{Rule: report.RuleBalance}}, {Seq: 1, Finding: report.Finding{Rule: report.RuleBalance}}}},
		{Agency: "示范县教育局", ReportID: 2, Findings: []store.StoredFinding{{Finding: report.Finding{Rule: report.RuleResults}}}},
		{Agency: "城关镇人民政府"},
	}
	sy := assess.Score("示范县", 2023, bodies, y)
	sj := assess.Score("示范县", 2023, bodies, j)
	sd := assess.Score("示范县", 2023, bodies, assess.DefaultSheet())
	if sy.Composite == nil || sj.Composite == nil || *sy.Composite != *sj.Composite {
		t.Fatalf("composite YAML %v, JSON %v", sy.Composite, sj.Composite)
	}
	if *sy.Composite == *sd.Composite {
		t.Errorf("the office's sheet scored as the default: %v", *sd.Composite)
	}
}

// TestRecheckUsesCountySheet: a county's stored sheet, whose deadlines give
// towns until 03-31, clears the late finding the default writes, at the
// next re-check after a save; another county keeps the default.
func TestRecheckUsesCountySheet(t *testing.T) {
	ctx := context.Background()
	st, y2, id := lateTown(t)
	late := func() int { return ruleFindings(t, st, y2.County, y2.Year, report.RuleLate) }
	if late() != 1 {
		t.Fatalf("late findings with the default sheet: %d, want 1", late())
	}
	body := []byte("name: 宽限评分表\ndeadlines:\n  default: {town: \"03-31\", department: \"03-31\", county: \"04-30\"}\n")
	if _, err := assess.ParseSheet("宽限评分表", body, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveSheet(ctx, "宽限评分表", body, "test"); err != nil {
		t.Fatal(err)
	}
	if err := st.AssignSheet(ctx, "别的县", "宽限评分表", "test"); err != nil {
		t.Fatal(err)
	}
	if err := assess.Recheck(ctx, st, id); err != nil {
		t.Fatal(err)
	}
	if late() != 1 {
		t.Fatalf("another county's sheet changed this county's findings")
	}
	if err := st.AssignSheet(ctx, y2.County, "宽限评分表", "test"); err != nil {
		t.Fatal(err)
	}
	if err := assess.Recheck(ctx, st, id); err != nil {
		t.Fatal(err)
	}
	if late() != 0 {
		t.Errorf("late findings after the re-check with the county's sheet: %d, want 0", late())
	}
	sh, err := assess.SheetFor(ctx, st, y2.County)
	if err != nil || sh.Name != "宽限评分表" || sh.SHA != store.SheetSHA(body) {
		t.Errorf("SheetFor gave %+v, %v", sh, err)
	}
}

// TestShippedYAMLExample: the YAML example shipped beside scoresheet.json
// reads as the same sheet.
func TestShippedYAMLExample(t *testing.T) {
	y, err := assess.LoadSheet("scoresheet.example.yaml", "")
	if err != nil {
		t.Fatal(err)
	}
	d := assess.DefaultSheet()
	for _, s := range []*assess.Sheet{y, d} {
		s.SHA, s.Source, s.Comment = "", "", ""
	}
	if !reflect.DeepEqual(y, d) {
		t.Errorf("the YAML example differs from scoresheet.json:\n%+v\n%+v", y, d)
	}
}
