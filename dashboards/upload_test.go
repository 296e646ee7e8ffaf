package dashboards

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"rasoat/ingest"
	"rasoat/query"
	"rasoat/store"
	"rasoat/transform"
)

func uploadServer(t *testing.T) (http.Handler, *store.DB) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "u.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := transform.LoadReference(ctx, db, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO ref_unit (unit_code, unit_name, level, unit_type, parent_code, province_code, valid_from) VALUES
		('77', 'Tỉnh Thử', 'province', 'Tỉnh', NULL, '77', DATE '2015-01-01'),
		('701', 'Huyện Một', 'district', 'Huyện', '77', '77', DATE '2015-01-01'),
		('70001', 'Xã Ea Kao', 'commune', 'Xã', '701', '77', DATE '2015-01-01'),
		('70004', 'Xã Cư Prao', 'commune', 'Xã', '701', '77', DATE '2015-01-01')`); err != nil {
		t.Fatal(err)
	}
	ran := 0
	h := NewServer(query.New(db.DB), Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Ingest: ingest.New(db, ingest.Options{IDKey: []byte("k")}),
		Transform: func(ctx context.Context) error {
			ran++
			_, err := transform.Run(ctx, db, transform.Options{})
			return err
		}})
	return h, db
}

func multipartBody(t *testing.T, fields map[string]string, files map[string]string) (*bytes.Buffer, string) {
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

// The upload page validates first (nothing written), shows each file's
// report, and loads only on confirmation; names are escaped.
func TestUploadCheckThenConfirm(t *testing.T) {
	h, db := uploadServer(t)
	count := func() (n int) {
		db.QueryRow(`SELECT count(*) FROM ingest_file`).Scan(&n)
		return n
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/upload", nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Tải lên biểu mẫu") {
		t.Fatalf("GET /upload: %d", rec.Code)
	}
	good := "year,stage,unit_code,total_households,poor_end,near_poor_end\n2019,official,70001,1000,128,97\n"
	bad := "year,stage,unit_code,total_households,poor_end,near_poor_end\n2019,official,70001,<script>x</script>,1,1\n"
	body, ct := multipartBody(t, nil, map[string]string{"a.csv": good, "<b>sai</b>.csv": bad})
	req := httptest.NewRequest(http.MethodPost, "/upload/check", body)
	req.Header.Set("Content-Type", ct)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	page := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(page, "Hợp lệ, chờ xác nhận") || !strings.Contains(page, "E_COUNT_NOT_NUMBER") {
		t.Fatalf("check: %d\n%s", rec.Code, page)
	}
	if strings.Contains(page, "<script>x") || strings.Contains(page, "<b>sai") {
		t.Error("cell text or file name not escaped")
	}
	if n := count(); n != 0 {
		t.Fatalf("check wrote %d files", n)
	}
	tok := regexp.MustCompile(`name="token" value="([0-9a-f]+)"`).FindStringSubmatch(page)
	if tok == nil {
		t.Fatal("no confirm token")
	}
	form := strings.NewReader("token=" + tok[1])
	req = httptest.NewRequest(http.MethodPost, "/upload/confirm", form)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Đã nạp") || !strings.Contains(rec.Body.String(), "Đã tính lại") {
		t.Fatalf("confirm: %d\n%s", rec.Code, rec.Body.String())
	}
	if n := count(); n != 1 {
		t.Errorf("%d files loaded, want 1 (the rejected one never)", n)
	}
	// The token is single-use.
	req = httptest.NewRequest(http.MethodPost, "/upload/confirm", strings.NewReader("token="+tok[1]))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusBadRequest {
		t.Errorf("second confirm: %d", rec.Code)
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
