package change

import (
	"bufio"
	"fmt"
	"os"
	"strings"
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
