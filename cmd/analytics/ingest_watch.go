package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"sync"
	"time"

	"nianbao/ingest"
)

// startProfiles starts a CPU profile and an execution trace of the
// process, each when its path is set, until the function returned is
// called (once or more).
func startProfiles(cpuPath, tracePath string) (func(), error) {
	stopCPU, err := startCPUProfile(cpuPath)
	if err != nil {
		return nil, err
	}
	if tracePath == "" {
		return stopCPU, nil
	}
	f, err := os.Create(tracePath)
	if err != nil {
		stopCPU()
		return nil, fmt.Errorf("trace: %w", err)
	}
	if err := trace.Start(f); err != nil {
		f.Close()
		stopCPU()
		return nil, fmt.Errorf("trace: %w", err)
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			trace.Stop()
			f.Close()
			stopCPU()
		})
	}, nil
}

// writeHeapProfile writes the live heap, after a collection, to path;
// "" writes nothing.
func writeHeapProfile(path string) error {
	if path == "" {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("heap profile: %w", err)
	}
	defer f.Close()
	runtime.GC()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		return fmt.Errorf("heap profile: %w", err)
	}
	return nil
}

// watchIngest prints a line to w every interval while an ingest runs:
// files the writer has taken, bytes read ahead of it, the share of the
// interval the writer spent storing, the process's CPU over the interval
// (200 % is both cores of two), the Go heap and the resident memory. A
// writer busy near 100 % with a full queue means the readers wait on it;
// CPU well under the cores with neither says the process waits on
// something else (the disk, a lock). The function returned stops it.
func watchIngest(w io.Writer, st *ingest.Stats, every time.Duration, duck func() string) func() {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		start := time.Now()
		last, lastCPU, lastBusy, lastWait := start, processCPU(), int64(0), runQueueWait()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case now := <-t.C:
				cpu, busy, wait := processCPU(), st.Busy.Load(), runQueueWait()
				span := now.Sub(last)
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				phase := "写入"
				if st.After.Load() {
					phase = "复核"
				}
				fmt.Fprintf(w, "导入进度 %6.0fs %s 文件 %d 排队 %d MB 写入方忙 %3.0f%% CPU %3.0f%% 等CPU %3.0f%% 堆 %d MB（Go 共占 %d MB）常驻 %d MB%s\n",
					now.Sub(start).Seconds(), phase, st.Files.Load(), st.Queued()>>20,
					100*float64(busy-lastBusy)/float64(span), 100*float64(cpu-lastCPU)/float64(span), 100*float64(wait-lastWait)/float64(span),
					ms.HeapAlloc>>20, (ms.Sys-ms.HeapReleased)>>20, residentBytes()>>20, duck())
				last, lastCPU, lastBusy, lastWait = now, cpu, busy, wait
			}
		}
	}()
	var once sync.Once
	return func() { once.Do(func() { close(done); wg.Wait() }) }
}

// runQueueWait is the time the process's threads have spent runnable but
// waiting for a core (the second field of each thread's schedstat), so
// CPU short of the cores can be told apart: waiting here is the machine's
// other load; neither running nor waiting here is the process waiting on
// the disk, a lock or itself. Linux; 0 elsewhere. Threads that ended are
// not counted.
func runQueueWait() time.Duration {
	dirs, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return 0
	}
	var sum int64
	for _, d := range dirs {
		b, err := os.ReadFile("/proc/self/task/" + d.Name() + "/schedstat")
		if err != nil {
			continue
		}
		var run, wait int64
		if _, err := fmt.Sscan(string(b), &run, &wait); err == nil {
			sum += wait
		}
	}
	return time.Duration(sum)
}

// residentBytes is the process's resident memory now (Linux; 0 elsewhere).
func residentBytes() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	var size, rss int64
	if _, err := fmt.Sscan(string(b), &size, &rss); err != nil {
		return 0
	}
	return rss * int64(os.Getpagesize())
}
