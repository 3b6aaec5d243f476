package query_test

import (
	"math"
	"testing"

	"nianbao/query"
)

// TestPeerStatistics: quartiles and percentile ranks against sets worked
// out by hand (type-7 quantiles: h = p·(n−1), interpolated).
func TestPeerStatistics(t *testing.T) {
	seq := func(n int) []float64 {
		out := make([]float64, n)
		for i := range out {
			out[i] = float64(i + 1)
		}
		return out
	}
	cases := []struct {
		name          string
		values        []float64
		v             float64
		p25, p50, p75 float64
		rank          float64 // -1: not ranked
	}{
		// 1..10: h = 2.25, 4.5, 6.75 → 3.25, 5.5, 7.75; not ranked (n < 30).
		{"ten", seq(10), 5, 3.25, 5.5, 7.75, -1},
		// 1..40, v = 10: 9 below, 1 equal → (9 + 0.5)/40 = 23.75 %;
		// h = 9.75, 19.5, 29.25 → 10.75, 20.5, 30.25.
		{"forty", seq(40), 10, 10.75, 20.5, 30.25, 23.75},
		// Thirty values, the first fifteen 0 and the rest 1: v = 0 has
		// 15 ties → 0.5·15/30 = 25 %; h = 7.25, 14.5, 21.75 → 0, 0.5, 1.
		{"ties", append(make([]float64, 15), []float64{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}...), 0, 0, 0.5, 1, 25},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := query.Peer("county", "示范县", c.values, c.v)
			if s.N != len(c.values) || s.P25 == nil || *s.P25 != c.p25 || *s.P50 != c.p50 || *s.P75 != c.p75 {
				t.Fatalf("n %d quartiles %v %v %v, want %v %v %v", s.N, *s.P25, *s.P50, *s.P75, c.p25, c.p50, c.p75)
			}
			if c.rank < 0 {
				if s.Ranked || s.Rank != nil || s.Note == "" {
					t.Errorf("a group of %d ranked: %+v", s.N, s)
				}
				return
			}
			if !s.Ranked || s.Rank == nil || math.Abs(*s.Rank-c.rank) > 1e-9 {
				t.Errorf("rank %v, want %v", s.Rank, c.rank)
			}
		})
	}
	if got := query.Fraction(3, 20); got != "15.0% (3/20)" {
		t.Errorf("fraction %q", got)
	}
	if got := query.Peer("nation", "", nil, 1); got.P50 != nil || got.Ranked {
		t.Errorf("empty group %+v", got)
	}
}
