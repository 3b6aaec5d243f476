package sandbox_test

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"nianbao/ingest"
	"nianbao/ingest/sandbox"
)

// TestPoolReadsAsInProcess: a warm child reads each document as
// ingest.ParseUpload does in-process, errors included, one child reading
// them all; a document over the child's limit is refused and skipped,
// and the same child reads the next one.
func TestPoolReadsAsInProcess(t *testing.T) {
	p := sandbox.NewPool(sandbox.Worker{Exe: os.Args[0]}, sandbox.PoolOptions{Keep: 1})
	defer p.Close()
	cases := []struct {
		name string
		data []byte
	}{
		{"merged-cells.html", sample(t)},
		{"通知.txt", []byte("关于做好春节期间值班工作的通知")},
		{"坏的.docx", []byte("PK\x03\x04 not a zip")},
		{"太大.txt", []byte(strings.Repeat("年", 7<<20))}, // 21 MB: over the test child's 20 MB
		{"merged-cells-2.html", sample(t)},
	}
	for _, tc := range cases {
		want, wantErr := ingest.ParseUpload(t.Context(), tc.name, tc.data, ingest.Meta{})
		got, err := p.Parse(t.Context(), tc.name, tc.data, ingest.Meta{})
		if tc.name == "太大.txt" {
			if err == nil || !strings.Contains(public(err), "文件超过 20 MB") {
				t.Errorf("%s: %v, want the child's refusal of a document over 20 MB", tc.name, err)
			}
			continue
		}
		if (err == nil) != (wantErr == nil) || errors.Is(err, ingest.ErrNotReport) != errors.Is(wantErr, ingest.ErrNotReport) {
			t.Fatalf("%s: pool: %v; in-process: %v", tc.name, err, wantErr)
		}
		if err != nil {
			if public(err) != public(wantErr) {
				t.Errorf("%s: pool says %q, in-process %q", tc.name, public(err), public(wantErr))
			}
			continue
		}
		if len(got) != len(want) || len(got) == 0 {
			t.Fatalf("%s: pool read %d reports, in-process %d", tc.name, len(got), len(want))
		}
		for i := range got {
			if !reflect.DeepEqual(got[i].Cells, want[i].Cells) || got[i].Text != want[i].Text ||
				!reflect.DeepEqual(got[i].Findings, want[i].Findings) || !reflect.DeepEqual(got[i].Narrative, want[i].Narrative) || got[i].Agency != want[i].Agency {
				t.Errorf("%s: report %d differs: pool %+v, in-process %+v", tc.name, i, got[i], want[i])
			}
		}
	}
	if s := p.Stats(); s.Started != 1 || s.Reused != int64(len(cases)-1) {
		t.Errorf("children started %d, documents read by a reused child %d; want 1 and %d", s.Started, s.Reused, len(cases)-1)
	}
}

// TestPoolChildKilledByItsLimits: a warm child that has read documents
// is still killed at its memory limit and its deadline on the next one;
// the caller gets the sentence a child of its own gives, and the next
// document is read by a new child.
func TestPoolChildKilledByItsLimits(t *testing.T) {
	p := sandbox.NewPool(sandbox.Worker{Exe: os.Args[0], Memory: 256 << 20, Timeout: 2 * time.Second}, sandbox.PoolOptions{Keep: 1})
	defer p.Close()
	good := func(when string) {
		t.Helper()
		if got, err := p.Parse(t.Context(), "merged-cells.html", sample(t), ingest.Meta{}); err != nil || len(got) == 0 {
			t.Fatalf("%s: %d reports, %v", when, len(got), err)
		}
	}
	good("first")
	good("second, warm")
	for _, tc := range []struct{ doc, want string }{
		{hogMemoryDoc, "内存超过解析进程的上限 256 MB"},
		{hogSleepDoc, "用时超过上限 2 秒"},
	} {
		start := time.Now()
		_, err := p.Parse(t.Context(), tc.doc, sample(t), ingest.Meta{})
		took := time.Since(start)
		t.Logf("%s: %v after %v", tc.doc, err, took.Round(time.Millisecond))
		if err == nil || !strings.Contains(public(err), tc.want) || !strings.Contains(public(err), "已停止") {
			t.Fatalf("%s: error %v, want one saying %q", tc.doc, err, tc.want)
		}
		if took > 10*time.Second {
			t.Errorf("%s: took %v to stop the child", tc.doc, took)
		}
		good("after " + tc.doc)
	}
	// One child for the two good documents, one killed by memory, one by
	// time; the one after the last may be the background replacement.
	if s := p.Stats(); s.Started < 3 {
		t.Errorf("children started %d, want at least 3 (the killed ones replaced)", s.Started)
	}
}

// TestPoolRetiresChildren: a child is replaced after Uses documents and
// ended after Idle without one.
func TestPoolRetiresChildren(t *testing.T) {
	for _, tc := range []struct {
		name  string
		opt   sandbox.PoolOptions
		pause time.Duration
		want  sandbox.PoolStats
	}{
		// Four documents, two a child: each child is replaced in the
		// background as it ends, so each reads its second document warm
		// and its first too, but for the very first.
		{"uses", sandbox.PoolOptions{Keep: 1, Uses: 2}, 0, sandbox.PoolStats{Started: 3, Reused: 3}},
		// Idle longer than allowed before each: every document a new child.
		{"idle", sandbox.PoolOptions{Keep: 1, Idle: 50 * time.Millisecond}, 300 * time.Millisecond, sandbox.PoolStats{Started: 4, Reused: 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := sandbox.NewPool(sandbox.Worker{Exe: os.Args[0]}, tc.opt)
			defer p.Close()
			for i := range 4 {
				if got, err := p.Parse(t.Context(), "merged-cells.html", sample(t), ingest.Meta{}); err != nil || len(got) == 0 {
					t.Fatalf("document %d: %d reports, %v", i, len(got), err)
				}
				time.Sleep(tc.pause)
				if tc.pause == 0 {
					waitFor(t, func() bool { return p.Stats().Started >= int64(1+(i+1)/2) })
				}
			}
			if s := p.Stats(); s != tc.want {
				t.Errorf("stats %+v, want %+v", s, tc.want)
			}
		})
	}
}

// waitFor waits up to 10 s for ok.
func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !ok(); {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
