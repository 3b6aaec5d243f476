// Package dashboards serves the HTML pages under /dashboards/: a county's
// overview, a town's profile over the years, a comparison of towns and the
// data-quality findings. Pages are html/template with ECharts charts built
// by go-echarts; every chart's numbers are also printed in a table, so the
// pages read without JavaScript and print on paper.
//
// Nothing is loaded from outside the server: ECharts is served from a
// directory on disk that scripts/setup.sh fills (dashboards/assets), the
// stylesheet and the small drawing script are embedded.
package dashboards

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/gin-gonic/gin"

	"nianbao/internal/respcache"
	"nianbao/query"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static/app.css static/app.js static/places.js
var staticFiles embed.FS

// EnvAssets names the environment variable that may give the assets
// directory (the one holding vendor/echarts.min.js).
const EnvAssets = "ANALYTICS_ASSETS"

// echartsFile is the ECharts build, relative to the assets directory.
const echartsFile = "vendor/echarts.min.js"

// Option configures Mount.
type Option func(*config)

type config struct {
	assetsDir string
	logger    *slog.Logger
	filing    FilingFunc
	// placeCheck: see WithPlaceCheck.
	placeCheck PlaceCheck
}

// WithAssetsDir sets the directory holding vendor/echarts.min.js. Without
// it Mount uses $ANALYTICS_ASSETS, else the first dashboards/assets found
// from the working directory upwards, else one beside the executable.
func WithAssetsDir(dir string) Option { return func(c *config) { c.assetsDir = dir } }

// WithLogger sets the logger (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// FindAssets returns the assets directory to use: dir when given, else
// $ANALYTICS_ASSETS, else dashboards/assets in the working directory or a
// parent, else beside the executable. It reports whether ECharts is there.
func FindAssets(dir string) (string, bool) {
	has := func(d string) bool {
		st, err := os.Stat(filepath.Join(d, echartsFile))
		return err == nil && !st.IsDir()
	}
	if dir != "" {
		return dir, has(dir)
	}
	if env := os.Getenv(EnvAssets); env != "" {
		return env, has(env)
	}
	var candidates []string
	if wd, err := os.Getwd(); err == nil {
		for d := wd; ; d = filepath.Dir(d) {
			candidates = append(candidates, filepath.Join(d, "dashboards", "assets"), filepath.Join(d, "assets"))
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	if exe, err := os.Executable(); err == nil {
		candidates = append(candidates, filepath.Join(filepath.Dir(exe), "assets"), filepath.Join(filepath.Dir(exe), "..", "dashboards", "assets"))
	}
	for _, c := range candidates {
		if has(c) {
			return c, true
		}
	}
	return filepath.Join("dashboards", "assets"), false
}

// handler holds what every page needs.
type handler struct {
	q         *query.Service
	pages     map[string]*template.Template
	assetsDir string
	assetsOK  bool
	log       *slog.Logger
	filing    FilingFunc
	place     PlaceCheck
	cache     *respcache.Cache // rendered pages (pagecache.go); nil: none
	// medians replaces query's ProvinceMedians when set: the tests render
	// the county page with ProvinceMediansByStatements, the reference.
	medians func(ctx context.Context, province string, year int, level string) (map[string]*float64, error)
}

// pageNames are the templates, each parsed together with the layout.
var pageNames = []string{"index", "county", "town", "compare", "quality", "error", "map"}

func parsePages() map[string]*template.Template {
	pages := map[string]*template.Template{}
	for _, name := range pageNames {
		pages[name] = template.Must(template.New(name).ParseFS(templateFiles, "templates/layout.html", "templates/work.html", "templates/"+name+".html"))
	}
	return pages
}

// Mount registers the dashboards and their assets on r. Every route is
// listed here.
func Mount(r *gin.Engine, q *query.Service, opts ...Option) {
	c := config{logger: slog.Default()}
	for _, o := range opts {
		o(&c)
	}
	dir, ok := FindAssets(c.assetsDir)
	h := &handler{q: q, pages: parsePages(), assetsDir: dir, assetsOK: ok, log: c.logger, filing: c.filing, place: c.placeCheck, cache: newPageCache()}
	if ok {
		h.log.Info("dashboards: serving ECharts", "file", filepath.Join(dir, echartsFile))
	} else {
		h.log.Warn("dashboards: ECharts is missing; charts will not draw (tables still show the numbers). Run scripts/setup.sh or set --assets / "+EnvAssets,
			"looked_for", filepath.Join(dir, echartsFile))
	}

	r.GET("/dashboards", func(c *gin.Context) { c.Redirect(http.StatusMovedPermanently, "/dashboards/") })
	r.GET("/dashboards/", h.cachePages, h.index)
	r.GET("/dashboards/county", h.cachePages, h.county)
	r.GET("/dashboards/town", h.cachePages, h.town)
	r.GET("/dashboards/compare", h.cachePages, h.compare)
	r.GET("/dashboards/map", h.cachePages, h.mapPage)
	r.GET("/dashboards/quality", h.cachePages, h.quality)
	r.GET("/assets/app.css", h.embedded("static/app.css", "text/css; charset=utf-8"))
	r.GET("/assets/app.js", h.embedded("static/app.js", "text/javascript; charset=utf-8"))
	r.GET("/assets/places.js", h.embedded("static/places.js", "text/javascript; charset=utf-8"))
	r.GET("/assets/vendor/:file", h.vendor)
}

func (h *handler) embedded(name, ctype string) gin.HandlerFunc {
	body, err := staticFiles.ReadFile(name)
	if err != nil {
		panic(err) // embedded at build time
	}
	return func(c *gin.Context) {
		c.Header("Cache-Control", "public, max-age=3600")
		c.Data(http.StatusOK, ctype, body)
	}
}

// vendor serves files from the assets directory's vendor folder.
func (h *handler) vendor(c *gin.Context) {
	name := c.Param("file")
	if name == "" || strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") {
		c.String(http.StatusNotFound, "not found")
		return
	}
	path := filepath.Join(h.assetsDir, "vendor", name)
	if _, err := os.Stat(path); err != nil {
		h.log.Warn("dashboards: asset missing", "path", path)
		// The log has the full path; the public answer only the file name.
		c.String(http.StatusNotFound, "资源文件缺失：vendor/%s。请运行 scripts/setup.sh，或用 --assets / %s 指明资源目录。", name, EnvAssets)
		return
	}
	c.Header("Cache-Control", "public, max-age=86400")
	c.File(path)
}

// page is what the layout needs; Data is the page's own view.
type page struct {
	Title, Heading, Lead string
	Synthetic            bool
	Charts               bool
	AssetsMissing        bool
	MapScript            bool // load the province map after ECharts
	PlacesScript         bool // the pickers' search suggestions (static/places.js)
	Nav                  *nav
	Data                 any
}

type nav struct {
	County                            string
	CountyURL, CompareURL, QualityURL string
}

// securityHeaders keep every page to its own origin.
func securityHeaders(c *gin.Context) {
	c.Header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'")
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Referrer-Policy", "same-origin")
}

// render executes a page into a buffer first, so a template error becomes a
// clean 500 rather than half a page.
func (h *handler) render(c *gin.Context, status int, name string, p page) {
	p.AssetsMissing = !h.assetsOK
	var buf bytes.Buffer
	if err := h.pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		h.log.Error("dashboards: render", "page", name, "err", err)
		c.String(http.StatusInternalServerError, "页面生成失败，请查看服务器日志。")
		return
	}
	if h.keep(c, status, buf.Bytes()) {
		return
	}
	securityHeaders(c)
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

// fail answers with the error page: a sentence for the reader, the cause in
// the log for server errors.
func (h *handler) fail(c *gin.Context, status int, msg string, err error) {
	if status >= 500 {
		h.log.Error("dashboards: "+c.Request.URL.Path, "err", err)
	}
	title := "出错了"
	switch status {
	case http.StatusNotFound:
		title = "未找到"
	case http.StatusBadRequest:
		title = "请求有误"
	}
	h.render(c, status, "error", page{Title: title, Heading: title, Data: msg})
}

// errQuery is how a failed read is described to the reader.
var errQuery = errors.New("读取数据失败，请稍后重试；若一再出现，请联系管理员查看服务器日志。")
