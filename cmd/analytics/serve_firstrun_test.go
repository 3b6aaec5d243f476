package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"nianbao/store"
)

// logBuffer is a log the server writes while the test reads it.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startServe serves db until the returned stop is called.
func startServeLogged(t *testing.T, db string, log io.Writer) (addr string, stop func()) {
	return startServeSample(t, db, filepath.Join(filepath.Dir(db), "no-sample"), log)
}

// startServeSample serves db, built from sample when new, until the
// returned stop is called.
func startServeSample(t *testing.T, db, sample string, log io.Writer) (addr string, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	cfg := serveConfig{db: db, addr: "127.0.0.1:0", sample: sample, maxUpload: 1 << 20}
	go func() { done <- serve(ctx, cfg, slog.New(slog.NewTextHandler(log, nil)), ready) }()
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatal(err)
	}
	return addr, func() {
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

var (
	firstLinkRe = regexp.MustCompile(`url=(http://[^ \n]+/web/signin/link/[A-Za-z0-9_-]+)`)
	csrfFormRe  = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	issuedRe    = regexp.MustCompile(`id="issued-(link|token)" value="([^"]+)"`)
)

func newJarClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar}
}

func fetchPage(t *testing.T, c *http.Client, method, u string, form url.Values) (int, string) {
	t.Helper()
	var resp *http.Response
	var err error
	if method == http.MethodPost {
		resp, err = c.PostForm(u, form)
	} else {
		resp, err = c.Get(u)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestFirstRunSignInLink: a fresh database and serve print one line with a
// one-time link (again at the next start while none was used); it signs the visitor in as administrator, who adds a
// clerk on the people page; the clerk's own link and token work; after a
// restart (store closed and reopened, a new server) the same cookie is
// still signed in, and no second link is printed.
func TestFirstRunSignInLink(t *testing.T) {
	db := filepath.Join(t.TempDir(), "n.duckdb")
	// A first start whose link nobody opened: the next start gives another.
	var log0 logBuffer
	_, stop := startServeLogged(t, db, &log0)
	stop()
	if !firstLinkRe.MatchString(log0.String()) {
		t.Fatalf("no link at the first start:\n%s", log0.String())
	}
	var log logBuffer
	addr, stop := startServeLogged(t, db, &log)
	base := "http://" + addr
	var links []string
	for _, line := range strings.Split(log.String(), "\n") {
		if m := firstLinkRe.FindStringSubmatch(line); m != nil {
			links = append(links, m[1])
		}
	}
	if len(links) != 1 || !strings.HasPrefix(links[0], base+"/web/") {
		t.Fatalf("want one sign-in link on %s in the log, got %q\n%s", base, links, log.String())
	}
	admin := newJarClient()
	code, body := fetchPage(t, admin, http.MethodGet, links[0], nil)
	if code != 200 || !strings.Contains(body, "人员与权限") || !strings.Contains(body, "管理员（管理员）") {
		t.Fatalf("opening the link: %d\n%s", code, body)
	}
	if code, _ := fetchPage(t, newJarClient(), http.MethodGet, links[0], nil); code != http.StatusUnauthorized {
		t.Errorf("the link opened a second time: %d, want 401", code)
	}
	csrf := csrfFormRe.FindStringSubmatch(body)
	if csrf == nil {
		t.Fatal("no CSRF token on the people page")
	}
	code, body = fetchPage(t, admin, http.MethodPost, base+"/web/people", url.Values{"csrf": {csrf[1]}, "name": {"镇办小李"}, "role": {"clerk"}, "scope": {"乐至县"}})
	issued := map[string]string{}
	for _, m := range issuedRe.FindAllStringSubmatch(body, -1) {
		issued[m[1]] = m[2]
	}
	if code != 200 || issued["link"] == "" || issued["token"] == "" || !strings.Contains(body, "镇办小李") {
		t.Fatalf("adding a clerk: %d %v\n%s", code, issued, body)
	}
	clerk := newJarClient()
	if code, body := fetchPage(t, clerk, http.MethodGet, issued["link"], nil); code != 200 || !strings.Contains(body, "镇办小李（填报员 · 乐至县）") {
		t.Errorf("the clerk's link: %d\n%s", code, body)
	}
	if code, _ := fetchPage(t, clerk, http.MethodGet, base+"/web/people", nil); code != http.StatusForbidden {
		t.Errorf("a clerk on the people page: %d, want 403", code)
	}
	// The clerk's token at the API's door: known (403 for a deletion a
	// clerk may not make), not unknown (401).
	req, _ := http.NewRequest(http.MethodDelete, base+"/api/v1/reports/1", nil)
	req.Header.Set("Authorization", "Bearer "+issued["token"])
	if resp, err := http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	} else if resp.Body.Close(); resp.StatusCode != http.StatusForbidden {
		t.Errorf("the clerk's token at the API: %d, want 403", resp.StatusCode)
	}
	stop()

	var log2 logBuffer
	addr, stop = startServeLogged(t, db, &log2)
	defer stop()
	if strings.Contains(log2.String(), "/web/signin/link/") {
		t.Errorf("a second start printed a sign-in link:\n%s", log2.String())
	}
	// The cookie jar does not tell ports apart: the same cookies go to
	// the new server.
	code, body = fetchPage(t, admin, http.MethodGet, "http://"+addr+"/web/people", nil)
	if code != 200 || !strings.Contains(body, "镇办小李") {
		t.Errorf("after a restart the admin is not signed in: %d\n%.300s", code, body)
	}
}

// TestPeopleAudited: adding a person leaves an audit row; revoking the
// last administrator is refused; no secret is stored but as its hash.
func TestPeopleAudited(t *testing.T) {
	db := filepath.Join(t.TempDir(), "n.duckdb")
	var log logBuffer
	addr, stop := startServeLogged(t, db, &log)
	link := firstLinkRe.FindStringSubmatch(log.String())
	if link == nil {
		t.Fatal("no link")
	}
	admin := newJarClient()
	_, body := fetchPage(t, admin, http.MethodGet, link[1], nil)
	csrf := csrfFormRe.FindStringSubmatch(body)[1]
	if code, _ := fetchPage(t, admin, http.MethodPost, "http://"+addr+"/web/people", url.Values{"csrf": {csrf}, "name": {"赵评估"}, "role": {"assessor"}}); code != 200 {
		t.Fatalf("add: %d", code)
	}
	code, body := fetchPage(t, admin, http.MethodPost, "http://"+addr+"/web/people/1/revoke", url.Values{"csrf": {csrf}})
	if code != http.StatusForbidden || !strings.Contains(body, "最后一位管理员") {
		t.Errorf("revoking the last admin: %d\n%.400s", code, body)
	}
	stop()
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var n int
	if err := st.DB().QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'person-add' AND target = '赵评估' AND author = '管理员'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("audit rows of the add: %d %v", n, err)
	}
	// Only hashes are stored: 64 hex digits in every secret column.
	var plain int
	if err := st.DB().QueryRow(`SELECT (SELECT count(*) FROM people WHERE NOT regexp_full_match(token_sha256, '[0-9a-f]{64}'))
		+ (SELECT count(*) FROM signin_links WHERE NOT regexp_full_match(token_sha256, '[0-9a-f]{64}'))
		+ (SELECT count(*) FROM web_sessions WHERE NOT regexp_full_match(id_sha256, '[0-9a-f]{64}'))`).Scan(&plain); err != nil || plain != 0 {
		t.Errorf("secrets not stored as sha256: %d %v", plain, err)
	}
}
