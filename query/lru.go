package query

import (
	"container/list"
	"encoding/json"
)

// Bounds of the read cache. Every distinct filter is an entry, and the
// filters come from anonymous readers: without a bound, requests with
// unique values would keep every answer forever.
const (
	CacheEntries = 2048
	CacheBytes   = 64 << 20
)

// CacheStats says how full the cache is.
type CacheStats struct {
	Entries int
	Bytes   int64
}

// CacheStats returns the cache's current size.
func (s *Service) CacheStats() CacheStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return CacheStats{Entries: s.cache.ll.Len(), Bytes: s.cache.bytes}
}

// lru is a least-recently-used cache bounded by entries and by bytes.
// It is not safe for concurrent use: Service holds its lock around it.
type lru struct {
	maxEntries int
	maxBytes   int64
	bytes      int64
	ll         *list.List // front: most recently used
	items      map[string]*list.Element
}

type lruEntry struct {
	key   string
	value any
	size  int64
}

func newLRU(maxEntries int, maxBytes int64) *lru {
	return &lru{maxEntries: maxEntries, maxBytes: maxBytes, ll: list.New(), items: map[string]*list.Element{}}
}

func (c *lru) get(key string) (any, bool) {
	e, ok := c.items[key]
	if !ok {
		return nil, false
	}
	c.ll.MoveToFront(e)
	return e.Value.(*lruEntry).value, true
}

// add keeps value under key, dropping the least recently used entries
// until both bounds hold. A value larger than the byte bound is not kept.
func (c *lru) add(key string, value any, size int64) {
	if size > c.maxBytes {
		return
	}
	if e, ok := c.items[key]; ok {
		old := e.Value.(*lruEntry)
		c.bytes += size - old.size
		old.value, old.size = value, size
		c.ll.MoveToFront(e)
	} else {
		c.items[key] = c.ll.PushFront(&lruEntry{key: key, value: value, size: size})
		c.bytes += size
	}
	for c.ll.Len() > c.maxEntries || c.bytes > c.maxBytes {
		oldest := c.ll.Back()
		ent := oldest.Value.(*lruEntry)
		c.ll.Remove(oldest)
		delete(c.items, ent.key)
		c.bytes -= ent.size
	}
}

func (c *lru) clear() {
	c.ll.Init()
	c.items = map[string]*list.Element{}
	c.bytes = 0
}

// sizeOf estimates the memory an entry holds by the length of its JSON,
// which is close to what the Go values take and costs one encoding per
// query that missed the cache (each of which ran SQL).
func sizeOf(key string, v any) int64 {
	b, err := json.Marshal(v)
	if err != nil {
		return int64(len(key)) + 1<<10
	}
	return int64(len(key) + len(b) + 256)
}
