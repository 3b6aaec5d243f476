package store

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"nianbao/registry"
	"nianbao/report"
)

// What follows a write is decided in one place (writeTx): every write
// that changes what a cached answer holds tells the readers once, after
// its commit; a write to people, sessions or links tells nobody (a
// sign-in must not empty the caches); a write that fails or is refused
// tells nobody; a write to agencies builds the registry again.
func TestWhatFollowsEachWrite(t *testing.T) {
	ctx := context.Background()
	s := openMem(t)
	told := 0
	s.OnChange(func() { told++ })
	data, err := os.ReadFile("../registry/testdata/lezhi-units.csv")
	if err != nil {
		t.Fatal(err)
	}
	reg, err := s.Registry(ctx)
	if err != nil {
		t.Fatal(err)
	}
	units, err := registry.ReadUnits(reg, "lezhi-units.csv", data)
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	var x, y SaveResult
	var person Person
	year := 2024
	steps := []struct {
		name        string
		write       func() error
		wantTold    int
		wantErr     bool
		newRegistry bool
	}{
		{"Save", func() error {
			r, err := s.Save(ctx, full("乐至县科委", "乐至县", 2021, 1, "k1"))
			id, x = r.ID, r
			return err
		}, 1, false, false},
		{"Save (second body)", func() error {
			var err error
			y, err = s.Save(ctx, full("乐至县科学技术委员会", "乐至县", 2022, 1, "k2"))
			return err
		}, 1, false, false},
		{"Correct", func() error {
			_, err := s.Correct(ctx, id, "t3.new.total", 7, "核对原件", "王审核")
			return err
		}, 1, false, false},
		{"Correct, no such report", func() error {
			_, err := s.Correct(ctx, id+1000, "t3.new.total", 7, "核对原件", "王审核")
			return err
		}, 0, true, false},
		{"UndoCorrection", func() error {
			_, err := s.UndoCorrection(ctx, id, "t3.new.total", "改错了", "王审核")
			return err
		}, 1, false, false},
		{"UpdateMeta", func() error {
			return s.UpdateMeta(ctx, id, MetaChange{Year: &year}, "王审核", "年度填错")
		}, 1, false, false},
		{"SaveSheet", func() error {
			_, err := s.SaveSheet(ctx, "测试表", []byte("规则,分值\n"), "王审核")
			return err
		}, 1, false, false},
		{"AddPerson", func() error {
			var err error
			person, err = s.AddPerson(ctx, Person{Name: "李文书", Role: "clerk", Scope: "512022"}, "sha-1", "王审核")
			return err
		}, 0, false, false},
		{"SetPerson", func() error {
			return s.SetPerson(ctx, person.ID, "assessor", "512022", "王审核", "clerk", "assessor")
		}, 0, false, false},
		{"AddSignInLink", func() error {
			return s.AddSignInLink(ctx, "link-1", person.ID, "王审核", time.Now().Add(time.Hour))
		}, 0, false, false},
		{"UseSignInLink", func() error {
			_, err := s.UseSignInLink(ctx, "link-1")
			return err
		}, 0, false, false},
		{"UseSignInLink, used", func() error {
			_, err := s.UseSignInLink(ctx, "link-1")
			return err
		}, 0, true, false},
		{"SaveWebSession", func() error {
			return s.SaveWebSession(ctx, "sess-1", WebSession{CSRF: "c", PersonID: person.ID, Expires: time.Now().Add(time.Hour)}, time.Now())
		}, 0, false, false},
		{"EndWebSession", func() error { return s.EndWebSession(ctx, "sess-1") }, 0, false, false},
		{"RevokePerson", func() error { return s.RevokePerson(ctx, person.ID, "王审核") }, 0, false, false},
		{"RefreshFigures", func() error { return s.RefreshFigures(ctx, []int64{id}) }, 0, false, false},
		{"Save (a second version)", func() error {
			_, err := s.Save(ctx, full("乐至县科委", "乐至县", year, 2, "k3"))
			return err
		}, 1, false, false},
		{"Restore", func() error { return s.Restore(ctx, id, 1, "王审核", "第二版填错") }, 1, false, false},
		{"Restore, no such report", func() error { return s.Restore(ctx, id+1000, 1, "王审核", "") }, 0, true, false},
		{"ReplaceAssessment", func() error {
			return s.ReplaceAssessment(ctx, []string{"copying"}, map[int64]AssessResult{id: {Findings: []report.Finding{{Rule: "copying", Severity: "warning", Message: "与上年雷同"}}}})
		}, 1, false, false},
		{"UpdateAssessment, as stored", func() error {
			return s.UpdateAssessment(ctx, []string{"copying"}, map[int64]AssessResult{id: {Findings: []report.Finding{{Rule: "copying", Severity: "warning", Message: "与上年雷同"}}}}, nil)
		}, 0, false, false},
		{"UpdateAssessment, changed", func() error {
			return s.UpdateAssessment(ctx, []string{"copying"}, map[int64]AssessResult{id: {}}, nil)
		}, 1, false, false},
		{"SaveNarrative", func() error {
			return s.SaveNarrative(ctx, "乐至县科委", "乐至县", year, []NarrativeSection{{Number: 1, Body: "总体情况"}})
		}, 0, false, false},
		{"KeepSource", func() error {
			_, err := s.KeepSource(ctx, "科委.pdf", []byte("%PDF-1.4 k"), "page 1")
			return err
		}, 0, false, false},
		{"KeepSources", func() error {
			return s.KeepSources(ctx, func(keep func(name string, data []byte, text string) (string, error)) error {
				_, err := keep("科委2.pdf", []byte("%PDF-1.4 k2"), "page 1")
				return err
			})
		}, 0, false, false},
		{"ImportUnits", func() error {
			_, err := s.ImportUnits(ctx, "lezhi-units.csv", units, "cli:test")
			return err
		}, 1, false, true},
		{"MergeAgencies", func() error {
			return s.MergeAgencies(ctx, x.AgencyID, y.AgencyID, "王审核", "科委是科学技术委员会的简称")
		}, 1, false, true},
		{"MergeAgencies, into itself", func() error {
			return s.MergeAgencies(ctx, y.AgencyID, y.AgencyID, "王审核", "同一单位")
		}, 0, true, false},
		{"Delete", func() error { return s.DeleteAs(ctx, y.ID, "王审核") }, 1, false, false},
		{"Delete, no such report", func() error { return s.DeleteAs(ctx, y.ID, "王审核") }, 0, true, false},
	}
	for _, st := range steps {
		before := told
		regBefore, err := s.Registry(ctx)
		if err != nil {
			t.Fatal(err)
		}
		err = st.write()
		if (err != nil) != st.wantErr {
			t.Fatalf("%s: error %v, want error %v", st.name, err, st.wantErr)
		}
		if got := told - before; got != st.wantTold {
			t.Errorf("%s told the readers %d times, want %d", st.name, got, st.wantTold)
		}
		regAfter, err := s.Registry(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if rebuilt := regAfter != regBefore; rebuilt != st.newRegistry {
			t.Errorf("%s: registry built again %v, want %v", st.name, rebuilt, st.newRegistry)
		}
	}
	if !errors.Is(s.MergeAgencies(ctx, "", "", "王审核", ""), ErrNoReason) {
		t.Error("a merge without a reason was not refused")
	}
}
