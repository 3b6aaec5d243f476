package api

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"nianbao/query"
	"nianbao/query/querytest"
)

const wholeToken = "whole-test-token"

// wholeServer is the API over the seeded reports, with the statements
// its query layer runs counted by name.
type wholeServer struct {
	t   *testing.T
	h   http.Handler
	q   *query.Service
	api *handler

	mu  sync.Mutex
	ran map[string]int
}

func newWholeServer(t *testing.T) (*wholeServer, func(agency, county string)) {
	t.Helper()
	st, _ := querytest.Seed(t)
	q := query.New(st)
	r, up := NewServer(q, st, Options{Tokens: map[string]string{wholeToken: "县政务公开办"}})
	s := &wholeServer{t: t, h: r, q: q, api: up.h, ran: map[string]int{}}
	stop := q.Record(func(x query.Statement) {
		s.mu.Lock()
		s.ran[x.Name]++
		s.mu.Unlock()
	})
	t.Cleanup(stop)
	save := func(agency, county string) {
		t.Helper()
		r := *querytest.Reports()[0]
		r.Agency, r.County, r.SHA256 = agency, county, "whole-"+agency
		if _, err := st.Save(context.Background(), &r); err != nil {
			t.Fatal(err)
		}
	}
	return s, save
}

func (s *wholeServer) get(path string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	s.h.ServeHTTP(w, req)
	return w
}

// statements returns and forgets the statements run so far.
func (s *wholeServer) statements() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.ran
	s.ran = map[string]int{}
	return out
}

// plain is the body of w, gunzipped when it came gzipped.
func plain(t *testing.T, w *httptest.ResponseRecorder) string {
	t.Helper()
	if w.Header().Get("Content-Encoding") != "gzip" {
		return w.Body.String()
	}
	zr, err := gzip.NewReader(bytes.NewReader(w.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestWholeCountryAnswers: the whole-country forms read in a generation
// are computed by the next one's work and served without a statement,
// gzipped or not, with an ETag and 304, the same bytes as a fresh
// answer; a write changes the next answer; every other request is left
// to the LRU of answers.
func TestWholeCountryAnswers(t *testing.T) {
	s, save := newWholeServer(t)
	for _, path := range wholeDefaults {
		if w := s.get(path); w.Code != 200 {
			t.Fatalf("%s: %d", path, w.Code)
		}
	}
	s.q.Invalidate()
	if _, err := s.q.Prepared(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The generation's own values (the tree, the province medians) run
	// statistics too: counted apart from the answers' work.
	s.statements()
	took, err := s.q.PrepareAnswers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	computed := s.statements()
	if computed["Outcomes"] != 1 || computed["Applications"] != 1 || computed["Reviews"] != 1 {
		t.Fatalf("the generation's work ran %v, want each form read before once", computed)
	}
	t.Logf("the forms read before computed in %v", took)

	for _, path := range wholeDefaults {
		t.Run(path, func(t *testing.T) {
			zipped := s.get(path, "Accept-Encoding", "gzip")
			// Below 1 KB gzip does not pay (respcache.gzipMin).
			if zipped.Code != 200 || (zipped.Header().Get("Content-Encoding") == "gzip") != (len(plain(t, zipped)) >= 1024) || zipped.Header().Get("ETag") == "" {
				t.Fatalf("%d, %d bytes, Content-Encoding %q, ETag %q", zipped.Code, len(plain(t, zipped)), zipped.Header().Get("Content-Encoding"), zipped.Header().Get("ETag"))
			}
			bare := s.get(path)
			if bare.Header().Get("Content-Encoding") != "" || bare.Body.String() != plain(t, zipped) {
				t.Errorf("the answer without gzip differs from the gzipped one")
			}
			if ran := s.statements(); len(ran) != 0 {
				t.Errorf("a prepared answer ran %v", ran)
			}
			if w := s.get(path, "If-None-Match", zipped.Header().Get("ETag")); w.Code != http.StatusNotModified {
				t.Errorf("If-None-Match: %d", w.Code)
			}
			// A token's request is answered fresh: the same bytes.
			fresh := s.get(path, "Authorization", "Bearer "+wholeToken)
			if fresh.Code != 200 || plain(t, fresh) != bare.Body.String() {
				t.Errorf("fresh answer (%d) differs from the pre-encoded one:\n%.300s\n%.300s", fresh.Code, plain(t, fresh), bare.Body.String())
			}
			s.statements()
		})
	}

	// A write: the next answer is computed anew, and holds the new county.
	const path = "/api/v1/stats/outcomes?group_by=county"
	before := s.get(path)
	save("新设镇", "新设县")
	after := s.get(path)
	if after.Code != 200 || after.Header().Get("ETag") == before.Header().Get("ETag") || !strings.Contains(after.Body.String(), "新设县") {
		t.Errorf("after a write: %d, ETag %q (was %q), new county in it: %v", after.Code, after.Header().Get("ETag"), before.Header().Get("ETag"),
			strings.Contains(after.Body.String(), "新设县"))
	}
	if ran := s.statements(); ran["Outcomes"] != 1 {
		t.Errorf("the first request after a write ran %v, want Outcomes once", ran)
	}
	// The parameters in another order are the same form.
	if w := s.get("/api/v1/cells?group_by=county&codes=t3.new.total"); w.Code != 200 {
		t.Fatal(w.Code)
	}
	if w := s.get("/api/v1/cells?codes=t3.new.total&group_by=county"); w.Code != 200 || len(s.statements()) != 2 { // Groups, Cells
		t.Errorf("the same form in another order was computed again")
	}

	// Filtered and download forms are not whole-country answers.
	for _, p := range []string{"/api/v1/stats/outcomes?group_by=county&year=2022", "/api/v1/stats/outcomes?group_by=county&format=csv", "/api/v1/assessment?county=乐至县&year=2022"} {
		r := httptest.NewRequest(http.MethodGet, p, nil)
		if k, ok := wholeKey(r); ok {
			t.Errorf("%s taken as the whole-country form %s", p, k)
		}
	}
}

// TestWholeCountryShared: readers arriving together after a write share
// one computation.
func TestWholeCountryShared(t *testing.T) {
	s, save := newWholeServer(t)
	save("新设镇", "新设县")
	s.statements()
	const path = "/api/v1/stats/reviews?group_by=county"
	var wg sync.WaitGroup
	bodies := make([]string, 8)
	for i := range bodies {
		wg.Go(func() {
			w := s.get(path)
			bodies[i] = fmt.Sprint(w.Code, w.Header().Get("ETag"), w.Body.String())
		})
	}
	wg.Wait()
	for _, b := range bodies[1:] {
		if b != bodies[0] {
			t.Fatalf("concurrent readers got different answers")
		}
	}
	if ran := s.statements(); ran["Reviews"] != 1 {
		t.Errorf("8 concurrent readers ran %v, want Reviews once", ran)
	}
}

// TestWholeCountryBounded: however many forms anonymous readers ask for,
// at most wholeEntries are kept, the defaults among them, and the next
// generation recomputes no more than wholeEntries.
func TestWholeCountryBounded(t *testing.T) {
	s, save := newWholeServer(t)
	for _, path := range wholeDefaults {
		if w := s.get(path); w.Code != 200 {
			t.Fatalf("%s: %d", path, w.Code)
		}
	}
	codes := []string{"t3.new.total", "t3.new.natural", "t3.new.commercial", "t3.granted.total", "t3.partial.total", "t3.carried_over.total"}
	asked := 0
	for _, a := range codes {
		for _, b := range codes {
			for _, g := range []string{"county", "year"} {
				if w := s.get("/api/v1/cells?group_by=" + g + "&codes=" + a + "," + b); w.Code != 200 {
					t.Fatalf("%s,%s: %d %s", a, b, w.Code, w.Body)
				}
				asked++
			}
		}
	}
	w := s.api.whole
	w.mu.Lock()
	n, held := len(w.entries), w.bytes
	for _, d := range wholeDefaults {
		if w.entries[d] == nil {
			t.Errorf("%s evicted by the readers' forms", d)
		}
	}
	w.mu.Unlock()
	if n != wholeEntries || held <= 0 || held > wholeBytes {
		t.Errorf("%d forms asked, %d kept (%d bytes), want %d", asked, n, held, wholeEntries)
	}
	save("新设镇", "新设县")
	if next := w.toPrepare(s.q.Generation()); len(next) != wholeEntries {
		t.Errorf("the next generation computes %d forms, want %d", len(next), wholeEntries)
	}
}

// TestWholeCountryOnlyRead: the work of a generation computes only the
// forms readers asked for in the one before — none on a fresh server, a
// form read once only in the generation after that read, not one the
// work itself computed and nobody read — and a reader after a write gets
// the new answer, never the old one.
func TestWholeCountryOnlyRead(t *testing.T) {
	s, save := newWholeServer(t)
	ctx := context.Background()
	work := func() map[string]int {
		t.Helper()
		if _, err := s.q.Prepared(ctx); err != nil {
			t.Fatal(err)
		}
		s.statements()
		if _, err := s.q.PrepareAnswers(ctx); err != nil {
			t.Fatal(err)
		}
		return s.statements()
	}
	if ran := work(); len(ran) != 0 {
		t.Errorf("a fresh server's work ran %v, want nothing (nobody read a form)", ran)
	}
	const path = "/api/v1/stats/outcomes?group_by=county"
	first := s.get(path)
	save("新设镇", "新设县")
	if ran := work(); len(ran) != 1 || ran["Outcomes"] != 1 {
		t.Errorf("after a form was read, the next generation's work ran %v, want Outcomes once", ran)
	}
	// Nobody reads it in this generation: the next one's work skips it.
	s.q.Invalidate()
	if ran := work(); len(ran) != 0 {
		t.Errorf("a form computed by the work and not read was computed again: %v", ran)
	}
	// Read again: it is computed anew, with the county saved in between.
	again := s.get(path)
	if again.Code != 200 || again.Header().Get("ETag") == first.Header().Get("ETag") || !strings.Contains(again.Body.String(), "新设县") ||
		strings.Contains(first.Body.String(), "新设县") {
		t.Errorf("the answer after a write: %d, ETag %q (was %q), new county in it: %v", again.Code, again.Header().Get("ETag"), first.Header().Get("ETag"),
			strings.Contains(again.Body.String(), "新设县"))
	}
}

// TestWholeCountryByteBound: past the byte bound the least recently read
// form goes, a form read again stays, the defaults are never evicted, and
// the bytes held never pass the bound and are those of the entries kept.
func TestWholeCountryByteBound(t *testing.T) {
	s, _ := newWholeServer(t)
	w := s.api.whole
	for _, path := range wholeDefaults {
		if r := s.get(path); r.Code != 200 {
			t.Fatalf("%s: %d", path, r.Code)
		}
	}
	form := func(code string) string { return "/api/v1/cells?codes=" + code + "&group_by=county" }
	held := func() (int64, map[string]bool) {
		w.mu.Lock()
		defer w.mu.Unlock()
		var sum int64
		kept := map[string]bool{}
		for k, x := range w.entries {
			sum += x.e.Size()
			kept[k] = true
		}
		if sum != w.bytes {
			t.Fatalf("%d bytes counted, the entries hold %d", w.bytes, sum)
		}
		return sum, kept
	}
	defaults, _ := held()
	codes := []string{"t3.new.total", "t3.new.natural", "t3.granted.total", "t3.partial.total", "t3.carried_over.total"}
	var largest, smallest int64
	for i, c := range codes { // the sizes of the forms, one at a time
		if r := s.get(form(c)); r.Code != 200 {
			t.Fatalf("%s: %d %s", c, r.Code, r.Body)
		}
		n, _ := held()
		size := n - defaults
		if i == 0 || size > largest {
			largest = size
		}
		if i == 0 || size < smallest {
			smallest = size
		}
		w.mu.Lock()
		w.bytes -= w.entries[form(c)].e.Size()
		delete(w.entries, form(c))
		w.mu.Unlock()
	}
	// Room for two of the forms beside the defaults, never three.
	w.maxBytes = defaults + 2*largest + smallest/2
	if 3*smallest <= 2*largest+smallest/2 {
		t.Fatalf("forms of %d to %d bytes: too unequal for the test", smallest, largest)
	}
	read := func(c string) map[string]bool {
		t.Helper()
		if r := s.get(form(c)); r.Code != 200 {
			t.Fatalf("%s: %d", c, r.Code)
		}
		n, kept := held()
		if n > w.maxBytes {
			t.Fatalf("after %s: %d bytes held, the bound is %d", c, n, w.maxBytes)
		}
		for _, d := range wholeDefaults {
			if !kept[d] {
				t.Fatalf("after %s: the default %s evicted", c, d)
			}
		}
		if !kept[form(c)] {
			t.Fatalf("after %s: the form just read is not kept", c)
		}
		return kept
	}
	read(codes[0])
	read(codes[1])
	read(codes[0]) // read again: now the more recent of the two
	kept := read(codes[2])
	if !kept[form(codes[0])] || kept[form(codes[1])] {
		t.Errorf("past the bound: %v kept; want %s (read again) kept and %s (least recently read) gone", kept, codes[0], codes[1])
	}
	for _, c := range codes[3:] {
		read(c)
	}
	t.Logf("defaults %d bytes, forms %d–%d bytes, bound %d", defaults, smallest, largest, w.maxBytes)
}

// TestWholeCountryNotKeptTwice: a whole-country answer is kept as its
// bytes only, not also as the query layer's result: a reader the bytes
// cannot serve (with a token) runs the statement again, while an ordinary
// filtered answer's result stays in the query cache.
func TestWholeCountryNotKeptTwice(t *testing.T) {
	s, _ := newWholeServer(t)
	const whole = "/api/v1/stats/outcomes?group_by=county"
	if r := s.get(whole); r.Code != 200 {
		t.Fatalf("%s: %d", whole, r.Code)
	}
	if ran := s.statements(); ran["Outcomes"] != 1 {
		t.Fatalf("the whole-country form ran %v, want Outcomes once", ran)
	}
	if r := s.get(whole, "Authorization", "Bearer "+wholeToken); r.Code != 200 {
		t.Fatalf("%s with a token: %d", whole, r.Code)
	}
	if ran := s.statements(); ran["Outcomes"] != 1 {
		t.Errorf("with a token, after the whole-country form: ran %v, want Outcomes again (its result not kept twice)", ran)
	}
	const filtered = "/api/v1/stats/outcomes?county=%E4%B9%90%E8%87%B3%E5%8E%BF&group_by=agency"
	for i, want := range []int{1, 0} {
		if r := s.get(filtered, "Authorization", "Bearer "+wholeToken); r.Code != 200 {
			t.Fatalf("%s: %d", filtered, r.Code)
		}
		if ran := s.statements(); ran["Outcomes"] != want {
			t.Errorf("filtered request %d ran %v, want Outcomes %d times", i+1, ran, want)
		}
	}
}
