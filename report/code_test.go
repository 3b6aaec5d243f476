package report

import "testing"

func TestCodeParts(t *testing.T) {
	cases := []struct {
		code     Code
		table    int
		row, col string
		known    bool
	}{
		{T3("denied.state_secret", "total"), 3, "denied.state_secret", "total", true},
		{T2("regulations", "issued"), 2, "regulations", "issued", true},
		{T4("litigation_after", "pending"), 4, "litigation_after", "pending", true},
		{T3("granted", "nobody"), 3, "granted", "nobody", false},
		{Code("x9.a.b"), 0, "", "", false},
	}
	for _, c := range cases {
		if c.code.Table() != c.table || c.code.Row() != c.row || c.code.Column() != c.col || c.code.Known() != c.known {
			t.Errorf("%s: table %d row %q col %q known %v", c.code, c.code.Table(), c.code.Row(), c.code.Column(), c.code.Known())
		}
	}
}

// The iterators give every printed cell of each edition once, all known.
func TestPrintedCodes(t *testing.T) {
	want := map[string]int{Edition2021: 10 + 25*7 + 15, Edition2019: 22 + 23*7 + 15}
	for ed, n := range want {
		seen := map[Code]bool{}
		for c := range PrintedCodes(ed) {
			if !c.Known() || seen[c] {
				t.Errorf("%s: %s unknown or repeated", ed, c)
			}
			seen[c] = true
		}
		if len(seen) != n {
			t.Errorf("%s: %d codes, want %d", ed, len(seen), n)
		}
	}
}
