// Package sandbox reads untrusted documents in a child process, so that a
// reader bug or a decompression bomb costs one child and never the server
// (issue 20). The child is the server's own executable in its hidden
// parse-worker mode (Serve): it gets the document on stdin, writes the
// reports as JSON on stdout, and runs under a memory limit (RLIMIT_DATA,
// document.GoBoundedCommand) and a deadline, in its own process group,
// killed with it.
//
// With no executable (tests, a library caller) Parse reads in-process,
// under the same document limits; only the memory limit is then the
// server's own.
package sandbox

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"nianbao/ingest"
	"nianbao/ingest/document"
	"nianbao/report"
)

// Defaults of a Worker.
const (
	// DefaultMemory is the data segment of one child: a Go runtime, the
	// largest document the limits let through, and its reports. The
	// hostile classes of docs/reliability.md peak at 266 MB.
	DefaultMemory = 1 << 30
	// DefaultTimeout bounds one child, pdftotext included.
	DefaultTimeout = 60 * time.Second
	// Mode is the argument that puts the executable in its worker mode.
	Mode = "parse-worker"
	// maxStderr is what is kept of a child's standard error, for the log.
	maxStderr = 4 << 10
)

// Worker reads documents in children of Exe, or in-process when Exe is "".
type Worker struct {
	Exe     string        // executable with a parse-worker mode; "" reads in-process
	Memory  int64         // address space of a child; 0 means DefaultMemory
	Timeout time.Duration // one child; 0 means DefaultTimeout
}

// Error is the error of a child: a public Chinese sentence and, for the
// log, what the child or the kernel said.
type Error struct {
	File    string
	Message string // Chinese, fit for anyone
	Detail  string // for the log
	cause   error  // ingest.ErrNotReport or a known document error, for errors.Is
}

func (e *Error) Error() string  { return e.File + ": " + e.Message + " (" + e.Detail + ")" }
func (e *Error) Public() string { return e.Message }
func (e *Error) Unwrap() error  { return e.cause }

// Parse reads the reports of a file as ingest.ParseUpload does, in a child
// when w.Exe is set. A document that is not a report gives an error
// wrapping ingest.ErrNotReport; an unreadable one an error whose Public
// method says why in Chinese.
func (w Worker) Parse(ctx context.Context, name string, data []byte, meta ingest.Meta) ([]*report.Report, error) {
	if w.Exe == "" {
		return ingest.ParseUpload(ctx, name, data, meta)
	}
	mem, timeout := w.Memory, w.Timeout
	if mem <= 0 {
		mem = DefaultMemory
	}
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := json.Marshal(request{Name: name, Meta: meta})
	if err != nil {
		return nil, err
	}
	// The request's JSON on the first line, the document after it.
	stdin := io.MultiReader(bytes.NewReader(req), strings.NewReader("\n"), bytes.NewReader(data))
	cmd := document.GoBoundedCommand(ctx, w.Exe, mem, timeout, Mode)
	var stdout bytes.Buffer
	stderr := &tail{max: maxStderr}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, &stdout, stderr
	runErr := cmd.Run()
	if ctx.Err() != nil {
		if parent.Err() == nil {
			return nil, timedOut(name, timeout)
		}
		return nil, ctx.Err()
	}
	if runErr != nil {
		return nil, childFailed(name, runErr, stderr.String(), mem)
	}
	var res response
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		return nil, badAnswer(name, err, stderr.String())
	}
	return res.reports(name, meta)
}

// reports are the reports of a child's answer, or its error as read
// in-process.
func (res *response) reports(name string, meta ingest.Meta) ([]*report.Report, error) {
	if res.Err != nil {
		if res.Err.NotReport {
			// The same error as in-process: its text is the sentence.
			return nil, fmt.Errorf("%w%s", ingest.ErrNotReport, strings.TrimPrefix(res.Err.Public, ingest.ErrNotReport.Error()))
		}
		if res.Err.Public == "" {
			// No sentence for anyone: the caller says its general one, as
			// for the same error read in-process.
			return nil, fmt.Errorf("%s: %s", name, res.Err.Detail)
		}
		return nil, &Error{File: name, Message: res.Err.Public, Detail: res.Err.Detail}
	}
	out := make([]*report.Report, len(res.Reports))
	for i, r := range res.Reports {
		r.Report.Text, r.Report.Narrative = r.Text, r.Narrative
		out[i] = r.Report
	}
	ingest.CheckNames(out, meta) // the child read them without the registry
	return out, nil
}

// timedOut is the error of a child killed at its deadline.
func timedOut(name string, timeout time.Duration) error {
	return &Error{File: name, Message: fmt.Sprintf("读取此文件用时超过上限 %d 秒，已停止", int(timeout/time.Second)), Detail: "parse worker killed at its deadline", cause: document.ErrTimeout}
}

// badAnswer is the error of a child whose answer is not JSON.
func badAnswer(name string, err error, stderr string) error {
	return &Error{File: name, Message: "文件内容无法读取（解析进程的回答不完整），请稍后重试", Detail: fmt.Sprintf("parse worker output: %v: %s", err, stderr)}
}

// childFailed is the error of a child that ended without an answer: killed
// at its memory limit (the Go runtime's "out of memory", a signal), or
// failed otherwise.
func childFailed(name string, err error, stderr string, mem int64) error {
	detail := fmt.Sprintf("parse worker: %v: %s", err, stderr)
	var exit *exec.ExitError
	signaled := false
	if errors.As(err, &exit) && exit.ProcessState != nil {
		if ws, ok := exit.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			signaled = true
		}
	}
	if signaled || memoryFailure(stderr) {
		return &Error{File: name, Message: fmt.Sprintf("读取此文件所需内存超过解析进程的上限 %d MB，已停止（文件可能已损坏或被刻意构造）", mem>>20), Detail: detail}
	}
	return &Error{File: name, Message: "文件内容无法读取（解析进程出错），请检查文件后重试", Detail: detail}
}

// memoryFailures are how a Go child under RLIMIT_DATA dies when it
// reaches the limit, as seen in tests: the runtime's own "out of memory"
// or "cannot allocate memory", a cgo thread it cannot create, or a
// segmentation fault where an allocation's failure was not checked.
var memoryFailures = []string{"out of memory", "cannot allocate memory", "pthread_create failed", "failed to reserve", "SIGSEGV"}

func memoryFailure(stderr string) bool {
	for _, s := range memoryFailures {
		if strings.Contains(stderr, s) {
			return true
		}
	}
	return false
}

// request is the first line a child reads. A child of Worker reads one
// document, to the end of its input; one of a Pool reads Framed requests,
// each followed by exactly Size bytes of document, until its input ends.
type request struct {
	Name   string      `json:"name"`
	Meta   ingest.Meta `json:"meta"`
	Size   int64       `json:"size,omitempty"`
	Framed bool        `json:"framed,omitempty"`
}

// response is what a child writes: the reports with the fields their JSON
// leaves out, or the error.
type response struct {
	Reports []wireReport `json:"reports,omitempty"`
	Err     *wireError   `json:"err,omitempty"`
	// What a framed child has used of its limits so far (Pool retires it
	// past a share of them): its data segment grown since it started, in
	// bytes, and its CPU time in milliseconds.
	Grown int64 `json:"grown,omitempty"`
	CPU   int64 `json:"cpu_ms,omitempty"`
}

type wireReport struct {
	Report    *report.Report           `json:"report"`
	Text      string                   `json:"text"`
	Narrative []report.NarrativeFigure `json:"narrative,omitempty"`
}

type wireError struct {
	Public    string `json:"public"`
	Detail    string `json:"detail"`
	NotReport bool   `json:"not_report,omitempty"`
}

// Serve is the child's side: the request on the first line of r, the
// document after it, the response on w. The document is held to
// maxDocument bytes. A framed request (a Pool's) is followed by the next
// one after its document, until r ends.
func Serve(ctx context.Context, r io.Reader, w io.Writer, maxDocument int64) error {
	ingest.ReadNamesAlone() // the parent checks the names (Worker.Parse)
	start := vmData()
	br := bufio.NewReader(r)
	for {
		line, err := br.ReadBytes('\n')
		if errors.Is(err, io.EOF) && len(line) == 0 {
			return nil // the pool closed the pipe: the end of a framed child
		}
		if err != nil {
			return fmt.Errorf("parse worker: request: %w", err)
		}
		var req request
		if err := json.Unmarshal(line, &req); err != nil {
			return fmt.Errorf("parse worker: request: %w", err)
		}
		var data []byte
		over := req.Size > maxDocument
		switch {
		case !req.Framed:
			data, err = io.ReadAll(io.LimitReader(br, maxDocument+1))
			over = int64(len(data)) > maxDocument
		case over:
			err = discard(br, req.Size)
		default:
			data = make([]byte, req.Size)
			_, err = io.ReadFull(br, data)
		}
		if err != nil {
			return fmt.Errorf("parse worker: document: %w", err)
		}
		if testHook != nil {
			testHook(req.Name)
		}
		res := answer(ctx, req, data, over, maxDocument)
		if req.Framed {
			res.Grown, res.CPU = usage(start)
		}
		if err := json.NewEncoder(w).Encode(res); err != nil || !req.Framed {
			return err
		}
	}
}

// testHook, set by this package's tests only, runs in the child before
// each document: it lets one document of a warm child misbehave.
var testHook func(name string)

// answer is the response to one document.
func answer(ctx context.Context, req request, data []byte, over bool, maxDocument int64) response {
	var res response
	if over {
		res.Err = &wireError{Public: fmt.Sprintf("文件超过 %d MB，无法读取", maxDocument>>20), Detail: "document over the worker's limit"}
	} else if reports, err := ingest.ParseUpload(ctx, req.Name, data, req.Meta); err != nil {
		res.Err = &wireError{Public: publicMessage(err), Detail: err.Error(), NotReport: errors.Is(err, ingest.ErrNotReport)}
	} else {
		for _, r := range reports {
			res.Reports = append(res.Reports, wireReport{Report: r, Text: r.Text, Narrative: r.Narrative})
		}
	}
	return res
}

// publicMessage is the sentence of err anyone may see: a not-a-report
// reason as it stands (it is written for people), a read error's own, or
// "" when err has none.
func publicMessage(err error) string {
	if errors.Is(err, ingest.ErrNotReport) {
		return err.Error()
	}
	var pe interface{ Public() string }
	if errors.As(err, &pe) {
		return pe.Public()
	}
	return ""
}

// tail keeps the first max bytes written to it.
type tail struct {
	bytes.Buffer
	max int
}

func (t *tail) Write(p []byte) (int, error) {
	if room := t.max - t.Len(); room > 0 {
		t.Buffer.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
