package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"nianbao/api"
	"nianbao/ingest/sandbox"
)

// The parse worker (issue 20): serve reads each uploaded or 预检 document
// in a child of its own executable in this mode, under a memory limit and
// a deadline, so that a reader bug or a bomb costs one child and never
// the server. Hidden from the list of commands: people do not run it.
func init() {
	register(command{name: sandbox.Mode, hidden: true, run: runParseWorker})
}

func runParseWorker(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintln(stderr, "analytics parse-worker: reads a request and a document on stdin; no arguments")
		return 2
	}
	if err := sandbox.Serve(context.Background(), os.Stdin, stdout, api.DefaultMaxUpload); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}

// parsePool is the pool serve reads uploads with: warm children of its
// own executable, as many kept idle as uploads are read at once
// (--max-parses, default GOMAXPROCS as api's admission), one started now so the first upload
// finds it ready.
func parsePool(maxParses int) *sandbox.Pool {
	if maxParses <= 0 {
		maxParses = runtime.GOMAXPROCS(0)
	}
	p := sandbox.NewPool(parseWorker(), sandbox.PoolOptions{Keep: maxParses})
	p.Warm()
	return p
}

// parseWorker is the worker serve's pool starts: children of its own
// executable, or in-process when that is a test binary (which has no
// parse-worker mode) or NIANBAO_PARSE_IN_PROCESS=1.
func parseWorker() sandbox.Worker {
	exe, err := os.Executable()
	if err != nil || strings.HasSuffix(exe, ".test") || os.Getenv("NIANBAO_PARSE_IN_PROCESS") == "1" {
		return sandbox.Worker{}
	}
	return sandbox.Worker{Exe: exe}
}
