package dashboards

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"rasoat/cases"
)

// Who may use each route, in one table that one middleware enforces before
// any handler runs. A route missing from the table is refused to everyone
// (and the authorisation matrix test, which walks every registered route,
// fails), so a new page cannot be public by accident. Handlers keep their
// own finer checks (CSRF, the case's inspector) on top.

// rule is a route's access.
type rule struct {
	public bool         // anyone, signed in or not
	self   bool         // the handler authorises itself with its own messages (upload: officers only)
	roles  []cases.Role // signed-in users of these roles
	audit  string       // when set, each request is written to the audit log under this name
}

func roles(rs ...cases.Role) []cases.Role { return rs }

var (
	readersOfFlags = roles(cases.RoleLeader, cases.RoleInspector, cases.RoleAnalyst)
	// Evidence and cases show household codes and classes: the people who
	// act on them only.
	readersOfHouseholds = roles(cases.RoleLeader, cases.RoleInspector)
	allSignedIn         = roles(cases.RoleLeader, cases.RoleAnalyst, cases.RoleInspector, cases.RoleOfficer, cases.RoleAdmin)
)

// routeRules is keyed by method and gin's route pattern.
var routeRules = map[string]rule{
	"GET /":                      {public: true},
	"GET /assets/*path":          {public: true},
	"GET /api/overview":          {public: true},
	"GET /export/overview/:file": {public: true},
	"GET /healthz":               {public: true},

	// The leader's dashboard and the review-cycle reports show only
	// aggregate figures, as the overview does.
	"GET /bang-dieu-khien":              {public: true},
	"GET /api/bang-dieu-khien":          {public: true},
	"GET /export/bang-dieu-khien/:file": {public: true},
	"GET /api/geo/:layer":               {public: true},
	"GET /chu-ky":                       {public: true},
	"GET /chat-luong":                   {public: true},
	"GET /bao-cao/bieu-a":               {public: true},
	"GET /bao-cao/bieu-a.xlsx":          {public: true, audit: "xuất biểu tổng hợp"},
	"GET /phe-duyet":                    {roles: roles(cases.RoleOfficer)},
	"POST /phe-duyet":                   {roles: roles(cases.RoleOfficer), audit: "phê duyệt"},
	"POST /phe-duyet/mo-khoa":           {roles: roles(cases.RoleOfficer), audit: "mở khóa phê duyệt"},

	"GET /dang-nhap":  {public: true},
	"POST /dang-nhap": {public: true, audit: "đăng nhập"},
	"POST /dang-xuat": {public: true, audit: "đăng xuất"},

	// The page itself tells a server without users to start with --users
	// and sends the signed-out to sign in; only officers see its forms.
	"GET /upload":          {public: true},
	"POST /upload/check":   {self: true, audit: "kiểm tra tệp"},
	"POST /upload/confirm": {self: true, audit: "nạp tệp"},
	"POST /api/upload":     {self: true, audit: "nạp tệp (API)"}, // HTTP Basic

	"GET /phuc-tra":                      {roles: readersOfFlags},
	"GET /phuc-tra/xuat.xlsx":            {roles: readersOfFlags, audit: "xuất danh sách phúc tra"},
	"GET /phuc-tra/xa/:code":             {roles: readersOfHouseholds},
	"GET /phuc-tra/xa/:code/csv/:file":   {roles: readersOfHouseholds, audit: "xuất bằng chứng"},
	"GET /phuc-tra/ho-so":                {roles: readersOfHouseholds},
	"GET /phuc-tra/ho-so/:id":            {roles: readersOfHouseholds},
	"POST /phuc-tra/ho-so":               {roles: roles(cases.RoleInspector), audit: "mở hồ sơ"},
	"POST /phuc-tra/ho-so/:id/phan-cong": {roles: roles(cases.RoleInspector), audit: "phân công hồ sơ"},
	"POST /phuc-tra/ho-so/:id/xac-minh":  {roles: roles(cases.RoleInspector), audit: "xác minh hồ sơ"},
	"POST /phuc-tra/ho-so/:id/dong":      {roles: roles(cases.RoleInspector), audit: "đóng hồ sơ"},

	// --- analysts' notebook (notebook.go) ---
	"GET /so-tay":            {roles: roles(cases.RoleAnalyst)},
	"GET /so-tay/mau/:name":  {roles: roles(cases.RoleAnalyst)},
	"POST /so-tay/chay":      {roles: roles(cases.RoleAnalyst), audit: "truy vấn sổ tay"},
	"POST /so-tay/xuat/:fmt": {roles: roles(cases.RoleAnalyst), audit: "xuất kết quả sổ tay"},
	"POST /so-tay/mo":        {roles: roles(cases.RoleAnalyst)},
	"POST /so-tay/luu":       {roles: roles(cases.RoleAnalyst)},
	"GET /quan-tri":          {roles: roles(cases.RoleAdmin)},
	"POST /quan-tri/thu-hoi": {roles: roles(cases.RoleAdmin), audit: "thu hồi phiên"},
}

// deniedHeader marks a refusal by the access table (tests tell it apart
// from a handler's own 403, e.g. a stale CSRF token).
const deniedHeader = "X-Rasoat-Access"

// authorize enforces routeRules.
func (s *server) authorize(c *gin.Context) {
	pattern := c.FullPath()
	if pattern == "" { // no route: the 404 page
		c.Next()
		return
	}
	r, ok := routeRules[c.Request.Method+" "+pattern]
	deny := func(status int, title, msg string) {
		c.Header(deniedHeader, "denied")
		s.errorPage(c, status, title, msg)
		c.Abort()
	}
	switch {
	case !ok:
		s.log.ErrorContext(c.Request.Context(), "route without access rule", "route", c.Request.Method+" "+pattern)
		deny(http.StatusForbidden, "Không có quyền", "Trang này chưa được cấp quyền truy cập.")
		return
	case r.public || r.self:
	case s.auth == nil:
		deny(http.StatusForbidden, "Cần đăng nhập", "Máy chủ này chưa bật đăng nhập (rasoat serve --users TỆP), nên trang này không mở được.")
		return
	default:
		sess, signed := s.auth.current(c)
		switch {
		case !signed && c.Request.Method == http.MethodGet:
			c.Header(deniedHeader, "login")
			c.Redirect(http.StatusSeeOther, "/dang-nhap?tiep="+url.QueryEscape(c.Request.URL.RequestURI()))
			c.Abort()
			return
		case !signed:
			deny(http.StatusForbidden, "Cần đăng nhập", "Vui lòng đăng nhập.")
			return
		case !hasRole(r.roles, sess.Role):
			deny(http.StatusForbidden, "Không có quyền", "Tài khoản "+sess.Role.Vietnamese()+" không được dùng trang này.")
			return
		}
		c.Set(auditUser, sess.Name)
	}
	c.Next()
	if r.audit != "" {
		s.auditRequest(c, r.audit)
	}
}

func hasRole(rs []cases.Role, r cases.Role) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

// auditUser and auditDetail are what a handler tells the audit log.
const (
	auditUser   = "audit.user"
	auditDetail = "audit.detail"
)

func (s *server) auditRequest(c *gin.Context, action string) {
	user := c.GetString(auditUser)
	if user == "" && c.FullPath() == "/dang-nhap" {
		user = strings.TrimSpace(c.PostForm("ten"))
	}
	s.audit.record(auditEntry{
		Time: s.now().UTC(), User: user, Action: action, Method: c.Request.Method,
		Path: c.Request.URL.Path, Query: c.Request.URL.RawQuery, Status: c.Writer.Status(),
		Client: clientAddr(c), Detail: c.GetString(auditDetail),
	})
}
