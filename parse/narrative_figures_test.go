package parse

import (
	"os"
	"slices"
	"strings"
	"testing"

	"nianbao/report"
)

// TestNarrativeFigures: every figure section 一 states of tables 2–4 is
// checked (rule 6), each mention on its own, in both editions: the
// fixtures state some figures right and some wrong, one of them right
// at its first mention and wrong at its second.
func TestNarrativeFigures(t *testing.T) {
	for _, c := range []struct {
		file  string
		wrong []string // the stated fragments rule 6 reports
		read  int      // figures read besides 收到申请
	}{
		{"narrative-figures-2021.txt", []string{"办结申请3件", "行政强制2件"}, 10},
		{"narrative-figures-2019.txt", []string{"行政复议1件"}, 7},
	} {
		t.Run(c.file, func(t *testing.T) {
			b, err := os.ReadFile("testdata/" + c.file)
			if err != nil {
				t.Fatal(err)
			}
			r, err := Text(c.file, string(b), Meta{})
			if err != nil {
				t.Fatal(err)
			}
			read := 0
			for _, n := range r.Narrative {
				if !slices.Contains(n.Cells, "t3.new.total") {
					read++
				}
			}
			if read != c.read {
				t.Errorf("%d figures read, want %d: %+v", read, c.read, r.Narrative)
			}
			var got []string
			for _, f := range r.Findings {
				if f.Rule != report.RuleNarrative {
					continue
				}
				if !slices.ContainsFunc(c.wrong, func(w string) bool { return strings.Contains(f.Message, "“"+w+"”") }) {
					t.Errorf("rule 6 reports a figure stated right: %s", f.Message)
				}
				for _, w := range c.wrong {
					if strings.Contains(f.Message, "“"+w+"”") {
						got = append(got, w)
					}
				}
			}
			if !slices.Equal(got, c.wrong) {
				t.Errorf("rule 6 reports %v, want %v (findings %+v)", got, c.wrong, r.Findings)
			}
		})
	}
}
