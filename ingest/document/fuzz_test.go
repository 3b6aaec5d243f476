package document_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"nianbao/ingest/document"
)

// The fuzz targets read mutated documents under small limits and check
// what must hold for any input: no panic (the fuzzer reports one), the
// text within the limits, a *LimitError that names a known limit, and
// allocation bounded by a constant plus a multiple of the input's size —
// an input that makes a reader allocate far more than its own size (a
// span expanded cell by cell, a merged range over the whole sheet) fails.
//
// Seeds are the readers' test data and, for text, the shared corpus of
// real excerpts. make test runs each target for a few seconds.

// fuzzLimits are small so a run explores many inputs, not a few big ones.
func fuzzLimits() document.Limits {
	l := document.BuiltinLimits()
	l.TextBytes = 1 << 20
	l.LineBytes = 16 << 10
	l.ZipMemberBytes = 4 << 20
	l.ZipTotalBytes = 8 << 20
	l.XMLElements = 100_000
	l.GridCells = 20_000
	l.SheetRows = 2_000
	return l
}

// allocBound is what reading data may allocate: the limits above allow a
// few inflated MB whatever the input, plus a generous multiple of it.
func allocBound(data []byte) uint64 { return 160<<20 + 400*uint64(len(data)) }

// fuzzHang is far more than any input under fuzzLimits should take.
const fuzzHang = 30 * time.Second

func fuzzRead(t *testing.T, name string, data []byte) {
	lim := fuzzLimits()
	// An input that takes this long is a hang: crash the worker so that
	// the fuzzer keeps the input in testdata/fuzz.
	watchdog := time.AfterFunc(fuzzHang, func() { panic(fmt.Sprintf("reading %d bytes took over %v", len(data), fuzzHang)) })
	defer watchdog.Stop()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	doc, err := document.ReadContext(context.Background(), name, data, lim)
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > allocBound(data) {
		t.Fatalf("reading %d bytes allocated %d bytes (bound %d)", len(data), alloc, allocBound(data))
	}
	var le *document.LimitError
	if errors.As(err, &le) {
		known := false
		for _, s := range document.LimitTable {
			known = known || s.Name == le.Limit
		}
		if !known || !strings.Contains(err.Error(), name) {
			t.Fatalf("limit error %q: unknown limit %q or file not named", err, le.Limit)
		}
	}
	if err != nil {
		if document.PublicMessage(err) == "" {
			t.Fatal("an error without a public message")
		}
		return
	}
	if int64(len(doc.Text)) > lim.TextBytes {
		t.Fatalf("text of %d bytes passed the limit %d", len(doc.Text), lim.TextBytes)
	}
}

func seedFiles(f *testing.F, patterns ...string) {
	for _, p := range patterns {
		files, _ := filepath.Glob(p)
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
}

func FuzzReadText(f *testing.F) {
	seedFiles(f, "testdata/*.txt", "testdata/manifest_*/*.csv", "../../../shared/corpus/excerpts/0*.txt")
	f.Add([]byte("本年新收政府信息公开申请数量 | 3 | 2 |\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, "fuzz.txt", data) })
}

// FuzzReadHTML also reads each input both ways, the line reader and the
// tree (html.Parse), which must agree wherever the line reader reads it.
func FuzzReadHTML(f *testing.F) {
	seedFiles(f, "testdata/*.html", "testdata/html/*.html")
	f.Add([]byte(`<table><tr><td colspan="3" rowspan="2">a</td><td>1</td></tr><tr><td>2</td></tr></table>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, "fuzz.html", data)
		if _, diff := document.HTMLBothWays(data, fuzzLimits()); diff != "" {
			t.Fatal(diff)
		}
	})
}

func FuzzReadDOCX(f *testing.F) {
	seedFiles(f, "testdata/*.docx")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, "fuzz.docx", data) })
}

// FuzzReadXLSX also reads each input both ways, the fast reader and
// excelize, which must agree wherever the fast reader reads it
// (FuzzXLSXParts fuzzes the XML inside a workbook).
func FuzzReadXLSX(f *testing.F) {
	seedFiles(f, "testdata/*.xlsx")
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, "fuzz.xlsx", data)
		if _, diff := document.XLSXBothWays(data, fuzzLimits()); diff != "" {
			t.Fatal(diff)
		}
	})
}

func FuzzDecode(f *testing.F) {
	seedFiles(f, "testdata/*.txt", "testdata/*.html", "testdata/manifest_*/*.csv")
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := document.Decode(data)
		if err == nil && !utf8Valid(s) {
			t.Fatalf("Decode returned invalid UTF-8")
		}
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }
