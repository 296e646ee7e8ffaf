package dashboards

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"rasoat/cases"
	"rasoat/query"
)

// The inspectors' pages (phúc tra): the ranked list of flagged communes with
// filters and an Excel export, a commune's evidence, and — when the server
// has a cases service and users — the re-verification cases.

// inspectRoutes registers the pages. Without opts.Cases the server is
// read-only: the case and login routes do not exist (404).
func (s *server) inspectRoutes(r *gin.Engine, opts Options) {
	a := s.auth // nil without users
	r.GET("/phuc-tra", func(c *gin.Context) { s.inspectList(c, a) })
	r.GET("/phuc-tra/xuat.xlsx", s.inspectExcel)
	r.GET("/phuc-tra/xa/:code", func(c *gin.Context) { s.inspectCommune(c, a) })
	r.GET("/phuc-tra/xa/:code/csv/:file", s.inspectCSV)
	if a == nil {
		return
	}
	svc := opts.Cases
	r.GET("/dang-nhap", func(c *gin.Context) { s.loginPage(c, a) })
	r.POST("/dang-nhap", func(c *gin.Context) { s.login(c, a) })
	r.POST("/dang-xuat", func(c *gin.Context) { s.logout(c, a) })
	if svc == nil {
		return // users without cases (opts.Users): sign-in only
	}
	r.GET("/phuc-tra/ho-so", func(c *gin.Context) { s.caseList(c, a) })
	r.GET("/phuc-tra/ho-so/:id", func(c *gin.Context) { s.casePage(c, a, http.StatusOK, "") })
	r.POST("/phuc-tra/ho-so", func(c *gin.Context) { s.caseOpen(c, a, svc) })
	r.POST("/phuc-tra/ho-so/:id/phan-cong", func(c *gin.Context) { s.caseAssign(c, a, svc) })
	r.POST("/phuc-tra/ho-so/:id/xac-minh", func(c *gin.Context) { s.caseVisit(c, a, svc) })
	r.POST("/phuc-tra/ho-so/:id/dong", func(c *gin.Context) { s.caseClose(c, a, svc) })
}

// pageBase is what every inspector page shows around its content.
type pageBase struct {
	Title        string
	Synthetic    bool
	CasesEnabled bool // the server has cases and users
	UserName     string
	UserRole     string
	Inspector    bool
	CSRF         string
	GeneratedAt  string
	AssetVersion map[string]string
}

func (s *server) base(c *gin.Context, a *auth, title string) pageBase {
	b := pageBase{Title: title, CasesEnabled: a != nil && s.cases, GeneratedAt: fmtDateTime(s.now().In(vnZone)),
		AssetVersion: map[string]string{"css": s.assets["app.css"].etag, "js": s.assets["app.js"].etag, "ijs": s.assets["inspect.js"].etag,
			"echarts": s.assets["vendor/echarts/echarts.min.js"].etag, "icss": s.assets["inspect.css"].etag, "njs": s.assets["notebook.js"].etag}}
	if sess, ok := a.current(c); ok {
		b.UserName, b.UserRole, b.Inspector = sess.Name, sess.Role.Vietnamese(), sess.Role == cases.RoleInspector
		b.CSRF = a.csrf(sess)
	}
	return b
}

// vnZone is Vietnam's time (UTC+7, no daylight saving): events are stored
// in UTC and shown as officers read clocks.
var vnZone = time.FixedZone("ICT", 7*3600)

// flagFilter reads the list's filters from the query string.
func flagFilter(c *gin.Context) query.FlagFilter {
	y, _ := strconv.Atoi(strings.TrimSpace(c.Query("nam")))
	return query.FlagFilter{
		Year:     y,
		Stage:    strings.TrimSpace(c.Query("giai-doan")),
		District: strings.TrimSpace(c.Query("huyen")),
		Rule:     strings.TrimSpace(c.Query("quy-tac")),
		Severity: strings.TrimSpace(c.Query("muc-do")),
	}
}

// filterQuery renders a filter back into a query string (links, export).
func filterQuery(f query.FlagFilter) string {
	v := url.Values{}
	if f.Year != 0 {
		v.Set("nam", strconv.Itoa(f.Year))
	}
	for k, x := range map[string]string{"giai-doan": f.Stage, "huyen": f.District, "quy-tac": f.Rule, "muc-do": f.Severity} {
		if x != "" {
			v.Set(k, x)
		}
	}
	return v.Encode()
}

var severities = []string{"cao", "trung bình", "thấp"}

func severityClass(s string) string {
	switch s {
	case "cao":
		return "sev-high"
	case "trung bình":
		return "sev-mid"
	}
	return "sev-low"
}

type choice struct {
	Value, Label string
	Selected     bool
}

type flagRow struct {
	N                                 int
	Code, Name, District, Link        string
	Score, Severity, SevClass, Reason string
	Rules                             []ruleTag
	CaseStatus                        string
}

type ruleTag struct{ ID, Title string }

type listView struct {
	pageBase
	Year, Stage                     string
	Years, Stages, Districts, Rules []choice
	Severities                      []choice
	Rows                            []flagRow
	Total, Shown                    int
	Filtered                        bool
	ExportURL                       string
	Empty                           string
}

func (s *server) inspectList(c *gin.Context, a *auth) {
	ctx := c.Request.Context()
	l, err := s.q.Flags(ctx, flagFilter(c))
	if err != nil {
		s.inspectError(c, err)
		return
	}
	v := listView{pageBase: s.base(c, a, "Danh sách xã cần phúc tra"), Total: l.Total, Shown: len(l.Flags)}
	v.Synthetic = l.Synthetic
	f := l.Filter
	v.Year, v.Stage = strconv.Itoa(f.Year), stageLabel(f.Stage)
	v.Filtered = f.District != "" || f.Rule != "" || f.Severity != ""
	v.ExportURL = "/phuc-tra/xuat.xlsx?" + filterQuery(f)
	seenY, seenS := map[int]bool{}, map[string]bool{}
	for _, p := range l.Periods {
		if !seenY[p.Year] {
			seenY[p.Year] = true
			v.Years = append(v.Years, choice{strconv.Itoa(p.Year), strconv.Itoa(p.Year), p.Year == f.Year})
		}
		if !seenS[p.Stage] {
			seenS[p.Stage] = true
			v.Stages = append(v.Stages, choice{p.Stage, stageLabel(p.Stage), p.Stage == f.Stage})
		}
	}
	v.Districts = append(v.Districts, choice{"", "Tất cả", f.District == ""})
	for _, d := range l.Districts {
		v.Districts = append(v.Districts, choice{d.Code, d.Name, d.Code == f.District})
	}
	titles := map[string]string{}
	v.Rules = append(v.Rules, choice{"", "Tất cả", f.Rule == ""})
	for _, r := range l.Rules {
		titles[r.ID] = r.Title
		v.Rules = append(v.Rules, choice{r.ID, r.ID + " — " + r.Title, r.ID == f.Rule})
	}
	v.Severities = append(v.Severities, choice{"", "Tất cả", f.Severity == ""})
	for _, sv := range severities {
		v.Severities = append(v.Severities, choice{sv, sv, sv == f.Severity})
	}
	var open map[string]string
	if _, ok := a.current(c); ok {
		if open, err = s.caseStatuses(c, f.Year, f.Stage); err != nil {
			s.inspectError(c, err)
			return
		}
	}
	for i, fl := range l.Flags {
		row := flagRow{N: i + 1, Code: fl.UnitCode, Name: fl.UnitName, District: fl.DistrictName,
			Link:  communeLink(fl.UnitCode, fl.Year, fl.Stage),
			Score: fmtDec(fl.Score, 2), Severity: fl.Severity, SevClass: severityClass(fl.Severity), Reason: fl.Reason,
			CaseStatus: open[fl.UnitCode]}
		for _, id := range fl.Rules {
			row.Rules = append(row.Rules, ruleTag{id, titles[id]})
		}
		v.Rows = append(v.Rows, row)
	}
	switch {
	case l.Total == 0:
		v.Empty = fmt.Sprintf("Không có xã nào bị gắn cờ trong năm %d.", f.Year)
	case len(l.Flags) == 0:
		v.Empty = "Không có xã nào thỏa các bộ lọc đã chọn."
	}
	s.render(c, http.StatusOK, "inspect_list.html", v)
}

// caseStatuses maps the communes of a period to their latest case status.
func (s *server) caseStatuses(c *gin.Context, year int, stage string) (map[string]string, error) {
	cs, err := s.q.Cases(c.Request.Context(), query.CaseFilter{Year: year, Stage: stage})
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, k := range cs { // open cases first, then the most recent
		if _, seen := out[k.UnitCode]; !seen {
			out[k.UnitCode] = cases.Status(k.Status).Vietnamese()
		}
	}
	return out, nil
}

func communeLink(code string, year int, stage string) string {
	return "/phuc-tra/xa/" + url.PathEscape(code) + "?" + url.Values{"nam": {strconv.Itoa(year)}, "giai-doan": {stage}}.Encode()
}

// inspectError answers a failed read without leaking internals.
func (s *server) inspectError(c *gin.Context, err error) {
	switch {
	case errors.Is(err, query.ErrNoAnomalies):
		s.errorPage(c, http.StatusNotFound, "Chưa có danh sách bất thường",
			"Chưa tính danh sách xã cần phúc tra. Hãy nạp số liệu và chạy lệnh tính toán (rasoat transform).")
	case errors.Is(err, query.ErrNoCommune):
		s.errorPage(c, http.StatusNotFound, "Không có số liệu", "Không có số liệu của xã này cho năm và giai đoạn đã chọn.")
	case errors.Is(err, query.ErrNoCase):
		s.errorPage(c, http.StatusNotFound, "Không có hồ sơ", "Không có hồ sơ phúc tra này.")
	default:
		s.log.ErrorContext(c.Request.Context(), "inspect", "path", c.Request.URL.Path, "err", err.Error())
		s.errorPage(c, http.StatusInternalServerError, "Không đọc được số liệu",
			"Hệ thống không đọc được số liệu. Vui lòng thử lại sau hoặc báo cho quản trị viên.")
	}
}

// communeParams reads /phuc-tra/xa/:code?nam=&giai-doan=.
func communeParams(c *gin.Context) (code string, year int, stage string, ok bool) {
	code = c.Param("code")
	year, err := strconv.Atoi(c.Query("nam"))
	stage = c.Query("giai-doan")
	return code, year, stage, err == nil && code != "" && stage != ""
}

type evidenceRow struct {
	RuleID, Title, Family                       string
	Observed, Expected, Range, Threshold, Score string
	Reason                                      string
}

type historyRow struct {
	Year                                               int
	Standard, Stage                                    string
	Counted, Baseline, Current                         bool
	Households, Poor, PoorRate, NearPoor, NearPoorRate string
	Reduction                                          string
}

type peerRow struct {
	Code, Name, Link, Households, Poor, PoorRate, Reduction string
	Self                                                    bool
}

type flowRow struct{ Label, Value string }

type caseLine struct {
	ID                        int64
	Status, Assignee, Outcome string
	Link                      string
}

type communeView struct {
	pageBase
	Code, Name, District, Year, Stage, StageCode, Standard string
	Flagged                                                bool
	Score, Severity, SevClass, Reason                      string
	Evidence                                               []evidenceRow
	NowLine                                                string // the counted figure of the year
	NotCounted                                             bool
	History                                                []historyRow
	HistoryOption                                          map[string]any
	Peers                                                  []peerRow
	PeerNote                                               string
	PeersOption                                            map[string]any
	PeersHeight                                            int
	PoorFlows, NearFlows                                   []flowRow
	FlowsOption                                            map[string]any
	CSVBase                                                string
	ListLink                                               string
	Cases                                                  []caseLine
	CanOpen                                                bool
	LoginLink                                              string
}

func (s *server) inspectCommune(c *gin.Context, a *auth) {
	code, year, stage, ok := communeParams(c)
	if !ok {
		s.errorPage(c, http.StatusBadRequest, "Thiếu tham số", "Cần chọn năm và giai đoạn (?nam=…&giai-doan=…).")
		return
	}
	ce, err := s.q.Commune(c.Request.Context(), year, stage, code)
	if err != nil {
		s.inspectError(c, err)
		return
	}
	v := communeView{pageBase: s.base(c, a, ce.UnitName+" — bằng chứng phúc tra"),
		Code: ce.UnitCode, Name: ce.UnitName, District: ce.DistrictName, Year: strconv.Itoa(year),
		Stage: stageLabel(stage), StageCode: stage, Standard: standardLabel(ce.Standard),
		CSVBase:  "/phuc-tra/xa/" + url.PathEscape(code) + "/csv/",
		ListLink: "/phuc-tra?" + filterQuery(query.FlagFilter{Year: year, Stage: stage})}
	v.Synthetic = ce.Synthetic
	if fl := ce.Flag; fl != nil {
		v.Flagged, v.Score, v.Severity, v.SevClass, v.Reason = true, fmtDec(fl.Score, 2), fl.Severity, severityClass(fl.Severity), fl.Reason
	}
	for _, e := range ce.Evidence {
		v.Evidence = append(v.Evidence, evidenceRow{RuleID: e.RuleID, Title: e.Title, Family: e.Family,
			Observed: fmtOpt(e.Observed), Expected: fmtOpt(e.Expected), Range: fmtRange(e.Lower, e.Upper),
			Threshold: fmtOpt(e.Threshold), Score: fmtDec(e.Score, 2), Reason: e.Reason})
	}
	if p := ce.Counted; p != nil {
		v.NowLine = fmt.Sprintf("Số liệu đang được tính năm %d: %s, tỷ lệ hộ nghèo %s (%s/%s hộ), giảm %s điểm %%.",
			year, stageLabel(p.Stage), fmtPctOpt(p.PoorRate), fmtIntOpt(p.Poor), fmtIntOpt(p.Households), fmtPP(p.ReductionPP))
		v.NotCounted = p.Stage != stage
	}
	for _, p := range ce.History {
		v.History = append(v.History, historyRow{Year: p.Year, Standard: standardLabel(p.Standard), Stage: stageLabel(p.Stage),
			Counted: p.Counted, Baseline: p.IsBaseline, Current: p.Year == year && p.Stage == stage && p.Standard == ce.Standard,
			Households: fmtIntOpt(p.Households), Poor: fmtIntOpt(p.Poor), PoorRate: fmtPctOpt(p.PoorRate),
			NearPoor: fmtIntOpt(p.NearPoor), NearPoorRate: fmtPctOpt(p.NearPoorRate), Reduction: fmtPP(p.ReductionPP)})
	}
	if len(ce.History) > 0 {
		v.HistoryOption = historyOption(ce)
	}
	for _, p := range ce.Peers {
		v.Peers = append(v.Peers, peerRow{Code: p.UnitCode, Name: p.UnitName, Link: communeLink(p.UnitCode, year, stage),
			Households: fmtIntOpt(p.Households), Poor: fmtIntOpt(p.Poor), PoorRate: fmtPctOpt(p.PoorRate),
			Reduction: fmtPP(p.ReductionPP), Self: p.Self})
	}
	if ce.PeerBasis == query.PeersDistrict {
		v.PeerNote = "Các xã cùng huyện " + ce.DistrictName + ", cùng năm và giai đoạn; xã đang xem được tô đậm."
	} else {
		v.PeerNote = fmt.Sprintf("Từ 1/7/2025 không còn cấp huyện: so với %d xã trong tỉnh có tỷ lệ hộ nghèo gần nhất; xã đang xem được tô đậm.", query.PeerLimit-1)
	}
	if len(ce.Peers) > 0 {
		v.PeersOption = peersOption(ce)
		v.PeersHeight = rankingHeight(len(ce.Peers))
	}
	if fl := ce.Flows; fl != nil {
		for _, it := range fl.Poor {
			v.PoorFlows = append(v.PoorFlows, flowRow{it.Label, fmtIntOpt(it.Value)})
		}
		for _, it := range fl.NearPoor {
			v.NearFlows = append(v.NearFlows, flowRow{it.Label, fmtIntOpt(it.Value)})
		}
		v.FlowsOption = flowsOption(ce)
	}
	if a != nil {
		sess, signed := a.current(c)
		if !signed {
			v.LoginLink = "/dang-nhap?tiep=" + url.QueryEscape(c.Request.URL.RequestURI())
		} else {
			cs, err := s.q.Cases(c.Request.Context(), query.CaseFilter{Year: year, Stage: stage, UnitCode: code})
			if err != nil {
				s.inspectError(c, err)
				return
			}
			active := false
			for _, k := range cs {
				v.Cases = append(v.Cases, caseLine{ID: k.ID, Status: cases.Status(k.Status).Vietnamese(), Assignee: k.Assignee,
					Outcome: cases.Outcome(k.Outcome).Vietnamese(), Link: fmt.Sprintf("/phuc-tra/ho-so/%d", k.ID)})
				active = active || k.Status != string(cases.StatusClosed)
			}
			v.CanOpen = v.Flagged && !active && sess.Role == cases.RoleInspector
		}
	}
	s.render(c, http.StatusOK, "inspect_commune.html", v)
}

func fmtOpt(v *float64) string {
	if v == nil {
		return "—"
	}
	return fmtDec(*v, 2)
}

func fmtRange(lo, hi *float64) string {
	switch {
	case lo == nil && hi == nil:
		return "—"
	case lo == nil:
		return "≤ " + fmtDec(*hi, 2)
	case hi == nil:
		return "≥ " + fmtDec(*lo, 2)
	}
	return fmtDec(*lo, 2) + " – " + fmtDec(*hi, 2)
}

func fmtPctOpt(v *float64) string {
	if v == nil {
		return "—"
	}
	return fmtPct(*v)
}

func fmtIntOpt(v *int64) string {
	if v == nil {
		return "—"
	}
	return fmtInt(*v)
}
