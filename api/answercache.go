package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"nianbao/internal/respcache"
)

// A repeated GET gets the finished bytes of its answer: the query cache
// spares the SQL, but encoding a 200 KB answer as JSON, hashing it for
// the ETag and gzipping it cost milliseconds per request. Entries are
// keyed by the request URI and valid for one data generation (every write
// drops them all, as it drops the query cache) and five minutes (answers
// such as filing depend on today's date).
//
// Requests with an Authorization header are not cached: a token may see
// what an anonymous reader does not (serve --private), so no answer is
// shared across it. /health always asks the database.
const (
	answerEntries = 1024
	answerBytes   = 64 << 20
	answerTTL     = 5 * time.Minute
)

func newAnswerCache() *respcache.Cache { return respcache.New(answerEntries, answerBytes, answerTTL) }

const ctxAnswerKey = "nianbao.answerkey"

// cacheAnswers serves a cached answer or leaves the key for keepAnswer.
func (h *handler) cacheAnswers(c *gin.Context) {
	if h.answers == nil || c.Request.Method != http.MethodGet || c.GetHeader("Authorization") != "" || c.FullPath() == "/api/v1/health" {
		return
	}
	p, served := h.answers.Lookup(c.Writer, c.Request, h.q.Generation(), nil)
	if served {
		c.Abort()
		return
	}
	c.Set(ctxAnswerKey, p)
}

// keepAnswer stores and writes an answer of a request cacheAnswers let
// through; false when the request is not cached.
func (h *handler) keepAnswer(c *gin.Context, contentType string, body []byte) bool {
	v, ok := c.Get(ctxAnswerKey)
	// Downloads carry their file name in a header the entry does not
	// keep: they are built each time.
	if !ok || c.Writer.Header().Get("Content-Disposition") != "" {
		return false
	}
	h.answers.Keep(c.Writer, c.Request, v.(respcache.Pending), contentType, body)
	return true
}
