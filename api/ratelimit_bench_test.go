package api

import (
	"strconv"
	"testing"
)

// BenchmarkWriteLimiter takes a token for 1 000 clients in turn, the work
// of every write request (docs/benchmarks.md).
func BenchmarkWriteLimiter(b *testing.B) {
	l := newWriteLimiter(600)
	clients := make([]string, 1000)
	for i := range clients {
		clients[i] = "10.0." + strconv.Itoa(i/256) + "." + strconv.Itoa(i%256)
	}
	i := 0
	for b.Loop() {
		l.allow(clients[i%len(clients)])
		i++
	}
}
