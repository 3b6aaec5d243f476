package main

import (
	"log/slog"
	"os"
	"runtime"
	"runtime/pprof"
)

// profileEnv names a file serve writes its CPU profile to, from start to
// shutdown: scripts/bench-scale.sh (PROFILE=FILE) profiles the server
// during its uploads this way. Unset, nothing is profiled.
const profileEnv = "NIANBAO_CPUPROFILE"

// heapProfileEnv names a file serve writes its heap profile to when it
// shuts down, with the Go runtime's memory in the log: what of the
// server's resident memory is Go's (the answers kept, the caches) and,
// by difference, DuckDB's (docs/benchmarks.md, "serve memory").
const heapProfileEnv = "NIANBAO_HEAPPROFILE"

// serveProfile starts the CPU profile profileEnv asks for and returns what
// stops and writes it and the heap profile heapProfileEnv asks for; a
// profile that cannot start is logged, not fatal.
func serveProfile(log *slog.Logger) (stop func()) {
	heap := func() {
		path := os.Getenv(heapProfileEnv)
		if path == "" {
			return
		}
		var m runtime.MemStats
		runtime.ReadMemStats(&m) // before the collection: what was held
		log.Info("Go memory at shutdown", "heap_inuse_mb", m.HeapInuse>>20, "heap_sys_mb", m.HeapSys>>20,
			"heap_released_mb", m.HeapReleased>>20, "sys_mb", m.Sys>>20)
		runtime.GC() // the profile's in-use figures are those of the last collection
		f, err := os.Create(path)
		if err == nil {
			err = pprof.Lookup("heap").WriteTo(f, 0)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			log.Warn("heap profile not written", "file", path, "err", err)
		}
	}
	path := os.Getenv(profileEnv)
	if path == "" {
		return heap
	}
	f, err := os.Create(path)
	if err != nil {
		log.Warn("CPU profile not started", "file", path, "err", err)
		return heap
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		log.Warn("CPU profile not started", "file", path, "err", err)
		return heap
	}
	log.Info("CPU profile", "file", path)
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			log.Warn("CPU profile not written", "file", path, "err", err)
		}
		heap()
	}
}
