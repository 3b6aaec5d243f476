package document

import (
	"context"
	"io"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/html"

	"nianbao/generate"
	"nianbao/registry"
)

// BenchmarkHTMLStages splits reading a page into its stages over the HTML
// pages of the national sample (`generate --national --seed 1 --limit
// 2000`, as BenchmarkRead), each printing CPU ms per page:
//
//   - decode: Decode of the file's bytes (GBK for half the pages);
//
//   - tokenize: html.Tokenizer over the decoded text, every token (the
//     floor of any reader);
//
//   - parse: html.Parse's tree alone;
//
//   - tree: readHTMLTree (the tree and the walk over it);
//
//   - pass: the stream's pass alone (tokens through the builder's copy
//     into the log);
//
//   - stream: readHTMLStream (the pass and the walk over the log);
//
//   - late-bail: readHTML over the pages with a <template> before </body>,
//     which the stream gives to the tree at the end: the most a page
//     the stream cannot read costs.
//
//     go test ./ingest/document -run '^$' -bench HTMLStages -benchtime 5x
func BenchmarkHTMLStages(b *testing.B) {
	files, texts := htmlSample(b)
	rc := &readCtx{ctx: context.Background(), lim: BuiltinLimits()}
	late := make([]string, len(texts))
	for i, t := range texts {
		late[i] = strings.Replace(t, "</body>", "<template></template></body>", 1)
		if _, _, ok := readHTMLStream(rc, late[i]); ok {
			b.Fatalf("page %d with a template streamed", i)
		}
	}
	stages := []struct {
		name string
		run  func(i int) error
	}{
		{"decode", func(i int) error { _, err := Decode(files[i]); return err }},
		{"tokenize", func(i int) error {
			z := html.NewTokenizer(strings.NewReader(texts[i]))
			for z.Next() != html.ErrorToken {
			}
			if err := z.Err(); err != io.EOF {
				return err
			}
			return nil
		}},
		{"parse", func(i int) error { _, err := html.Parse(strings.NewReader(texts[i])); return err }},
		{"tree", func(i int) error { _, err := readHTMLTree(rc, texts[i]); return err }},
		{"pass", func(i int) error {
			p := streamPool.Get().(*streamParser)
			defer streamPool.Put(p)
			if !p.parse(texts[i]) {
				b.Fatalf("page %d not streamed", i)
			}
			return nil
		}},
		{"stream", func(i int) error {
			if _, err, ok := readHTMLStream(rc, texts[i]); !ok || err != nil {
				b.Fatalf("page %d: streamed %v, %v", i, ok, err)
			}
			return nil
		}},
		{"late-bail", func(i int) error { _, err := readHTML(rc, late[i]); return err }},
	}
	for _, s := range stages {
		b.Run(s.name, func(b *testing.B) {
			cpu := cpuNow(b)
			for b.Loop() {
				for i := range texts {
					if err := s.run(i); err != nil {
						b.Fatal(err)
					}
				}
			}
			n := float64(b.N * len(texts))
			b.ReportMetric(float64((cpuNow(b)-cpu).Microseconds())/1000/n, "cpu-ms/page")
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/n, "ms/page")
			b.ReportMetric(0, "ns/op")
		})
	}
}

var htmlSampleOnce = sync.OnceValues(func() ([][]byte, error) {
	reg, err := registry.Default()
	if err != nil {
		return nil, err
	}
	var out [][]byte
	err = generate.National(generate.NationalPlaces(reg, 1), generate.NationalOptions{Seed: 1, Limit: 2000}, func(d generate.NationalDoc) error {
		if d.Format == "html" {
			out = append(out, d.Data)
		}
		return nil
	})
	return out, err
})

// htmlSample is the HTML pages of the national sample, as files and as
// decoded text.
func htmlSample(b *testing.B) ([][]byte, []string) {
	files, err := htmlSampleOnce()
	if err != nil {
		b.Fatal(err)
	}
	texts := make([]string, len(files))
	for i, f := range files {
		if texts[i], err = Decode(f); err != nil {
			b.Fatal(err)
		}
	}
	return files, texts
}

func cpuNow(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
