package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// sourceDoc is a document with the text a reader would keep beside it.
type sourceDoc struct {
	name string
	data []byte
	text string
}

// sourceDocs are the round trip's documents: the fixtures of every format
// the readers take (a Word and an Excel file are zip archives, already
// compressed; the HTML file is not UTF-8), a scan whose text is empty, an
// empty file, and a text file larger than any national report.
func sourceDocs(t *testing.T) []sourceDoc {
	t.Helper()
	fixture := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", "sources", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	txt := fixture("龙门镇.txt")
	big := bytes.Repeat([]byte("一、总体情况\n本机关2023年共收到政府信息公开申请17件。\n"), 60000)
	return []sourceDoc{
		{"龙门镇.txt", txt, string(txt)},
		{"龙门镇.html", fixture("龙门镇.html"), "龙门镇人民政府2020年政府信息公开工作年度报告\n一、总体情况"},
		{"市场监督管理局.docx", fixture("市场监督管理局.docx"), "市场监督管理局\t表三\n新收申请 12"},
		{"自然资源局.xlsx", fixture("自然资源局.xlsx"), "第一页\f第二页"},
		{"扫描件.pdf", []byte("%PDF-1.4\n\x00\x01\x02\xff\xfe binary"), ""},
		{"空.txt", []byte{}, ""},
		{"大.txt", big, string(big)},
	}
}

// countSources is the rows of source_documents.
func countSources(t *testing.T, s *Store) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRow(`SELECT count(*) FROM source_documents`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func hashOf(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// TestSourceRoundTrip keeps each document every way a document is kept
// (KeepSource, KeepSources, KeepSourcesOf with a frame packed beforehand,
// a batch's Original, an upload's KeepSourceStep) into a database of its
// own and requires Source to give back exactly the bytes and text kept,
// the rows packed (codec 'zstd') and the compressible ones smaller.
func TestSourceRoundTrip(t *testing.T) {
	ctx := context.Background()
	docs := sourceDocs(t)
	ways := []struct {
		name string
		keep func(s *Store, d sourceDoc) error
	}{
		{"KeepSource", func(s *Store, d sourceDoc) error {
			_, err := s.KeepSource(ctx, d.name, d.data, d.text)
			return err
		}},
		{"KeepSources", func(s *Store, d sourceDoc) error {
			return s.KeepSources(ctx, func(keep func(string, []byte, string) (string, error)) error {
				_, err := keep(d.name, d.data, d.text)
				return err
			})
		}},
		{"KeepSourcesOf", func(s *Store, d sourceDoc) error {
			h := hashOf(d.data)
			return s.KeepSourcesOf(ctx, []string{h}, func(_ map[string]bool, keep func(string, string, PackedSource) error) error {
				return keep(h, d.name, PackSource(d.data, d.text))
			})
		}},
		{"BatchItem.Original", func(s *Store, d sourceDoc) error {
			r := versioned(3, hashOf(d.data), "原件")
			o := &Original{SHA256: r.SHA256, Name: "/some/dir/" + d.name, Packed: PackSource(d.data, d.text)}
			res, errs, err := s.SaveBatch(ctx, []BatchItem{{Report: r, Original: o}})
			if err == nil && errs[0] == nil && !res[0].OriginalKept {
				err = fmt.Errorf("OriginalKept false for a new document")
			}
			if err == nil {
				err = errs[0]
			}
			return err
		}},
		{"KeepSourceStep", func(s *Store, d sourceDoc) error {
			r := versioned(3, hashOf(d.data), "上传")
			_, err := s.SaveWith(ctx, r, SaveOptions{With: []Step{KeepSourceStep(d.name, d.data, d.text)}})
			return err
		}},
	}
	for _, way := range ways {
		t.Run(way.name, func(t *testing.T) {
			for _, d := range docs {
				s, err := Open("")
				if err != nil {
					t.Fatal(err)
				}
				if err := way.keep(s, d); err != nil {
					t.Fatalf("%s: %v", d.name, err)
				}
				got, err := s.Source(ctx, hashOf(d.data))
				if err != nil {
					t.Fatalf("%s: %v", d.name, err)
				}
				if !bytes.Equal(got.Bytes, d.data) || got.Text != d.text || got.Name != d.name || got.SHA256 != hashOf(d.data) {
					t.Errorf("%s: read back %d bytes (%s) and %d of text named %q, kept %d bytes and %d of text",
						d.name, len(got.Bytes), hashOf(got.Bytes)[:8], len(got.Text), got.Name, len(d.data), len(d.text))
				}
				var codec sql.NullString
				var stored int64
				if err := s.DB().QueryRow(`SELECT codec, octet_length(bytes) + strlen(text) FROM source_documents`).Scan(&codec, &stored); err != nil {
					t.Fatal(err)
				}
				if codec.String != codecZstd {
					t.Errorf("%s: kept with codec %v, want %q", d.name, codec, codecZstd)
				}
				if plain := int64(len(d.data) + len(d.text)); strings.HasSuffix(d.name, ".txt") && len(d.data) > 0 && stored*2 > plain {
					t.Errorf("%s: %d bytes stored for %d plain: not compressed", d.name, stored, plain)
				}
				s.Close()
			}
		})
	}
}

// TestSourceKeptOnceWithTheBatch: a batch keeps each document once, says
// which reports' documents were new, and keeps nothing again next time.
func TestSourceKeptOnceWithTheBatch(t *testing.T) {
	ctx := context.Background()
	s, err := Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	docs := sourceDocs(t)[:3]
	batch := func(round int) []SaveResult {
		var items []BatchItem
		for i, d := range docs {
			for _, y := range []int{2021, 2022} { // two reports of one document
				r := versioned(float64(round), hashOf(d.data), strconv.Itoa(round))
				r.Year, r.Agency = y, fmt.Sprintf("机关%d", i)
				items = append(items, BatchItem{Report: r, Opt: SaveOptions{Force: true},
					Original: &Original{SHA256: r.SHA256, Name: d.name, Packed: PackSource(d.data, d.text)}})
			}
		}
		res, errs, err := s.SaveBatch(ctx, items)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range errs {
			if e != nil {
				t.Fatal(e)
			}
		}
		return res
	}
	kept := func(res []SaveResult) (n int) {
		for _, r := range res {
			if r.OriginalKept {
				n++
			}
		}
		return n
	}
	if n := kept(batch(1)); n != len(docs) {
		t.Errorf("first batch: %d originals kept new, want %d", n, len(docs))
	}
	if n := kept(batch(2)); n != 0 {
		t.Errorf("second batch: %d originals kept again, want 0", n)
	}
	if n := countSources(t, s); n != len(docs) {
		t.Errorf("%d rows of source_documents, want %d", n, len(docs))
	}
}

// beforeMigration creates a database at path with the migrations up to
// last applied, as an older build left it.
func beforeMigration(t *testing.T, path string, last int) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(names)
	if _, err := db.Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMP DEFAULT current_timestamp)`); err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		num, _ := strconv.Atoi(strings.SplitN(filepath.Base(name), "_", 2)[0])
		if num > last {
			continue
		}
		body, _ := migrations.ReadFile(name)
		if _, err := db.Exec(string(body)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := db.Exec(`INSERT INTO schema_migrations (version) VALUES (?)`, num); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// keepPlain stores docs the way builds before migration 120 did: bytes
// and text as they are.
func keepPlain(t *testing.T, db *sql.DB, docs []sourceDoc) {
	t.Helper()
	for _, d := range docs {
		if _, err := db.Exec(`INSERT INTO source_documents (sha256, name, bytes, text, stored_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			hashOf(d.data), d.name, d.data, d.text, time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSourceKeptPlainReadAfterMigration120: documents kept plain by an
// older build read back as they were after migration 120, still plain
// (the migration rewrites none), beside documents kept packed after it.
func TestSourceKeptPlainReadAfterMigration120(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.duckdb")
	docs := sourceDocs(t)
	db := beforeMigration(t, path, 110)
	keepPlain(t, db, docs[:4])
	db.Close()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, d := range docs[4:] {
		if _, err := s.KeepSource(ctx, d.name, d.data, d.text); err != nil {
			t.Fatal(err)
		}
	}
	for i, d := range docs {
		got, err := s.Source(ctx, hashOf(d.data))
		if err != nil {
			t.Fatalf("%s: %v", d.name, err)
		}
		if !bytes.Equal(got.Bytes, d.data) || got.Text != d.text {
			t.Errorf("%s: %d bytes and %d of text read back, kept %d and %d", d.name, len(got.Bytes), len(got.Text), len(d.data), len(d.text))
		}
		var codec sql.NullString
		if err := s.DB().QueryRow(`SELECT codec FROM source_documents WHERE sha256 = ?`, hashOf(d.data)).Scan(&codec); err != nil {
			t.Fatal(err)
		}
		if plain := i < 4; codec.Valid == plain {
			t.Errorf("%s: codec %v; kept plain before the migration: %v", d.name, codec, plain)
		}
	}
}

// TestSourceDamagedFrameIsAnError: a frame that does not decode, or whose
// recorded length does not fit, is an error naming the document, never
// other bytes.
func TestSourceDamagedFrameIsAnError(t *testing.T) {
	ctx := context.Background()
	s, err := Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	frame := PackSource([]byte("原件"), "正文").Frame
	short := packer().EncodeAll([]byte{200, 1, 'x'}, nil) // says 200 bytes, holds 1
	for i, b := range [][]byte{frame[:len(frame)-3], append(bytes.Clone(frame[:len(frame)-1]), frame[len(frame)-1]^0xff), short} {
		h := fmt.Sprintf("bad%d", i)
		if _, err := s.DB().Exec(`INSERT INTO source_documents (sha256, name, bytes, text, stored_at, codec) VALUES (?, '坏.txt', ?, '', now(), 'zstd')`, h, b); err != nil {
			t.Fatal(err)
		}
		if d, err := s.Source(ctx, h); err == nil || !strings.Contains(err.Error(), "坏.txt") {
			t.Errorf("frame %d: %v, %v; want an error naming 坏.txt", i, d, err)
		}
	}
}
