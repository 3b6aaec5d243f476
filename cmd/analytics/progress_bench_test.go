package main

import (
	"io"
	"testing"
)

// BenchmarkProgressBar is the bar's cost per file ingested: one call per
// file of a 10 000-file load (docs/benchmarks.md).
func BenchmarkProgressBar(b *testing.B) {
	const total = 10_000
	bar := newBar(io.Discard)
	i := 0
	for b.Loop() {
		bar(i%total+1, total, "/data/2023/某县/某镇人民政府2023年政府信息公开工作年度报告.pdf")
		i++
	}
}
