package parse

import (
	"os"
	"slices"
	"strings"
	"testing"

	"nianbao/report"
)

// TestTable4Short: a table 4 with fewer than fifteen numbers is never
// read silently. At the end of the text its numbers are kept in order and
// the cells it lacks named in a parse_missing finding; with text after it
// (where the missing numbers may stand) it is not read, and says so.
func TestTable4Short(t *testing.T) {
	full, err := os.ReadFile("testdata/table4/fengtang-2022.txt")
	if err != nil {
		t.Fatal(err)
	}
	const row = "2 0 0 0 2 0 0 0 0 0 0 0 0 0 0"
	before, after, ok := strings.Cut(string(full), row+"\n")
	if !ok {
		t.Fatal("fixture changed: table 4's row not found")
	}
	short := "2 1 0 0 3 0 0 0 0 0 0 0" // twelve numbers
	cases := []struct {
		name    string
		text    string
		rule    string
		message string
		read    int // table 4 cells read
	}{
		{"at the end", before + short + "\n", report.RuleMissing, "表四只读到12个数字，应有15个", 12},
		{"text after", before + short + "\n" + after, report.RuleAmbiguous, "只有12个数字，应有15个", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Text("short.txt", tc.text, Meta{})
			if err != nil {
				t.Fatal(err)
			}
			read := 0
			for c := range r.Cells {
				if report.Code(c).Table() == 4 {
					read++
				}
			}
			if read != tc.read {
				t.Errorf("%d table 4 cells read, want %d", read, tc.read)
			}
			if tc.read > 0 && (r.Cells["t4.reconsideration.corrected"] != 1 || r.Cells["t4.reconsideration.total"] != 3) {
				t.Errorf("numbers out of order: %v", r.Cells)
			}
			var f *report.Finding
			for i := range r.Findings {
				if r.Findings[i].Rule == tc.rule && strings.Contains(r.Findings[i].Message, tc.message) {
					f = &r.Findings[i]
				}
			}
			if f == nil {
				t.Fatalf("no %s finding %q: %+v", tc.rule, tc.message, r.Findings)
			}
			if tc.rule == report.RuleMissing && (len(f.Cells) != 3 || !slices.Contains(f.Cells, "t4.litigation_after.total")) {
				t.Errorf("missing cells %v, want the last three", f.Cells)
			}
		})
	}
}
