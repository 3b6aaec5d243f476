package degrade

import (
	"image"
	"image/color"
	"strings"
	"testing"

	"nianbao/report"
)

// TestCompare: each cell of the truth lands in one class; a cell read
// that the truth lacks, with no finding, is silently wrong; an info
// finding does not flag.
func TestCompare(t *testing.T) {
	truth := report.New("t")
	for c, v := range map[string]float64{"a": 1, "b": 2, "c": 3, "d": 4, "e": 5} {
		truth.Cells[c] = v
	}
	got := report.New("g")
	for c, v := range map[string]float64{"a": 1, "b": 9, "c": 3, "d": 7, "x": 1} {
		got.Cells[c] = v
	}
	got.Findings = []report.Finding{
		{Severity: report.SeverityWarning, Cells: []string{"b"}},
		{Severity: report.SeverityWarning, Cells: []string{"a"}}, // right, flagged
		{Severity: report.SeverityInfo, Cells: []string{"c", "d"}},
	}
	s := Compare(truth, got)
	want := Score{Exact: 1, Flagged: 2, FlaggedRight: 1, Unread: 1, Wrong: 2}
	if s.Exact != want.Exact || s.Flagged != want.Flagged || s.FlaggedRight != want.FlaggedRight || s.Unread != want.Unread || s.Wrong != want.Wrong || s.Cells() != 6 {
		t.Errorf("got %v, want %+v", s, want)
	}
	if len(s.WrongCells) != 2 || !strings.HasPrefix(s.WrongCells[0], "d=7") || !strings.HasPrefix(s.WrongCells[1], "x=1") {
		t.Errorf("wrong cells %v", s.WrongCells)
	}
	if sum := s.Add(s); sum.Exact != 2 || sum.FlaggedRight != 2 || len(sum.WrongCells) != 4 || len(s.WrongCells) != 2 {
		t.Errorf("Add: %v (and %v)", sum, s)
	}
}

// TestByName: names pick degradations in the order given; an unknown
// name is refused with the list of names.
func TestByName(t *testing.T) {
	ds, err := ByName("红印章, 无")
	if err != nil || len(ds) != 2 || ds[0].Name != "红印章" || ds[1].Name != "无" {
		t.Fatalf("%v %v", ds, err)
	}
	if all, _ := ByName(""); len(all) != len(All()) {
		t.Errorf("empty list gave %d of %d", len(all), len(All()))
	}
	if _, err := ByName("没有"); err == nil || !strings.Contains(err.Error(), "光照不均") {
		t.Errorf("unknown name: %v", err)
	}
}

// TestRedStamp: the red seal is red over paper and leaves black print
// black; the grey one darkens paper to 185.
func TestRedStamp(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 300, 400))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	red, grey := RedStamp(g), Stamp(g)
	// A point of the ring: centre (186, 200), radius 36.
	c := red.RGBAAt(186+36, 200)
	if c.R != 220 || c.G != 40 || c.B != 40 {
		t.Errorf("ring pixel %v, want the seal's red", c)
	}
	if v := grey.GrayAt(186+36, 200).Y; v != 185 {
		t.Errorf("grey ring pixel %d, want 185", v)
	}
	g.SetGray(186+36, 200, color.Gray{0})
	if c := RedStamp(g).RGBAAt(186+36, 200); c.R != 0 || c.G != 0 || c.B != 0 {
		t.Errorf("print under the seal %v, want black", c)
	}
}
