package dashboards

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"nianbao/internal/respcache"
)

// Repeated requests for the same page get its finished bytes from a
// respcache.Cache: keyed by the whole request URI, valid for the data
// generation it was built in (so every write rebuilds), gzipped once, with
// an ETag for 304s. A county page at national size is 300 KB of HTML and
// tens of milliseconds to build even when every statistic is cached.
const (
	pageEntries = 512
	pageBytes   = 64 << 20
	pageTTL     = 5 * time.Minute
)

func newPageCache() *respcache.Cache { return respcache.New(pageEntries, pageBytes, pageTTL) }

// ctxPageKey is where cachePages leaves the key for render to store under.
const ctxPageKey = "nianbao.pagekey"

// cachePages answers a GET from the page cache when it can; otherwise it
// leaves the key for render, which stores the page it builds.
func (h *handler) cachePages(c *gin.Context) {
	if h.cache == nil || c.Request.Method != http.MethodGet {
		return
	}
	p, served := h.cache.Lookup(c.Writer, c.Request, h.q.Generation(), func() { securityHeaders(c) })
	if served {
		c.Abort()
		return
	}
	c.Set(ctxPageKey, p)
}

// keep stores a page that render built with status 200 and writes it; it
// reports false when the request is not cached (render then writes).
func (h *handler) keep(c *gin.Context, status int, body []byte) bool {
	v, ok := c.Get(ctxPageKey)
	if !ok || status != http.StatusOK {
		return false
	}
	securityHeaders(c)
	h.cache.Keep(c.Writer, c.Request, v.(respcache.Pending), "text/html; charset=utf-8", body)
	return true
}
