package api

import (
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"nianbao/internal/netlimit"
)

// writeLimiter allows each client (by the address of its connection, not
// a header it could forge) a burst of writes refilled at a steady rate: a
// token bucket (golang.org/x/time/rate) per address. Buckets full again
// are forgotten when the map grows, so unique addresses cannot grow it
// without bound.
type writeLimiter struct {
	limit rate.Limit // tokens per second
	burst int
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*rate.Limiter
}

const limiterPruneAt = 10_000

func newWriteLimiter(perMinute int) *writeLimiter {
	return newRateLimiter(perMinute, max(perMinute/6, 5))
}

// newRateLimiter allows perMinute a minute after a burst; nil (no limit)
// when perMinute is not positive.
func newRateLimiter(perMinute, burst int) *writeLimiter {
	if perMinute <= 0 {
		return nil
	}
	return &writeLimiter{limit: rate.Limit(float64(perMinute) / 60), burst: burst, now: time.Now, buckets: map[string]*rate.Limiter{}}
}

// clientHost is the address of the request's connection (not a header a
// client could forge).
func clientHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// allow takes a token for client; when none is left it returns how long
// until one is.
func (l *writeLimiter) allow(client string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.buckets) >= limiterPruneAt {
		for k, b := range l.buckets {
			if b.TokensAt(now) >= float64(l.burst) {
				delete(l.buckets, k)
			}
		}
	}
	b, ok := l.buckets[client]
	if !ok {
		b = rate.NewLimiter(l.limit, l.burst)
		l.buckets[client] = b
	}
	if b.AllowN(now, 1) {
		return true, 0
	}
	return false, time.Duration((1 - b.TokensAt(now)) / float64(l.limit) * float64(time.Second))
}

// limitWrites answers 429 with Retry-After to a client over its rate of
// writes (every method but GET, HEAD and OPTIONS), before any token is
// checked or any body read.
func (h *handler) limitWrites(c *gin.Context) bool {
	if h.limiter == nil {
		return true
	}
	switch c.Request.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	ok, wait := h.limiter.allow(clientHost(c.Request))
	if !ok {
		c.Header("Retry-After", strconv.Itoa(int(wait/time.Second)+1))
		closeIfBody(c)
		h.fail(c, http.StatusTooManyRequests, "busy", "写入请求过于频繁，请稍后重试")
	}
	return ok
}

// Throttle slows down guessing of tokens, on the sign-in form and the
// API's bearer check alike (one table, so a guesser gets no second
// allowance on the other door): after Free failures from an address each
// further failure doubles the wait before the next try — 1 s, 2 s, 4 s …
// up to MaxWait — answered 429 with Retry-After. Without it, sign-in
// could be tried about 2 100 times a second.
//
// There is no account to count failures against: a sign-in is a token
// alone, and a wrong token names no one. So the key is the client's
// address (an IPv6 client by its /64, netlimit.AddrKey).
//
// The table is bounded: entries whose last failure is older than
// forgetAfter are dropped when it fills, and past ThrottleEntries the
// least punished entry makes room.
type Throttle struct {
	Free    int
	Base    time.Duration
	MaxWait time.Duration
	now     func() time.Time

	mu sync.Mutex
	m  map[string]*strikes
}

type strikes struct {
	fails int
	until time.Time // no try before this
	last  time.Time // last failure
}

// Throttle defaults: five failures free, then 1 s doubling to 15 min; an
// address is forgotten an hour after its last failure.
const (
	ThrottleFree    = 5
	ThrottleBase    = time.Second
	ThrottleMaxWait = 15 * time.Minute
	ThrottleEntries = 10_000
	forgetAfter     = time.Hour
)

// NewThrottle returns a throttle with the defaults.
func NewThrottle() *Throttle {
	return &Throttle{Free: ThrottleFree, Base: ThrottleBase, MaxWait: ThrottleMaxWait, now: time.Now, m: map[string]*strikes{}}
}

// SetClock replaces the clock (tests).
func (t *Throttle) SetClock(now func() time.Time) { t.now = now }

// Wait is how long key must wait before its next try; 0 lets it try.
func (t *Throttle) Wait(key string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	s, ok := t.m[key]
	if !ok {
		return 0
	}
	return max(s.until.Sub(t.now()), 0)
}

// Fail counts a failure of key and returns the wait it now has.
func (t *Throttle) Fail(key string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	s, ok := t.m[key]
	if !ok {
		t.makeRoom(now)
		s = &strikes{}
		t.m[key] = s
	}
	s.fails++
	s.last = now
	if over := s.fails - t.Free; over > 0 {
		wait := t.MaxWait
		if over <= 30 { // past 2^30 s the shift would overflow; the cap holds anyway
			wait = min(t.Base<<(over-1), t.MaxWait)
		}
		s.until = now.Add(wait)
	}
	return max(s.until.Sub(now), 0)
}

// Succeed forgets key's failures: the person got their token right.
func (t *Throttle) Succeed(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.m, key)
}

// Len is the number of addresses remembered.
func (t *Throttle) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.m)
}

// makeRoom keeps the table under ThrottleEntries; called with mu held.
func (t *Throttle) makeRoom(now time.Time) {
	if len(t.m) < ThrottleEntries {
		return
	}
	var least string
	var leastUntil time.Time
	for k, s := range t.m {
		if now.Sub(s.last) > forgetAfter {
			delete(t.m, k)
			continue
		}
		if least == "" || s.until.Before(leastUntil) {
			least, leastUntil = k, s.until
		}
	}
	if len(t.m) >= ThrottleEntries {
		delete(t.m, least)
	}
}

// RetryAfter is a wait as the Retry-After header's whole seconds (at least 1).
func RetryAfter(wait time.Duration) string {
	return strconv.Itoa(int((wait + time.Second - 1) / time.Second))
}

// WaitSentence says in Chinese how long to wait, for the 429 of a sign-in.
func WaitSentence(wait time.Duration) string {
	s := int((wait + time.Second - 1) / time.Second)
	if s >= 60 {
		return "令牌错误次数过多，请 " + strconv.Itoa((s+59)/60) + " 分钟后再试。"
	}
	return "令牌错误次数过多，请 " + strconv.Itoa(s) + " 秒后再试。"
}

// ClientKey is the throttle's key of a request: its connection's address,
// an IPv6 one by its /64.
func ClientKey(r *http.Request) string { return netlimit.AddrKey(clientHost(r)) }
