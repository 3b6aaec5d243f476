package api

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

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
	// a review (both are shown in the public audit list).
	MaxReasonRunes = 2000
	// MaxFilterRunes bounds a county, agency or metric filter: no name is
	// longer, and each distinct value is a cache entry.
	MaxFilterRunes = 100
	// maxExact is the largest integer a float64 holds exactly (2^53).
	maxExact = 1 << 53
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

// checkText refuses a reason or comment longer than MaxReasonRunes.
func checkText(field, s string) error {
	if n := utf8.RuneCountInString(s); n > MaxReasonRunes {
		return &query.InputError{Field: field, Message: fmt.Sprintf("%s 最长 %d 字，收到 %d 字", field, MaxReasonRunes, n)}
	}
	return nil
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

// checkCorrection validates a corrected value for a cell of a report of
// the given edition: the code must be a printed cell of that edition;
// counts are whole numbers ≥ 0; amounts (万元) are ≥ 0 with at most six
// decimals; and no value beyond 2^53, where float64 stops counting by one.
// raw is the number as the client wrote it, so that 9007199254740993 is
// refused instead of silently becoming …992.
func checkCorrection(code, edition, raw string) (float64, error) {
	bad := func(msg string) error { return &query.InputError{Field: "value", Message: msg} }
	d, ok := report.Lookup(code)
	if !ok {
		return 0, &query.InputError{Field: "code", Message: "未知的单元格代码：" + code + "（见 /api/v1/codes）"}
	}
	inEdition := false
	for _, e := range d.Editions {
		inEdition = inEdition || e == edition
	}
	if !inEdition || (d.Derived && edition == report.Edition2021) {
		return 0, &query.InputError{Field: "code", Message: fmt.Sprintf("单元格 %s（%s）不属于 %s 版表格，无法更正", code, d.Label, edition)}
	}
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, bad(fmt.Sprintf("更正值应为数字，收到 %s", raw))
	}
	if v < 0 {
		return 0, bad(fmt.Sprintf("更正值不能为负数，收到 %s", raw))
	}
	tooBig := v > maxExact
	if !strings.ContainsAny(raw, ".eE") {
		// An integer as written: 9007199254740993 parses to …992 as a
		// float, so compare it as an integer.
		n, err := strconv.ParseUint(raw, 10, 64)
		tooBig = tooBig || err != nil || n > maxExact
	}
	if tooBig {
		return 0, bad(fmt.Sprintf("更正值 %s 超过可精确保存的上限 2^53（9007199254740992）", raw))
	}
	mantissa, exp, _ := strings.Cut(strings.ToLower(raw), "e")
	if isAmount(code) {
		_, frac, _ := strings.Cut(mantissa, ".")
		e, _ := strconv.Atoi(exp)
		if len(strings.TrimRight(frac, "0"))-e > 6 {
			return 0, bad(fmt.Sprintf("金额（万元）最多保留 6 位小数，收到 %s", raw))
		}
		return v, nil
	}
	if v != math.Trunc(v) {
		return 0, bad(fmt.Sprintf("单元格 %s 是件数，应为非负整数，收到 %s", code, raw))
	}
	return v, nil
}

// isAmount tells the cells counted in 万元 (the fee and procurement
// amounts of table 2) from the cells that count items.
func isAmount(code string) bool { return strings.HasSuffix(code, ".amount") }
