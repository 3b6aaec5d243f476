package report

import (
	"math"
	"testing"
)

// A change column printed as "-0" is zero, and must not be stored with its
// sign (it would print as -0 in every export).
func TestSetNegativeZeroIsZero(t *testing.T) {
	r := New("x.txt")
	for _, v := range []float64{math.Copysign(0, -1), 0, -3, 2.5} {
		r.Set("t2.fees.change", v, Source{})
		got := r.Cells["t2.fees.change"]
		if got != v || (v == 0 && math.Signbit(got)) {
			t.Errorf("Set(%v): stored %v (sign bit %v)", v, got, math.Signbit(got))
		}
	}
}
