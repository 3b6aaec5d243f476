package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"nianbao/api"
	"nianbao/change"
	"nianbao/store"
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
	id   string // the cookie's value; the database holds its sha256 only
	csrf string
	user api.User
}

// sessions are stored in the database (web_sessions, by the sha256 of
// their id), so a restart signs nobody out; the person is read again at
// every request, so a role changed or a person revoked takes effect at
// once. A person of the token file is found again by the hash of their
// token: one removed from the file is signed out by the restart.
type sessions struct {
	st  *store.Store
	ch  *change.Service
	ttl time.Duration
	// file is the token file's people by the sha256 of their token.
	file map[string]api.User
	mu   sync.Mutex
	// flash is one message for a session's next page, by session hash;
	// kept in memory, as losing one at a restart costs nothing.
	flash map[string]string
	now   func() time.Time
}

func newSessions(st *store.Store, ch *change.Service, users map[string]api.User, ttl time.Duration) *sessions {
	if ttl <= 0 {
		ttl = DefaultSessionTTL
	}
	file := make(map[string]api.User, len(users))
	for tok, u := range users {
		file[change.Hash(tok)] = u
	}
	return &sessions{st: st, ch: ch, ttl: ttl, file: file, flash: map[string]string{}, now: time.Now}
}

func randomID() string { return change.Secret() }

// start stores a new session of u; tokenSHA is the hash of the token a
// person of the token file signed in with ("" for one of the database).
func (s *sessions) start(ctx context.Context, u api.User, tokenSHA string) (*session, error) {
	ss := &session{id: randomID(), csrf: randomID(), user: u}
	ws := store.WebSession{CSRF: ss.csrf, PersonID: u.ID, TokenSHA: tokenSHA, Expires: s.now().Add(s.ttl)}
	if err := s.st.SaveWebSession(ctx, change.Hash(ss.id), ws, s.now()); err != nil {
		return nil, err
	}
	return ss, nil
}

func (s *sessions) get(ctx context.Context, id string) *session {
	if len(id) != 43 { // randomID: 32 bytes, unpadded base64
		return nil
	}
	ws, err := s.st.WebSessionByID(ctx, change.Hash(id), s.now())
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			slog.Error("session", "err", err)
		}
		return nil
	}
	ss := &session{id: id, csrf: ws.CSRF}
	var ok bool
	if ws.PersonID != 0 {
		ss.user, ok = s.ch.Person(ctx, ws.PersonID)
	} else {
		ss.user, ok = s.file[ws.TokenSHA]
	}
	if !ok {
		return nil
	}
	return ss
}

func (s *sessions) end(ctx context.Context, id string) {
	if err := s.st.EndWebSession(ctx, change.Hash(id)); err != nil {
		slog.Error("sign-out", "err", err)
	}
	s.mu.Lock()
	delete(s.flash, change.Hash(id))
	s.mu.Unlock()
}

func (s *sessions) setFlash(ss *session, msg string) {
	s.mu.Lock()
	s.flash[change.Hash(ss.id)] = msg
	s.mu.Unlock()
}

func (s *sessions) takeFlash(ss *session) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := change.Hash(ss.id)
	f := s.flash[k]
	delete(s.flash, k)
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
		if ss := h.sessions.get(c.Request.Context(), ck); ss != nil {
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
