package api

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"nianbao/query"
)

// LoadTokens reads a token file (see LoadUsers) and returns token → name.
func LoadTokens(path string) (map[string]string, error) {
	users, err := LoadUsers(path)
	if err != nil {
		return nil, err
	}
	tokens := make(map[string]string, len(users))
	for tok, u := range users {
		tokens[tok] = u.Name
	}
	return tokens, nil
}

// auth lets a request through when it carries a known bearer token, and
// records the token's name as "who". A wrong token is a failure of the
// client's address in the sign-in throttle (ratelimit.go): past the free
// ones the address waits, answered 429, whatever token it sends.
func (h *handler) auth(c *gin.Context) {
	given, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
	given = strings.TrimSpace(given)
	key := ClientKey(c.Request)
	if wait := h.opts.Throttle.Wait(key); wait > 0 && ok && given != "" {
		c.Header("Retry-After", RetryAfter(wait))
		closeIfBody(c)
		h.fail(c, http.StatusTooManyRequests, "busy", WaitSentence(wait))
		c.Abort()
		return
	}
	if ok && given != "" {
		for tok, name := range h.opts.Tokens {
			if subtle.ConstantTimeCompare([]byte(tok), []byte(given)) == 1 {
				u, ok := h.opts.Users[tok]
				if !ok {
					u = User{Name: name, Role: RoleAdmin}
				}
				if !h.permit(c, u) {
					c.Abort()
					return
				}
				h.opts.Throttle.Succeed(key)
				c.Set("who", name)
				c.Set("user", u)
				c.Next()
				return
			}
		}
		if h.opts.People != nil {
			if u, found := h.opts.People(c.Request.Context(), given); found {
				if !h.permit(c, u) {
					c.Abort()
					return
				}
				h.opts.Throttle.Succeed(key)
				c.Set("who", u.Name)
				c.Set("user", u)
				c.Next()
				return
			}
		}
		// A request without a token is not a guess; a wrong one is, and
		// the one that starts the back-off is answered as a wait already.
		if wait := h.opts.Throttle.Fail(key); wait > 0 {
			c.Header("Retry-After", RetryAfter(wait))
			closeIfBody(c)
			h.fail(c, http.StatusTooManyRequests, "busy", WaitSentence(wait))
			c.Abort()
			return
		}
	}
	c.Header("WWW-Authenticate", `Bearer realm="nianbao"`)
	h.fail(c, http.StatusUnauthorized, "unauthorized", "需要有效的令牌：请求头 Authorization: Bearer <令牌>")
	c.Abort()
}

// permit answers 403 unless the user's role allows the route, and, for a
// clerk limited to a county or agency, the report is theirs.
func (h *handler) permit(c *gin.Context, u User) bool {
	action := RouteAction(c.Request.Method, c.FullPath())
	if !u.May(action) {
		h.fail(c, http.StatusForbidden, "forbidden", u.Refusal(action))
		return false
	}
	if u.Scope == "" || c.Param("id") == "" {
		return true
	}
	id, err := reportID(c)
	if err != nil {
		h.error(c, err)
		return false
	}
	d, err := h.q.Report(c.Request.Context(), id, query.ReportOptions{})
	if err != nil {
		h.error(c, err)
		return false
	}
	if !u.Covers(d.Agency, d.County) {
		h.fail(c, http.StatusForbidden, "forbidden", u.Name+"只能修改"+u.Scope+"的报告，这份是"+d.County+d.Agency+"的")
		return false
	}
	return true
}
