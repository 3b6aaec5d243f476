package query

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"nianbao/query/querytest"
	"nianbao/store"
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

// TestSizeOfNearTheJSON: the cache's size estimate stays within a factor
// of two of the JSON length of the answers it holds (the measure it
// replaced), for each kind of answer of the query layer.
func TestSizeOfNearTheJSON(t *testing.T) {
	st, _ := querytest.Seed(t)
	ctx := context.Background()
	var items []store.BatchItem
	for _, r := range querytest.Generated(60) {
		items = append(items, store.BatchItem{Report: r})
	}
	if _, _, err := st.SaveBatch(ctx, items); err != nil {
		t.Fatal(err)
	}
	q := New(st)
	answers := map[string]func() (any, error){
		"reports":   func() (any, error) { return q.Reports(ctx, Filter{Limit: 1000}) },
		"outcomes":  func() (any, error) { return q.Outcomes(ctx, Filter{}, GroupAgency) },
		"reviews":   func() (any, error) { return q.Reviews(ctx, Filter{}, GroupCounty) },
		"proactive": func() (any, error) { return q.Proactive(ctx, Filter{}, GroupAgency) },
		"cells": func() (any, error) {
			return q.Cells(ctx, []string{"t3.new.total", "t3.granted.*"}, Filter{}, GroupAgency)
		},
		"metrics":     func() (any, error) { return q.AssessmentMetrics(ctx, Filter{}, GroupAgency) },
		"counties":    func() (any, error) { return q.Counties(ctx) },
		"one report":  func() (any, error) { return q.Report(ctx, 1, ReportOptions{Labels: true, Sources: true}) },
		"findings":    func() (any, error) { return q.Findings(ctx, Filter{}, GroupNone) },
		"nil pointer": func() (any, error) { return (*ReportDetail)(nil), nil },
	}
	for name, get := range answers {
		v, err := get()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		est := sizeOf("", v) - 256
		if j := int64(len(b)); est < j/2 || est > 2*j+64 {
			t.Errorf("%s: estimated %d bytes, JSON %d", name, est, j)
		}
	}
}
