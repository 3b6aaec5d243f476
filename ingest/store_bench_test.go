package ingest_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"nianbao/assess"
	"nianbao/generate"
	"nianbao/ingest"
)

// storeFigures is the store's share of an ingest: the reports already
// parsed, what SaveBatch and the assessment's re-check cost together,
// beside DuckDB's COPY of the same cells.
type storeFigures struct {
	Reports int
	Store   time.Duration // SaveBatch of every batch and the re-check at the end
	Recheck time.Duration // the re-check of every county run once more on its own
	// StoreCPU and RecheckCPU are the process's CPU time (user + system,
	// DuckDB's threads included) over the same spans: on a shared machine
	// the wall clock counts the other processes' turns too.
	StoreCPU, RecheckCPU time.Duration
	Cells                int
	Floor                time.Duration
}

func (f storeFigures) String() string {
	per := func(d time.Duration) float64 { return d.Seconds() * 1e3 / float64(f.Reports) }
	return fmt.Sprintf("%d reports parsed beforehand: store + re-check %.2f s = %.0f reports/s, %.3f ms/report wall, %.3f ms/report CPU (re-check alone %.3f ms wall, %.3f ms CPU); COPY of the same %d cells %.3f s; ratio %.1f×",
		f.Reports, f.Store.Seconds(), float64(f.Reports)/f.Store.Seconds(), per(f.Store), per(f.StoreCPU),
		per(f.Recheck), per(f.RecheckCPU), f.Cells, f.Floor.Seconds(), f.Store.Seconds()/f.Floor.Seconds())
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// parsedCorpus reads every file of dir once, as ingest would.
func parsedCorpus(tb testing.TB, dir string) []ingest.Result {
	tb.Helper()
	files, err := ingest.CollectFiles([]string{dir})
	if err != nil {
		tb.Fatal(err)
	}
	return ingest.ParseAll(files, ingest.Meta{})
}

// measureStore stores parsed results into a fresh database (registry
// loaded first) and times only the storing and the re-check.
func measureStore(tb testing.TB, parsed []ingest.Result, batch int) storeFigures {
	tb.Helper()
	ctx := context.Background()
	tmp := tb.TempDir()
	st := registeredStore(tb, tmp, "store.duckdb")
	// Resolving an agency the first time builds the registry's index: not
	// the store's cost per report.
	if _, _, err := st.ResolveAgency(ctx, "青石镇", "", "", false); err != nil {
		tb.Fatal(err)
	}
	ch := make(chan ingest.Result, len(parsed))
	for _, r := range parsed {
		ch <- r
	}
	close(ch)
	var f storeFigures
	// The parser's garbage is collected before, not counted as the store's.
	runtime.GC()
	cpu, start := cpuTime(tb), time.Now()
	sum, err := ingest.StoreResults(ctx, st, ch, len(parsed), ingest.Options{BatchSize: batch}, nil)
	f.Store, f.StoreCPU = time.Since(start), cpuTime(tb)-cpu
	if err != nil {
		tb.Fatal(err)
	}
	if sum.Failed > 0 {
		tb.Fatalf("%d failed: %v", sum.Failed, sum.Failures)
	}
	f.Reports = sum.Stored
	years, err := st.CountyYears(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	span := map[string][2]int{}
	for _, cy := range years {
		c, y := cy[0].(string), cy[1].(int)
		s, ok := span[c]
		if !ok {
			s = [2]int{y, y}
		}
		span[c] = [2]int{min(s[0], y), max(s[1], y)}
	}
	cpu, start = cpuTime(tb), time.Now()
	counties := make([]assess.CountySpan, 0, len(span))
	for c, s := range span {
		counties = append(counties, assess.CountySpan{County: c, From: s[0], To: s[1] + 1})
	}
	if err := assess.RecheckCounties(ctx, st, counties, assess.DefaultSheet()); err != nil {
		tb.Fatal(err)
	}
	f.Recheck, f.RecheckCPU = time.Since(start), cpuTime(tb)-cpu
	f.Cells, f.Floor, _ = copyFloor(tb, st, tmp)
	return f
}

func reportStore(b *testing.B, f storeFigures) {
	b.Log(f)
	b.ReportMetric(float64(f.Reports)/f.Store.Seconds(), "reports/s")
	b.ReportMetric(f.Store.Seconds()*1e3/float64(f.Reports), "ms/report")
	b.ReportMetric(f.StoreCPU.Seconds()*1e3/float64(f.Reports), "cpu_ms/report")
	b.ReportMetric(f.Store.Seconds()/f.Floor.Seconds(), "x_floor")
}

// BenchmarkStoreBatch times the store and the re-check without the
// parser: a generated corpus (NIANBAO_BENCH_TOWNS towns per county, 6
// counties × 6 years; 167 ≈ 6 000 reports) and a national text sample
// (NIANBAO_BENCH_NATIONAL reports) are read once outside the timer, then
// stored in batches, each against DuckDB's COPY of the same cells.
func BenchmarkStoreBatch(b *testing.B) {
	towns := 17
	if n, err := strconv.Atoi(os.Getenv("NIANBAO_BENCH_TOWNS")); err == nil && n > 0 {
		towns = n
	}
	dir := b.TempDir()
	if _, err := generate.WriteCorpus(dir, generate.Options{Seed: 7, Counties: generate.CountyNames, Towns: []int{towns}}, generate.Layouts()); err != nil {
		b.Fatal(err)
	}
	generated := parsedCorpus(b, dir)
	limit := 600
	if n, err := strconv.Atoi(os.Getenv("NIANBAO_BENCH_NATIONAL")); err == nil && n > 0 {
		limit = n
	}
	national := parsedCorpus(b, nationalByFormat(b, limit)["txt"])
	// NIANBAO_BENCH_BATCH lists the batch sizes to try (default: ingest's).
	sizes := []int{ingest.DefaultBatchSize}
	if v := os.Getenv("NIANBAO_BENCH_BATCH"); v != "" {
		sizes = nil
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1 {
				b.Fatalf("NIANBAO_BENCH_BATCH=%q: want sizes like 256,1024", v)
			}
			sizes = append(sizes, n)
		}
	}
	for _, c := range []struct {
		name   string
		parsed []ingest.Result
	}{{"generated", generated}, {"national-txt", national}} {
		for _, size := range sizes {
			b.Run(fmt.Sprintf("%s/batch=%d", c.name, size), func(b *testing.B) {
				var f storeFigures
				for b.Loop() {
					f = measureStore(b, c.parsed, size)
				}
				reportStore(b, f)
			})
		}
	}
}

// TestStoreBenchmarkRuns keeps BenchmarkStoreBatch's code working in CI on
// a few reports; it checks what was stored, never a time.
func TestStoreBenchmarkRuns(t *testing.T) {
	dir := t.TempDir()
	truth, err := generate.WriteCorpus(dir, generate.Options{Seed: 7, Counties: generate.CountyNames[:2], Towns: []int{3}, FirstYear: 2022, LastYear: 2023}, generate.Layouts())
	if err != nil {
		t.Fatal(err)
	}
	f := measureStore(t, parsedCorpus(t, dir), 4)
	if f.Reports != len(truth) || f.Cells == 0 {
		t.Fatalf("stored %d of %d reports, %d cells", f.Reports, len(truth), f.Cells)
	}
	t.Log(f)
}
