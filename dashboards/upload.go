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

	"rasoat/cases"
	"rasoat/ingest"
	"rasoat/ingest/problem"
	"rasoat/ingest/remote"
	"rasoat/review"
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

// pendingSet is files validated and waiting for confirmation by the user
// who checked them.
type pendingSet struct {
	owner string
	flags ingest.Flags
	files []uploaded
	at    time.Time
}

type uploaded struct {
	name string
	body []byte
}

// mayUpload is who may load files into the database: officers (cán bộ)
// only. Leaders and analysts read; inspectors correct figures through their
// cases, not by uploading.
func mayUpload(r cases.Role) bool { return r == cases.RoleOfficer }

func (s *server) uploadRoutes(r *gin.Engine, opts Options) {
	u := &uploader{g: opts.Ingest, transform: opts.Transform, log: s.log, now: s.now, pending: map[string]*pendingSet{}}
	a := s.auth
	r.GET("/upload", func(c *gin.Context) { s.uploadPage(c, a) })
	r.POST("/upload/check", func(c *gin.Context) { s.uploadCheck(c, a, u) })
	r.POST("/upload/confirm", func(c *gin.Context) { s.uploadConfirm(c, a, u) })
	r.POST(remote.UploadPath, func(c *gin.Context) { uploadAPI(c, a, u) })
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

	NoSignIn  bool   // the server has no users: nobody may upload
	SignIn    bool   // not signed in: offer the login page
	CanUpload bool   // a signed-in officer: show the forms
	UserName  string // who is signed in
	UserRole  string
	CSRF      string
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

// msgNoSignIn is shown when the server was started without users.
const msgNoSignIn = "Máy chủ này chưa bật đăng nhập nên không nhận tệp tải lên. Để tải tệp lên, quản trị viên cần khởi động máy chủ với tệp người dùng: rasoat serve --users TỆP."

// who fills the signed-in user's part of the view.
// Stages are the choices of the stage override, from review's one list.
func (uploadView) Stages() []review.Stage { return review.Stages() }

func (v *uploadView) who(a *auth, sess session) {
	v.UserName, v.UserRole, v.CanUpload = sess.Name, sess.Role.Vietnamese(), mayUpload(sess.Role)
	v.CSRF = a.csrf(sess)
}

func (s *server) uploadPage(c *gin.Context, a *auth) {
	if a == nil {
		s.render(c, http.StatusOK, "upload.html", uploadView{NoSignIn: true, Error: msgNoSignIn})
		return
	}
	sess, ok := s.reader(c, a)
	if !ok {
		return
	}
	var v uploadView
	v.who(a, sess)
	status := http.StatusOK
	if !v.CanUpload {
		status, v.Error = http.StatusForbidden, refusedRole(sess)
	}
	s.render(c, status, "upload.html", v)
}

func refusedRole(sess session) string {
	return "Tài khoản " + sess.Name + " (" + sess.Role.Vietnamese() + ") không được tải tệp lên: chỉ cán bộ mới được nạp biểu mẫu."
}

// uploadGate checks a POST of the upload page before its body is read: a
// server with sign-in, a signed-in officer, the same site. The CSRF token
// is checked by the caller, since for the check form it is inside the
// multipart body. It answers the refusal itself.
func (s *server) uploadGate(c *gin.Context, a *auth) (session, bool) {
	if a == nil {
		s.render(c, http.StatusForbidden, "upload.html", uploadView{NoSignIn: true, Error: msgNoSignIn})
		return session{}, false
	}
	sess, ok := a.current(c)
	var v uploadView
	switch {
	case !ok:
		v.SignIn, v.Error = true, "Cần đăng nhập bằng tài khoản cán bộ để tải tệp lên."
	case !sameOrigin(c):
		v.who(a, sess)
		v.Error = "Biểu mẫu không gửi từ trang này. Vui lòng tải lại trang."
	case !mayUpload(sess.Role):
		v.who(a, sess)
		v.Error = refusedRole(sess)
	default:
		return sess, true
	}
	s.render(c, http.StatusForbidden, "upload.html", v)
	return session{}, false
}

// csrfRefused answers a form without the session's token.
func (s *server) csrfRefused(c *gin.Context, a *auth, sess session) {
	var v uploadView
	v.who(a, sess)
	v.Error = "Biểu mẫu đã hết hạn hoặc không gửi từ trang này. Vui lòng tải lại trang."
	s.render(c, http.StatusForbidden, "upload.html", v)
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

// parseUpload reads the request's multipart body, within the limits; its
// fields are trusted only after the caller's checks.
func parseUpload(c *gin.Context) error {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxUploadBytes)
	if err := c.Request.ParseMultipartForm(32 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return errors.New("tổng dung lượng các tệp vượt quá 512 MB")
		}
		return errors.New("không đọc được các tệp gửi lên")
	}
	return nil
}

// uploadOf reads the parsed request's flags and files; LoadedBy is the
// signed-in user, so provenance says who loaded each file.
func uploadOf(c *gin.Context, by string) (ingest.Flags, []uploaded, error) {
	flags, err := remote.ParseForm(c.Request.FormValue)
	if err != nil {
		return flags, nil, err
	}
	flags.LoadedBy = by
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

func (s *server) uploadCheck(c *gin.Context, a *auth, u *uploader) {
	sess, ok := s.uploadGate(c, a)
	if !ok {
		return
	}
	err := parseUpload(c)
	if err == nil && !a.checkCSRF(c, sess) {
		s.csrfRefused(c, a, sess)
		return
	}
	var v uploadView
	v.who(a, sess)
	var files []uploaded
	if err == nil {
		v.Flags, files, err = uploadOf(c, sess.Name)
		v.Flags.Scope = sess.Unit // an officer loads only for units inside their own
	}
	if err != nil {
		v.Error = err.Error()
		s.render(c, http.StatusBadRequest, "upload.html", v)
		return
	}
	dry := v.Flags
	dry.DryRun = true
	reps, _ := u.load(c.Request.Context(), dry, files)
	v.Reports = viewOf(reps)
	for _, r := range reps {
		if r.Status == ingest.Validated {
			v.Token = u.stash(sess.Name, v.Flags, files)
			break
		}
	}
	s.render(c, http.StatusOK, "upload.html", v)
}

func (s *server) uploadConfirm(c *gin.Context, a *auth, u *uploader) {
	sess, ok := s.uploadGate(c, a)
	if !ok {
		return
	}
	if !a.checkCSRF(c, sess) {
		s.csrfRefused(c, a, sess)
		return
	}
	var v uploadView
	v.who(a, sess)
	set, err := u.take(c.PostForm("token"), sess.Name)
	if err != nil {
		v.Error = err.Error()
		status := http.StatusBadRequest
		if errors.Is(err, errNotYours) {
			status = http.StatusForbidden
		}
		s.render(c, status, "upload.html", v)
		return
	}
	flags := set.flags
	flags.DryRun = false
	flags.LoadedBy = sess.Name
	flags.Scope = sess.Unit
	reps, msg := u.load(c.Request.Context(), flags, set.files)
	v.Flags, v.Reports, v.Loaded, v.Transform = flags, viewOf(reps), true, msg
	s.render(c, http.StatusOK, "upload.html", v)
}

// uploadAPI is what `rasoat ingest --server` talks to: HTTP Basic auth
// against the same users, officers only.
func uploadAPI(c *gin.Context, a *auth, u *uploader) {
	if a == nil {
		c.JSON(http.StatusForbidden, gin.H{"error": msgNoSignIn})
		return
	}
	// A browser that once cached Basic credentials for this server would
	// send them with another site's form too.
	if !sameOrigin(c) {
		c.JSON(http.StatusForbidden, gin.H{"error": "yêu cầu không gửi từ trang này"})
		return
	}
	user, ok := a.basic(c)
	if !ok {
		return
	}
	if !mayUpload(user.Role) {
		c.JSON(http.StatusForbidden, gin.H{"error": refusedRole(session{User: user})})
		return
	}
	var flags ingest.Flags
	var files []uploaded
	err := parseUpload(c)
	if err == nil {
		flags, files, err = uploadOf(c, user.Name)
		flags.Scope = user.Unit
	}
	if err != nil {
		c.JSON(http.StatusBadRequest, gin.H{"error": err.Error()})
		return
	}
	reps, _ := u.load(c.Request.Context(), flags, files)
	c.JSON(http.StatusOK, reps)
}

func (u *uploader) stash(owner string, flags ingest.Flags, files []uploaded) string {
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
	u.pending[tok] = &pendingSet{owner: owner, flags: flags, files: files, at: now}
	return tok
}

var (
	errExpired  = errors.New("Phiên kiểm tra đã hết hạn hoặc đã được xác nhận. Hãy chọn lại tệp.")
	errNotYours = errors.New("Phiên kiểm tra này do người khác tạo: chỉ người đã kiểm tra các tệp mới được xác nhận nạp.")
)

// take hands the pending set to the user who checked it; someone else's
// token leaves it in place for its owner.
func (u *uploader) take(tok, user string) (*pendingSet, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	p, ok := u.pending[tok]
	switch {
	case !ok || u.now().Sub(p.at) > pendingTTL:
		return nil, errExpired
	case p.owner != user:
		return nil, errNotYours
	}
	delete(u.pending, tok)
	return p, nil
}
