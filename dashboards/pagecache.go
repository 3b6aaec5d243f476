package dashboards

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// Building a page runs several statistics and a template: tens of
// milliseconds even when every statistic comes from the query cache, and
// a county page at national size is 300 KB of HTML. Repeated requests for
// the same page get the finished bytes instead, gzipped once, with an ETag
// so that a browser coming back gets 304 and no body at all.
//
// An entry is keyed by the whole request URI and valid only for the query
// service's data generation it was built in, so every write the query
// cache sees (ingest, upload, correction, review, deletion, filing mark)
// makes every cached page stale at once, exactly as for the query cache.
// Entries also expire after pageTTL: a few pages depend on today's date
// (a filing becomes overdue), not only on the data.
const (
	pageEntries = 512
	pageBytes   = 64 << 20
	pageTTL     = 5 * time.Minute
	// gzipMin is the body size below which gzip is not worth its header.
	gzipMin = 1 << 10
)

// ctxPageKey is where cachePages leaves the key for render to store under.
const ctxPageKey = "nianbao.pagekey"

// cachedPage is one rendered page.
type cachedPage struct {
	key     string
	gen     uint64
	built   time.Time
	body    []byte
	gzipped []byte // nil when the body is small or does not compress
	etag    string
}

func (p *cachedPage) size() int64 { return int64(len(p.key) + len(p.body) + len(p.gzipped) + 128) }

// pageCache is a least-recently-used set of pages bounded by count and
// bytes. Requests from anonymous readers choose the keys, so without the
// bounds distinct query strings would keep pages forever.
type pageCache struct {
	mu    sync.Mutex
	gen   uint64
	bytes int64
	ll    *list.List // front: most recently used; values *cachedPage
	items map[string]*list.Element
	now   func() time.Time
}

func newPageCache() *pageCache {
	return &pageCache{ll: list.New(), items: map[string]*list.Element{}, now: time.Now}
}

// get returns the page under key if it was built in generation gen and is
// not older than pageTTL. A newer generation drops every entry.
func (pc *pageCache) get(key string, gen uint64) (*cachedPage, bool) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	pc.advance(gen)
	e, ok := pc.items[key]
	if !ok {
		return nil, false
	}
	p := e.Value.(*cachedPage)
	if p.gen != gen || pc.now().Sub(p.built) > pageTTL {
		pc.remove(e)
		return nil, false
	}
	pc.ll.MoveToFront(e)
	return p, true
}

// put keeps p unless the data changed while it was being built.
func (pc *pageCache) put(p *cachedPage) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	pc.advance(p.gen)
	if p.gen != pc.gen || p.size() > pageBytes {
		return
	}
	if e, ok := pc.items[p.key]; ok {
		pc.remove(e)
	}
	pc.items[p.key] = pc.ll.PushFront(p)
	pc.bytes += p.size()
	for pc.ll.Len() > pageEntries || pc.bytes > pageBytes {
		pc.remove(pc.ll.Back())
	}
}

// advance drops everything when gen is newer than what the cache holds.
func (pc *pageCache) advance(gen uint64) {
	if gen > pc.gen {
		pc.gen = gen
		pc.ll.Init()
		pc.items = map[string]*list.Element{}
		pc.bytes = 0
	}
}

func (pc *pageCache) remove(e *list.Element) {
	p := e.Value.(*cachedPage)
	pc.ll.Remove(e)
	delete(pc.items, p.key)
	pc.bytes -= p.size()
}

// len is the number of pages held (for tests).
func (pc *pageCache) len() int {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	return pc.ll.Len()
}

// cachePages answers a GET from the page cache when it can; otherwise it
// leaves the key for render, which stores the page it builds.
func (h *handler) cachePages(c *gin.Context) {
	if h.cache == nil || c.Request.Method != http.MethodGet {
		return
	}
	gen := h.q.Generation()
	key := c.Request.URL.RequestURI()
	if p, ok := h.cache.get(key, gen); ok {
		writePage(c, p)
		c.Abort()
		return
	}
	c.Set(ctxPageKey, pageKey{key: key, gen: gen})
}

type pageKey struct {
	key string
	gen uint64
}

// keep stores a page that render built with status 200 and writes it;
// it reports false when the request is not cached (render then writes).
func (h *handler) keep(c *gin.Context, status int, body []byte) bool {
	v, ok := c.Get(ctxPageKey)
	if !ok || status != http.StatusOK {
		return false
	}
	k := v.(pageKey)
	p := &cachedPage{key: k.key, gen: k.gen, built: h.cache.now(), body: bytes.Clone(body)}
	sum := fnv.New64a()
	sum.Write(p.body)
	p.etag = `"` + strconv.FormatUint(sum.Sum64(), 36) + `"`
	if len(p.body) >= gzipMin {
		var gz bytes.Buffer
		w, _ := gzip.NewWriterLevel(&gz, gzip.BestSpeed)
		if _, err := w.Write(p.body); err == nil && w.Close() == nil && gz.Len() < len(p.body) {
			p.gzipped = gz.Bytes()
		}
	}
	h.cache.put(p)
	writePage(c, p)
	return true
}

// writePage answers with p: 304 when the browser holds the same ETag,
// gzip when the browser takes it.
func writePage(c *gin.Context, p *cachedPage) {
	securityHeaders(c)
	hd := c.Writer.Header()
	hd.Set("ETag", p.etag)
	// The data changes with every write: a browser may keep the page but
	// must ask again, and then gets 304 while nothing changed.
	hd.Set("Cache-Control", "no-cache")
	hd.Set("Vary", "Accept-Encoding")
	if etagMatches(c.GetHeader("If-None-Match"), p.etag) {
		c.Status(http.StatusNotModified)
		return
	}
	if p.gzipped != nil && acceptsGzip(c.GetHeader("Accept-Encoding")) {
		hd.Set("Content-Encoding", "gzip")
		c.Data(http.StatusOK, "text/html; charset=utf-8", p.gzipped)
		return
	}
	c.Data(http.StatusOK, "text/html; charset=utf-8", p.body)
}

// etagMatches reads an If-None-Match list (weak tags compare equal to
// strong ones, as RFC 9110 asks for this header).
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

// acceptsGzip reads Accept-Encoding: gzip listed and not refused with q=0.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}
