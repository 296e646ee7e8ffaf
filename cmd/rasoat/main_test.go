package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rasoat/store"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdout: &out, stderr: &errb, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	code = run(context.Background(), e, args)
	return code, out.String(), errb.String()
}

func TestHelpOnEveryCommand(t *testing.T) {
	for _, c := range commands() {
		args := []string{c.name, "--help"}
		if c.name == "units" {
			args = []string{"units", "import", "--help"}
		}
		code, _, stderr := runCLI(t, args...)
		if code != exitOK || !strings.Contains(stderr, "rasoat "+c.name) {
			t.Errorf("%s --help: exit %d, %q", c.name, code, stderr)
		}
	}
	if code, _, _ := runCLI(t, "--help"); code != exitOK {
		t.Errorf("rasoat --help exit %d", code)
	}
}

func TestUsageErrorsExitTwo(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"nope"},
		{"ingest"},
		{"ingest", "--db", "x.duckdb"},
		{"ingest", "--db", "x.duckdb", "--stage", "later", "f.xlsx"},
		{"sql", "--db", "x.duckdb", "--format", "xml", "SELECT 1"},
		{"units"},
		{"units", "import", "--db", "x.duckdb"},
		{"transform"},
		{"synth"},
		{"serve", "--bogus"},
	} {
		if code, _, _ := runCLI(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

// ingest exits 0 when every file is accepted, 1 when any is rejected, and a
// rejected file leaves nothing behind.
func TestIngestExitCodesAndSQL(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "r.duckdb")
	units := filepath.Join(dir, "units_2019-12-01.csv")
	os.WriteFile(units, []byte("province_code,province_name,district_code,district_name,district_type,commune_code,commune_name,commune_type\n"+
		"77,Tỉnh Thử,701,Huyện Một,Huyện,70001,Xã Ea Kao,Xã\n77,Tỉnh Thử,701,Huyện Một,Huyện,70004,Xã Cư Prao,Xã\n"), 0o644)
	if code, out, errs := runCLI(t, "units", "import", "--db", db, units); code != exitOK {
		t.Fatalf("units import: %d %s %s", code, out, errs)
	}
	good := filepath.Join(dir, "good.csv")
	os.WriteFile(good, []byte("year,stage,unit_code,total_households,poor_end,near_poor_end\n2019,official,70001,1000,128,97\n2019,official,70004,500,50,20\n"), 0o644)
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("year,stage,unit_code,total_households,poor_end,near_poor_end\n2019,official,70001,abc,128,97\n"), 0o644)

	code, out, _ := runCLI(t, "ingest", "--db", db, good)
	if code != exitOK || !strings.Contains(out, "accepted") {
		t.Fatalf("good file: exit %d: %s", code, out)
	}
	code, out, _ = runCLI(t, "ingest", "--db", db, good)
	if code != exitOK || !strings.Contains(out, "unchanged") {
		t.Fatalf("same file again: exit %d: %s", code, out)
	}
	code, out, _ = runCLI(t, "ingest", "--db", db, "--json", bad)
	if code != exitFail {
		t.Fatalf("bad file: exit %d: %s", code, out)
	}
	var reps []struct {
		Status   string
		Problems []struct{ Code, Column string }
	}
	if err := json.Unmarshal([]byte(out), &reps); err != nil || len(reps) != 1 || reps[0].Status != "rejected" ||
		reps[0].Problems[0].Code != "E_COUNT_NOT_NUMBER" || reps[0].Problems[0].Column != "total_households" {
		t.Fatalf("json report: %v %s", err, out)
	}
	if code, out, errs := runCLI(t, "transform", "--db", db); code != exitOK {
		t.Fatalf("transform: %s %s", out, errs)
	}
	code, out, _ = runCLI(t, "sql", "--db", db, "--format", "csv", "SELECT unit_code, poor_end FROM commune_year ORDER BY unit_code")
	if code != exitOK || out != "unit_code,poor_end\n70001,128\n70004,50\n" {
		t.Fatalf("sql: exit %d %q", code, out)
	}
	if code, _, errs := runCLI(t, "sql", "--db", db, "DELETE FROM raw_form_a"); code != exitFail {
		t.Fatalf("sql accepted a write: %s", errs)
	}
	// While a writer holds the database (as the server does), analysts
	// query its snapshot: the worker is another process, so DuckDB's lock
	// would refuse it the database file itself.
	held, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	nb := filepath.Join(t.TempDir(), "nb.sql")
	os.WriteFile(nb, []byte("-- %% [markdown]\n-- # Xã\n-- %% Hộ nghèo\nSELECT unit_code, poor_end FROM commune_year ORDER BY unit_code;\n-- %%\nSELECT count(*) AS n FROM commune_year\n"), 0o600)
	code, out, errs := runCLI(t, "sql", "--db", db, "-f", nb)
	if code != exitOK || !strings.Contains(out, "# Xã") || !strings.Contains(out, "70004      50") || !strings.Contains(out, "n\n2\n") {
		t.Fatalf("sql -f while held: exit %d %q %s", code, out, errs)
	}
	if code, _, _ := runCLI(t, "sql", "--db", db, "--timeout", "1h", "SELECT 1"); code == exitOK {
		t.Fatal("an analyst chose the timeout")
	}
}
