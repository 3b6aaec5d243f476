package change

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"nianbao/query"
)

// MaxNameRunes bounds a name a person writes (an agency, a county, an
// alias): the longest real agency name is well under it, and a longer one
// is a paste gone wrong or an attack on the pages that show it.
const MaxNameRunes = 100

// invisible reports the characters a name may not keep: the bidi controls
// that reorder what a page shows (U+202A–202E, U+2066–2069, U+200E/F), the
// zero-width characters that make two names look alike (U+200B–200D,
// U+FEFF), and every other control or format character (NUL, newline…).
func invisible(r rune) bool {
	switch {
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069, r == 0x200E, r == 0x200F:
		return true
	case r >= 0x200B && r <= 0x200D, r == 0xFEFF:
		return true
	}
	return unicode.Is(unicode.Cc, r) && !unicode.IsSpace(r) || unicode.Is(unicode.Cf, r)
}

// Name is the one canonical form of a name a person writes: NFKC (全角
// letters and digits become their usual form), invisible characters
// dropped, any run of white space (newlines, tabs, 全角空格) one space,
// trimmed. A name longer than MaxNameRunes after that is refused with a
// sentence naming the field; an empty result is returned as "" for the
// caller to judge (an empty county is 待归属, an empty agency is refused
// by the store).
func Name(field, s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", &query.InputError{Field: field, Message: fmt.Sprintf("%s 不是有效的 UTF-8 文字", fieldName(field))}
	}
	s = norm.NFKC.String(s)
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case invisible(r):
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	out := b.String()
	if n := utf8.RuneCountInString(out); n > MaxNameRunes {
		return "", &query.InputError{Field: field, Message: fmt.Sprintf("%s最长 %d 字，收到 %d 字", fieldName(field), MaxNameRunes, n)}
	}
	return out, nil
}

// fieldName says a field in Chinese.
func fieldName(field string) string {
	if n, ok := fieldNames[field]; ok {
		return n
	}
	return field
}

var fieldNames = map[string]string{"agency": "机关名称", "county": "县（区）名称", "alias": "别名", "name": "单位名称", "into": "合并到的单位", "person": "姓名"}
