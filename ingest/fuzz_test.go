package ingest_test

import (
	"os"
	"path/filepath"
	"testing"

	"nianbao/ingest"
	"nianbao/report"
)

// FuzzParseBytes runs the whole reading path (document reader, then the
// text parser) on mutated text reports, seeded from the real excerpts.
// What must hold for any input: no panic, and every cell read carries a
// code of the catalogue (report.Lookup), of an edition the report has.
func FuzzParseBytes(f *testing.F) {
	files, _ := filepath.Glob("../../shared/corpus/excerpts/*.txt")
	for i, file := range files {
		if i >= 12 {
			break // a dozen seeds suffice; the fuzzer mutates them
		}
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("某镇2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n本年新收政府信息公开申请数量 | 3 | 0 | 0 | 0 | 0 | 0 | 3 |\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		reports, err := ingest.ParseBytes("fuzz.txt", data, ingest.Meta{})
		if err != nil {
			return
		}
		for _, r := range reports {
			for code := range r.Cells {
				if _, ok := report.Lookup(code); !ok {
					t.Fatalf("cell %q is not a known code", code)
				}
			}
		}
	})
}
