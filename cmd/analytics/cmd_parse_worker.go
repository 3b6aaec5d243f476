package main

import (
	"context"
	"fmt"
	"io"
	"os"
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

// parseWorker is the worker serve reads uploads with: children of its
// own executable, or in-process when that is a test binary (which has no
// parse-worker mode) or NIANBAO_PARSE_IN_PROCESS=1.
func parseWorker() sandbox.Worker {
	exe, err := os.Executable()
	if err != nil || strings.HasSuffix(exe, ".test") || os.Getenv("NIANBAO_PARSE_IN_PROCESS") == "1" {
		return sandbox.Worker{}
	}
	return sandbox.Worker{Exe: exe}
}
