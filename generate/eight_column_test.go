package generate

import (
	"strings"
	"testing"

	"nianbao/report"
)

// The eight-column table prints every standard cell once, in its place,
// and 小计 figures that are the sums they claim to be.
func TestGridEightColumn(t *testing.T) {
	for _, r := range Corpus(Options{Seed: 4, Towns: []int{3}, FirstYear: 2020, LastYear: 2022}) {
		rows := GridEightColumn(r)
		seen := map[report.Code]bool{}
		subtotalRows := 0
		for _, g := range rows {
			if g.Head || g.Table != 3 {
				continue
			}
			if len(g.Values) != 8 || len(g.Codes) != 8 || g.Width != 11 {
				t.Fatalf("%s %d: row %v has %d values, %d codes, width %d", r.Agency, r.Year, g.Labels, len(g.Values), len(g.Codes), g.Width)
			}
			if org := g.Values[1] + g.Values[2] + g.Values[3] + g.Values[4] + g.Values[5]; org != g.Values[6] {
				t.Errorf("%v: 小计 column %v, organisations add up to %v", g.Labels, g.Values[6], org)
			}
			if g.Codes[6] != "" {
				t.Errorf("%v: the 小计 column carries code %s", g.Labels, g.Codes[6])
			}
			if g.Labels[len(g.Labels)-1] == "小计" {
				subtotalRows++
				continue
			}
			for i, c := range g.Codes {
				if c == "" {
					continue
				}
				seen[c] = true
				if want := r.Cells[string(c)]; g.Values[i] != want {
					t.Errorf("%s printed %v, truth %v", c, g.Values[i], want)
				}
			}
		}
		want := 3
		if r.Edition == report.Edition2021 {
			want = 4
		}
		if subtotalRows != want {
			t.Errorf("%s %d (edition %s): %d 小计 rows, want %d", r.Agency, r.Year, r.Edition, subtotalRows, want)
		}
		for c := range report.T3Codes(r.Edition) {
			if !seen[c] {
				t.Errorf("%s not printed", c)
			}
		}
		text := string(RenderEightColumn(r, LayoutRowPipe))
		if !strings.Contains(text, "(三)不予公开 | 小计 |") || !strings.Contains(text, "| 其他 | 小计 |") {
			t.Errorf("row-pipe text lacks the 小计 row or column:\n%s", text)
		}
	}
}

// Grid gives every printed cell of the report, with its value.
func TestGridCodes(t *testing.T) {
	for _, r := range Corpus(Options{Seed: 5, Towns: []int{2}, FirstYear: 2020, LastYear: 2021}) {
		n := 0
		for _, g := range Grid(r) {
			for i, c := range g.Codes {
				n++
				if got := r.Cells[string(c)]; got != g.Values[i] {
					t.Errorf("%s: grid %v, truth %v", c, g.Values[i], got)
				}
			}
		}
		want := 0
		for range report.PrintedCodes(r.Edition) {
			want++
		}
		if n != want {
			t.Errorf("%s %d: grid has %d coded values, the edition prints %d", r.Agency, r.Year, n, want)
		}
	}
}
