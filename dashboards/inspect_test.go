package dashboards

import (
	"bytes"
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"rasoat/cases"
	"rasoat/cases/casestest"
	"rasoat/cases/userstest"
	"rasoat/query"
	"rasoat/query/querytest"
	"rasoat/store"
)

// newInspectServer serves the inspector pages to a signed-in leader: the
// list, evidence and exports are not public (access.go).
func newInspectServer(t *testing.T) (http.Handler, *store.DB) {
	t.Helper()
	db := querytest.OpenInspect(t)
	h := NewServer(query.New(db.DB), Options{
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now:    func() time.Time { return fixedNow },
		Users:  usersFile(t, "lanhdao,leader"),
	})
	return signedIn(t, h, "lanhdao"), db
}

// signedIn signs name in through the real login form and returns a handler
// that sends that session's cookie with every request.
func signedIn(t testing.TB, h http.Handler, name string) http.Handler {
	t.Helper()
	cookie := sessionFor(t, h, name)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.AddCookie(cookie)
		h.ServeHTTP(w, r)
	})
}

// sessionFor signs name in through the login form and returns the
// session cookie.
func sessionFor(t testing.TB, h http.Handler, name string) *http.Cookie {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/dang-nhap", nil))
	var tok *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == loginCookie {
			tok = c
		}
	}
	if tok == nil {
		t.Fatalf("no login token: %d", rec.Code)
	}
	form := url.Values{"csrf": {tok.Value}, "ten": {name}, "mat-khau": {testPassword}, "tiep": {"/"}}
	req := httptest.NewRequest(http.MethodPost, "/dang-nhap", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(tok)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.Name == sessionCookie && c.Value != "" {
			return c
		}
	}
	t.Fatalf("login of %s failed: %d %s", name, rec.Code, rec.Body.String())
	return nil
}

func TestInspectListPage(t *testing.T) {
	srv, _ := newInspectServer(t)
	rec := get(t, srv, "/phuc-tra?nam=2024")
	wantStatus(t, rec, http.StatusOK, "text/html; charset=utf-8")
	body := rec.Body.String()
	containsAll(t, body,
		"DỮ LIỆU TỔNG HỢP (MẪU)",
		"<h1>Danh sách xã cần phúc tra</h1>",
		`Năm 2024 · Số liệu chính thức · <span id="flag-count">3</span> xã bị gắn cờ`,
		`<a href="/phuc-tra/xa/990101?giai-doan=official&amp;nam=2024">Xã Một A</a>`,
		`<td class="num">7,50</td>`,
		`<span class="sev sev-high">cao</span>`,
		`<span class="tag" title="Mức giảm nghèo khác xa các xã cùng huyện">S_PEER_REDUCTION</span>`,
		`<option value="9901">Huyện Một</option>`,
		`<option value="2024" selected>2024</option>`,
		`href="/phuc-tra/xuat.xlsx?giai-doan=official&amp;nam=2024"`,
		"Trang tạo lúc 14:05 ngày 30/10/2025", // 07:05 UTC in Vietnam
	)
	if !norm.NFC.IsNormalString(body) {
		t.Error("page is not NFC")
	}
	// Hostile name and reason are text.
	if strings.Contains(body, "<script>alert(1)") || strings.Contains(body, "<img src=x") || strings.Contains(body, "<b>bất") ||
		strings.Contains(body, "<script>window") {
		t.Fatal("hostile text reached the page unescaped")
	}
	containsAll(t, body, html.EscapeString(querytest.HostileName), html.EscapeString(querytest.HostileReason))
	// Without cases there is no case column.
	for _, bad := range []string{"Hồ sơ phúc tra", "<th>Hồ sơ</th>"} {
		if strings.Contains(body, bad) {
			t.Errorf("read-only list shows %q", bad)
		}
	}

	// Filters keep the period and narrow the rows; the export link keeps them.
	tests := []struct {
		url, count string
		want, not  []string
	}{
		{"/phuc-tra?nam=2024&huyen=9902", `<span id="flag-count">1</span> / 3`, []string{"Xã Hai A", `<option value="9902" selected>`, "huyen=9902"}, []string{">Xã Một A<"}},
		{"/phuc-tra?nam=2024&quy-tac=S_HISTORY", `<span id="flag-count">1</span> / 3`, []string{"quy-tac=S_HISTORY"}, []string{">Xã Một A<", ">Xã Hai A<"}},
		{"/phuc-tra?nam=2024&muc-do=" + url.QueryEscape("thấp"), `<span id="flag-count">1</span> / 3`, []string{"Xã Hai A"}, []string{">Xã Một A<"}},
		{"/phuc-tra?nam=2024&giai-doan=preliminary", `<span id="flag-count">1</span> xã`, []string{"Số liệu sơ bộ", "P_PRELIM_JUMP"}, []string{"Xã Hai A"}},
		{"/phuc-tra", `<span id="flag-count">1</span> xã`, []string{"Năm 2025", "Xã Hòa Bình"}, nil},
		{"/phuc-tra?nam=2024&huyen=9902&quy-tac=S_HISTORY", `<span id="flag-count">0</span> / 3`, []string{"Không có xã nào thỏa các bộ lọc đã chọn."}, nil},
	}
	for _, tt := range tests {
		body := get(t, srv, tt.url).Body.String()
		containsAll(t, body, append(tt.want, tt.count)...)
		for _, n := range tt.not {
			if strings.Contains(body, n) {
				t.Errorf("%s: contains %q", tt.url, n)
			}
		}
	}
}

// No cap: 1.203 flags are 1.203 rows on the page and in the workbook.
func TestInspectListHasNoRowCap(t *testing.T) {
	srv, db := newInspectServer(t)
	if _, err := db.ExecContext(context.Background(), `INSERT INTO anomalies
		SELECT 2024, 'official', 'X' || i, 'Xã số ' || i, '9902', 'Huyện Hai', 0.5, 'thấp', ['T_JUST_UNDER'], 1, 'lý do ' || i, 3 + i
		FROM range(1, 1201) t(i)`); err != nil {
		t.Fatal(err)
	}
	body := get(t, srv, "/phuc-tra?nam=2024").Body.String()
	if n := strings.Count(body, `<tr><td class="num">`); n != 1203 {
		t.Errorf("list rows = %d, want 1203", n)
	}
	containsAll(t, body, `<span id="flag-count">1203</span>`, "Xã số 1200")
	x := readXLSX(t, get(t, srv, "/phuc-tra/xuat.xlsx?nam=2024"))
	rows, _ := x.GetRows(sheetList)
	if got := len(rows) - 11; got != 1203 { // 8 filter lines + note + blank + header
		t.Errorf("workbook rows = %d, want 1203", got)
	}
}

func readXLSX(t *testing.T, rec *httptest.ResponseRecorder) *excelize.File {
	t.Helper()
	wantStatus(t, rec, http.StatusOK, xlsxType)
	x, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	return x
}

func TestInspectExcelKeepsFiltersAndReasons(t *testing.T) {
	srv, _ := newInspectServer(t)
	rec := get(t, srv, "/phuc-tra/xuat.xlsx?nam=2024&huyen=9901")
	if cd := rec.Header().Get("Content-Disposition"); cd != `attachment; filename="phuc-tra-2024-official.xlsx"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	x := readXLSX(t, rec)
	rows, err := x.GetRows(sheetList)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Danh sách xã cần phúc tra"},
		{"Năm", "2024"},
		{"Giai đoạn", "chính thức"},
		{"Huyện", "Huyện Một (9901)"},
		{"Quy tắc", "tất cả"},
		{"Mức độ", "tất cả"},
		{"Số xã", "2 / 3 xã bị gắn cờ trong kỳ"},
		{"Tạo lúc", "14:05 ngày 30/10/2025"},
		{"Lưu ý", syntheticNote},
		nil,
		// the command line's columns (anomaly.ListHeader) and the period's ranks
		{"Năm", "Giai đoạn", "Hạng", "Mã đơn vị", "Tên đơn vị", "Mã huyện", "Tên huyện", "Điểm", "Mức độ", "Số dấu hiệu", "Mã dấu hiệu", "Lý do chính"},
		{"2024", "chính thức", "1", "990101", "Xã Một A", "9901", "Huyện Một", "7.5", "cao", "2", "S_PEER_REDUCTION V_FLOW_POOR", "Giảm 15,00 điểm %, các xã cùng huyện giảm 1,00–1,67"},
		{"2024", "chính thức", "2", "990102", querytest.HostileName, "9901", "Huyện Một", "2.5", "trung bình", "1", "S_HISTORY", querytest.HostileReason},
	}
	if len(rows) != len(want) {
		t.Fatalf("rows:\n%q", rows)
	}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d = %q, want %q", i+1, rows[i], want[i])
		}
	}
	// Scores are numbers, not text.
	if typ, _ := x.GetCellType(sheetList, "H12"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("score cell type %v", typ)
	}
	if f, _ := x.GetCellFormula(sheetList, "E13"); f != "" {
		t.Errorf("hostile name became formula %q", f)
	}
	ev, _ := x.GetRows(sheetEvidence)
	if len(ev) != 4 || ev[1][4] != "S_PEER_REDUCTION" || ev[1][7] != "15" || ev[1][10] != "1.6667" || ev[3][13] != querytest.HostileReason {
		t.Errorf("evidence sheet:\n%q", ev)
	}
}

func TestInspectCommunePage(t *testing.T) {
	srv, _ := newInspectServer(t)
	rec := get(t, srv, "/phuc-tra/xa/990101?nam=2024&giai-doan=official")
	wantStatus(t, rec, http.StatusOK, "text/html; charset=utf-8")
	body := rec.Body.String()
	containsAll(t, body,
		`<h1 id="commune-name">Xã Một A</h1>`,
		"Mã 990101 · Huyện Một · Năm 2024 · Số liệu chính thức · Chuẩn nghèo NĐ 07/2021",
		"Số liệu đang được tính năm 2024: chính thức, tỷ lệ hộ nghèo 5,00% (50/1.000 hộ), giảm 15,00 điểm %.",
		`<span class="sev sev-high">cao</span> Điểm 7,50`,
		// observed 15, expected 1, peer range 1–1,67, threshold 3,5
		`<td class="num">15,00</td><td class="num">1,00</td><td class="num">1,00 – 1,67</td><td class="num">3,50</td>`,
		`<table id="table-history">`, `<table id="table-peers">`, `<table id="table-flows">`,
		`<td>Thoát nghèo, thành cận nghèo</td><td class="num">140</td>`,
		"Các xã cùng huyện Huyện Một",
		`href="/phuc-tra/xa/990101/csv/lich-su.csv?nam=2024&amp;giai-doan=official"`,
		`data-unit="pct"`, `data-unit="pp"`, `data-unit="count"`,
		`<script src="/assets/inspect.js?v=`,
	)
	if strings.Contains(body, "<script>alert(1)") {
		t.Fatal("hostile peer name unescaped")
	}
	opts := chartOptions(t, body)
	for _, id := range []string{"history-option", "peers-option", "flows-option"} {
		if opts[id] == nil {
			t.Fatalf("no %s in %v", id, keys(opts))
		}
	}
	cats := opts["peers-option"]["yAxis"].([]any)[0].(map[string]any)["data"].([]any)
	if len(cats) != 3 || cats[0] != "Xã Một A" || cats[1] != querytest.HostileName {
		t.Errorf("peer categories %q", cats)
	}
	// The 2025 page: no districts, peers of similar poverty level.
	body = get(t, srv, "/phuc-tra/xa/99001?nam=2025&giai-doan=official").Body.String()
	containsAll(t, body, "Từ 1/7/2025 không còn cấp huyện", "Xã không gửi biểu biến động")

	for _, tt := range []struct {
		url    string
		status int
	}{
		{"/phuc-tra/xa/990101", http.StatusBadRequest},
		{"/phuc-tra/xa/000?nam=2024&giai-doan=official", http.StatusNotFound},
		{"/phuc-tra/xa/990101/csv/passwd?nam=2024&giai-doan=official", http.StatusNotFound},
		{"/phuc-tra/ho-so", http.StatusNotFound}, // read-only server
	} {
		if rec := get(t, srv, tt.url); rec.Code != tt.status {
			t.Errorf("%s: status %d, want %d", tt.url, rec.Code, tt.status)
		}
	}
	req := httptest.NewRequest(http.MethodPost, "/phuc-tra/ho-so", strings.NewReader("nam=2024"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec = httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotFound {
		t.Errorf("POST on a read-only server: %d", rec.Code)
	}
}

func TestInspectCSV(t *testing.T) {
	srv, _ := newInspectServer(t)
	rec := get(t, srv, "/phuc-tra/xa/990101/csv/lich-su.csv?nam=2024&giai-doan=official")
	wantStatus(t, rec, http.StatusOK, "text/csv; charset=utf-8")
	lines := strings.Split(strings.TrimPrefix(rec.Body.String(), "\ufeff"), "\r\n")
	want := []string{
		"Mã xã;Tên xã;Năm;Chuẩn nghèo;Giai đoạn;Được tính;Năm gốc;Tổng số hộ;Số hộ nghèo;Tỷ lệ hộ nghèo (%);Số hộ cận nghèo;Tỷ lệ hộ cận nghèo (%);Giảm nghèo (điểm %);Ghi chú",
		"990101;Xã Một A;2023;NĐ 07/2021;chính thức;có;không;1000;200;20,00;100;10,00;;" + syntheticNote,
		"990101;Xã Một A;2024;NĐ 07/2021;sơ bộ;không;không;1000;180;18,00;110;11,00;2,00;" + syntheticNote,
		"990101;Xã Một A;2024;NĐ 07/2021;chính thức;có;không;1000;50;5,00;290;29,00;15,00;" + syntheticNote,
	}
	for i, w := range want {
		if i >= len(lines) || lines[i] != w {
			t.Errorf("line %d = %q, want %q", i, lines[min(i, len(lines)-1)], w)
		}
	}
	rec = get(t, srv, "/phuc-tra/xa/990102/csv/so-sanh.csv?nam=2024&giai-doan=official&sep=comma")
	// The hostile name is one quoted CSV field, the rest of its row intact.
	if !strings.Contains(rec.Body.String(), `990102,"<script>alert(1)</script><img src=x onerror=""window.__xss=1"">",có,2024,chính thức,800,72,9.00,1.00,`) {
		t.Errorf("peers CSV: %s", rec.Body.String())
	}
	rec = get(t, srv, "/phuc-tra/xa/990101/csv/bien-dong.csv?nam=2024&giai-doan=official")
	if !strings.Contains(rec.Body.String(), "Biểu 02 (hộ nghèo);Thoát nghèo, thành cận nghèo;poor_out_to_near_poor;140") {
		t.Errorf("flows CSV: %s", rec.Body.String())
	}
}

// --- with cases and users ---

const testPassword = userstest.Password

func usersFile(t testing.TB, entries ...string) *cases.Users { return userstest.Users(t, entries...) }

// newCasesServer serves the casestest province (real ingest and transform)
// with a cases service.
func newCasesServer(t *testing.T) (*httptest.Server, *store.DB) {
	t.Helper()
	db := casestest.Open(t)
	users := usersFile(t, "phuctra1,inspector", "phuctra2,inspector", "lanhdao,leader")
	svc := cases.New(db, cases.Options{Users: users, Ingest: casestest.IngestOptions()})
	h := NewServer(query.New(db.DB), Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Cases: svc})
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts, db
}

type browser struct {
	t    *testing.T
	c    *http.Client
	base string
}

func newBrowser(t *testing.T, base string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, c: &http.Client{Jar: jar}, base: base}
}

func (b *browser) get(path string) (int, string) {
	b.t.Helper()
	resp, err := b.c.Get(b.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func (b *browser) post(path string, form url.Values) (int, string, string) {
	b.t.Helper()
	resp, err := b.c.PostForm(b.base+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Request.URL.Path
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(t *testing.T, body string) string {
	t.Helper()
	m := csrfRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no csrf token in page: %.300s", body)
	}
	return html.UnescapeString(m[1])
}

// login signs in and lands on the review progress page, which every role may see.
func (b *browser) login(name string) {
	b.t.Helper()
	_, page := b.get("/dang-nhap")
	st, body, _ := b.post("/dang-nhap", url.Values{"csrf": {csrfOf(b.t, page)}, "ten": {name}, "mat-khau": {testPassword}, "tiep": {"/chu-ky"}})
	if st != http.StatusOK || !strings.Contains(body, `<span id="signed-in">`+name) {
		b.t.Fatalf("login %s: %d %.300s", name, st, body)
	}
}

func TestCaseWorkflowOverHTTP(t *testing.T) {
	ts, db := newCasesServer(t)
	insp := newBrowser(t, ts.URL)
	commune := "/phuc-tra/xa/97102?nam=2024&giai-doan=official"

	// Signed out: the commune page offers a sign-in, case pages redirect to it.
	_, body := insp.get(commune)
	containsAll(t, body, `id="login-form"`)
	_, body = insp.get("/phuc-tra/ho-so")
	containsAll(t, body, `id="login-form"`)

	// A wrong password, and a login post without the form's token.
	_, page := insp.get("/dang-nhap")
	if st, body, _ := insp.post("/dang-nhap", url.Values{"csrf": {csrfOf(t, page)}, "ten": {"phuctra1"}, "mat-khau": {"sai"}}); st != http.StatusUnauthorized || !strings.Contains(body, cases.ErrBadLogin.Error()) {
		t.Errorf("wrong password: %d", st)
	}
	if st, _, _ := insp.post("/dang-nhap", url.Values{"csrf": {"x"}, "ten": {"phuctra1"}, "mat-khau": {testPassword}}); st != http.StatusForbidden {
		t.Errorf("login without token: %d", st)
	}

	insp.login("phuctra1")
	_, body = insp.get(commune)
	token := csrfOf(t, body)
	containsAll(t, body, `id="open-case"`)

	// Writes without the token, or by a leader, are refused and leave nothing.
	if st, _, _ := insp.post("/phuc-tra/ho-so", url.Values{"nam": {"2024"}, "giai-doan": {"official"}, "ma-xa": {"97102"}}); st != http.StatusForbidden {
		t.Errorf("open without csrf: %d", st)
	}
	leader := newBrowser(t, ts.URL)
	leader.login("lanhdao")
	_, lbody := leader.get(commune)
	if strings.Contains(lbody, `id="open-case"`) {
		t.Error("leader offered the open button")
	}
	if st, _, _ := leader.post("/phuc-tra/ho-so", url.Values{"csrf": {csrfOf(t, lbody)}, "nam": {"2024"}, "giai-doan": {"official"}, "ma-xa": {"97102"}}); st != http.StatusForbidden {
		t.Errorf("leader open: %d", st)
	}
	var n int
	db.QueryRowContext(context.Background(), `SELECT count(*) FROM case_event`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d events after refused writes", n)
	}

	// Open → assign to self → visit → close as corrected.
	st, body, path := insp.post("/phuc-tra/ho-so", url.Values{"csrf": {token}, "nam": {"2024"}, "giai-doan": {"official"}, "ma-xa": {"97102"}})
	if st != http.StatusOK || path != "/phuc-tra/ho-so/1" {
		t.Fatalf("open: %d %s %.300s", st, path, body)
	}
	containsAll(t, body, `data-status="open"`, `id="assign-form"`, "Xã Bình")
	st, body, _ = insp.post("/phuc-tra/ho-so/1/phan-cong", url.Values{"csrf": {token}, "nguoi-nhan": {"phuctra1"}})
	containsAll(t, body, `data-status="assigned"`, `id="visit-form"`)
	// Closing before the visit is a conflict, shown on the case page.
	if st, body, _ := insp.post("/phuc-tra/ho-so/1/dong", url.Values{"csrf": {token}, "ket-luan": {"confirmed"}}); st != http.StatusConflict || !strings.Contains(body, `id="case-error"`) {
		t.Errorf("close before visit: %d", st)
	}
	st, body, _ = insp.post("/phuc-tra/ho-so/1/xac-minh", url.Values{"csrf": {token}, "so-ho-kiem-tra": {"1.200"},
		"so-ho-phan-loai-lai": {"200"}, "phat-hien": {"200 hộ <b>chuyển</b> sang cận nghèo không đúng"}})
	containsAll(t, body, `data-status="visited"`, `id="close-form"`, "Đã kiểm tra 1.200 hộ, phân loại lại 200 hộ", "&lt;b&gt;chuyển&lt;/b&gt;")
	if st, body, _ := insp.post("/phuc-tra/ho-so/1/dong", url.Values{"csrf": {token}, "ket-luan": {"corrected"},
		"tong-so-ho": {"2.000"}, "so-ho-ngheo": {"1.900"}, "so-ho-can-ngheo": {"250"}}); st != http.StatusBadRequest {
		t.Errorf("parts above total: %d %.200s", st, body)
	}
	st, body, _ = insp.post("/phuc-tra/ho-so/1/dong", url.Values{"csrf": {token}, "ket-luan": {"corrected"},
		"tong-so-ho": {"2.000"}, "so-ho-ngheo": {"300"}, "so-ho-can-ngheo": {"250"}, "ghi-chu": {"đã đối chiếu"}})
	if st != http.StatusOK {
		t.Fatalf("close: %d %.300s", st, body)
	}
	containsAll(t, body, `data-status="closed"`, `id="case-outcome">đã điều chỉnh số liệu<`,
		// 300 / 2.000 = 15%; 20 − 15 = 5 points
		"Số liệu đang được tính năm 2024: sau phúc tra, tỷ lệ hộ nghèo 15,00% (300/2.000 hộ), giảm 5,00 điểm %.",
		"2.000 hộ, 300 hộ nghèo (15,00%), 250 hộ cận nghèo")
	for _, gone := range []string{`id="assign-form"`, `id="visit-form"`, `id="close-form"`} {
		if strings.Contains(body, gone) {
			t.Errorf("closed case still offers %s", gone)
		}
	}
	if strings.Count(body, "<tr><td>") != 4 {
		t.Errorf("history rows: want 4 events")
	}
	_, body = insp.get("/phuc-tra/ho-so")
	containsAll(t, body, "đã đóng", "đã điều chỉnh số liệu")
	// Sign out ends the session.
	insp.post("/dang-xuat", url.Values{"csrf": {token}})
	_, body = insp.get("/phuc-tra/ho-so/1")
	containsAll(t, body, `id="login-form"`)
}

// The list and its workbook with 1.203 flags (≈ 12 years of a 102-commune
// province flagged whole): the cost of having no row cap.
func BenchmarkInspectList(b *testing.B) {
	db := querytest.OpenInspect(b)
	if _, err := db.ExecContext(context.Background(), `INSERT INTO anomalies
		SELECT 2024, 'official', 'X' || i, 'Xã số ' || i, '9902', 'Huyện Hai', 0.5, 'thấp', ['T_JUST_UNDER'], 1, 'lý do ' || i, 3 + i
		FROM range(1, 1201) t(i)`); err != nil {
		b.Fatal(err)
	}
	srv := NewServer(query.New(db.DB), Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	for _, path := range []string{"/phuc-tra?nam=2024", "/phuc-tra/xuat.xlsx?nam=2024"} {
		b.Run(path, func(b *testing.B) {
			for b.Loop() {
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
				if rec.Code != http.StatusOK {
					b.Fatal(rec.Code)
				}
			}
		})
	}
}
