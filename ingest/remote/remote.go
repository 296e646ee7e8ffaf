// Package remote lets `rasoat ingest` work against a database held by a
// running server. DuckDB allows one read-write process per file, so the
// server is the single writer: on start it writes DB.server (its URL and
// PID) beside the database and removes it on stop; the command reads that
// file when the database is locked, names the server, and with --server
// sends the files to the server's upload API instead.
package remote

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"rasoat/ingest"
	"rasoat/review"
)

// UploadPath is the server's upload API: multipart files under "file", and
// the fields year, stage, unit, standard, dry_run and partial. It answers a JSON
// list of ingest.FileReport, one per file, in order.
const UploadPath = "/api/upload"

// ServerFile is where a server holding dbPath says so.
func ServerFile(dbPath string) string { return dbPath + ".server" }

// Server is what DB.server says.
type Server struct {
	URL string
	PID int
}

// Announce writes DB.server for a server listening at url; the returned
// function removes it (only if it is still this process's).
func Announce(dbPath, url string) (func(), error) {
	p := ServerFile(dbPath)
	body := fmt.Sprintf("url=%s\npid=%d\n", url, os.Getpid())
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		return func() {}, fmt.Errorf("ghi %s: %w", p, err)
	}
	return func() {
		if s, ok := Read(dbPath); ok && s.PID == os.Getpid() {
			os.Remove(p)
		}
	}, nil
}

// Read returns the server announced for dbPath, if any.
func Read(dbPath string) (Server, bool) {
	f, err := os.Open(ServerFile(dbPath))
	if err != nil {
		return Server{}, false
	}
	defer f.Close()
	var s Server
	sc := bufio.NewScanner(io.LimitReader(f, 4096))
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), "=")
		switch strings.TrimSpace(k) {
		case "url":
			s.URL = strings.TrimSpace(v)
		case "pid":
			s.PID, _ = strconv.Atoi(strings.TrimSpace(v))
		}
	}
	return s, s.URL != ""
}

// Credentials sign the upload in (HTTP Basic auth against the server's
// users file). The zero value sends none.
type Credentials struct {
	User, Password string
}

// PasswordEnv is where `rasoat ingest --server URL --user NAME` reads the
// password: never from a flag, which other users could read in the
// process list.
const PasswordEnv = "RASOAT_PASSWORD"

// ErrUnauthorized is a 401: no, or wrong, name and password.
var ErrUnauthorized = errors.New("máy chủ từ chối đăng nhập: tên đăng nhập hoặc mật khẩu không đúng, hoặc chưa đăng nhập. " +
	"Chạy lại với --user TÊN (tài khoản cán bộ) và mật khẩu trong biến môi trường " + PasswordEnv)

// Upload sends files to the server at baseURL, signed in as cred, and
// returns its reports.
func Upload(ctx context.Context, client *http.Client, baseURL string, cred Credentials, files []string, f ingest.Flags) ([]*ingest.FileReport, error) {
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Minute}
	}
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		pw.CloseWithError(writeForm(mw, files, f))
	}()
	u := strings.TrimRight(baseURL, "/") + UploadPath
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, pr)
	if err != nil {
		pr.Close()
		return nil, fmt.Errorf("địa chỉ máy chủ %s: %w", baseURL, err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept", "application/json")
	if cred.User != "" {
		req.SetBasicAuth(cred.User, cred.Password)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("gửi tệp tới máy chủ %s: %w", baseURL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("đọc trả lời của máy chủ: %w", err)
	}
	if resp.StatusCode == http.StatusUnauthorized {
		return nil, ErrUnauthorized
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(body, &e) == nil && e.Error != "" {
			return nil, fmt.Errorf("máy chủ trả lời %d: %s", resp.StatusCode, e.Error)
		}
		return nil, fmt.Errorf("máy chủ trả lời %d", resp.StatusCode)
	}
	var reps []*ingest.FileReport
	if err := json.Unmarshal(body, &reps); err != nil {
		return nil, fmt.Errorf("trả lời của máy chủ không đọc được: %w", err)
	}
	if len(reps) != len(files) {
		return nil, errors.New("máy chủ trả về số báo cáo khác số tệp đã gửi")
	}
	return reps, nil
}

func writeForm(mw *multipart.Writer, files []string, f ingest.Flags) error {
	fields := map[string]string{"stage": string(f.Stage), "unit": f.Unit, "standard": f.Standard}
	if f.Year != 0 {
		fields["year"] = strconv.Itoa(f.Year)
	}
	if f.DryRun {
		fields["dry_run"] = "1"
	}
	if f.Partial {
		fields["partial"] = "1"
	}
	for _, k := range []string{"year", "stage", "unit", "standard", "dry_run", "partial"} {
		if v := fields[k]; v != "" {
			if err := mw.WriteField(k, v); err != nil {
				return err
			}
		}
	}
	for _, p := range files {
		if err := addFile(mw, p); err != nil {
			return err
		}
	}
	return mw.Close()
}

func addFile(mw *multipart.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w, err := mw.CreateFormFile("file", filepath.Base(path))
	if err != nil {
		return err
	}
	_, err = io.Copy(w, f)
	return err
}

// ParseForm reads the flags of an upload request's form fields; the
// server and the command agree on them here.
func ParseForm(get func(string) string) (ingest.Flags, error) {
	var f ingest.Flags
	if y := strings.TrimSpace(get("year")); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 2000 || n > 2100 {
			return f, fmt.Errorf("năm không hợp lệ %q", y)
		}
		f.Year = n
	}
	if s := strings.TrimSpace(get("stage")); s != "" {
		st, err := review.ParseStage(s)
		if err != nil {
			return f, err
		}
		f.Stage = st
	}
	f.Unit = strings.TrimSpace(get("unit"))
	f.Standard = strings.TrimSpace(get("standard"))
	switch strings.TrimSpace(get("dry_run")) {
	case "1", "true", "on", "yes":
		f.DryRun = true
	}
	switch strings.TrimSpace(get("partial")) {
	case "1", "true", "on", "yes":
		f.Partial = true
	}
	return f, nil
}
