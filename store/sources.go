package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"
)

const (
	// A document is kept packed (codec 'zstd', PackSource); text is ''.
	sqlKeepSource = `INSERT INTO source_documents (sha256, name, bytes, text, stored_at, codec) VALUES (?, ?, ?, '', ?, 'zstd') ON CONFLICT DO NOTHING`
	sqlGetSource  = `SELECT sha256, name, bytes, text, stored_at, codec FROM source_documents WHERE sha256 = ?`
	sqlHasSource  = `SELECT count(*) FROM source_documents WHERE sha256 = ?`
	// sqlKeptAmong: which of a list of hashes are kept, in one query.
	sqlKeptAmong = `SELECT sha256 FROM source_documents WHERE sha256 IN (SELECT unnest(?::VARCHAR[]))`
)

// SourceDocument is a stored document a report was read from.
type SourceDocument struct {
	SHA256   string
	Name     string
	Bytes    []byte
	Text     string
	StoredAt time.Time
}

// codecZstd is source_documents.codec of a packed document (migration
// 120); NULL is a document kept plain, before it.
const codecZstd = "zstd"

// PackedSource is a document's bytes and text as source_documents keeps
// them: one zstd frame of the bytes' length (a uvarint), the bytes and the
// text. One frame rather than one each: a text file's text is mostly its
// bytes again, and zstd keeps the second copy as references to the first.
// At 200 000 national reports the 1 444 MB of bytes and 999 MB of text
// kept plain became 771 MB (Word and Excel files, zip archives already,
// shrink by a few per cent; text and HTML by 3–4×), and every checkpoint
// that rewrites the table's last row group reads and writes that much less
// (docs/benchmarks.md, "Originals compressed, fifth pass").
type PackedSource struct {
	Frame []byte
	// Size is the length of the document's own bytes.
	Size int64
}

// The encoder and decoder are shared: EncodeAll and DecodeAll may be
// called from many goroutines (ingest's readers pack in parallel).
// SpeedFastest: on 4 000 national documents the default level made them
// 4 % smaller (3.47× against 3.33×) in twice the time (197 against 100 µs
// a document), time the readers would spend.
var (
	packer = sync.OnceValue(func() *zstd.Encoder {
		e, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest))
		if err != nil {
			panic(err) // only for invalid options
		}
		return e
	})
	// unpacker's bound is far above an original's (ingest and uploads
	// keep documents up to 20 MB): a damaged frame cannot ask for more.
	unpacker = sync.OnceValue(func() *zstd.Decoder {
		d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(1<<30))
		if err != nil {
			panic(err)
		}
		return d
	})
	packBuf = sync.Pool{New: func() any { return new([]byte) }}
)

// PackSource packs a document's bytes and text for keeping. It is safe to
// call from many goroutines, and meant to be called wherever the document
// is in hand (ingest's readers), so the one writer only appends the frame.
func PackSource(data []byte, text string) PackedSource {
	bp := packBuf.Get().(*[]byte)
	b := binary.AppendUvarint((*bp)[:0], uint64(len(data)))
	b = append(b, data...)
	b = append(b, text...)
	frame := packer().EncodeAll(b, make([]byte, 0, len(b)/3+64))
	*bp = b
	packBuf.Put(bp)
	return PackedSource{Frame: frame, Size: int64(len(data))}
}

// unpackSource gives back the bytes and text PackSource packed.
func unpackSource(frame []byte) ([]byte, string, error) {
	b, err := unpacker().DecodeAll(frame, nil)
	if err != nil {
		return nil, "", fmt.Errorf("原件已损坏，无法解压（%w）", err)
	}
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)-k) {
		return nil, "", errors.New("原件已损坏：记录的长度与内容不符")
	}
	data := b[k : k+int(n) : k+int(n)]
	return data, string(b[k+int(n):]), nil
}

// KeepSource stores a document's bytes and text under their sha256; a
// document already kept is left as it is (the same bytes, the same hash).
func (s *Store) KeepSource(ctx context.Context, name string, data []byte, text string) (string, error) {
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	// Quietly: a kept document changes no answer until a report that
	// names it is saved, and that save tells the readers.
	err := s.writeTx(ctx, quietly, nil, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, sqlKeepSource, hash, filepath.Base(name), PackSource(data, text).Frame, time.Now().UTC())
		return err
	})
	if err != nil {
		return "", fmt.Errorf("keep source %s: %w", filepath.Base(name), err)
	}
	return hash, nil
}

// KeepSources stores many documents in one transaction (the bulk path:
// one commit per document cost analytics ingest more than the rest of
// storing a report). each is called with keep, which stores one document
// as KeepSource does and returns its hash; each's error rolls all back.
// The rows go through an Appender on the transaction's connection: an
// INSERT a document cost about 3.6 ms of a 30 KB file, the Appender a
// fraction of it (BenchmarkKeepSources). The Appender has no ON CONFLICT,
// so a hash kept before or earlier in the call is skipped here.
func (s *Store) KeepSources(ctx context.Context, each func(keep func(name string, data []byte, text string) (string, error)) error) error {
	return s.KeepSourcesOf(ctx, nil, func(_ map[string]bool, keep func(hash, name string, p PackedSource) error) error {
		return each(func(name string, data []byte, text string) (string, error) {
			sum := sha256.Sum256(data)
			hash := hex.EncodeToString(sum[:])
			return hash, keep(hash, name, PackSource(data, text))
		})
	})
}

// KeepSourcesOf is KeepSources for documents packed already (PackSource,
// by whoever read them) under hashes their caller computed from the same
// bytes: which of hashes are kept already is asked in one query, inside
// the transaction, and handed to each (so their files need not be read
// again), and keep skips them without a query of its own. A hash not in
// hashes is looked up one by one, as by KeepSources. At 200 000 reports
// the two lookups a document (the caller's and keep's) were a tenth of a
// second ingest's CPU (docs/benchmarks.md, "Ingest at national size").
func (s *Store) KeepSourcesOf(ctx context.Context, hashes []string, each func(kept map[string]bool, keep func(hash, name string, p PackedSource) error) error) error {
	return s.writeAppend(ctx, quietly, true, func(_ *sql.Conn, w *writer) error {
		return keepSources(ctx, w, hashes, each)
	})
}

// keepSources is KeepSourcesOf's work inside its transaction.
func keepSources(ctx context.Context, w *writer, hashes []string, each func(kept map[string]bool, keep func(hash, name string, p PackedSource) error) error) error {
	k, err := newSourceKeeper(ctx, w, hashes)
	if err != nil {
		return err
	}
	return each(k.before, func(hash, name string, p PackedSource) error {
		_, err := k.keep(hash, name, p)
		return err
	})
}

// Original is a document to keep with a report read from it
// (BatchItem.Original): the report's sha256, the file's name and the
// document packed by whoever read it (PackSource).
type Original struct {
	SHA256 string
	Name   string
	Packed PackedSource
}

// keepOriginals keeps a batch's originals in its transaction, each
// document once; res[i].OriginalKept says which were new.
func keepOriginals(ctx context.Context, w *writer, items []BatchItem, res []SaveResult) error {
	var hashes []string
	for _, it := range items {
		if it.Original != nil {
			hashes = append(hashes, it.Original.SHA256)
		}
	}
	if len(hashes) == 0 {
		return nil
	}
	k, err := newSourceKeeper(ctx, w, hashes)
	if err != nil {
		return err
	}
	for i, it := range items {
		if o := it.Original; o != nil {
			if res[i].OriginalKept, err = k.keep(o.SHA256, o.Name, o.Packed); err != nil {
				return err
			}
		}
	}
	return nil
}

// keepOriginalStep keeps one original in a report's own transaction (a
// batch's report stored on its own, saveOne); *kept says whether it was new.
func keepOriginalStep(o *Original, kept *bool) Step {
	return func(ctx context.Context, w *writer) error {
		k, err := newSourceKeeper(ctx, w, []string{o.SHA256})
		if err != nil {
			return err
		}
		*kept, err = k.keep(o.SHA256, o.Name, o.Packed)
		return err
	}
}

// sourceKeeper appends documents to source_documents inside a write's
// transaction, skipping those kept before or earlier in it: the Appender
// has no ON CONFLICT.
type sourceKeeper struct {
	ctx    context.Context
	w      *writer
	before map[string]bool // kept before, of the hashes asked at once
	asked  map[string]bool
	seen   map[string]bool // appended in this transaction
	now    time.Time
}

// newSourceKeeper asks which of hashes are kept already, in one query.
func newSourceKeeper(ctx context.Context, w *writer, hashes []string) (*sourceKeeper, error) {
	k := &sourceKeeper{ctx: ctx, w: w, before: make(map[string]bool, len(hashes)), asked: make(map[string]bool, len(hashes)),
		seen: map[string]bool{}, now: time.Now().UTC()}
	if len(hashes) > 0 {
		var h string
		if err := eachRow(ctx, w, sqlKeptAmong, []any{&h}, func() error {
			k.before[h] = true
			return nil
		}, hashes); err != nil {
			return nil, fmt.Errorf("keep sources: %w", err)
		}
		for _, h := range hashes {
			k.asked[h] = true
		}
	}
	return k, nil
}

// keep appends one packed document unless it is kept already; kept tells
// whether it was appended. A hash not asked at the start is looked up.
func (k *sourceKeeper) keep(hash, name string, p PackedSource) (kept bool, err error) {
	if k.seen[hash] || k.before[hash] {
		return false, nil
	}
	k.seen[hash] = true
	if !k.asked[hash] {
		var n int
		if err := k.w.QueryRowContext(k.ctx, sqlHasSource, hash).Scan(&n); err != nil {
			return false, fmt.Errorf("keep source %s: %w", filepath.Base(name), err)
		}
		if n > 0 {
			return false, nil
		}
	}
	// The table's columns in order: sha256, name, bytes, text, stored_at,
	// codec.
	if err := k.w.appendRow("source_documents", hash, filepath.Base(name), p.Frame, "", k.now, codecZstd); err != nil {
		return false, fmt.Errorf("keep source %s: %w", filepath.Base(name), err)
	}
	return true, nil
}

// Source reads a kept document; ErrNotFound when none has that hash.
func (s *Store) Source(ctx context.Context, hash string) (*SourceDocument, error) {
	d := &SourceDocument{}
	var codec sql.NullString
	err := s.db.QueryRowContext(ctx, sqlGetSource, hash).Scan(&d.SHA256, &d.Name, &d.Bytes, &d.Text, &d.StoredAt, &codec)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("source %s: %w", hash, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	switch {
	case !codec.Valid:
		// Kept plain, before migration 120.
	case codec.String == codecZstd:
		if d.Bytes, d.Text, err = unpackSource(d.Bytes); err != nil {
			return nil, fmt.Errorf("原件 %s（%s）：%w", d.Name, hash, err)
		}
	default:
		return nil, fmt.Errorf("原件 %s（%s）的存储格式 %q 无法识别，请升级程序", d.Name, hash, codec.String)
	}
	return d, nil
}
