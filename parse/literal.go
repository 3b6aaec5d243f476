package parse

// Hand-written matchers for the regular expressions that run on every
// cell and every line (classify alone runs some two hundred times a
// report). Each one accepts exactly what the expression it replaces
// accepted — literal_test.go holds the expressions and compares the two
// on generated and fuzzed input — at a fraction of the cost of the
// regexp engine's backtracker.

import (
	"strings"
	"unicode/utf8"
)

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// digitsFrom returns the end of the run of ASCII digits starting at i.
func digitsFrom(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

// skipBlanks returns the end of the run of spaces and tabs starting at i.
func skipBlanks(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

// skipQueries returns the end of the "?"s starting at i (a character the
// conversion could not map, printed before a number).
func skipQueries(s string, i int) int {
	for i < len(s) && s[i] == '?' {
		i++
	}
	return i
}

// numberText matches a cell that writes one number, as
//
//	^[?]*[ \t]*([+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?)[ \t]*(万元|元|件|个|条|项|次|宗|家)?$
//
// did, and returns the number as written (the expression's group 1).
func numberText(s string) (string, bool) {
	start := skipBlanks(s, skipQueries(s, 0))
	i := start
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	end := digitsFrom(s, i)
	if end == i {
		return "", false
	}
	if end < len(s) && s[end] == ',' {
		// Thousands groups: one to three digits, then ",ddd" groups, and
		// no digit right after the last group.
		if end-i > 3 {
			return "", false
		}
		for end < len(s) && s[end] == ',' {
			if end+4 > len(s) || digitsFrom(s, end+1) < end+4 {
				return "", false
			}
			end += 4
		}
		if end < len(s) && isDigit(s[end]) {
			return "", false
		}
	}
	if end < len(s) && s[end] == '.' {
		frac := digitsFrom(s, end+1)
		if frac == end+1 {
			return "", false
		}
		end = frac
	}
	switch s[skipBlanks(s, end):] {
	case "", "万元", "元", "件", "个", "条", "项", "次", "宗", "家":
		return s[start:end], true
	}
	return "", false
}

// zeroText matches a cell that writes a zero as a word or a dash, as
// ^[?]*[ \t]*(/|-{1,2}|—{1,2}|无|空|零|——)$ did.
func zeroText(s string) bool {
	switch s[skipBlanks(s, skipQueries(s, 0)):] {
	case "/", "-", "--", "—", "——", "无", "空", "零":
		return true
	}
	return false
}

// gluedSignedText matches a run of numbers glued with a signed or decimal
// one among them, as ^[0-9]+(?:[-.][0-9]+)*[-.]?$ did: digits first, then
// digits, "-" and "." with never two signs or points in a row.
func gluedSignedText(s string) bool {
	if s == "" || !isDigit(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case isDigit(c):
		case c == '-' || c == '.':
			if !isDigit(s[i-1]) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// isHanNumeral tells a numeral of a heading or a row's numbering (一 … 十).
func isHanNumeral(r rune) bool { return strings.ContainsRune("一二三四五六七八九十", r) }

// numberingStart finds a row's numbering at the end of w (一、 (三) 1. (2) ①,
// with any blanks after it) as
//
//	(?:[一二三四五六七八九十]{1,2}[ \t]*[、.,]|\([ \t]*[一二三四五六七八九十]{1,2}[ \t]*\)|[0-9][ \t]*[.、,]|\([ \t]*[0-9][ \t]*\)|[①②③④⑤⑥⑦⑧⑨⑩])[ \t]*$
//
// did, and returns where the leftmost match starts (false: no numbering).
// It reads w backwards from its end, where every match must end.
func numberingStart(w string) (int, bool) {
	blanksBack := func(j int) int {
		for j > 0 && (w[j-1] == ' ' || w[j-1] == '\t') {
			j--
		}
		return j
	}
	e := blanksBack(len(w))
	last, size := utf8.DecodeLastRuneInString(w[:e])
	if size == 0 {
		return 0, false
	}
	j := blanksBack(e - size)
	switch {
	case last >= '①' && last <= '⑩':
		return e - size, true
	case last == '、' || last == '.' || last == ',':
		// One or two numerals, or one digit, before the blanks.
		if j > 0 && isDigit(w[j-1]) {
			return j - 1, true
		}
		start, k := j, 0
		for k < 2 {
			r, n := utf8.DecodeLastRuneInString(w[:start])
			if n == 0 || !isHanNumeral(r) {
				break
			}
			start -= n
			k++
		}
		return start, k > 0
	case last == ')':
		// "(", blanks, one or two numerals or one digit, blanks, ")".
		start, k, digits := j, 0, 0
		for {
			r, n := utf8.DecodeLastRuneInString(w[:start])
			if n == 0 {
				break
			}
			if isHanNumeral(r) && digits == 0 {
				k++
			} else if isDigit(byte(r)) && r < utf8.RuneSelf && k == 0 {
				digits++
			} else {
				break
			}
			start -= n
		}
		if !(k >= 1 && k <= 2 || digits == 1) {
			return 0, false
		}
		open := blanksBack(start)
		if open > 0 && w[open-1] == '(' {
			return open - 1, true
		}
	}
	return 0, false
}
