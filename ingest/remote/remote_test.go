package remote

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rasoat/ingest"
	"rasoat/review"
)

// Upload signs in with Basic auth only when given a user, sends the flags
// the server's ParseForm reads back, and turns the server's refusals into
// errors: 401 into ErrUnauthorized, others with the server's own message.
func TestUpload(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "xa_a.csv")
	if err := os.WriteFile(file, []byte("year,stage\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	type seen struct {
		user, pw string
		basic    bool
		flags    ingest.Flags
		files    []string
	}
	var got seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = seen{}
		got.user, got.pw, got.basic = r.BasicAuth()
		if r.URL.Path != UploadPath {
			http.NotFound(w, r)
			return
		}
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		got.flags, _ = ParseForm(r.FormValue)
		for _, fh := range r.MultipartForm.File["file"] {
			got.files = append(got.files, fh.Filename)
		}
		w.Header().Set("Content-Type", "application/json")
		switch {
		case !got.basic:
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"error":"cần đăng nhập"}`))
		case got.user == "khoa":
			w.WriteHeader(http.StatusTooManyRequests)
			w.Write([]byte(`{"error":"Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 07:15 ngày 30/10/2025."}`))
		case got.pw != "dung":
			w.WriteHeader(http.StatusUnauthorized)
		default:
			json.NewEncoder(w).Encode([]*ingest.FileReport{{File: "xa_a.csv", Status: ingest.Validated}})
		}
	}))
	defer srv.Close()
	flags := ingest.Flags{Year: 2024, Stage: review.Official, Unit: "645", DryRun: true, Partial: true}

	tests := []struct {
		name    string
		cred    Credentials
		wantErr string // substring; "" = success
		is      error
	}{
		{"no user: the server asks for one", Credentials{}, "--user", ErrUnauthorized},
		{"wrong password", Credentials{"canbo", "sai"}, PasswordEnv, ErrUnauthorized},
		{"locked out: the server's message is shown", Credentials{"khoa", "dung"}, "máy chủ trả lời 429: Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 07:15 ngày 30/10/2025.", nil},
		{"signed in", Credentials{"canbo", "dung"}, "", nil},
	}
	for _, tt := range tests {
		reps, err := Upload(context.Background(), nil, srv.URL+"/", tt.cred, []string{file}, flags)
		if got.basic != (tt.cred.User != "") || got.user != tt.cred.User || got.pw != tt.cred.Password {
			t.Errorf("%s: server saw basic=%v %q/%q", tt.name, got.basic, got.user, got.pw)
		}
		if tt.wantErr == "" {
			if err != nil || len(reps) != 1 || reps[0].Status != ingest.Validated {
				t.Errorf("%s: %v %v", tt.name, reps, err)
			}
			if got.flags != flags || len(got.files) != 1 || got.files[0] != "xa_a.csv" {
				t.Errorf("%s: server read %+v %v", tt.name, got.flags, got.files)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: error %v, want it to contain %q", tt.name, err, tt.wantErr)
		}
		if tt.is != nil && !errors.Is(err, tt.is) {
			t.Errorf("%s: error %v is not %v", tt.name, err, tt.is)
		}
	}
}

func TestAnnounceAndRead(t *testing.T) {
	db := filepath.Join(t.TempDir(), "r.duckdb")
	if _, ok := Read(db); ok {
		t.Fatal("a server read before any was announced")
	}
	done, err := Announce(db, "http://127.0.0.1:8080/")
	if err != nil {
		t.Fatal(err)
	}
	if s, ok := Read(db); !ok || s.URL != "http://127.0.0.1:8080/" || s.PID != os.Getpid() {
		t.Errorf("Read = %+v, %v", s, ok)
	}
	done()
	if _, ok := Read(db); ok {
		t.Error("DB.server left behind")
	}
}
