package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"nianbao/api"
)

// Cookie names. The session cookie carries only a random id: the token a
// person signed in with stays on the server.
const (
	sessionCookie = "nb_session"
	// visitorCookie identifies a visitor who is not signed in (the 预检
	// page is public but its form is still protected): a random id of the
	// server's making and the server's signature of it. The CSRF secret
	// is derived from both with the server's key, never read from the
	// cookie, so a cookie chosen by the client cannot become a secret it
	// knows.
	visitorCookie = "nb_visitor"
	csrfField     = "csrf"
)

// DefaultSessionTTL is how long a sign-in lasts: a working day.
const DefaultSessionTTL = 8 * time.Hour

type session struct {
	id      string
	csrf    string
	token   string // the bearer token signed in with, used for API calls
	user    api.User
	expires time.Time
	flash   string // one message for the next page
}

// sessions are kept in memory: a restart signs everyone out, which for a
// county office's single server is the safe way round.
type sessions struct {
	mu  sync.Mutex
	m   map[string]*session
	ttl time.Duration
	now func() time.Time
}

func newSessions(ttl time.Duration) *sessions {
	if ttl <= 0 {
		ttl = DefaultSessionTTL
	}
	return &sessions{m: map[string]*session{}, ttl: ttl, now: time.Now}
}

func randomID() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func (s *sessions) start(token string, u api.User) *session {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for id, old := range s.m { // drop the expired ones while here
		if now.After(old.expires) {
			delete(s.m, id)
		}
	}
	ss := &session{id: randomID(), csrf: randomID(), token: token, user: u, expires: now.Add(s.ttl)}
	s.m[ss.id] = ss
	return ss
}

func (s *sessions) get(id string) *session {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, ok := s.m[id]
	if !ok {
		return nil
	}
	if s.now().After(ss.expires) {
		delete(s.m, id)
		return nil
	}
	return ss
}

func (s *sessions) end(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, id)
}

func (s *sessions) setFlash(ss *session, msg string) {
	s.mu.Lock()
	ss.flash = msg
	s.mu.Unlock()
}

func (s *sessions) takeFlash(ss *session) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := ss.flash
	ss.flash = ""
	return f
}

// setCookie writes a cookie that scripts cannot read, that no other site
// sends, and that travels only over TLS when the page came over TLS.
func setCookie(c *gin.Context, name, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: c.Request.TLS != nil, SameSite: http.SameSiteStrictMode,
	})
}

// visitor finds the caller's session and makes sure a CSRF secret exists
// for the forms of the page about to be drawn.
func (h *handler) visitor(c *gin.Context) {
	if ck, err := c.Cookie(sessionCookie); err == nil {
		if ss := h.sessions.get(ck); ss != nil {
			c.Set("session", ss)
			c.Next()
			return
		}
	}
	v, err := c.Cookie(visitorCookie)
	id, ok := h.visitorID(v)
	if err != nil || !ok {
		id = randomID()
		setCookie(c, visitorCookie, id+"."+h.sign("visitor", id), 0)
	}
	c.Set("visitor", h.sign("csrf", id))
	c.Next()
}

// newKey is a random key for the server's signatures.
func newKey() []byte {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	return b
}

// sign is the server's HMAC-SHA256 of purpose and id: the cookie's
// signature ("visitor") and the CSRF secret ("csrf") differ, so the one
// the cookie shows is not the one the forms carry.
func (h *handler) sign(purpose, id string) string {
	m := hmac.New(sha256.New, h.opts.Key)
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write([]byte(id))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// visitorID returns the id of a visitor cookie the server signed; false
// for anything else, which is then replaced.
func (h *handler) visitorID(cookie string) (string, bool) {
	id, mac, ok := strings.Cut(cookie, ".")
	if !ok || len(id) != 43 { // randomID: 32 bytes, unpadded base64
		return "", false
	}
	return id, hmac.Equal([]byte(mac), []byte(h.sign("visitor", id)))
}

func current(c *gin.Context) *session {
	if v, ok := c.Get("session"); ok {
		return v.(*session)
	}
	return nil
}

// csrfToken is the token every form of this page carries.
func csrfToken(c *gin.Context) string {
	if ss := current(c); ss != nil {
		return ss.csrf
	}
	return c.GetString("visitor")
}

// checkCSRF refuses a form posted without this visitor's token: a page of
// another site cannot read it, so it cannot make a clerk's browser write.
func (h *handler) checkCSRF(c *gin.Context) {
	want := csrfToken(c)
	got := c.PostForm(csrfField)
	if got == "" {
		got = c.GetHeader("X-CSRF-Token")
	}
	if want == "" || subtle.ConstantTimeCompare([]byte(want), []byte(got)) != 1 {
		h.page(c, http.StatusForbidden, "message", pageData{Title: "请求被拒绝", Error: "表单已过期或来自其他网站（缺少安全令牌）。请回到上一页刷新后重新提交。"})
		c.Abort()
		return
	}
	c.Next()
}

// need sends a visitor who is not signed in to the sign-in page, and
// refuses one whose role does not allow the action.
func (h *handler) need(action string) gin.HandlerFunc {
	return func(c *gin.Context) {
		ss := current(c)
		if ss == nil {
			if c.Request.Method == http.MethodGet {
				c.Redirect(http.StatusSeeOther, "/web/signin?next="+safeNext(c.Request.URL.RequestURI()))
			} else {
				h.page(c, http.StatusUnauthorized, "message", pageData{Title: "请先登录", Error: "这项操作需要先登录。"})
			}
			c.Abort()
			return
		}
		if action != "" && !ss.user.May(action) {
			h.page(c, http.StatusForbidden, "message", pageData{Title: "无权操作", Error: ss.user.Refusal(action) + "。如需权限，请联系管理员。"})
			c.Abort()
			return
		}
		c.Next()
	}
}
