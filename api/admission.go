package api

import (
	"context"
	"errors"
	"fmt"
	"net"
	"runtime"
	"sync"
	"time"

	"nianbao/report"
)

// ErrBusy is the error of a parse refused because every parser is taken
// or the client's address already holds its share of them. Callers answer
// 503 with Retry-After (Admission.RetryAfter) and Admission.BusyMessage.
var ErrBusy = errors.New("all parsers busy")

// Admission is the one gate of every parse the server runs: uploads
// through the API, the anonymous 预检 page and anything else that reads
// an untrusted document (issue 20: 12 anonymous 预检 at once all ran,
// 1.7 GB, because only uploads took a slot). It holds MaxParses slots;
// one client address holds at most half of them (at least one), and a
// parse over that share is refused at once, so one address cannot keep
// the others out. A parse waits at most ParseWait for a slot, then runs
// under ParseTimeout.
type Admission struct {
	slots   chan struct{}
	wait    time.Duration
	timeout time.Duration
	share   int // slots one address may hold

	mu   sync.Mutex
	held map[string]int // slots held or waited for, by address
}

// NewAdmission returns the admission of opts: MaxParses slots (0 means
// GOMAXPROCS), ParseWait and ParseTimeout (0 means their defaults).
func NewAdmission(opts Options) *Admission {
	n := opts.MaxParses
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	a := &Admission{slots: make(chan struct{}, n), wait: opts.ParseWait, timeout: opts.ParseTimeout, share: max(n/2, 1), held: map[string]int{}}
	if a.wait <= 0 {
		a.wait = DefaultParseWait
	}
	if a.timeout <= 0 {
		a.timeout = DefaultParseTimeout
	}
	return a
}

// RetryAfter is the Retry-After, in seconds, of a refused parse.
func (a *Admission) RetryAfter() int { return max(int(a.wait/time.Second), 1) * 5 }

// BusyMessage is the sentence of a refused parse.
func (a *Admission) BusyMessage() string {
	return fmt.Sprintf("服务器正在读取其他文件（共可同时读取 %d 个，同一地址最多 %d 个），请 %d 秒后重试", cap(a.slots), a.share, a.RetryAfter())
}

// Run runs parse once a slot is free, under the timeout, with a context
// that also ends when ctx does. The slot is held until parse has really
// returned (a reader that does not watch its context still counts while
// it runs), but Run does not wait past the deadline. A result that is
// ready always wins over the deadline or the cancellation. A panic in
// parse is its error, not the server's end.
func (a *Admission) Run(ctx context.Context, parse func(context.Context) ([]*report.Report, error)) ([]*report.Report, error) {
	addr := ClientOf(ctx)
	if err := a.acquire(ctx, addr); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, a.timeout)
	// Cancelled when Run returns, never by the parsing goroutine: that
	// one cancelled right after sending its result, and the select below
	// could pick the cancellation over the result ("context canceled" in
	// about 3 of 8 full runs of an upload test).
	defer cancel()
	type result struct {
		reports []*report.Report
		err     error
	}
	done := make(chan result, 1)
	go func() {
		var res result
		// The slot is given back before the result is sent: a caller
		// that starts its next parse on receiving this one must find the
		// slot and its address's share free again.
		defer func() { done <- res }()
		defer a.release(addr)
		defer func() {
			if v := recover(); v != nil {
				res = result{err: fmt.Errorf("parser panic: %v", v)}
			}
		}()
		res.reports, res.err = parse(ctx)
	}()
	select {
	case res := <-done:
		return res.reports, res.err
	case <-ctx.Done():
		select {
		case res := <-done:
			return res.reports, res.err
		default:
			return nil, ctx.Err()
		}
	}
}

// acquire takes a slot for addr: at once ErrBusy when addr holds its
// share, else waiting at most the admission's wait.
func (a *Admission) acquire(ctx context.Context, addr string) error {
	a.mu.Lock()
	if a.held[addr] >= a.share {
		a.mu.Unlock()
		return ErrBusy
	}
	a.held[addr]++
	a.mu.Unlock()
	wait := time.NewTimer(a.wait)
	defer wait.Stop()
	select {
	case a.slots <- struct{}{}:
		return nil
	case <-wait.C:
		a.forget(addr)
		return ErrBusy
	case <-ctx.Done():
		a.forget(addr)
		return ctx.Err()
	}
}

func (a *Admission) release(addr string) {
	<-a.slots
	a.forget(addr)
}

// forget drops one slot of addr from the count, and addr with its last.
func (a *Admission) forget(addr string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.held[addr]--; a.held[addr] <= 0 {
		delete(a.held, addr)
	}
}

// Bounded is a Parser behind an Admission.
type Bounded struct {
	Inner     Parser
	Admission *Admission
}

// Bound puts p behind the admission of opts; a p already bound is
// returned as it is, so the API and the pages given the same Bounded
// share one admission. A nil p stays nil.
func Bound(p Parser, opts Options) Parser {
	switch b := p.(type) {
	case nil:
		return nil
	case *Bounded:
		return b
	}
	return &Bounded{Inner: p, Admission: NewAdmission(opts)}
}

// Parse runs the inner parser through the admission, under the client
// address WithClient put in ctx.
func (b *Bounded) Parse(ctx context.Context, name string, data []byte) ([]*report.Report, error) {
	return b.Admission.Run(ctx, func(ctx context.Context) ([]*report.Report, error) {
		return b.Inner.Parse(ctx, name, data)
	})
}

type clientKey struct{}

// WithClient returns ctx carrying the address of the client a parse is
// for (host only, or a RemoteAddr "host:port").
func WithClient(ctx context.Context, addr string) context.Context {
	if host, _, err := net.SplitHostPort(addr); err == nil {
		addr = host
	}
	return context.WithValue(ctx, clientKey{}, addr)
}

// ClientOf is the address WithClient put in ctx, "" when none.
func ClientOf(ctx context.Context) string {
	s, _ := ctx.Value(clientKey{}).(string)
	return s
}

// admissionOf is the admission of the API and the parser it runs: those of
// a Bounded parser (shared with the pages given the same one), else new.
func admissionOf(opts Options) (*Admission, Parser) {
	if b, ok := opts.Parser.(*Bounded); ok {
		return b.Admission, b.Inner
	}
	return NewAdmission(opts), opts.Parser
}
