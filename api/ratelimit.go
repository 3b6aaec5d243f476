package api

import (
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// writeLimiter allows each client (by the address of its connection, not
// a header it could forge) a burst of writes refilled at a steady rate: a
// token bucket per address. Buckets full again are forgotten when the
// map grows, so unique addresses cannot grow it without bound.
type writeLimiter struct {
	perMinute float64
	burst     float64
	now       func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

const limiterPruneAt = 10_000

func newWriteLimiter(perMinute int) *writeLimiter {
	if perMinute <= 0 {
		return nil
	}
	return &writeLimiter{perMinute: float64(perMinute), burst: float64(max(perMinute/6, 5)), now: time.Now, buckets: map[string]*bucket{}}
}

// allow takes a token for client; when none is left it returns how long
// until one is.
func (l *writeLimiter) allow(client string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	rate := l.perMinute / 60 // tokens per second
	if len(l.buckets) >= limiterPruneAt {
		for k, b := range l.buckets {
			if b.tokens+now.Sub(b.at).Seconds()*rate >= l.burst {
				delete(l.buckets, k)
			}
		}
	}
	b, ok := l.buckets[client]
	if !ok {
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[client] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.at).Seconds()*rate)
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / rate * float64(time.Second))
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
	host, _, err := net.SplitHostPort(c.Request.RemoteAddr)
	if err != nil {
		host = c.Request.RemoteAddr
	}
	ok, wait := h.limiter.allow(host)
	if !ok {
		c.Header("Retry-After", strconv.Itoa(int(wait/time.Second)+1))
		closeIfBody(c)
		h.fail(c, http.StatusTooManyRequests, "busy", "写入请求过于频繁，请稍后重试")
	}
	return ok
}
