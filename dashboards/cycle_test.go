package dashboards

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"rasoat/cases"
	"rasoat/ingest"
	"rasoat/ingest/sheet"
	"rasoat/query"
	"rasoat/query/querytest"
	"rasoat/store"
	"rasoat/transform"
)

// newCycleServer serves the review-cycle fixture (querytest.OpenCycle) with
// sign-in, the write side and officers tied to units.
func newCycleServer(t *testing.T) (*httptest.Server, *store.DB) {
	t.Helper()
	db := querytest.OpenCycle(t)
	users := usersFile(t, "tinh,officer,99", "huyen,officer,991", "huyenhai,officer,992", "lanhdao,leader", "canbo,officer")
	svc := cases.New(db, cases.Options{Users: users})
	g := ingest.New(db, ingest.Options{})
	tr := func(ctx context.Context) error { _, err := transform.Run(ctx, db, transform.Options{}); return err }
	now := func() time.Time { return time.Date(2026, 12, 5, 3, 0, 0, 0, time.UTC) }
	h := NewServer(query.New(db.DB), Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Cases: svc, Ingest: g, Transform: tr, Now: now})
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts, db
}

var (
	trRe   = regexp.MustCompile(`(?s)<tr[^>]*data-code="([^"]+)"[^>]*>(.*?)</tr>`)
	cellRe = regexp.MustCompile(`(?s)<t[dh][^>]*>(.*?)</t[dh]>`)
	tagRe  = regexp.MustCompile(`<[^>]+>`)
)

// cells returns the text of a row's cells.
func cells(row string) []string {
	var out []string
	for _, m := range cellRe.FindAllStringSubmatch(row, -1) {
		out = append(out, strings.TrimSpace(tagRe.ReplaceAllString(m[1], "")))
	}
	return out
}

func TestProgressPageStateInURL(t *testing.T) {
	ts, _ := newCycleServer(t)
	b := newBrowser(t, ts.URL)
	st, body := b.get("/chu-ky?tinh=99&ky=2024-ND07_2021&giai-doan=preliminary")
	if st != http.StatusOK {
		t.Fatalf("status %d: %.400s", st, body)
	}
	if !strings.Contains(body, `id="due">15/11/2024<`) || !strings.Contains(body, "DỮ LIỆU TỔNG HỢP") {
		t.Errorf("deadline or synthetic banner missing")
	}
	rows := map[string][]string{}
	for _, m := range trRe.FindAllStringSubmatch(body, -1) {
		rows[m[1]] = cells(m[2])
	}
	// Huyện Hai: 2 expected, 1 received late, 1 refused → 50,00% / 0,00%
	if got := strings.Join(rows["992"], "|"); got != "Huyện Hai|2|1|0|1|1|0|0|50,00%|0,00%" {
		t.Errorf("992 = %q", got)
	}
	if got := rows["99202"]; len(got) < 3 || got[2] != "bị từ chối" {
		t.Errorf("99202 = %q", got)
	}
	// an unknown stage falls back to official; a bad cycle to the current one
	_, body = b.get("/chu-ky?tinh=99&ky=nonsense&giai-doan=<script>")
	if !strings.Contains(body, `id="due">30/11/2024<`) || strings.Contains(body, "<script>") {
		t.Errorf("fallback selection wrong")
	}
	if st, _ := b.get("/chu-ky?tinh=00"); st != http.StatusNotFound {
		t.Errorf("unknown province: %d", st)
	}
	st, body = b.get("/chat-luong?tinh=99&ky=2024-ND07_2021")
	if st != http.StatusOK {
		t.Fatalf("quality %d", st)
	}
	for _, m := range trRe.FindAllStringSubmatch(body, -1) {
		rows[m[1]] = cells(m[2])
	}
	if got := strings.Join(rows["992"], "|"); !strings.HasPrefix(got, "Huyện Hai|1|") || !strings.HasSuffix(got, "|1") {
		t.Errorf("quality 992 = %q", got)
	}
}

// The print view's table is the query's result, cell by cell, formatted
// here by the dashboards' own number formats.
func TestReportPrintViewAndWorkbook(t *testing.T) {
	ts, db := newCycleServer(t)
	b := newBrowser(t, ts.URL)
	st, body := b.get("/bao-cao/bieu-a?tinh=99&ky=2024-ND07_2021&giai-doan=preliminary")
	if st != http.StatusOK {
		t.Fatalf("status %d: %.300s", st, body)
	}
	for _, w := range []string{"UBND TỈNH MẪU", "Biểu số 01", "TỔNG HỢP KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2024", "(SƠ BỘ)", "Tổng cộng", "Mẫu, ngày 05/12/2026", "KT. CHỦ TỊCH"} {
		if !strings.Contains(body, w) {
			t.Errorf("print view lacks %q", w)
		}
	}
	rep, err := query.New(db.DB).FormA(context.Background(), "99", 2024, "ND07_2021", "preliminary")
	if err != nil {
		t.Fatal(err)
	}
	tbody := body[strings.Index(body, "<tbody>"):strings.Index(body, "</tfoot>")]
	trs := regexp.MustCompile(`(?s)<tr[^>]*>(.*?)</tr>`).FindAllStringSubmatch(tbody, -1)
	if len(trs) != len(rep.Rows)+1 {
		t.Fatalf("%d table rows, query has %d + total", len(trs), len(rep.Rows))
	}
	for i, r := range append(rep.Rows, rep.Total) {
		got := cells(trs[i][1])
		for j, f := range rep.Fields {
			v := r.Values[f.Name]
			want := ""
			if v != nil && f.Kind == 1 {
				want = fmtDec(*v, 2)
			} else if v != nil {
				want = fmtInt(int64(*v))
			}
			if got[3+j] != want {
				t.Errorf("row %d %s: %q, query %q", i, f.Name, got[3+j], want)
			}
		}
	}
	resp, err := b.c.Get(ts.URL + "/bao-cao/bieu-a.xlsx?tinh=99&ky=2024-ND07_2021&giai-doan=preliminary")
	if err != nil {
		t.Fatal(err)
	}
	x, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(resp.Header.Get("Content-Disposition"), "bieu-a-tong-hop-99-2024-ND07_2021-preliminary.xlsx") {
		t.Errorf("disposition %q", resp.Header.Get("Content-Disposition"))
	}
	forms, probs := sheet.ReadXLSX(context.Background(), "x.xlsx", bytes.NewReader(x), sheet.Options{})
	if probs.Rejects() || len(forms) != 1 || len(forms[0].Rows) != len(rep.Rows)+1 {
		t.Fatalf("workbook read back: %v", probs)
	}
	if got := forms[0].Rows[0].Values["poor_end"]; got != *rep.Rows[0].Values["poor_end"] {
		t.Errorf("workbook poor_end %v, query %v", got, *rep.Rows[0].Values["poor_end"])
	}
}

func TestApprovalByLevelOverHTTP(t *testing.T) {
	ts, db := newCycleServer(t)
	tinh := newBrowser(t, ts.URL)
	tinh.login("tinh")
	st, page := tinh.get("/phe-duyet?tinh=99&ky=2024-ND07_2021")
	if st != http.StatusOK || !strings.Contains(page, "đã phê duyệt, đã khóa") {
		t.Fatalf("approval page %d: %.500s", st, page)
	}
	tok := csrfOf(t, page)
	post := func(b *browser, path string, form url.Values) (int, string) {
		t.Helper()
		st, body, _ := b.post(path+"?tinh=99&ky=2024-ND07_2021", form)
		return st, body
	}
	// a reopening needs a reason
	if st, body := post(tinh, "/phe-duyet/mo-khoa", url.Values{"csrf": {tok}, "ky": {"2024-ND07_2021"}, "don-vi": {"991"}}); st != http.StatusConflict || !strings.Contains(body, "A_NO_REASON") {
		t.Errorf("reopen without reason: %d", st)
	}
	st, body := post(tinh, "/phe-duyet/mo-khoa", url.Values{"csrf": {tok}, "ky": {"2024-ND07_2021"}, "don-vi": {"991"}, "ly-do": {"Xã Một A báo sai"}})
	if st != http.StatusOK || !strings.Contains(body, "Đã mở khóa số liệu của đơn vị 991") || !strings.Contains(body, "Lý do: Xã Một A báo sai") {
		t.Fatalf("reopen: %d %.600s", st, body)
	}
	// the district can now load a corrected official file for its communes…
	corrected := "year,stage,unit_code,total_households,total_persons,poor_end,near_poor_end\n2024,official,99101,1000,4000,90,50\n2024,official,99102,2000,8100,300,120\n"
	if rep := apiUpload(t, ts.URL, "huyen", "sua.csv", corrected); rep.Status != ingest.Accepted {
		t.Fatalf("after reopening: %+v", rep)
	}
	// …but not for the other district's
	if rep := apiUpload(t, ts.URL, "huyenhai", "sua2.csv", strings.ReplaceAll(corrected, ",90,", ",92,")); rep.Status != ingest.Rejected || rep.Problems[0].Code != "E_OUT_OF_SCOPE" {
		t.Errorf("other district: %+v", rep)
	}
	// approving again copies the corrected figures and locks
	if st, body = post(tinh, "/phe-duyet", url.Values{"csrf": {tok}, "ky": {"2024-ND07_2021"}, "don-vi": {"991"}}); st != http.StatusOK || !strings.Contains(body, "Đã phê duyệt số liệu của đơn vị 991") {
		t.Fatalf("approve: %d %.400s", st, body)
	}
	var poor int64
	if err := db.QueryRowContext(context.Background(), `SELECT poor_end FROM commune_year WHERE unit_code = '99101' AND year = 2024 AND stage = 'approved'`).Scan(&poor); err != nil || poor != 90 {
		t.Errorf("approved poor_end of 99101 = %d %v, want 90 (the corrected figure, transform ran)", poor, err)
	}
	if rep := apiUpload(t, ts.URL, "huyen", "sua3.csv", strings.ReplaceAll(corrected, ",90,", ",91,")); rep.Status != ingest.Rejected || rep.Problems[0].Code != "E_UNIT_LOCKED" {
		t.Errorf("locked: %+v", rep)
	}
	// the district may not approve itself; a leader may not approve at all
	huyen := newBrowser(t, ts.URL)
	huyen.login("huyen")
	_, hp := huyen.get("/phe-duyet?tinh=99&ky=2024-ND07_2021")
	if st, body := post(huyen, "/phe-duyet", url.Values{"csrf": {csrfOf(t, hp)}, "ky": {"2024-ND07_2021"}, "don-vi": {"991"}}); st != http.StatusConflict || !strings.Contains(body, "A_NOT_ABOVE") {
		t.Errorf("self-approval: %d", st)
	}
	lead := newBrowser(t, ts.URL)
	lead.login("lanhdao")
	if st, _ := lead.get("/phe-duyet"); st != http.StatusForbidden {
		t.Errorf("leader: %d", st)
	}
	// without a CSRF token nothing happens
	if st, _ := post(tinh, "/phe-duyet/mo-khoa", url.Values{"ky": {"2024-ND07_2021"}, "don-vi": {"991"}, "ly-do": {"x"}}); st != http.StatusForbidden {
		t.Errorf("no csrf: %d", st)
	}
	// an approved file is refused at upload too
	appr := strings.ReplaceAll(corrected, "official", "approved")
	if rep := apiUpload(t, ts.URL, "canbo", "duyet.csv", appr); rep.Status != ingest.Rejected || rep.Problems[0].Code != "E_STAGE_APPROVED" {
		t.Errorf("approved upload: %+v", rep)
	}
}

func apiUpload(t *testing.T, base, user, name, body string) ingest.FileReport {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write([]byte(body))
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, base+"/api/upload", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.SetBasicAuth(user, testPassword)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var reps []ingest.FileReport
	if err := json.NewDecoder(resp.Body).Decode(&reps); err != nil || len(reps) != 1 {
		t.Fatalf("upload %s: %d %v", name, resp.StatusCode, err)
	}
	return reps[0]
}
