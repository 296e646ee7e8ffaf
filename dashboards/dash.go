package dashboards

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"rasoat/query"
)

// The province leader's dashboard (issue 10): /bang-dieu-khien shows any
// year, standard and stage of any unit, with the state in the URL (year,
// standard, stage, unit, map), so the back button and a shared link both
// work. Every answer carries an ETag made from the data version
// (query.DataVersion) and the request, is gzip-compressed when the browser
// accepts it, and is kept in a small cache keyed by that ETag: a new load
// or transform changes the version, so nothing stale is ever served.

const dashPath = "/bang-dieu-khien"

// dashRoutes registers the dashboard's routes (kept in one block).
func (s *server) dashRoutes(r *gin.Engine) {
	r.GET(dashPath, s.dashPage)
	r.GET("/api/bang-dieu-khien", s.dashAPI)
	r.GET("/export/bang-dieu-khien/:file", s.dashExport)
	r.GET("/api/geo/:layer", s.geoLayer)
}

// dashState is the URL state, normalised.
type dashState struct {
	Province, Standard, Stage, Unit, Map string
	Year                                 int
}

func dashStateOf(c *gin.Context) (dashState, bool) {
	st := dashState{
		Province: strings.TrimSpace(c.Query("province")),
		Standard: strings.TrimSpace(c.Query("standard")),
		Stage:    strings.TrimSpace(c.Query("stage")),
		Unit:     strings.TrimSpace(c.Query("unit")),
		Map:      c.Query("map"),
	}
	if st.Map != "reduction" {
		st.Map = ""
	}
	if y := strings.TrimSpace(c.Query("year")); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 1900 || n > 2200 {
			return st, false
		}
		st.Year = n
	}
	for _, v := range []string{st.Province, st.Standard, st.Stage, st.Unit} {
		if len(v) > 64 {
			return st, false
		}
	}
	return st, true
}

func (st dashState) params() query.DashParams {
	return query.DashParams{Province: st.Province, Year: st.Year, Standard: st.Standard, Stage: st.Stage, Unit: st.Unit}
}

// values is the state as query parameters (empty ones left out).
func (st dashState) values() url.Values {
	v := url.Values{}
	add := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	add("province", st.Province)
	if st.Year != 0 {
		v.Set("year", strconv.Itoa(st.Year))
	}
	add("standard", st.Standard)
	add("stage", st.Stage)
	add("unit", st.Unit)
	add("map", st.Map)
	return v
}

// respCache keeps built answers by ETag (which names the data version), so
// a busy morning of leaders opening the same pages costs one query each.
type respCache struct {
	mu sync.Mutex
	m  map[string]cachedResp
	// inflight: answers being built. Concurrent requests for the same
	// answer wait for the one build instead of each running the queries
	// (fifty leaders opening the page after a transform cost one build).
	inflight map[string]*flight
}

// versionFlight shares one DataVersion query among the requests that ask
// while it runs: under fifty clients every request needs the version for
// its ETag, and one query answering all of them beats fifty queued on the
// database. A request that starts after a query ended starts a new one, so
// a change is seen by the next request.
type versionFlight struct {
	mu  sync.Mutex
	cur *verCall
}

type verCall struct {
	done chan struct{}
	v    string
	err  error
}

func (vf *versionFlight) get(ctx context.Context, read func(context.Context) (string, error)) (string, error) {
	vf.mu.Lock()
	if c := vf.cur; c != nil {
		vf.mu.Unlock()
		select {
		case <-c.done:
			return c.v, c.err
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	c := &verCall{done: make(chan struct{})}
	vf.cur = c
	vf.mu.Unlock()
	// not the request's context: the answer is shared with other requests
	c.v, c.err = read(context.WithoutCancel(ctx))
	vf.mu.Lock()
	vf.cur = nil
	vf.mu.Unlock()
	close(c.done)
	return c.v, c.err
}

type flight struct {
	done chan struct{}
	r    cachedResp
	err  error
}

// do returns the answer for k, building it once however many ask at once.
func (rc *respCache) do(k string, build func() (cachedResp, error)) (cachedResp, error) {
	rc.mu.Lock()
	if r, ok := rc.m[k]; ok {
		rc.mu.Unlock()
		return r, nil
	}
	if f, ok := rc.inflight[k]; ok {
		rc.mu.Unlock()
		<-f.done
		return f.r, f.err
	}
	f := &flight{done: make(chan struct{})}
	if rc.inflight == nil {
		rc.inflight = map[string]*flight{}
	}
	rc.inflight[k] = f
	rc.mu.Unlock()
	defer close(f.done)
	f.r, f.err = build()
	rc.mu.Lock()
	delete(rc.inflight, k)
	rc.mu.Unlock()
	if f.err == nil {
		rc.put(k, f.r)
	}
	return f.r, f.err
}

type cachedResp struct {
	status      int
	contentType string
	disposition string
	body, gz    []byte
}

const respCacheMax = 512

func (rc *respCache) put(k string, r cachedResp) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.m == nil || len(rc.m) >= respCacheMax {
		rc.m = map[string]cachedResp{} // simple and bounded: start over
	}
	rc.m[k] = r
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func acceptsGzip(c *gin.Context) bool {
	for _, part := range strings.Split(c.GetHeader("Accept-Encoding"), ",") {
		name, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(name) == "gzip" && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

// writeBody sends a body, gzip-compressed when the client accepts it.
func writeBody(c *gin.Context, status int, contentType string, body, gz []byte) {
	h := c.Writer.Header()
	h.Add("Vary", "Accept-Encoding")
	if gz != nil && acceptsGzip(c) {
		h.Set("Content-Encoding", "gzip")
		c.Data(status, contentType, gz)
		return
	}
	c.Data(status, contentType, body)
}

func etagMatches(c *gin.Context, etag string) bool {
	for _, t := range strings.Split(c.GetHeader("If-None-Match"), ",") {
		t = strings.TrimSpace(t)
		if t == etag || t == "W/"+etag || t == "*" {
			return true
		}
	}
	return false
}

// cached answers from the cache or build, with the ETag of the data version
// and the request: 304 when the browser already has it.
func (s *server) cached(c *gin.Context, kind string, build func() (cachedResp, error)) {
	ctx := c.Request.Context()
	ver, err := s.dataVersion.get(ctx, s.q.DataVersion)
	if err != nil {
		s.log.ErrorContext(ctx, "data version", slog.String("err", err.Error()))
		s.errorPage(c, http.StatusInternalServerError, "Không đọc được số liệu",
			"Hệ thống không đọc được số liệu. Vui lòng thử lại sau hoặc báo cho quản trị viên.")
		return
	}
	sum := sha256.Sum256([]byte(ver + "\x00" + kind + "\x00" + c.Request.URL.Path + "\x00" + c.Request.URL.RawQuery))
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	h := c.Writer.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", "no-cache") // revalidate every time: cheap with the ETag
	if etagMatches(c, etag) {
		h.Add("Vary", "Accept-Encoding")
		c.Status(http.StatusNotModified)
		return
	}
	r, err := s.dashCache.do(etag, func() (cachedResp, error) {
		r, err := build()
		if err == nil && len(r.body) > 512 {
			r.gz = gzipBytes(r.body)
		}
		return r, err
	})
	if err != nil {
		h.Del("ETag")
		s.dashError(c, kind, err)
		return
	}
	if r.disposition != "" {
		h.Set("Content-Disposition", r.disposition)
	}
	writeBody(c, r.status, r.contentType, r.body, r.gz)
}

// dashError answers a failed dashboard read: 404 for no data, 400 for a
// choice the province has no data for, 500 (details in the log) otherwise.
func (s *server) dashError(c *gin.Context, kind string, err error) {
	status, title, msg := http.StatusInternalServerError, "Không đọc được số liệu",
		"Hệ thống không đọc được số liệu. Vui lòng thử lại sau hoặc báo cho quản trị viên."
	switch {
	case errors.Is(err, query.ErrBadParam):
		status, title, msg = http.StatusBadRequest, "Lựa chọn không có số liệu",
			"Năm, chuẩn nghèo hoặc giai đoạn đã chọn không có số liệu. Hãy chọn lại từ trang bảng điều khiển."
	case errors.Is(err, query.ErrNoData):
		status, title, msg = http.StatusNotFound, "Không có số liệu", "Không có số liệu của tỉnh đã chọn."
	case errors.Is(err, errNoProvince):
		status, title, msg = http.StatusNotFound, "Chưa có số liệu", "Chưa có số liệu nào được nạp vào hệ thống."
	case errors.Is(err, errNotFound):
		status, title, msg = http.StatusNotFound, "Không tìm thấy trang", "Không có tệp xuất hoặc bản đồ này."
	default:
		s.log.ErrorContext(c.Request.Context(), "dashboard", slog.String("err", err.Error()))
	}
	if kind == "api" {
		c.JSON(status, gin.H{"error": msg})
		return
	}
	s.errorPage(c, status, title, msg)
}

var errNotFound = errors.New("không tìm thấy")

func (s *server) badState(c *gin.Context, kind string) {
	s.dashError(c, kind, fmt.Errorf("tham số: %w", query.ErrBadParam))
}

func (s *server) dashPage(c *gin.Context) {
	st, ok := dashStateOf(c)
	if !ok {
		s.badState(c, "page")
		return
	}
	s.cached(c, "page", func() (cachedResp, error) {
		d, err := s.q.Dashboard(c.Request.Context(), st.params())
		if err != nil {
			return cachedResp{}, err
		}
		provs, err := s.q.Provinces(c.Request.Context())
		if err != nil {
			return cachedResp{}, err
		}
		var buf bytes.Buffer
		if err := s.pages.ExecuteTemplate(&buf, "dashboard.html", s.dashView(st, provs, d)); err != nil {
			return cachedResp{}, fmt.Errorf("render dashboard: %w", err)
		}
		return cachedResp{status: http.StatusOK, contentType: "text/html; charset=utf-8", body: buf.Bytes()}, nil
	})
}

func (s *server) dashAPI(c *gin.Context) {
	st, ok := dashStateOf(c)
	if !ok {
		s.badState(c, "api")
		return
	}
	s.cached(c, "api", func() (cachedResp, error) {
		d, err := s.q.Dashboard(c.Request.Context(), st.params())
		if err != nil {
			return cachedResp{}, err
		}
		b, err := json.Marshal(d)
		if err != nil {
			return cachedResp{}, err
		}
		return cachedResp{status: http.StatusOK, contentType: "application/json; charset=utf-8", body: b}, nil
	})
}

func (s *server) dashExport(c *gin.Context) {
	st, ok := dashStateOf(c)
	if !ok {
		s.badState(c, "export")
		return
	}
	file := c.Param("file")
	stem, ext, _ := strings.Cut(file, ".")
	if ext != "csv" && ext != "xlsx" {
		s.dashError(c, "export", errNotFound)
		return
	}
	s.cached(c, "export", func() (cachedResp, error) {
		d, err := s.q.Dashboard(c.Request.Context(), st.params())
		if err != nil {
			return cachedResp{}, err
		}
		v := s.dashView(st, nil, d)
		var t *dtable
		for _, x := range v.Tables() {
			if x.ID == stem {
				t = x
			}
		}
		if t == nil {
			return cachedResp{}, errNotFound
		}
		note := ""
		if d.Synthetic {
			note = syntheticNote
		}
		name := fmt.Sprintf("bang-dieu-khien-%s-%s-%d.%s", t.ID, unsafeFileChars.ReplaceAllString(d.Unit.Code, "_"), d.Year, ext)
		r := cachedResp{status: http.StatusOK, disposition: `attachment; filename="` + name + `"`}
		if ext == "csv" {
			r.contentType = "text/csv; charset=utf-8"
			r.body, err = t.CSV(csvFormatOf(c), note)
		} else {
			r.contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
			r.body, err = t.XLSX(t.Title+" — "+d.Unit.Name+" — "+v.StateLine, note)
		}
		return r, err
	})
}

// geoLayer serves one reduced boundary layer (see dashboards/geo), for
// echarts.registerMap; the layer's own hash is its ETag.
func (s *server) geoLayer(c *gin.Context) {
	id := strings.TrimSuffix(c.Param("layer"), ".json")
	l := s.geo.Layers[id] // s.geo is never nil (NewServer)
	if l == nil {
		c.JSON(http.StatusNotFound, gin.H{"error": "Không có bản đồ này."})
		return
	}
	etag := `"` + l.ETag + `"`
	h := c.Writer.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", "public, max-age=3600")
	if etagMatches(c, etag) {
		h.Add("Vary", "Accept-Encoding")
		c.Status(http.StatusNotModified)
		return
	}
	writeBody(c, http.StatusOK, "application/json; charset=utf-8", l.JSON, l.Gzip)
}
