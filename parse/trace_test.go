package parse

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTrace: the trace names the splitter and the passes a fixture needs.
func TestTrace(t *testing.T) {
	cases := []struct {
		file  string
		steps []string
	}{
		{"eight-column-pdf.txt", []string{"表三：spaces", "eight-column"}},
		{"eight-column-pipes.txt", []string{"表三：pipes", "eight-column"}},
		{"glued.txt", []string{"glued-split"}},
		{"pdf-numbers-above.txt", []string{"numbers-above-label"}},
		{"cell-lines-blanks.txt", []string{"cell-a-line", "blank-as-zero"}},
		{"pdf-blanks.txt", []string{"place-by-columns"}},
	}
	for _, c := range cases {
		b, err := os.ReadFile(filepath.Join("testdata", c.file))
		if err != nil {
			t.Fatal(err)
		}
		tr, err := TextTrace(c.file, string(b), Meta{})
		if err != nil {
			t.Fatal(err)
		}
		got := tr.String()
		for _, s := range c.steps {
			if !strings.Contains(got, s) {
				t.Errorf("%s: trace lacks %q:\n%s", c.file, s, got)
			}
		}
	}
	tr, _ := TextTrace("tabs", "三、收到和处理政府信息公开申请情况\n"+strings.Repeat("一、本年新收政府信息公开申请数量\t\t\t1\t\t\t\t\t\t1\n", 5), Meta{})
	if !strings.Contains(tr.String(), "tabs") {
		t.Errorf("tab-pasted text: trace lacks tabs:\n%s", tr)
	}
}
