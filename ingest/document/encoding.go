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
// (UTF-8, UTF-16 LE/BE), valid UTF-8, a charset declared by an HTML meta
// tag or an XML declaration, and finally GB18030 (a superset of GBK and
// GB2312, the usual encoding of Chinese government files).
func Decode(data []byte) (string, error) {
	switch {
	case bytes.HasPrefix(data, bomUTF8):
		return string(data[len(bomUTF8):]), nil
	case bytes.HasPrefix(data, bomUTF16LE):
		return decodeWith(unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), data, "UTF-16LE")
	case bytes.HasPrefix(data, bomUTF16BE):
		return decodeWith(unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), data, "UTF-16BE")
	}
	if utf8.Valid(data) {
		return string(data), nil
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
