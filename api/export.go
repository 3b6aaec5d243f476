package api

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/sync/singleflight"

	"nianbao/query"
)

// The Parquet export is made once per data generation (every write
// commits a new one, query.Service.Generation) and kept as a tar file in
// a cache folder: an export of 1 440 reports took about 180 MB of DuckDB
// memory per call, and eight anonymous calls at once reached 1.4 GB.
// Concurrent calls in one generation share one export (singleflight);
// calls of a later generation make a new file and the old one is removed
// (a download still reading it keeps it open until it ends). The ETag is
// the SHA-256 of the tar (packed without times), so a client holding the
// same bytes gets 304.
const (
	// DefaultExportsPerMinute is how many export calls one client address
	// may make a minute (burst the same); past it 429 with Retry-After.
	DefaultExportsPerMinute = 6
	// exportTimeout bounds one export run, which no single request owns.
	exportTimeout = 10 * time.Minute
)

// exportRuns counts the exports run by every server of the process (the
// tests count them).
var exportRuns atomic.Int64

// parquetFile is the export of one generation.
type parquetFile struct {
	gen  uint64
	path string
	etag string
	made time.Time
}

type parquetCache struct {
	dir    string // "" until the first export when Options.ExportDir is unset
	flight singleflight.Group

	mu   sync.Mutex
	last *parquetFile
}

// folder returns the cache folder, making a temporary one the first time
// when the server was not given one.
func (p *parquetCache) folder() (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.dir != "" {
		return p.dir, os.MkdirAll(p.dir, 0o755)
	}
	d, err := os.MkdirTemp("", "nianbao-parquet-cache-")
	if err != nil {
		return "", err
	}
	p.dir = d
	return d, nil
}

// get returns the export of generation gen, running export when no file
// of that generation exists; concurrent calls share one run.
func (p *parquetCache) get(ctx context.Context, gen uint64, export func(context.Context, string) error) (*parquetFile, error) {
	p.mu.Lock()
	if p.last != nil && p.last.gen == gen {
		f := p.last
		p.mu.Unlock()
		return f, nil
	}
	p.mu.Unlock()
	v, err, _ := p.flight.Do(strconv.FormatUint(gen, 10), func() (any, error) {
		p.mu.Lock()
		if p.last != nil && p.last.gen == gen { // made while this call waited
			f := p.last
			p.mu.Unlock()
			return f, nil
		}
		p.mu.Unlock()
		// The run belongs to every caller waiting on it: the first one
		// leaving must not cancel it for the others.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), exportTimeout)
		defer cancel()
		f, err := p.make(ctx, gen, export)
		if err != nil {
			return nil, err
		}
		p.mu.Lock()
		old := p.last
		if old != nil && old.gen > gen { // a newer generation finished first
			p.mu.Unlock()
			os.Remove(f.path)
			return f, nil
		}
		p.last = f
		p.mu.Unlock()
		if old != nil && old.path != f.path {
			os.Remove(old.path)
		}
		return f, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*parquetFile), nil
}

// make exports into a fresh folder and packs it into one tar, hashing it
// on the way for the ETag.
func (p *parquetCache) make(ctx context.Context, gen uint64, export func(context.Context, string) error) (*parquetFile, error) {
	exportRuns.Add(1)
	dir, err := p.folder()
	if err != nil {
		return nil, err
	}
	work, err := os.MkdirTemp(dir, "run-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	out := filepath.Join(work, "parquet")
	if err := export(ctx, out); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(dir, "export-*.tar.part")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	sum := sha256.New()
	err = packTar(io.MultiWriter(tmp, sum), out)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("pack the parquet export: %w", err)
	}
	path := filepath.Join(dir, "export-"+strconv.FormatUint(gen, 10)+".tar")
	if err := os.Rename(tmp.Name(), path); err != nil {
		return nil, err
	}
	return &parquetFile{gen: gen, path: path, etag: `"` + hex.EncodeToString(sum.Sum(nil)[:16]) + `"`, made: time.Now()}, nil
}

// packTar writes every file under root to w as a tar of relative paths,
// in the sorted order WalkDir gives, so one data set makes one ETag.
func packTar(w io.Writer, root string) error {
	tw := tar.NewWriter(w)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		// No modification time: the same data packs to the same bytes.
		if err := tw.WriteHeader(&tar.Header{Name: filepath.ToSlash(rel), Mode: 0o644, Size: info.Size(), ModTime: time.Unix(0, 0)}); err != nil {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(tw, f)
		return err
	})
	if err != nil {
		return err
	}
	return tw.Close()
}

// exportParquet answers every cell as Parquet files (the layout of
// `analytics export`) packed in one tar, so that the command works while
// this server holds the database file.
func (h *handler) exportParquet(c *gin.Context) {
	if !h.limitExports(c) {
		return
	}
	filter, err := exportFilter(c)
	if err != nil {
		h.error(c, err)
		return
	}
	if !filter.IsZero() {
		h.exportParquetWhere(c, filter)
		return
	}
	f, err := h.parquet.get(c.Request.Context(), h.q.Generation(), h.q.ExportParquet)
	if err != nil {
		h.error(c, err)
		return
	}
	file, err := os.Open(f.path)
	if err != nil {
		h.error(c, err)
		return
	}
	defer file.Close()
	c.Header("ETag", f.etag)
	c.Header("Cache-Control", "no-cache")
	c.Header("Content-Type", "application/x-tar")
	c.Header("Content-Disposition", `attachment; filename="nianbao-parquet.tar"`)
	// ServeContent answers If-None-Match with 304 (and ranges, so a cut
	// download can resume).
	http.ServeContent(c.Writer, c.Request, "nianbao-parquet.tar", f.made, file)
}

// limitExports answers 429 to a client address past its export calls.
func (h *handler) limitExports(c *gin.Context) bool {
	if h.exportLimiter == nil {
		return true
	}
	ok, wait := h.exportLimiter.allow(clientHost(c.Request))
	if !ok {
		c.Header("Retry-After", strconv.Itoa(int(wait/time.Second)+1))
		h.fail(c, http.StatusTooManyRequests, "busy", "导出请求过于频繁：每个地址每分钟最多导出"+strconv.Itoa(h.opts.ExportsPerMinute)+"次，数据未变时请带上 If-None-Match 复用已下载的文件，请稍后重试")
	}
	return ok
}

// exportFilter reads the place and year of a filtered export: county, city
// or province by name or GB/T 2260 code, and year.
func exportFilter(c *gin.Context) (query.ExportFilter, error) {
	f := query.ExportFilter{
		Province: strings.TrimSpace(c.Query("province")),
		City:     strings.TrimSpace(c.Query("city")),
		County:   strings.TrimSpace(c.Query("county")),
	}
	if s := strings.TrimSpace(c.Query("year")); s != "" {
		y, err := strconv.Atoi(s)
		if err != nil || y < 1990 || y > 2100 {
			return f, &query.InputError{Field: "year", Message: fmt.Sprintf("参数 year 应为年份，例如 2023，收到 %q", s)}
		}
		f.Year = y
	}
	return f, nil
}

// exportParquetWhere answers the cells of one place or year as a tar of
// Parquet files, made for this call (a county's export is small; only the
// whole export is worth keeping between calls).
func (h *handler) exportParquetWhere(c *gin.Context, f query.ExportFilter) {
	var buf bytes.Buffer
	n, err := h.parquetTar(c.Request.Context(), f, &buf)
	if err != nil {
		h.error(c, err)
		return
	}
	if n == 0 {
		h.fail(c, http.StatusNotFound, "not_found", "所选地区和年度没有可导出的报告数据")
		return
	}
	c.Header("Content-Disposition", disposition(exportName(f)+".tar"))
	h.write(c, "application/x-tar", buf.Bytes())
}

// parquetTar exports the cells f selects into a temporary folder and packs
// them into w, returning the number of Parquet files.
func (h *handler) parquetTar(ctx context.Context, f query.ExportFilter, w io.Writer) (int, error) {
	exportRuns.Add(1)
	dir, err := h.parquet.folder()
	if err != nil {
		return 0, err
	}
	work, err := os.MkdirTemp(dir, "where-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(work)
	out := filepath.Join(work, "parquet")
	if err := h.q.ExportParquetWhere(ctx, out, f); err != nil {
		return 0, err
	}
	files, _ := filepath.Glob(filepath.Join(out, "*", "*", "*", "*.parquet"))
	if len(files) == 0 {
		return 0, nil
	}
	return len(files), packTar(w, out)
}

// exportName names a filtered export after its place and year, e.g.
// 乐至县_2023_数据.
func exportName(f query.ExportFilter) string {
	var parts []string
	for _, s := range []string{f.Province, f.City, f.County} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if f.Year != 0 {
		parts = append(parts, strconv.Itoa(f.Year))
	}
	return strings.Join(append(parts, "数据"), "_")
}
