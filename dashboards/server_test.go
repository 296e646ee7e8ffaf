package dashboards

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/text/unicode/norm"

	"rasoat/query"
	"rasoat/query/querytest"
)

var fixedNow = time.Date(2025, 10, 30, 7, 5, 0, 0, time.UTC)

func newTestServer(t *testing.T) (*gin.Engine, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	q := query.New(querytest.Open(t).DB)
	srv := NewServer(q, Options{
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
		Now:    func() time.Time { return fixedNow },
	})
	return srv, &logs
}

func get(t *testing.T, h http.Handler, url string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, url, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func wantStatus(t *testing.T, rec *httptest.ResponseRecorder, status int, contentType string) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status = %d, want %d; body: %.300s", rec.Code, status, rec.Body.String())
	}
	if got := rec.Header().Get("Content-Type"); got != contentType {
		t.Fatalf("Content-Type = %q, want %q", got, contentType)
	}
}

func containsAll(t *testing.T, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("body lacks %q", w)
		}
	}
}

var scriptJSON = regexp.MustCompile(`(?s)<script type="application/json" id="([a-z-]+)">(.*?)</script>`)

// chartOptions returns the embedded chart options of a page by script id.
func chartOptions(t *testing.T, body string) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, m := range scriptJSON.FindAllStringSubmatch(body, -1) {
		if strings.ContainsAny(m[2], "<>") {
			t.Errorf("%s: raw < or > inside the script element: %.200s", m[1], m[2])
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(m[2]), &v); err != nil {
			t.Fatalf("%s: not JSON: %v: %.200s", m[1], err, m[2])
		}
		out[m[1]] = v
	}
	return out
}

func TestOverviewPageSample(t *testing.T) {
	srv, _ := newTestServer(t)
	rec := get(t, srv, "/")
	wantStatus(t, rec, http.StatusOK, "text/html; charset=utf-8")
	body := rec.Body.String()
	containsAll(t, body,
		`<html lang="vi">`,
		"DỮ LIỆU TỔNG HỢP (MẪU) — không phải số liệu thật của bất kỳ tỉnh nào",
		"Dữ liệu tổng hợp — không phải số liệu thật",
		"<h1>Tỉnh Mẫu</h1>",
		"Năm 2025 · Chuẩn nghèo NĐ 07/2021 · Số liệu chính thức · 3/3 đơn vị đã báo cáo",
		"chưa được phê duyệt",
		`id="kpi-poor-rate">8,50%<`,      // 918 / 10.800
		`id="kpi-near-poor-rate">8,00%<`, // 864 / 10.800
		"918 / 10.800 hộ",
		`id="kpi-reduction">2,00 điểm %<`,
		`id="kpi-status">đạt<`, // 2,00 within 1,5–2
		"Chỉ tiêu 1,5–2 điểm %/năm (giai đoạn 2021-2025)",
		"Tỷ lệ hộ nghèo theo xã năm 2025",
		"Từ 1/7/2025 không còn cấp huyện",
		`<td class="num">14,89%</td>`, // 268 / 1.800
		`<td class="num">12,00%</td>`, // 2020 QĐ 59
		`năm gốc`,
		`href="/export/overview/trend.csv?province=99"`,
		`href="/export/overview/ranking.csv?province=99"`,
		"<summary>Bảng số liệu</summary>",
		"<table id=\"table-trend\">",
		"<table id=\"table-ranking\">",
		"Trang tạo lúc 07:05 ngày 30/10/2025",
		`<script src="/assets/vendor/echarts/echarts.min.js?v=`,
		`<option value="66">Đắk Lắk (2018)</option>`,
	)
	if !norm.NFC.IsNormalString(body) {
		t.Error("page is not NFC")
	}
	for _, bad := range []string{"http://", "https://", "//cdn", "8.50%", "10,800"} {
		if strings.Contains(body, bad) {
			t.Errorf("page contains %q", bad)
		}
	}

	// The hostile unit name is text in the table ...
	if strings.Contains(body, "<script>alert(1)") || strings.Contains(body, "<img src=x") {
		t.Fatal("hostile unit name reached the page unescaped")
	}
	containsAll(t, body, "<td>"+html.EscapeString(querytest.HostileName)+"</td>")
	// ... and data, not markup, in the chart JSON: it round-trips unchanged.
	opts := chartOptions(t, body)
	rank := opts["ranking-option"]
	if rank == nil || opts["trend-option"] == nil {
		t.Fatalf("chart options found: %v", keys(opts))
	}
	cats := rank["yAxis"].([]any)[0].(map[string]any)["data"].([]any)
	if len(cats) != 3 || cats[0] != "Xã Ea Đrăng" || cats[1] != querytest.HostileName || cats[2] != "Xã Hòa Bình" {
		t.Errorf("ranking categories = %q", cats)
	}
}

func keys(m map[string]map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestOverviewPageRealProvinceDistricts(t *testing.T) {
	srv, _ := newTestServer(t)
	rec := get(t, srv, "/?province=66")
	wantStatus(t, rec, http.StatusOK, "text/html; charset=utf-8")
	body := rec.Body.String()
	containsAll(t, body,
		"<h1>Đắk Lắk</h1>",
		`id="kpi-poor-rate">12,81%<`,      // 57.180 / 446.297
		`id="kpi-near-poor-rate">9,72%<`,  // 43.376 / 446.297
		`id="kpi-reduction">2,56 điểm %<`, // 15,37 − 12,81
		`id="kpi-status">đạt<`,
		"Chỉ tiêu 2,5–3 điểm %/năm (giai đoạn 2016-2020)",
		"57.180 / 446.297 hộ",
		"Tỷ lệ hộ nghèo theo huyện năm 2018",
		"<td>Ea Súp</td>", `<td class="num">43,13%</td>`,
		"<td>M&#39;Đrắk</td>", `<td class="num">41,10%</td>`,
		`<option value="66" selected>`,
	)
	for _, bad := range []string{"DỮ LIỆU TỔNG HỢP", "tổng hợp —", "chưa được phê duyệt"} {
		if strings.Contains(body, bad) {
			t.Errorf("real province page contains %q", bad)
		}
	}
}

func TestOverviewPageErrors(t *testing.T) {
	srv, _ := newTestServer(t)
	for _, c := range []struct {
		url    string
		status int
		want   string
	}{
		{"/?province=00", http.StatusNotFound, "Không có số liệu của tỉnh đã chọn."},
		{"/?province=%3Cscript%3E", http.StatusNotFound, "Không có số liệu"},
		{"/khong-co", http.StatusNotFound, "Địa chỉ này không có trên hệ thống."},
		{"/export/overview/other.csv", http.StatusNotFound, "Không có tệp xuất này."},
		{"/export/overview/trend.csv?province=00", http.StatusNotFound, "Không có số liệu"},
	} {
		rec := get(t, srv, c.url)
		wantStatus(t, rec, c.status, "text/html; charset=utf-8")
		if !strings.Contains(rec.Body.String(), c.want) {
			t.Errorf("%s: body lacks %q", c.url, c.want)
		}
		if strings.Contains(rec.Body.String(), "<script>") {
			t.Errorf("%s: echoed input", c.url)
		}
	}
}

func TestOverviewAPI(t *testing.T) {
	srv, _ := newTestServer(t)
	rec := get(t, srv, "/api/overview")
	wantStatus(t, rec, http.StatusOK, "application/json; charset=utf-8")
	var ov query.Overview
	if err := json.Unmarshal(rec.Body.Bytes(), &ov); err != nil {
		t.Fatal(err)
	}
	if ov.ProvinceCode != "99" || ov.Year != 2025 || ov.Poor != 918 || !ov.Synthetic || len(ov.Trend) != 7 ||
		len(ov.Ranking) != 3 || ov.RankingLevel != "commune" || ov.Target == nil || ov.Target.Status != "đạt" {
		t.Errorf("api overview = %+v", ov)
	}
	if !strings.Contains(rec.Body.String(), `"poor_rate":8.5`) {
		t.Errorf("API numbers are not plain JSON numbers: %.300s", rec.Body.String())
	}

	rec = get(t, srv, "/api/overview?province=00")
	wantStatus(t, rec, http.StatusNotFound, "application/json; charset=utf-8")
	if !strings.Contains(rec.Body.String(), "Không có số liệu") {
		t.Errorf("api error body = %s", rec.Body.String())
	}
}

func TestAssets(t *testing.T) {
	srv, _ := newTestServer(t)
	for _, c := range []struct {
		url, ct, want string
	}{
		{"/assets/app.js", "text/javascript; charset=utf-8", "echarts.init(el, null, { renderer: 'canvas' })"},
		{"/assets/app.css", "text/css; charset=utf-8", ".banner-synthetic"},
		{"/assets/vendor/echarts/echarts.min.js", "text/javascript; charset=utf-8", `version="5.6.0"`},
		{"/assets/vendor/echarts/LICENSE", "text/plain; charset=utf-8", "Apache License"},
		{"/assets/vendor/echarts/NOTICE", "text/plain; charset=utf-8", "Apache ECharts"},
	} {
		rec := get(t, srv, c.url)
		wantStatus(t, rec, http.StatusOK, c.ct)
		if !strings.Contains(rec.Body.String(), c.want) {
			t.Errorf("%s lacks %q", c.url, c.want)
		}
		etag := rec.Header().Get("ETag")
		if etag == "" || rec.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: ETag %q, nosniff %q", c.url, etag, rec.Header().Get("X-Content-Type-Options"))
		}
		if rec := get(t, srv, c.url, "If-None-Match", etag); rec.Code != http.StatusNotModified {
			t.Errorf("%s with matching ETag: %d, want 304", c.url, rec.Code)
		}
	}
	for _, u := range []string{"/assets/nope.js", "/assets/", "/assets/../server.go", "/assets/%2e%2e/server.go", "/assets/templates/overview.html"} {
		if rec := get(t, srv, u); rec.Code != http.StatusNotFound && rec.Code != http.StatusMovedPermanently {
			t.Errorf("%s: status %d, want 404", u, rec.Code)
		} else if strings.Contains(rec.Body.String(), "package dashboards") {
			t.Errorf("%s served source", u)
		}
	}
}

func readCSV(t *testing.T, rec *httptest.ResponseRecorder, sep rune) [][]string {
	t.Helper()
	b := rec.Body.Bytes()
	if !bytes.HasPrefix(b, []byte("\ufeff")) {
		t.Fatal("CSV lacks the UTF-8 BOM")
	}
	r := csv.NewReader(bytes.NewReader(b[3:]))
	r.Comma = sep
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestExportCSV(t *testing.T) {
	srv, _ := newTestServer(t)

	rec := get(t, srv, "/export/overview/trend.csv")
	wantStatus(t, rec, http.StatusOK, "text/csv; charset=utf-8")
	if cd := rec.Header().Get("Content-Disposition"); cd != `attachment; filename="tong-quan-xu-huong-99-2025.csv"` {
		t.Errorf("Content-Disposition = %q", cd)
	}
	if !strings.Contains(rec.Body.String(), "\r\n") {
		t.Error("CSV lines do not end with CRLF")
	}
	rows := readCSV(t, rec, ';')
	if len(rows) != 8 || rows[0][2] != "Năm" || rows[0][8] != "Tỷ lệ hộ nghèo (%)" {
		t.Fatalf("trend CSV = %q", rows)
	}
	// 2021 has two rows, one per standard; the baseline is marked.
	want := [][]string{
		{"99", "Tỉnh Mẫu", "2020", "QĐ 59/2015", "không", "phê duyệt", "10000", "1200", "12,00", "800", "8,00", "", syntheticNote},
		{"99", "Tỉnh Mẫu", "2021", "QĐ 59/2015", "không", "phê duyệt", "10200", "1020", "10,00", "714", "7,00", "2,00", syntheticNote},
		{"99", "Tỉnh Mẫu", "2021", "NĐ 07/2021", "có", "phê duyệt", "10200", "1530", "15,00", "1020", "10,00", "", syntheticNote},
	}
	for i, w := range want {
		if strings.Join(rows[i+1], "|") != strings.Join(w, "|") {
			t.Errorf("trend row %d = %q, want %q", i+1, rows[i+1], w)
		}
	}
	if last := rows[7]; last[2] != "2025" || last[5] != "chính thức" || last[8] != "8,50" || last[11] != "2,00" {
		t.Errorf("trend 2025 = %q", last)
	}

	rec = get(t, srv, "/export/overview/ranking.csv?province=99")
	wantStatus(t, rec, http.StatusOK, "text/csv; charset=utf-8")
	rows = readCSV(t, rec, ';')
	if len(rows) != 4 {
		t.Fatalf("ranking CSV = %q", rows)
	}
	if r := rows[1]; r[0] != "1" || r[1] != "99003" || r[2] != "Xã Ea Đrăng" || r[3] != "xã" || r[8] != "14,89" || r[10] != "11,33" {
		t.Errorf("ranking row 1 = %q", r)
	}
	if r := rows[2]; r[2] != querytest.HostileName || r[8] != "10,00" {
		t.Errorf("ranking row 2 = %q (name must be kept as typed)", r)
	}

	// Machine form: "," between fields, "." decimals.
	rec = get(t, srv, "/export/overview/ranking.csv?province=66&sep=comma")
	rows = readCSV(t, rec, ',')
	if len(rows) != 5 || rows[1][2] != "Ea Súp" || rows[1][8] != "43.13" || rows[1][3] != "huyện" || rows[1][12] != "" {
		t.Errorf("ranking CSV (comma) = %q", rows)
	}
}

func TestCSVCellNeutralisesFormulas(t *testing.T) {
	for in, want := range map[string]string{
		"=HYPERLINK(\"http://x\")": "'=HYPERLINK(\"http://x\")",
		"+1":                       "'+1",
		"-2+3":                     "'-2+3",
		"@SUM(A1)":                 "'@SUM(A1)",
		"Xã Ea Đrăng":              "Xã Ea Đrăng",
		"":                         "",
	} {
		if got := cell(in); got != want {
			t.Errorf("cell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHealthz(t *testing.T) {
	srv, _ := newTestServer(t)
	rec := get(t, srv, "/healthz")
	wantStatus(t, rec, http.StatusOK, "text/plain; charset=utf-8")
	if rec.Body.String() != "ok\n" {
		t.Errorf("healthz body = %q", rec.Body.String())
	}
}

func TestRecoveryHidesStackAndLogs(t *testing.T) {
	srv, logs := newTestServer(t)
	routeRules["GET /boom"] = rule{public: true}
	t.Cleanup(func() { delete(routeRules, "GET /boom") })
	srv.GET("/boom", func(*gin.Context) { panic("secret internal detail") })
	rec := get(t, srv, "/boom")
	wantStatus(t, rec, http.StatusInternalServerError, "text/html; charset=utf-8")
	body := rec.Body.String()
	containsAll(t, body, "Đã xảy ra lỗi", "Vui lòng thử lại")
	for _, leak := range []string{"secret internal detail", "goroutine", ".go:", "panic"} {
		if strings.Contains(body, leak) {
			t.Errorf("500 page leaks %q", leak)
		}
	}
	l := logs.String()
	containsAll(t, l, "panic in handler", "secret internal detail", "goroutine", "path=/boom", "status=500")
}

func TestRequestLogAndSecurityHeaders(t *testing.T) {
	srv, logs := newTestServer(t)
	rec := get(t, srv, "/?province=66")
	containsAll(t, logs.String(), "msg=http", "method=GET", "path=/", `query="province=66"`, "status=200")
	csp := rec.Header().Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("CSP = %q", csp)
	}
}

func TestTrendOptionBreaksAtStandardChange(t *testing.T) {
	srv, _ := newTestServer(t)
	opts := chartOptions(t, get(t, srv, "/").Body.String())
	trend := opts["trend-option"]
	years := trend["xAxis"].([]any)[0].(map[string]any)["data"].([]any)
	if strings.Join(toStrings(years), ",") != "2020,2021,2022,2023,2024,2025" {
		t.Fatalf("years = %v", years)
	}
	series := trend["series"].([]any)
	if len(series) != 2 {
		t.Fatalf("want one line per standard, got %d series", len(series))
	}
	values := func(s any) []string {
		var out []string
		for _, d := range s.(map[string]any)["data"].([]any) {
			out = append(out, jsonString(d.(map[string]any)["value"]))
		}
		return out
	}
	s0, s1 := series[0].(map[string]any), series[1].(map[string]any)
	if s0["name"] != "QĐ 59/2015" || strings.Join(values(s0), ",") != "12,10,-,-,-,-" {
		t.Errorf("QĐ 59 series = %v %v", s0["name"], values(s0))
	}
	if s1["name"] != "NĐ 07/2021" || strings.Join(values(s1), ",") != "-,15,12.5,11,10.5,8.5" {
		t.Errorf("NĐ 07 series = %v %v", s1["name"], values(s1))
	}
	if s0["connectNulls"] != false || s1["connectNulls"] != false {
		t.Error("series must not bridge the gaps")
	}
	ml, _ := s1["markLine"].(map[string]any)
	if ml == nil || jsonString(ml["data"].([]any)[0].(map[string]any)["xAxis"]) != "2021" {
		t.Errorf("no break mark at 2021: %v", s1["markLine"])
	}
	if _, has := s0["markLine"]; has {
		t.Error("the first series needs no break mark")
	}
}

func toStrings(v []any) []string {
	var out []string
	for _, x := range v {
		out = append(out, jsonString(x))
	}
	return out
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return strings.Trim(string(b), `"`)
}

func BenchmarkOverviewPage(b *testing.B) {
	q := query.New(querytest.OpenLarge(b).DB)
	srv := NewServer(q, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	for b.Loop() {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
