package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rasoat/cases/userstest"
	"rasoat/ingest/remote"
	"rasoat/store"
	"rasoat/transform"
)

const childArgsEnv = "RASOAT_TEST_CLI_ARGS" // tab-separated args of a child run

// TestCLIChild runs the command line in a separate process, for tests that
// need a second process (DuckDB lets one process hold a database).
func TestCLIChild(t *testing.T) {
	a := os.Getenv(childArgsEnv)
	if a == "" {
		t.Skip("run by other tests")
	}
	e := &env{stdout: os.Stdout, stderr: os.Stderr, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	os.Exit(run(context.Background(), e, strings.Split(a, "\t")))
}

func testUnits(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "units_2019-12-01.csv")
	os.WriteFile(p, []byte("province_code,province_name,district_code,district_name,district_type,commune_code,commune_name,commune_type\n"+
		"77,Tỉnh Thử,701,Huyện Một,Huyện,70001,Xã Ea Kao,Xã\n77,Tỉnh Thử,701,Huyện Một,Huyện,70004,Xã Cư Prao,Xã\n"), 0o644)
	return p
}

// A running server is the single writer of its database: `ingest --db`
// names the server instead of failing on the lock, `ingest --server --user`
// sends the files to it as a signed-in officer and prints the same report
// with the same exit codes, and the server's DB.server file goes when it
// stops.
func TestIngestThroughServer(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "r.duckdb")
	if code, out, errs := runCLI(t, "units", "import", "--db", dbPath, testUnits(t, dir)); code != exitOK {
		t.Fatalf("units import: %s %s", out, errs)
	}
	good := filepath.Join(dir, "xa_a.csv")
	os.WriteFile(good, []byte("year,stage,unit_code,total_households,poor_end,near_poor_end\n2019,official,70001,1000,128,97\n2019,official,70004,500,50,20\n"), 0o644)
	bad := filepath.Join(dir, "xa_sai.csv")
	os.WriteFile(bad, []byte("year,stage,unit_code,total_households,poor_end,near_poor_end\n2019,official,70001,-5,128,97\n"), 0o644)

	ctx, cancel := context.WithCancel(context.Background())
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	urlc := make(chan string, 1)
	done := make(chan int, 1)
	var sout bytes.Buffer
	e := &env{stdout: &sout, stderr: io.Discard, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	users := userstest.Users(t, "canbo,officer", "phantich,analyst")
	go func() { done <- serveWith(ctx, e, db, "127.0.0.1:0", func(u string) { urlc <- u }, users) }()
	var url string
	select {
	case url = <-urlc:
	case <-time.After(10 * time.Second):
		t.Fatal("server did not start")
	}
	if s, ok := remote.Read(dbPath); !ok || s.URL != url || s.PID != os.Getpid() {
		t.Fatalf("DB.server = %+v, %v; want %s", s, ok, url)
	}

	// Another process: the lock error names the server.
	cmd := exec.Command(os.Args[0], "-test.run=^TestCLIChild$")
	cmd.Env = append(os.Environ(), childArgsEnv+"="+strings.Join([]string{"ingest", "--db", dbPath, good}, "\t"))
	out, _ := cmd.CombinedOutput()
	if cmd.ProcessState.ExitCode() != exitFail || !strings.Contains(string(out), url) || !strings.Contains(string(out), "--server") ||
		!strings.Contains(string(out), "--user") {
		t.Errorf("ingest on a held database: exit %d, %s", cmd.ProcessState.ExitCode(), out)
	}

	// Uploads need an officer: no user, a wrong password, an analyst, a
	// user without the password variable are all refused, and nothing is
	// written.
	refused := []struct {
		name     string
		args     []string
		password string // RASOAT_PASSWORD; empty counts as unset
		code     int
		want     string
	}{
		{"no --user", []string{"--server", url}, "", exitFail, "--user TÊN"},
		{"wrong password", []string{"--server", url, "--user", "canbo"}, "sai", exitFail, "mật khẩu không đúng"},
		{"analyst", []string{"--server", url, "--user", "phantich"}, userstest.Password, exitFail, "chỉ cán bộ"},
		{"no password variable", []string{"--server", url, "--user", "canbo"}, "", exitUsage, remote.PasswordEnv},
		{"--user without --server", []string{"--db", dbPath, "--user", "canbo"}, userstest.Password, exitUsage, "--user chỉ dùng với --server"},
	}
	for _, tt := range refused {
		t.Setenv(remote.PasswordEnv, tt.password)
		code, o, errs := runCLI(t, append(append([]string{"ingest"}, tt.args...), good)...)
		if code != tt.code || !strings.Contains(errs, tt.want) {
			t.Errorf("%s: exit %d %q %q, want %d and %q", tt.name, code, o, errs, tt.code, tt.want)
		}
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM ingest_file`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("refused uploads wrote %d files, %v", n, err)
	}

	t.Setenv(remote.PasswordEnv, userstest.Password)
	code, o, errs := runCLI(t, "ingest", "--server", url, "--user", "canbo", "--dry-run", good)
	if code != exitOK || !strings.Contains(o, "dry run") {
		t.Errorf("--server --dry-run: exit %d %q %q", code, o, errs)
	}
	code, o, errs = runCLI(t, "ingest", "--server", url, "--user", "canbo", good, bad)
	if code != exitFail || !strings.Contains(o, "xa_a.csv: đã nạp (accepted), 2 dòng") || !strings.Contains(o, "xa_sai.csv: bị từ chối (rejected)") ||
		!strings.Contains(o, "E_COUNT_NEGATIVE") {
		t.Errorf("--server good+bad: exit %d %q %q", code, o, errs)
	}
	code, o, _ = runCLI(t, "ingest", "--server", url, "--user", "canbo", good)
	if code != exitOK || !strings.Contains(o, "unchanged") {
		t.Errorf("--server again: exit %d %q", code, o)
	}
	// The server ran the transform after the load: the views show it.
	var poor int
	if err := db.QueryRow(`SELECT poor_end FROM commune_year WHERE unit_code = '70001' AND year = 2019`).Scan(&poor); err != nil || poor != 128 {
		t.Errorf("commune_year after upload: %d, %v", poor, err)
	}
	var by string
	if err := db.QueryRow(`SELECT loaded_by FROM ingest_file`).Scan(&by); err != nil || by != "canbo" {
		t.Errorf("loaded_by %q, %v", by, err)
	}

	cancel()
	<-done
	if _, ok := remote.Read(dbPath); ok {
		t.Error("DB.server left behind after the server stopped")
	}
}

// --partial: a file of one commune of a two-commune district file is
// refused as E_FEWER_UNITS without it, loaded with it.
func TestIngestPartialFlag(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "r.duckdb")
	if code, out, errs := runCLI(t, "units", "import", "--db", dbPath, testUnits(t, dir)); code != exitOK {
		t.Fatalf("units import: %s %s", out, errs)
	}
	const head = "year,stage,unit_code,total_households,poor_end,near_poor_end\n"
	whole := filepath.Join(dir, "huyen.csv")
	os.WriteFile(whole, []byte(head+"2019,official,70001,1000,128,97\n2019,official,70004,500,50,20\n"), 0o644)
	// a district file again (its name says so), with only Ea Kao: the
	// --unit says who reports, so it supersedes the district's file
	fix := filepath.Join(dir, "huyen_sua.csv")
	os.WriteFile(fix, []byte(head+"2019,official,70001,1000,130,97\n"), 0o644)
	if code, o, errs := runCLI(t, "ingest", "--db", dbPath, whole); code != exitOK {
		t.Fatalf("whole: %d %s %s", code, o, errs)
	}
	if code, o, _ := runCLI(t, "ingest", "--db", dbPath, "--unit", "701", fix); code != exitFail || !strings.Contains(o, "E_FEWER_UNITS") || !strings.Contains(o, "70004") {
		t.Errorf("without --partial: exit %d %q", code, o)
	}
	if code, o, errs := runCLI(t, "ingest", "--db", dbPath, "--unit", "701", "--partial", fix); code != exitOK {
		t.Errorf("with --partial: exit %d %q %q", code, o, errs)
	}
	db, err := store.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := transform.Run(context.Background(), db, transform.Options{}); err != nil {
		t.Fatal(err)
	}
	var got string
	if err := db.QueryRow(`SELECT string_agg(unit_code || '=' || poor_end, ' ' ORDER BY unit_code) FROM stg_form_a`).Scan(&got); err != nil || got != "70001=130 70004=50" {
		t.Errorf("counted after --partial: %q, %v", got, err)
	}
}

// `ingest --explain` needs no database: it prints each form's meta, the
// column mapping and every row's class with its reason.
func TestIngestExplain(t *testing.T) {
	file := filepath.Join("..", "..", "ingest", "testdata", "corpus", "b_number_row_identity.xlsx")
	code, out, errs := runCLI(t, "ingest", "--explain", file)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	for _, want := range []string{
		"năm/year: 2022", "sơ bộ (preliminary)", "district M'ĐRẮK",
		"K    poor_end", "B    name",
		"4  numbers", // the row "A B 1 … (9)=1-2-3-4+5+6+7+8"
		"5  body", "18  total",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("explanation lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runCLI(t, "ingest", "--explain", filepath.Join("..", "..", "ingest", "testdata", "corpus", "x_row_figures_without_unit.xlsx"))
	if code != 0 || !strings.Contains(out, "17  body") {
		t.Errorf("a row with figures and no name is read as a body row (ingest then rejects it): exit %d\n%s", code, out)
	}
}
