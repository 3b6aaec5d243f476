package web

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"nianbao/api"
	"nianbao/change"
	"nianbao/store"
)

// LinkPath is where a one-time sign-in link opens; the secret follows.
const LinkPath = "/web/signin/link/"

// SignInURL is the whole link for a server answering at addr (host:port):
// an address of every interface is written as 127.0.0.1, which a browser
// on the same machine can open.
func SignInURL(addr, secret string) string {
	if host, port, err := net.SplitHostPort(addr); err == nil {
		if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
			addr = net.JoinHostPort("127.0.0.1", port)
		}
	}
	return "http://" + addr + LinkPath + secret
}

// signinLink signs in the person of a one-time link. A link that does not
// work counts as a wrong token in the sign-in throttle: links are guessed
// no faster than tokens.
func (h *handler) signinLink(c *gin.Context) {
	key := api.ClientKey(c.Request)
	if wait := h.opts.Throttle.Wait(key); wait > 0 {
		h.refuseSignin(c, wait, "")
		return
	}
	u, err := h.ch.SignInWithLink(c.Request.Context(), c.Param("secret"))
	if err != nil {
		if !errors.Is(err, change.ErrBadLink) {
			h.log.Error("sign-in link", "err", err)
			h.page(c, http.StatusInternalServerError, "message", pageData{Title: "登录", Error: "登录链接未能使用（数据库出错），请稍后再试。"})
			return
		}
		h.opts.Throttle.Fail(key)
		h.page(c, http.StatusUnauthorized, "signin", pageData{Title: "登录", Error: err.Error(), Body: gin.H{}})
		return
	}
	h.opts.Throttle.Succeed(key)
	next := "/web/"
	if u.Role == api.RoleAdmin {
		next = "/web/people"
	}
	h.startSession(c, u, "", next)
}

// peoplePage is what the people page shows; Issued once after an add or
// a new token, never again.
type peoplePage struct {
	People []store.Person
	Roles  []roleOption
	Issued *issued
	Form   struct{ Name, Role, Scope string }
}

type issued struct {
	Name, Token, Link string
}

type roleOption struct{ Value, Label string }

var roleOptions = []roleOption{
	{change.RoleClerk, change.RoleNames[change.RoleClerk]},
	{change.RoleAssessor, change.RoleNames[change.RoleAssessor]},
	{change.RoleViewer, change.RoleNames[change.RoleViewer]},
	{change.RoleAdmin, change.RoleNames[change.RoleAdmin]},
}

func (h *handler) peoplePage(c *gin.Context) { h.showPeople(c, http.StatusOK, "", peoplePage{}) }

func (h *handler) showPeople(c *gin.Context, status int, problem string, p peoplePage) {
	people, err := h.ch.People(c.Request.Context())
	if err != nil {
		h.log.Error("people page", "err", err)
		problem = "读取人员名单出错"
	}
	p.People, p.Roles = people, roleOptions
	if p.Form.Role == "" {
		p.Form.Role = change.RoleClerk
	}
	h.page(c, status, "people", pageData{Title: "人员与权限", Error: problem, Body: p})
}

func (h *handler) addPerson(c *gin.Context) {
	ss := current(c)
	var p peoplePage
	p.Form.Name, p.Form.Role, p.Form.Scope = c.PostForm("name"), c.PostForm("role"), c.PostForm("scope")
	out, err := h.ch.AddPerson(c.Request.Context(), ss.user, p.Form.Name, p.Form.Role, p.Form.Scope)
	if err != nil {
		status, _, msg := change.Explain(err)
		h.showPeople(c, status, msg, p)
		return
	}
	h.log.Info("person added", "by", ss.user.Name, "name", out.Person.Name, "role", out.Person.Role)
	p = peoplePage{Issued: &issued{Name: out.Person.Name, Token: out.Token, Link: api.BaseURL(c) + LinkPath + out.Link}}
	h.showPeople(c, http.StatusOK, "", p)
}

// personAction changes one person: role and scope, revoke, or a new token
// and link.
func (h *handler) personAction(c *gin.Context) {
	ss := current(c)
	ctx := c.Request.Context()
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		h.showPeople(c, http.StatusBadRequest, "人员编号不对", peoplePage{})
		return
	}
	var p peoplePage
	done := ""
	switch c.Param("action") {
	case "role":
		role, scope := c.PostForm("role"), strings.TrimSpace(c.PostForm("scope"))
		err = h.ch.SetPerson(ctx, ss.user, id, role, scope)
		done = "已修改角色和范围"
	case "revoke":
		err = h.ch.RevokePerson(ctx, ss.user, id)
		done = "已停用，此人的登录随即失效"
	case "renew":
		var tok, link string
		if tok, err = h.ch.NewToken(ctx, ss.user, id); err == nil {
			link, err = h.ch.NewLink(ctx, ss.user, id)
		}
		if err == nil {
			u, _ := h.ch.Person(ctx, id)
			p.Issued = &issued{Name: u.Name, Token: tok, Link: api.BaseURL(c) + LinkPath + link}
		}
	default:
		c.Status(http.StatusNotFound)
		return
	}
	if err != nil {
		status, _, msg := change.Explain(err)
		if errors.Is(err, store.ErrNotFound) {
			status, msg = http.StatusNotFound, fmt.Sprintf("没有编号为 %d 的人员", id)
		}
		h.showPeople(c, status, msg, p)
		return
	}
	if p.Issued != nil {
		h.showPeople(c, http.StatusOK, "", p)
		return
	}
	h.sessions.setFlash(ss, done)
	c.Redirect(http.StatusSeeOther, "/web/people")
}
