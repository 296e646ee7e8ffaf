package dashboards

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"rasoat/cases"
	"rasoat/query"
)

// The case pages. Reads need a signed-in user; every POST needs an
// inspector, the same site and the session's CSRF token (see writer), and
// answers 303 to the case page on success (so a reload does not resubmit).

type caseListRow struct {
	ID                                   int64
	Link, Unit, District, Period, Status string
	Assignee, Outcome, Updated           string
	Closed                               bool
}

type caseListView struct {
	pageBase
	Rows []caseListRow
}

func (s *server) caseList(c *gin.Context, a *auth) {
	if _, ok := s.reader(c, a); !ok {
		return
	}
	cs, err := s.q.Cases(c.Request.Context(), query.CaseFilter{})
	if err != nil {
		s.inspectError(c, err)
		return
	}
	v := caseListView{pageBase: s.base(c, a, "Hồ sơ phúc tra")}
	for _, k := range cs {
		v.Rows = append(v.Rows, caseListRow{ID: k.ID, Link: fmt.Sprintf("/phuc-tra/ho-so/%d", k.ID), Unit: k.UnitName,
			District: k.DistrictName, Period: fmt.Sprintf("%d · %s", k.Year, stageLabel(k.Stage)),
			Status: cases.Status(k.Status).Vietnamese(), Assignee: k.Assignee, Outcome: outcomeLabel(k.Outcome),
			Updated: fmtDateTime(k.UpdatedAt.In(vnZone)), Closed: k.Status == string(cases.StatusClosed)})
	}
	s.render(c, http.StatusOK, "inspect_cases.html", v)
}

func outcomeLabel(o string) string {
	if o == "" {
		return ""
	}
	return cases.Outcome(o).Vietnamese()
}

type eventRow struct {
	At, Actor, Role, What, Detail string
}

type caseView struct {
	pageBase
	ID                                  int64
	Unit, District, Period, CommuneLink string
	Status, StatusCode, Assignee        string
	Score, Severity, SevClass, Reason   string
	Rules                               string
	OpenedBy, OpenedAt                  string
	Outcome, Note                       string
	Corrected                           string // the corrected figures, when the outcome is corrected
	NowLine                             string // the figure that counts now
	Events                              []eventRow
	Error                               string

	CanAssign, CanVisit, CanClose bool
	Inspectors                    []choice
	FigTotal, FigPoor, FigNear    string // prefill of the close form
}

func (s *server) casePage(c *gin.Context, a *auth, status int, errMsg string) {
	sess, ok := s.reader(c, a)
	if !ok {
		return
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.errorPage(c, http.StatusNotFound, "Không có hồ sơ", "Không có hồ sơ phúc tra này.")
		return
	}
	ctx := c.Request.Context()
	k, evs, err := s.q.Case(ctx, id)
	if err != nil {
		s.inspectError(c, err)
		return
	}
	v := caseView{pageBase: s.base(c, a, fmt.Sprintf("Hồ sơ phúc tra số %d", k.ID)), ID: k.ID, Unit: k.UnitName,
		District: k.DistrictName, Period: fmt.Sprintf("năm %d, số liệu %s, chuẩn %s", k.Year, stageLabel(k.Stage), standardLabel(k.Standard)),
		CommuneLink: communeLink(k.UnitCode, k.Year, k.Stage), Status: cases.Status(k.Status).Vietnamese(), StatusCode: k.Status,
		Assignee: k.Assignee, Score: fmtDec(k.Score, 2), Severity: k.Severity, SevClass: severityClass(k.Severity),
		Reason: k.Reason, Rules: strings.Join(k.Rules, ", "), OpenedBy: k.OpenedBy, OpenedAt: fmtDateTime(k.OpenedAt.In(vnZone)),
		Outcome: outcomeLabel(k.Outcome), Note: k.Note, Error: errMsg}
	if k.Outcome == string(cases.OutcomeCorrected) && k.TotalHouseholds != nil {
		v.Corrected = fmt.Sprintf("%s hộ, %s hộ nghèo (%s), %s hộ cận nghèo — nạp thành số liệu sau phúc tra (tệp số %s)",
			fmtIntOpt(k.TotalHouseholds), fmtIntOpt(k.PoorEnd), fmtPct(100*float64(*k.PoorEnd)/float64(*k.TotalHouseholds)),
			fmtIntOpt(k.NearPoorEnd), fmtIntOpt(k.FileID))
	}
	for _, e := range evs {
		v.Events = append(v.Events, eventRow{At: fmtDateTime(e.At.In(vnZone)), Actor: e.Actor,
			Role: cases.Role(e.Role).Vietnamese(), What: actionLabel(e.Action), Detail: eventDetail(e)})
	}
	ce, err := s.q.Commune(ctx, k.Year, k.Stage, k.UnitCode)
	switch {
	case err == nil:
		if p := ce.Counted; p != nil {
			v.NowLine = fmt.Sprintf("Số liệu đang được tính năm %d: %s, tỷ lệ hộ nghèo %s (%s/%s hộ), giảm %s điểm %%.",
				k.Year, stageLabel(p.Stage), fmtPctOpt(p.PoorRate), fmtIntOpt(p.Poor), fmtIntOpt(p.Households), fmtPP(p.ReductionPP))
		}
		if p := ce.Row; p != nil {
			v.FigTotal, v.FigPoor, v.FigNear = optInt(p.Households), optInt(p.Poor), optInt(p.NearPoor)
		}
	case !errors.Is(err, query.ErrNoCommune):
		s.inspectError(c, err)
		return
	}
	open := k.Status != string(cases.StatusClosed)
	me := sess.Role == cases.RoleInspector
	v.CanAssign = open && me
	v.CanVisit = me && k.Assignee == sess.Name && (k.Status == string(cases.StatusAssigned) || k.Status == string(cases.StatusVisited))
	v.CanClose = me && k.Assignee == sess.Name && k.Status == string(cases.StatusVisited)
	for _, u := range a.users.WithRole(cases.RoleInspector) {
		sel := u.Name == k.Assignee || k.Assignee == "" && u.Name == sess.Name
		v.Inspectors = append(v.Inspectors, choice{u.Name, u.Name, sel})
	}
	s.render(c, status, "inspect_case.html", v)
}

func actionLabel(a string) string {
	switch cases.Action(a) {
	case cases.ActionOpen:
		return "Mở hồ sơ"
	case cases.ActionAssign:
		return "Phân công"
	case cases.ActionVisit:
		return "Ghi kết quả xác minh"
	case cases.ActionClose:
		return "Đóng hồ sơ"
	}
	return a
}

func eventDetail(e query.CaseEvent) string {
	switch cases.Action(e.Action) {
	case cases.ActionAssign:
		return "Giao cho " + e.Assignee
	case cases.ActionVisit:
		return fmt.Sprintf("Đã kiểm tra %s hộ, phân loại lại %s hộ. %s", fmtIntOpt(e.HouseholdsChecked),
			fmtIntOpt(e.HouseholdsReclassified), e.Findings)
	case cases.ActionClose:
		d := "Kết luận: " + outcomeLabel(e.Outcome)
		if e.TotalHouseholds != nil {
			d += fmt.Sprintf(" (%s hộ, %s hộ nghèo, %s hộ cận nghèo)", fmtIntOpt(e.TotalHouseholds), fmtIntOpt(e.PoorEnd), fmtIntOpt(e.NearPoorEnd))
		}
		if e.Note != "" {
			d += ". " + e.Note
		}
		return d
	}
	return ""
}

// caseFailed answers a refused change: the case page again, with the
// reason and a status that says what kind of refusal it was.
func (s *server) caseFailed(c *gin.Context, a *auth, err error) {
	status := http.StatusInternalServerError
	switch {
	case errors.Is(err, cases.ErrNotFound):
		s.errorPage(c, http.StatusNotFound, "Không có hồ sơ", "Không có hồ sơ phúc tra này.")
		return
	case errors.Is(err, cases.ErrForbidden), errors.Is(err, cases.ErrNotAssignee):
		status = http.StatusForbidden
	case errors.Is(err, cases.ErrTransition), errors.Is(err, cases.ErrClosed), errors.Is(err, cases.ErrAlreadyOpen):
		status = http.StatusConflict
	case errors.Is(err, cases.ErrInvalidInput), errors.Is(err, cases.ErrUnknownUser):
		status = http.StatusBadRequest
	}
	msg := err.Error()
	if status == http.StatusInternalServerError {
		s.log.ErrorContext(c.Request.Context(), "case change", "path", c.Request.URL.Path, "err", msg)
		if !strings.HasPrefix(msg, "hồ sơ đã đóng") && !strings.HasPrefix(msg, "số liệu điều chỉnh") {
			msg = "Hệ thống không ghi được thay đổi. Vui lòng thử lại hoặc báo cho quản trị viên."
		}
	}
	s.casePage(c, a, status, msg)
}

func caseID(c *gin.Context) (int64, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	return id, err == nil && id > 0
}

func (s *server) caseOpen(c *gin.Context, a *auth, svc *cases.Service) {
	sess, ok := s.writer(c, a)
	if !ok {
		return
	}
	year, err := strconv.Atoi(c.PostForm("nam"))
	stage, code := c.PostForm("giai-doan"), c.PostForm("ma-xa")
	if err != nil || stage == "" || code == "" {
		s.errorPage(c, http.StatusBadRequest, "Thiếu thông tin", "Cần năm, giai đoạn và mã xã để mở hồ sơ.")
		return
	}
	ce, err := s.q.Commune(c.Request.Context(), year, stage, code)
	if err != nil {
		s.inspectError(c, err)
		return
	}
	if ce.Flag == nil {
		s.errorPage(c, http.StatusConflict, "Xã không bị gắn cờ", "Chỉ mở hồ sơ phúc tra cho xã có trong danh sách bất thường.")
		return
	}
	fl := ce.Flag
	id, err := svc.Open(c.Request.Context(), sess.User, cases.Flag{Year: year, Stage: stage, Standard: ce.Standard,
		UnitCode: code, UnitName: fl.UnitName, DistrictName: fl.DistrictName, Score: fl.Score, Severity: fl.Severity,
		Rules: fl.Rules, Reason: fl.Reason})
	if err != nil {
		status := http.StatusInternalServerError
		switch {
		case errors.Is(err, cases.ErrAlreadyOpen):
			status = http.StatusConflict
		case errors.Is(err, cases.ErrInvalidInput):
			status = http.StatusBadRequest
		case errors.Is(err, cases.ErrForbidden):
			status = http.StatusForbidden
		}
		msg := err.Error()
		if status == http.StatusInternalServerError {
			s.log.ErrorContext(c.Request.Context(), "case open", "err", msg)
			msg = "Hệ thống không mở được hồ sơ. Vui lòng thử lại hoặc báo cho quản trị viên."
		}
		s.errorPage(c, status, "Không mở được hồ sơ", msg)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/phuc-tra/ho-so/%d", id))
}

func (s *server) caseAssign(c *gin.Context, a *auth, svc *cases.Service) {
	sess, ok := s.writer(c, a)
	id, okID := caseID(c)
	if !ok {
		return
	}
	if !okID {
		s.caseFailed(c, a, cases.ErrNotFound)
		return
	}
	if err := svc.Assign(c.Request.Context(), id, sess.User, c.PostForm("nguoi-nhan")); err != nil {
		s.caseFailed(c, a, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/phuc-tra/ho-so/%d", id))
}

// formInt reads a whole number typed in Vietnamese style ("1.234").
func formInt(c *gin.Context, name string) (int64, error) {
	raw := strings.ReplaceAll(strings.ReplaceAll(strings.TrimSpace(c.PostForm(name)), ".", ""), " ", "")
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %q không phải số nguyên", cases.ErrInvalidInput, c.PostForm(name))
	}
	return n, nil
}

func (s *server) caseVisit(c *gin.Context, a *auth, svc *cases.Service) {
	sess, ok := s.writer(c, a)
	id, okID := caseID(c)
	if !ok {
		return
	}
	if !okID {
		s.caseFailed(c, a, cases.ErrNotFound)
		return
	}
	checked, err1 := formInt(c, "so-ho-kiem-tra")
	recl, err2 := formInt(c, "so-ho-phan-loai-lai")
	if err := errors.Join(err1, err2); err != nil {
		s.caseFailed(c, a, err1Or(err1, err2))
		return
	}
	v := cases.Visit{HouseholdsChecked: int(checked), HouseholdsReclassified: int(recl), Findings: c.PostForm("phat-hien")}
	if err := svc.RecordVisit(c.Request.Context(), id, sess.User, v); err != nil {
		s.caseFailed(c, a, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/phuc-tra/ho-so/%d", id))
}

func err1Or(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

func (s *server) caseClose(c *gin.Context, a *auth, svc *cases.Service) {
	sess, ok := s.writer(c, a)
	id, okID := caseID(c)
	if !ok {
		return
	}
	if !okID {
		s.caseFailed(c, a, cases.ErrNotFound)
		return
	}
	out, _ := cases.ParseOutcome(c.PostForm("ket-luan"))
	cl := cases.Closing{Outcome: out, Note: c.PostForm("ghi-chu")}
	if out == "" {
		cl.Outcome = cases.Outcome(c.PostForm("ket-luan")) // the service names the error
	}
	if out == cases.OutcomeCorrected {
		t, e1 := formInt(c, "tong-so-ho")
		p, e2 := formInt(c, "so-ho-ngheo")
		n, e3 := formInt(c, "so-ho-can-ngheo")
		if err := errors.Join(e1, e2, e3); err != nil {
			s.caseFailed(c, a, err1Or(e1, err1Or(e2, e3)))
			return
		}
		cl.Figures = &cases.Figures{TotalHouseholds: t, PoorEnd: p, NearPoorEnd: n}
	}
	start := time.Now()
	res, err := svc.Close(c.Request.Context(), id, sess.User, cl)
	if err != nil && res == nil {
		s.caseFailed(c, a, err)
		return
	}
	if err != nil { // closed and loaded, but the recompute failed
		s.log.ErrorContext(c.Request.Context(), "case close: recompute", "case", id, "err", err.Error())
	}
	s.log.InfoContext(c.Request.Context(), "case closed", "case", id, "outcome", string(out), "file_id", res.FileID,
		"recomputed", res.Recomputed, "took", time.Since(start))
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/phuc-tra/ho-so/%d", id))
}
