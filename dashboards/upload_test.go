package dashboards

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"rasoat/cases"
	"rasoat/ingest"
	"rasoat/ingest/refdata"
	"rasoat/ingest/remote"
	"rasoat/query"
	"rasoat/store"
	"rasoat/transform"
)

const (
	goodCSV = "year,stage,unit_code,total_households,poor_end,near_poor_end\n2019,official,70001,1000,128,97\n"
	badCSV  = "year,stage,unit_code,total_households,poor_end,near_poor_end\n2019,official,70001,<script>x</script>,1,1\n"
)

// uploadUsers are officers and one user of every other role.
func uploadUsers(t *testing.T) *cases.Users {
	return usersFile(t, "canbo,officer", "canbo2,officer", "phantich,analyst", "phuctra1,inspector", "lanhdao,leader")
}

// uploadServer serves a small province with the upload page over real
// HTTP; users nil means a server started without --users.
func uploadServer(t *testing.T, users *cases.Users, now func() time.Time) (*httptest.Server, *store.DB) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "u.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := refdata.LoadShipped(ctx, db, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO ref_unit (unit_code, unit_name, level, unit_type, parent_code, province_code, valid_from) VALUES
		('77', 'Tỉnh Thử', 'province', 'Tỉnh', NULL, '77', DATE '2015-01-01'),
		('701', 'Huyện Một', 'district', 'Huyện', '77', '77', DATE '2015-01-01'),
		('70001', 'Xã Ea Kao', 'commune', 'Xã', '701', '77', DATE '2015-01-01'),
		('70004', 'Xã Cư Prao', 'commune', 'Xã', '701', '77', DATE '2015-01-01')`); err != nil {
		t.Fatal(err)
	}
	opts := Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: now,
		Ingest: ingest.New(db, ingest.Options{IDKey: []byte("k"), LoadedBy: "web"}),
		Transform: func(ctx context.Context) error {
			_, err := transform.Run(ctx, db, transform.Options{})
			return err
		}}
	if users != nil {
		opts.Cases = cases.New(db, cases.Options{Users: users, Ingest: ingest.Options{IDKey: []byte("k")}})
	}
	ts := httptest.NewServer(NewServer(query.New(db.DB), opts))
	t.Cleanup(ts.Close)
	return ts, db
}

func multipartBody(t *testing.T, fields map[string]string, files map[string]string) (*bytes.Buffer, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for name, body := range files {
		w, _ := mw.CreateFormFile("file", name)
		io.WriteString(w, body)
	}
	mw.Close()
	return &b, mw.FormDataContentType()
}

// postFiles posts a multipart form as the browser's upload form does.
func (b *browser) postFiles(path string, fields, files map[string]string) (int, string) {
	b.t.Helper()
	body, ct := multipartBody(b.t, fields, files)
	resp, err := b.c.Post(b.base+path, ct, body)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

// signIn posts the login form and returns the final status and page.
func (b *browser) signIn(name, password string) (int, string) {
	b.t.Helper()
	_, page := b.get("/dang-nhap?tiep=/upload")
	st, body, _ := b.post("/dang-nhap", url.Values{"csrf": {csrfOf(b.t, page)}, "ten": {name}, "mat-khau": {password}, "tiep": {"/upload"}})
	return st, body
}

// api calls the upload API as `rasoat ingest --server` does.
func api(t *testing.T, base, user, password string, files map[string]string) (*http.Response, string) {
	t.Helper()
	body, ct := multipartBody(t, map[string]string{"dry_run": "1"}, files)
	req, _ := http.NewRequest(http.MethodPost, base+remote.UploadPath, body)
	req.Header.Set("Content-Type", ct)
	if user != "" {
		req.SetBasicAuth(user, password)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp, string(out)
}

func loadedBy(t *testing.T, db *store.DB) []string {
	t.Helper()
	rows, err := db.Query(`SELECT coalesce(loaded_by, '') FROM ingest_file ORDER BY file_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		out = append(out, s)
	}
	return out
}

// Who may upload: nobody on a server without users; on one with users,
// signed-in officers only, through the page and the API alike. Every
// refusal writes nothing.
func TestUploadWhoMay(t *testing.T) {
	files := map[string]string{"a.csv": goodCSV}
	t.Run("no users file", func(t *testing.T) {
		ts, db := uploadServer(t, nil, nil)
		b := newBrowser(t, ts.URL)
		st, page := b.get("/upload")
		if st != http.StatusOK || !strings.Contains(page, "rasoat serve --users") || strings.Contains(page, `action="/upload/check"`) {
			t.Errorf("GET /upload: %d, want the serve --users notice and no form\n%.600s", st, page)
		}
		if st, page := b.postFiles("/upload/check", nil, files); st != http.StatusForbidden || !strings.Contains(page, "serve --users") {
			t.Errorf("POST /upload/check: %d", st)
		}
		if resp, body := api(t, ts.URL, "canbo", testPassword, files); resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "serve --users") {
			t.Errorf("API: %d %s", resp.StatusCode, body)
		}
		if by := loadedBy(t, db); len(by) != 0 {
			t.Errorf("files written: %v", by)
		}
	})

	ts, db := uploadServer(t, uploadUsers(t), nil)
	t.Run("anonymous", func(t *testing.T) {
		b := newBrowser(t, ts.URL)
		resp, err := b.c.Get(ts.URL + "/upload")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.Request.URL.Path != "/dang-nhap" || resp.Request.URL.Query().Get("tiep") != "/upload" {
			t.Errorf("GET /upload signed out ended at %s, want the login page", resp.Request.URL)
		}
		if st, page := b.postFiles("/upload/check", map[string]string{"csrf": "x"}, files); st != http.StatusForbidden || !strings.Contains(page, `id="upload-login"`) {
			t.Errorf("POST /upload/check: %d", st)
		}
		if st, _, _ := b.post("/upload/confirm", url.Values{"token": {"00"}}); st != http.StatusForbidden {
			t.Errorf("POST /upload/confirm: %d", st)
		}
		resp, body := api(t, ts.URL, "", "", files)
		if resp.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Basic ") {
			t.Errorf("API without credentials: %d %q %s", resp.StatusCode, resp.Header.Get("WWW-Authenticate"), body)
		}
	})
	for _, who := range []string{"phantich", "phuctra1", "lanhdao"} {
		t.Run(who, func(t *testing.T) {
			b := newBrowser(t, ts.URL)
			st, page := b.signIn(who, testPassword)
			if st != http.StatusForbidden || !strings.Contains(page, "chỉ cán bộ mới được nạp biểu mẫu") || strings.Contains(page, `action="/upload/check"`) {
				t.Errorf("GET /upload as %s: %d\n%.600s", who, st, page)
			}
			if st, _ := b.postFiles("/upload/check", map[string]string{"csrf": csrfOf(t, page)}, files); st != http.StatusForbidden {
				t.Errorf("POST /upload/check as %s: %d", who, st)
			}
			if resp, body := api(t, ts.URL, who, testPassword, files); resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "chỉ cán bộ") {
				t.Errorf("API as %s: %d %s", who, resp.StatusCode, body)
			}
		})
	}
	t.Run("officer through the API", func(t *testing.T) {
		resp, body := api(t, ts.URL, "canbo", "sai", files)
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, cases.ErrBadLogin.Error()) {
			t.Errorf("wrong password: %d %s", resp.StatusCode, body)
		}
		body2, ct := multipartBody(t, nil, files)
		req, _ := http.NewRequest(http.MethodPost, ts.URL+remote.UploadPath, body2)
		req.Header.Set("Content-Type", ct)
		req.Header.Set("Sec-Fetch-Site", "cross-site") // another site's form riding on cached credentials
		req.SetBasicAuth("canbo", testPassword)
		if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site API call: %v %v", resp.StatusCode, err)
		}
		reps, err := remote.Upload(context.Background(), nil, ts.URL, remote.Credentials{User: "canbo", Password: testPassword},
			writeFiles(t, files), ingest.Flags{})
		if err != nil || len(reps) != 1 || reps[0].Status != ingest.Accepted {
			t.Fatalf("officer upload: %v %v", reps, err)
		}
	})
	if by := loadedBy(t, db); len(by) != 1 || by[0] != "canbo" {
		t.Errorf("loaded_by %q, want only the officer's upload, by canbo", by)
	}
}

func writeFiles(t *testing.T, files map[string]string) []string {
	dir := t.TempDir()
	var out []string
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

var tokenRe = regexp.MustCompile(`name="token" value="([0-9a-f]+)"`)

// The upload page validates first (nothing written), shows each file's
// report, and loads only on confirmation by the officer who checked, with
// the form's CSRF token; names are escaped.
func TestUploadCheckThenConfirm(t *testing.T) {
	ts, db := uploadServer(t, uploadUsers(t), nil)
	count := func() (n int) {
		db.QueryRow(`SELECT count(*) FROM ingest_file`).Scan(&n)
		return n
	}
	officer := newBrowser(t, ts.URL)
	st, page := officer.signIn("canbo", testPassword)
	if st != http.StatusOK || !strings.Contains(page, "Tải lên biểu mẫu") || !strings.Contains(page, `<span id="signed-in">canbo</span>`) {
		t.Fatalf("GET /upload as officer: %d\n%.600s", st, page)
	}
	csrf := csrfOf(t, page)
	files := map[string]string{"a.csv": goodCSV, "<b>sai</b>.csv": badCSV}

	if st, _ := officer.postFiles("/upload/check", nil, files); st != http.StatusForbidden {
		t.Errorf("check without CSRF: %d", st)
	}
	if st, _ := officer.postFiles("/upload/check", map[string]string{"csrf": csrf + "0"}, files); st != http.StatusForbidden {
		t.Errorf("check with a wrong CSRF token: %d", st)
	}
	st, page = officer.postFiles("/upload/check", map[string]string{"csrf": csrf}, files)
	if st != 200 || !strings.Contains(page, "Hợp lệ, chờ xác nhận") || !strings.Contains(page, "E_COUNT_NOT_NUMBER") {
		t.Fatalf("check: %d\n%s", st, page)
	}
	if strings.Contains(page, "<script>x") || strings.Contains(page, "<b>sai") {
		t.Error("cell text or file name not escaped")
	}
	if n := count(); n != 0 {
		t.Fatalf("check wrote %d files", n)
	}
	tok := tokenRe.FindStringSubmatch(page)
	if tok == nil {
		t.Fatal("no confirm token")
	}

	// Another officer holding the token, or the owner without the CSRF
	// token, cannot confirm; the set stays for its owner.
	other := newBrowser(t, ts.URL)
	_, opage := other.signIn("canbo2", testPassword)
	if st, body, _ := other.post("/upload/confirm", url.Values{"csrf": {csrfOf(t, opage)}, "token": {tok[1]}}); st != http.StatusForbidden || !strings.Contains(body, "người khác") {
		t.Errorf("someone else's token: %d", st)
	}
	if st, _, _ := officer.post("/upload/confirm", url.Values{"token": {tok[1]}}); st != http.StatusForbidden {
		t.Errorf("confirm without CSRF: %d", st)
	}
	if n := count(); n != 0 {
		t.Fatalf("refused confirmations wrote %d files", n)
	}

	st, body, _ := officer.post("/upload/confirm", url.Values{"csrf": {csrf}, "token": {tok[1]}})
	if st != 200 || !strings.Contains(body, "Đã nạp") || !strings.Contains(body, "Đã tính lại") {
		t.Fatalf("confirm: %d\n%s", st, body)
	}
	if by := loadedBy(t, db); len(by) != 1 || by[0] != "canbo" {
		t.Errorf("loaded_by %q, want one file by canbo (the rejected one never)", by)
	}
	// The token is single-use.
	if st, _, _ := officer.post("/upload/confirm", url.Values{"csrf": {csrf}, "token": {tok[1]}}); st != http.StatusBadRequest {
		t.Errorf("second confirm: %d", st)
	}
}

// Five failed sign-ins within the window lock the name out of the login
// form and the API alike with 429 and the time to retry; after the lockout
// the right password works again.
func TestSignInLockout(t *testing.T) {
	clock := newFakeClock()
	ts, _ := uploadServer(t, uploadUsers(t), clock.now)
	b := newBrowser(t, ts.URL)
	for i := range 5 {
		if st, _ := b.signIn("canbo", "sai"); st != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i+1, st)
		}
		clock.add(time.Minute)
	}
	// The 5th failure was at 14:04 Vietnam time: locked until 14:19.
	_, page := b.get("/dang-nhap?tiep=/upload")
	resp, err := b.c.PostForm(ts.URL+"/dang-nhap", url.Values{"csrf": {csrfOf(t, page)}, "ten": {"canbo"}, "mat-khau": {testPassword}, "tiep": {"/upload"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(string(body), "thử lại sau 14:19 ngày 30/10/2025") ||
		resp.Header.Get("Retry-After") != "840" { // 14:19 − 14:05
		t.Errorf("6th attempt: %d Retry-After %q\n%.600s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	if resp, body := api(t, ts.URL, "canbo", testPassword, map[string]string{"a.csv": goodCSV}); resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "14:19") {
		t.Errorf("API while locked: %d %s", resp.StatusCode, body)
	}
	// Another name from the same address is not locked (the address has 7 of 20).
	if resp, _ := api(t, ts.URL, "canbo2", testPassword, map[string]string{"a.csv": goodCSV}); resp.StatusCode != http.StatusOK {
		t.Errorf("another officer while canbo is locked: %d", resp.StatusCode)
	}

	clock.add(14 * time.Minute) // 14:19
	if st, page := b.signIn("canbo", testPassword); st != http.StatusOK || !strings.Contains(page, `<span id="signed-in">canbo</span>`) {
		t.Errorf("after the lockout: %d", st)
	}
	// The API's Basic auth counts the same way.
	for i := range 5 {
		if resp, _ := api(t, ts.URL, "canbo2", "sai", nil); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("API failure %d: %d", i+1, resp.StatusCode)
		}
	}
	if resp, _ := api(t, ts.URL, "canbo2", testPassword, nil); resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "900" {
		t.Errorf("6th API attempt: %d %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

func TestUploadDisabledWithoutIngester(t *testing.T) {
	h := NewServer(query.New(nil), Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/upload", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("GET /upload without an ingester: %d", rec.Code)
	}
}

// A large household list sent with `rasoat ingest --server` takes the bulk
// path in the server: all rows in, ID numbers only as hashes.
func TestUploadLargeHouseholdList(t *testing.T) {
	ts, db := uploadServer(t, uploadUsers(t), nil)
	const n = 30_000
	var b strings.Builder
	b.WriteString("year,stage,unit_code,household_id,head_name,head_id,members,class_end\n")
	for i := range n {
		fmt.Fprintf(&b, "2019,official,%s,HH-%05d,Chủ hộ %d,0660%08d,%d,poor\n", []string{"70001", "70004"}[i%2], i, i, i, 1+i%6)
	}
	paths := writeFiles(t, map[string]string{"ds_ho.csv": b.String()})
	reps, err := remote.Upload(context.Background(), nil, ts.URL, remote.Credentials{User: "canbo", Password: testPassword}, paths, ingest.Flags{})
	if err != nil {
		t.Fatal(err)
	}
	if len(reps) != 1 || reps[0].Status != ingest.Accepted || reps[0].Forms[0].Rows != n {
		t.Fatalf("%+v", reps)
	}
	var rows, raw int
	if err := db.QueryRow(`SELECT count(*), count(*) FILTER (WHERE head_id_hash IS NULL OR NOT regexp_full_match(head_id_hash, '[0-9a-f]{64}')) FROM raw_household`).Scan(&rows, &raw); err != nil {
		t.Fatal(err)
	}
	if rows != n || raw != 0 {
		t.Errorf("%d rows, %d with a raw ID or no hash", rows, raw)
	}
}
