package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkKeepSources keeps 256 documents of about 30 KB (a Word file's
// size in the national corpus) in one transaction, each first checked
// with HasSource as ingest's keepOriginals does: the originals were a
// fifth of the store's CPU in a profile of analytics ingest.
func BenchmarkKeepSources(b *testing.B) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 256
	docs := make([][]byte, n)
	texts := make([]string, n)
	for i := range docs {
		d := make([]byte, 30<<10)
		for j := range d {
			d[j] = byte(rng.IntN(256))
		}
		docs[i] = d
		texts[i] = strings.Repeat(fmt.Sprintf("第%d行 本年新收政府信息公开申请 %d 件。\n", i, rng.IntN(1000)), 200)
	}
	for b.Loop() {
		b.StopTimer()
		s, err := Open(filepath.Join(b.TempDir(), "k.duckdb"))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		err = s.KeepSources(ctx, func(keep func(string, []byte, string) (string, error)) error {
			for i := range docs {
				if has, err := s.HasSource(ctx, fmt.Sprint(i)); err != nil || has {
					return err
				}
				if _, err := keep(fmt.Sprintf("d%d.docx", i), docs[i], texts[i]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n)/1000, "ms/doc")
}
