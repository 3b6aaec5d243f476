package sandbox_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"nianbao/ingest"
	"nianbao/ingest/document"
	"nianbao/ingest/sandbox"
	"nianbao/report"
)

// hogEnv makes the worker of this test binary misbehave before serving:
// "memory" allocates until its limit kills it, "sleep" outlives its
// deadline.
const hogEnv = "NIANBAO_SANDBOX_TEST_HOG"

// Documents of these names make a warm child misbehave (SetTestHook).
const (
	hogMemoryDoc = "吃内存.html"
	hogSleepDoc  = "不回答.html"
)

// hog keeps what the "memory" worker allocates, so none of it is freed.
var hog [][]byte

// TestMain makes this test binary a parse worker when called as one, the
// way serve's own executable is.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == sandbox.Mode {
		switch os.Getenv(hogEnv) {
		case "memory":
			for {
				b := make([]byte, 64<<20)
				for i := range b {
					b[i] = 1
				}
				hog = append(hog, b)
			}
		case "sleep":
			time.Sleep(time.Minute)
		}
		// A warm child (Pool) misbehaves on one document, by its name.
		sandbox.SetTestHook(func(name string) {
			switch name {
			case hogMemoryDoc:
				for {
					b := make([]byte, 64<<20)
					for i := range b {
						b[i] = 1
					}
					hog = append(hog, b)
				}
			case hogSleepDoc:
				time.Sleep(time.Minute)
			}
		})
		if err := sandbox.Serve(context.Background(), os.Stdin, os.Stdout, 20<<20); err != nil {
			os.Stderr.WriteString(err.Error())
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func sample(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "merged-cells.html"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestChildReadsAsInProcess: the reports read by a child are those read
// in-process, the fields JSON leaves out (text, narrative) included; the
// errors are the same sentences.
func TestChildReadsAsInProcess(t *testing.T) {
	child := sandbox.Worker{Exe: os.Args[0]}
	cases := []struct {
		name string
		data []byte
	}{
		{"merged-cells.html", sample(t)},
		{"通知.txt", []byte("关于做好春节期间值班工作的通知")},
		{"坏的.docx", []byte("PK\x03\x04 not a zip")},
		{"大.txt", []byte(strings.Repeat("本年新收政府信息公开申请数量 3 件。\n", 200_000))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want, wantErr := ingest.ParseUpload(t.Context(), tc.name, tc.data, ingest.Meta{})
			got, err := child.Parse(t.Context(), tc.name, tc.data, ingest.Meta{})
			if (err == nil) != (wantErr == nil) || errors.Is(err, ingest.ErrNotReport) != errors.Is(wantErr, ingest.ErrNotReport) {
				t.Fatalf("child: %v; in-process: %v", err, wantErr)
			}
			if err != nil {
				if public(err) != public(wantErr) {
					t.Errorf("child says %q, in-process %q", public(err), public(wantErr))
				}
				return
			}
			if len(got) != len(want) || len(got) == 0 {
				t.Fatalf("child read %d reports, in-process %d", len(got), len(want))
			}
			for i := range got {
				if !reflect.DeepEqual(got[i].Cells, want[i].Cells) || got[i].Text != want[i].Text ||
					len(got[i].Findings) != len(want[i].Findings) || len(got[i].Narrative) != len(want[i].Narrative) || got[i].Agency != want[i].Agency {
					t.Errorf("report %d differs: child %+v, in-process %+v", i, got[i], want[i])
				}
			}
		})
	}
}

func public(err error) string {
	var pe interface{ Public() string }
	if errors.As(err, &pe) {
		return pe.Public()
	}
	return err.Error()
}

// TestChildKilledByItsLimits: a child over its memory or its time is
// killed; the caller gets a Chinese sentence, no process is left, and the
// next parse is read as usual.
func TestChildKilledByItsLimits(t *testing.T) {
	w := sandbox.Worker{Exe: os.Args[0], Memory: 256 << 20, Timeout: 2 * time.Second}
	cases := []struct{ hog, want string }{
		{"memory", "内存超过解析进程的上限 256 MB"},
		{"sleep", "用时超过上限 2 秒"},
	}
	for _, tc := range cases {
		t.Run(tc.hog, func(t *testing.T) {
			t.Setenv(hogEnv, tc.hog)
			start := time.Now()
			_, err := w.Parse(t.Context(), "炸弹.html", sample(t), ingest.Meta{})
			took := time.Since(start)
			t.Logf("%s: %v after %v", tc.hog, err, took.Round(time.Millisecond))
			if err == nil || !strings.Contains(public(err), tc.want) || !strings.Contains(public(err), "已停止") {
				t.Fatalf("error %v, want one saying %q", err, tc.want)
			}
			if took > 10*time.Second {
				t.Errorf("took %v to stop the child", took)
			}
		})
	}
	os.Unsetenv(hogEnv)
	if got, err := w.Parse(t.Context(), "merged-cells.html", sample(t), ingest.Meta{}); err != nil || len(got) == 0 {
		t.Errorf("after the killed children: %d reports, %v", len(got), err)
	}
}

// TestInProcessWithoutExecutable: with no executable the same limits
// apply in-process.
func TestInProcessWithoutExecutable(t *testing.T) {
	_, err := sandbox.Worker{}.Parse(t.Context(), "大.txt", []byte(strings.Repeat("年", 2<<20)), ingest.Meta{})
	var le *document.LimitError
	if !errors.As(err, &le) {
		t.Errorf("6 MB of text in-process: %v, want a LimitError", err)
	}
}

// BenchmarkParse: the cost of a child per parse, and of a warm child of
// a Pool, against reading in-process (docs/benchmarks.md).
// NIANBAO_BENCH_WORKER names a built analytics binary to measure the
// server's real worker too (DuckDB linked in: a larger executable to
// start).
func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("..", "testdata", "merged-cells.html"))
	if err != nil {
		b.Fatal(err)
	}
	type parser interface {
		Parse(ctx context.Context, name string, data []byte, meta ingest.Meta) ([]*report.Report, error)
	}
	exe := os.Getenv("NIANBAO_BENCH_WORKER")
	for _, w := range []struct {
		name string
		exe  string
		pool bool
	}{{"in-process", "", false}, {"child", os.Args[0], false}, {"pool", os.Args[0], true}, {"analytics", exe, false}, {"analytics-pool", exe, true}} {
		if strings.HasPrefix(w.name, "analytics") && w.exe == "" {
			continue
		}
		b.Run(w.name, func(b *testing.B) {
			var p parser = sandbox.Worker{Exe: w.exe}
			if w.pool {
				pool := sandbox.NewPool(sandbox.Worker{Exe: w.exe}, sandbox.PoolOptions{})
				defer pool.Close()
				p = pool
			}
			for b.Loop() {
				if _, err := p.Parse(context.Background(), "merged-cells.html", data, ingest.Meta{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
