package parse

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseText: no text, however broken, makes the parser panic. The
// corpus starts from the fixtures; run longer with
// go test ./ingest -run '^$' -fuzz FuzzParseText -fuzztime 60s.
func FuzzParseText(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.txt"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err == nil {
			f.Add(string(b))
		}
	}
	f.Add("三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量1-2-3\n四、政府信息公开行政复议、行政诉讼情况\n| | |\n")
	f.Fuzz(func(t *testing.T, text string) {
		r, err := Text("fuzz", text, Meta{})
		if err == nil && r == nil {
			t.Fatal("no report and no error")
		}
	})
}
