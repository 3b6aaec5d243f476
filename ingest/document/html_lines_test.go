package document

import (
	"fmt"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"nianbao/generate"
	"nianbao/registry"
)

// The line reader (html_lines.go) against readHTMLTree, its oracle: on
// every page it reads, the same document (text, origins, date) and the
// same error, byte for byte. Each set logs how many of its pages the line
// reader read (the rest went to the tree).

// bothWays compares the two readers on one page and counts it.
func bothWays(t *testing.T, name string, data []byte, fast, all *int) {
	t.Helper()
	text, err := Decode(data)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	ok, diff := htmlBothWays(text, BuiltinLimits())
	if diff != "" {
		t.Fatalf("%s: %s", name, diff)
	}
	*all++
	if ok {
		*fast++
	}
}

func htmlFiles(t *testing.T, root string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ext := strings.ToLower(filepath.Ext(path)); !d.IsDir() && (ext == ".html" || ext == ".htm") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestHTMLLinesAsTree(t *testing.T) {
	dirs := map[string]string{"testdata": "testdata", "corpus": "../../../shared/corpus", "HTML_PAGES": os.Getenv("HTML_PAGES")}
	for _, set := range []string{"testdata", "corpus", "HTML_PAGES"} {
		t.Run(set, func(t *testing.T) {
			dir := dirs[set]
			if dir == "" {
				t.Skip("HTML_PAGES=DIR compares the two readers on every .html/.htm page under DIR")
			}
			if _, err := os.Stat(dir); err != nil {
				t.Skipf("%s absent: %v", dir, err)
			}
			fast, all := 0, 0
			for _, f := range htmlFiles(t, dir) {
				data, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				bothWays(t, f, data, &fast, &all)
			}
			t.Logf("%s: the line reader read %d of %d pages", dir, fast, all)
		})
	}
	t.Run("national", func(t *testing.T) {
		// analytics generate --national --seed 7 --limit 20000, its pages.
		reg, err := registry.Default()
		if err != nil {
			t.Fatal(err)
		}
		fast, all := 0, 0
		err = generate.National(generate.NationalPlaces(reg, 7), generate.NationalOptions{Seed: 7, Limit: 20000, Formats: []string{"html"}}, func(d generate.NationalDoc) error {
			bothWays(t, d.Path, d.Data, &fast, &all)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("national seed 7: the line reader read %d of %d pages", fast, all)
		if all < 2000 || fast != all {
			t.Fatalf("the line reader read %d of %d generated pages: it should read them all", fast, all)
		}
	})
}

// TestHTMLLinesGivesUp: testdata/html holds one page per case the line
// reader leaves to the tree (tree_*.html) and messy pages it reads
// (lines_*.html); each is read as named, the same as the tree.
func TestHTMLLinesGivesUp(t *testing.T) {
	files, _ := filepath.Glob("testdata/html/*.html")
	if len(files) < 10 {
		t.Fatalf("%d pages in testdata/html", len(files))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		fast, all := 0, 0
		bothWays(t, f, data, &fast, &all)
		base := filepath.Base(f)
		switch want := strings.HasPrefix(base, "lines_"); {
		case !want && !strings.HasPrefix(base, "tree_"):
			t.Errorf("%s: name it lines_ or tree_", f)
		case want != (fast == 1):
			t.Errorf("%s: line reader read it: %v, want %v", f, fast == 1, want)
		}
	}
}

// soupParts are pieces of pages: table parts, blocks, formatting, lists,
// forms, raw text, hidden elements, text; TestHTMLLinesTagSoup strings
// them at random.
var soupParts = []string{
	"<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>", "<th>", "</th>", "<tbody>", "</tbody>",
	"<thead>", "</thead>", "<caption>", "</caption>", "<colgroup>", "</colgroup>", "<col>",
	`<td colspan="2">`, `<td rowspan="3">`, `<td hidden>`, `<tr style="display:none">`, `<th colspan=x>`,
	"<p>", "</p>", "<div>", "</div>", `<div style="visibility: hidden">`, "<span>", "</span>",
	"<b>", "</b>", "<i>", "</i>", "<a href=x>", "</a>", "<font>", "</font>",
	"<ul>", "</ul>", "<ol>", "</ol>", "<li>", "</li>", "<dl>", "<dt>", "<dd>", "</dl>",
	"<h2>", "</h2>", "<h3>", "</h3>", "<br>", "</br>", "<hr>", "<pre>\n", "</pre>",
	"<form>", "</form>", "<select><option>a<option>b</select>", "<select>", "</select>", "<option>", "<input>",
	"<button>", "</button>", "<object>", "</object>", "<nav>", "</nav>", "<section>", "</section>",
	"<script>x<p>y</script>", "<style>p{}</style>", "<title>题</title>", "<textarea>z</textarea>",
	"<noscript>n</noscript>", "<xmp>a<b>c</xmp>", "<iframe>f</iframe>",
	`<meta name="PubDate" content="2023-05-06">`, "<head>", "</head>", "<body>", "</body>", "<html>", "</html>",
	"<!DOCTYPE html>", "<!-- c -->", "<custom-el>", "</custom-el>", "<label>", "</label>", "<center>", "</center>",
	"政府信息公开", "申请", " 12 ", "3", "\n", " ", "a", "b c", "&amp;", "&nbsp;", "发布日期：2024-01-15", "|",
}

// soupRare are pieces the line reader always leaves to the tree.
var soupRare = []string{"<svg><title>t</title><p>x</svg>", "<template>t</template>", "<nobr>", "<image>", "<math>", "<frameset>"}

// soupTags are the start and end tags of every element html_tags.go
// classes, and tags written oddly.
var soupTags = sync.OnceValue(func() []string {
	parts := []string{"<body hidden>", `<html style="display:none">`, "<p/>", "<br/>", "<title/>", "<div/>",
		"<TD>", "</TR>", "<o:p>", "</o:p>", "<!DOCTYPE html PUBLIC \"-//W3C//DTD HTML 4.01//EN\">", "<!DOCTYPE HTML>",
		`<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">`}
	for a := range htmlTags {
		parts = append(parts, "<"+a.String()+">", "</"+a.String()+">")
	}
	slices.Sort(parts)
	return parts
})

func soupPage(rng *rand.Rand, tables bool) string {
	var sb strings.Builder
	if rng.IntN(4) == 0 {
		// A doctype first: whether a table ends an open p.
		keys := slices.Sorted(maps.Keys(htmlDoctypes))
		sb.WriteString("<!DOCTYPE " + keys[rng.IntN(len(keys))] + ">")
	}
	n := 1 + rng.IntN(40)
	for range n {
		if rng.IntN(400) == 0 {
			sb.WriteString(soupRare[rng.IntN(len(soupRare))])
			continue
		}
		if rng.IntN(10) == 0 {
			sb.WriteString(soupTags()[rng.IntN(len(soupTags()))])
			continue
		}
		if tables && rng.IntN(3) == 0 {
			sb.WriteString(soupParts[rng.IntN(20)])
			continue
		}
		sb.WriteString(soupParts[rng.IntN(len(soupParts))])
	}
	return sb.String()
}

// bothWaysPage compares the readers on a page: 1 if the line reader read it.
func bothWaysPage(t *testing.T, page string, lim Limits) int {
	t.Helper()
	ok, diff := htmlBothWays(page, lim)
	if diff != "" {
		t.Fatalf("page %q: %s", page, diff)
	}
	if ok {
		return 1
	}
	return 0
}

// soupSeed is HTML_SOUP_SEED, or 25: other seeds draw other pages.
func soupSeed() uint64 {
	if n, err := strconv.ParseUint(os.Getenv("HTML_SOUP_SEED"), 10, 64); err == nil {
		return n
	}
	return 25
}

// soupPages is HTML_SOUP, or 20 000.
func soupPages() int {
	if n, err := strconv.Atoi(os.Getenv("HTML_SOUP")); err == nil {
		return n
	}
	return 20000
}

// TestHTMLLinesTagSoup compares the readers on random pages (HTML_SOUP=N
// for more than 20 000 of each kind).
func TestHTMLLinesTagSoup(t *testing.T) {
	n := soupPages()
	for _, tables := range []bool{false, true} {
		rng := rand.New(rand.NewPCG(soupSeed(), map[bool]uint64{false: 1, true: 2}[tables]))
		lim := BuiltinLimits()
		fast := 0
		for range n {
			fast += bothWaysPage(t, soupPage(rng, tables), lim)
		}
		t.Logf("tables %v: the line reader read %d of %d random pages", tables, fast, n)
	}
}

// TestHTMLTagClasses holds the classes of html_tags.go to html.Parse: a
// tag that ends an open <p> does, a void tag takes no content, and an
// <li> closes the one before it across an element only when that element
// is not special.
func TestHTMLTagClasses(t *testing.T) {
	parse := func(page string) *html.Node {
		root, err := html.Parse(strings.NewReader(page))
		if err != nil {
			t.Fatal(err)
		}
		return root
	}
	// element is the first element named name in n, or nil.
	var element func(n *html.Node, name string) *html.Node
	element = func(n *html.Node, name string) *html.Node {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && c.Data == name {
				return c
			}
			if e := element(c, name); e != nil {
				return e
			}
		}
		return nil
	}
	// parentOfY is the name of the element holding the text "y".
	var parentOfY func(n *html.Node) string
	parentOfY = func(n *html.Node) string {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.TextNode && c.Data == "y" {
				return n.Data
			}
			if p := parentOfY(c); p != "" {
				return p
			}
		}
		return ""
	}
	skip := map[atom.Atom]bool{atom.Html: true, atom.Body: true, atom.Head: true, atom.Select: true, atom.Table: true}
	checked := 0
	for a, tag := range htmlTags {
		if tag&(tagGiveUp|tagTablePart|tagRaw) != 0 || skip[a] {
			continue
		}
		name := a.String()
		checked++
		endsP := element(element(parse("<body><p>x<"+name+">y"), "p"), name) == nil
		if tag&tagVoid == 0 && endsP != (tag&tagClosesP != 0) {
			t.Errorf("<%s> ends an open p: %v, classed %v", name, endsP, tag&tagClosesP != 0)
		}
		void := parentOfY(parse("<body><div><"+name+">y")) != name
		if void != (tag&tagVoid != 0) {
			t.Errorf("<%s> is void: %v, classed %v", name, void, tag&tagVoid != 0)
		}
		// </X> closes the <p> inside it when its end tag closes what is
		// inside it, and is ignored when it ends like any other element.
		if tag&tagVoid == 0 && tag&tagHeading == 0 && a != atom.P && a != atom.Form {
			scoped := parentOfY(parse("<body><"+name+"><p>x</"+name+">y")) != "p"
			if scoped != (tag&tagScoped != 0) {
				t.Errorf("</%s> closes what is inside it: %v, classed %v", name, scoped, tag&tagScoped != 0)
			}
		}
		if tag&(tagVoid|tagFormat) != 0 || a == atom.P || a == atom.Div || a == atom.Address || a == atom.Li {
			continue
		}
		lis := 0
		for c := element(parse("<body><ul><li><"+name+"><li>y"), "ul").FirstChild; c != nil; c = c.NextSibling {
			lis++
		}
		if special := lis == 1; special != (tag&tagSpecial != 0) {
			t.Errorf("<%s> is special: %v, classed %v", name, special, tag&tagSpecial != 0)
		}
	}
	if checked < 60 {
		t.Fatalf("%d tags checked", checked)
	}
}

func TestJoinBytesAsJoinText(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 3))
	pieces := []string{" ", "\u3000", "\n", "中", "文", "a", "1", "\xff", "\u00a0", "（", "）", "\u200b", "\ufffd", "b c"}
	for range 50000 {
		var sb strings.Builder
		for range rng.IntN(12) {
			sb.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s := sb.String()
		if got, want := string(joinBytes(nil, []byte(s))), joinText(s); got != want {
			t.Fatalf("joinBytes(%q) = %q, joinText %q", s, got, want)
		}
		if !utf8.ValidString(string(joinBytes([]byte("x"), []byte(s)))) {
			t.Fatalf("joinBytes(%q): invalid UTF-8", s)
		}
	}
}

// nestedPage writes a random page as CMS editors write them: nested as
// written, with the end tags HTML lets one leave out (p, li, dt, dd, td,
// th, tr, tbody, option) often left out, hidden elements, spans, layout
// tables holding tables, raw text and head elements in the body.
type nestedPage struct {
	rng *rand.Rand
	sb  strings.Builder
}

func (g *nestedPage) attrs() string {
	switch g.rng.IntN(12) {
	case 0:
		return " hidden"
	case 1:
		return ` style="display: none"`
	case 2:
		return ` style="color:red" class=x`
	}
	return ""
}

var nestedTexts = []string{"政府信息公开", "申请数量", "12", " 3 ", "a b", "\n", "  ", "&nbsp;", "发布日期：2023-02-01", "x|y", "（一）", "&lt;"}

func (g *nestedPage) text() { g.sb.WriteString(nestedTexts[g.rng.IntN(len(nestedTexts))]) }

func (g *nestedPage) flow(depth int) {
	for range 1 + g.rng.IntN(4) {
		k := g.rng.IntN(16)
		if depth > 4 && k > 3 {
			k = 0
		}
		switch k {
		case 0, 1:
			g.text()
		case 2:
			g.sb.WriteString([]string{"<br>", "<hr>", "<img src=x>", "<wbr>", "<br hidden>", "<input>", "</br>", "</p>"}[g.rng.IntN(8)])
		case 3:
			g.sb.WriteString([]string{"<script>a<b>c</script>", "<style>p{}</style>", "<title>标题</title>",
				`<meta name="pubdate" content="2022-03-04">`, "<!-- c -->", "<select><option>a<option>b</option></select>",
				"<noscript>n</noscript>", "<textarea>t</textarea>", "<xmp><p>x</xmp>", "<iframe>i</iframe>"}[g.rng.IntN(10)])
		case 4, 5:
			el := []string{"span", "b", "a", "font", "strong", "label", "em", "custom-x"}[g.rng.IntN(8)]
			fmt.Fprintf(&g.sb, "<%s%s>", el, g.attrs())
			g.inline(depth + 1)
			fmt.Fprintf(&g.sb, "</%s>", el)
		case 6, 7:
			blocks := []string{"p", "div", "h2", "section", "center", "pre", "blockquote", "nav", "form", "button", "object",
				"dialog", "search", "details", "fieldset", "address", "figure", "marquee", "applet", "menu", "main", "footer", "h4"}
			el := blocks[g.rng.IntN(len(blocks))]
			fmt.Fprintf(&g.sb, "<%s%s>", el, g.attrs())
			if el == "p" || el == "h2" || el == "h4" || el == "pre" {
				g.inline(depth + 1)
			} else {
				g.flow(depth + 1)
			}
			if el != "p" || g.rng.IntN(2) == 0 {
				fmt.Fprintf(&g.sb, "</%s>", el)
			}
		case 8:
			list, item := "ul", "li"
			if g.rng.IntN(3) == 0 {
				list, item = "dl", []string{"dt", "dd"}[g.rng.IntN(2)]
			}
			fmt.Fprintf(&g.sb, "<%s%s>", list, g.attrs())
			for range 1 + g.rng.IntN(3) {
				fmt.Fprintf(&g.sb, "<%s%s>", item, g.attrs())
				g.flow(depth + 1)
				if g.rng.IntN(2) == 0 {
					fmt.Fprintf(&g.sb, "</%s>", item)
				}
			}
			fmt.Fprintf(&g.sb, "</%s>", list)
		default:
			g.table(depth + 1)
		}
	}
}

// inline is phrasing content: text and inline elements.
func (g *nestedPage) inline(depth int) {
	for range 1 + g.rng.IntN(3) {
		if depth > 5 || g.rng.IntN(3) > 0 {
			g.text()
			continue
		}
		el := []string{"span", "b", "i", "font", "u"}[g.rng.IntN(5)]
		fmt.Fprintf(&g.sb, "<%s%s>", el, g.attrs())
		g.inline(depth + 1)
		fmt.Fprintf(&g.sb, "</%s>", el)
	}
}

func (g *nestedPage) space() {
	if g.rng.IntN(2) == 0 {
		g.sb.WriteString("\n  ")
	}
}

func (g *nestedPage) table(depth int) {
	fmt.Fprintf(&g.sb, "<table%s>", g.attrs())
	g.space()
	if g.rng.IntN(6) == 0 {
		g.sb.WriteString("<caption>")
		g.inline(depth + 1)
		g.sb.WriteString("</caption>")
	}
	if g.rng.IntN(6) == 0 {
		g.sb.WriteString([]string{"<col width=10><col>", "<colgroup><col><col></colgroup>", "<colgroup span=2>"}[g.rng.IntN(3)])
	}
	section := g.rng.IntN(3) == 0
	if section {
		fmt.Fprintf(&g.sb, "<tbody%s>", g.attrs())
	}
	for range 1 + g.rng.IntN(4) {
		g.space()
		fmt.Fprintf(&g.sb, "<tr%s>", g.attrs())
		for range 1 + g.rng.IntN(4) {
			g.space()
			cell := []string{"td", "th"}[g.rng.IntN(2)]
			span := ""
			switch g.rng.IntN(6) {
			case 0:
				span = fmt.Sprintf(` colspan="%d"`, g.rng.IntN(4))
			case 1:
				span = fmt.Sprintf(" rowspan=%d", g.rng.IntN(4))
			}
			fmt.Fprintf(&g.sb, "<%s%s%s>", cell, span, g.attrs())
			if depth < 4 && g.rng.IntN(8) == 0 {
				g.table(depth + 1)
			} else {
				g.flow(depth + 2)
			}
			if g.rng.IntN(3) > 0 {
				fmt.Fprintf(&g.sb, "</%s>", cell)
			}
		}
		if g.rng.IntN(2) == 0 {
			g.sb.WriteString("</tr>")
		}
	}
	if section && g.rng.IntN(2) == 0 {
		g.sb.WriteString("</tbody>")
	}
	g.space()
	g.sb.WriteString("</table>")
}

func (g *nestedPage) page() string {
	g.sb.Reset()
	if g.rng.IntN(2) == 0 {
		g.sb.WriteString("<!DOCTYPE html>\n<html><head><meta charset=utf-8><title>标题 年报</title>\n<style>td{}</style></head>\n<body>")
	}
	g.flow(0)
	if g.rng.IntN(3) == 0 {
		g.sb.WriteString("</body></html>\n")
	}
	return g.sb.String()
}

// TestHTMLLinesNested compares the readers on random pages nested as
// written (HTML_SOUP=N for more than 20 000).
func TestHTMLLinesNested(t *testing.T) {
	n := soupPages()
	g := &nestedPage{rng: rand.New(rand.NewPCG(soupSeed(), 4))}
	lim := BuiltinLimits()
	fast := 0
	for range n {
		fast += bothWaysPage(t, g.page(), lim)
	}
	t.Logf("the line reader read %d of %d nested pages", fast, n)
	if fast < n/2 {
		t.Errorf("the line reader read only %d of %d nested pages", fast, n)
	}
}

// TestTagNameAsTokenizer: the line reader's tag names are the
// tokenizer's, on the pages of the tests and on names written oddly.
func TestTagNameAsTokenizer(t *testing.T) {
	pages := []string{"<DIV Class=x>a</Div ><br/><Br\n><o:p></o:p><TD\tcolspan=2><ß-x></ß-x><a/b><x\fy>",
		"<custom-EL data-x='>'><table\r\n><tr/>"}
	files, _ := filepath.Glob("testdata/html/*.html")
	for _, f := range files {
		data, _ := os.ReadFile(f)
		pages = append(pages, string(data))
	}
	g := &nestedPage{rng: rand.New(rand.NewPCG(25, 5))}
	for range 200 {
		pages = append(pages, g.page())
	}
	n := 0
	for _, page := range pages {
		r := &htmlLines{z: html.NewTokenizer(strings.NewReader(page))}
		for {
			tt := r.z.Next()
			if tt == html.ErrorToken {
				break
			}
			if tt != html.StartTagToken && tt != html.EndTagToken && tt != html.SelfClosingTagToken {
				continue
			}
			got := string(r.tagName())
			want, _ := r.z.TagName()
			if got != string(want) {
				t.Fatalf("%q: tag name %q, the tokenizer's %q", r.z.Raw(), got, want)
			}
			n++
		}
	}
	t.Logf("%d tags", n)
}

// TestDoctypeQuirks holds htmlDoctypes to html.Parse: after each doctype,
// written as sites write it and in other cases and spacing, a table in
// an open p goes into it or after it as listed.
func TestDoctypeQuirks(t *testing.T) {
	written := []string{
		`<!DOCTYPE html>`, `<!doctype HTML>`, `<!DOCTYPE html SYSTEM "about:legacy-compat">`,
		`<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">`,
		`<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">`,
		`<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
    "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">`,
		`<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">`,
		`<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" "http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">`,
		`<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd">`,
		`<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">`,
		`<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">`,
		`<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.0 Transitional//EN">`,
		`<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">`,
	}
	var pages []string
	for _, d := range written {
		pages = append(pages, d, strings.ToUpper(d), strings.ToLower(d), strings.ReplaceAll(d, " ", "  "))
	}
	listed := 0
	for _, d := range pages {
		z := html.NewTokenizer(strings.NewReader(d))
		if z.Next() != html.DoctypeToken {
			t.Fatalf("%s: not a doctype", d)
		}
		text := string(z.Text())
		key := doctypeKey(text)
		q, ok := htmlDoctypes[key]
		if !ok {
			if slices.Contains(written, d) {
				t.Errorf("%s: %q not listed", d, key)
			}
			continue // another case or spacing inside the identifiers: left to the tree
		}
		listed++
		root, err := html.Parse(strings.NewReader(d + "<p>a<table><tr><td>x</table>"))
		if err != nil {
			t.Fatal(err)
		}
		var inP bool
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == html.ElementNode && c.Data == "table" {
					inP = n.Data == "p"
				}
				walk(c)
			}
		}
		walk(root)
		if inP != (q == quirksFull) {
			t.Errorf("%s: the table goes into the p: %v, listed %v", d, inP, q == quirksFull)
		}
		if doctypeQuirks(text) != q {
			t.Errorf("%s: doctypeQuirks disagrees with the list", d)
		}
	}
	if listed < len(written)+4 {
		t.Fatalf("%d of %d doctypes listed", listed, len(pages))
	}
}
