package registry

import "testing"

// BenchmarkLoad reads and indexes the embedded package files (done once per
// process through Default).
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		r, err := load()
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(r.Places())), "places")
	}
}

// BenchmarkResolve resolves a town within its county, the ingest path.
func BenchmarkResolve(b *testing.B) {
	r, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if m := r.Resolve(Query{Name: "乐至县劳动镇人民政府", County: "资阳市乐至县"}); m.Place == nil {
			b.Fatal("unresolved")
		}
	}
}

// BenchmarkCheckUnknown checks a department the registry does not hold,
// the reader's path for every county bureau's report: the near-miss search
// runs and finds nothing.
func BenchmarkCheckUnknown(b *testing.B) {
	r, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if r.Known("宁强县", "自然资源局") || r.Propose("宁强县", "自然资源局") != "" {
			b.Fatal("resolved")
		}
	}
}
