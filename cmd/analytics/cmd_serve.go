package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"

	"nianbao/api"
	"nianbao/assess"
	"nianbao/change"
	"nianbao/dashboards"
	"nianbao/ingest"
	"nianbao/ingest/document"
	"nianbao/internal/netlimit"
	"nianbao/query"
	"nianbao/report"
	"nianbao/store"
	"nianbao/web"
)

func init() {
	register(command{name: "serve", summary: "serve the JSON API and the dashboards", run: runServe})
}

const (
	defaultAddr   = "127.0.0.1:8080"
	defaultSample = "data/sample"
)

// The server's timeouts. A request that is not an upload has
// readTimeout to arrive whole and writeTimeout to be answered; an upload
// gets api.UploadDeadline to arrive and its parse time on top. A
// connection idle for idleTimeout is closed; shutdown waits for the
// requests in flight up to shutdownGrace, longer than any parse.
const (
	defaultReadHeaderTimeout = 10 * time.Second
	defaultReadTimeout       = 30 * time.Second
	defaultWriteTimeout      = 60 * time.Second
	defaultIdleTimeout       = 60 * time.Second
	maxHeaderBytes           = 64 << 10
	shutdownGrace            = api.DefaultParseTimeout + 15*time.Second
	// defaultMemLimitMB is the soft memory limit (GOMEMLIMIT) set when the
	// environment sets none: a backstop under the readers' own limits, so
	// that the collector works harder before the kernel kills the server.
	defaultMemLimitMB = 1536
	// staleTempAge: temporary files of the readers older than this were
	// left by a killed parse (no parse runs that long) and are removed at
	// start.
	staleTempAge = 10 * time.Minute
)

// serveConfig is everything serve needs; flags and environment fill it.
type serveConfig struct {
	db        string
	addr      string
	tokenFile string
	sample    string
	assets    string
	maxUpload int64
	maxParses int
	writeRate int
	// Connection caps (internal/netlimit): per client address, and in
	// all. 0 per address: no cap; 0 in all: below the file limit; a
	// negative total: no cap.
	maxConnsPerIP, maxConns int
	// readOnly serves a snapshot (a copied database file) and refuses writes.
	readOnly bool
	private  bool // reads need a sign-in too
	// sheet and deadlines are the server's score sheet and deadlines
	// files (YAML or JSON): every county no admin chose a sheet for.
	sheet, deadlines string

	// Zero means the default; tests set them short.
	readHeaderTimeout, readTimeout, writeTimeout, idleTimeout time.Duration
	// parser reads uploads; nil means the ingest package.
	parser api.Parser
	// Issue 20: a backup every backupEvery (0: none) into backupDir
	// ("": <db dir>/backups), the newest backupKeep kept.
	backupEvery time.Duration
	backupKeep  int
	backupDir   string
}

func runServe(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("serve", "serve [--db FILE] [--addr HOST:PORT] [--token-file F] [--sample DIR] [--sheet FILE] [--deadlines FILE]", stderr)
	var cfg serveConfig
	fs.StringVar(&cfg.db, "db", "", "DuckDB file (default $ANALYTICS_DB or "+defaultDB+"); built from --sample when missing")
	fs.StringVar(&cfg.addr, "addr", "", "listen address (default $ANALYTICS_ADDR or "+defaultAddr+")")
	fs.StringVar(&cfg.tokenFile, "token-file", "", "file of name:token lines allowed to upload and delete (also $ANALYTICS_TOKEN, recorded as \"ANALYTICS_TOKEN\")")
	fs.StringVar(&cfg.sample, "sample", defaultSample, "reports ingested when the database file does not exist yet")
	fs.StringVar(&cfg.assets, "assets", "", "folder holding vendor/echarts.min.js (default $ANALYTICS_ASSETS, else dashboards/assets)")
	mb := fs.Int("max-upload-mb", api.DefaultMaxUpload>>20, "largest accepted upload, in MB")
	fs.IntVar(&cfg.maxParses, "max-parses", 0, "uploads read at once; the others wait a moment, then get 503 (default: the number of CPUs)")
	fs.IntVar(&cfg.writeRate, "write-rate", 0, "writes per minute allowed to one client address, 429 past it (default 0: no limit)")
	fs.BoolVar(&cfg.readOnly, "read-only", false, "serve a snapshot (a copied database file) read-only, as a replica behind a load balancer: writes answer 405")
	fs.BoolVar(&cfg.private, "private", false, "show nothing but the sign-in page to visitors who are not signed in (the API then needs a bearer token for reads too)")
	fs.IntVar(&cfg.maxConnsPerIP, "max-conns-per-ip", netlimit.DefaultPerAddr, "connections one client address may hold; more are answered 429 and closed (0: no cap, e.g. behind a proxy)")
	fs.IntVar(&cfg.maxConns, "max-conns", 0, "connections held in all (default: below the process's file limit)")
	fs.StringVar(&cfg.sheet, "sheet", "", "score sheet, YAML or JSON, of every county an admin chose none for (default: the shipped assess/scoresheet.json)")
	fs.StringVar(&cfg.deadlines, "deadlines", "", "publication deadlines, YAML or JSON (default: the shipped assess/deadlines.json)")
	fs.DurationVar(&cfg.backupEvery, "backup-every", 0, "make a backup (as analytics backup) this often, e.g. 24h (default 0: none)")
	fs.IntVar(&cfg.backupKeep, "backup-keep", 7, "periodic backups kept, the newest")
	fs.StringVar(&cfg.backupDir, "backup-dir", "", "folder of the periodic backups (default: backups beside the database)")
	memMB := fs.Int("mem-limit-mb", defaultMemLimitMB, "soft memory limit of the server, in MB, when GOMEMLIMIT is not set")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	cfg.db = dbPath(cfg.db)
	if cfg.addr == "" {
		cfg.addr = os.Getenv("ANALYTICS_ADDR")
	}
	if cfg.addr == "" {
		cfg.addr = defaultAddr
	}
	cfg.maxUpload = int64(*mb) << 20
	log := slog.New(slog.NewTextHandler(stderr, nil))
	slog.SetDefault(log)
	if os.Getenv("GOMEMLIMIT") == "" && *memMB > 0 {
		debug.SetMemoryLimit(int64(*memMB) << 20)
	}
	if err := serveUntilSignal(cfg, log, nil); err != nil {
		fmt.Fprintf(stderr, "analytics serve: %v\n", err)
		return 1
	}
	return 0
}

// serveUntilSignal serves until SIGINT or SIGTERM, then shuts down
// gracefully: requests in flight (an upload being parsed) are answered.
func serveUntilSignal(cfg serveConfig, log *slog.Logger, ready chan<- string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serve(ctx, cfg, log, ready)
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// serve opens (or builds) the database and answers HTTP on cfg.addr until
// ctx ends. When ready is not nil it receives the listening address.
func serve(ctx context.Context, cfg serveConfig, log *slog.Logger, ready chan<- string) error {
	defer serveProfile(log)()
	tokens := map[string]string{}
	users := map[string]api.User{}
	if cfg.tokenFile != "" {
		u, err := api.LoadUsers(cfg.tokenFile)
		if err != nil {
			return err
		}
		users = u
		for tok, user := range u {
			tokens[tok] = user.Name
		}
	}
	if tok := os.Getenv("ANALYTICS_TOKEN"); tok != "" {
		tokens[tok] = "ANALYTICS_TOKEN"
	}
	sheet, err := assess.ReadServerSheet(cfg.sheet, cfg.deadlines)
	if err != nil {
		return err
	}
	_, statErr := os.Stat(cfg.db)
	fresh := errors.Is(statErr, os.ErrNotExist) && !cfg.readOnly
	var st *store.Store
	if fresh {
		if err := buildSampleDB(ctx, cfg.db, cfg.sample, sheet, log); err != nil {
			return err
		}
	}
	if cfg.readOnly {
		st, err = store.OpenReadOnly(cfg.db)
	} else {
		st, err = store.Open(cfg.db)
	}
	if err != nil {
		return err
	}
	defer st.Close()
	st.SetServerSheet(sheet)
	if cfg.backupEvery > 0 {
		dir := cfg.backupDir
		if dir == "" {
			dir = filepath.Join(filepath.Dir(cfg.db), "backups")
		}
		log.Info("periodic backups", "every", cfg.backupEvery, "keep", cfg.backupKeep, "dir", dir)
		go backupEvery(ctx, st, dir, cfg.backupEvery, cfg.backupKeep, log)
	}
	if n, err := document.RemoveStaleTemp("", staleTempAge); err == nil && n > 0 {
		log.Info("removed temporary files left by a killed parse", "files", n)
	}
	// The Parquet export of the current data is kept here between calls;
	// it goes with the server.
	exportDir, err := os.MkdirTemp("", "nianbao-parquet-cache-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(exportDir)
	parser := cfg.parser
	if parser == nil {
		pool := parsePool(cfg.maxParses)
		defer pool.Close()
		parser = uploadParser{worker: pool}
	}
	handler := newServerWith(st, api.Options{Tokens: tokens, Users: users, Parser: parser, MaxUpload: cfg.maxUpload, MaxParses: cfg.maxParses, WritesPerMinute: cfg.writeRate, ExportDir: exportDir, Logger: log}, log, cfg.private,
		dashboards.WithAssetsDir(cfg.assets), dashboards.WithLogger(log), dashboards.WithFiling(dashboards.StoreFiling(st)), dashboards.WithPlaceCheck(dashboards.StorePlaceCheck(st)))
	if cfg.readOnly {
		handler = readOnlyHandler(handler)
	}

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.addr, err)
	}
	total := cfg.maxConns
	if total == 0 {
		total = netlimit.FileLimitCap()
	}
	ln = netlimit.Wrap(ln, max(cfg.maxConnsPerIP, 0), max(total, 0), log)
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: orDefault(cfg.readHeaderTimeout, defaultReadHeaderTimeout),
		ReadTimeout:       orDefault(cfg.readTimeout, defaultReadTimeout),
		WriteTimeout:      orDefault(cfg.writeTimeout, defaultWriteTimeout),
		IdleTimeout:       orDefault(cfg.idleTimeout, defaultIdleTimeout),
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("serving", "addr", "http://"+ln.Addr().String(), "db", st.Path(), "api", "/api/v1", "dashboards", "/dashboards/")
	// Issue 12: the other commands find the server through this file.
	removeAddr, err := writeAddr(cfg.db, ln.Addr().String())
	if err != nil {
		log.Warn("could not leave the server's address beside the database; read-only commands will not find it", "err", err)
	}
	defer removeAddr()
	if !cfg.readOnly {
		// Issue 22: a database where no administrator can sign in gets
		// one, and its one-time link is the single line to follow.
		secret, err := change.New(st, log).FirstRun(ctx)
		if err != nil {
			log.Warn("no first administrator could be made: sign in with --token-file", "err", err)
		} else if secret != "" {
			log.Info("首次启动：在浏览器打开此链接即以管理员身份登录（只能用一次，24 小时内有效），再到“人员”页添加人员", "url", web.SignInURL(ln.Addr().String(), secret))
		}
	}
	if ready != nil {
		ready <- ln.Addr().String()
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	log.Info("shutting down: answering the requests in flight", "grace", shutdownGrace)
	if err := srv.Shutdown(shut); err != nil {
		srv.Close()
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// newServerWith wires the API, the dashboards and the working pages of
// package web on one engine; when private, nothing but sign-in is shown to
// a visitor not signed in.
func newServerWith(st *store.Store, opts api.Options, log *slog.Logger, private bool, dash ...dashboards.Option) http.Handler {
	return newServerOn(st, query.New(st), opts, log, private, dash...)
}

// newServerOn is newServerWith over a query service the caller keeps:
// analytics bench --latency empties its cache between requests.
func newServerOn(st *store.Store, q *query.Service, opts api.Options, log *slog.Logger, private bool, dash ...dashboards.Option) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	// One throttle for the sign-in form and the bearer check: a guesser
	// gets no second allowance at the other door.
	if opts.Throttle == nil {
		opts.Throttle = api.NewThrottle()
	}
	opts.Parser = api.Bound(opts.Parser, opts) // one admission for uploads and 预检
	if opts.Changes == nil {
		opts.Changes = change.New(st, log) // one for the API and the pages
	}
	if opts.People == nil {
		opts.People = opts.Changes.PersonByToken // people of /web/people
	}
	q.PrepareAfterWrites(log) // the place tree ready before the first reader after a write
	r, uploads := api.NewServer(q, st, opts)
	dashboards.Mount(r, q, dash...)
	dashboards.MountAssessment(r, q, st, dash...)
	users := map[string]api.User{}
	for tok, name := range opts.Tokens {
		u, ok := opts.Users[tok]
		if !ok {
			u = api.User{Name: name, Role: api.RoleAdmin}
		}
		users[tok] = u
	}
	site := web.Mount(r, q, st, web.Options{Users: users, Parser: opts.Parser, Logger: log, Changes: opts.Changes, Uploads: uploads, Throttle: opts.Throttle})
	r.GET("/", func(c *gin.Context) { c.Redirect(http.StatusFound, "/dashboards/") })
	if private {
		return site.Gate(r)
	}
	return r
}

// buildSampleDB builds a new database from the sample in a temporary file
// beside db, renamed to db once complete: an interrupted first start
// (`make run` stopped, the machine killed) leaves no half-built database
// that the next start would take for a built one.
func buildSampleDB(ctx context.Context, db, sample string, sheet store.ServerSheet, log *slog.Logger) error {
	tmp := db + ".building"
	os.Remove(tmp) // left by a start that was killed
	os.Remove(tmp + ".wal")
	st, err := store.Open(tmp)
	if err != nil {
		return err
	}
	st.SetServerSheet(sheet) // the sample's checks use the server's sheet
	err = buildFromSample(ctx, st, sample, log)
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, db)
	}
	if err != nil {
		os.Remove(tmp)
		os.Remove(tmp + ".wal")
		return fmt.Errorf("build %s from %s: %w", db, sample, err)
	}
	return nil
}

// buildFromSample fills a new database with the sample reports.
func buildFromSample(ctx context.Context, st *store.Store, dir string, log *slog.Logger) error {
	if _, err := os.Stat(dir); err != nil {
		log.Warn("new empty database: no sample reports to load", "sample", dir, "err", err)
		return nil
	}
	log.Info("new database: ingesting sample reports", "db", st.Path(), "sample", dir)
	// No author: the sample is not a person's upload (no audit rows).
	sum, err := change.New(st, log).Ingest(ctx, change.Admin(""), []string{dir}, ingest.Meta{}, ingest.Options{}, nil)
	if err != nil {
		return fmt.Errorf("ingest %s: %w", dir, err)
	}
	log.Info("sample loaded", "stored", sum.Stored, "replaced", sum.Replaced, "failed", sum.Failed)
	return nil
}

// uploadParser reads uploads with the ingest package, in a parse worker
// (cmd_parse_worker.go) when one is configured: a sandbox.Worker or Pool;
// none (the tests' uploadParser{}) reads in-process.
type uploadParser struct {
	worker interface {
		Parse(ctx context.Context, name string, data []byte, meta ingest.Meta) ([]*report.Report, error)
	}
}

func (p uploadParser) Parse(ctx context.Context, name string, data []byte) ([]*report.Report, error) {
	var reports []*report.Report
	var err error
	if p.worker == nil {
		reports, err = ingest.ParseUpload(ctx, name, data, ingest.Meta{})
	} else {
		reports, err = p.worker.Parse(ctx, name, data, ingest.Meta{})
	}
	if errors.Is(err, ingest.ErrNotReport) {
		err = api.NotReport{Err: err}
	}
	return reports, err
}

// readOnlyHandler refuses every write of a read-only replica with a
// sentence telling where writes go, before any handler runs.
func readOnlyHandler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Allow", "GET, HEAD")
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusMethodNotAllowed)
		fmt.Fprint(w, `{"error":"这是只读副本（--read-only），不接受上传、更正或删除；请向主服务器提交 (read-only replica: send writes to the primary server)"}`+"\n")
	})
}
