package document

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// declaredCharset finds <meta charset="…">, <meta http-equiv … content="…;
// charset=…"> or <?xml … encoding="…"?> in the first bytes of a document.
var declaredCharset = regexp.MustCompile(`(?i)(?:<meta[^>]*charset\s*=\s*["']?|<\?xml[^>]*encoding\s*=\s*["'])\s*([a-z0-9_\-:.]+)`)

// Decode returns data as UTF-8 text. It tries, in order: a byte order mark
// (UTF-8, UTF-16 LE/BE), valid UTF-8, mostly valid UTF-8 (a few stray
// bytes become U+FFFD), a charset declared by an HTML meta tag or an XML
// declaration, and finally GB18030 (a superset of GBK and GB2312, the usual
// encoding of Chinese government files).
func Decode(data []byte) (string, error) {
	switch {
	case bytes.HasPrefix(data, bomUTF8):
		// The mark says UTF-8; stray bytes after it become U+FFFD (found
		// by FuzzDecode: invalid UTF-8 was passed on as it came).
		return strings.ToValidUTF8(string(data[len(bomUTF8):]), "\uFFFD"), nil
	case bytes.HasPrefix(data, bomUTF16LE):
		return decodeWith(unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), data, "UTF-16LE")
	case bytes.HasPrefix(data, bomUTF16BE):
		return decodeWith(unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), data, "UTF-16BE")
	}
	if utf8.Valid(data) {
		return string(data), nil
	}
	if mostlyUTF8(data) {
		return strings.ToValidUTF8(string(data), "\uFFFD"), nil
	}
	if m := declaredCharset.FindSubmatch(headOf(data, 4096)); m != nil {
		if enc := lookupCharset(string(m[1])); enc != nil {
			return decodeWith(enc, data, string(m[1]))
		}
	}
	return decodeWith(simplifiedchinese.GB18030, data, "GB18030")
}

// lookupCharset maps a declared charset to a decoder. The GB family all
// decode as GB18030, which reads every GBK and GB2312 byte sequence.
func lookupCharset(name string) encoding.Encoding {
	switch strings.ToLower(strings.ReplaceAll(name, "_", "-")) {
	case "gbk", "gb2312", "gb-2312", "gb18030", "x-gbk", "cp936", "euc-cn", "chinese", "csgb2312":
		return simplifiedchinese.GB18030
	case "utf-8", "utf8":
		return nil // not valid UTF-8 after all: fall back to GB18030
	}
	enc, err := htmlindex.Get(name)
	if err != nil {
		return nil
	}
	return enc
}

func decodeWith(enc encoding.Encoding, data []byte, label string) (string, error) {
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return "", fmt.Errorf("decode %s: %w", label, err)
	}
	return strings.TrimPrefix(string(out), "\uFEFF"), nil
}

// mostlyUTF8 tells UTF-8 text with a few stray bytes (a truncated copy, one
// byte of another encoding pasted in) from text in another encoding. GBK
// Chinese read as UTF-8 is invalid at almost every character, while a
// damaged UTF-8 report is valid at almost every one: at most one invalid
// byte in twenty bytes of multi-byte text is taken as damaged UTF-8.
func mostlyUTF8(data []byte) bool {
	var multi, invalid int
	for i := 0; i < len(data); {
		if data[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n == 1 {
			invalid++
		} else {
			multi += n
		}
		i += n
	}
	return multi > 0 && invalid*20 <= multi
}
