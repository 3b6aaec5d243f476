package query

import (
	"encoding/json"

	"github.com/hashicorp/golang-lru/v2/simplelru"
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
	return CacheStats{Entries: s.cache.entries.Len(), Bytes: s.cache.bytes}
}

// lru is a least-recently-used cache bounded by entries and by bytes:
// hashicorp/golang-lru keeps the order and the entry bound, and its
// eviction callback keeps the byte count, so the byte bound is enforced by
// dropping the oldest. It is not safe for concurrent use: Service holds
// its lock around it (the simplelru variant, without a second lock).
type lru struct {
	maxBytes int64
	bytes    int64
	entries  *simplelru.LRU[string, sized]
}

// sized is a cached value with its estimated size.
type sized struct {
	value any
	size  int64
}

func newLRU(maxEntries int, maxBytes int64) *lru {
	c := &lru{maxBytes: maxBytes}
	entries, err := simplelru.NewLRU(maxEntries, func(_ string, v sized) { c.bytes -= v.size })
	if err != nil {
		panic(err) // only for a bound ≤ 0, which the constants are not
	}
	c.entries = entries
	return c
}

func (c *lru) get(key string) (any, bool) {
	v, ok := c.entries.Get(key)
	return v.value, ok
}

// add keeps value under key, dropping the least recently used entries
// until both bounds hold. A value larger than the byte bound is not kept.
func (c *lru) add(key string, value any, size int64) {
	if size > c.maxBytes {
		return
	}
	// Replacing a value calls no eviction: take the old size off here.
	if old, ok := c.entries.Peek(key); ok {
		c.bytes -= old.size
	}
	c.bytes += size
	c.entries.Add(key, sized{value, size})
	for c.bytes > c.maxBytes {
		if _, _, ok := c.entries.RemoveOldest(); !ok {
			break
		}
	}
}

func (c *lru) clear() {
	c.entries.Purge()
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
