package document

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestTagNameAsTokenizer: the stream's tag names, read from the raw
// bytes, are the tokenizer's TagName for every tag of the test pages and
// of odd spellings.
func TestTagNameAsTokenizer(t *testing.T) {
	pages := []string{
		"<DIV\tclass=x>a</DIV >b<br/><o:p></o:p><a\fhref=1>c</A\n><td\n>d</td\r><x-y/>" +
			"<iMg src=a/><TABLE border=1><Tr><tD colspan=2>e</tD></tR></TaBlE><p/><SCRIPT>x<y</SCRIPT>" +
			"</ p><?php x ?><!x><h1 >f</h1\t><custom:Tag a='1'>g</Custom:tag>",
	}
	files, _ := filepath.Glob("testdata/html/*.html")
	more, _ := filepath.Glob("testdata/*.html")
	for _, f := range append(files, more...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, string(b))
	}
	tags := 0
	for _, page := range pages {
		raw := html.NewTokenizer(strings.NewReader(page))
		ref := html.NewTokenizer(strings.NewReader(page))
		p := &streamParser{z: raw}
		for {
			tt := raw.Next()
			if ref.Next() != tt {
				t.Fatal("the two tokenizers disagree")
			}
			if tt == html.ErrorToken {
				break
			}
			if tt != html.StartTagToken && tt != html.EndTagToken && tt != html.SelfClosingTagToken {
				continue
			}
			tags++
			want, _ := ref.TagName()
			if got := p.tagName(tt); !bytes.Equal(got, want) {
				t.Errorf("tag %q: name %q, TagName %q", raw.Raw(), got, want)
			}
		}
	}
	if tags < 100 {
		t.Fatalf("only %d tags", tags)
	}
}

// TestJoinBytesAsJoinText: the shortcut gives joinText's string.
func TestJoinBytesAsJoinText(t *testing.T) {
	for _, s := range []string{
		"", " ", "  3  ", "3", " 本年 新收 ", "\u3000申请\u3000", "a\u00a0b", " \u200b1\u200b ", "a\tb", "行政\n许可",
		"\xff", " \xe4\xb8 ", "x\u2003", "\u2003x", "1 |", "｜", " \u00a0\u00a0 ", "发布日期：2024-01-02 ",
	} {
		if got, want := joinBytes([]byte(s)), joinText(s); got != want {
			t.Errorf("joinBytes(%q) = %q, joinText %q", s, got, want)
		}
	}
}

func FuzzJoinBytes(f *testing.F) {
	f.Add("  3  ")
	f.Add(" 本年 新收 ")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := joinBytes([]byte(s)), joinText(s); got != want {
			t.Fatalf("joinBytes(%q) = %q, joinText %q", s, got, want)
		}
	})
}

// TestDoctypeQuirks: the doctypes of report pages, read as Parse reads
// them.
func TestDoctypeQuirks(t *testing.T) {
	for _, c := range []struct {
		doctype string
		quirks  bool
	}{
		{"<!DOCTYPE html>", false},
		{"<!doctype HTML>", true}, // Parse compares the name case-sensitively
		{`<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">`, false},
		{`<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">`, true},
		{`<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">`, true},
		{`<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.0 Transitional//EN">`, true},
	} {
		if got := doctypeQuirks([]byte(c.doctype)); got != c.quirks {
			t.Errorf("%s: quirks %v, want %v", c.doctype, got, c.quirks)
		}
	}
}
