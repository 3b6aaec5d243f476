package document_test

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"nianbao/ingest/document"
)

// TestLimitTableDocumented: docs/reliability.md has a row for every limit
// with its variable and its default, so the table there cannot drift
// from the one in limits.go.
func TestLimitTableDocumented(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "reliability.md"))
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for _, l := range strings.Split(string(doc), "\n") {
		cells := strings.Split(l, "|")
		if len(cells) > 4 {
			rows[strings.Trim(strings.TrimSpace(cells[1]), "`")] = l
		}
	}
	for _, s := range document.LimitTable {
		row, ok := rows[s.Name]
		if !ok {
			t.Errorf("docs/reliability.md has no row for limit %s", s.Name)
			continue
		}
		if !strings.Contains(row, s.Env) || !strings.Contains(row, "`"+strconv.FormatInt(s.Default, 10)+"`") {
			t.Errorf("docs/reliability.md row for %s lacks %s or the default `%d`: %s", s.Name, s.Env, s.Default, row)
		}
	}
}

func TestLimitsFromEnvironmentAndMessages(t *testing.T) {
	l := document.BuiltinLimits()
	if l.PDFTimeout != 15*time.Second || l.LineBytes != 64<<10 {
		t.Errorf("builtin limits: %+v", l)
	}
	for _, s := range document.LimitTable {
		if s.Value(l) != s.Default {
			t.Errorf("%s: value %d, default %d", s.Name, s.Value(l), s.Default)
		}
	}
	l.LineBytes = 10
	_, err := document.ReadContext(t.Context(), "短行.txt", []byte("01234567890123\n"), l)
	var le *document.LimitError
	if !errors.As(err, &le) || le.Limit != "line_bytes" || le.File != "短行.txt" {
		t.Fatalf("error %v, want the line limit naming the file", err)
	}
	msg := document.PublicMessage(err)
	for _, want := range []string{"单行长度", "10 字节", "NIANBAO_MAX_LINE_BYTES"} {
		if !strings.Contains(msg, want) {
			t.Errorf("public message %q lacks %q", msg, want)
		}
	}
}

// TestMostlyUTF8: a stray byte in a UTF-8 report becomes one U+FFFD and
// the rest reads as written; GBK stays GBK.
func TestMostlyUTF8(t *testing.T) {
	utf := "劳动镇人民政府2022年政府信息公开工作年度报告。本年新收政府信息公开申请数量10件。"
	at := len("劳动镇人民政府")
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"one stray byte", []byte(utf[:at] + "\xff" + utf[at:]), utf[:at] + "\uFFFD" + utf[at:]},
		{"a truncated last character", []byte(utf + utf[:len(utf)-1][:len("劳")-1]), utf + "\uFFFD"},
		{"valid", []byte(utf), utf},
		{"GBK", readFixture(t, "report2021_gbk.html")[:4096], ""},
	}
	for _, c := range cases {
		got, err := document.Decode(c.data)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		switch {
		case c.want != "" && got != c.want:
			t.Errorf("%s: decoded %q, want %q", c.name, got, c.want)
		case c.want == "" && (strings.Contains(got, "\uFFFD") || !strings.Contains(got, "政府信息公开")):
			t.Errorf("%s: not decoded as GBK: %.80q", c.name, got)
		}
	}
}

func TestRemoveStaleTemp(t *testing.T) {
	dir := t.TempDir()
	old, fresh, other := filepath.Join(dir, document.TempPrefix+"old.pdf"), filepath.Join(dir, document.TempPrefix+"new.pdf"), filepath.Join(dir, "excelize-123")
	for _, p := range []string{old, fresh, other} {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	past := time.Now().Add(-time.Hour)
	os.Chtimes(old, past, past)
	os.Chtimes(other, past, past)
	n, err := document.RemoveStaleTemp(dir, 10*time.Minute)
	if err != nil || n != 1 {
		t.Fatalf("removed %d, %v; want 1", n, err)
	}
	for p, want := range map[string]bool{old: false, fresh: true, other: true} {
		if _, err := os.Stat(p); (err == nil) != want {
			t.Errorf("%s exists %v, want %v", filepath.Base(p), err == nil, want)
		}
	}
}
