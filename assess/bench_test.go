package assess_test

import (
	"context"
	"testing"

	"nianbao/assess"
	"nianbao/ingest"
	"nianbao/store"
)

// BenchmarkRecheckCounty re-runs every assessment check over the sample's
// larger county (16 towns, six years): what an ingest of that county pays
// once at its end, and an upload or correction pays for its two years.
func BenchmarkRecheckCounty(b *testing.B) {
	ctx := context.Background()
	st, err := store.Open("")
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if _, err := ingest.IngestPaths(ctx, st, []string{"../data/sample"}, ingest.Meta{}, nil); err != nil {
		b.Fatal(err)
	}
	sheet := assess.DefaultSheet()
	b.Run("all years", func(b *testing.B) {
		for b.Loop() {
			if err := assess.RecheckCounty(ctx, st, "乐至县", 2022, 2024, sheet); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N*75)/b.Elapsed().Seconds(), "reports/s")
	})
	b.Run("one upload", func(b *testing.B) {
		for b.Loop() {
			if err := assess.RecheckCounty(ctx, st, "乐至县", 2023, 2024, sheet); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("score sheet", func(b *testing.B) {
		for b.Loop() {
			if _, err := assess.Assess(ctx, st, "乐至县", 2024, sheet); err != nil {
				b.Fatal(err)
			}
		}
	})
}
