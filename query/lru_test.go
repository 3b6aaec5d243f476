package query

import (
	"slices"
	"testing"
)

// TestLRU checks both bounds of the read cache, the order of eviction and
// the byte count through replacements and clearing.
func TestLRU(t *testing.T) {
	type op struct {
		get  string // a get, or else an add of key with size
		key  string
		size int64
	}
	tests := []struct {
		name      string
		entries   int
		bytes     int64
		ops       []op
		kept      []string
		wantBytes int64
	}{
		{"entry bound drops the oldest", 2, 100, []op{{"", "a", 1}, {"", "b", 1}, {"", "c", 1}}, []string{"b", "c"}, 2},
		{"a get keeps an entry young", 2, 100, []op{{"", "a", 1}, {"", "b", 1}, {"a", "", 0}, {"", "c", 1}}, []string{"a", "c"}, 2},
		{"byte bound drops the oldest", 10, 10, []op{{"", "a", 4}, {"", "b", 4}, {"", "c", 4}}, []string{"b", "c"}, 8},
		{"too large is not kept", 10, 10, []op{{"", "a", 4}, {"", "big", 11}}, []string{"a"}, 4},
		{"replacing counts the new size", 10, 10, []op{{"", "a", 4}, {"", "a", 2}, {"", "b", 8}}, []string{"a", "b"}, 10},
		{"replacing can evict others", 10, 10, []op{{"", "a", 4}, {"", "b", 4}, {"", "b", 8}}, []string{"b"}, 8},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newLRU(tc.entries, tc.bytes)
			for _, o := range tc.ops {
				if o.get != "" {
					c.get(o.get)
					continue
				}
				c.add(o.key, o.key, o.size)
			}
			var kept []string
			for _, k := range []string{"a", "b", "c", "big"} {
				if v, ok := c.get(k); ok {
					if v != k {
						t.Errorf("%s holds %v", k, v)
					}
					kept = append(kept, k)
				}
			}
			if !slices.Equal(kept, tc.kept) || c.bytes != tc.wantBytes {
				t.Errorf("kept %v, %d bytes; want %v, %d", kept, c.bytes, tc.kept, tc.wantBytes)
			}
			c.clear()
			if c.entries.Len() != 0 || c.bytes != 0 {
				t.Errorf("after clear: %d entries, %d bytes", c.entries.Len(), c.bytes)
			}
		})
	}
}
