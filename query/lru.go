package query

import (
	"reflect"
	"sync"

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

// sizeOf estimates the memory an entry holds. It walks the value (strings
// by their length, numbers and pointers by their width, slices, maps and
// structs by their parts) rather than encoding it: the JSON encoding it
// used before cost a cold whole-country answer of 2.6 MB a second
// encoding beside the API's own. The walk's result stays close to the
// JSON's length (TestSizeOfNearTheJSON).
func sizeOf(key string, v any) int64 {
	return int64(len(key)) + 256 + walkSize(reflect.ValueOf(v), 0)
}

// walkSize is the estimate of one value; depth bounds a cyclic value
// (none of the query layer's is).
func walkSize(v reflect.Value, depth int) int64 {
	if !v.IsValid() || depth > 32 {
		return 4
	}
	switch v.Kind() {
	case reflect.String:
		return int64(v.Len()) + 2
	case reflect.Bool:
		return 5
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return 8
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return 4
		}
		return walkSize(v.Elem(), depth+1)
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			return int64(v.Len())*4/3 + 2 // []byte: base64 in JSON
		}
		n := int64(2)
		for i := range v.Len() {
			n += walkSize(v.Index(i), depth+1) + 1
		}
		return n
	case reflect.Map:
		n := int64(2)
		it := v.MapRange()
		for it.Next() {
			n += walkSize(it.Key(), depth+1) + walkSize(it.Value(), depth+1) + 2
		}
		return n
	case reflect.Struct:
		n := int64(2)
		for _, f := range exportedFields(v.Type()) {
			n += walkSize(v.Field(f.index), depth+1) + f.nameLen + 4
		}
		return n
	}
	return 8
}

// field is an exported struct field as walkSize reads it.
type field struct {
	index   int
	nameLen int64
}

// structFields caches each struct type's exported fields: reflect's
// Type.Field allocates, and a whole-country answer has thousands of rows
// of one type.
var structFields sync.Map // reflect.Type → []field

func exportedFields(t reflect.Type) []field {
	if fs, ok := structFields.Load(t); ok {
		return fs.([]field)
	}
	var fs []field
	for i := range t.NumField() {
		if f := t.Field(i); f.IsExported() {
			fs = append(fs, field{i, int64(len(f.Name))})
		}
	}
	structFields.Store(t, fs)
	return fs
}
