package api

import (
	"errors"
	"net/http"

	"nianbao/change"
)

// Roles, users and the actions they may take live in package change, which
// every write goes through; these names keep the API's callers working.
const (
	RoleViewer   = change.RoleViewer
	RoleClerk    = change.RoleClerk
	RoleAssessor = change.RoleAssessor
	RoleAdmin    = change.RoleAdmin
	ActUpload    = change.ActUpload
	ActCorrect   = change.ActCorrect
	ActReview    = change.ActReview
	ActAdmin     = change.ActAdmin
)

// RoleNames are the roles in Chinese, for pages.
var RoleNames = change.RoleNames

// User is one line of the token file (change.User).
type User = change.User

// LoadUsers reads a token file (change.LoadUsers).
func LoadUsers(path string) (map[string]User, error) { return change.LoadUsers(path) }

// routeActions gives each write route of the API the action it needs.
var routeActions = map[string]string{
	http.MethodPost + " /api/v1/reports":                               ActUpload,
	http.MethodPut + " /api/v1/reports/:id/cells/:code":                ActCorrect,
	http.MethodDelete + " /api/v1/reports/:id/cells/:code":             ActCorrect,
	http.MethodPatch + " /api/v1/reports/:id":                          ActCorrect,
	http.MethodPost + " /api/v1/reports/:id/versions/:version/restore": ActCorrect,
	http.MethodPut + " /api/v1/reports/:id/findings/:index/review":     ActReview,
	http.MethodPut + " /api/v1/filing/:agency/:year":                   ActReview,
	http.MethodPost + " /api/v1/reports/:id/findings/:index/return":    ActReview, // rectify.go
	http.MethodPost + " /api/v1/rectifications/:id/close":              ActReview,
}

// RouteAction is the action a route needs; any write route not listed
// (deletion, merging agencies) is for admins.
func RouteAction(method, route string) string {
	if a, ok := routeActions[method+" "+route]; ok {
		return a
	}
	return ActAdmin
}

// NotReport marks a parser's error for a document that is readable but
// no annual report (年报解读, a notice): the upload answers code
// not_report, so a page can tell it from a broken file.
type NotReport struct{ Err error }

func (e NotReport) Error() string { return e.Err.Error() }
func (e NotReport) Unwrap() error { return e.Err }

// Public says why, in Chinese.
func (e NotReport) Public() string { return e.Err.Error() }

func isNotReport(err error) bool {
	var nr NotReport
	return errors.As(err, &nr)
}

// bodyOwnLimit are the routes of package web that take files and bound
// their bodies themselves (several uploads in one form).
var bodyOwnLimit = map[string]bool{"/web/upload": true, "/web/check": true}
