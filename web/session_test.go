package web

import (
	"context"
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"nianbao/api"
	"nianbao/change"
	"nianbao/store"
)

func TestSessionsExpire(t *testing.T) {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	s := newSessions(st, change.New(st, nil), map[string]api.User{"tok": {Name: "王", Role: api.RoleClerk}}, time.Hour)
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return now }
	ss, err := s.start(ctx, api.User{Name: "王", Role: api.RoleClerk}, change.Hash("tok"))
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		after time.Duration
		alive bool
	}{{0, true}, {59 * time.Minute, true}, {61 * time.Minute, false}, {0, false}}
	for _, st := range steps {
		now = now.Add(st.after)
		if got := s.get(ctx, ss.id) != nil; got != st.alive {
			t.Fatalf("at %s: signed in %v, want %v", now.Format("15:04"), got, st.alive)
		}
	}
	other, err := s.start(ctx, api.User{Name: "王"}, change.Hash("tok"))
	if err != nil {
		t.Fatal(err)
	}
	if s.get(ctx, other.id) == nil {
		t.Fatal("a new session does not answer")
	}
	s.end(ctx, other.id)
	if s.get(ctx, other.id) != nil {
		t.Error("a signed-out session still answers")
	}
	if ss.csrf == other.csrf || ss.id == other.id || len(ss.csrf) < 40 {
		t.Error("session ids and CSRF tokens are not fresh random values")
	}
}

func TestCookieSecureOverTLS(t *testing.T) {
	gin.SetMode(gin.TestMode)
	for _, tc := range []struct {
		tls    bool
		secure bool
	}{{false, false}, {true, true}} {
		w := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(w)
		c.Request = httptest.NewRequest(http.MethodGet, "/", nil)
		if tc.tls {
			c.Request.TLS = &tls.ConnectionState{}
		}
		setCookie(c, sessionCookie, "x", 60)
		h := w.Header().Get("Set-Cookie")
		if strings.Contains(h, "Secure") != tc.secure || !strings.Contains(h, "HttpOnly") || !strings.Contains(h, "SameSite=Strict") {
			t.Errorf("TLS %v: Set-Cookie %q", tc.tls, h)
		}
	}
}
