package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestValidateOutput: lines within 100 display columns, the explanation
// column starting at one offset on every finding row, PDF places cited by
// page, and exit codes that tell findings from usage errors.
func TestValidateOutput(t *testing.T) {
	dir := t.TempDir()
	unreadable := filepath.Join(dir, "old.doc")
	os.WriteFile(unreadable, []byte("\xd0\xcf\x11\xe0 not a report"), 0o644)
	cases := []struct {
		name  string
		args  []string
		exit  int
		place string // a place the output must cite ("" = none)
	}{
		{"broken text", []string{"validate", "testdata/broken.txt"}, validateFindings, "第6行"},
		{"PDF cited by page", []string{"validate", filepath.Join("..", "..", "..", "shared", "corpus", "peer", "hzq2023_working.pdf")}, validateFindings, "第4页第123行"},
		{"no file", []string{"validate"}, validateUsage, ""},
		{"unknown flag", []string{"validate", "--nope", "testdata/broken.txt"}, validateUsage, ""},
		{"unreadable file", []string{"validate", unreadable}, validateUnread, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if code := run(tc.args, &out, &errb); code != tc.exit {
				t.Fatalf("exit %d, want %d; stderr %s", code, tc.exit, errb.String())
			}
			if tc.exit == validateUsage && !strings.Contains(errb.String(), "用法：analytics validate") {
				t.Errorf("usage not in Chinese:\n%s", errb.String())
			}
			if tc.place != "" && !strings.Contains(out.String(), tc.place) {
				t.Errorf("output does not cite %s:\n%s", tc.place, out.String())
			}
			offset := -1
			for _, line := range strings.Split(out.String(), "\n") {
				if w := displayWidth(line); w > lineWidth {
					t.Errorf("line of %d columns: %s", w, line)
				}
				if strings.HasPrefix(line, "序号") {
					offset = displayWidth(line[:strings.Index(line, "说明")])
					continue
				}
				if offset > 0 && len(line) > 0 && line[0] >= '1' && line[0] <= '9' {
					// a finding row: the explanation starts under 说明
					prefix := []rune(line)
					n, i := 0, 0
					for ; i < len(prefix) && n < offset; i++ {
						n += displayWidth(string(prefix[i]))
					}
					if n != offset || i >= len(prefix) || prefix[i-1] != ' ' || prefix[i] == ' ' {
						t.Errorf("explanation not at column %d: %q", offset, line)
					}
				}
			}
		})
	}
}

func TestWrapDisplay(t *testing.T) {
	cases := []struct {
		in    string
		width int
		want  []string
	}{
		{"尚未审结＝11，但总计为0", 12, []string{"尚未审结＝", "11，但总计为", "0"}},
		{"abc def", 4, []string{"abc ", "def"}},
		{"一二三。四", 6, []string{"一二", "三。四"}},
	}
	for _, tc := range cases {
		got := wrapDisplay(tc.in, tc.width, "")
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("wrapDisplay(%q, %d) = %q, want %q", tc.in, tc.width, got, tc.want)
		}
	}
}
