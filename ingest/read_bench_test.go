package ingest

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"nianbao/generate"
	"nianbao/ingest/document"
	"nianbao/parse"
	"nianbao/registry"
)

// BenchmarkReadText measures a text report's way through an ingest's
// reader goroutine, everything before the store (issue 25, item 1):
//
//   - reader: what a parse goroutine of an ingest does with one file —
//     the manifest's meta, the file read, decoded, parsed, classified,
//     hashed, and the writer's share made — the original packed too, as an
//     ingest keeping originals does (prepare, resultCost);
//   - parse: parse.Text alone over the same texts with the same meta,
//     the floor the reader is held to.
//
// Both print cpu-ms/report (the process's CPU time over the loop, the
// collector's included: the steady figure on a shared machine) and, with
// -benchmem, the allocations per report. One iteration is one report,
// cycling over the sample, so -benchtime 5000x reads 5 000:
//
//	go test ./ingest -run '^$' -bench ReadText -benchmem -benchtime 5000x
//
// The sample is the text files of `analytics generate --national --seed 1
// --limit 2000 --formats txt`, written to a temporary folder with their
// manifests; NIANBAO_TEXT_CORPUS names another folder of them instead.
func BenchmarkReadText(b *testing.B) {
	files := textSample(b)
	read := fileParser(Meta{})
	// The meta each file gets from its manifest, and its text, for the
	// parse alone (read here, so the parse pays for neither).
	metas := make([]Meta, len(files))
	texts := make([]string, len(files))
	mf := map[string]*document.Manifest{}
	for i, f := range files {
		m, ok := mf[filepath.Dir(f)]
		if !ok {
			if got, err := document.LoadManifest(filepath.Dir(f)); err == nil {
				m = &got
			}
			mf[filepath.Dir(f)] = m
		}
		metas[i] = Meta{}
		if m != nil {
			if e, ok := m.Lookup(filepath.Base(f)); ok {
				metas[i] = mergeManifest(metas[i], e)
			}
		}
		withPlaces(&metas[i])
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		texts[i] = string(data)
	}
	b.Run("reader", func(b *testing.B) {
		b.ReportAllocs()
		cpu := readCPU(b)
		for i := 0; i < b.N; i++ {
			res := read(files[i%len(files)])
			if res.Err != nil || len(res.Reports) != 1 {
				b.Fatalf("%s: %v, %d reports", res.Path, res.Err, len(res.Reports))
			}
			prepare(&res, DefaultMaxOriginal)
			res.cost = resultCost(res)
		}
		reportCPU(b, cpu)
	})
	b.Run("parse", func(b *testing.B) {
		b.ReportAllocs()
		cpu := readCPU(b)
		for i := 0; i < b.N; i++ {
			j := i % len(files)
			if _, err := parse.Text(filepath.Base(files[j]), texts[j], metas[j]); err != nil {
				b.Fatal(err)
			}
		}
		reportCPU(b, cpu)
	})
}

// textSample is BenchmarkReadText's files.
func textSample(b *testing.B) []string {
	dir := os.Getenv("NIANBAO_TEXT_CORPUS")
	if dir == "" {
		reg, err := registry.Default()
		if err != nil {
			b.Fatal(err)
		}
		dir = b.TempDir()
		opts := generate.NationalOptions{Seed: 1, Limit: 2000, Formats: []string{"txt"}}
		if _, err := generate.WriteNational(dir, generate.NationalPlaces(reg, 1), opts); err != nil {
			b.Fatal(err)
		}
	}
	files, err := CollectFiles([]string{dir})
	if err != nil {
		b.Fatal(err)
	}
	if len(files) == 0 {
		b.Fatalf("no files in %s", dir)
	}
	return files
}

// readCPU restarts the timer and returns the CPU time this process has
// used.
func readCPU(b *testing.B) time.Duration {
	b.ResetTimer()
	return processCPU(b)
}

// reportCPU prints the CPU per report since readCPU.
func reportCPU(b *testing.B, since time.Duration) {
	b.StopTimer()
	b.ReportMetric(float64((processCPU(b)-since).Microseconds())/1000/float64(b.N), "cpu-ms/report")
}

func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
