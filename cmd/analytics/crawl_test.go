package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// Words a reader of the pages must never meet (issue 22 item 3): they
// speak to developers. Text inside <code> is for data users (a cell code
// beside its label, a file's SHA-256) and is not read.
var developerText = []struct {
	what string
	re   *regexp.Regexp
}{
	{"a repository path", regexp.MustCompile(`\b(docs|cmd|internal|nianbao|dashboards|web|store|assess)/[\w./-]*|[\w/-]+\.(go|md)\b`)},
	{"a cell code", regexp.MustCompile(`\bt[234]\.[a-z_]+`)},
	{"a rule id", regexp.MustCompile(`\brule\d+_[a-z_]+|\b(timely_late|copy_peer|copy_previous_year|cross_year|agency_near_miss)\b`)},
	{"an English state", regexp.MustCompile(`\b(dismissed|confirmed|open|pending|filed|late|missing|unpublished|synthetic)\b`)},
	{"a hash", regexp.MustCompile(`\b[0-9a-f]{64}\b`)},
	{"licence text", regexp.MustCompile(`(?i)\b(licen[cs]e|copyright|MIT|Apache)\b`)},
}

// firstAdmin is a client signed in by the one-time link a fresh
// database's serve logs.
func firstAdmin(t *testing.T, logs string) *http.Client {
	t.Helper()
	link := firstLinkRe.FindStringSubmatch(logs)
	if link == nil {
		t.Fatalf("no sign-in link in the log:\n%s", logs)
	}
	jar, _ := cookiejar.New(nil)
	admin := &http.Client{Timeout: time.Minute, Jar: jar}
	resp, err := admin.Get(link[1])
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return admin
}

var (
	digits       = regexp.MustCompile(`\d+`)
	showsReports = regexp.MustCompile(`^/web/reports/N(/source)?$|^/dashboards/(town|county|assessment|compare|quality)$`)
)

// visibleText is what a reader sees of a page: text outside <script>,
// <style>, <code> and <template>, with no attributes.
func visibleText(doc *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script", "style", "code", "template", "head":
				return
			}
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return b.String()
}

// links are the same-site pages a page links to: /dashboards/ and /web/
// pages, not downloads, images or the API.
func links(doc *html.Node, from *url.URL) []string {
	var out []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "a" {
			href, download := "", false
			for _, a := range n.Attr {
				switch a.Key {
				case "href":
					href = a.Val
				case "download":
					download = true
				}
			}
			if u, err := from.Parse(href); err == nil && href != "" && !download && u.Host == from.Host {
				u.Fragment = ""
				p := u.Path
				if (strings.HasPrefix(p, "/dashboards/") || strings.HasPrefix(p, "/web/")) && !strings.Contains(p, "/static/") &&
					!regexp.MustCompile(`\.(xlsx|docx|csv|zip|png|json|parquet|txt|pdf)$|/download|/signin/link/`).MatchString(p) && u.Query().Get("format") == "" {
					out = append(out, u.String())
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

// crawl follows every same-site page link from the starts, breadth first,
// up to limit pages and perPath pages of one kind (a path, its numbers
// aside, so that one list of reports does not use up the budget), and
// reports each kind of page's problems once.
func crawl(t *testing.T, client *http.Client, base string, starts []string, limit, perPath int) (pages int, problems []string) {
	t.Helper()
	seen, reported := map[string]bool{}, map[string]bool{}
	byPath := map[string]int{}
	queue := append([]string(nil), starts...)
	for len(queue) > 0 && pages < limit {
		raw := queue[0]
		queue = queue[1:]
		u, err := url.Parse(raw)
		if err != nil || seen[u.RequestURI()] {
			continue
		}
		seen[u.RequestURI()] = true
		kind := digits.ReplaceAllString(u.Path, "N") // /web/reports/N/source
		if byPath[kind] >= perPath {
			continue
		}
		byPath[kind]++
		resp, err := client.Get(base + u.RequestURI())
		if err != nil {
			t.Fatalf("%s: %v", u.RequestURI(), err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			continue
		}
		pages++
		if resp.StatusCode >= 500 {
			problems = append(problems, fmt.Sprintf("%s: status %d", u.RequestURI(), resp.StatusCode))
		}
		doc, err := html.Parse(strings.NewReader(string(body)))
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", u.RequestURI(), err))
			continue
		}
		text := visibleText(doc)
		for _, d := range developerText {
			if m := d.re.FindString(text); m != "" {
				// Said once per kind of page and finding, with the first
				// page met: a hash on every source page is one fault.
				key := kind + " " + d.what
				if !reported[key] {
					reported[key] = true
					problems = append(problems, fmt.Sprintf("%s shows %s: %q", u.RequestURI(), d.what, m))
				}
			}
		}
		// Every report of the sample is 示例数据: a page showing one
		// says so.
		if showsReports.MatchString(kind) && resp.StatusCode == http.StatusOK && !strings.Contains(text, "示例数据") {
			if key := kind + " mark"; !reported[key] {
				reported[key] = true
				problems = append(problems, fmt.Sprintf("%s shows sample reports without saying 示例数据", u.RequestURI()))
			}
		}
		here, _ := url.Parse(base + u.RequestURI())
		queue = append(queue, links(doc, here)...)
	}
	kinds := make([]string, 0, len(byPath))
	for k, n := range byPath {
		kinds = append(kinds, fmt.Sprintf("%s×%d", k, n))
	}
	sort.Strings(kinds)
	t.Logf("pages read by kind: %s", strings.Join(kinds, " "))
	return pages, problems
}

// TestPagesSpeakToPeople serves a fresh database built from data/sample
// (as make run does), and reads every page reachable from /dashboards/ and
// /web/, first as a visitor, then signed in as the first administrator
// by the printed one-time link: no page shows a reader a repository path,
// a cell code, a rule id, an English state, a hash or licence text, and
// every page showing the sample's reports says 示例数据. The same server
// shows the sample on its real places (sampleOnRealPlaces).
func TestPagesSpeakToPeople(t *testing.T) {
	sample, err := filepath.Abs(filepath.Join("..", "..", "data", "sample"))
	if err == nil {
		_, err = os.Stat(sample)
	}
	if err != nil {
		t.Skipf("no sample corpus: %v", err)
	}
	dir := t.TempDir()
	var logs logBuffer
	addr, stop := startServeSample(t, filepath.Join(dir, "c.duckdb"), sample, &logs)
	defer stop()
	base := "http://" + addr

	visitor := &http.Client{Timeout: time.Minute}
	n, problems := crawl(t, visitor, base, []string{"/dashboards/", "/web/"}, 250, 25)
	t.Logf("visitor: %d pages", n)

	notReportSaidOnce(t, base)
	sampleOnRealPlaces(t, base)

	admin := firstAdmin(t, logs.String())
	work(t, admin, base, sample)
	m, more := crawl(t, admin, base, []string{"/web/", "/web/audit", "/web/people", "/web/sheets", "/dashboards/"}, 250, 25)
	t.Logf("administrator: %d pages", m)
	problems = append(problems, more...)
	if n < 40 || m < 40 {
		t.Errorf("crawled %d and %d pages: the links were not followed", n, m)
	}
	sort.Strings(problems)
	for _, p := range slices.Compact(problems) {
		t.Error(p)
	}
}

// work does as an administrator what fills the audit log — a review, a
// correction, an upload, a person added — so the crawl reads the log with
// an entry of each kind. It returns the one-time sign-in link of the
// person added (a clerk of 乐至县).
func work(t *testing.T, client *http.Client, base, sample string) (clerkLink string) {
	t.Helper()
	page := func(path string) string {
		resp, err := client.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		m := csrfFormRe.FindSubmatch(b)
		if m == nil {
			t.Fatalf("%s: no form token (status %d)", path, resp.StatusCode)
		}
		return html.UnescapeString(string(m[1]))
	}
	post := func(path string, form url.Values) string {
		resp, err := client.PostForm(base+path, form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode >= 400 {
			t.Fatalf("POST %s: status %d", path, resp.StatusCode)
		}
		return string(b)
	}
	resp, err := client.Get(base + "/api/v1/reports?county=" + url.QueryEscape("乐至县"))
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Reports []struct {
			ID     int64 `json:"id"`
			Errors int   `json:"errors"`
		} `json:"reports"`
	}
	json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	var id int64
	for _, r := range list.Reports {
		if r.Errors > 0 && id == 0 {
			id = r.ID
		}
	}
	if id == 0 {
		t.Fatalf("no report of 乐至县 with an error among %d", len(list.Reports))
	}
	at := fmt.Sprintf("/web/reports/%d", id)
	post(at+"/review", url.Values{"csrf": {page(at)}, "index": {"0"}, "state": {"dismissed"}, "comment": {"核实无误"}})
	post(at+"/correct", url.Values{"csrf": {page(at)}, "code": {"t3.new.natural"}, "value": {"3"}, "reason": {"原表笔误"}})
	issued := issuedRe.FindStringSubmatch(post("/web/people", url.Values{"csrf": {page("/web/people")}, "name": {"张填报"}, "role": {"clerk"}, "scope": {"乐至县"}}))
	if issued == nil || issued[1] != "link" {
		t.Fatal("adding a person gave no sign-in link")
	}

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", page("/web/upload"))
	w, _ := mw.CreateFormFile("files", "劳动镇2024年报.txt")
	data, err := os.ReadFile(filepath.Join(sample, "乐至县", "2024", "劳动镇.txt"))
	if err != nil {
		t.Fatal(err)
	}
	w.Write(bytes.Replace(data, []byte("一、总体情况"), []byte("一、总体情况（修订）"), 1))
	mw.Close()
	resp, err = client.Post(base+"/web/upload", mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 400 {
		t.Fatalf("upload: status %d", resp.StatusCode)
	}
	return html.UnescapeString(issued[2])
}

// notReportSaidOnce: a file that is read but is no report is refused by 预检
// with its reason said once — not 「不是年度报告：不是年度报告（…）」.
func notReportSaidOnce(t *testing.T, base string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Timeout: time.Minute, Jar: jar}
	resp, err := client.Get(base + "/web/check")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfFormRe.FindSubmatch(b)
	if m == nil {
		t.Fatal("预检 has no form token")
	}
	resp, err = client.PostForm(base+"/web/check", url.Values{"csrf": {html.UnescapeString(string(m[1]))}, "text": {"会议纪要\n今天开会讨论了三件事。\n一是安全生产。\n"}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	doc, err := html.Parse(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	text := visibleText(doc)
	if n := strings.Count(text, "不是年度报告"); n != 1 || resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("预检 of meeting notes: status %d, 「不是年度报告」 said %d times: %s", resp.StatusCode, n, strings.Join(strings.Fields(text), " "))
	}
}

// sampleOnRealPlaces: the sample sits on the registry's places (issue 22
// item 2). The entry page walks 全国 › 四川省 › 资阳市 to its counties; a
// sample county's filing list names each registry town once — the ones
// with no report 未收录, none twice — and says 示例数据; its assessment
// has late and missing bodies.
func sampleOnRealPlaces(t *testing.T, base string) {
	t.Helper()
	get := func(path string) (*http.Response, []byte) {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d: %s", path, resp.StatusCode, b)
		}
		return resp, b
	}
	_, b := get("/dashboards/")
	doc, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	entry := strings.Join(strings.Fields(visibleText(doc)), " ")
	for _, want := range []string{"全国 › 四川省 › 资阳市", "乐至县", "雁江区", "安岳县", "示例数据"} {
		if !strings.Contains(entry, want) {
			t.Errorf("entry page lacks %q: %s", want, entry)
		}
	}
	if strings.Contains(entry, "未归属") {
		t.Errorf("entry page places reports nowhere (未归属): %s", entry)
	}
	for _, county := range []string{"乐至县", "雁江区", "安岳县"} {
		q := "county=" + url.QueryEscape(county) + "&year=2024"
		_, b := get("/api/v1/filing?" + q)
		var f struct {
			Expected, Filed, Late, Missing int
			Synthetic                      bool
			Agencies                       []struct{ Name, Status string }
		}
		if err := json.Unmarshal(b, &f); err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		for _, a := range f.Agencies {
			seen[a.Name]++
			if seen[a.Name] == 2 {
				t.Errorf("%s 2024 filing list names %s twice", county, a.Name)
			}
		}
		if f.Missing == 0 || f.Filed == 0 || !f.Synthetic || f.Expected != len(f.Agencies) {
			t.Errorf("%s 2024 filing list: %d expected, %d filed, %d missing, synthetic %v: want towns of both and the 示例数据 mark", county, f.Expected, f.Filed, f.Missing, f.Synthetic)
		}
		_, b = get("/api/v1/assessment?" + q)
		var a struct {
			Late, Missing int
			Synthetic     bool
		}
		if err := json.Unmarshal(b, &a); err != nil {
			t.Fatal(err)
		}
		if a.Late == 0 || a.Missing == 0 || !a.Synthetic {
			t.Errorf("%s 2024 assessment: %d late, %d missing, synthetic %v: want some late and some missing, marked 示例数据", county, a.Late, a.Missing, a.Synthetic)
		}
		_, b = get("/dashboards/county?" + q)
		if !bytes.Contains(b, []byte("应报名单取自登记册")) {
			t.Errorf("%s county page does not say its filing list is the registry's", county)
		}
	}
}
