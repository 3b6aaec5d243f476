package change_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"nianbao/assess"
	"nianbao/change"
	"nianbao/ingest"
	"nianbao/report"
	"nianbao/store"
)

// TestUploadCostAtScale measures an upload through change.Service inside
// one process, where CPU is the process's own (DuckDB's threads included)
// and the variants alternate upload by upload on the same database, so a
// shared machine's load falls on both alike: the re-check in the report's
// transaction (one commit), and after the commit (the re-check's own
// transaction, as before the third pass).
//
//	NIANBAO_UPLOAD_DB=COPY NIANBAO_UPLOAD_DIR=DIR go test ./change -run TestUploadCostAtScale -v
//
// COPY is written: a copy of a large database (docs/benchmarks.md, "Upload
// p50 at 200 000, third pass"); DIR a corpus of analytics generate.
func TestUploadCostAtScale(t *testing.T) {
	path, dir := os.Getenv("NIANBAO_UPLOAD_DB"), os.Getenv("NIANBAO_UPLOAD_DIR")
	if path == "" || dir == "" {
		t.Skip("NIANBAO_UPLOAD_DB and NIANBAO_UPLOAD_DIR not set: nothing to measure")
	}
	ctx := context.Background()
	var files []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() != "manifest.csv" && !strings.HasSuffix(d.Name(), ".json") {
			files = append(files, p)
		}
		return nil
	})
	slices.Sort(files)
	type upload struct {
		name string
		data []byte
		rs   []*report.Report
	}
	var ups []upload
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rs, err := ingest.ParseUpload(ctx, filepath.Base(f), data, ingest.Meta{})
		if err != nil || len(rs) == 0 || slices.ContainsFunc(rs, func(r *report.Report) bool { return r.Agency == "" || r.Year == 0 }) {
			continue // refused by the API before it reaches change.Upload
		}
		ups = append(ups, upload{filepath.Base(f), data, rs})
	}
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	inTx := change.New(st, nil)
	afterCommit := inTx.WithSteps(change.Steps{RecheckIn: func(context.Context, *store.AssessTx, []assess.CountySpan, []int64) (bool, error) {
		return false, nil
	}})
	variants := []struct {
		name string
		svc  *change.Service
	}{{"re-check in the report's transaction", inTx}, {"re-check after the commit", afterCommit}}
	wall := make([][]time.Duration, len(variants))
	cpu := make([]time.Duration, len(variants))
	admin := change.Admin("测量")
	for i, u := range ups {
		v := i % len(variants)
		c0, t0 := cpuTime(), time.Now()
		if _, err := variants[v].svc.Upload(ctx, admin, change.Upload{File: u.name, Data: u.data, Reports: u.rs}); err != nil {
			t.Fatalf("%s: %v", u.name, err)
		}
		if fi, err := os.Stat(path + ".wal"); err == nil && i%20 == 19 {
			t.Logf("after %d uploads: write-ahead log %d KB", i+1, fi.Size()>>10)
		}
		if i < len(variants) {
			continue // the first of each: a cold database
		}
		wall[v] = append(wall[v], time.Since(t0))
		cpu[v] += cpuTime() - c0
	}
	for v, x := range variants {
		ws := wall[v]
		slices.Sort(ws)
		if len(ws) == 0 {
			continue
		}
		t.Logf("%-40s %d uploads: wall p50 %5.1f ms, p90 %5.1f ms; CPU %5.1f ms an upload", x.name, len(ws),
			ms(ws[len(ws)/2]), ms(ws[len(ws)*9/10]), ms(cpu[v]/time.Duration(len(ws))))
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// cpuTime is the process's CPU, user and system, of all its threads.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
