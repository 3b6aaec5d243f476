package api_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"nianbao/api"
	"nianbao/query"
	"nianbao/query/querytest"
)

// TestThrottleBackOff: five failures free, then 1 s, 2 s, 4 s … capped at
// 15 min; a success forgets; the table stays bounded under unique keys.
func TestThrottleBackOff(t *testing.T) {
	th := api.NewThrottle()
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	th.SetClock(func() time.Time { return now })
	var waits []time.Duration
	for range 5 + 12 {
		waits = append(waits, th.Fail("a"))
	}
	want := []time.Duration{0, 0, 0, 0, 0, 1 * time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 32 * time.Second,
		64 * time.Second, 128 * time.Second, 256 * time.Second, 512 * time.Second, 15 * time.Minute, 15 * time.Minute}
	for i := range want {
		if waits[i] != want[i] {
			t.Fatalf("failure %d: wait %v, want %v (all: %v)", i+1, waits[i], want[i], waits)
		}
	}
	if w := th.Wait("b"); w != 0 {
		t.Errorf("another key waits %v", w)
	}
	now = now.Add(14 * time.Minute)
	if w := th.Wait("a"); w != time.Minute {
		t.Errorf("14 min into a 15 min wait: %v left, want 1m", w)
	}
	th.Succeed("a")
	if w := th.Wait("a"); w != 0 {
		t.Errorf("after a success: wait %v", w)
	}
	for i := range api.ThrottleEntries + 500 {
		th.Fail("198.51." + strconv.Itoa(i/256) + "." + strconv.Itoa(i%256))
	}
	if n := th.Len(); n > api.ThrottleEntries {
		t.Errorf("%d entries after %d unique keys, want at most %d", n, api.ThrottleEntries+500, api.ThrottleEntries)
	}
}

// TestBearerGuessingThrottled: wrong tokens from one address get 401
// five times, then 429 with Retry-After and a Chinese sentence — even
// with the right token while it waits; another address is served.
func TestBearerGuessingThrottled(t *testing.T) {
	st, _ := querytest.Seed(t)
	h := api.New(query.New(st), st, api.Options{Tokens: map[string]string{token: "县政务公开办"}})
	del := func(addr, tok string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodDelete, "/api/v1/reports/999999", nil)
		req.RemoteAddr = addr + ":1000"
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w
	}
	// No token at all is not a guess.
	for range 10 {
		if w := del("192.0.2.7", ""); w.Code != http.StatusUnauthorized {
			t.Fatalf("no token: %d, want 401", w.Code)
		}
	}
	for i := range api.ThrottleFree {
		if w := del("192.0.2.7", "guess"+strconv.Itoa(i)); w.Code != http.StatusUnauthorized {
			t.Fatalf("wrong token %d: %d, want 401", i+1, w.Code)
		}
	}
	for _, tok := range []string{"guess-more", token} {
		w := del("192.0.2.7", tok)
		if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") == "" || !strings.Contains(w.Body.String(), "令牌错误次数过多") {
			t.Errorf("token %q past the free failures: %d, Retry-After %q, %s; want 429", tok, w.Code, w.Header().Get("Retry-After"), w.Body)
		}
	}
	if w := del("192.0.2.8", token); w.Code != http.StatusNotFound {
		t.Errorf("another address with the right token: %d %s, want 404 (no such report)", w.Code, w.Body)
	}
	if w := del("192.0.2.8", "guess"); w.Code != http.StatusUnauthorized {
		t.Errorf("another address's first wrong token: %d, want 401", w.Code)
	}
}
