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

// scan yields the matches of x in s at or after from, left to right and
// not overlapping, as FindAllStringIndex finds them (with groups when
// groups is set), until yield returns false. Where each start string next
// occurs is kept from one match to the next, so a string that never
// occurs costs one search, not one a match. None of the patterns matches
// the empty string, so each search goes on where the last match ended.
func (x *startRe) scan(s string, from int, groups bool, yield func(m []int) bool) {
	if x.starts == nil {
		for i := from; i <= len(s); {
			var m []int
			if groups {
				m = x.re.FindStringSubmatchIndex(s[i:])
			} else {
				m = x.re.FindStringIndex(s[i:])
			}
			if m == nil {
				return
			}
			for j, v := range m {
				if v >= 0 {
					m[j] = v + i
				}
			}
			if !yield(m) {
				return
			}
			i = m[1]
		}
		return
	}
	// next[k]: where starts[k] next occurs at or after i (-1: nowhere).
	var buf [12]int
	next := buf[:0]
	for _, st := range x.starts {
		j := strings.Index(s[from:], st)
		if j >= 0 {
			j += from
		}
		next = append(next, j)
	}
	for i := from; i <= len(s); {
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
			return
		}
		var m []int
		if groups {
			m = x.anchored.FindStringSubmatchIndex(s[c:])
		} else {
			m = x.anchored.FindStringIndex(s[c:])
		}
		if m == nil {
			i = c + 1
			continue
		}
		for j, v := range m {
			if v >= 0 {
				m[j] = v + c
			}
		}
		if !yield(m) {
			return
		}
		i = m[1]
	}
}

// FindStringIndex is regexp's FindStringIndex.
func (x *startRe) FindStringIndex(s string) []int {
	if x.starts == nil {
		return x.re.FindStringIndex(s)
	}
	var out []int
	x.scan(s, 0, false, func(m []int) bool { out = m; return false })
	return out
}

// FindAllStringIndex is regexp's FindAllStringIndex (n < 0: every match).
func (x *startRe) FindAllStringIndex(s string, n int) [][]int {
	if x.starts == nil {
		return x.re.FindAllStringIndex(s, n)
	}
	var out [][]int
	if n == 0 {
		return out
	}
	x.scan(s, 0, false, func(m []int) bool {
		out = append(out, m)
		return n < 0 || len(out) < n
	})
	return out
}

// FindAllStringSubmatchIndex is regexp's FindAllStringSubmatchIndex
// (n < 0: every match).
func (x *startRe) FindAllStringSubmatchIndex(s string, n int) [][]int {
	if x.starts == nil {
		return x.re.FindAllStringSubmatchIndex(s, n)
	}
	var out [][]int
	if n == 0 {
		return out
	}
	x.scan(s, 0, true, func(m []int) bool {
		out = append(out, m)
		return n < 0 || len(out) < n
	})
	return out
}

// MatchString is regexp's MatchString.
func (x *startRe) MatchString(s string) bool {
	if x.starts == nil {
		return x.re.MatchString(s)
	}
	return x.FindStringIndex(s) != nil
}
