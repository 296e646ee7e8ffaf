package dashboards

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// The audit log is an append-only file of JSON lines (DB.audit.jsonl next
// to the database), not a DuckDB table, because:
//   - a load that is rejected rolls its transaction back, and its audit line
//     must stay;
//   - the database is rebuilt (demo --rebuild, restore from a backup) and
//     the record of who did what must outlive that;
//   - sign-ins and notebook queries must not contend with a half-hour load
//     for DuckDB's single writer;
//   - an append-only text file is read by any tool, rotated by logrotate,
//     and O_APPEND keeps every line whole.
// The admin reads it on /quan-tri.

type auditEntry struct {
	Time   time.Time `json:"time"`
	User   string    `json:"user,omitempty"`
	Action string    `json:"action"`
	Method string    `json:"method"`
	Path   string    `json:"path"`
	Query  string    `json:"query,omitempty"`
	Status int       `json:"status"`
	Client string    `json:"client,omitempty"`
	Detail string    `json:"detail,omitempty"` // e.g. a notebook query's SQL
}

type auditLog struct {
	path string // "" keeps the log in the server's log only
	log  *slog.Logger
	mu   sync.Mutex
}

func (a *auditLog) record(e auditEntry) {
	a.log.Info("audit", "user", e.User, "action", e.Action, "path", e.Path, "status", e.Status)
	if a.path == "" {
		return
	}
	b, err := json.Marshal(e)
	if err != nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	f, err := os.OpenFile(a.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		a.log.Error("audit log", "err", err.Error())
		return
	}
	defer f.Close()
	if _, err := f.Write(append(b, '\n')); err != nil {
		a.log.Error("audit log", "err", err.Error())
	}
}

// tail reads the last n entries, newest first. It reads at most the last
// 4 MB of the file.
func (a *auditLog) tail(n int) ([]auditEntry, error) {
	if a.path == "" {
		return nil, nil
	}
	f, err := os.Open(a.path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > 4<<20 {
		f.Seek(st.Size()-4<<20, io.SeekStart)
	}
	var all []auditEntry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var e auditEntry
		if json.Unmarshal(sc.Bytes(), &e) == nil && e.Action != "" {
			all = append(all, e)
		}
	}
	out := make([]auditEntry, 0, min(n, len(all)))
	for i := len(all) - 1; i >= 0 && len(out) < n; i-- {
		out = append(out, all[i])
	}
	return out, sc.Err()
}

type adminView struct {
	pageBase
	Sessions []sessionRow
	Entries  []auditRow
	Message  string
	NoFile   bool
}

type sessionRow struct{ Name, Role, Issued, Expires string }

type auditRow struct {
	Time, User, Action, Method, Path, Client, Detail string
	Status                                           int
	Failed                                           bool
}

func (s *server) adminPage(c *gin.Context, msg string) {
	v := adminView{pageBase: s.base(c, s.auth, "Quản trị: phiên đăng nhập và nhật ký"), Message: msg, NoFile: s.audit.path == ""}
	for _, l := range s.auth.liveSessions() {
		v.Sessions = append(v.Sessions, sessionRow{l.Name, l.Role.Vietnamese(), fmtDateTime(l.Issued.In(vnZone)), fmtDateTime(l.Expires.In(vnZone))})
	}
	entries, err := s.audit.tail(500)
	if err != nil {
		s.log.ErrorContext(c.Request.Context(), "audit tail", "err", err.Error())
	}
	for _, e := range entries {
		p := e.Path
		if e.Query != "" {
			p += "?" + e.Query
		}
		v.Entries = append(v.Entries, auditRow{fmtDateTime(e.Time.In(vnZone)), e.User, e.Action, e.Method, p, e.Client, e.Detail, e.Status, e.Status >= 400})
	}
	s.render(c, http.StatusOK, "admin.html", v)
}

func (s *server) adminRevoke(c *gin.Context) {
	sess, ok := s.auth.current(c)
	if !ok || !sameOrigin(c) || !s.auth.checkCSRF(c, sess) {
		s.errorPage(c, http.StatusForbidden, "Không hợp lệ", "Biểu mẫu đã hết hạn. Vui lòng tải lại trang.")
		return
	}
	name := c.PostForm("ten")
	n := s.auth.revokeUser(name)
	c.Set(auditDetail, fmt.Sprintf("%s: %d phiên", name, n))
	s.adminPage(c, fmt.Sprintf("Đã thu hồi %d phiên của %s.", n, name))
}
