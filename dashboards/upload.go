package dashboards

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"rasoat/ingest"
	"rasoat/ingest/problem"
	"rasoat/ingest/remote"
)

// Upload limits: what one request may carry, and how long validated files
// wait for the officer's confirmation.
const (
	maxUploadBytes = 512 << 20
	maxUploadFiles = 50
	pendingTTL     = 30 * time.Minute
	maxPending     = 4 // validated sets held in memory: at most 4 × 512 MB
)

// uploader is the upload page's state. The server is the single writer of
// its database: loads and the transform after them run one at a time.
type uploader struct {
	g         *ingest.Ingester
	transform func(context.Context) error
	log       *slog.Logger
	now       func() time.Time

	write   sync.Mutex // one load (and its transform) at a time
	mu      sync.Mutex
	pending map[string]*pendingSet
}

// pendingSet is files validated and waiting for confirmation.
type pendingSet struct {
	flags ingest.Flags
	files []uploaded
	at    time.Time
}

type uploaded struct {
	name string
	body []byte
}

func (s *server) uploadRoutes(r *gin.Engine, opts Options) {
	u := &uploader{g: opts.Ingest, transform: opts.Transform, log: s.log, now: s.now, pending: map[string]*pendingSet{}}
	r.GET("/upload", func(c *gin.Context) { s.render(c, http.StatusOK, "upload.html", uploadView{}) })
	r.POST("/upload/check", func(c *gin.Context) { s.uploadCheck(c, u) })
	r.POST("/upload/confirm", func(c *gin.Context) { s.uploadConfirm(c, u) })
	r.POST(remote.UploadPath, func(c *gin.Context) { uploadAPI(c, u) })
}

// uploadView is what upload.html shows: the form, and after a check or a
// load, one report per file.
type uploadView struct {
	Flags     ingest.Flags
	Reports   []fileView
	Token     string // set when some file may be confirmed
	Loaded    bool   // the files were written (not a dry run)
	Error     string
	Transform string // the transform's outcome after a load
}

type fileView struct {
	*ingest.FileReport
	Word, Class string
	Rows        int
	Problems    []problemView
}

type problemView struct {
	*problem.Problem
	Kind string
}

func viewOf(reps []*ingest.FileReport) []fileView {
	out := make([]fileView, 0, len(reps))
	for _, r := range reps {
		fv := fileView{FileReport: r}
		switch r.Status {
		case ingest.Accepted:
			fv.Word, fv.Class = "Đã nạp", "ok"
		case ingest.Validated:
			fv.Word, fv.Class = "Hợp lệ, chờ xác nhận", "ok"
		case ingest.Unchanged:
			fv.Word, fv.Class = "Đã nạp trước đó, không thay đổi", "muted"
		default:
			fv.Word, fv.Class = "Bị từ chối", "bad"
		}
		for _, f := range r.Forms {
			fv.Rows += f.Rows
		}
		for _, p := range r.Problems {
			k := map[problem.Severity]string{problem.Reject: "Lỗi", problem.Finding: "Phát hiện", problem.Warning: "Cảnh báo"}[p.Severity]
			fv.Problems = append(fv.Problems, problemView{Problem: p, Kind: k})
		}
		out = append(out, fv)
	}
	return out
}

// readUpload reads the request's files and flags, within the limits.
func readUpload(c *gin.Context) (ingest.Flags, []uploaded, error) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxUploadBytes)
	if err := c.Request.ParseMultipartForm(32 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return ingest.Flags{}, nil, errors.New("tổng dung lượng các tệp vượt quá 512 MB")
		}
		return ingest.Flags{}, nil, errors.New("không đọc được các tệp gửi lên")
	}
	flags, err := remote.ParseForm(c.Request.FormValue)
	if err != nil {
		return flags, nil, err
	}
	flags.LoadedBy = "web:" + c.ClientIP()
	var files []*multipart.FileHeader
	if c.Request.MultipartForm != nil {
		files = c.Request.MultipartForm.File["file"]
	}
	if len(files) == 0 {
		return flags, nil, errors.New("chưa chọn tệp nào")
	}
	if len(files) > maxUploadFiles {
		return flags, nil, errors.New("mỗi lần tải lên tối đa 50 tệp")
	}
	out := make([]uploaded, 0, len(files))
	for _, fh := range files {
		f, err := fh.Open()
		if err != nil {
			return flags, nil, errors.New("không đọc được tệp " + fh.Filename)
		}
		b, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			return flags, nil, errors.New("không đọc được tệp " + fh.Filename)
		}
		out = append(out, uploaded{name: filepath.Base(filepath.Clean("/" + fh.Filename)), body: b})
	}
	return flags, out, nil
}

// load runs every file through the ingester; after a real load that
// accepted something, the transform runs so the dashboards show it.
func (u *uploader) load(ctx context.Context, flags ingest.Flags, files []uploaded) ([]*ingest.FileReport, string) {
	u.write.Lock()
	defer u.write.Unlock()
	g := u.g.With(flags)
	reps := make([]*ingest.FileReport, 0, len(files))
	accepted := false
	for _, f := range files {
		r := g.Reader(ctx, f.name, bytes.NewReader(f.body))
		accepted = accepted || r.Status == ingest.Accepted
		reps = append(reps, r)
	}
	if !accepted || flags.DryRun || u.transform == nil {
		return reps, ""
	}
	if err := u.transform(ctx); err != nil {
		u.log.ErrorContext(ctx, "transform after upload", slog.String("err", err.Error()))
		return reps, "Các tệp đã nạp nhưng tính lại chỉ tiêu bị lỗi; bảng điều khiển chưa cập nhật. Báo cho quản trị viên."
	}
	return reps, "Đã tính lại các chỉ tiêu: bảng điều khiển đã cập nhật."
}

func (s *server) uploadCheck(c *gin.Context, u *uploader) {
	flags, files, err := readUpload(c)
	if err != nil {
		s.render(c, http.StatusBadRequest, "upload.html", uploadView{Flags: flags, Error: err.Error()})
		return
	}
	dry := flags
	dry.DryRun = true
	reps, _ := u.load(c.Request.Context(), dry, files)
	v := uploadView{Flags: flags, Reports: viewOf(reps)}
	for _, r := range reps {
		if r.Status == ingest.Validated {
			v.Token = u.stash(flags, files)
			break
		}
	}
	s.render(c, http.StatusOK, "upload.html", v)
}

func (s *server) uploadConfirm(c *gin.Context, u *uploader) {
	set := u.take(c.PostForm("token"))
	if set == nil {
		s.render(c, http.StatusBadRequest, "upload.html", uploadView{Error: "Phiên kiểm tra đã hết hạn hoặc đã được xác nhận. Hãy chọn lại tệp."})
		return
	}
	flags := set.flags
	flags.DryRun = false
	flags.LoadedBy = "web:" + c.ClientIP()
	reps, msg := u.load(c.Request.Context(), flags, set.files)
	s.render(c, http.StatusOK, "upload.html", uploadView{Flags: flags, Reports: viewOf(reps), Loaded: true, Transform: msg})
}

// uploadAPI is what `rasoat ingest --server` talks to.
func uploadAPI(c *gin.Context, u *uploader) {
	flags, files, err := readUpload(c)
	if err != nil {
		c.JSON(http.StatusBadRequest, gin.H{"error": err.Error()})
		return
	}
	reps, _ := u.load(c.Request.Context(), flags, files)
	c.JSON(http.StatusOK, reps)
}

func (u *uploader) stash(flags ingest.Flags, files []uploaded) string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return ""
	}
	tok := hex.EncodeToString(b)
	u.mu.Lock()
	defer u.mu.Unlock()
	now := u.now()
	for k, p := range u.pending {
		if now.Sub(p.at) > pendingTTL {
			delete(u.pending, k)
		}
	}
	for len(u.pending) >= maxPending { // drop the oldest: memory stays bounded
		oldest := ""
		for k, p := range u.pending {
			if oldest == "" || p.at.Before(u.pending[oldest].at) {
				oldest = k
			}
		}
		delete(u.pending, oldest)
	}
	u.pending[tok] = &pendingSet{flags: flags, files: files, at: now}
	return tok
}

func (u *uploader) take(tok string) *pendingSet {
	u.mu.Lock()
	defer u.mu.Unlock()
	p, ok := u.pending[tok]
	if !ok || u.now().Sub(p.at) > pendingTTL {
		return nil
	}
	delete(u.pending, tok)
	return p
}
