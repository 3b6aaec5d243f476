package document_test

import (
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"nianbao/generate"
	"nianbao/ingest/document"
	"nianbao/registry"
)

// TestStreamMatchesTree holds the stream reader to html.Parse's tree: on
// every page the tests have, where the stream reads a page its document
// (text, origins, date) or error is the tree's, byte for byte. It also
// counts the pages the stream takes, per source.
func TestStreamMatchesTree(t *testing.T) {
	sources := map[string][][]byte{}
	names := map[string][]string{}
	add := func(source, name string, data []byte) {
		sources[source] = append(sources[source], data)
		names[source] = append(names[source], name)
	}
	corpus := "../../../shared/corpus"
	if _, err := os.Stat(corpus); err != nil {
		t.Logf("no shared corpus at %s: its pages are not compared", corpus)
	}
	sources["shared corpus"] = nil // counted even where it holds no page
	_ = filepath.WalkDir(corpus, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.Contains(strings.ToLower(filepath.Ext(path)), "htm") {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			add("shared corpus", path, data)
		}
		return nil
	})
	// HTML_PAGES=DIR adds every page under DIR (a generated corpus, a
	// crawl of real pages) to the comparison.
	if dir := os.Getenv("HTML_PAGES"); dir != "" {
		if err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.Contains(strings.ToLower(filepath.Ext(path)), "htm") {
				data, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				add(dir, path, data)
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	for _, pattern := range []string{"testdata/*.htm*", "../testdata/*.htm*", "testdata/html/*.htm*"} {
		files, _ := filepath.Glob(pattern)
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			add(filepath.Dir(f), f, data)
		}
	}
	for _, f := range fuzzInputs(t, "testdata/fuzz/FuzzReadHTML") {
		add("fuzz seeds", f.name, f.data)
	}
	limit := 20000
	if testing.Short() {
		limit = 2000
	}
	reg, err := registry.Default()
	if err != nil {
		t.Fatal(err)
	}
	err = generate.National(generate.NationalPlaces(reg, 7), generate.NationalOptions{Seed: 7, Limit: limit}, func(d generate.NationalDoc) error {
		if d.Format == "html" {
			add("national seed 7", d.Path, d.Data)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(sources["national seed 7"]); n < 400 {
		t.Fatalf("only %d national pages", n)
	}
	for _, source := range slices.Sorted(maps.Keys(sources)) {
		pages := sources[source]
		streamed := 0
		for i, data := range pages {
			ok, err := document.StreamAgrees(data, document.BuiltinLimits())
			if err != nil {
				t.Errorf("%s: %v", names[source][i], err)
			}
			if ok {
				streamed++
			}
		}
		t.Logf("%s: the stream read %d of %d pages", source, streamed, len(pages))
	}
}

type fuzzInput struct {
	name string
	data []byte
}

// fuzzInputs reads the []byte inputs of a fuzz target's corpus directory
// ("go test fuzz v1" files).
func fuzzInputs(t *testing.T, dir string) []fuzzInput {
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	var out []fuzzInput
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.SplitN(string(b), "\n", 2)
		if len(lines) < 2 || !strings.HasPrefix(lines[0], "go test fuzz v1") {
			continue
		}
		s := strings.TrimSpace(lines[1])
		if !strings.HasPrefix(s, "[]byte(") || !strings.HasSuffix(s, ")") {
			continue
		}
		v, err := strconv.Unquote(s[len("[]byte(") : len(s)-1])
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out = append(out, fuzzInput{f, []byte(v)})
	}
	return out
}

// TestStreamBails: each hand-made page of testdata/html holds one thing
// the stream does not copy of the tree builder (bail_*.html: the stream
// must give the page to the tree) or messy markup it copies (stream_*:
// the stream must read it). TestStreamMatchesTree compares them all.
func TestStreamBails(t *testing.T) {
	files, err := filepath.Glob("testdata/html/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("no pages in testdata/html: %v", err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			streamed, err := document.StreamAgrees(data, document.BuiltinLimits())
			if err != nil {
				t.Fatal(err)
			}
			if want := strings.HasPrefix(name, "stream_"); streamed != want {
				t.Errorf("streamed %v, want %v", streamed, want)
			}
		})
	}
}

// TestStreamMatchesTreeOnTagSoup compares the stream with the tree on
// pages of random tags drawn from what report pages hold (tables and their
// parts, formatting, blocks, lists, forms, raw text, hidden cells, spans)
// in any order, closed or not, and on tables dense in stray text: the
// tree builder's corners that real pages reach one at a time. Fixed
// seeds, so a failure repeats.
func TestStreamMatchesTreeOnTagSoup(t *testing.T) {
	pieces := []string{
		"<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>", "<th colspan=2>", "</th>", "<td rowspan=2>",
		"<tbody>", "</tbody>", "<thead>", "</thead>", "<tfoot>", "<caption>", "</caption>", "<colgroup>", "<col>",
		"</colgroup>", "<p>", "</p>", "<div>", "</div>", "<span>", "</span>", "<b>", "</b>", "<i>", "</i>",
		"<font color=red>", "</font>", "<a href=x>", "</a>", "<br>", "</br>", "<hr>", "<ul>", "<li>", "</ul>",
		"<dl>", "<dt>", "<dd>", "</dl>", "<h1>", "</h1>", "<h2>", "</h2>", "<pre>\n", "</pre>", "<form>", "</form>",
		"<input type=hidden>", "<input>", "<select>", "<option>", "</select>", "<button>", "</button>",
		"<script>var a='<td>';</script>", "<style>p{}</style>", "<title>题</title>", "<meta name=pubdate content=2023-05-06>",
		"<textarea>\n文</textarea>", "<!-- c -->", "<td hidden>", "<tr style='display:none'>", "<p hidden>",
		"<o:p>", "</o:p>", "<b hidden>", "<font style='display:none'>", "<marquee>", "</marquee>", "<nobr>", "</body>", "</html>", "<body>", "<head>", "</head>",
		"<center>", "</center>", "<strong>", "</strong>", "<img src=a>", "<iframe>x</iframe>", "<noscript>n</noscript>",
		"<ruby>", "<rt>", "</ruby>", "<object>", "</object>",
		"<svg>", "</svg>", "<svg/>", "<path d=1/>", "<g>", "</g>", "<math>", "</math>", "<mi>", "<![CDATA[c]]>",
		"<style>", "</style>", "<foreignObject>",
		"本年新收", "3", " ", "\n", "　", "&nbsp;", "发布日期：2024-01-02", "a|b", "申请", "\t",
	}
	// Tables dense in stray text and misplaced tags: foster parenting.
	tables := []string{
		"<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>", "<th>", "<tbody>", "</tbody>", "<caption>",
		"</caption>", "x", " ", "&nbsp;", "散字", "<p>", "</p>", "<div>", "</div>", "<b>", "</b>", "<!--c-->",
		"<script>1</script>", "<form>", "</form>", "<input type=hidden>", "<colgroup>", "<col>", "<pre>", "</pre>",
		"\n", "<td hidden>", "<tr hidden>", "<table hidden>",
	}
	soupAgrees(t, "tag soup", pieces, 5, 60, rand.New(rand.NewPCG(25, 4)))
	soupAgrees(t, "tables with stray text", tables, 3, 40, rand.New(rand.NewPCG(3, 4)))
}

// soupAgrees compares the stream with the tree on pages of from to
// from+spread random pieces after a random head.
func soupAgrees(t *testing.T, name string, pieces []string, from, spread int, rng *rand.Rand) {
	heads := []string{"", "<!DOCTYPE html>", "<!DOCTYPE html PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\">", "<html><head>", "<html><body>"}
	n := 30000
	if testing.Short() {
		n = 3000
	}
	streamed := 0
	var sb strings.Builder
	for i := range n {
		sb.Reset()
		sb.WriteString(heads[rng.IntN(len(heads))])
		for range from + rng.IntN(spread) {
			sb.WriteString(pieces[rng.IntN(len(pieces))])
		}
		ok, err := document.StreamAgrees([]byte(sb.String()), document.BuiltinLimits())
		if err != nil {
			t.Fatalf("%s, page %d %q: %v", name, i, sb.String(), err)
		}
		if ok {
			streamed++
		}
	}
	t.Logf("the stream read %d of %d pages of %s", streamed, n, name)
}
