package api

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/sync/singleflight"

	"nianbao/internal/respcache"
	"nianbao/query"
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

const (
	ctxAnswerKey   = "nianbao.answerkey"
	ctxWholeKey    = "nianbao.wholekey"
	ctxWholeAnswer = "nianbao.wholeanswer"
)

// cacheAnswers serves a cached answer or leaves the key for keepAnswer.
func (h *handler) cacheAnswers(c *gin.Context) {
	if h.answers == nil || c.Request.Method != http.MethodGet || c.GetHeader("Authorization") != "" || c.FullPath() == "/api/v1/health" {
		return
	}
	if key, ok := wholeKey(c.Request); ok && h.whole != nil {
		h.whole.serve(c, h.q.Generation(), key)
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
	// Downloads carry their file name in a header the entry does not
	// keep: they are built each time.
	if c.Writer.Header().Get("Content-Disposition") != "" {
		return false
	}
	if v, ok := c.Get(ctxWholeKey); ok {
		p := v.(wholePending)
		h.keepWhole(c, p, h.answers.NewEntry(p.key, p.gen, contentType, body))
		return true
	}
	v, ok := c.Get(ctxAnswerKey)
	if !ok {
		return false
	}
	h.answers.Keep(c.Writer, c.Request, v.(respcache.Pending), contentType, body)
	return true
}

// answerWhole answers v, the result of a whole-country form a request
// computes, encoded row by row into its entry (wholejson.go) rather than
// marshalled whole first; false when the request is not one or v has no
// such encoder.
func (h *handler) answerWhole(c *gin.Context, v any) bool {
	x, ok := c.Get(ctxWholeKey)
	if !ok || c.Writer.Header().Get("Content-Disposition") != "" {
		return false
	}
	p := x.(wholePending)
	b := h.answers.NewBuilder(p.key, p.gen, jsonType)
	done, err := writeWholeJSON(b, v)
	if !done {
		return false
	}
	e := b.Entry()
	if err != nil {
		h.error(c, fmt.Errorf("encode answer: %w", err))
		return true
	}
	h.keepWhole(c, p, e)
	return true
}

// keepWhole keeps e, the answer of a whole-country form, and serves it.
func (h *handler) keepWhole(c *gin.Context, p wholePending, e *respcache.Entry) {
	h.whole.put(p, e, c.Request.Context().Value(backgroundKey{}) == nil)
	c.Set(ctxWholeAnswer, e)
	e.Serve(c.Writer, c.Request)
}

// Whole-country answers (issue 25, item 5): the unfiltered forms of the
// statistics and cell sums, such as the outcomes of every county (2.6 MB
// of JSON at 200 000 reports), are encoded once per data generation and
// served as bytes with an ETag. The first reader of a generation
// computes one, encoded row by row (wholejson.go) with gzip beside it,
// concurrent readers sharing the one computation; the background work
// after a write (the query layer's AfterPrepare, once writes pause)
// computes again only the forms readers asked for in the generation
// before: a form nobody reads costs a server taking uploads nothing, one
// read every generation is ready before its reader comes. They are kept
// apart from the LRU of answers: the many answers of filtered requests
// must not evict them, and they must not fill it.
//
// Only these forms are kept, so anonymous readers cannot make the server
// keep unbounded variants: the routes below with no parameter but
// group_by (and codes for the cells), at most wholeEntries answers and
// wholeBytes bytes a generation. The cell codes are the readers' choice:
// past the bounds, the least recently used answer that is not one of
// wholeDefaults goes. No time to live: these sums depend on the data
// only, not on today's date.
const (
	wholeEntries = 8
	wholeBytes   = 128 << 20
)

// wholeRoutes are the routes with a whole-country form, and the
// parameters the form may carry.
var wholeRoutes = map[string][]string{
	"/api/v1/cells":              {"codes", "group_by"},
	"/api/v1/stats/applications": {"group_by"},
	"/api/v1/stats/outcomes":     {"group_by"},
	"/api/v1/stats/reviews":      {"group_by"},
	"/api/v1/stats/proactive":    {"group_by"},
}

// wholeDefaults, the national dashboards' tables of every county, are
// never evicted by the forms readers choose.
var wholeDefaults = []string{
	"/api/v1/stats/applications?group_by=county",
	"/api/v1/stats/outcomes?group_by=county",
	"/api/v1/stats/reviews?group_by=county",
}

// wholeKey is r's whole-country form (the path and its parameters in
// order), if it is one.
func wholeKey(r *http.Request) (string, bool) {
	allowed, ok := wholeRoutes[r.URL.Path]
	if !ok || r.Method != http.MethodGet || r.Header.Get("Authorization") != "" {
		return "", false
	}
	v := r.URL.Query()
	for k := range v {
		if !slices.Contains(allowed, k) {
			return "", false
		}
	}
	if len(v) == 0 {
		return r.URL.Path, true
	}
	return r.URL.Path + "?" + v.Encode(), true
}

// wholeAnswers holds the whole-country answers of one generation.
type wholeAnswers struct {
	// handler is the API's engine: the background computation sends each
	// form through its route, so the bytes are those a reader would get.
	handler http.Handler
	log     *slog.Logger
	flight  singleflight.Group

	// The bounds, wholeEntries and wholeBytes (tests set smaller ones).
	maxEntries int
	maxBytes   int64

	mu      sync.Mutex
	gen     uint64
	entries map[string]*wholeEntry
	bytes   int64
	last    []string // the forms readers asked for in the previous generation
	tick    uint64
}

type wholeEntry struct {
	e    *respcache.Entry
	used uint64
	read bool // a reader asked for it (not only the background work)
}

// backgroundKey marks the requests of the background work in their
// context: what they compute is not a form readers asked for.
type backgroundKey struct{}

// wholePending is the form and generation a request computes.
type wholePending struct {
	key string
	gen uint64
}

func newWholeAnswers(handler http.Handler, q *query.Service, log *slog.Logger) *wholeAnswers {
	w := &wholeAnswers{handler: handler, log: log, entries: map[string]*wholeEntry{}, maxEntries: wholeEntries, maxBytes: wholeBytes}
	q.AfterPrepare(func(ctx context.Context) error { w.prepare(ctx, q.Generation()); return nil })
	return w
}

// advance moves to generation gen (w.mu held): the forms readers asked
// for are remembered for the background computation, the bytes dropped.
func (w *wholeAnswers) advance(gen uint64) {
	if gen <= w.gen {
		return
	}
	w.last = w.last[:0]
	for k, x := range w.entries {
		if x.read {
			w.last = append(w.last, k)
		}
	}
	slices.SortFunc(w.last, func(a, b string) int { return cmp.Compare(w.entries[b].used, w.entries[a].used) })
	w.gen, w.entries, w.bytes = gen, map[string]*wholeEntry{}, 0
}

// get is the answer of key in generation gen, nil when there is none;
// read: a reader asks (not the background work).
func (w *wholeAnswers) get(key string, gen uint64, read bool) *respcache.Entry {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.advance(gen)
	x, ok := w.entries[key]
	if !ok || gen != w.gen {
		return nil
	}
	w.tick++
	x.used = w.tick
	x.read = x.read || read
	return x.e
}

// put keeps e unless the data changed while it was built; past the
// bounds the least recently used form that is not a default goes. read:
// a reader's request built it.
func (w *wholeAnswers) put(p wholePending, e *respcache.Entry, read bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.advance(p.gen)
	if p.gen != w.gen {
		return
	}
	if old, ok := w.entries[p.key]; ok {
		w.bytes -= old.e.Size()
	}
	w.tick++
	w.entries[p.key] = &wholeEntry{e: e, used: w.tick, read: read}
	w.bytes += e.Size()
	for len(w.entries) > w.maxEntries || w.bytes > w.maxBytes {
		victim := ""
		for k, x := range w.entries {
			if !slices.Contains(wholeDefaults, k) && (victim == "" || x.used < w.entries[victim].used) {
				victim = k
			}
		}
		if victim == "" {
			victim = p.key // the defaults alone are over the bounds
		}
		w.bytes -= w.entries[victim].e.Size()
		delete(w.entries, victim)
		if victim == p.key {
			return
		}
	}
}

// serve answers c from the generation's answer of key, computing it (or
// waiting for the computation under way) when there is none.
func (w *wholeAnswers) serve(c *gin.Context, gen uint64, key string) {
	read := c.Request.Context().Value(backgroundKey{}) == nil
	if e := w.get(key, gen, read); e != nil {
		e.Serve(c.Writer, c.Request)
		c.Abort()
		return
	}
	led := false
	v, _, _ := w.flight.Do(key+"|"+strconv.FormatUint(gen, 10), func() (any, error) {
		led = true
		c.Set(ctxWholeKey, wholePending{key: key, gen: gen})
		// The answer is kept here as bytes: the query layer's result of
		// it (the cells of every agency, tens of MB of maps) is not kept
		// too.
		c.Request = c.Request.WithContext(query.Unkept(c.Request.Context()))
		c.Next()
		e, _ := c.Get(ctxWholeAnswer)
		return e, nil
	})
	if led {
		return // c.Next answered
	}
	if e, _ := v.(*respcache.Entry); e != nil {
		w.get(key, gen, read) // a reader sharing the computation asked for it
		e.Serve(c.Writer, c.Request)
		c.Abort()
	}
	// Else the computation waited for answered an error (or its reader
	// went away): this request runs its own.
}

// toPrepare are the forms to compute for generation gen: those readers
// asked for in the last generation, the most recently asked first, not
// yet computed.
func (w *wholeAnswers) toPrepare(gen uint64) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.advance(gen)
	var out []string
	for _, k := range w.last {
		if _, done := w.entries[k]; !done && len(out) < w.maxEntries {
			out = append(out, k)
		}
	}
	return out
}

// prepare computes the whole-country answers of generation gen, each
// through its route as a reader's request.
func (w *wholeAnswers) prepare(ctx context.Context, gen uint64) {
	for _, key := range w.toPrepare(gen) {
		if ctx.Err() != nil {
			return
		}
		req, err := http.NewRequestWithContext(context.WithValue(ctx, backgroundKey{}, true), http.MethodGet, key, nil)
		if err != nil {
			w.log.Warn("api: whole-country answer", "form", key, "err", err)
			continue
		}
		req.RemoteAddr = "127.0.0.1:0"
		rec := &statusWriter{header: http.Header{}}
		w.handler.ServeHTTP(rec, req)
		if rec.status != http.StatusOK {
			w.log.Warn("api: computing a whole-country answer after a write failed; its first reader computes it", "form", key, "status", rec.status)
		}
	}
}

// statusWriter keeps the status of a background request and drops its
// body (the answer is kept by keepAnswer).
type statusWriter struct {
	header http.Header
	status int
}

func (s *statusWriter) Header() http.Header { return s.header }
func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
}
func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return len(b), nil
}
