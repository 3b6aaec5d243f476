// Package web serves the pages on which people change things: sign-in,
// uploading reports, the 预检 check before publishing, correcting a cell,
// reviewing a finding and the audit log. Pages are server-rendered forms
// that work without JavaScript. Each write calls package change as the
// signed-in person, as the API does, so its checks, roles and audit log
// are the only ones there are; an upload is read by the API's own reading
// (api.Uploads: its parse admission, its form fields) by a direct call.
package web

import (
	"bytes"
	"embed"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"nianbao/api"
	"nianbao/change"
	"nianbao/query"
	"nianbao/report"
	"nianbao/store"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static/web.js static/web.css
var staticFiles embed.FS

// Options configure the pages.
type Options struct {
	// Users are the token file's people (token → user).
	Users map[string]api.User
	// Parser reads the files of the 预检 page (nothing is stored).
	Parser api.Parser
	// SessionTTL is how long a sign-in lasts; 0 means DefaultSessionTTL.
	SessionTTL time.Duration
	Logger     *slog.Logger
	// Throttle slows down token guessing; the server passes the API's, so
	// the form and the bearer check count the same failures. nil: a new
	// one with the defaults.
	Throttle *api.Throttle
	// Key signs the CSRF secrets of visitors (session.go); nil: a random
	// key made at start (a restart then renews every visitor's secret).
	Key []byte
	// Changes makes the corrections, undos and reviews of the forms
	// (package change, as the API does); nil means one over the store.
	Changes *change.Service
	// Uploads stores the files of the upload form as POST /reports does
	// (api.NewServer gives it); nil: the form answers that uploads are
	// not set up.
	Uploads *api.Uploads
}

type handler struct {
	q        *query.Service
	st       *store.Store
	ch       *change.Service // the forms' writes go through it
	opts     Options
	log      *slog.Logger
	sessions *sessions
	pages    map[string]*template.Template
}

var pageNames = []string{"home", "signin", "upload", "check", "report", "audit", "message", "source", "sheets", "people", "rectify", "reconcile"}

var funcs = template.FuncMap{
	// base keeps a file's own name: a path on the server is never shown.
	"base": func(p string) string { return filepath.Base(strings.ReplaceAll(p, "\\", "/")) },
	"role": func(r string) string { return api.RoleNames[r] },
	// label names a cell as its table prints it, never by its code.
	"label": report.Label,
	"body":  report.BodyName,
	"when": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(report.ChinaTime).Format("2006-01-02 15:04")
	},
}

// Mount registers the pages under /web on r, the engine the API is on.
func Mount(r *gin.Engine, q *query.Service, st *store.Store, opts Options) *Site {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Throttle == nil {
		opts.Throttle = api.NewThrottle()
	}
	if len(opts.Key) == 0 {
		opts.Key = newKey()
	}
	// 预检 parses take a slot of the server's one admission, as uploads
	// do (the same one when serve passes the API's Bounded parser).
	opts.Parser = api.Bound(opts.Parser, api.Options{})
	if opts.Changes == nil {
		opts.Changes = change.New(st, opts.Logger)
	}
	h := &handler{q: q, st: st, ch: opts.Changes, opts: opts, log: opts.Logger, sessions: newSessions(st, opts.Changes, opts.Users, opts.SessionTTL), pages: map[string]*template.Template{}}
	for _, name := range pageNames {
		h.pages[name] = template.Must(template.New(name).Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/"+name+".html"))
	}
	w := r.Group("/web", h.visitor)
	w.GET("/static/:file", serveStatic)
	w.GET("/", h.home)
	w.GET("/signin", h.signinPage)
	w.POST("/signin", h.checkCSRF, h.signin)
	w.GET("/signin/link/:secret", h.signinLink) // issue 22: people.go
	w.GET("/people", h.need(api.ActAdmin), h.peoplePage)
	w.POST("/people", h.need(api.ActAdmin), h.checkCSRF, h.addPerson)
	w.POST("/people/:id/:action", h.need(api.ActAdmin), h.checkCSRF, h.personAction)
	w.POST("/signout", h.checkCSRF, h.signout)
	w.GET("/upload", h.need(api.ActUpload), h.uploadPage)
	w.POST("/upload", limit(maxBatch), h.need(api.ActUpload), h.checkCSRF, h.upload)
	w.GET("/check", h.checkPage)
	w.POST("/check", limit(api.DefaultMaxUpload+1<<20), h.checkCSRF, withClient, h.check)
	w.GET("/reports/:id", h.reportPage)
	w.POST("/reports/:id/correct", h.need(api.ActCorrect), h.checkCSRF, h.correct)
	w.POST("/reports/:id/undo", h.need(api.ActCorrect), h.checkCSRF, h.undo)
	w.POST("/reports/:id/review", h.need(api.ActReview), h.checkCSRF, h.review)
	w.POST("/reports/:id/return", h.need(api.ActReview), h.checkCSRF, h.returnFinding) // issue 21: rectify.go
	w.POST("/reports/:id/review-many", h.need(api.ActReview), h.checkCSRF, h.reviewMany)
	w.GET("/reports/:id/reconcile", h.reconcilePage)
	w.GET("/reconcile", h.countyReconcilePage)
	w.GET("/rectify", h.rectifyPage)
	w.POST("/rectifications/:rid/close", h.need(api.ActReview), h.checkCSRF, h.closeRect)
	w.GET("/audit", h.auditPage)
	w.GET("/reports/:id/source", h.sourcePage)
	w.GET("/sources/:sha/page/:page", h.pdfPage)
	w.GET("/sheets", h.need(api.ActAdmin), h.sheetsPage) // issue 19: sheets.go
	w.POST("/sheets", limit(maxSheetForm), h.need(api.ActAdmin), h.checkCSRF, h.saveSheet)
	w.POST("/sheets/assign", limit(maxSheetForm), h.need(api.ActAdmin), h.checkCSRF, h.assignSheet)
	return &Site{h: h}
}

// withClient puts the client's address in the request's context, where
// the admission of parses counts its share.
func withClient(c *gin.Context) {
	c.Request = c.Request.WithContext(api.WithClient(c.Request.Context(), c.Request.RemoteAddr))
}

// Site is the mounted pages.
type Site struct{ h *handler }

// Gate wraps the whole server when reads are private: everything but the
// sign-in page, the assets, the health check and calls with a bearer
// token (the API checks those itself) needs a signed-in session.
func (s *Site) Gate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		open := p == "/web/signin" || strings.HasPrefix(p, "/web/signin/link/") || strings.HasPrefix(p, "/web/static/") || strings.HasPrefix(p, "/assets/") || p == "/api/v1/health"
		if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && strings.TrimSpace(tok) != "" {
			_, known := s.h.opts.Users[strings.TrimSpace(tok)]
			if !known {
				_, known = s.h.ch.PersonByToken(r.Context(), strings.TrimSpace(tok))
			}
			// A wrong token here is a guess like one at the API's door.
			if !known && !open {
				key := api.ClientKey(r)
				wait := s.h.opts.Throttle.Wait(key)
				if wait == 0 {
					wait = s.h.opts.Throttle.Fail(key)
				}
				if wait > 0 { // the failure starting the back-off included
					w.Header().Set("Retry-After", api.RetryAfter(wait))
					w.Header().Set("Content-Type", "application/json; charset=utf-8")
					w.WriteHeader(http.StatusTooManyRequests)
					io.WriteString(w, `{"error":{"code":"busy","message":"`+api.WaitSentence(wait)+`"}}`)
					return
				}
			}
			open = open || known
		}
		if ck, err := r.Cookie(sessionCookie); err == nil && s.h.sessions.get(r.Context(), ck.Value) != nil {
			open = true
		}
		if open {
			next.ServeHTTP(w, r)
			return
		}
		if strings.HasPrefix(p, "/api/") {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"error":{"code":"unauthorized","message":"本服务器的数据需登录后查看：请求头 Authorization: Bearer <令牌>"}}`)
			return
		}
		http.Redirect(w, r, "/web/signin?next="+safeNext(r.URL.RequestURI()), http.StatusSeeOther)
	})
}

func serveStatic(c *gin.Context) {
	name := c.Param("file")
	b, err := staticFiles.ReadFile("static/" + name)
	if err != nil {
		c.Status(http.StatusNotFound)
		return
	}
	ct := "text/css; charset=utf-8"
	if strings.HasSuffix(name, ".js") {
		ct = "text/javascript; charset=utf-8"
	}
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, ct, b)
}

// safeNext keeps a return address on this server.
func safeNext(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		p = "/web/"
	}
	return url.QueryEscape(p)
}

// pageData is what the layout needs; Body is the page's own.
type pageData struct {
	Title string
	Error string
	Flash string
	User  *api.User
	CSRF  string
	Body  any
}

func (h *handler) page(c *gin.Context, status int, name string, d pageData) {
	if ss := current(c); ss != nil {
		u := ss.user
		d.User = &u
		if d.Flash == "" {
			d.Flash = h.sessions.takeFlash(ss)
		}
	}
	d.CSRF = csrfToken(c)
	var b bytes.Buffer
	if err := h.pages[name].ExecuteTemplate(&b, "layout", d); err != nil {
		h.log.Error("page", "page", name, "err", err)
		c.String(http.StatusInternalServerError, "页面出错")
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Header("X-Frame-Options", "DENY")
	c.Data(status, "text/html; charset=utf-8", b.Bytes())
}
