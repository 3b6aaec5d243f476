package main

import (
	"bytes"
	"encoding/json"
	"html"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"nianbao/api"
	"nianbao/query/querytest"
	"nianbao/report"
)

var (
	csrfField   = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	verdictPara = regexp.MustCompile(`<p class="verdict (?:good|bad)"[^>]*>([^<]+)</p>`)
	conclusion  = regexp.MustCompile(`结论：(可以发布|请修改)`)
)

// TestOneVerdict: the same text gets the same verdict from 预检 on the web,
// from analytics validate and on the page of the report once uploaded —
// a text with table 2 but no table 3 or 4 used to be 可以发布 on /web/check
// and 请修改 everywhere else.
func TestOneVerdict(t *testing.T) {
	cases := []struct {
		file string
		want string
		rule string // a rule whose finding must be listed ("" = none)
	}{
		{"clean.txt", report.VerdictPublishable, ""},
		{"missing-tables.txt", report.VerdictFix, report.RuleTables},
		{"broken-rule.txt", report.VerdictFix, report.RuleBalance},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			// A store of its own: the three texts are one agency's year,
			// and a later upload would be a new version of the first.
			st := querytest.Open(t)
			srv := httptest.NewServer(newServerWith(st, api.Options{Tokens: map[string]string{"tok": "测试管理员"}, Parser: uploadParser{}},
				slog.New(slog.NewTextHandler(io.Discard, nil)), false))
			t.Cleanup(srv.Close)
			path := filepath.Join("testdata", "verdict", tc.file)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			// analytics validate
			var out, errb bytes.Buffer
			code := run([]string{"validate", path}, &out, &errb)
			m := conclusion.FindStringSubmatch(out.String())
			if m == nil {
				t.Fatalf("validate printed no 结论 (exit %d):\n%s%s", code, out.String(), errb.String())
			}
			validate := m[1]
			if wantCode := map[bool]int{true: validateOK, false: validateFindings}[tc.want == report.VerdictPublishable]; code != wantCode {
				t.Errorf("validate exit %d, want %d", code, wantCode)
			}
			if tc.rule != "" && !strings.Contains(out.String(), report.RuleLabels[tc.rule]) {
				t.Errorf("validate does not list %s:\n%s", tc.rule, out.String())
			}
			// 预检 on the web: the form's CSRF token first.
			jar, _ := cookiejar.New(nil)
			client := &http.Client{Jar: jar}
			page := get(t, client, srv.URL+"/web/check")
			tok := csrfField.FindStringSubmatch(page)
			if tok == nil {
				t.Fatal("no CSRF token on /web/check")
			}
			resp, err := client.PostForm(srv.URL+"/web/check", url.Values{"csrf": {tok[1]}, "text": {string(data)}})
			if err != nil {
				t.Fatal(err)
			}
			body := readAll(t, resp)
			m = verdictPara.FindStringSubmatch(body)
			if resp.StatusCode != http.StatusOK || m == nil {
				t.Fatalf("/web/check: %d, no verdict", resp.StatusCode)
			}
			check := m[1]
			// Upload through the API, then the stored report's page.
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			w, _ := mw.CreateFormFile("file", tc.file)
			w.Write(data)
			mw.Close()
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/reports", &buf)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			req.Header.Set("Authorization", "Bearer tok")
			resp, err = http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var up struct {
				Reports []api.Uploaded `json:"reports"`
			}
			if err := json.Unmarshal([]byte(readAll(t, resp)), &up); err != nil || len(up.Reports) != 1 {
				t.Fatalf("upload: %d %v %+v", resp.StatusCode, err, up)
			}
			uploaded := up.Reports[0].Verdict.Label
			m = verdictPara.FindStringSubmatch(get(t, client, srv.URL+"/web/reports/"+strconv.FormatInt(up.Reports[0].ID, 10)))
			if m == nil {
				t.Fatal("the report page shows no verdict")
			}
			stored := m[1]
			got := map[string]string{"预检": html.UnescapeString(check), "validate": validate, "上传": uploaded, "报告页": html.UnescapeString(stored)}
			for where, v := range got {
				if v != tc.want {
					t.Errorf("%s: %s, want %s (all: %v)", where, v, tc.want, got)
				}
			}
		})
	}
}

func get(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	return readAll(t, resp)
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
