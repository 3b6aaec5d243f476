package cellsafe

import (
	"slices"
	"testing"
)

func TestText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`=HYPERLINK("http://x")`, `'=HYPERLINK("http://x")`},
		{`+cmd|' /C calc'!A0`, `'+cmd|' /C calc'!A0`},
		{"-2+3", "'-2+3"},
		{"@SUM(1)", "'@SUM(1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"劳动镇人民政府", "劳动镇人民政府"},
		{"a=1", "a=1"},
		{"", ""},
		{"'=already", "'=already"},
	} {
		if got := Text(tc.in); got != tc.want {
			t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if Unsafe(Text(tc.in)) {
			t.Errorf("Text(%q) is still unsafe", tc.in)
		}
	}
}

func TestValuesLeavesNumbers(t *testing.T) {
	got := Values([]any{"=1", -5.0, -3, nil, "x"})
	want := []any{"'=1", -5.0, -3, nil, "x"}
	if !slices.Equal(got, want) {
		t.Errorf("Values = %v, want %v", got, want)
	}
}
