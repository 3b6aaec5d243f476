package document

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A strict scanner over the bytes of a workbook's XML part, for the fast
// reader (xlsxfast.go). It accepts a subset of what encoding/xml accepts —
// ASCII names, the five predefined entities and character references, no
// comments, CDATA, DOCTYPE or processing instructions after the
// declaration — and says errSlow for anything else, so that the workbook
// is read by excelize as before. Whatever it accepts, encoding/xml reads
// as the same tokens with the same text: it never reads a part
// differently, it only declines more often.

// errSlow is the fast reader declining a workbook: excelize reads it.
var errSlow = errors.New("xlsx: left to excelize")

type xtok int

const (
	xEOF   xtok = iota
	xStart      // <name attrs> or <name attrs/> (selfClose set)
	xEnd        // </name>
	xText       // character data between tags
)

type xlex struct {
	b         []byte
	i         int
	name      []byte // of the last xStart/xEnd, as written (prefix included)
	attrs     []xattr
	selfClose bool
	pendEnd   bool   // a self-closing tag owes its xEnd
	text      []byte // raw character data of the last xText
}

type xattr struct{ name, raw []byte }

// newXLex checks the whole part once for what encoding/xml refuses
// anywhere (invalid UTF-8, control characters, U+FFFE/U+FFFF, "]]>"
// outside CDATA) and skips the XML declaration.
func newXLex(b []byte) (*xlex, error) {
	if !utf8.Valid(b) || bytes.Contains(b, []byte("\xef\xbf\xbe")) || bytes.Contains(b, []byte("\xef\xbf\xbf")) ||
		bytes.Contains(b, []byte("]]>")) { // an error in text, where CDATA is not read either
		return nil, errSlow
	}
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return nil, errSlow
		}
	}
	lx := &xlex{b: b}
	if bytes.HasPrefix(b, []byte("<?xml")) {
		end := bytes.Index(b, []byte("?>"))
		if end < 0 || !xmlDeclOK(b[5:end]) {
			return nil, errSlow
		}
		lx.i = end + 2
	}
	return lx, nil
}

// xmlDeclOK: the declaration as encoding/xml reads it (declValue) names
// version 1.0 or none, and UTF-8 or no encoding (any other is decoded by excelize's charset reader, which this scanner
// does not do). A declaration encoding/xml would read otherwise than this
// is declined: both look for the same first name=" or name='.
func xmlDeclOK(d []byte) bool {
	s := string(d)
	if len(s) == 0 || !isXMLSpace(s[0]) {
		return false
	}
	if v := declValue("version", s); v != "" && v != "1.0" {
		return false
	}
	if e := declValue("encoding", s); e != "" && !strings.EqualFold(e, "utf-8") {
		return false
	}
	// Declined where the two could differ: a name given twice, or with
	// space around "=" (encoding/xml would not see it).
	for _, name := range []string{"version", "encoding"} {
		if strings.Count(s, name) > 1 || strings.Contains(s, name) && !strings.Contains(s, name+"=") {
			return false
		}
	}
	return true
}

// declValue is the value a declaration gives name, read as encoding/xml
// reads it: after the first "name=" that a quote follows (an occurrence
// followed by anything else is passed over with that character), up to
// the next such quote; "" when there is none.
func declValue(name, decl string) string {
	key := name + "="
	rest := decl
	for {
		at := strings.Index(rest, key)
		if at < 0 || at+len(key) >= len(rest) {
			return ""
		}
		quote := rest[at+len(key)]
		rest = rest[at+len(key)+1:]
		if quote != '"' && quote != '\'' {
			continue
		}
		end := strings.IndexByte(rest, quote)
		if end < 0 {
			return ""
		}
		return rest[:end]
	}
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func isNameStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

func isNameByte(c byte) bool {
	return isNameStart(c) || c >= '0' && c <= '9' || c == '-' || c == '.' || c == ':'
}

// next reads one token.
func (lx *xlex) next() (xtok, error) {
	if lx.pendEnd {
		lx.pendEnd = false
		return xEnd, nil
	}
	b := lx.b
	if lx.i >= len(b) {
		return xEOF, nil
	}
	if b[lx.i] != '<' {
		j := bytes.IndexByte(b[lx.i:], '<')
		if j < 0 {
			j = len(b) - lx.i
		}
		lx.text = b[lx.i : lx.i+j]
		lx.i += j
		return xText, nil
	}
	lx.i++
	if lx.i >= len(b) {
		return 0, errSlow
	}
	if b[lx.i] == '/' {
		lx.i++
		name, err := lx.readName()
		if err != nil {
			return 0, err
		}
		lx.name = name
		lx.skipSpace()
		if lx.i >= len(b) || b[lx.i] != '>' {
			return 0, errSlow
		}
		lx.i++
		return xEnd, nil
	}
	name, err := lx.readName()
	if err != nil {
		return 0, err
	}
	lx.name, lx.attrs, lx.selfClose = name, lx.attrs[:0], false
	for {
		lx.skipSpace()
		if lx.i >= len(b) {
			return 0, errSlow
		}
		switch b[lx.i] {
		case '>':
			lx.i++
			return xStart, nil
		case '/':
			if lx.i+1 >= len(b) || b[lx.i+1] != '>' {
				return 0, errSlow
			}
			lx.i += 2
			lx.selfClose, lx.pendEnd = true, true
			return xStart, nil
		}
		an, err := lx.readName()
		if err != nil {
			return 0, err
		}
		lx.skipSpace()
		if lx.i >= len(b) || b[lx.i] != '=' {
			return 0, errSlow
		}
		lx.i++
		lx.skipSpace()
		if lx.i >= len(b) || (b[lx.i] != '"' && b[lx.i] != '\'') {
			return 0, errSlow
		}
		q := b[lx.i]
		lx.i++
		j := bytes.IndexByte(b[lx.i:], q)
		if j < 0 {
			return 0, errSlow
		}
		v := b[lx.i : lx.i+j]
		if bytes.IndexByte(v, '<') >= 0 {
			return 0, errSlow
		}
		lx.attrs = append(lx.attrs, xattr{an, v})
		lx.i += j + 1
		// White space before the next attribute (declined without: not
		// every XML reader takes it so).
		if lx.i < len(b) && !isXMLSpace(b[lx.i]) && b[lx.i] != '>' && b[lx.i] != '/' {
			return 0, errSlow
		}
	}
}

func (lx *xlex) skipSpace() {
	for lx.i < len(lx.b) && isXMLSpace(lx.b[lx.i]) {
		lx.i++
	}
}

// readName reads an ASCII name with at most one colon, not at either end
// (encoding/xml splits a name at its first colon into prefix and local
// name; more colons, or names outside ASCII, are declined).
func (lx *xlex) readName() ([]byte, error) {
	b, s := lx.b, lx.i
	if s >= len(b) || !isNameStart(b[s]) {
		return nil, errSlow
	}
	colons := 0
	for lx.i < len(b) && isNameByte(b[lx.i]) {
		if b[lx.i] == ':' {
			colons++
		}
		lx.i++
	}
	n := b[s:lx.i]
	if colons > 1 || n[len(n)-1] == ':' {
		return nil, errSlow
	}
	return n, nil
}

// localName is a name without its prefix.
func localName(n []byte) []byte {
	if i := bytes.IndexByte(n, ':'); i >= 0 {
		return n[i+1:]
	}
	return n
}

// attr is the raw value of the last attribute of that exact name.
func (lx *xlex) attr(name string) ([]byte, bool) {
	for i := len(lx.attrs) - 1; i >= 0; i-- {
		if string(lx.attrs[i].name) == name {
			return lx.attrs[i].raw, true
		}
	}
	return nil, false
}

// checkAttrs checks every attribute value decodes (encoding/xml refuses an
// unknown entity in any attribute, read or not).
func (lx *xlex) checkAttrs() error {
	for _, a := range lx.attrs {
		if bytes.IndexByte(a.raw, '&') >= 0 {
			if _, err := xmlUnescape(a.raw, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// xmlText is character data as encoding/xml gives it: entities and
// character references replaced, "\r\n" and a lone "\r" read as "\n".
// It is appended to dst.
func xmlUnescape(raw, dst []byte) ([]byte, error) {
	for i := 0; i < len(raw); {
		c := raw[i]
		switch c {
		case '\r':
			dst = append(dst, '\n')
			i++
			if i < len(raw) && raw[i] == '\n' {
				i++
			}
			continue
		case '&':
		default:
			dst = append(dst, c)
			i++
			continue
		}
		j := bytes.IndexByte(raw[i:], ';')
		if j < 0 {
			return nil, errSlow
		}
		ent := string(raw[i+1 : i+j])
		i += j + 1
		switch ent {
		case "lt":
			dst = append(dst, '<')
		case "gt":
			dst = append(dst, '>')
		case "amp":
			dst = append(dst, '&')
		case "apos":
			dst = append(dst, '\'')
		case "quot":
			dst = append(dst, '"')
		default:
			r, ok := charRef(ent)
			if !ok {
				return nil, errSlow
			}
			dst = utf8.AppendRune(dst, r)
		}
	}
	return dst, nil
}

// charRef reads #123 or #x1F; only characters XML allows (encoding/xml
// turns others into U+FFFD or a control character; declined here).
func charRef(ent string) (rune, bool) {
	if len(ent) < 2 || ent[0] != '#' || len(ent) > 9 {
		return 0, false
	}
	base, digits := 10, ent[1:]
	if digits[0] == 'x' {
		base, digits = 16, digits[1:]
	}
	if digits == "" {
		return 0, false
	}
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		if !(c >= '0' && c <= '9' || base == 16 && (c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(digits, base, 32)
	if err != nil {
		return 0, false
	}
	r := rune(n)
	if !(r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF) {
		return 0, false
	}
	return r, true
}

// xmlString is raw character data decoded to a string; the common case,
// nothing to replace, is one copy.
func xmlString(raw []byte) (string, error) {
	if bytes.IndexByte(raw, '&') < 0 && bytes.IndexByte(raw, '\r') < 0 {
		return string(raw), nil
	}
	d, err := xmlUnescape(raw, nil)
	return string(d), err
}

// onlySpace: character data that is only XML white space.
func onlySpace(b []byte) bool {
	for _, c := range b {
		if !isXMLSpace(c) {
			return false
		}
	}
	return true
}
