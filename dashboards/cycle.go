package dashboards

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"rasoat/cases"
	"rasoat/ingest"
	"rasoat/query"
	"rasoat/report"
	"rasoat/review"
)

// The review cycle's pages (issue 10): progress against the deadlines of
// data/cycles.csv, the data-quality scorecard, approval by level and the
// province's consolidated form A (print view and .xlsx). Every selection
// is in the URL: tinh (province), ky (year-standard), giai-doan (stage).

// cycleRoutes registers the review-cycle pages. Approval needs sign-in and
// the write side (ingest); without them the page says so.
func (s *server) cycleRoutes(r *gin.Engine, opts Options) {
	ap := &approver{g: opts.Ingest, transform: opts.Transform}
	r.GET("/chu-ky", s.progressPage)
	r.GET("/chat-luong", s.qualityPage)
	r.GET("/bao-cao/bieu-a", s.reportPage)
	r.GET("/bao-cao/bieu-a.xlsx", s.reportXLSX)
	r.GET("/phe-duyet", func(c *gin.Context) { s.approvePage(c, ap, doneNotice(c), "") })
	r.POST("/phe-duyet", func(c *gin.Context) { s.approvePost(c, ap, false) })
	r.POST("/phe-duyet/mo-khoa", func(c *gin.Context) { s.approvePost(c, ap, true) })
}

// approver is the approval page's write side: one approval (and the
// transform after it) at a time.
type approver struct {
	g         *ingest.Ingester
	transform func(context.Context) error
	mu        sync.Mutex
}

// option is one choice of a selector.
type option struct {
	Value, Label string
	Selected     bool
}

type cycleBase struct {
	pageBase
	Province    string
	Provinces   []option
	Cycles      []option
	Stages      []option
	CycleKey    string
	CycleLabel  string
	Stage       string
	StageLabel  string
	Due         string
	Links       map[string]string
	Error       string
	Notice      string
	ProvinceNm  string
	Approvals   bool // the approval page is on
	PrintTitle  string
	ProgressURL string
}

func cycleKey(c query.Cycle) string { return fmt.Sprintf("%d-%s", c.Year, c.Standard) }

func cycleLabel(c query.Cycle) string {
	l := fmt.Sprintf("Năm %d (%s)", c.Year, standardLabel(c.Standard))
	if c.IsBaseline {
		l += " — rà soát gốc"
	}
	return l
}

// selection resolves tinh, ky and giai-doan from the URL; defaults: the
// province with the newest data, the current cycle, the official stage.
func (s *server) selection(c *gin.Context, title string, stages bool) (cycleBase, query.Cycle, error) {
	ctx := c.Request.Context()
	b := cycleBase{pageBase: s.base(c, s.auth, title), Links: map[string]string{}}
	provs, err := s.q.Provinces(ctx)
	if err != nil {
		return b, query.Cycle{}, err
	}
	b.Province = strings.TrimSpace(c.Query("tinh"))
	if b.Province == "" && len(provs) > 0 {
		b.Province = provs[0].Code
	}
	for _, p := range provs {
		b.Provinces = append(b.Provinces, option{p.Code, p.Name, p.Code == b.Province})
		if p.Code == b.Province {
			b.Synthetic, b.ProvinceNm = p.Synthetic, p.Name
		}
	}
	if b.ProvinceNm == "" {
		return b, query.Cycle{}, errNoProvince
	}
	cycles, err := s.q.Cycles(ctx)
	if err != nil {
		return b, query.Cycle{}, err
	}
	var cy query.Cycle
	key := strings.TrimSpace(c.Query("ky"))
	for _, x := range cycles {
		if cycleKey(x) == key {
			cy = x
		}
	}
	if cy.Year == 0 {
		if cy, err = s.q.CurrentCycle(ctx, b.Province, s.now()); err != nil {
			return b, cy, err
		}
	}
	b.CycleKey, b.CycleLabel = cycleKey(cy), cycleLabel(cy)
	for _, x := range cycles {
		b.Cycles = append(b.Cycles, option{cycleKey(x), cycleLabel(x), cycleKey(x) == b.CycleKey})
	}
	b.Stage = strings.TrimSpace(c.Query("giai-doan"))
	valid := map[string]bool{"preliminary": true, "official": true, "approved": true}
	if !stages {
		valid["reverified"] = true
	}
	if !valid[b.Stage] {
		b.Stage = "official"
		if !stages {
			b.Stage = "" // the report: the stage that counts
		}
	}
	b.StageLabel = review.Stage(b.Stage).Vietnamese()
	if stages {
		b.Due = fmtDate(cy.Due(b.Stage))
	}
	opts := []string{"preliminary", "official", "approved"}
	if !stages {
		opts = []string{"", "preliminary", "official", "reverified", "approved"}
	}
	for _, st := range opts {
		label := review.Stage(st).Vietnamese()
		if st == "" {
			label = "giai đoạn được tính"
		}
		b.Stages = append(b.Stages, option{st, label, st == b.Stage})
	}
	q := url.Values{"tinh": {b.Province}, "ky": {b.CycleKey}}
	b.Links["progress"] = "/chu-ky?" + q.Encode()
	b.Links["quality"] = "/chat-luong?" + q.Encode()
	b.Links["approve"] = "/phe-duyet?" + q.Encode()
	rq := url.Values{"tinh": {b.Province}, "ky": {b.CycleKey}}
	if b.Stage != "" && !stages {
		rq.Set("giai-doan", b.Stage)
	}
	b.Links["report"] = "/bao-cao/bieu-a?" + rq.Encode()
	b.Links["xlsx"] = "/bao-cao/bieu-a.xlsx?" + rq.Encode()
	return b, cy, nil
}

func (s *server) cycleError(c *gin.Context, err error) {
	switch {
	case errors.Is(err, errNoProvince), errors.Is(err, query.ErrNoData):
		s.errorPage(c, http.StatusNotFound, "Không có số liệu", "Không có số liệu của tỉnh hoặc kỳ rà soát đã chọn.")
	default:
		s.log.ErrorContext(c.Request.Context(), "review cycle page", slog.String("err", err.Error()))
		s.errorPage(c, http.StatusInternalServerError, "Không đọc được số liệu", "Hệ thống không đọc được số liệu. Vui lòng thử lại sau hoặc báo cho quản trị viên.")
	}
}

type groupRow struct {
	Code, Name                                          string
	Expected, Received, OnTime, Late, Missing, Rejected int
	Pending                                             int
	Completeness, Timeliness                            string
	CompletenessOK, TimelinessOK                        bool
}

type cycleUnitRow struct {
	Code, Name, Group, Status, Class, ReceivedOn string
	Files, Rejected                              int
}

type progressView struct {
	cycleBase
	Groups []groupRow
	Total  groupRow
	Units  []cycleUnitRow
}

func groupOf(g query.GroupProgress) groupRow {
	return groupRow{Code: g.Code, Name: g.Name, Expected: g.Expected, Received: g.Received, OnTime: g.OnTime, Late: g.Late,
		Missing: g.Missing, Rejected: g.Rejected, Pending: g.Pending,
		Completeness: fmtPct(g.Completeness), Timeliness: fmtPct(g.Timeliness),
		CompletenessOK: g.CompletenessOK, TimelinessOK: g.TimelinessOK}
}

var cycleStatusClass = map[string]string{"on_time": "ok", "late": "warn", "rejected": "bad", "missing": "bad", "pending": "muted"}

func (s *server) progressPage(c *gin.Context) {
	b, cy, err := s.selection(c, "Tiến độ rà soát", true)
	if err != nil {
		s.cycleError(c, err)
		return
	}
	p, err := s.q.Progress(c.Request.Context(), b.Province, cy, b.Stage)
	if err != nil {
		s.cycleError(c, err)
		return
	}
	v := progressView{cycleBase: b, Total: groupOf(p.Total)}
	v.Synthetic = v.Synthetic || p.Synthetic
	for _, g := range p.Groups {
		v.Groups = append(v.Groups, groupOf(g))
	}
	for _, u := range p.Units {
		r := cycleUnitRow{Code: u.Code, Name: u.Name, Group: u.GroupName, Status: query.StatusVietnamese(u.Status), Class: cycleStatusClass[u.Status],
			Files: u.Files, Rejected: u.RejectedFiles}
		if u.ReceivedOn != nil {
			r.ReceivedOn = fmtDate(*u.ReceivedOn)
		}
		v.Units = append(v.Units, r)
	}
	s.render(c, http.StatusOK, "cycle_progress.html", v)
}

type qualityView struct {
	cycleBase
	Rows []query.ScoreRow
}

func (s *server) qualityPage(c *gin.Context) {
	b, cy, err := s.selection(c, "Chất lượng số liệu", true)
	if err != nil {
		s.cycleError(c, err)
		return
	}
	rows, err := s.q.Scorecard(c.Request.Context(), b.Province, cy.Year)
	if err != nil {
		s.cycleError(c, err)
		return
	}
	s.render(c, http.StatusOK, "cycle_quality.html", qualityView{cycleBase: b, Rows: rows})
}

// reportView is the print view of the consolidated form A.
type reportView struct {
	cycleBase
	Sheet     *report.Sheet
	Head      []headCell // first header row after STT, name, code
	Sub       []string   // second header row: the grouped fields' headers
	Numbers   []string   // the column-number row
	Rows      [][]string // body: STT, name, code, values as printed
	Total     []string
	RowsLevel string
}

type headCell struct {
	Label            string
	ColSpan, RowSpan int
}

func (s *server) formA(c *gin.Context) (cycleBase, *report.Sheet, error) {
	b, cy, err := s.selection(c, "Biểu A tổng hợp của tỉnh", false)
	if err != nil {
		return b, nil, err
	}
	rep, err := s.q.FormA(c.Request.Context(), b.Province, cy.Year, cy.Standard, b.Stage)
	if err != nil {
		return b, nil, err
	}
	place := strings.TrimPrefix(strings.TrimPrefix(b.ProvinceNm, "Tỉnh "), "Thành phố ")
	if i := strings.Index(place, " ("); i > 0 {
		place = place[:i]
	}
	b.Stage, b.StageLabel = rep.Stage, review.Stage(rep.Stage).Vietnamese()
	return b, report.Layout(rep, place, s.now().In(vnZone)), nil
}

func (s *server) reportPage(c *gin.Context) {
	b, sh, err := s.formA(c)
	if err != nil {
		s.cycleError(c, err)
		return
	}
	v := reportView{cycleBase: b, Sheet: sh, Numbers: []string{"A", "B", "C"}}
	for i, f := range sh.Fields {
		v.Numbers = append(v.Numbers, strconv.Itoa(i+1))
		if g, ok := sh.InGroup(i); ok {
			if i == g.From {
				v.Head = append(v.Head, headCell{g.Label, g.To - g.From + 1, 1})
			}
			v.Sub = append(v.Sub, f.Header)
			continue
		}
		v.Head = append(v.Head, headCell{f.Header, 1, 2})
	}
	line := func(l report.Line) []string {
		out := []string{l.STT, l.Name, l.Code}
		for i, f := range sh.Fields {
			out = append(out, report.Text(l.Values[i], f))
		}
		return out
	}
	for _, l := range sh.Rows {
		v.Rows = append(v.Rows, line(l))
	}
	v.Total = line(sh.Total)
	s.render(c, http.StatusOK, "report_forma.html", v)
}

func (s *server) reportXLSX(c *gin.Context) {
	b, sh, err := s.formA(c)
	if err != nil {
		s.cycleError(c, err)
		return
	}
	body, err := sh.XLSX()
	if err != nil {
		s.cycleError(c, err)
		return
	}
	name := fmt.Sprintf("bieu-a-tong-hop-%s-%s-%s.xlsx", b.Province, b.CycleKey, b.Stage)
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body)
}

type approveRow struct {
	query.ApprovalRow
	When                  string
	CanApprove, CanReopen bool
}

type approveView struct {
	cycleBase
	Rows     []approveRow
	Unit     string // the officer's unit
	CanWrite bool
}

// mayApprove: officers tied to a unit, and only with the write side on.
func mayApprove(u cases.User) bool { return u.Role == cases.RoleOfficer && u.Unit != "" }

func (s *server) approvePage(c *gin.Context, ap *approver, notice, problem string) {
	a := s.auth
	if a == nil || ap.g == nil {
		s.errorPage(c, http.StatusNotFound, "Chưa bật phê duyệt", "Máy chủ này chưa bật đăng nhập và nạp số liệu nên không có trang phê duyệt.")
		return
	}
	sess, ok := s.reader(c, a)
	if !ok {
		return
	}
	b, cy, err := s.selection(c, "Phê duyệt số liệu", true)
	if err != nil {
		s.cycleError(c, err)
		return
	}
	syn := b.Synthetic
	b.pageBase = s.base(c, a, "Phê duyệt số liệu")
	b.Synthetic = syn
	b.Notice, b.Error = notice, problem
	v := approveView{cycleBase: b, Unit: sess.Unit, CanWrite: mayApprove(sess.User)}
	status := http.StatusOK
	if !v.CanWrite {
		if v.Error == "" {
			v.Error = "Tài khoản " + sess.Name + " (" + sess.Role.Vietnamese() + ") không được phê duyệt: chỉ cán bộ gắn với một đơn vị (cột unit của tệp người dùng) mới phê duyệt số liệu của các đơn vị trực thuộc."
		}
		status = http.StatusForbidden
	} else {
		rows, err := s.q.Approvals(c.Request.Context(), sess.Unit, cy)
		if err != nil {
			s.cycleError(c, err)
			return
		}
		for _, r := range rows {
			ar := approveRow{ApprovalRow: r, CanApprove: r.Ready && !r.Locked, CanReopen: r.Locked}
			if r.At != nil {
				ar.When = fmtDateTime(r.At.In(vnZone))
			}
			v.Rows = append(v.Rows, ar)
		}
	}
	if problem != "" && status == http.StatusOK {
		status = http.StatusConflict
	}
	s.render(c, status, "cycle_approve.html", v)
}

func (s *server) approvePost(c *gin.Context, ap *approver, reopen bool) {
	a := s.auth
	if a == nil || ap.g == nil {
		s.errorPage(c, http.StatusNotFound, "Chưa bật phê duyệt", "Máy chủ này chưa bật đăng nhập và nạp số liệu nên không có trang phê duyệt.")
		return
	}
	sess, ok := a.current(c)
	switch {
	case !ok:
		s.errorPage(c, http.StatusForbidden, "Cần đăng nhập", "Vui lòng đăng nhập bằng tài khoản cán bộ.")
		return
	case !sameOrigin(c) || !a.checkCSRF(c, sess):
		s.errorPage(c, http.StatusForbidden, "Không hợp lệ", "Biểu mẫu đã hết hạn hoặc không gửi từ trang này. Vui lòng tải lại trang.")
		return
	case !mayApprove(sess.User):
		s.errorPage(c, http.StatusForbidden, "Không có quyền", "Chỉ cán bộ gắn với một đơn vị mới được phê duyệt hoặc mở khóa số liệu.")
		return
	}
	year, std, _ := strings.Cut(c.PostForm("ky"), "-")
	y, _ := strconv.Atoi(year)
	req := ingest.Approval{Year: y, Standard: std, Unit: strings.TrimSpace(c.PostForm("don-vi")), Actor: sess.Name, ActorUnit: sess.Unit,
		Reason: strings.TrimSpace(c.PostForm("ly-do"))}
	ctx := c.Request.Context()
	ap.mu.Lock()
	var err error
	var notice string
	if reopen {
		var n int
		n, err = ap.g.Reopen(ctx, req)
		notice = fmt.Sprintf("Đã mở khóa %d biểu của đơn vị %s. Đơn vị có thể nộp lại số liệu.", n, req.Unit)
	} else {
		var res *ingest.ApprovalResult
		res, err = ap.g.Approve(ctx, req)
		if err == nil {
			notice = fmt.Sprintf("Đã phê duyệt số liệu năm %d của đơn vị %s (biểu A: %d dòng). Số liệu đã khóa.", req.Year, req.Unit, res.Forms[review.FormA])
		}
	}
	if err == nil && ap.transform != nil {
		if terr := ap.transform(ctx); terr != nil {
			s.log.ErrorContext(ctx, "transform after approval", slog.String("err", terr.Error()))
			notice += " Tính lại chỉ tiêu bị lỗi; bảng điều khiển chưa cập nhật. Báo cho quản trị viên."
		}
	}
	ap.mu.Unlock()
	var ae *ingest.ApprovalError
	switch {
	case errors.As(err, &ae):
		s.approvePage(c, ap, "", ae.Message+" ("+ae.Code+")")
		return
	case err != nil:
		s.log.ErrorContext(ctx, "approval", slog.String("err", err.Error()))
		s.errorPage(c, http.StatusInternalServerError, "Không ghi được", "Không ghi được phê duyệt; không có gì thay đổi. Vui lòng thử lại sau.")
		return
	}
	s.log.InfoContext(ctx, "approval", "user", sess.Name, "unit", req.Unit, "year", req.Year, "reopen", reopen)
	// back to the list, its state in the URL (Post/Redirect/Get)
	done := "duyet"
	if reopen {
		done = "mo-khoa"
	}
	if strings.Contains(notice, "bị lỗi") {
		done += "-loi"
	}
	q := url.Values{"tinh": {c.Query("tinh")}, "ky": {c.PostForm("ky")}, "xong": {done}, "don-vi": {req.Unit}}
	c.Redirect(http.StatusSeeOther, "/phe-duyet?"+q.Encode())
}

// doneNotice says what the last approval did; built here from codes, so a
// link cannot make the page say anything else.
func doneNotice(c *gin.Context) string {
	unit := c.Query("don-vi")
	if !validCode(unit) {
		return ""
	}
	msg := map[string]string{
		"duyet":   "Đã phê duyệt số liệu của đơn vị " + unit + ": số liệu đã khóa, tệp nộp sau sẽ bị từ chối.",
		"mo-khoa": "Đã mở khóa số liệu của đơn vị " + unit + ": đơn vị có thể nộp lại.",
	}
	base, failed := strings.CutSuffix(c.Query("xong"), "-loi")
	m := msg[base]
	if m != "" && failed {
		m += " Tính lại chỉ tiêu bị lỗi; bảng điều khiển chưa cập nhật. Báo cho quản trị viên."
	}
	return m
}

func validCode(s string) bool {
	if s == "" || len(s) > 10 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
