package parse

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"nianbao/report"
)

// FuzzParseText: whatever the text, the parser does not panic, and what it
// reads holds up: every cell and every cell a finding names has a known
// code, every cell has a source, and no value is invented — each non-zero
// value's digits stand in the text's digits (a glued run split into cells
// keeps them in order). Run longer with
// go test ./parse -run '^$' -fuzz FuzzParseText -fuzztime 60s.
func FuzzParseText(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.txt"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err == nil {
			f.Add(string(b))
		}
	}
	f.Add("三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量1-2-3\n四、政府信息公开行政复议、行政诉讼情况\n| | |\n")
	f.Add("二、主动公开政府信息情况规章000行政规范性文件352018三、收到和处理政府信息公开申请情况一、本年新收政府信息公开申请数量310010050")
	f.Fuzz(func(t *testing.T, text string) {
		r, err := Text("fuzz", text, Meta{})
		if err != nil {
			if strings.TrimSpace(text) != "" {
				t.Fatalf("error on non-empty text: %v", err)
			}
			return
		}
		digits := digitsOf(prepare(text).norm)
		for code, v := range r.Cells {
			d, ok := report.Lookup(code)
			if !ok {
				t.Fatalf("unknown code %q", code)
			}
			if d.Derived {
				continue
			}
			if _, ok := r.Sources[code]; !ok {
				t.Fatalf("%s has no source", code)
			}
			if v != 0 && !strings.Contains(digits, digitsOf(strconv.FormatFloat(math.Abs(v), 'f', -1, 64))) {
				t.Fatalf("%s = %v: these digits are not in the text", code, v)
			}
		}
		for _, fd := range r.Findings {
			for _, c := range fd.Cells {
				if !report.Code(c).Known() {
					t.Fatalf("finding %s names unknown code %q", fd.Rule, c)
				}
			}
		}
	})
}

// digitsOf keeps the digits and decimal points of s, in order.
func digitsOf(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' || c == '.' {
			b.WriteByte(c)
		}
	}
	return b.String()
}
