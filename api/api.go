// Package api serves Nianbao's JSON API under /api/v1. Reads are public;
// uploading and deleting reports need a bearer token. Every route is
// registered in routes, so the whole API reads in one screen; handlers
// decode the request, call the query service or the store, and answer
// through the helpers of respond.go.
package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"nianbao/change"
	"nianbao/internal/respcache"
	"nianbao/query"
	"nianbao/report"
	"nianbao/store"
)

// Parser turns an uploaded file into reports (ingest.ParseBytes behind a
// small interface, so tests can pass a fake).
type Parser interface {
	Parse(ctx context.Context, name string, data []byte) ([]*report.Report, error)
}

// ParserFunc adapts a function to Parser.
type ParserFunc func(ctx context.Context, name string, data []byte) ([]*report.Report, error)

// Parse calls f.
func (f ParserFunc) Parse(ctx context.Context, name string, data []byte) ([]*report.Report, error) {
	return f(ctx, name, data)
}

// DefaultMaxUpload is the largest accepted upload: 20 MB.
const DefaultMaxUpload = 20 << 20

// Options configure the API.
type Options struct {
	// Tokens maps each accepted bearer token to the name recorded as who
	// made the change. No tokens: writes are refused.
	Tokens map[string]string
	// Users gives a token's role and scope (LoadUsers); a token of
	// Tokens without an entry here is an admin.
	Users map[string]User
	// People finds a person of the database by their token (people added
	// on the /web/people page); nil: the token file's people only.
	People func(ctx context.Context, token string) (User, bool)
	// Parser reads uploads; nil answers POST /reports with 501.
	Parser Parser
	// MaxUpload bounds an upload in bytes; 0 means DefaultMaxUpload.
	MaxUpload int64
	// Logger receives server errors and writes; nil means slog.Default().
	Logger *slog.Logger
	// MaxBody bounds every other request body; 0 means DefaultMaxBody.
	MaxBody int64
	// MaxParses bounds the uploads read at once; 0 means GOMAXPROCS.
	MaxParses int
	// ParseWait is how long an upload waits for a free parser before a
	// 503; 0 means DefaultParseWait.
	ParseWait time.Duration
	// ParseTimeout bounds the reading of one upload; 0 means
	// DefaultParseTimeout.
	ParseTimeout time.Duration
	// WritesPerMinute bounds the writes (uploads, deletions, corrections,
	// reviews) of one client address; 0 means no limit.
	WritesPerMinute int
	// ExportsPerMinute bounds the Parquet export calls of one client
	// address; 0 means DefaultExportsPerMinute, negative no limit.
	ExportsPerMinute int
	// Throttle slows down token guessing (ratelimit.go); nil means a new
	// one with the defaults. The server shares one with the sign-in page.
	Throttle *Throttle
	// ExportDir keeps the Parquet export of the current data; "" makes a
	// temporary folder at the first export.
	ExportDir string
	// Changes makes every write (package change); nil means one over st.
	Changes *change.Service
}

type handler struct {
	q       *query.Service
	st      *store.Store
	opts    Options
	log     *slog.Logger
	adm     *Admission       // the one gate of every parse (admission.go)
	limiter *writeLimiter    // nil: writes are not rate-limited
	answers *respcache.Cache // finished GET answers (answercache.go)
	whole   *wholeAnswers    // whole-country answers, once per generation (answercache.go)
	// The Parquet export, once per generation (export.go), and its
	// per-address limit (nil: none).
	parquet       *parquetCache
	exportLimiter *writeLimiter
	ch            *change.Service // every write goes through it
}

// New returns a Gin engine serving the API. Callers may add routes to it
// (the dashboards mount themselves this way).
func New(q *query.Service, st *store.Store, opts Options) *gin.Engine {
	r, _ := NewServer(q, st, opts)
	return r
}

// NewServer is New with the API's reading of uploads, for the pages of the
// same server (package web) to store uploads as POST /reports does.
func NewServer(q *query.Service, st *store.Store, opts Options) (*gin.Engine, *Uploads) {
	if opts.MaxUpload <= 0 {
		opts.MaxUpload = DefaultMaxUpload
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultMaxBody
	}
	if opts.ParseWait <= 0 {
		opts.ParseWait = DefaultParseWait
	}
	if opts.ParseTimeout <= 0 {
		opts.ParseTimeout = DefaultParseTimeout
	}
	if opts.Changes == nil {
		opts.Changes = change.New(st, opts.Logger)
	}
	if opts.Throttle == nil {
		opts.Throttle = NewThrottle()
	}
	if opts.ExportsPerMinute == 0 {
		opts.ExportsPerMinute = DefaultExportsPerMinute
	}
	h := &handler{q: q, st: st, opts: opts, log: opts.Logger, limiter: newWriteLimiter(opts.WritesPerMinute), answers: newAnswerCache(), ch: opts.Changes,
		parquet: &parquetCache{dir: opts.ExportDir}, exportLimiter: newRateLimiter(opts.ExportsPerMinute, opts.ExportsPerMinute)}
	h.adm, h.opts.Parser = admissionOf(opts)
	r := gin.New()
	r.Use(h.recover, h.secure)
	r.MaxMultipartMemory = 8 << 20
	routes(r, h)
	h.whole = newWholeAnswers(r, q, h.log)
	return r, &Uploads{h: h}
}

// routes lists every route of the API.
func routes(r *gin.Engine, h *handler) {
	v1 := r.Group("/api/v1")
	v1.Use(h.cacheAnswers) // issue 14: repeated GETs answered from finished bytes
	v1.GET("/health", h.health)
	v1.GET("/openapi.json", h.openapi)
	v1.GET("/codes", h.codes)
	v1.GET("/metrics", h.metrics)
	v1.GET("/reports", h.listReports)
	v1.GET("/reports/:id", h.getReport)
	v1.POST("/reports", h.auth, h.uploadReport)
	v1.DELETE("/reports/:id", h.auth, h.deleteReport)
	v1.PUT("/reports/:id/cells/:code", h.auth, h.correctCell)
	v1.DELETE("/reports/:id/cells/:code", h.auth, h.undoCorrection) // issue 12: undo a correction
	v1.PUT("/reports/:id/findings/:index/review", h.auth, h.reviewFinding)
	v1.POST("/reports/:id/findings/:index/return", h.auth, h.returnFinding) // issue 21: rectify.go
	v1.GET("/rectifications", h.listRectifications)
	v1.POST("/rectifications/:id/close", h.auth, h.closeRectification)
	v1.GET("/audit", h.audit)
	v1.GET("/export/parquet", h.exportParquet) // issue 12: analytics export while serving
	v1.GET("/bundle", h.bundle)                // issue 22: a county's year in one zip
	v1.POST("/admin/backup", h.auth, h.backup) // issue 20: analytics backup while serving (admin)
	v1.GET("/cells", h.cells)
	v1.GET("/stats/applications", h.applications)
	v1.GET("/stats/outcomes", h.outcomes)
	v1.GET("/stats/reviews", h.reviews)
	v1.GET("/stats/proactive", h.proactive)
	v1.GET("/stats/compare", h.compare)
	v1.GET("/stats/findings", h.findings)
	// Issue 10: the registry, report versions, metadata fixes, filing.
	v1.GET("/registry", h.registryInfo)
	v1.GET("/reports/:id/versions", h.listVersions)
	v1.POST("/reports/:id/versions/:version/restore", h.auth, h.restoreVersion)
	v1.GET("/reports/:id/diff", h.diffVersions)
	v1.PATCH("/reports/:id", h.auth, h.updateMeta)
	v1.GET("/agencies", h.listAgencies)
	v1.GET("/agencies/:id", h.getAgency)
	v1.POST("/agencies/:id/merge", h.auth, h.mergeAgency)
	v1.GET("/unassigned", h.unassigned)
	v1.GET("/filing", h.filing)
	v1.PUT("/filing/:agency/:year", h.auth, h.markFiling)
	v1.GET("/rules", h.rules)
	v1.GET("/assessment", h.assessment)
	v1.GET("/schemes/:id", h.schemeText)
	v1.GET("/schemes", h.schemes)                      // issue 21: scheme packs
	v1.GET("/assessment/letters", h.assessmentLetters) // issue 21: letters.go
	v1.GET("/assessment/reminders", h.assessmentReminders)
	v1.GET("/assessment/peers", h.assessmentPeers)
	v1.GET("/places", h.places) // issue 14: the pickers' search, bounded
	// Issue 19: score sheets per county or city (sheets.go).
	v1.GET("/sheets", h.listSheets)
	v1.GET("/sheets/:name", h.getSheet)
	v1.PUT("/sheets/:name", h.auth, h.putSheet)
	v1.PUT("/sheets/:name/places/:place", h.auth, h.putSheetPlace)
	v1.DELETE("/sheets/:name/places/:place", h.auth, h.deleteSheetPlace)
	r.GET("/openapi.json", h.openapi)
	r.NoRoute(func(c *gin.Context) {
		h.fail(c, http.StatusNotFound, "not_found", "没有这个地址："+shortPath(c.Request.URL.Path))
	})
}

func (h *handler) recover(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			h.log.Error("panic", "path", c.Request.URL.Path, "panic", v)
			h.fail(c, http.StatusInternalServerError, "internal", "服务器内部错误")
			c.Abort()
		}
	}()
	c.Next()
}

func (h *handler) health(c *gin.Context) {
	if err := h.q.Ping(c.Request.Context()); err != nil {
		h.log.Error("health", "err", err)
		h.fail(c, http.StatusServiceUnavailable, "internal", "数据库没有响应")
		return
	}
	h.answer(c, gin.H{"status": "ok"})
}

func (h *handler) codes(c *gin.Context) {
	h.answer(c, gin.H{"codes": report.Cells()})
}

func (h *handler) metrics(c *gin.Context) {
	h.answer(c, gin.H{"metrics": query.Metrics()})
}

// params are the filter, grouping and format of a read request.
type params struct {
	f      query.Filter
	g      query.GroupBy
	format string
}

// parseParams reads year, county, agency, edition, has_findings, limit,
// offset, group_by and format.
func parseParams(c *gin.Context) (params, error) {
	var p params
	if err := checkFilters(c); err != nil {
		return p, err
	}
	bad := func(field, msg string) error { return &query.InputError{Field: field, Message: msg} }
	atoi := func(name string, min int) (int, error) {
		s := strings.TrimSpace(c.Query(name))
		if s == "" {
			return 0, nil
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < min {
			return 0, bad(name, fmt.Sprintf("参数 %s 应为不小于 %d 的整数，收到 %q", name, min, s))
		}
		return n, nil
	}
	var err error
	if p.f.Year, err = atoi("year", 1); err != nil {
		return p, err
	}
	if p.f.Limit, err = atoi("limit", 0); err != nil {
		return p, err
	}
	if p.f.Offset, err = atoi("offset", 0); err != nil {
		return p, err
	}
	p.f.County = strings.TrimSpace(c.Query("county"))
	p.f.Agency = strings.TrimSpace(c.Query("agency"))
	p.f.Province = strings.TrimSpace(c.Query("province"))
	p.f.City = strings.TrimSpace(c.Query("city"))
	p.f.AgencyID = strings.TrimSpace(c.Query("agency_id"))
	p.f.Level = strings.TrimSpace(c.Query("level"))
	switch e := strings.TrimSpace(c.Query("edition")); e {
	case "", report.Edition2019, report.Edition2021:
		p.f.Edition = e
	default:
		return p, bad("edition", fmt.Sprintf("参数 edition 应为 2019 或 2021，收到 %q", e))
	}
	switch v := strings.TrimSpace(c.Query("has_findings")); v {
	case "":
	case "1", "true", "yes":
		t := true
		p.f.HasFindings = &t
	case "0", "false", "no":
		f := false
		p.f.HasFindings = &f
	default:
		return p, bad("has_findings", fmt.Sprintf("参数 has_findings 应为 true 或 false，收到 %q", v))
	}
	p.f.Dismissed = flag(c, "dismissed")
	if p.g, err = query.ParseGroupBy(c.Query("group_by")); err != nil {
		return p, err
	}
	switch f := strings.TrimSpace(c.Query("format")); f {
	case "", "json":
		p.format = "json"
	case "csv", "xlsx":
		p.format = f
	default:
		return p, bad("format", fmt.Sprintf("参数 format 应为 json、csv 或 xlsx，收到 %q", f))
	}
	return p, nil
}

// tabler is a result that can be exported.
type tabler interface{ Tables() []query.Table }

// read runs a read handler: parse the parameters, call get, answer.
func (h *handler) read(c *gin.Context, name string, get func(ctx context.Context, p params) (tabler, error)) {
	p, err := parseParams(c)
	if err != nil {
		h.error(c, err)
		return
	}
	// The county is resolved as /filing and /assessment resolve it
	// (store.PlaceOf): a name two counties share is refused here too,
	// rather than summing both. A code, or a name the registry does not
	// know (reports stored under it), is filtered as given.
	if p.f.County != "" && h.st != nil {
		if err := h.st.Unambiguous(c.Request.Context(), p.f.County); err != nil {
			h.registryError(c, err)
			return
		}
	}
	res, err := get(c.Request.Context(), p)
	if err != nil {
		h.error(c, err)
		return
	}
	h.export(c, p.format, statFileName(p, name), res)
}

func (h *handler) listReports(c *gin.Context) {
	h.read(c, "reports", func(ctx context.Context, p params) (tabler, error) { return h.q.Reports(ctx, p.f) })
}

func (h *handler) cells(c *gin.Context) {
	h.read(c, "cells", func(ctx context.Context, p params) (tabler, error) {
		return h.q.Cells(ctx, strings.Split(c.Query("codes"), ","), p.f, p.g)
	})
}

func (h *handler) applications(c *gin.Context) {
	h.read(c, "applications", func(ctx context.Context, p params) (tabler, error) { return h.q.Applications(ctx, p.f, p.g) })
}

func (h *handler) outcomes(c *gin.Context) {
	h.read(c, "outcomes", func(ctx context.Context, p params) (tabler, error) { return h.q.Outcomes(ctx, p.f, p.g) })
}

func (h *handler) reviews(c *gin.Context) {
	h.read(c, "reviews", func(ctx context.Context, p params) (tabler, error) { return h.q.Reviews(ctx, p.f, p.g) })
}

func (h *handler) proactive(c *gin.Context) {
	h.read(c, "proactive", func(ctx context.Context, p params) (tabler, error) { return h.q.Proactive(ctx, p.f, p.g) })
}

func (h *handler) compare(c *gin.Context) {
	h.read(c, "compare", func(ctx context.Context, p params) (tabler, error) {
		metric := c.DefaultQuery("metric", "outcomes.disclosure_rate")
		return h.q.CompareIn(ctx, p.f, metric)
	})
}

func (h *handler) findings(c *gin.Context) {
	h.read(c, "findings", func(ctx context.Context, p params) (tabler, error) { return h.q.Findings(ctx, p.f, p.g) })
}

func reportID(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, &query.InputError{Field: "id", Message: fmt.Sprintf("报告编号应为正整数，收到 %q", c.Param("id"))}
	}
	return id, nil
}

func flag(c *gin.Context, name string) bool {
	switch c.Query(name) {
	case "1", "true", "yes", "zh":
		return true
	}
	return false
}

func (h *handler) getReport(c *gin.Context) {
	id, err := reportID(c)
	if err != nil {
		h.error(c, err)
		return
	}
	docx := c.Query("format") == "docx" // the official layout only a single report has
	var p params
	if !docx {
		if p, err = parseParams(c); err != nil {
			h.error(c, err)
			return
		}
	}
	d, err := h.q.Report(c.Request.Context(), id, query.ReportOptions{Labels: c.Query("labels") == "zh", Sources: flag(c, "sources")})
	if err != nil {
		h.error(c, err)
		return
	}
	name := fmt.Sprintf("%s_%d_%s_年度报告", d.County, d.Year, d.Agency)
	if docx {
		body, err := OfficialDOCX(d)
		h.file(c, name+".docx", body, err)
		return
	}
	if p.format == "xlsx" && c.Query("layout") != "codes" {
		// The printed tables 2–4; layout=codes keeps the list of cell codes.
		body, err := OfficialXLSX(d)
		h.file(c, name+".xlsx", body, err)
		return
	}
	h.export(c, p.format, name, d)
}

func (h *handler) deleteReport(c *gin.Context) {
	id, err := reportID(c)
	if err != nil {
		h.error(c, err)
		return
	}
	if err := h.ch.Delete(c.Request.Context(), h.actor(c), id, c.Query("reason")); err != nil {
		h.changeError(c, err, h.error)
		return
	}
	h.log.Info("report deleted", "id", id, "by", c.GetString("who"))
	c.Status(http.StatusNoContent)
}

// Uploaded is one report stored by POST /reports.
type Uploaded struct {
	ID       int64          `json:"id"`
	Replaced bool           `json:"replaced"`
	Previous int64          `json:"previous_id,omitempty"`
	Report   *report.Report `json:"report"`
	// Issue 10: the version this upload became, whether it is current, why
	// not (a far smaller document: send force=1 to confirm), the agency.
	Version int    `json:"version"`
	Current bool   `json:"current"`
	Held    string `json:"held,omitempty"`
	// Unchanged: the same document as the current version, nothing stored.
	Unchanged bool   `json:"unchanged,omitempty"`
	AgencyID  string `json:"agency_id"`
	// Corrected counts the people's corrections laid over this version;
	// ToReview names the cells whose corrections it reads differently:
	// kept, not applied, 待复核.
	Corrected int      `json:"corrections_kept"`
	ToReview  []string `json:"corrections_to_review,omitempty"`
	// Verdict judges the stored report's findings (parser and assessment
	// checks), as its page and 预检 do.
	Verdict report.Verdict `json:"verdict"`
}

func (h *handler) uploadReport(c *gin.Context) {
	if h.opts.Parser == nil {
		h.fail(c, http.StatusNotImplemented, "internal", "本服务器未配置报告解析器，无法上传")
		return
	}
	if c.Request.ContentLength > h.opts.MaxUpload {
		h.tooLarge(c)
		return
	}
	// A slow upload may take longer than the server's read and write
	// timeouts allow other requests: it gets a deadline of its own.
	rc := http.NewResponseController(c.Writer)
	rc.SetReadDeadline(time.Now().Add(UploadDeadline))
	rc.SetWriteDeadline(time.Now().Add(UploadDeadline + h.opts.ParseTimeout + h.opts.ParseWait))
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, h.opts.MaxUpload)
	fh, err := c.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			h.tooLarge(c)
			return
		}
		h.fail(c, http.StatusBadRequest, "bad_request", "请用 multipart/form-data 上传，文件放在字段 file 中")
		return
	}
	if fh.Size > h.opts.MaxUpload {
		h.tooLarge(c)
		return
	}
	f, err := fh.Open()
	if err != nil {
		h.error(c, fmt.Errorf("open upload: %w", err))
		return
	}
	data, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		h.error(c, fmt.Errorf("read upload: %w", err))
		return
	}
	fields := map[string]string{}
	for _, k := range []string{"agency", "county", "year", "force"} {
		fields[k] = c.PostForm(k)
	}
	who := c.GetString("who")
	out, err := h.store(c.Request.Context(), h.actor(c), fh.Filename, data, fields)
	var re *ReadError
	switch {
	case errors.As(err, &re) && re.Status == http.StatusServiceUnavailable:
		h.busy(c)
		return
	case errors.As(err, &re):
		h.fail(c, re.Status, re.Code, re.Message)
		return
	case c.Request.Context().Err() != nil:
		h.log.Info("upload abandoned by its client", "file", fh.Filename, "err", c.Request.Context().Err())
		c.Abort()
		return
	case err != nil:
		h.changeError(c, err, h.error)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"uploaded_by": who, "reports": out})
}

// parse runs the parser, turning a panic on strange bytes into an
// unreadable file (logged as the parser bug it is) rather than a 500.
func (h *handler) parse(ctx context.Context, name string, data []byte) (reports []*report.Report, err error) {
	defer func() {
		if v := recover(); v != nil {
			h.log.Error("parser panic", "file", name, "panic", v)
			reports, err = nil, fmt.Errorf("parser panic: %v", v)
		}
	}()
	return h.opts.Parser.Parse(ctx, name, data)
}

// UploadDeadline bounds the time a client may take to send an upload.
const UploadDeadline = 5 * time.Minute

// publicError is an error that carries a sentence fit for anyone
// (document.ReadError does).
type publicError interface{ Public() string }

// publicMessage says in Chinese why a file could not be read, without
// the library details the log keeps.
func publicMessage(err error) string {
	var pe publicError
	if errors.As(err, &pe) {
		return pe.Public()
	}
	return "没有读到年度报告的内容（文件可能已损坏，或不是政府信息公开工作年度报告）"
}

// shortPath keeps a path fit to be echoed in an answer.
func shortPath(p string) string {
	if r := []rune(p); len(r) > 200 {
		return string(r[:200]) + "…"
	}
	return p
}

func (h *handler) tooLarge(c *gin.Context) {
	closeIfBody(c)
	h.fail(c, http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("文件超过上传上限 %d MB", h.opts.MaxUpload>>20))
}
