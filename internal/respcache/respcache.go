// Package respcache keeps finished HTTP answers — the bytes, gzipped
// once, with an ETag — for requests that repeat: the dashboards' pages
// and the API's JSON. Building either costs far more than sending it
// (statistics, a template or a JSON encoding, gzip), and at national size
// a county page is 300 KB of HTML.
//
// An entry belongs to one data generation (query.Service.Generation): a
// newer generation drops every entry at once, so every write the query
// cache sees makes every cached answer stale, exactly as for that cache.
// Entries also expire after a time to live, for answers that depend on
// today's date (a filing becomes overdue), not only on the data.
package respcache

import (
	"bytes"
	"container/list"
	"hash"
	"hash/fnv"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"
)

// gzipMin is the body size below which gzip is not worth its header.
const gzipMin = 1 << 10

// Entry is one finished answer with status 200.
type Entry struct {
	key         string
	gen         uint64
	built       time.Time
	contentType string
	body        []byte
	gzipped     []byte // nil when the body is small or does not compress
	etag        string
}

func (e *Entry) size() int64 { return int64(len(e.key) + len(e.body) + len(e.gzipped) + 128) }

// Body is the answer as built (for tests).
func (e *Entry) Body() []byte { return e.body }

// Cache is a least-recently-used set of entries bounded by count and
// bytes: anonymous readers choose the keys (query strings), so without
// the bounds distinct requests would keep answers forever.
type Cache struct {
	maxEntries int
	maxBytes   int64
	ttl        time.Duration

	mu    sync.Mutex
	gen   uint64
	bytes int64
	ll    *list.List // front: most recently used; values *Entry
	items map[string]*list.Element
	now   func() time.Time
}

// New returns an empty cache.
func New(maxEntries int, maxBytes int64, ttl time.Duration) *Cache {
	return &Cache{maxEntries: maxEntries, maxBytes: maxBytes, ttl: ttl, ll: list.New(), items: map[string]*list.Element{}, now: time.Now}
}

// SetClock replaces the clock (tests).
func (c *Cache) SetClock(now func() time.Time) { c.now = now }

// NewEntry encodes an answer for key, built in generation gen: its ETag
// and, when it pays, its gzipped bytes.
func (c *Cache) NewEntry(key string, gen uint64, contentType string, body []byte) *Entry {
	b := c.NewBuilder(key, gen, contentType)
	b.Write(body)
	return b.Entry()
}

// Builder makes an Entry of an answer written in pieces as it is encoded
// (a whole-country answer row by row): the pieces are kept as the plain
// body and, in a goroutine of their own, hashed for the ETag and gzipped,
// so that gzip runs beside the encoding rather than after it (the
// outcomes of every county: 2.6 MB, 24 ms of gzip at the request).
type Builder struct {
	e     *Entry
	body  []byte
	fed   int // len(body) handed to the goroutine
	work  chan []byte
	done  chan struct{}
	gz    *gzip.Writer
	gzbuf bytes.Buffer
	sum   hash.Hash64
	gzErr error
}

// builderChunk is how much of the body is handed to the gzip goroutine
// at once: big enough that the hand-over costs nothing, small enough that
// gzip starts long before the encoding ends.
const builderChunk = 64 << 10

// NewBuilder starts an Entry for key, built in generation gen.
func (c *Cache) NewBuilder(key string, gen uint64, contentType string) *Builder {
	return &Builder{e: &Entry{key: key, gen: gen, built: c.now(), contentType: contentType}, sum: fnv.New64a()}
}

// Write appends p to the body; it never fails.
func (b *Builder) Write(p []byte) (int, error) {
	b.body = append(b.body, p...)
	if len(b.body)-b.fed >= builderChunk {
		b.feed()
	}
	return len(p), nil
}

// feed hands the body not yet fed to the goroutine. The slice handed
// over is never written again: a later append that grows the body copies
// it elsewhere and leaves the old array to the goroutine.
func (b *Builder) feed() {
	if b.work == nil {
		b.work, b.done = make(chan []byte, 16), make(chan struct{})
		b.gz = gzipWriters.Get().(*gzip.Writer)
		b.gz.Reset(&b.gzbuf)
		go func() {
			defer close(b.done)
			for p := range b.work {
				b.sum.Write(p)
				if _, err := b.gz.Write(p); err != nil && b.gzErr == nil {
					b.gzErr = err
				}
			}
		}()
	}
	b.work <- b.body[b.fed:len(b.body):len(b.body)]
	b.fed = len(b.body)
}

// Entry finishes the answer: its ETag, and its gzipped bytes when the
// body is big enough and they are smaller.
func (b *Builder) Entry() *Entry {
	e := b.e
	e.body = b.body
	if cap(b.body) > len(b.body)+len(b.body)/4 {
		// Appending left up to as much again unused: the entry is kept
		// for a generation and counted by its length (Size).
		e.body = bytes.Clone(b.body)
	}
	if b.work == nil {
		if len(b.body) < gzipMin {
			b.sum.Write(b.body)
			e.etag = etagOf(b.sum)
			return e
		}
		b.feed()
	} else if b.fed < len(b.body) {
		b.feed()
	}
	close(b.work)
	<-b.done
	e.etag = etagOf(b.sum)
	if err := b.gz.Close(); err == nil && b.gzErr == nil && b.gzbuf.Len() < len(e.body) {
		e.gzipped = b.gzbuf.Bytes()
	}
	b.gz.Reset(io.Discard)
	gzipWriters.Put(b.gz)
	return e
}

func etagOf(sum hash.Hash64) string { return `"` + strconv.FormatUint(sum.Sum64(), 36) + `"` }

// gzipWriters are reused: a writer holds hundreds of KB of tables.
// klauspost/compress's gzip at BestSpeed: the same format as the
// standard library's, in about half its time on the answers here (the
// cells of every county, 11.8 MB: 59 ms against 112, and 0.94 MB
// against 1.17), docs/benchmarks.md "Whole-country answers … third
// pass".
var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
	return w
}}

// Get returns the entry under key if it was built in generation gen and
// has not expired. A newer generation drops every entry.
func (c *Cache) Get(key string, gen uint64) (*Entry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.advance(gen)
	el, ok := c.items[key]
	if !ok {
		return nil, false
	}
	e := el.Value.(*Entry)
	if e.gen != gen || c.now().Sub(e.built) > c.ttl {
		c.remove(el)
		return nil, false
	}
	c.ll.MoveToFront(el)
	return e, true
}

// Put keeps e unless the data changed while it was being built.
func (c *Cache) Put(e *Entry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.advance(e.gen)
	if e.gen != c.gen || e.size() > c.maxBytes {
		return
	}
	if el, ok := c.items[e.key]; ok {
		c.remove(el)
	}
	c.items[e.key] = c.ll.PushFront(e)
	c.bytes += e.size()
	for c.ll.Len() > c.maxEntries || c.bytes > c.maxBytes {
		c.remove(c.ll.Back())
	}
}

// Len is the number of entries held.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len()
}

func (c *Cache) advance(gen uint64) {
	if gen > c.gen {
		c.gen = gen
		c.ll.Init()
		c.items = map[string]*list.Element{}
		c.bytes = 0
	}
}

func (c *Cache) remove(el *list.Element) {
	e := el.Value.(*Entry)
	c.ll.Remove(el)
	delete(c.items, e.key)
	c.bytes -= e.size()
}

// Serve answers r with e: 304 when the client holds the same ETag, gzip
// when it takes it.
func (e *Entry) Serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("ETag", e.etag)
	// The data changes with every write: a client may keep the answer
	// but must ask again, and then gets 304 while nothing changed.
	h.Set("Cache-Control", "no-cache")
	h.Set("Vary", "Accept-Encoding")
	if ETagMatches(r.Header.Get("If-None-Match"), e.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", e.contentType)
	body := e.body
	if e.gzipped != nil && AcceptsGzip(r.Header.Get("Accept-Encoding")) {
		h.Set("Content-Encoding", "gzip")
		body = e.gzipped
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// ETagMatches reads an If-None-Match list (weak tags compare equal to
// strong ones, as RFC 9110 asks for this header).
func ETagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

// AcceptsGzip reads Accept-Encoding: gzip listed and not refused with q=0.
func AcceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		if v, ok := strings.CutPrefix(q, "q="); ok {
			f, err := strconv.ParseFloat(v, 64)
			return err != nil || f > 0
		}
		return true
	}
	return false
}

// Pending is the key and generation under which a request that was not
// answered from the cache keeps the answer it builds. The generation is
// the one read before building: an answer built while a write committed
// is kept under the old generation, which no request asks for again.
type Pending struct {
	key string
	gen uint64
}

// Lookup answers r from the cache when it holds r's URI for generation
// gen (served reports true); otherwise it returns the Pending to Keep
// the built answer under. before runs just before a cached answer is
// written (for headers the entry does not hold).
func (c *Cache) Lookup(w http.ResponseWriter, r *http.Request, gen uint64, before func()) (p Pending, served bool) {
	key := r.URL.RequestURI()
	if e, ok := c.Get(key, gen); ok {
		if before != nil {
			before()
		}
		e.Serve(w, r)
		return Pending{}, true
	}
	return Pending{key: key, gen: gen}, false
}

// Keep stores the answer built for p and writes it to w.
func (c *Cache) Keep(w http.ResponseWriter, r *http.Request, p Pending, contentType string, body []byte) {
	e := c.NewEntry(p.key, p.gen, contentType, body)
	c.Put(e)
	e.Serve(w, r)
}

// Size is about the memory the entry holds: its bytes plain and gzipped.
func (e *Entry) Size() int64 { return e.size() }
