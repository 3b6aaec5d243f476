package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"nianbao/change"
	"nianbao/query"
	"nianbao/report"
)

// Bounds of the work one request may cost. Options can change the first
// four; the rest are fixed by what a person writes.
const (
	// DefaultMaxBody bounds a request body other than an upload: the JSON
	// of a correction or a review.
	DefaultMaxBody = 64 << 10
	// DefaultParseWait is how long an upload waits for a free parser
	// before it is answered 503.
	DefaultParseWait = 2 * time.Second
	// DefaultParseTimeout bounds the reading of one upload.
	DefaultParseTimeout = 60 * time.Second
	// MaxReasonRunes bounds the reason of a correction and the comment of
	// a review (both are shown in the public audit list); package change
	// checks it for every write.
	MaxReasonRunes = change.MaxReasonRunes
	// MaxFilterRunes bounds a county, agency or metric filter: no name is
	// longer, and each distinct value is a cache entry.
	MaxFilterRunes = 100
)

// ErrorBody codes added here: busy (503, too many uploads being read).

// secure runs first on every request: nosniff on every answer, the
// per-client rate of writes when one is set, and every body but an
// upload's held to MaxBody (an upload has its own limit).
func (h *handler) secure(c *gin.Context) {
	c.Header("X-Content-Type-Options", "nosniff")
	if !h.limitWrites(c) {
		return
	}
	if c.Request.Method == http.MethodPost && ClientOf(c.Request.Context()) == "" {
		// The admission of parses counts slots by address (admission.go).
		c.Request = c.Request.WithContext(WithClient(c.Request.Context(), c.Request.RemoteAddr))
	}
	if c.Request.Body != nil && c.Request.Body != http.NoBody && !(c.Request.Method == http.MethodPost && c.FullPath() == "/api/v1/reports") && !bodyOwnLimit[c.FullPath()] {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, h.opts.MaxBody)
	}
	c.Next()
}

// closeIfBody asks the server to close the connection after a refusal
// when the request came with a body: Go's server would otherwise read
// what is left of it to reuse the connection, and a slow or endless body
// would hold the connection (and a file descriptor) for as long as its
// sender likes.
func closeIfBody(c *gin.Context) {
	if c.Request.ContentLength != 0 {
		c.Header("Connection", "close")
	}
}

// errBusy is returned by parseBounded when no parser is free in time.
var errBusy = ErrBusy

// parseBounded reads an upload through the server's one admission (see
// Admission), under the client address secure put in ctx.
func (h *handler) parseBounded(ctx context.Context, name string, data []byte) ([]*report.Report, error) {
	return h.adm.Run(ctx, func(ctx context.Context) ([]*report.Report, error) {
		return h.parse(ctx, name, data)
	})
}

// busy answers 503 with Retry-After when every parser is taken, or the
// client's address holds its share of them.
func (h *handler) busy(c *gin.Context) {
	c.Header("Retry-After", strconv.Itoa(h.adm.RetryAfter()))
	closeIfBody(c)
	h.fail(c, http.StatusServiceUnavailable, "busy", h.adm.BusyMessage())
}

// checkFilters refuses filter values longer than any real name.
func checkFilters(c *gin.Context) error {
	for _, name := range []string{"county", "agency", "metric"} {
		if n := utf8.RuneCountInString(c.Query(name)); n > MaxFilterRunes {
			return &query.InputError{Field: name, Message: fmt.Sprintf("参数 %s 最长 %d 字，收到 %d 字", name, MaxFilterRunes, n)}
		}
	}
	return nil
}
