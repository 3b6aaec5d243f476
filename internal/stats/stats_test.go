package stats

import (
	"math"
	"testing"
)

// Values worked by hand (and in a spreadsheet with MEDIAN and
// PERCENTILE.INC).
func TestMedianAndQuantile(t *testing.T) {
	for _, tc := range []struct {
		vals []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{5, 1}, 3},
		{[]float64{9, 1, 4}, 4},
		{[]float64{0.44, 0.4428, 0.5, 0.1}, 0.4414},
		{[]float64{2, 2, 2, 7}, 2},
	} {
		got, ok := Median(tc.vals)
		if !ok || math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("Median(%v) = %v, %v; want %v", tc.vals, got, ok, tc.want)
		}
	}
	if _, ok := Median(nil); ok {
		t.Error("Median(nil) ok")
	}
	sorted := []float64{1, 2, 3, 4, 10}
	for _, tc := range []struct{ p, want float64 }{{0, 1}, {0.25, 2}, {0.5, 3}, {0.75, 4}, {0.9, 7.6}, {1, 10}} {
		if got := Quantile(sorted, tc.p); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("Quantile(%v) = %v, want %v", tc.p, got, tc.want)
		}
	}
	if !math.IsNaN(Quantile(nil, 0.5)) {
		t.Error("Quantile(nil) not NaN")
	}
}
