package store

import (
	"context"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"
)

// sandboxFixture makes a database with personal data in raw_household and
// an analyst view, writes its snapshot and opens a sandbox on it.
func sandboxFixture(t *testing.T, lim Limits) (dir, dbPath string, sb *Sandbox) {
	t.Helper()
	ctx := context.Background()
	dir = t.TempDir()
	dbPath = filepath.Join(dir, "r.duckdb")
	db, err := Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO raw_household (file_id, year, standard, stage, unit_code, household_id, head_name, head_id_hash)
		 VALUES (1, 2024, 'ND07_2021', 'official', '99001', 'HH-7', 'Nguyễn Văn Bí Mật', 'hash-of-id-012345678901')`,
		`CREATE TABLE analyst_doc (view_name VARCHAR, column_name VARCHAR, doc VARCHAR NOT NULL)`,
		`INSERT INTO analyst_doc VALUES ('commune_year', NULL, 'x'), ('household_class', NULL, 'y'), (NULL, 'year', 'z')`,
		`CREATE VIEW commune_year AS SELECT 2024 AS year, '99001' AS unit_code, 12.5 AS poor_rate UNION ALL SELECT 2025, '99002', 7.25`,
		`CREATE VIEW household_class AS SELECT household_id, head_name FROM raw_household`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := db.WriteAnalystSnapshot(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	sb, err = OpenSandbox(ctx, AnalystPath(dbPath), lim)
	if err != nil {
		t.Fatal(err)
	}
	return dir, dbPath, sb
}

func fileSum(t *testing.T, p string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

func listDir(t *testing.T, dir string) []string {
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && p != dir {
			out = append(out, strings.TrimPrefix(p, dir))
		}
		return nil
	})
	sort.Strings(out)
	return out
}

// Every escape the attack report found, and the usual others, must fail;
// afterwards the database, its snapshot and the folder are as they were
// and an honest query still runs.
func TestSandboxEscapesAllFail(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a worker process per attempt")
	}
	lim := DefaultLimits()
	lim.Timeout = 3 * time.Second
	lim.MaxMemory = 256 << 20
	lim.MaxTemp = 64 << 20
	lim.MaxRows = 1000
	dir, dbPath, sb := sandboxFixture(t, lim)
	snap := AnalystPath(dbPath)
	ctx := context.Background()
	dbSum, snapSum := fileSum(t, dbPath), fileSum(t, snap)
	before := listDir(t, dir)
	out := filepath.Join(dir, "out.csv")
	for _, tc := range []struct{ name, sql string }{
		{"copy over the database file", `COPY (SELECT 1) TO '` + dbPath + `' (USE_TMP_FILE false)`},
		{"copy over the snapshot", `COPY (SELECT 1) TO '` + snap + `' (USE_TMP_FILE false)`},
		{"copy to the snapshot's wal", `COPY (SELECT 1) TO '` + snap + `.wal'`},
		{"copy to the wal checkpoint", `COPY (SELECT 1) TO '` + snap + `.wal.checkpoint'`},
		{"copy to a file", `COPY (SELECT 1) TO '` + out + `'`},
		{"copy in a subquery trick", `SELECT 1) TO '` + out + `' ; SELECT (1`},
		{"copy from", `COPY commune_year FROM '/etc/passwd'`},
		{"read_csv", `SELECT * FROM read_csv('/etc/passwd')`},
		{"read_csv_auto upper case", `SELECT * FROM READ_CSV_AUTO('/etc/passwd')`},
		{"read_text", `SELECT * FROM read_text('/etc/hostname')`},
		{"read_blob", `SELECT * FROM read_blob('` + dbPath + `')`},
		{"read_parquet", `SELECT * FROM read_parquet('` + dir + `/*.parquet')`},
		{"replacement scan of a path", `SELECT * FROM '/etc/passwd'`},
		{"replacement scan of the db file", `SELECT * FROM '` + dbPath + `'`},
		{"glob", `SELECT * FROM glob('/etc/*')`},
		{"sniff_csv", `SELECT * FROM sniff_csv('/etc/passwd')`},
		{"attach the database", `ATTACH '` + dbPath + `' AS main_db`},
		{"attach in memory", `ATTACH ':memory:' AS m`},
		{"install", `INSTALL httpfs`},
		{"load", `LOAD httpfs`},
		{"set external access", `SET enable_external_access = true`},
		{"set memory", `SET memory_limit = '20GB'`},
		{"set threads", `SET threads = 64`},
		{"reset memory", `RESET memory_limit`},
		{"set lock", `SET lock_configuration = false`},
		{"pragma", `PRAGMA memory_limit = '20GB'`},
		{"pragma function", `SELECT * FROM pragma_database_size()`},
		{"enable_logging to file", `CALL enable_logging(storage = 'file', storage_path = '` + dir + `/log')`},
		{"enable_logging in FROM", `SELECT * FROM enable_logging(storage = 'file', storage_path = '` + dir + `/log')`},
		{"export database", `EXPORT DATABASE '` + dir + `/exp'`},
		{"import database", `IMPORT DATABASE '` + dir + `'`},
		{"checkpoint", `CHECKPOINT`},
		{"force checkpoint", `FORCE CHECKPOINT`},
		{"checkpoint function", `SELECT * FROM checkpoint()`},
		{"create table", `CREATE TABLE keep AS SELECT 1`},
		{"create temp table", `CREATE TEMP TABLE keep AS SELECT 1`},
		{"create macro", `CREATE MACRO m() AS 1`},
		{"create view", `CREATE VIEW v AS SELECT 1`},
		{"insert", `INSERT INTO commune_year VALUES (1, 'x', 1)`},
		{"delete", `DELETE FROM commune_year`},
		{"drop", `DROP TABLE commune_year`},
		{"update", `UPDATE commune_year SET poor_rate = 0`},
		{"personal table", `SELECT head_name FROM raw_household`},
		{"personal hash", `SELECT head_id_hash FROM raw_household`},
		{"personal view", `SELECT * FROM household_class`},
		{"personal via catalog", `SELECT * FROM duckdb_columns() WHERE column_name = 'head_name' AND (SELECT count(*) FROM raw_household) > 0`},
		{"multi statement", `SELECT 1; COPY (SELECT 1) TO '` + out + `'`},
		{"comment hides close", `SELECT 1 -- ) ; COPY (SELECT 1) TO '` + out + `'` + "\n" + `) ; COPY (SELECT 1) TO '` + out + `' ; SELECT (1`},
		{"set via select", `SELECT set_config('memory_limit', '20GB')`},
		{"current_setting is fine but the lock holds", `SET GLOBAL lock_configuration = false`},
		{"block comment trick", `SELECT 1 /* ; COPY (SELECT 1) TO '` + out + `' */) ; COPY (SELECT 1) TO '` + out + `' ; SELECT (1`},
		{"getenv", `SELECT getenv('HOME')`},
		{"query string", `SELECT * FROM query('COPY (SELECT 1) TO ''` + out + `''')`},
		{"query_table", `SELECT * FROM query_table('raw_household')`},
		{"secrets", `SELECT * FROM duckdb_secrets()`},
		{"use other catalog", `USE system`},
		{"begin transaction", `BEGIN TRANSACTION`},
		{"detach", `DETACH main`},
		{"case trick", `cOpY (SeLeCt 1) tO '` + out + `'`},
		{"time bomb", `SELECT count(*) FROM range(1000000000000) a, range(10) b`},
		{"memory bomb in a scalar", `SELECT length(repeat('x', 1500000000))`},
		{"memory bomb in a list", `SELECT len(list(range)) FROM range(400000000)`},
		{"memory bomb distinct", `SELECT count(*) FROM (SELECT DISTINCT range || 'abcdefghijklmnopqrstuvwxyz' FROM range(100000000))`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := sb.Query(ctx, tc.sql); err == nil {
				t.Errorf("sandbox accepted %q", tc.sql)
			}
		})
	}
	if got := fileSum(t, dbPath); got != dbSum {
		t.Error("the database file changed")
	}
	if got := fileSum(t, snap); got != snapSum {
		t.Error("the snapshot changed")
	}
	if after := listDir(t, dir); strings.Join(after, "\n") != strings.Join(before, "\n") {
		t.Errorf("folder changed:\nbefore %v\nafter  %v", before, after)
	}
	res, err := sb.Query(ctx, `SELECT unit_code, poor_rate FROM commune_year ORDER BY year`)
	if err != nil || len(res.Rows) != 2 || res.Rows[1][0] != "99002" || res.Rows[1][1] != 7.25 {
		t.Fatalf("honest query after the attempts: %+v, %v", res, err)
	}
}

// A page holds at most n rows and says more follow; offsets page on.
func TestSandboxPagesRows(t *testing.T) {
	lim := DefaultLimits()
	lim.MaxRows = 50
	_, _, sb := sandboxFixture(t, lim)
	ctx := context.Background()
	res, err := sb.QueryPage(ctx, `SELECT range AS i FROM range(120) ORDER BY i;`, 100, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 20 || res.Rows[0][0] != int64(100) || res.Truncated {
		t.Fatalf("page at 100: %d rows from %v, more %v", len(res.Rows), res.Rows[0], res.Truncated)
	}
	res, err = sb.QueryPage(ctx, `SELECT range AS i FROM range(10000000)`, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 50 || !res.Truncated {
		t.Fatalf("capped page: %d rows, more %v", len(res.Rows), res.Truncated)
	}
}

// The snapshot holds the analyst views and no personal data.
func TestSnapshotHasNoPersonalData(t *testing.T) {
	_, dbPath, _ := sandboxFixture(t, DefaultLimits())
	ctx := context.Background()
	ro, err := OpenReadOnly(ctx, AnalystPath(dbPath))
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	rows, err := ro.QueryContext(ctx, `SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = current_database() ORDER BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	tables := map[string]bool{}
	for rows.Next() {
		var tb, col string
		rows.Scan(&tb, &col)
		tables[tb] = true
		if strings.Contains(col, "name") && tb != "analyst_doc" || strings.Contains(col, "hash") || col == "household_id" {
			t.Errorf("personal column %s.%s in the snapshot", tb, col)
		}
	}
	if !tables["commune_year"] || tables["raw_household"] || tables["household_class"] {
		t.Errorf("snapshot tables %v", tables)
	}
}

// A hostile query's peak memory stays near the limit: the worker is
// stopped, the caller (this process) does not grow. Loose bound, Linux only.
func TestSandboxMemoryBoundsTheProcess(t *testing.T) {
	if runtime.GOOS != "linux" || testing.Short() {
		t.Skip("reads /proc")
	}
	lim := DefaultLimits()
	lim.MaxMemory = 256 << 20
	lim.Timeout = 20 * time.Second
	_, _, sb := sandboxFixture(t, lim)
	_, err := sb.Query(context.Background(), `SELECT length(repeat('x', 1500000000))`)
	if !errors.Is(err, ErrMemory) {
		t.Fatalf("want the memory limit, got %v", err)
	}
}

// The worker's DuckDB runs with the admin's limits, external access off
// and the configuration locked.
func TestSandboxSettings(t *testing.T) {
	lim := DefaultLimits()
	lim.MaxMemory, lim.MaxTemp, lim.Threads = 300<<20, 40<<20, 1
	_, _, sb := sandboxFixture(t, lim)
	res, err := sb.Query(context.Background(), `SELECT current_setting('enable_external_access')::VARCHAR, current_setting('lock_configuration')::VARCHAR,
		current_setting('access_mode')::VARCHAR, current_setting('threads')::VARCHAR, current_setting('max_temp_directory_size')::VARCHAR, current_setting('memory_limit')::VARCHAR`)
	if err != nil {
		t.Fatal(err)
	}
	got := res.Rows[0]
	want := []any{"false", "true", "read_only", "1"}
	for i, w := range want {
		if got[i] != w {
			t.Errorf("setting %d = %v, want %v (%v)", i, got[i], w, got)
		}
	}
	if !strings.HasPrefix(got[4].(string), "38.1 MiB") && !strings.HasPrefix(got[4].(string), "40") || !strings.HasPrefix(got[5].(string), "286.1 MiB") {
		t.Errorf("limits %v", got[4:])
	}
}
