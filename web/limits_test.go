package web_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"nianbao/api"
)

// browserFrom is a browser whose connections come from local, another
// loopback address (Linux routes 127.0.0.0/8 to lo): another client.
func (e *env) browserFrom(local string) *browser {
	jar, _ := cookiejar.New(nil)
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 2 * time.Second}
	return &browser{e: e, c: &http.Client{Jar: jar, Timeout: 10 * time.Second, Transport: &http.Transport{DialContext: d.DialContext}}}
}

// TestSignInThrottled: five wrong tokens from one address are told so;
// the sixth is answered 429 with Retry-After and a sentence, and so is
// the right token while the address waits; another address signs in.
func TestSignInThrottled(t *testing.T) {
	e := newEnv(t, false)
	b := e.browser()
	b.get("/web/signin")
	for i := range api.ThrottleFree {
		if code, body := b.post("/web/signin", url.Values{"token": {"guess"}}, true); code != http.StatusUnauthorized {
			t.Fatalf("wrong token %d: %d %s", i+1, code, excerpt(body))
		}
	}
	form := url.Values{"token": {"guess"}, "csrf": {b.csrf}}
	for _, tok := range []string{"guess", "tok-clerk"} {
		form.Set("token", tok)
		resp, err := b.c.PostForm(e.srv.URL+"/web/signin", form)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || !strings.Contains(string(body), "令牌错误次数过多") {
			t.Errorf("token %q after 5 failures: %d, Retry-After %q, %s", tok, resp.StatusCode, resp.Header.Get("Retry-After"), excerpt(string(body)))
		}
	}
	other := e.browserFrom("127.0.0.2")
	if _, err := other.c.Get(e.srv.URL + "/web/signin"); err != nil {
		t.Skipf("cannot connect from 127.0.0.2: %v", err)
	}
	other.signIn("tok-clerk")
}

// TestGateThrottlesBearerGuessing: on a private server the gate turns
// away unknown tokens itself; those count as guesses too.
func TestGateThrottlesBearerGuessing(t *testing.T) {
	e := newEnv(t, true)
	var last *http.Response
	for range api.ThrottleFree + 1 {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, e.srv.URL+"/api/v1/reports", nil)
		req.Header.Set("Authorization", "Bearer guess")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		last = resp
	}
	if last.StatusCode != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
		t.Errorf("sixth unknown token at the gate: %d, Retry-After %q; want 429", last.StatusCode, last.Header.Get("Retry-After"))
	}
}

// TestVisitorCookieIsNotTheSecret: a visitor cookie the client chose is
// replaced, and its value is refused as the form's CSRF token; the token
// the server hands out is not the cookie's value either.
func TestVisitorCookieIsNotTheSecret(t *testing.T) {
	e := newEnv(t, false)
	u, _ := url.Parse(e.srv.URL)
	chosen := []string{
		strings.Repeat("A", 43),                                 // the old rule: any 40+ characters
		strings.Repeat("A", 43) + "." + strings.Repeat("B", 43), // shaped like a signed one
	}
	for _, v := range chosen {
		b := e.browser()
		b.c.Jar.SetCookies(u, []*http.Cookie{{Name: "nb_visitor", Value: v, Path: "/"}})
		code, body := b.post("/web/check", url.Values{"text": {"测试"}, "csrf": {v}}, false)
		if code != http.StatusForbidden || !strings.Contains(body, "安全令牌") {
			t.Errorf("cookie %q…: a form carrying it as the token got %d, want 403", v[:8], code)
		}
		var now string
		for _, c := range b.c.Jar.Cookies(u) {
			if c.Name == "nb_visitor" {
				now = c.Value
			}
		}
		if now == v {
			t.Errorf("cookie %q… was kept, want replaced", v[:8])
		}
	}

	// The server's own cookie: the form's token differs from it and is
	// accepted; a second browser's token is not.
	b := e.browser()
	b.get("/web/check")
	var cookie string
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "nb_visitor" {
			cookie = c.Value
		}
	}
	if cookie == "" || b.csrf == "" || strings.Contains(cookie, b.csrf) {
		t.Fatalf("cookie %q, token %q: want both, the token not within the cookie", cookie, b.csrf)
	}
	if code, body := b.post("/web/check", url.Values{"text": {"测试"}}, true); code == http.StatusForbidden {
		t.Errorf("the server's own token refused: %s", excerpt(body))
	}
	c2 := e.browser()
	c2.get("/web/check")
	c2.csrf = b.csrf
	if code, _ := c2.post("/web/check", url.Values{"text": {"测试"}}, true); code != http.StatusForbidden {
		t.Errorf("another visitor's token: %d, want 403", code)
	}
}
