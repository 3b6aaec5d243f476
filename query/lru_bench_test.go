package query

import (
	"strconv"
	"testing"
)

// BenchmarkLRU is the read cache under a reader mix: nine hits for one
// miss that adds an entry and evicts the oldest (docs/benchmarks.md).
func BenchmarkLRU(b *testing.B) {
	c := newLRU(CacheEntries, CacheBytes)
	keys := make([]string, 4*CacheEntries)
	for i := range keys {
		keys[i] = "stats|county=第" + strconv.Itoa(i) + "县|year=2023"
	}
	for _, k := range keys[:CacheEntries] {
		c.add(k, k, 4096)
	}
	i := 0
	for b.Loop() {
		if i%10 == 0 {
			k := keys[(CacheEntries+i/10)%len(keys)]
			c.add(k, k, 4096)
		} else {
			c.get(keys[i%CacheEntries])
		}
		i++
	}
}
