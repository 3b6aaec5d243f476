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
	"sync/atomic"
	"time"

	"nianbao/assess"
	"nianbao/ingest/document"
	"nianbao/ingest/ocr"
	"nianbao/parse"
	"nianbao/registry"
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
	meta.Grid = gridLines(doc.Origins)
	withPlaces(&meta)
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
	r.Text = doc.Text
	applyOrigins(r, doc.Origins)
	if doc.OCR != nil {
		ocr.Mark(r, doc.OCR)
	}
	return []*report.Report{r}, nil
}

// TraceFile reads a file and says how its text was read: the splitter and
// the repair passes of each table (analytics parse --trace).
func TraceFile(path string, meta Meta) (*parse.Trace, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	doc, err := document.Read(filepath.Base(path), data)
	if err != nil {
		return nil, err
	}
	if len(doc.Reports) > 0 {
		return &parse.Trace{Steps: []parse.Step{{Name: "summary-workbook", Detail: "县汇总表，按表头逐行读取"}}}, nil
	}
	meta.Grid = gridLines(doc.Origins)
	withPlaces(&meta)
	return parse.TextTrace(doc.Name, doc.Text, meta)
}

// withPlaces hands the reader the national registry, so the agency's name
// is split at the county the registry knows and a name one character off
// a registry name is proposed in a finding. Without the registry (it
// cannot fail to load from the embedded data, but if it did) names are
// read from the text alone.
func withPlaces(meta *Meta) {
	if meta.Places != nil || namesAlone.Load() {
		return
	}
	if reg := places(); reg != nil {
		meta.Places = reg
	}
}

func places() parse.Places {
	reg, err := registry.Default()
	if err != nil {
		slog.Warn("登记册无法读取，机关名称不与登记册核对", "err", err)
		return nil
	}
	return reg
}

// namesAlone is set in a parse worker: see ReadNamesAlone.
var namesAlone atomic.Bool

// ReadNamesAlone makes this process read agency names from the text alone,
// without the registry. A parse worker calls it: loading the national
// registry in every child costs more than the parse (≈0.4 s in a child
// under its memory limit); the parent checks the names it gets back with
// CheckNames.
func ReadNamesAlone() { namesAlone.Store(true) }

// CheckNames checks, against the registry, the agencies of reports read
// without it (by a parse worker): see parse.CheckAgency. A caller that
// named the agency itself (meta.Agency) has nothing to check.
func CheckNames(reports []*report.Report, meta Meta) {
	if meta.Agency != "" || namesAlone.Load() {
		return
	}
	reg := places()
	if reg == nil {
		return
	}
	for _, r := range reports {
		parse.CheckAgency(r, r.Text, reg)
	}
}

// gridLines hands the parser the true grid columns of each line of a grid
// document, so that rows shortened by merged cells are placed by them.
func gridLines(origins []document.Origin) []parse.GridLine {
	var out []parse.GridLine
	grid := false
	for _, o := range origins {
		out = append(out, parse.GridLine{Table: o.Table, Cols: o.Cols})
		grid = grid || o.Table > 0
	}
	if !grid {
		return nil
	}
	return out
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
	read, err := ReadBytesContext(ctx, name, data, meta)
	if err != nil {
		return nil, err
	}
	out := make([]*report.Report, len(read))
	for i, p := range read {
		out[i] = p.Report
	}
	return out, nil
}

// ErrNotReport is a document that is not an annual report (notes, a
// manifest, a JSON dump, a 年报解读): it may not replace any report.
var ErrNotReport = errors.New("不是年度报告")

// ParseUpload reads an uploaded file's reports, refusing a document that
// is not a report (the API answers 422 with the reason) so an upload can
// never put a notes file in a report's place.
func ParseUpload(ctx context.Context, name string, data []byte, meta Meta) ([]*report.Report, error) {
	if k, why := ByName(name); k != "" {
		return nil, fmt.Errorf("%w：%s", ErrNotReport, why)
	}
	read, err := ReadBytesContext(ctx, name, data, meta)
	if err != nil {
		return nil, err
	}
	out := make([]*report.Report, 0, len(read))
	for _, p := range read {
		if !p.Kind.Storable() {
			if p.Kind == KindNotReport {
				// Its label is ErrNotReport's own words: said once.
				return nil, fmt.Errorf("%w：%s", ErrNotReport, p.Why)
			}
			return nil, fmt.Errorf("%w：这是%s（%s）", ErrNotReport, p.Kind.Label(), p.Why)
		}
		out = append(out, p.Report)
	}
	return out, nil
}

// Parsed is a report read from a document with what the document is.
type Parsed struct {
	Report *report.Report
	Kind   Kind
	Why    string // why it is (or is not) a report, in Chinese
}

// ReadBytes reads and classifies the reports in a file's bytes.
func ReadBytes(name string, data []byte, meta Meta) ([]Parsed, error) {
	return ReadBytesContext(context.Background(), name, data, meta)
}

// ReadBytesContext is ReadBytes under the document limits of the
// environment, stopping when ctx ends.
func ReadBytesContext(ctx context.Context, name string, data []byte, meta Meta) ([]Parsed, error) {
	doc, err := document.ReadContext(ctx, name, data, document.DefaultLimits())
	if err != nil {
		return nil, err
	}
	reports, err := ParseDocument(doc, meta)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	out := make([]Parsed, len(reports))
	for i, r := range reports {
		r.SHA256 = hex.EncodeToString(sum[:])
		r.File = name
		out[i].Report = r
		if len(doc.Reports) > 0 {
			// A county summary workbook: rows laid out as the tables.
			out[i].Kind = KindAnnual2021
			if r.Edition == report.Edition2019 {
				out[i].Kind = KindAnnual2019
			}
			continue
		}
		out[i].Kind, out[i].Why = Classify(name, doc.Text, r)
	}
	return out, nil
}

// ParseFile reads a file from disk.
func ParseFile(path string, meta Meta) ([]*report.Report, error) {
	read, err := ReadFile(path, meta)
	if err != nil {
		return nil, err
	}
	out := make([]*report.Report, len(read))
	for i, p := range read {
		out[i] = p.Report
	}
	return out, nil
}

// ReadFile reads and classifies a file from disk.
func ReadFile(path string, meta Meta) ([]Parsed, error) {
	read, _, err := readFile(path, meta)
	return read, err
}

// readFile is ReadFile giving back the file's bytes too (an ingest's
// reader packs them for keeping, prepare).
func readFile(path string, meta Meta) ([]Parsed, []byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	read, err := ReadBytes(filepath.Base(path), data, meta)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	for _, p := range read {
		p.Report.File = path
	}
	return read, data, nil
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
		// WalkDir does not follow the link it is given (a folder linked
		// into place was read as one file: "is a directory"); with a
		// separator after it, the folder behind the link is walked.
		root := p
		if li, err := os.Lstat(p); err == nil && li.Mode()&fs.ModeSymlink != 0 {
			root = p + string(os.PathSeparator)
		}
		err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := d.Name()
			if strings.HasPrefix(name, ".") && path != root {
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
	// Kinds[i] is what the document of Reports[i] is, Why[i] why.
	Kinds []Kind
	Why   []string
	// Skipped says why the file was not read at all (its type is never a
	// report); Reports is then empty and Err nil.
	Skipped string
	// DivisionCode is the GB/T 2260 code the folder's manifest gives.
	DivisionCode string
	Err          error
	// cost is what the result counts for in the ingest's queue (resultCost).
	cost int64
	// data is the file's bytes from the read until prepare packs them
	// (or drops them): never held beyond the reader's goroutine.
	data []byte
	// ready[i] is what the writer needs of Reports[i] made ahead by the
	// reader that read it (prepare); nil when the result did not come
	// through an ingest's stream (ParseAll, StoreResults), and the writer
	// makes it then.
	ready []ready
}

// ready is the part of storing a report that depends on the report alone:
// its text sections (assess.SplitSections) and its cell codes in the
// catalogue's order (report.Codes, a sort of every code). Made by the
// reader goroutines, so the one writer, the pipeline's bound, only
// appends: they were 0.09 ms of its ~0.6 ms a report
// (docs/benchmarks.md, "Ingest writer and memory, third pass").
type ready struct {
	narrative []store.NarrativeSection
	codes     []string
	// orig is the report's original packed for keepOriginals (nil when
	// originals are not kept).
	orig *packed
}

// packed is an original document made ready for keeping by its reader:
// its bytes and the report's text in one zstd frame (store.PackSource),
// or over its cap and not kept. Packing in the readers rather than in the
// writer's keepOriginals (which read each file again, hashed it and kept
// the batch's documents in a transaction of their own) leaves the writer
// only the append, in the batch's transaction (store.BatchItem.Original),
// so a kill never leaves a stored report without its original. A batch
// holds the frames, ≈ 5 KB a national report, instead of nothing
// (docs/benchmarks.md, "Originals compressed, fifth pass").
type packed struct {
	src  store.PackedSource
	over bool
}

// prepare makes res.ready in the reader's goroutine, packing the file's
// bytes with each report's text when keep (the cap) is positive.
func prepare(res *Result, keep int64) {
	data := res.data
	res.data = nil
	res.ready = make([]ready, len(res.Reports))
	for i, r := range res.Reports {
		secs := narrative(r)
		for j := range secs {
			// Packed here, on the readers' cores, not by the one writer.
			secs[j].Packed = store.PackNarrative(secs[j].Body)
		}
		res.ready[i] = ready{narrative: secs, codes: r.Codes()}
		switch {
		case keep <= 0:
		case int64(len(data)) > keep:
			res.ready[i].orig = &packed{over: true}
		case i > 0 && r.Text == res.Reports[i-1].Text:
			// A workbook's reports of one text: one frame.
			res.ready[i].orig = res.ready[i-1].orig
		default:
			res.ready[i].orig = &packed{src: store.PackSource(data, r.Text)}
		}
	}
}

// ParseAll reads files on all cores, applying a folder's manifest.csv where
// there is one, and returns the results in the order of paths.
func ParseAll(paths []string, meta Meta) []Result {
	results := make([]Result, 0, len(paths))
	for res := range ParseStream(context.Background(), paths, meta, 0) {
		results = append(results, res)
	}
	return results
}

// ParseStream reads files on all cores and hands the results over in the
// order of paths as they are ready, holding at most window of them ahead
// of the reader (0: 64 per core), so memory stays bounded however many
// files there are. The channel closes after the last file, or soon after
// ctx ends.
func ParseStream(ctx context.Context, paths []string, meta Meta, window int) <-chan Result {
	return parseStream(ctx, paths, meta, window, nil, 0)
}

// parseStream is ParseStream, bounded in bytes when q is set: a file is
// handed to a worker only while the results read and not yet released
// (queue.release, by the writer once they are stored) are under q's
// bound, and up to window results wait ready in the channel, so the
// writer can take whatever is queued at once. Only the dispatch waits on
// the bound, never a worker or the hand-over, so the results ahead of the
// writer always arrive: the bound cannot deadlock the stream. With q set,
// each document up to keep bytes is packed for keeping (prepare).
func parseStream(ctx context.Context, paths []string, meta Meta, window int, q *queue, keep int64) <-chan Result {
	workers := runtime.GOMAXPROCS(0)
	if window <= 0 {
		window = 64 * workers
	}
	parse := fileParser(meta)
	type job struct {
		path string
		out  chan Result
	}
	jobs := make(chan job)
	pending := make(chan chan Result, window)
	for w := 0; w < workers; w++ {
		go func() {
			for j := range jobs {
				res := parse(j.path)
				if q != nil {
					// An ingest's stream: the writer's share made here.
					prepare(&res, keep)
					res.cost = resultCost(res)
					q.add(res.cost)
				}
				res.data = nil
				j.out <- res
			}
		}()
	}
	go func() {
		defer close(jobs)
		defer close(pending)
		for _, p := range paths {
			if q != nil && !q.wait(ctx) {
				return
			}
			c := make(chan Result, 1)
			select {
			case pending <- c:
			case <-ctx.Done():
				return
			}
			jobs <- job{p, c}
		}
	}()
	outCap := 0
	if q != nil {
		outCap = window
	}
	out := make(chan Result, outCap)
	go func() {
		defer close(out)
		for c := range pending {
			select {
			case out <- <-c:
			case <-ctx.Done():
				// Drain so the workers can finish.
				for range pending {
				}
				return
			}
		}
	}()
	return out
}

// queue bounds, in bytes, the reports read ahead of the writer: those
// waiting to be taken and those of the batch being stored. Its
// accounting is an estimate (resultCost), close enough to keep the
// ingest's memory bounded whatever the number of files.
type queue struct {
	mu    sync.Mutex
	cond  *sync.Cond
	used  int64
	limit int64
	peak  int64 // the most ever held, for the tests
}

func newQueue(limit int64) *queue {
	q := &queue{limit: limit}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// wait blocks while the queue is at its bound; false when ctx ended.
func (q *queue) wait(ctx context.Context) bool {
	stop := context.AfterFunc(ctx, func() {
		q.mu.Lock()
		q.cond.Broadcast()
		q.mu.Unlock()
	})
	defer stop()
	q.mu.Lock()
	defer q.mu.Unlock()
	for q.used >= q.limit && ctx.Err() == nil {
		q.cond.Wait()
	}
	return ctx.Err() == nil
}

func (q *queue) add(n int64) {
	q.mu.Lock()
	q.used += n
	q.peak = max(q.peak, q.used)
	q.mu.Unlock()
}

// full says the queue is at its bound (nil: a queue that is not bounded
// here, StoreResults', counts as full, so nothing waits on it).
func (q *queue) full() bool {
	if q == nil {
		return true
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.used >= q.limit
}

func (q *queue) release(n int64) {
	if q == nil || n == 0 {
		return
	}
	q.mu.Lock()
	q.used -= n
	q.cond.Broadcast()
	q.mu.Unlock()
}

// resultCost estimates the memory a read result holds: its reports' text
// (held in Text, in the lines of the figures, and packed in the narrative
// sections: their bodies share Text's memory since the fifth pass, their
// frames are about half of it, so 3× still covers it), their cells and
// sources, findings and narrative figures. The figures are fitted to the heap 800 national
// reports held once read (77 KB each, the estimate 74 KB).
func resultCost(res Result) int64 {
	n := int64(1 << 10)
	for _, r := range res.Reports {
		n += 3*int64(len(r.Text)) + 16<<10
		n += int64(len(r.Cells)) * 64
		for _, s := range r.Sources {
			n += 128 + int64(len(s.Raw)+len(s.Note))
		}
		for _, f := range r.Findings {
			n += 128 + int64(len(f.Message))
		}
		n += int64(len(r.Narrative)) * 160
	}
	for i, rd := range res.ready {
		if rd.orig != nil && (i == 0 || rd.orig != res.ready[i-1].orig) {
			n += int64(cap(rd.orig.src.Frame))
		}
	}
	return n
}

// QueueBytes bounds the reports read ahead of an ingest's writer (see
// queue), the batch being stored included: about 75 KB per report of
// the 20 000 national mix by resultCost, so 64 MB holds some 870 of
// those (batches of ~500), but only ~300 of the 200 000 run's. At 192 MB
// the Go heap was twice as large for the same CPU per report at 20 000;
// at 200 000 the smaller batches cost their lookups and commits
// (docs/benchmarks.md, "Ingest writer and memory, third pass").
const QueueBytes = 64 << 20

// fillBatch is the fewest reports a batch waits for (fillWait at most,
// looking at the queue every fillPoll) while the queue has room.
const (
	fillBatch = DefaultBatchSize / 2
	fillWait  = time.Second
	fillPoll  = 10 * time.Millisecond
)

// queueWindow is how many read results may wait ready for the writer, the
// count bound beside QueueBytes.
const queueWindow = 4096

// fileParser reads one file with the manifest of its folder applied.
func fileParser(meta Meta) func(path string) Result {
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
	return func(p string) Result {
		m := meta
		code := ""
		if mf, ok := manifestFor(filepath.Dir(p)); ok {
			if e, ok := mf.Lookup(filepath.Base(p)); ok {
				m = mergeManifest(m, e)
				code = e.DivisionCode
			}
		}
		res := parseOne(p, m)
		res.DivisionCode = code
		return res
	}
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
	if k, why := ByName(path); k != "" {
		res.Kinds, res.Skipped = []Kind{k}, why
		return res
	}
	read, data, err := readFile(path, m)
	if err != nil {
		res.Err = err
		return res
	}
	res.data = data
	for _, p := range read {
		res.Reports = append(res.Reports, p.Report)
		res.Kinds = append(res.Kinds, p.Kind)
		res.Why = append(res.Why, p.Why)
	}
	return res
}

// mergeManifest lets the manifest fill what the flags did not set.
func mergeManifest(m Meta, e document.ManifestEntry) Meta {
	if m.Agency == "" {
		m.Agency = e.Agency
	}
	if m.County == "" {
		m.County = e.County
		if e.CountyCode != "" {
			// The code, where given, is what the store resolves: it names
			// one county, and the stored report takes the registry's name.
			m.County = e.CountyCode
		}
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
	Read      int            `json:"read"`
	Stored    int            `json:"stored"`
	Replaced  int            `json:"replaced"`
	Unchanged int            `json:"unchanged"`
	Failed    int            `json:"failed"`
	ByRule    map[string]int `json:"findings_by_rule"`
	Failures  []string       `json:"failures,omitempty"`
	// Skipped are files that are not reports (notes, manifests, JSON,
	// 年报解读), each with the reason: nothing of theirs was stored.
	Skipped []string `json:"skipped,omitempty"`
	// Held are versions stored but not made current, with the reason.
	Held []string `json:"held,omitempty"`
	// ToReview are people's corrections a new version reads differently:
	// kept, not applied (待复核), one line each.
	ToReview []string `json:"corrections_to_review,omitempty"`
	// Conflicts are files of this batch claiming an agency and year that
	// an earlier file of the batch already claimed.
	Conflicts []string `json:"conflicts,omitempty"`
	// Unregistered are agencies the registry does not hold (or cannot tell
	// apart without a county), listed for a person to map.
	Unregistered []string `json:"unregistered,omitempty"`
	// Originals is how many original documents this ingest kept (new
	// ones: a document kept before is not stored again), OriginalBytes
	// their size; NotKept names the ones over the size cap.
	Originals     int      `json:"originals_kept"`
	OriginalBytes int64    `json:"original_bytes"`
	NotKept       []string `json:"originals_not_kept,omitempty"`
}

// Options say how to ingest.
type Options struct {
	// Author is recorded in the audit log for every stored version.
	Author string
	// Force makes a version current even when it is far smaller than the
	// current one or conflicts with another file of the batch.
	Force bool
	// BatchSize is how many reports one transaction holds (0: 1024). 1
	// stores each report in its own transaction (store.SaveWith), the way
	// an upload is stored.
	BatchSize int
	// After, when set, is called once at the end with the reports stored
	// and the counties and years they touch, instead of the assessment's
	// re-check here: package change passes its steps after a write.
	After func(ctx context.Context, ids []int64, spans []assess.CountySpan)
	// MaxOriginal is the largest original document kept beside its
	// reports, in bytes (0: DefaultMaxOriginal; negative: none kept).
	MaxOriginal int64
	// Stats, when set, is kept up to date while the ingest runs, for a
	// caller that watches it (analytics ingest --stats).
	Stats *Stats
	// QueueBytes bounds the reports read ahead of the writer (0:
	// QueueBytes).
	QueueBytes int64
}

// Stats are an ingest's counters while it runs: what the writer has
// taken, how much is read ahead of it, and how long it has been busy
// storing, so that a watcher can tell readers waiting on the writer from
// a writer waiting on the readers, and both from the re-check at the end.
type Stats struct {
	// Files is the read results the writer has taken.
	Files atomic.Int64
	// Busy is the writer's time in the store (batches and originals), in
	// nanoseconds.
	Busy atomic.Int64
	// Batches is the transactions of reports the writer has committed
	// (or tried): with Files, the batch's mean size, for each batch costs
	// its lookups and a commit whatever its size.
	Batches atomic.Int64
	// After is set once every batch is stored and the steps after the
	// write (the re-check) have begun.
	After atomic.Bool
	queue atomic.Pointer[queue]
}

// Queued is the estimated bytes of the reports read and not yet stored.
func (s *Stats) Queued() int64 {
	q := s.queue.Load()
	if q == nil {
		return 0
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.used
}

// maxOriginal is the cap on the originals kept opt asks for (negative:
// none kept).
func maxOriginal(opt Options) int64 {
	if opt.MaxOriginal == 0 {
		return DefaultMaxOriginal
	}
	return opt.MaxOriginal
}

// DefaultMaxOriginal is the upload cap (api.DefaultMaxUpload): a file
// the server would accept as an upload is kept when ingested too, so a
// bulk-loaded report opens at its cited line like an uploaded one.
const DefaultMaxOriginal = 20 << 20

// DefaultBatchSize is the reports per transaction when Options leave it 0.
// Measured with BenchmarkStoreBatch on 6 012 reports: 2.36 ms of CPU per
// report (store + re-check) at 256, 2.18 at 1 024, 1.77 at 4 096; but
// analytics ingest of the same files used 20.6 s of CPU and 623 MB at
// 1 024 against 20.4 s and 1.12 GB at 4 096, since a batch's reports and
// rows sit in memory until it commits.
const DefaultBatchSize = 1024

// Progress receives a tick per file handled.
type Progress func(done, total int, path string)

// IngestPaths parses every report under paths on all cores and stores
// them in batches of whole reports, one transaction per batch, through one
// writer. A file that cannot be read is reported and skipped.
func IngestPaths(ctx context.Context, st *store.Store, paths []string, meta Meta, progress Progress) (Summary, error) {
	return IngestPathsWith(ctx, st, paths, meta, Options{}, progress)
}

// IngestPathsWith is IngestPaths with options: each document is classified
// first (non-reports are skipped with a line saying so), each report is
// stored as a version of its agency and year, and a version that would
// shrink the current report, or that a second file of the batch claims, is
// kept but not made current without Force.
func IngestPathsWith(ctx context.Context, st *store.Store, paths []string, meta Meta, opt Options, progress Progress) (Summary, error) {
	files, err := CollectFiles(paths)
	if err != nil {
		return Summary{ByRule: map[string]int{}}, err
	}
	// Cancelled on return so the parsing goroutines stop.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	limit := opt.QueueBytes
	if limit <= 0 {
		limit = QueueBytes
	}
	q := newQueue(limit)
	if opt.Stats != nil {
		opt.Stats.queue.Store(q)
	}
	return storeResults(ctx, st, parseStream(ctx, files, meta, queueWindow, q, maxOriginal(opt)), len(files), opt, progress, q)
}

// StoreResults stores files already read (in the order they come) the way
// IngestPathsWith does: batches of whole reports, then the assessment's
// re-check of the counties touched. total is the number of files, for
// progress. It is IngestPathsWith without the reading, so the store's
// cost can be measured alone (BenchmarkStoreBatch).
func StoreResults(ctx context.Context, st *store.Store, results <-chan Result, total int, opt Options, progress Progress) (Summary, error) {
	return storeResults(ctx, st, results, total, opt, progress, nil)
}

// storeResults is StoreResults releasing each result's cost from held once
// the writer is done with it (stored, or not to be stored).
func storeResults(ctx context.Context, st *store.Store, results <-chan Result, total int, opt Options, progress Progress, held *queue) (Summary, error) {
	sum := Summary{ByRule: map[string]int{}}
	size := opt.BatchSize
	if size <= 0 {
		size = DefaultBatchSize
	}
	// agency id and year → the file that claimed it. The key holds the
	// registry's id string, not a new one: one entry per report of the
	// run (200 000 at national size) is all this map costs.
	type claim struct {
		id   string
		year int
	}
	claimed := map[claim]string{}
	unreg := map[string]bool{}
	// The assessment's cross-report checks run once per county at the end,
	// over the years stored, rather than once per report.
	touched := map[string][2]int{}
	var stored []int64 // the reports whose current rows this ingest wrote
	maxOrig := maxOriginal(opt)
	// kept: the documents of the batch being stored already looked at; one
	// kept by an earlier batch is found by the store (KeepSourcesOf asks
	// the database), so no map of the whole run's documents is held.
	// refused: the run's documents that could not be kept (too large,
	// unreadable), so each is named once.
	kept, refused := map[string]bool{}, map[string]bool{}
	var originals []original // of the batch being stored
	defer func() {
		spans := make([]assess.CountySpan, 0, len(touched))
		for county, years := range touched {
			spans = append(spans, assess.CountySpan{County: county, From: years[0], To: years[1] + 1})
		}
		sort.Slice(spans, func(i, j int) bool { return spans[i].County < spans[j].County })
		if opt.Stats != nil {
			opt.Stats.After.Store(true)
		}
		if opt.After != nil {
			opt.After(ctx, stored, spans)
			return
		}
		if err := assess.RecheckCounties(ctx, st, spans, nil); err != nil { // nil: each county its own sheet
			slog.Error("assessment checks", "counties", len(spans), "err", err)
		}
	}()
	type queued struct {
		path string
		item store.BatchItem
		cost int64   // the result's queue cost, on its first report
		orig *packed // made by the reader (nil: read again at keeping)
	}
	var batch []queued
	// done counts what the store did with one report.
	done := func(q queued, saved store.SaveResult) {
		r := q.item.Report
		if o := q.item.Original; o != nil {
			// Kept in the batch's own transaction.
			if saved.OriginalKept {
				sum.Originals++
				sum.OriginalBytes += o.Packed.Size
			}
		} else if maxOrig > 0 && r.SHA256 != "" && !kept[r.SHA256] && !refused[r.SHA256] {
			// Every report stored (or unchanged: one ingested before
			// originals were kept gains its source now) has its document,
			// kept at the end of its batch (keepOriginals).
			kept[r.SHA256] = true
			originals = append(originals, original{path: q.path, r: r, orig: q.orig})
		}
		switch {
		case saved.Unchanged:
			sum.Unchanged++
			return
		case !saved.Current:
			sum.Held = append(sum.Held, fmt.Sprintf("%s: 已存为报告 %d 的第 %d 版，但未设为当前版本：%s（确认无误请加 --force 重新导入，或在页面上恢复该版本）", q.path, saved.ID, saved.Version, saved.Held))
			return
		}
		y := touched[r.County]
		if y[0] == 0 || r.Year < y[0] {
			y[0] = r.Year
		}
		y[1] = max(y[1], r.Year)
		touched[r.County] = y
		stored = append(stored, saved.ID)
		for _, code := range saved.Orphaned {
			sum.ToReview = append(sum.ToReview, fmt.Sprintf("%s: 报告 %d 单元格 %s 的人工更正与新版本原文不符，已保留未套用", q.path, saved.ID, code))
		}
		sum.Stored++
		if saved.Replaced {
			sum.Replaced++
		}
		for _, f := range r.Findings {
			sum.ByRule[f.Rule]++
		}
	}
	flush := func() error {
		defer func() {
			for _, q := range batch {
				held.release(q.cost)
			}
			batch = batch[:0]
		}()
		if len(batch) == 0 {
			return nil
		}
		if opt.Stats != nil {
			start := time.Now()
			opt.Stats.Batches.Add(1)
			defer func() { opt.Stats.Busy.Add(int64(time.Since(start))) }()
		}
		var ahead <-chan map[string]fetched
		if maxOrig > 0 && size > 1 {
			var paths []string // the documents no reader packed
			for _, q := range batch {
				if q.orig == nil {
					paths = append(paths, q.path)
				}
			}
			if len(paths) > 0 {
				ahead = fetchOriginals(paths, maxOrig)
			}
		}
		defer func() {
			var got map[string]fetched
			if ahead != nil {
				got = <-ahead
			}
			keepOriginals(ctx, st, originals, maxOrig, &sum, got, refused)
			originals = originals[:0]
			clear(kept)
		}()
		if size == 1 {
			// One report per transaction: the path uploads take.
			for _, q := range batch {
				saved, err := st.SaveWith(ctx, q.item.Report, q.item.Opt)
				if err != nil {
					if errors.Is(err, store.ErrLocked) {
						return err
					}
					sum.Failed++
					sum.Failures = append(sum.Failures, err.Error())
					continue
				}
				if saved.Current && !saved.Unchanged {
					if err := assess.KeepText(ctx, st, q.item.Report); err != nil {
						slog.Error("assessment text", "file", q.path, "err", err)
					}
				}
				done(q, saved)
			}
			return nil
		}
		items := make([]store.BatchItem, len(batch))
		for i, q := range batch {
			items[i] = q.item
		}
		saved, errs, err := st.SaveBatch(ctx, items)
		if err != nil {
			return err
		}
		for i, q := range batch {
			if errs[i] != nil {
				if errors.Is(errs[i], store.ErrLocked) {
					return errs[i]
				}
				sum.Failed++
				sum.Failures = append(sum.Failures, errs[i].Error())
				continue
			}
			done(q, saved[i])
		}
		return nil
	}
	i := 0
	// take handles one read result: counted, and its reports queued in
	// the batch (which is stored whenever it reaches the batch size).
	take := func(res Result) error {
		i++
		if opt.Stats != nil {
			opt.Stats.Files.Add(1)
		}
		if progress != nil {
			progress(i, total, res.Path)
		}
		cost := res.cost
		defer func() { held.release(cost) }() // what no queued report carries
		if res.Skipped != "" {
			sum.Skipped = append(sum.Skipped, fmt.Sprintf("%s: %s（%s），已跳过", res.Path, res.Skipped, KindNotReport.Label()))
			return nil
		}
		if res.Err != nil {
			sum.Failed++
			sum.Failures = append(sum.Failures, res.Err.Error())
			return nil
		}
		sum.Read++
		for j, r := range res.Reports {
			kind := KindAnnual2021
			if j < len(res.Kinds) {
				kind = res.Kinds[j]
			}
			if !kind.Storable() {
				why := ""
				if j < len(res.Why) {
					why = res.Why[j]
				}
				sum.Skipped = append(sum.Skipped, fmt.Sprintf("%s: %s（%s），已跳过", res.Path, kind.Label(), why))
				continue
			}
			// Stored and shown to the public: the file's name, not where it
			// lay on this machine.
			r.File = filepath.Base(r.File)
			if r.Agency == "" || r.Year == 0 {
				sum.Failed++
				sum.Failures = append(sum.Failures, fmt.Sprintf("%s: %v (agency %q, year %d); pass --agency/--year or list it in manifest.csv", res.Path, ErrNoKey, r.Agency, r.Year))
				continue
			}
			so := store.SaveOptions{Author: opt.Author, Force: opt.Force, DivisionCode: res.DivisionCode, Kind: string(kind)}
			id, registered, err := st.ResolveAgency(ctx, r.Agency, r.County, res.DivisionCode, r.Synthetic)
			if err != nil {
				return err
			}
			key := claim{id, r.Year}
			if first, ok := claimed[key]; ok {
				msg := fmt.Sprintf("%s 与 %s 都是 %s %d 年的报告", res.Path, first, r.Agency, r.Year)
				sum.Conflicts = append(sum.Conflicts, msg)
				so.Hold = "同一批次的冲突：" + msg
			} else {
				claimed[key] = res.Path
			}
			if !registered && !r.Synthetic && !unreg[id] {
				unreg[id] = true
				sum.Unregistered = append(sum.Unregistered, fmt.Sprintf("%s（%s，县：%s）", r.Agency, id, orDash(r.County)))
			}
			item := store.BatchItem{Report: r, Opt: so, KeepText: true}
			var orig *packed
			if j < len(res.ready) {
				item.Narrative, item.Codes, orig = res.ready[j].narrative, res.ready[j].codes, res.ready[j].orig
			} else {
				item.Narrative = narrative(r)
			}
			if orig != nil && !orig.over && size > 1 && r.SHA256 != "" {
				// Packed by the reader: kept with the report, in its batch.
				item.Original = &store.Original{SHA256: r.SHA256, Name: res.Path, Packed: orig.src}
			}
			batch = append(batch, queued{path: res.Path, item: item, cost: cost, orig: orig})
			cost = 0 // released with the batch
			if len(batch) >= size {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		return nil
	}
	// The writer never makes the readers wait for a full batch: it waits
	// for one result, takes whatever else is queued behind it (up to the
	// batch size, at least fillBatch while the queue has room) and stores
	// that as one batch, while the readers go on filling the queue.
	poll := time.NewTicker(fillPoll)
	defer poll.Stop()
	for res := range results {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		if err := take(res); err != nil {
			return sum, err
		}
		// A batch under fillBatch reports waits for more, up to fillWait,
		// unless the queue is at its bound (then nothing more is read
		// until this batch is stored): each batch costs its lookups and a
		// commit whatever its size, and a writer taking only what was
		// queued made batches of ~350 national reports, 57 for 20 000
		// files against 41 (docs/benchmarks.md, "Ingest writer and
		// memory, third pass").
		fill := time.Now().Add(fillWait)
	more:
		for len(batch) > 0 && len(batch) < size {
			if len(batch) >= min(size, fillBatch) || held.full() || time.Now().After(fill) {
				select {
				case res, ok := <-results:
					if !ok {
						break more
					}
					if err := take(res); err != nil {
						return sum, err
					}
				default:
					break more
				}
				continue
			}
			select {
			case res, ok := <-results:
				if !ok {
					break more
				}
				if err := take(res); err != nil {
					return sum, err
				}
			case <-poll.C:
				// the queue's bound and the time looked at again
			case <-ctx.Done():
				break more
			}
		}
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		if err := flush(); err != nil {
			return sum, err
		}
	}
	if err := ctx.Err(); err != nil {
		return sum, err
	}
	if err := flush(); err != nil {
		return sum, err
	}
	return sum, nil
}

// original is a document whose reports were stored, to be kept.
type original struct {
	path string
	r    *report.Report
	orig *packed // packed by its reader; nil: read again here
}

// keepOriginals stores the documents of a batch's reports that were not
// kept with the batch itself (store.BatchItem.Original: a reader packed
// them) under their sha256, in one transaction after it, as an upload
// keeps its own: those stored one report per transaction (BatchSize 1),
// those read without packing (StoreResults), those over the limit (named
// in the summary). One kept before is not stored again (a re-ingest stores
// nothing new). A document not packed is read again here, or by
// fetchOriginals beside the batch, and one changed on disk since it was
// read is not kept under the old hash. A failure costs the originals, not
// the reports, which are stored already.
func keepOriginals(ctx context.Context, st *store.Store, docs []original, limit int64, sum *Summary, got map[string]fetched, refused map[string]bool) {
	if len(docs) == 0 {
		return
	}
	var n int
	var size int64
	var notKept []string
	hashes := make([]string, len(docs))
	for i, d := range docs {
		hashes[i] = d.r.SHA256
	}
	// The batch's documents kept before are asked in one query, not one
	// each (store.KeepSourcesOf).
	err := st.KeepSourcesOf(ctx, hashes, func(kept map[string]bool, keep func(hash, name string, p store.PackedSource) error) error {
		for _, d := range docs {
			if kept[d.r.SHA256] {
				continue
			}
			p := d.orig
			if p == nil {
				f, ok := got[d.path]
				if !ok {
					f = fetchOriginal(d.path, limit)
				}
				err := f.err
				if err == nil && !f.over && f.sha256 != d.r.SHA256 {
					err = errors.New("读取后文件已改变")
				}
				if err != nil {
					refused[d.r.SHA256] = true
					notKept = append(notKept, fmt.Sprintf("%s: 原件未能保存（%v）", d.path, err))
					continue
				}
				p = &packed{over: f.over}
				if !f.over {
					p.src = store.PackSource(f.data, d.r.Text)
				}
			}
			if p.over {
				refused[d.r.SHA256] = true
				notKept = append(notKept, fmt.Sprintf("%s: 原件超过 %d MB，未保存（报告已入库，但不能打开原文）", d.path, limit>>20))
				continue
			}
			if err := keep(d.r.SHA256, d.path, p.src); err != nil {
				return err
			}
			n++
			size += p.src.Size
		}
		return nil
	})
	if err != nil {
		slog.Warn("originals not kept", "documents", len(docs), "err", err)
		sum.NotKept = append(sum.NotKept, fmt.Sprintf("本批 %d 份原件未能保存（%v）", len(docs), err))
		return
	}
	sum.Originals += n
	sum.OriginalBytes += size
	sum.NotKept = append(sum.NotKept, notKept...)
}

// fetched is an original document read again for keeping, with its
// sha256 (over: larger than the cap, not read).
type fetched struct {
	data   []byte
	sha256 string
	over   bool
	err    error
}

// fetchOriginal reads one original document for keepOriginals.
func fetchOriginal(path string, limit int64) fetched {
	fi, err := os.Stat(path)
	if err != nil {
		return fetched{err: err}
	}
	if fi.Size() > limit {
		return fetched{over: true}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fetched{err: err}
	}
	sum := sha256.Sum256(data)
	return fetched{data: data, sha256: hex.EncodeToString(sum[:])}
}

// Reading ahead holds a batch's documents in memory until they are kept:
// at most aheadBytes of them, each at most aheadFile (national reports
// are ~15 KB); the others are read by keepOriginals itself.
const (
	aheadFile  = 1 << 20
	aheadBytes = 32 << 20
)

// fetchOriginals reads a batch's documents and hashes them in a goroutine
// of its own while the writer stores the batch: read again by the writer
// they were ~0.03 ms of its time a report (docs/benchmarks.md, "Ingest
// writer and memory, third pass"). What keepOriginals keeps is the same:
// a document changed on disk since it was read is refused by its hash
// either way.
func fetchOriginals(paths []string, limit int64) <-chan map[string]fetched {
	out := make(chan map[string]fetched, 1)
	go func() {
		got := make(map[string]fetched, len(paths))
		var total int64
		for _, p := range paths {
			if _, ok := got[p]; ok {
				continue
			}
			fi, err := os.Stat(p)
			if err != nil || fi.Size() > min(limit, aheadFile) || total+fi.Size() > aheadBytes {
				continue // keepOriginals reads it, and says why it cannot
			}
			f := fetchOriginal(p, limit)
			total += int64(len(f.data))
			got[p] = f
		}
		out <- got
	}()
	return out
}

// narrative is the text sections the assessment keeps (assess.KeepText).
func narrative(r *report.Report) []store.NarrativeSection {
	var secs []store.NarrativeSection
	if strings.TrimSpace(r.Text) != "" {
		for _, s := range assess.SplitSections(r.Text) {
			secs = append(secs, store.NarrativeSection{Number: s.Number, Body: s.Body})
		}
	}
	return secs
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// WriteSummary prints a summary for people.
func (s Summary) WriteSummary(w io.Writer) {
	fmt.Fprintf(w, "读取 read %d, 入库 stored %d, 替换 replaced %d, 未变 unchanged %d, 暂缓 held %d, 跳过 skipped %d, 失败 failed %d\n",
		s.Read, s.Stored, s.Replaced, s.Unchanged, len(s.Held), len(s.Skipped), s.Failed)
	fmt.Fprintf(w, "保存原件 originals kept %d（%.1f MB）\n", s.Originals, float64(s.OriginalBytes)/(1<<20))
	rules := make([]string, 0, len(s.ByRule))
	for r := range s.ByRule {
		rules = append(rules, r)
	}
	sort.Strings(rules)
	for _, r := range rules {
		fmt.Fprintf(w, "  %-18s %4d  %s\n", r, s.ByRule[r], report.RuleLabels[r])
	}
	for _, f := range s.Skipped {
		fmt.Fprintf(w, "  跳过 %s\n", f)
	}
	for _, f := range s.NotKept {
		fmt.Fprintf(w, "  原件 %s\n", f)
	}
	for _, f := range s.Held {
		fmt.Fprintf(w, "  暂缓 %s\n", f)
	}
	for _, f := range s.ToReview {
		fmt.Fprintf(w, "  待复核 %s\n", f)
	}
	for _, f := range s.Conflicts {
		fmt.Fprintf(w, "  冲突 %s\n", f)
	}
	if len(s.Unregistered) > 0 {
		fmt.Fprintf(w, "  待映射 %d 个单位不在登记册中（analytics registry unresolved 或 GET /api/v1/agencies?unregistered=1）：\n", len(s.Unregistered))
		for _, u := range s.Unregistered {
			fmt.Fprintf(w, "    %s\n", u)
		}
	}
	for _, f := range s.Failures {
		fmt.Fprintf(w, "  失败 %s\n", f)
	}
}
