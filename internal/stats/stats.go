// Package stats holds the order statistics every part of Nianbao uses:
// one median and one quantile, so a median on a page, in an export, in a
// peer check and in the API is the same number. It imports nothing of
// Nianbao, so any package (assess as well as query) may use it.
package stats

import (
	"math"
	"slices"
)

// Quantile is the p-quantile (0 ≤ p ≤ 1) of sorted values by linear
// interpolation between closest ranks (R's type 7, DuckDB's
// quantile_cont, Excel's PERCENTILE.INC), so the figures can be checked
// in a spreadsheet. NaN for no values.
func Quantile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	h := p * float64(len(sorted)-1)
	lo := math.Floor(h)
	i := int(lo)
	if i+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (h-lo)*(sorted[i+1]-sorted[i])
}

// Median of the values in any order (the quantile at one half: the middle
// value, or the mean of the two middle ones); ok is false for none.
func Median(vals []float64) (m float64, ok bool) {
	if len(vals) == 0 {
		return 0, false
	}
	return Quantile(slices.Sorted(slices.Values(vals)), 0.5), true
}
