package respcache

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http/httptest"
	"testing"
	"time"
)

// TestBounds: entries, expiry, a newer generation, a late entry and the
// byte bound.
func TestBounds(t *testing.T) {
	const entries, ttl = 8, time.Minute
	c := New(entries, 1<<20, ttl)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c.SetClock(func() time.Time { return now })
	for i := range entries + 3 {
		c.Put(c.NewEntry(fmt.Sprint(i), 1, "text/plain", []byte("x")))
	}
	if c.Len() != entries {
		t.Errorf("%d entries kept, bound %d", c.Len(), entries)
	}
	if _, ok := c.Get("0", 1); ok {
		t.Error("the least recently used entry survived the bound")
	}
	if _, ok := c.Get(fmt.Sprint(entries+2), 1); !ok {
		t.Error("the newest entry is gone")
	}
	now = now.Add(ttl + time.Second)
	if _, ok := c.Get(fmt.Sprint(entries+2), 1); ok {
		t.Error("an expired entry was served")
	}
	c.Put(c.NewEntry("k", 1, "text/plain", []byte("x")))
	if _, ok := c.Get("k", 2); ok || c.Len() != 0 {
		t.Errorf("a newer generation kept %d entries", c.Len())
	}
	c.Put(c.NewEntry("late", 1, "text/plain", []byte("x")))
	if c.Len() != 0 {
		t.Error("an answer built before the last write was kept")
	}
	c.Put(c.NewEntry("big", 2, "text/plain", make([]byte, 1<<20)))
	if c.Len() != 0 {
		t.Error("an answer over the byte bound was kept")
	}
}

func TestHeaders(t *testing.T) {
	cases := []struct {
		header string
		gzip   bool
	}{
		{"", false}, {"gzip", true}, {"br, GZIP", true}, {"gzip;q=0", false}, {"gzip; q=0.000", false},
		{"gzip;q=0.5", true}, {"deflate", false}, {"x-gzip", false},
	}
	for _, tc := range cases {
		if got := AcceptsGzip(tc.header); got != tc.gzip {
			t.Errorf("AcceptsGzip(%q) = %v", tc.header, got)
		}
	}
	for _, tc := range []struct {
		header string
		match  bool
	}{{`"a"`, true}, {`W/"a"`, true}, {`"b", "a"`, true}, {`*`, true}, {`"b"`, false}, {``, false}} {
		if got := ETagMatches(tc.header, `"a"`); got != tc.match {
			t.Errorf("ETagMatches(%q) = %v", tc.header, got)
		}
	}
	c := New(4, 1<<20, time.Minute)
	e := c.NewEntry("k", 1, "application/json", []byte(`{"a":1}`))
	w := httptest.NewRecorder()
	e.Serve(w, httptest.NewRequest("HEAD", "/k", nil))
	if w.Code != 200 || w.Body.Len() != 0 || w.Header().Get("Content-Length") != "7" {
		t.Errorf("HEAD: %d, %d bytes, length %q", w.Code, w.Body.Len(), w.Header().Get("Content-Length"))
	}
}

// TestBuilder: an answer written in pieces, small or over many chunks
// handed to the gzip goroutine, is the entry made of it whole: the same
// ETag, its gzip decoding to the body, none below gzipMin.
func TestBuilder(t *testing.T) {
	c := New(4, 1<<30, time.Minute)
	for _, size := range []int{0, 10, gzipMin - 1, gzipMin, builderChunk - 1, builderChunk + 1, 5*builderChunk + 17} {
		body := make([]byte, size)
		for i := range body {
			body[i] = "{\"乐至县\":[1,2,3]}"[i%21]
		}
		b := c.NewBuilder("k", 1, "application/json")
		for rest := body; len(rest) > 0; {
			n := min(len(rest), 1+len(rest)%7919)
			b.Write(rest[:n])
			rest = rest[n:]
		}
		got, whole := b.Entry(), c.NewEntry("k", 1, "application/json", body)
		if got.etag != whole.etag || !bytes.Equal(got.body, body) {
			t.Errorf("%d bytes: ETag %s, want %s; body equal %v", size, got.etag, whole.etag, bytes.Equal(got.body, body))
		}
		if (got.gzipped != nil) != (size >= gzipMin) {
			t.Errorf("%d bytes: gzipped %v", size, got.gzipped != nil)
			continue
		}
		if got.gzipped != nil {
			zr, err := gzip.NewReader(bytes.NewReader(got.gzipped))
			if err != nil {
				t.Fatal(err)
			}
			if plain, err := io.ReadAll(zr); err != nil || !bytes.Equal(plain, body) {
				t.Errorf("%d bytes: the gzip decodes to %d bytes (%v)", size, len(plain), err)
			}
		}
	}
}
