package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"nianbao/ingest/document"
	"nianbao/parse"
	"nianbao/report"
	"nianbao/store"
)

// Meta is what the caller knows about a report (see parse.Meta).
type Meta = parse.Meta

// ParseDocument reads the reports of a document already decoded by the
// document package: one for a report, several for a county workbook.
func ParseDocument(doc *document.Document, meta Meta) ([]*report.Report, error) {
	if len(doc.Reports) > 0 {
		for _, r := range doc.Reports {
			if r.Format == "" {
				r.Format = doc.Format
			}
		}
		return doc.Reports, nil
	}
	r, err := parse.Text(doc.Name, doc.Text, meta)
	if err != nil {
		return nil, err
	}
	if meta.Format == "" {
		r.Format = doc.Format
	}
	if r.PublishedOn == "" {
		r.PublishedOn = doc.PublishedOn
	}
	applyOrigins(r, doc.Origins)
	return []*report.Report{r}, nil
}

// applyOrigins turns text lines back into the places of the original
// document: the PDF page, or the table and grid cell of HTML, DOCX, XLSX.
// For plain text, Table/Row/Col stay the official table (2–4) and the row
// and column within it; for grid formats they become the document's table
// number and the grid row and column (1-based, merged cells expanded).
func applyOrigins(r *report.Report, origins []document.Origin) {
	if len(origins) == 0 {
		return
	}
	for code, src := range r.Sources {
		if src.Line < 1 || src.Line > len(origins) {
			continue
		}
		o := origins[src.Line-1]
		if o.Page > 0 {
			src.Page = o.Page
		}
		if o.Table > 0 {
			// A grid document: the place is the table and grid cell.
			src.Table, src.Row, src.Col = o.Table, o.Row, 0
			if src.Cell < len(o.Cols) {
				src.Col = o.Cols[src.Cell]
			}
		}
		r.Sources[code] = src
	}
}

// ParseBytes reads the reports in a file's bytes, whatever its format.
func ParseBytes(name string, data []byte, meta Meta) ([]*report.Report, error) {
	return ParseBytesContext(context.Background(), name, data, meta)
}

// ParseBytesContext is ParseBytes under the document limits of the
// environment, stopping when ctx ends (an upload whose client has gone).
func ParseBytesContext(ctx context.Context, name string, data []byte, meta Meta) ([]*report.Report, error) {
	doc, err := document.ReadContext(ctx, name, data, document.DefaultLimits())
	if err != nil {
		return nil, err
	}
	reports, err := ParseDocument(doc, meta)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	for _, r := range reports {
		r.SHA256 = hex.EncodeToString(sum[:])
		r.File = name
	}
	return reports, nil
}

// ParseFile reads a file from disk.
func ParseFile(path string, meta Meta) ([]*report.Report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	reports, err := ParseBytes(filepath.Base(path), data, meta)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for _, r := range reports {
		r.File = path
	}
	return reports, nil
}

// CollectFiles expands folders recursively into the report files they hold,
// in a stable order. manifest.csv and hidden files are left out.
func CollectFiles(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		if !info.IsDir() {
			out = append(out, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := d.Name()
			if strings.HasPrefix(name, ".") && path != p {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() || strings.EqualFold(name, "manifest.csv") || strings.EqualFold(name, "truth.json") || strings.EqualFold(name, "README.md") {
				return nil
			}
			out = append(out, path)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Strings(out)
	return out, nil
}

// Result is the outcome of reading one file.
type Result struct {
	Path    string
	Reports []*report.Report
	Err     error
}

// ParseAll reads files on all cores, applying a folder's manifest.csv where
// there is one, and returns the results in the order of paths.
func ParseAll(paths []string, meta Meta) []Result {
	results := make([]Result, len(paths))
	manifests := map[string]*document.Manifest{}
	var mu sync.Mutex
	manifestFor := func(dir string) (*document.Manifest, bool) {
		mu.Lock()
		defer mu.Unlock()
		m, ok := manifests[dir]
		if !ok {
			if mf, err := document.LoadManifest(dir); err == nil {
				m = &mf
			}
			manifests[dir] = m
		}
		return m, m != nil
	}
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				p := paths[i]
				m := meta
				if mf, ok := manifestFor(filepath.Dir(p)); ok {
					if e, ok := mf.Lookup(filepath.Base(p)); ok {
						m = mergeManifest(m, e)
					}
				}
				results[i] = parseOne(p, m)
			}
		}()
	}
	for i := range paths {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return results
}

// parseOne reads one file; a reader bug on strange bytes becomes that
// file's error instead of stopping every other file.
func parseOne(path string, m Meta) (res Result) {
	res.Path = path
	defer func() {
		if v := recover(); v != nil {
			slog.Error("reader failed", "file", path, "panic", v)
			res.Reports, res.Err = nil, fmt.Errorf("%s: the reader failed on this document (%v); please report it with the file", path, v)
		}
	}()
	res.Reports, res.Err = ParseFile(path, m)
	return res
}

// mergeManifest lets the manifest fill what the flags did not set.
func mergeManifest(m Meta, e document.ManifestEntry) Meta {
	if m.Agency == "" {
		m.Agency = e.Agency
	}
	if m.County == "" {
		m.County = e.County
	}
	if m.Year == 0 {
		m.Year = e.Year
	}
	if m.PublishedOn == "" {
		m.PublishedOn = e.PublishedOn
	}
	return m
}

// ErrNoKey is returned when a report cannot be stored because its agency or
// year is unknown.
var ErrNoKey = errors.New("cannot tell which agency and year the report is for")

// Summary counts what an ingest did.
type Summary struct {
	Read     int            `json:"read"`
	Stored   int            `json:"stored"`
	Replaced int            `json:"replaced"`
	Failed   int            `json:"failed"`
	ByRule   map[string]int `json:"findings_by_rule"`
	Failures []string       `json:"failures,omitempty"`
}

// Progress receives a tick per file handled.
type Progress func(done, total int, path string)

// IngestPaths parses every report under paths and stores each one in its
// own transaction. A file that cannot be read is reported and skipped.
func IngestPaths(ctx context.Context, st *store.Store, paths []string, meta Meta, progress Progress) (Summary, error) {
	sum := Summary{ByRule: map[string]int{}}
	files, err := CollectFiles(paths)
	if err != nil {
		return sum, err
	}
	results := ParseAll(files, meta)
	for i, res := range results {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		if progress != nil {
			progress(i+1, len(results), res.Path)
		}
		if res.Err != nil {
			sum.Failed++
			sum.Failures = append(sum.Failures, res.Err.Error())
			continue
		}
		sum.Read++
		for _, r := range res.Reports {
			// Stored and shown to the public: the file's name, not where it
			// lay on this machine.
			r.File = filepath.Base(r.File)
			if r.Agency == "" || r.Year == 0 {
				sum.Failed++
				sum.Failures = append(sum.Failures, fmt.Sprintf("%s: %v (agency %q, year %d); pass --agency/--year or list it in manifest.csv", res.Path, ErrNoKey, r.Agency, r.Year))
				continue
			}
			saved, err := st.Save(ctx, r)
			if err != nil {
				if errors.Is(err, store.ErrLocked) {
					return sum, err
				}
				sum.Failed++
				sum.Failures = append(sum.Failures, err.Error())
				continue
			}
			sum.Stored++
			if saved.Replaced {
				sum.Replaced++
			}
			for _, f := range r.Findings {
				sum.ByRule[f.Rule]++
			}
		}
	}
	return sum, nil
}

// WriteSummary prints a summary for people.
func (s Summary) WriteSummary(w io.Writer) {
	fmt.Fprintf(w, "读取 read %d, 入库 stored %d, 替换 replaced %d, 失败 failed %d\n", s.Read, s.Stored, s.Replaced, s.Failed)
	rules := make([]string, 0, len(s.ByRule))
	for r := range s.ByRule {
		rules = append(rules, r)
	}
	sort.Strings(rules)
	for _, r := range rules {
		fmt.Fprintf(w, "  %-18s %4d  %s\n", r, s.ByRule[r], report.RuleLabels[r])
	}
	for _, f := range s.Failures {
		fmt.Fprintf(w, "  失败 %s\n", f)
	}
}
