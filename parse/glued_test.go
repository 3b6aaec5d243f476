package parse

import (
	"strings"
	"testing"
)

// The candidate readings of a glued run: zero marks are zero cells and
// boundaries, signs open a number, and nothing else is invented.
func TestSplitsWithMarks(t *testing.T) {
	cases := []struct {
		run   string
		width int
		want  []string // every reading, in the order splits gives them
	}{
		{"—210", 3, []string{"0/2/10", "0/21/0"}},
		{"—1————1", 7, []string{"0/1/0/0/0/0/1"}},
		{"——", 2, []string{"0/0"}},
		{"——", 1, []string{"0"}},
		{"无无3", 3, []string{"0/0/3"}},
		{"1〇〇〇1〇〇〇〇〇〇〇〇〇〇", 15, []string{"1/0/0/0/1/0/0/0/0/0/0/0/0/0/0"}},
		{"0+11", 3, []string{"0/1/1"}},
		{"12+315", 3, []string{"1/2/315", "12/3/15", "12/31/5"}},
		{"7-10", 3, []string{"7/-1/0"}},
		{"0312.5", 2, []string{"0/312.5"}},
		{"3/", 2, []string{"3/0"}},
		{"—2", 1, nil},   // a mark is a cell of its own: two cells, not one
		{"1a2", 2, nil},  // not a run of numbers
		{"+-3", 1, nil},  // two signs
		{"0012", 2, nil}, // no number but 0 opens with 0
	}
	for _, tc := range cases {
		var got []string
		for _, sp := range splits(tc.run, tc.width) {
			got = append(got, fmtSplit(sp))
		}
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("splits(%q, %d) = %v, want %v", tc.run, tc.width, got, tc.want)
		}
	}
}

func TestMarkedRun(t *testing.T) {
	cases := []struct {
		s    string
		want bool
	}{
		{"—1————1", true}, {"171无", true}, {"0+11", true}, {"无无", true},
		{"—", false}, {"123", false}, {"7-3", false}, {"无正当理由", false}, {"2021年", false},
	}
	for _, tc := range cases {
		if got := markedRun(tc.s); got != tc.want {
			t.Errorf("markedRun(%q) = %v, want %v", tc.s, got, tc.want)
		}
	}
}

// A spaced row's whole numbers under every choice of columns.
func TestBlankReadings(t *testing.T) {
	got := blankReadings([]cell{{val: 5}, {val: 5}}, 3)
	var s []string
	for _, r := range got {
		s = append(s, fmtSplit(r))
	}
	if want := "5/5/0 5/0/5 0/5/5"; strings.Join(s, " ") != want {
		t.Errorf("blankReadings = %v, want %s", s, want)
	}
}
