// Package dashboards serves the leaders' pages: Vietnamese HTML rendered on
// the server, charts drawn in the browser by an embedded copy of ECharts
// (nothing is loaded from the internet), every chart backed by a real
// table and a CSV export of the same numbers.
package dashboards

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"rasoat/cases"
	"rasoat/dashboards/geo"
	"rasoat/ingest"
	"rasoat/query"
	"rasoat/store"
)

//go:embed assets templates
var embedded embed.FS

// Options configure the server.
type Options struct {
	// Logger receives one line per request and every recovered panic;
	// nil means slog.Default().
	Logger *slog.Logger
	// Now gives the time printed on pages; nil means time.Now.
	Now func() time.Time
	// Ingest, when set, enables the upload page (/upload) and API; the
	// server is then the single writer of its database. Transform runs
	// after a load that accepted files (see upload.go).
	Ingest    *ingest.Ingester
	Transform func(context.Context) error
	// Cases, when set with users, enables sign-in and the re-verification
	// cases under /phuc-tra/ho-so; nil serves the inspector pages read-only.
	Cases *cases.Service

	// --- analysts' notebook, sessions, audit (issue 11) ---
	// Users enables sign-in without a cases service (the notebook and admin
	// pages need it too); Cases' users win when both are set.
	Users *cases.Users
	// Notebook runs analysts' SQL (nil: the notebook says it is off).
	Notebook *store.Sandbox
	// AuditPath is the append-only audit log (see audit.go); "" logs
	// audit events to Logger only.
	AuditPath string
	// Geo holds the boundary layers of the dashboard's maps (rasoat serve
	// --geo); nil means no maps.
	Geo *geo.Set
}

type server struct {
	q      *query.Q
	log    *slog.Logger
	now    func() time.Time
	pages  *template.Template
	assets map[string]asset // by path under /assets/
	auth   *auth            // sign-in shared by the inspector and upload pages; nil without users
	audit  *auditLog
	cases  bool // the server has a cases service

	geo         *geo.Set      // the dashboard's map layers; never nil
	dashCache   respCache     // the dashboard's answers by ETag (dash.go)
	dataVersion versionFlight // one DataVersion query shared by concurrent requests (dash.go)
}

type asset struct {
	body        []byte
	gz          []byte // gzip of body for scripts and styles; nil otherwise
	contentType string
	etag        string
}

// NewServer builds the HTTP handler. Gin runs in release mode (no debug
// route dump, no colour codes in logs).
func NewServer(q *query.Q, opts Options) *gin.Engine {
	s := &server{q: q, log: opts.Logger, now: opts.Now}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.pages = template.Must(template.New("").ParseFS(embedded, "templates/*.html"))
	s.assets = loadAssets()
	s.auth = authFor(opts, s.now)
	s.audit = &auditLog{path: opts.AuditPath, log: s.log}
	s.cases = opts.Cases != nil
	s.geo = opts.Geo
	if s.geo == nil {
		s.geo = &geo.Set{Layers: map[string]*geo.Layer{}}
	}

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	// authorize enforces the access table (access.go) on every route.
	r.Use(s.requestLog, s.recover, securityHeaders, s.authorize)
	r.GET("/", s.overviewPage)
	r.GET("/assets/*path", s.serveAsset)
	r.GET("/api/overview", s.overviewAPI)
	r.GET("/export/overview/:file", s.exportOverview)
	r.GET("/healthz", s.healthz)
	if opts.Ingest != nil {
		s.uploadRoutes(r, opts)
	}
	s.inspectRoutes(r, opts)

	// --- analysts' notebook and admin pages (issue 11): notebook.go, audit.go ---
	if s.auth != nil {
		s.notebookRoutes(r, opts.Notebook)
		r.GET("/quan-tri", func(c *gin.Context) { s.adminPage(c, "") })
		r.POST("/quan-tri/thu-hoi", s.adminRevoke)
	}
	// --- end issue 11 ---

	// --- review cycle (issue 10): progress, data quality, approval, consolidated form A ---
	s.cycleRoutes(r, opts)
	// --- end review cycle ---

	// --- issue 10: the province leader's dashboard (dash.go) ---
	s.dashRoutes(r)
	// --- end issue 10 dashboard ---
	r.NoRoute(func(c *gin.Context) {
		s.errorPage(c, http.StatusNotFound, "Không tìm thấy trang", "Địa chỉ này không có trên hệ thống.")
	})
	return r
}

// loadAssets reads the embedded static files once, with their types set
// here rather than guessed from the system's MIME tables (some Windows
// registries map .js to text/plain, which nosniff then refuses to run).
func loadAssets() map[string]asset {
	types := map[string]string{
		".js":  "text/javascript; charset=utf-8",
		".css": "text/css; charset=utf-8",
	}
	out := map[string]asset{}
	err := fs.WalkDir(embedded, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := embedded.ReadFile(p)
		if err != nil {
			return err
		}
		ct, ok := types[path.Ext(p)]
		if !ok {
			ct = "text/plain; charset=utf-8" // LICENSE, NOTICE, README
		}
		sum := sha256.Sum256(b)
		a := asset{body: b, contentType: ct, etag: hex.EncodeToString(sum[:8])}
		if ok { // scripts and styles: served gzip-compressed when accepted
			a.gz = gzipBytes(b)
		}
		out[strings.TrimPrefix(p, "assets/")] = a
		return nil
	})
	if err != nil {
		panic(fmt.Sprintf("dashboards: embedded assets: %v", err)) // a build defect, not a runtime condition
	}
	return out
}

func (s *server) requestLog(c *gin.Context) {
	start := time.Now()
	c.Next()
	status := c.Writer.Status()
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	s.log.LogAttrs(c.Request.Context(), level, "http",
		slog.String("method", c.Request.Method),
		slog.String("path", c.Request.URL.Path),
		slog.String("query", c.Request.URL.RawQuery),
		slog.Int("status", status),
		slog.Int("bytes", c.Writer.Size()),
		slog.Duration("took", time.Since(start)),
		slog.String("client", c.ClientIP()),
	)
}

// recover turns a panic into a plain Vietnamese 500 page; the stack goes to
// the log only, never to the browser.
func (s *server) recover(c *gin.Context) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		if r == http.ErrAbortHandler {
			panic(r)
		}
		s.log.ErrorContext(c.Request.Context(), "panic in handler",
			slog.String("path", c.Request.URL.Path),
			slog.String("panic", fmt.Sprint(r)),
			slog.String("stack", string(debug.Stack())))
		if !c.Writer.Written() {
			s.errorPage(c, http.StatusInternalServerError, "Đã xảy ra lỗi",
				"Hệ thống gặp lỗi khi tạo trang này. Vui lòng thử lại sau hoặc báo cho quản trị viên.")
		}
		c.Abort()
	}()
	c.Next()
}

// securityHeaders: scripts only from this server, so even a name that got
// past escaping could not run; inline styles stay allowed because ECharts'
// tooltip sets them.
func securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	c.Next()
}

func (s *server) serveAsset(c *gin.Context) {
	a, ok := s.assets[strings.TrimPrefix(c.Param("path"), "/")]
	if !ok {
		c.Data(http.StatusNotFound, "text/plain; charset=utf-8", []byte("Không tìm thấy tệp."))
		return
	}
	h := c.Writer.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("ETag", `"`+a.etag+`"`)
	h.Set("Cache-Control", "public, max-age=86400")
	if a.gz != nil {
		h.Add("Vary", "Accept-Encoding")
		if etagMatches(c, `"`+a.etag+`"`) {
			c.Status(http.StatusNotModified)
			return
		}
		if acceptsGzip(c) && c.Request.Header.Get("Range") == "" {
			h.Set("Content-Encoding", "gzip")
			c.Data(http.StatusOK, a.contentType, a.gz)
			return
		}
	}
	http.ServeContent(c.Writer, c.Request, "", time.Time{}, bytes.NewReader(a.body))
}

func (s *server) healthz(c *gin.Context) {
	if err := s.q.Ping(c.Request.Context()); err != nil {
		s.log.ErrorContext(c.Request.Context(), "healthz", slog.String("err", err.Error()))
		c.Data(http.StatusServiceUnavailable, "text/plain; charset=utf-8", []byte("lỗi cơ sở dữ liệu\n"))
		return
	}
	c.Data(http.StatusOK, "text/plain; charset=utf-8", []byte("ok\n"))
}

// errNoProvince: nothing has been loaded yet.
var errNoProvince = errors.New("chưa có số liệu")

// load resolves ?province= (default: the province with the most recent data,
// see query.Q.Provinces) and reads its overview.
func (s *server) load(c *gin.Context) ([]query.Province, *query.Overview, error) {
	ctx := c.Request.Context()
	provs, err := s.q.Provinces(ctx)
	if err != nil {
		return nil, nil, err
	}
	code := strings.TrimSpace(c.Query("province"))
	if code == "" {
		if len(provs) == 0 {
			return nil, nil, errNoProvince
		}
		code = provs[0].Code
	}
	ov, err := s.q.Overview(ctx, code)
	return provs, ov, err
}

// loadError answers a failed load with the right status and a message that
// does not leak internals; the detail goes to the log.
func (s *server) loadError(c *gin.Context, err error) (int, string, string) {
	switch {
	case errors.Is(err, query.ErrNoData):
		return http.StatusNotFound, "Không có số liệu", "Không có số liệu của tỉnh đã chọn."
	case errors.Is(err, errNoProvince):
		return http.StatusNotFound, "Chưa có số liệu", "Chưa có số liệu nào được nạp vào hệ thống."
	}
	s.log.ErrorContext(c.Request.Context(), "load overview", slog.String("err", err.Error()))
	return http.StatusInternalServerError, "Không đọc được số liệu",
		"Hệ thống không đọc được số liệu. Vui lòng thử lại sau hoặc báo cho quản trị viên."
}

// The overview is the same page for every role, so it is cached by data
// version like the dashboard: fifty leaders opening it cost one build.
func (s *server) overviewPage(c *gin.Context) {
	s.cached(c, "overview", func() (cachedResp, error) {
		provs, ov, err := s.load(c)
		if err != nil {
			return cachedResp{}, err
		}
		var buf bytes.Buffer
		if err := s.pages.ExecuteTemplate(&buf, "overview.html", s.overviewView(provs, ov)); err != nil {
			return cachedResp{}, fmt.Errorf("render overview: %w", err)
		}
		return cachedResp{status: http.StatusOK, contentType: "text/html; charset=utf-8", body: buf.Bytes()}, nil
	})
}

func (s *server) overviewAPI(c *gin.Context) {
	s.cached(c, "api", func() (cachedResp, error) {
		_, ov, err := s.load(c)
		if err != nil {
			return cachedResp{}, err
		}
		body, err := json.Marshal(ov)
		if err != nil {
			return cachedResp{}, fmt.Errorf("overview JSON: %w", err)
		}
		return cachedResp{status: http.StatusOK, contentType: "application/json; charset=utf-8", body: body}, nil
	})
}

func (s *server) errorPage(c *gin.Context, status int, title, msg string) {
	s.render(c, status, "error.html", struct{ Title, Message string }{title, msg})
}

// render executes into a buffer first so a template error becomes a clean
// 500 instead of half a page.
func (s *server) render(c *gin.Context, status int, name string, data any) {
	var buf bytes.Buffer
	if err := s.pages.ExecuteTemplate(&buf, name, data); err != nil {
		s.log.ErrorContext(c.Request.Context(), "render", slog.String("template", name), slog.String("err", err.Error()))
		c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte("Đã xảy ra lỗi khi tạo trang."))
		return
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}
