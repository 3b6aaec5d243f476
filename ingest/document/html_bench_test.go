package document

import (
	"context"
	"fmt"
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

// BenchmarkHTMLReaders: the HTML pages of the national sample
// (`generate --national --seed 1 --limit 2000`), decoded once, read
//
//   - floor: by html.Tokenizer alone, every token (the least any reader does);
//   - tree: by readHTMLTree (html.Parse, then the walk over its tree: the
//     reader before the line reader);
//   - lines: by readHTML (the line reader, the tree where it gives up);
//   - late: the pages with <svg></svg> at their end, which the line
//     reader reads to the end and then gives to the tree.
//
// Each prints CPU ms per page (the garbage collector's included: the
// steady figure on a shared machine) and its ratio to the floor:
//
//	go test ./ingest/document -run '^$' -bench HTMLReaders -benchtime 5x
func BenchmarkHTMLReaders(b *testing.B) {
	pages := htmlSample(b)
	rc := &readCtx{ctx: context.Background(), lim: BuiltinLimits()}
	read := map[string]func(string) error{
		"floor": func(text string) error {
			z := html.NewTokenizer(strings.NewReader(text))
			for z.Next() != html.ErrorToken {
			}
			if z.Err() != io.EOF {
				return z.Err()
			}
			return nil
		},
		"tree":  func(text string) error { _, err := readHTMLTree(rc, text); return err },
		"lines": func(text string) error { _, err := readHTML(rc, text); return err },
	}
	// late: the same pages ending in an element the line reader gives
	// to the tree (<svg>), found only at their end: the most a page the
	// line reader cannot read pays for trying.
	late := make(map[string]string, len(pages))
	for _, p := range pages {
		late[p] = p + "<svg></svg>"
	}
	read["late"] = func(text string) error {
		if _, ok, _ := readHTMLLines(rc, late[text]); ok {
			return fmt.Errorf("the line reader read a page with <svg>")
		}
		_, err := readHTMLTree(rc, late[text])
		return err
	}
	var floor float64
	for _, name := range []string{"floor", "tree", "lines", "late"} {
		b.Run(name, func(b *testing.B) {
			var ru0, ru1 syscall.Rusage
			b.ReportAllocs()
			syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
			for b.Loop() {
				for _, p := range pages {
					if err := read[name](p); err != nil {
						b.Fatal(err)
					}
				}
			}
			syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
			cpu := time.Duration(ru1.Utime.Nano() + ru1.Stime.Nano() - ru0.Utime.Nano() - ru0.Stime.Nano())
			ms := float64(cpu.Microseconds()) / 1000 / float64(b.N*len(pages))
			if name == "floor" {
				floor = ms
			}
			b.ReportMetric(ms, "cpu-ms/page")
			if floor > 0 {
				b.ReportMetric(ms/floor, "x-floor")
			}
			b.ReportMetric(float64(len(pages)), "pages")
			b.ReportMetric(0, "ns/op")
		})
	}
}

var htmlSamplePages = sync.OnceValues(func() ([]string, error) {
	reg, err := registry.Default()
	if err != nil {
		return nil, err
	}
	var pages []string
	err = generate.National(generate.NationalPlaces(reg, 1), generate.NationalOptions{Seed: 1, Limit: 2000, Formats: []string{"html"}}, func(d generate.NationalDoc) error {
		text, err := Decode(d.Data)
		pages = append(pages, text)
		return err
	})
	return pages, err
})

func htmlSample(b *testing.B) []string {
	b.Helper()
	pages, err := htmlSamplePages()
	if err != nil {
		b.Fatal(err)
	}
	return pages
}
