package main

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// demo prints the passwords once and writes only hashes; a second start
// reuses the file and prints none.
func TestDemoUsers(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	e := &env{stdout: &out, stderr: &out, log: slog.New(slog.DiscardHandler)}
	u, err := demoUsers(e, dir, false)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`phuctra1 +phúc tra viên +mật khẩu: (\S+)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no inspector credentials printed:\n%s", out.String())
	}
	if got, err := u.Authenticate("phuctra1", m[1]); err != nil || got.Role != "inspector" {
		t.Errorf("printed password does not sign in: %v", err)
	}
	path := filepath.Join(dir, "users.csv")
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("users file %v mode %v", err, st.Mode())
	}
	body, _ := os.ReadFile(path)
	if bytes.Contains(body, []byte(m[1])) {
		t.Error("clear-text password in the users file")
	}
	out.Reset()
	if _, err := demoUsers(e, dir, false); err != nil || bytes.Contains(out.Bytes(), []byte("mật khẩu:")) {
		t.Errorf("second start: %v\n%s", err, out.String())
	}
}
