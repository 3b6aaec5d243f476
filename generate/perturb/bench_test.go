package perturb

import "testing"

// BenchmarkScore is one case read back and compared with its truth, over
// every perturbation in turn (the cost of a case in analytics perturb).
func BenchmarkScore(b *testing.B) {
	var cases []*Case
	truths := corpus(1, 40, 4)
	for i, p := range All() {
		if c, ok := p.make(truths[i%len(truths)], newRand(1, i)); ok {
			cases = append(cases, c)
		}
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Score(cases[i%len(cases)])
	}
}
