package main

import (
	"strings"
	"testing"
)

// TestProgressBar checks what the bar writes: the count of files and the
// file in hand, and a final line break once every file is done.
func TestProgressBar(t *testing.T) {
	var out strings.Builder
	bar := newBar(&out)
	files := []string{"/in/凤塘镇2022.pdf", "/in/柳坝镇2022.docx", "/in/劳动镇2022.txt"}
	for i, f := range files {
		bar(i+1, len(files), f)
	}
	got := out.String()
	for _, want := range []string{"3/3", "劳动镇2022.txt"} {
		if !strings.Contains(got, want) {
			t.Errorf("bar output lacks %q:\n%q", want, got)
		}
	}
	if !strings.HasSuffix(got, "\n") {
		t.Errorf("bar output does not end its line:\n%q", got)
	}
	if strings.Contains(got, "/in/") {
		t.Errorf("bar shows the directory, not the file name:\n%q", got)
	}
}
