package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"

	"nianbao/change"
	"nianbao/ingest"
	"nianbao/store"
)

func init() {
	register(command{name: "ingest", summary: "parse reports (files and folders) and load them into DuckDB", run: runIngest})
}

func runIngest(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("ingest", "ingest [--db FILE] [--agency A] [--county C] [--year Y] [--force] [--author NAME] PATH...", stderr)
	db := fs.String("db", "", "DuckDB file (default $ANALYTICS_DB or "+defaultDB+")")
	force := fs.Bool("force", false, "make each version current even when it is far smaller than the stored one or conflicts with another file")
	author := fs.String("author", os.Getenv("USER"), "who ingests, for the audit log (recorded as cli:NAME)")
	cpuprofile := fs.String("cpuprofile", "", "写入本次导入的 CPU 剖析文件（go tool pprof 读取）")
	memprofile := fs.String("memprofile", "", "导入结束时写入堆内存剖析文件（go tool pprof 读取）")
	trace := fs.String("trace", "", "写入本次导入的运行轨迹文件（go tool trace 读取）")
	memLimit := fs.String("memory-limit", "", "DuckDB 的内存上限（例如 1GB、512MB；默认取环境变量 "+store.MemoryLimitEnv+"，未设时为 "+store.IngestMemoryLimit+"）")
	stats := fs.Duration("stats", 0, "每隔这段时间在标准错误输出一行进度：已读文件、排队字节、写入方忙碌比例、CPU 利用率、内存（例如 10s；0 为不输出）")
	queueMB := fs.Int64("queue-mb", 0, "读取领先写入方的报告最多占用的内存（MB，估算；0 为默认值）")
	var m metaFlags
	m.register(fs)
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return 2
	}
	if len(paths) == 0 {
		fs.Usage()
		return 2
	}
	if err := store.SetMemoryLimit(*memLimit); err != nil {
		fmt.Fprintf(stderr, "analytics ingest: %v\n", err)
		return 2
	}
	if !store.MemoryLimitSet() {
		store.SetMemoryLimit(store.IngestMemoryLimit) // a constant of the right form
		defer store.SetMemoryLimit("")
	}
	defer collectForIngest()()
	st, err := store.Open(dbPath(*db))
	if err != nil {
		fmt.Fprintf(stderr, "analytics ingest: %s\n", heldAdvice(dbPath(*db), err, "/web/upload", "POST /api/v1/reports（multipart 字段 file）"))
		return 1
	}
	defer st.Close()
	stopProfiles, err := startProfiles(*cpuprofile, *trace)
	if err != nil {
		fmt.Fprintf(stderr, "analytics ingest: %v\n", err)
		return 1
	}
	defer stopProfiles()
	start := time.Now()
	opt := ingest.Options{Force: *force, QueueBytes: *queueMB << 20}
	if *stats > 0 {
		opt.Stats = &ingest.Stats{}
		stop := watchIngest(stderr, opt.Stats, *stats, func() string { return duckDBMemory(st) })
		defer stop()
	}
	who := "cli"
	if *author != "" {
		who = "cli:" + *author
	}
	// Through package change: the same steps after the write as an upload.
	svc := change.New(st, slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	sum, err := svc.Ingest(context.Background(), change.Admin(who), paths, m.meta(), opt, progressBar(stderr))
	if err != nil {
		if errors.Is(err, store.ErrLocked) {
			fmt.Fprintf(stderr, "analytics ingest: %s\n", heldAdvice(st.Path(), err, "/web/upload", "POST /api/v1/reports（multipart 字段 file）"))
		} else {
			fmt.Fprintf(stderr, "analytics ingest: %v\n", err)
		}
		return 1
	}
	stopProfiles()
	if err := writeHeapProfile(*memprofile); err != nil {
		fmt.Fprintf(stderr, "analytics ingest: %v\n", err)
	}
	done := []any{"db", st.Path(), "files", sum.Read + sum.Failed, "seconds", time.Since(start).Seconds()}
	if opt.Stats != nil {
		done = append(done, "batches", opt.Stats.Batches.Load())
	}
	slog.New(slog.NewTextHandler(stderr, nil)).Info("ingest done", done...)
	sum.WriteSummary(stdout)
	if sum.Failed > 0 {
		return 1
	}
	return 0
}

// Go's collector during a bulk ingest, unless GOGC or GOMEMLIMIT are set
// in the environment (then those rule): the heap allowed to grow to three
// times what is live (GOGC=200) rather than twice, so the collector runs
// half as often, with a ceiling so the heap never grows past
// ingestHeapLimit while what is live stays under it. What is live is
// mostly the reports read ahead of the writer (ingest.QueueBytes) and
// the batch being stored. Measured on 20 000 national reports
// (docs/benchmarks.md, "Ingest writer and memory, third pass").
const (
	ingestGCPercent = 200
	ingestHeapLimit = 400 << 20
)

// collectForIngest sets the collector for the ingest and returns what
// puts it back.
func collectForIngest() func() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	pct := debug.SetGCPercent(ingestGCPercent)
	limit := debug.SetMemoryLimit(ingestHeapLimit)
	return func() {
		debug.SetGCPercent(pct)
		debug.SetMemoryLimit(limit)
	}
}

// progressBar draws a bar on stderr when it is a terminal, nothing otherwise.
func progressBar(w io.Writer) ingest.Progress {
	f, ok := w.(*os.File)
	if !ok || !isatty.IsTerminal(f.Fd()) {
		return nil
	}
	return newBar(w)
}

// barEvery is how often the bar is redrawn.
const barEvery = 100 * time.Millisecond

// newBar draws the ingest's progress on w with schollz/progressbar: count,
// rate and time left, the file in hand at the line's end. The bar is told
// at most ten times a second and at the end: its own throttle still costs
// ~4.5 µs a call (Describe and Set take its lock and format), ten times
// the hand-written bar it replaced; skipped ticks cost a clock read
// (docs/benchmarks.md). The ingest reports from one goroutine.
func newBar(w io.Writer) ingest.Progress {
	var bar *progressbar.ProgressBar
	var last time.Time
	return func(done, total int, path string) {
		now := time.Now()
		if bar != nil && done < total && now.Sub(last) < barEvery {
			return
		}
		last = now
		if bar == nil {
			bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(w), progressbar.OptionSetWidth(30),
				progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString("份"),
				progressbar.OptionSetPredictTime(true), progressbar.OptionShowDescriptionAtLineEnd(),
				progressbar.OptionSetRenderBlankState(true),
				progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }))
		}
		if bar.GetMax() != total {
			bar.ChangeMax(total)
		}
		bar.Describe(filepath.Base(path))
		_ = bar.Set(done) // a write error on a terminal is not the ingest's failure
	}
}

// duckDBMemory is the --stats line's part for DuckDB: what its buffer
// manager holds against its memory_limit and the largest parts, so a
// process's resident memory can be told apart (Go's, DuckDB's accounted,
// the rest: DuckDB's allocations outside its buffer manager, the C heap).
func duckDBMemory(st *store.Store) string {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	used, spilled, top, err := st.DuckDBMemory(ctx)
	if err != nil {
		return fmt.Sprintf(" DuckDB 内存未读出（%v）", err)
	}
	s := fmt.Sprintf(" DuckDB %d MB（%s）", used>>20, top)
	if spilled > 0 {
		s += fmt.Sprintf(" 临时文件 %d MB", spilled>>20)
	}
	return s
}
