package parse

import (
	"regexp"
	"regexp/syntax"
	"strings"
)

// Headings and keywords are searched in the whole text of a report, and
// most of their expressions begin with one of a few characters (行政复议…
// or 政府信息公开行政复议…). The regexp engine cannot skip ahead to them
// when an expression's alternatives begin differently, and steps through
// every byte of the text. startRe finds the same matches by jumping with
// strings.Index to where a match can begin and trying the expression
// there, anchored: a match that begins leftmost is the one the expression
// would give, and the anchored expression prefers among the matches that
// begin there as the unanchored one does.

// startRe is a regular expression with the strings its matches begin
// with (nil when the pattern does not say: then the expression is used
// as is).
type startRe struct {
	re       *regexp.Regexp
	anchored *regexp.Regexp
	starts   []string
}

// mustStartRe compiles pattern and the strings its matches begin with.
func mustStartRe(pattern string) *startRe {
	x := &startRe{re: regexp.MustCompile(pattern)}
	tree, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		panic(err)
	}
	if starts, ok := firstRunes(tree.Simplify()); ok {
		x.starts = starts
		x.anchored = regexp.MustCompile(`^(?:` + pattern + `)`)
	}
	return x
}

// firstRunes gives the characters every match of re begins with, when
// there are few of them and re says so plainly (false otherwise: an
// assertion, a part that may be empty or a large class comes first).
func firstRunes(re *syntax.Regexp) ([]string, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 || len(re.Rune) == 0 {
			return nil, false
		}
		return []string{string(re.Rune[0])}, true
	case syntax.OpCharClass:
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if len(out) == 12 {
					return nil, false
				}
				out = append(out, string(r))
			}
		}
		return out, len(out) > 0
	case syntax.OpCapture, syntax.OpPlus:
		return firstRunes(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min < 1 {
			return nil, false
		}
		return firstRunes(re.Sub[0])
	case syntax.OpConcat:
		if len(re.Sub) == 0 {
			return nil, false
		}
		return firstRunes(re.Sub[0])
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			s, ok := firstRunes(sub)
			if !ok {
				return nil, false
			}
			for _, r := range s {
				if !contains(out, r) {
					out = append(out, r)
				}
			}
		}
		return out, len(out) > 0
	}
	return nil, false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// FindStringIndex is regexp's FindStringIndex.
func (x *startRe) FindStringIndex(s string) []int {
	if x.starts == nil {
		return x.re.FindStringIndex(s)
	}
	// next[k]: where starts[k] next occurs at or after i (-1: nowhere).
	var buf [12]int
	next := buf[:0]
	for _, st := range x.starts {
		next = append(next, strings.Index(s, st))
	}
	for i := 0; ; {
		c := -1
		for k, n := range next {
			if n >= 0 && n < i {
				if j := strings.Index(s[i:], x.starts[k]); j >= 0 {
					n = i + j
				} else {
					n = -1
				}
				next[k] = n
			}
			if n >= 0 && (c < 0 || n < c) {
				c = n
			}
		}
		if c < 0 {
			return nil
		}
		if m := x.anchored.FindStringIndex(s[c:]); m != nil {
			return []int{c + m[0], c + m[1]}
		}
		i = c + 1
	}
}

// FindAllStringIndex is regexp's FindAllStringIndex (n < 0: every match).
// None of the patterns matches the empty string, so each search goes on
// where the last match ended.
func (x *startRe) FindAllStringIndex(s string, n int) [][]int {
	if x.starts == nil {
		return x.re.FindAllStringIndex(s, n)
	}
	var out [][]int
	for from := 0; from <= len(s) && (n < 0 || len(out) < n); {
		m := x.FindStringIndex(s[from:])
		if m == nil {
			break
		}
		out = append(out, []int{from + m[0], from + m[1]})
		from += m[1]
	}
	return out
}

// MatchString is regexp's MatchString.
func (x *startRe) MatchString(s string) bool {
	if x.starts == nil {
		return x.re.MatchString(s)
	}
	return x.FindStringIndex(s) != nil
}

// FindAllStringSubmatchIndex is regexp's FindAllStringSubmatchIndex
// (n < 0: every match).
func (x *startRe) FindAllStringSubmatchIndex(s string, n int) [][]int {
	if x.starts == nil {
		return x.re.FindAllStringSubmatchIndex(s, n)
	}
	var out [][]int
	for from := 0; from <= len(s) && (n < 0 || len(out) < n); {
		m := x.FindStringIndex(s[from:])
		if m == nil {
			break
		}
		// The groups of the match found: the anchored expression run again
		// where it starts.
		sub := x.anchored.FindStringSubmatchIndex(s[from+m[0]:])
		for i, v := range sub {
			if v >= 0 {
				sub[i] = v + from + m[0]
			}
		}
		out = append(out, sub)
		from += m[1]
	}
	return out
}
