package sandbox

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"nianbao/ingest"
	"nianbao/ingest/document"
	"nianbao/report"
)

// Defaults of a Pool.
const (
	// DefaultKeep is how many idle children a pool keeps: the server reads
	// as many uploads at once as it has CPUs (api's admission), two here.
	DefaultKeep = 2
	// DefaultUses is how many documents one child reads before it is
	// replaced, so that whatever a reader leaves behind (a heap grown by
	// one large document, a leak) lasts a bounded time.
	DefaultUses = 64
	// DefaultIdle is how long an idle child waits for a document before it
	// is ended: a server nobody uploads to holds no worker.
	DefaultIdle = 5 * time.Minute
)

// Pool reads documents in warm children of w.Exe, each reading one
// document at a time under w's limits, so that an upload does not pay
// for a process and a Go runtime to start (about 25 ms of CPU at each
// upload into a 200 000-report database, docs/benchmarks.md).
//
// A child is killed and not reused after a crash, its deadline or a
// cancel, after Uses documents, after Idle without one, and when what it
// has used of its limits (its data segment grown since it started, its
// CPU time) passes a sixteenth of them: the next document then starts
// with nearly the whole of both, as in a child of its own. A child that
// ends otherwise is replaced in the background, so the next document
// finds one warm. With no w.Exe the pool reads in-process, as Worker.
type Pool struct {
	w    Worker
	keep int
	uses int
	idle time.Duration

	mu     sync.Mutex
	free   []*child // idle, the most recently used last
	closed bool
	warm   int // children being started in the background

	started, reused atomic.Int64
}

// PoolOptions tune a Pool; zero values take the defaults above.
type PoolOptions struct {
	Keep int
	Uses int
	Idle time.Duration
}

// NewPool returns a pool of children of w.Exe. Close ends them.
func NewPool(w Worker, o PoolOptions) *Pool {
	if w.Memory <= 0 {
		w.Memory = DefaultMemory
	}
	if w.Timeout <= 0 {
		w.Timeout = DefaultTimeout
	}
	p := &Pool{w: w, keep: o.Keep, uses: o.Uses, idle: o.Idle}
	if p.keep <= 0 {
		p.keep = DefaultKeep
	}
	if p.uses <= 0 {
		p.uses = DefaultUses
	}
	if p.idle <= 0 {
		p.idle = DefaultIdle
	}
	return p
}

// PoolStats count a pool's children: started in all, and documents read
// by a child that had read one before.
type PoolStats struct{ Started, Reused int64 }

// Stats are the pool's counts so far.
func (p *Pool) Stats() PoolStats {
	return PoolStats{Started: p.started.Load(), Reused: p.reused.Load()}
}

// Warm starts one child in the background, so that the first document
// finds it ready.
func (p *Pool) Warm() {
	if p.w.Exe != "" {
		p.replace()
	}
}

// Close ends the idle children; a busy one ends when its document is read.
func (p *Pool) Close() {
	p.mu.Lock()
	free := p.free
	p.free, p.closed = nil, true
	p.mu.Unlock()
	for _, c := range free {
		c.timer.Stop()
		c.kill()
	}
}

// Parse reads the reports of a file as Worker.Parse does, in a warm child.
func (p *Pool) Parse(ctx context.Context, name string, data []byte, meta ingest.Meta) ([]*report.Report, error) {
	if p.w.Exe == "" {
		return ingest.ParseUpload(ctx, name, data, meta)
	}
	c, err := p.get()
	if err != nil {
		return nil, &Error{File: name, Message: "服务器无法启动解析进程，请稍后重试", Detail: err.Error()}
	}
	reports, keep, err := p.read(ctx, c, name, data, meta)
	if keep {
		p.put(c)
	} else {
		c.kill()
		p.replace()
	}
	return reports, err
}

// get takes an idle child, or starts one.
func (p *Pool) get() (*child, error) {
	for {
		p.mu.Lock()
		n := len(p.free)
		if n == 0 {
			p.mu.Unlock()
			return p.start()
		}
		c := p.free[n-1]
		p.free = p.free[:n-1]
		p.mu.Unlock()
		c.timer.Stop()
		select {
		case <-c.done:
			continue // ended while idle (killed from outside): take another
		default:
		}
		p.reused.Add(1)
		return c, nil
	}
}

// put gives back a child that read its document and may read another.
func (p *Pool) put(c *child) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || len(p.free) >= p.keep {
		go c.kill()
		return
	}
	c.timer = time.AfterFunc(p.idle, func() { p.expire(c) })
	p.free = append(p.free, c)
}

// expire ends a child idle for p.idle, unless a document took it first.
func (p *Pool) expire(c *child) {
	p.mu.Lock()
	for i, f := range p.free {
		if f == c {
			p.free = append(p.free[:i], p.free[i+1:]...)
			p.mu.Unlock()
			c.kill()
			return
		}
	}
	p.mu.Unlock()
}

// replace starts a child in the background for one that ended, when the
// pool has room for it.
func (p *Pool) replace() {
	p.mu.Lock()
	if p.closed || len(p.free)+p.warm >= p.keep {
		p.mu.Unlock()
		return
	}
	p.warm++
	p.mu.Unlock()
	go func() {
		c, err := p.start()
		p.mu.Lock()
		p.warm--
		p.mu.Unlock()
		if err == nil {
			p.put(c)
		}
	}()
}

// child is one running worker of a pool.
type child struct {
	cmd    *exec.Cmd
	stdin  *os.File
	out    *bufio.Reader
	stdout *os.File
	stderr *lockedTail
	uses   int
	timer  *time.Timer   // ends it when idle (put)
	done   chan struct{} // closed when it has ended
	err    error         // its Wait's, once done is closed
}

// start runs a new child reading documents one after another.
func (p *Pool) start() (*child, error) {
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return nil, err
	}
	// Not the request's context: the child outlives it. Its deadline is
	// kept by read, which kills it (kill) at the document's.
	cmd := document.GoBoundedCommand(context.Background(), p.w.Exe, p.w.Memory, p.w.Timeout, Mode)
	c := &child{cmd: cmd, stdin: inW, out: bufio.NewReaderSize(outR, 64<<10), stdout: outR, stderr: &lockedTail{t: tail{max: maxStderr}}, done: make(chan struct{})}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, c.stderr
	err = cmd.Start()
	inR.Close() // the child's ends, now its own
	outW.Close()
	if err != nil {
		inW.Close()
		outR.Close()
		return nil, err
	}
	p.started.Add(1)
	go func() {
		c.err = cmd.Wait()
		close(c.done)
	}()
	return c, nil
}

// kill ends the child's process group and waits for it. A child already
// waited for is not signalled: its process id may be another's by now.
func (c *child) kill() {
	select {
	case <-c.done:
	default:
		syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
		<-c.done
	}
	c.stdin.Close()
	c.stdout.Close()
}

// read has c read one document; keep says whether c may read another.
func (p *Pool) read(ctx context.Context, c *child, name string, data []byte, meta ingest.Meta) (reports []*report.Report, keep bool, err error) {
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, p.w.Timeout)
	defer cancel()
	req, err := json.Marshal(request{Name: name, Meta: meta, Size: int64(len(data)), Framed: true})
	if err != nil {
		return nil, true, err
	}
	c.stderr.Reset()
	type answer struct {
		line []byte
		err  error
	}
	got := make(chan answer, 1)
	go func() {
		// The request's JSON on a line, then exactly Size bytes of the
		// document; the answer is one line of JSON.
		if _, err := c.stdin.Write(append(req, '\n')); err != nil {
			got <- answer{err: err}
			return
		}
		if _, err := c.stdin.Write(data); err != nil {
			got <- answer{err: err}
			return
		}
		line, err := c.out.ReadBytes('\n')
		got <- answer{line, err}
	}()
	var a answer
	select {
	case a = <-got:
	case <-ctx.Done():
		c.kill() // ends the exchange above: its pipes break
		<-got
		if parent.Err() == nil {
			return nil, false, timedOut(name, p.w.Timeout)
		}
		return nil, false, parent.Err()
	}
	if a.err != nil {
		// The child ended (its memory limit, a crash) before it answered.
		c.kill()
		werr := c.err
		if werr == nil {
			werr = a.err
		}
		return nil, false, childFailed(name, werr, c.stderr.String(), p.w.Memory)
	}
	var res response
	if err := json.Unmarshal(a.line, &res); err != nil {
		return nil, false, badAnswer(name, err, c.stderr.String())
	}
	c.uses++
	keep = c.uses < p.uses && res.Grown < p.w.Memory/16 && time.Duration(res.CPU)*time.Millisecond < p.w.Timeout/16
	reports, err = res.reports(name, meta)
	return reports, keep, err
}

// lockedTail is a tail written by the goroutine copying a child's
// standard error and read (and emptied) by the one reading its answers.
type lockedTail struct {
	mu sync.Mutex
	t  tail
}

func (l *lockedTail) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.t.Write(p)
}

func (l *lockedTail) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.t.String()
}

func (l *lockedTail) Reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.t.Reset()
}

// usage is what a child has used of its limits so far: its data segment
// grown since start (what RLIMIT_DATA counts, VmData) and its CPU time
// in milliseconds (what RLIMIT_CPU counts).
func usage(start int64) (grown, cpuMS int64) {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		cpuMS = (ru.Utime.Nano() + ru.Stime.Nano()) / 1e6
	}
	return max(vmData()-start, 0), cpuMS
}

// vmData is the process's data segment in bytes, 0 when unknown.
func vmData() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmData:"); ok {
			var kb int64
			if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%d kB", &kb); err == nil {
				return kb << 10
			}
		}
	}
	return 0
}

// discard reads n bytes of r away: a framed document over the limit is
// skipped, so the next request is read where it starts.
func discard(r io.Reader, n int64) error {
	_, err := io.CopyN(io.Discard, r, n)
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
