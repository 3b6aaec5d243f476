package document_test

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/html"

	"nianbao/generate"
	"nianbao/ingest/document"
	"nianbao/registry"
)

// The readers measured against their floors (issue 25, item 1): for each
// format of the national generator's output, BenchmarkRead/<format> is
// document.Read over a sample of that format and BenchmarkFloor/<format>
// the least any reader of the format must do with the same bytes:
//
//   - text: Decode (the check that the bytes are UTF-8 and the copy);
//   - html: golang.org/x/net/html's Tokenizer over the file, every token;
//   - docx, xlsx: the zip directory, every .xml member inflated once and
//     encoding/xml's RawToken over it.
//
// Both print ms/report (wall clock) and cpu-ms/report (the process's CPU
// time, the garbage collector's included: on a shared machine the wall
// clock measures the other jobs as much as this one); BenchmarkRead also
// prints its CPU ratio to the floor (x-floor), the floor measured in the
// same process just before.
//
//	go test ./ingest/document -run '^$' -bench 'Read/|Floor/' -benchtime 3x
//
// The sample is `analytics generate --national --seed 1 --limit 2000`,
// generated in process (the same generator and options).

// nationalSample is the sample, by format ("txt", "html", "docx", "xlsx").
var nationalSample = sync.OnceValues(func() (map[string][][]byte, error) {
	reg, err := registry.Default()
	if err != nil {
		return nil, err
	}
	out := map[string][][]byte{}
	err = generate.National(generate.NationalPlaces(reg, 1), generate.NationalOptions{Seed: 1, Limit: 2000}, func(d generate.NationalDoc) error {
		out[d.Format] = append(out[d.Format], d.Data)
		return nil
	})
	return out, err
})

// sampleFormats are the national formats with the name Read is given.
var sampleFormats = []struct{ name, format, file string }{
	{"text", "txt", "r.txt"}, {"html", "html", "r.html"}, {"docx", "docx", "r.docx"}, {"xlsx", "xlsx", "r.xlsx"},
}

func sampleOf(b *testing.B, format string) [][]byte {
	b.Helper()
	s, err := nationalSample()
	if err != nil {
		b.Fatal(err)
	}
	if len(s[format]) == 0 {
		b.Fatalf("no %s report in the national sample", format)
	}
	return s[format]
}

// floorOf runs the floor of format over one file.
func floorOf(format string, data []byte) error {
	switch format {
	case "txt":
		_, err := document.Decode(data)
		return err
	case "html":
		z := html.NewTokenizer(bytes.NewReader(data))
		for z.Next() != html.ErrorToken {
		}
		if err := z.Err(); err != io.EOF {
			return err
		}
		return nil
	default:
		return unzipTokens(data)
	}
}

// unzipTokens inflates every .xml member of a package once and reads
// its tokens.
func unzipTokens(data []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return err
	}
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, ".xml") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return err
		}
		dec := xml.NewDecoder(rc)
		for {
			if _, err = dec.RawToken(); err != nil {
				break
			}
		}
		rc.Close()
		if !errors.Is(err, io.EOF) {
			return fmt.Errorf("%s: %w", f.Name, err)
		}
	}
	return nil
}

var (
	floorMu sync.Mutex
	floors  = map[string]float64{} // format → floor, CPU ms per report
)

// cpuTime is the CPU time this process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// floorMs measures the floor of a format once per process: the best of
// three passes over the sample, in CPU ms per report.
func floorMs(b *testing.B, format string, docs [][]byte) float64 {
	floorMu.Lock()
	defer floorMu.Unlock()
	if ms, ok := floors[format]; ok {
		return ms
	}
	best := time.Duration(1 << 62)
	for range 3 {
		start := cpuTime(b)
		for _, d := range docs {
			if err := floorOf(format, d); err != nil {
				b.Fatal(err)
			}
		}
		best = min(best, cpuTime(b)-start)
	}
	floors[format] = float64(best.Microseconds()) / 1000 / float64(len(docs))
	return floors[format]
}

func BenchmarkFloor(b *testing.B) {
	for _, f := range sampleFormats {
		b.Run(f.name, func(b *testing.B) {
			docs := sampleOf(b, f.format)
			var m0, m1 runtime.MemStats
			runtime.ReadMemStats(&m0)
			cpu := cpuTime(b)
			for b.Loop() {
				for _, d := range docs {
					if err := floorOf(f.format, d); err != nil {
						b.Fatal(err)
					}
				}
			}
			cpu = cpuTime(b) - cpu
			runtime.ReadMemStats(&m1)
			n := float64(b.N * len(docs))
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/n, "ms/report")
			b.ReportMetric(float64(cpu.Microseconds())/1000/n, "cpu-ms/report")
			b.ReportMetric(float64(m1.Mallocs-m0.Mallocs)/n, "allocs/report")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// BenchmarkRead/<format>: document.Read over the sample
// (BenchmarkReadFixture reads one fixture of each format, PDF included).
func BenchmarkRead(b *testing.B) {
	for _, f := range sampleFormats {
		b.Run(f.name, func(b *testing.B) {
			docs := sampleOf(b, f.format)
			floor := floorMs(b, f.format, docs)
			var bytesIn int64
			for _, d := range docs {
				bytesIn += int64(len(d))
			}
			b.SetBytes(bytesIn)
			var m0, m1 runtime.MemStats
			runtime.ReadMemStats(&m0)
			cpu := cpuTime(b)
			for b.Loop() {
				for _, d := range docs {
					if _, err := document.Read(f.file, d); err != nil {
						b.Fatal(err)
					}
				}
			}
			cpu = cpuTime(b) - cpu
			runtime.ReadMemStats(&m1)
			n := float64(b.N * len(docs))
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/n, "ms/report")
			ms := float64(cpu.Microseconds()) / 1000 / n
			b.ReportMetric(ms, "cpu-ms/report")
			b.ReportMetric(float64(m1.Mallocs-m0.Mallocs)/n, "allocs/report")
			b.ReportMetric(float64(m1.TotalAlloc-m0.TotalAlloc)/n/1024, "KB/report")
			b.ReportMetric(ms/floor, "x-floor")
			b.ReportMetric(float64(len(docs)), "reports")
			b.ReportMetric(0, "ns/op")
		})
	}
}
