package store

import (
	"context"
	"errors"
	"testing"
)

// TestStepsJoinTheReportsTransaction: the original and the text sections
// given as steps are stored with the report; a step that fails takes the
// report, its original and its text back with it.
func TestStepsJoinTheReportsTransaction(t *testing.T) {
	ctx := context.Background()
	count := func(s *Store, table string) int {
		t.Helper()
		var n int
		if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM `+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	failing := func(context.Context, *writer) error { return errors.New("步骤失败") }
	for _, tc := range []struct {
		name  string
		fail  bool
		want  int // rows of reports and of source_documents
		wantN int // narrative rows
	}{
		{"steps succeed", false, 1, 2},
		{"a step fails", true, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openMem(t)
			r := full("劳动镇人民政府", "乐至县", 2022, 2, "steps")
			with := []Step{
				KeepSourceStep("劳动镇.txt", []byte("原件"), "正文"),
				NarrativeStep(r.Agency, r.County, r.Year, []NarrativeSection{{Number: 1, Body: "总体情况"}, {Number: 2, Body: "主动公开"}}),
			}
			if tc.fail {
				with = append(with, failing)
			}
			_, err := s.SaveWith(ctx, r, SaveOptions{Author: "测试", With: with})
			if (err != nil) != tc.fail {
				t.Fatalf("save: %v, want failure %v", err, tc.fail)
			}
			if n := count(s, "reports"); n != tc.want {
				t.Errorf("%d reports, want %d", n, tc.want)
			}
			if n := count(s, "source_documents"); n != tc.want {
				t.Errorf("%d originals, want %d", n, tc.want)
			}
			if n := count(s, "narratives"); n != tc.wantN {
				t.Errorf("%d narrative sections, want %d", n, tc.wantN)
			}
		})
	}
}
