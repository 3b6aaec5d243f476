package change

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"nianbao/query"
	"nianbao/store"
)

// The roles of the token file. A viewer signs in but changes nothing; a
// clerk uploads and corrects (within their county or agency when the
// token file limits them); an assessor reviews findings and marks filing;
// an admin does everything, deletions and merges included.
const (
	RoleViewer   = "viewer"
	RoleClerk    = "clerk"
	RoleAssessor = "assessor"
	RoleAdmin    = "admin"
)

// RoleNames are the roles in Chinese, for pages.
var RoleNames = map[string]string{RoleViewer: "查看", RoleClerk: "填报员", RoleAssessor: "评估人员", RoleAdmin: "管理员"}

// User is one line of the token file: who makes a change, and where.
type User struct {
	Name string
	Role string
	// Scope limits a clerk to one county or one agency ("" = anywhere).
	Scope string
	// ID is the person's row in the database; 0 for the token file.
	ID int64
}

// Actions a write may need, and the roles allowed each.
const (
	ActUpload  = "upload"
	ActCorrect = "correct"
	ActReview  = "review"
	ActAdmin   = "admin"
)

var allowed = map[string][]string{
	ActUpload:  {RoleClerk, RoleAdmin},
	ActCorrect: {RoleClerk, RoleAdmin},
	ActReview:  {RoleAssessor, RoleAdmin},
	ActAdmin:   {RoleAdmin},
}

// actionNames say in Chinese what a refused user tried.
var actionNames = map[string]string{ActUpload: "上传报告", ActCorrect: "更正数字", ActReview: "复核问题", ActAdmin: "管理操作"}

// May tells whether the user's role allows the action.
func (u User) May(action string) bool {
	for _, r := range allowed[action] {
		if u.Role == r {
			return true
		}
	}
	return false
}

// Covers tells whether a report of this agency and county is within the
// user's scope.
func (u User) Covers(agency, county string) bool {
	return u.Scope == "" || u.Role == RoleAdmin || u.Scope == county || u.Scope == agency
}

// Refusal is the Chinese sentence for a user who may not do an action.
func (u User) Refusal(action string) string {
	return fmt.Sprintf("%s（%s）无权%s", u.Name, RoleNames[u.Role], actionNames[action])
}

// Admin is the user of a change made with full rights: the command line
// run by whoever holds the database file, or a token without a role.
func Admin(name string) User { return User{Name: name, Role: RoleAdmin} }

// LoadUsers reads a token file: one "name:token[:role[:scope]]" a line
// (blank lines and # comments skipped). A line without a role is an
// admin, as every token was before roles existed. It returns token → user.
func LoadUsers(path string) (map[string]User, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("token file: %w", err)
	}
	defer f.Close()
	users := map[string]User{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.SplitN(line, ":", 4)
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		if len(parts) < 2 || parts[0] == "" || parts[1] == "" {
			return nil, fmt.Errorf("token file %s line %d: want name:token[:role[:county or agency]]", path, n)
		}
		u := User{Name: parts[0], Role: RoleAdmin}
		if len(parts) > 2 && parts[2] != "" {
			u.Role = parts[2]
		}
		if _, ok := RoleNames[u.Role]; !ok {
			return nil, fmt.Errorf("token file %s line %d: role %q is not one of viewer, clerk, assessor, admin", path, n, u.Role)
		}
		if len(parts) > 3 {
			// The scope is compared with stored county and agency names,
			// which are canonical: so is the scope.
			if u.Scope, err = Name("county", parts[3]); err != nil {
				return nil, fmt.Errorf("token file %s line %d: %w", path, n, err)
			}
		}
		if _, dup := users[parts[1]]; dup {
			return nil, fmt.Errorf("token file %s line %d: the same token twice", path, n)
		}
		users[parts[1]] = u
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("token file %s: %w", path, err)
	}
	return users, nil
}

// People of the database (issue 22): an administrator adds them in the
// browser; each has a token and may be sent one-time sign-in links. Only
// sha256 hashes of tokens and links are stored.

// LinkTTL is how long a one-time sign-in link may be opened.
const LinkTTL = 24 * time.Hour

// FirstAdmin is the name of the administrator made on a database with none.
const FirstAdmin = "管理员"

// Secret is a new random token: 32 bytes, URL-safe base64.
func Secret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// Hash is the hex sha256 under which a token, link or session id is stored.
func Hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// Issued is what adding a person gives once: their token and a one-time
// sign-in link (its secret part), neither stored.
type Issued struct {
	Person store.Person
	Token  string
	Link   string
}

func userOf(p store.Person) User { return User{Name: p.Name, Role: p.Role, Scope: p.Scope, ID: p.ID} }

// personFields validates what an admin writes for a person.
func personFields(role, scope string) (string, error) {
	if _, ok := RoleNames[role]; !ok {
		return "", &query.InputError{Field: "role", Message: fmt.Sprintf("角色 %q 不是 查看、填报员、评估人员、管理员 之一", role)}
	}
	scope, err := Name("county", scope)
	if err != nil {
		return "", err
	}
	if role == RoleAdmin && scope != "" {
		return "", &query.InputError{Field: "scope", Message: "管理员不限范围：请留空“范围”，或选择其他角色"}
	}
	return scope, nil
}

// AddPerson adds a person (admins only) and issues their token and a
// one-time sign-in link.
func (s *Service) AddPerson(ctx context.Context, u User, name, role, scope string) (Issued, error) {
	if err := may(u, ActAdmin); err != nil {
		return Issued{}, err
	}
	name, err := Name("person", name)
	if err != nil {
		return Issued{}, err
	}
	if name == "" {
		return Issued{}, &query.InputError{Field: "name", Message: "请填写姓名"}
	}
	if scope, err = personFields(role, scope); err != nil {
		return Issued{}, err
	}
	tok := Secret()
	p, err := s.st.AddPerson(ctx, store.Person{Name: name, Role: role, Scope: scope}, Hash(tok), u.Name)
	if err != nil {
		return Issued{}, failed("人员 "+name, err)
	}
	link, err := s.issueLink(ctx, u.Name, p.ID)
	if err != nil {
		return Issued{}, err
	}
	s.steps.Audit(ctx, Affected{Op: "person-add", Actor: u.Name, Detail: fmt.Sprintf("%s %s %s", name, role, scope)})
	return Issued{Person: p, Token: tok, Link: link}, nil
}

// lastAdmin refuses a change that would leave no administrator able to
// sign in: nobody could then manage people without a restart.
func (s *Service) lastAdmin(ctx context.Context, p store.Person) error {
	if p.Role != RoleAdmin || p.Revoked {
		return nil
	}
	n, err := s.st.ActiveAdmins(ctx)
	if err != nil {
		return err
	}
	if n <= 1 {
		return &Forbidden{fmt.Sprintf("%s是最后一位管理员：请先添加另一位管理员", p.Name)}
	}
	return nil
}

// SetPerson changes a person's role and scope (admins only).
func (s *Service) SetPerson(ctx context.Context, u User, id int64, role, scope string) error {
	if err := may(u, ActAdmin); err != nil {
		return err
	}
	scope, err := personFields(role, scope)
	if err != nil {
		return err
	}
	p, err := s.st.Person(ctx, id)
	if err != nil {
		return err
	}
	if role != RoleAdmin {
		if err := s.lastAdmin(ctx, p); err != nil {
			return err
		}
	}
	old, now := strings.TrimSpace(p.Role+" "+p.Scope), strings.TrimSpace(role+" "+scope)
	if err := s.st.SetPerson(ctx, id, role, scope, u.Name, old, now); err != nil {
		return failed("人员 "+p.Name+" 的角色", err)
	}
	s.steps.Audit(ctx, Affected{Op: "person-role", Actor: u.Name, Detail: p.Name + ": " + old + " → " + now})
	return nil
}

// RevokePerson stops a person signing in and ends their sessions.
func (s *Service) RevokePerson(ctx context.Context, u User, id int64) error {
	if err := may(u, ActAdmin); err != nil {
		return err
	}
	p, err := s.st.Person(ctx, id)
	if err != nil {
		return err
	}
	if err := s.lastAdmin(ctx, p); err != nil {
		return err
	}
	if err := s.st.RevokePerson(ctx, id, u.Name); err != nil {
		return failed("人员 "+p.Name+" 的停用", err)
	}
	s.steps.Audit(ctx, Affected{Op: "person-revoke", Actor: u.Name, Detail: p.Name})
	return nil
}

// NewLink issues a new one-time sign-in link for a person (admins only),
// e.g. for one who lost their token.
func (s *Service) NewLink(ctx context.Context, u User, id int64) (string, error) {
	if err := may(u, ActAdmin); err != nil {
		return "", err
	}
	p, err := s.st.Person(ctx, id)
	if err != nil {
		return "", err
	}
	if p.Revoked {
		return "", &Forbidden{p.Name + "已停用，不能再登录"}
	}
	return s.issueLink(ctx, u.Name, id)
}

func (s *Service) issueLink(ctx context.Context, author string, id int64) (string, error) {
	link := Secret()
	if err := s.st.AddSignInLink(ctx, Hash(link), id, author, time.Now().Add(LinkTTL)); err != nil {
		return "", failed("登录链接", err)
	}
	return link, nil
}

// FirstRun makes, on a database where no administrator can sign in, the
// administrator FirstAdmin and a one-time sign-in link for them; "" when
// one exists. While that first link was never used (lost with the log of
// the first start) and nobody else is admin, each start issues a new one.
// The administrator's token is random and shown to nobody: they sign in
// with the link, then renew their own token on the people page.
func (s *Service) FirstRun(ctx context.Context) (string, error) {
	const by = "首次启动"
	n, err := s.st.ActiveAdmins(ctx)
	if err != nil {
		return "", err
	}
	if n > 0 {
		id, err := s.st.UnusedFirstAdmin(ctx, by)
		if err != nil || id == 0 {
			return "", err
		}
		return s.issueLink(ctx, by, id)
	}
	p, err := s.st.AddPerson(ctx, store.Person{Name: FirstAdmin, Role: RoleAdmin}, Hash(Secret()), by)
	if err != nil {
		return "", failed("首位管理员", err)
	}
	return s.issueLink(ctx, by, p.ID)
}

// ErrBadLink is a sign-in link unknown, used already or expired.
var ErrBadLink = errors.New("这个登录链接无效：已使用过、已过期或不完整。请向管理员索取新的链接")

// SignInWithLink uses a one-time link and returns its person.
func (s *Service) SignInWithLink(ctx context.Context, link string) (User, error) {
	id, err := s.st.UseSignInLink(ctx, Hash(link))
	if errors.Is(err, store.ErrNotFound) {
		return User{}, ErrBadLink
	}
	if err != nil {
		return User{}, err
	}
	p, err := s.st.Person(ctx, id)
	if err != nil {
		return User{}, err
	}
	if p.Revoked {
		return User{}, ErrBadLink
	}
	return userOf(p), nil
}

// NewToken replaces a person's token with a new one, returned once: a
// person makes their own, an admin anyone's.
func (s *Service) NewToken(ctx context.Context, u User, id int64) (string, error) {
	if u.ID != id {
		if err := may(u, ActAdmin); err != nil {
			return "", err
		}
	}
	tok := Secret()
	if err := s.st.SetPersonToken(ctx, id, Hash(tok), u.Name); err != nil {
		return "", failed("令牌", err)
	}
	s.steps.Audit(ctx, Affected{Op: "person-token", Actor: u.Name, Detail: fmt.Sprint(id)})
	return tok, nil
}

// PersonByToken finds the person, not revoked, holding token.
func (s *Service) PersonByToken(ctx context.Context, token string) (User, bool) {
	p, err := s.st.PersonByToken(ctx, Hash(token))
	if err != nil {
		return User{}, false
	}
	return userOf(p), true
}

// Person reads a person of the database as a user; false when revoked or
// unknown (their session then ends).
func (s *Service) Person(ctx context.Context, id int64) (User, bool) {
	p, err := s.st.Person(ctx, id)
	if err != nil || p.Revoked {
		return User{}, false
	}
	return userOf(p), true
}

// People lists the people of the database.
func (s *Service) People(ctx context.Context) ([]store.Person, error) { return s.st.People(ctx) }
