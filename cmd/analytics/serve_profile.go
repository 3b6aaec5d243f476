package main

import (
	"log/slog"
	"os"
	"runtime/pprof"
)

// profileEnv names a file serve writes its CPU profile to, from start to
// shutdown: scripts/bench-scale.sh (PROFILE=FILE) profiles the server
// during its uploads this way. Unset, nothing is profiled.
const profileEnv = "NIANBAO_CPUPROFILE"

// serveProfile starts the CPU profile profileEnv asks for and returns what
// stops and writes it; a profile that cannot start is logged, not fatal.
func serveProfile(log *slog.Logger) (stop func()) {
	path := os.Getenv(profileEnv)
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		log.Warn("CPU profile not started", "file", path, "err", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		log.Warn("CPU profile not started", "file", path, "err", err)
		return func() {}
	}
	log.Info("CPU profile", "file", path)
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			log.Warn("CPU profile not written", "file", path, "err", err)
		}
	}
}
