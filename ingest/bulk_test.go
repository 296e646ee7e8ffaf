package ingest

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"rasoat/ingest/problem"
	"rasoat/store"
)

// The bulk path for plain household lists must leave the database exactly
// as the full reader does, and must step aside, invisibly, for every file
// it cannot load exactly.

var bulkKey = []byte("bulk-test-key-0123456789abcdef0123")

const listHeader = "year,stage,unit_code,household_id,village,head_name,head_id,ethnicity,area,members,income_per_capita,dep_01,dep_02,dep_03,class_end,change\n"

// mdList is a household list of M'Đrắk communes (Đắk Lắk 2019 codes).
func mdList(n int, codes ...string) string {
	var b strings.Builder
	b.WriteString(listHeader)
	classes := []string{"poor", "near_poor", "escaped", "none"}
	for i := range n {
		fmt.Fprintf(&b, "2019,official,%s,HH-%06d,Buôn %d,Y Niê Ksơr %d,0661%08d,Ê Đê,rural,%d,%d,%d,,%s,%s,old\n",
			codes[i%len(codes)], i, i%30, i, i, 1+i%7, 500000+i*37%900000, i%2, map[bool]string{true: "x"}[i%5 == 0], classes[i%4])
	}
	return b.String()
}

// dbRows is a table's content (without file ids) as sorted text.
func dbRows(t *testing.T, db *store.DB, q string) []string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		cells := make([]string, len(vals))
		for i, v := range vals {
			cells[i] = fmt.Sprint(v)
		}
		out = append(out, strings.Join(cells, " "))
	}
	return out
}

const (
	householdsQuery = `SELECT * EXCLUDE (file_id) FROM raw_household ORDER BY source_row, household_id`
	sheetsQuery     = `SELECT * EXCLUDE (file_id) FROM ingest_sheet ORDER BY unit_code`
)

func problemsOf(l problem.List) []string {
	var out []string
	for _, p := range l {
		out = append(out, fmt.Sprintf("%s %s r%d c%s %s", p.Severity, p.Code, p.Row, p.Column, p.Value))
	}
	return out
}

// loadBoth loads body with the bulk path on and off, each into its own
// fresh database, and fails unless reports and tables agree. It says
// whether the bulk path took the file.
func loadBoth(t *testing.T, name, body string, opt Options) (bulk bool, rep *FileReport, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	full := opt
	full.fullReader = true
	dbFull, dbBulk, dbProbe := daklakDB(t, t.TempDir()), daklakDB(t, t.TempDir()), daklakDB(t, t.TempDir())
	want := New(dbFull, full).Reader(ctx, name, strings.NewReader(body))
	got := New(dbBulk, opt).Reader(ctx, name, strings.NewReader(body))
	if got.Status != want.Status || !reflect.DeepEqual(got.Forms, want.Forms) ||
		!reflect.DeepEqual(problemsOf(got.Problems), problemsOf(want.Problems)) {
		t.Fatalf("reports differ:\n bulk %s %v %v\n full %s %v %v", got.Summary(), got.Forms, problemsOf(got.Problems),
			want.Summary(), want.Forms, problemsOf(want.Problems))
	}
	for _, q := range []string{householdsQuery, sheetsQuery} {
		g, w := dbRows(t, dbBulk, q), dbRows(t, dbFull, q)
		if len(g) != len(w) {
			t.Fatalf("%s: bulk %d rows, full %d", q, len(g), len(w))
		}
		for i := range g {
			if g[i] != w[i] {
				t.Fatalf("%s, row %d:\n bulk %s\n full %s", q, i, g[i], w[i])
			}
		}
	}
	probe := New(dbProbe, opt)
	if err := probe.syncCaches(ctx); err != nil {
		t.Fatal(err)
	}
	text, src := []byte(body), source{size: int64(len(body)), format: strings.TrimPrefix(filepath.Ext(name), ".")}
	if src.format == "parquet" {
		var p *problem.Problem
		if text, p = probe.parquetCSV(ctx, name, text); p != nil {
			t.Fatal(p)
		}
		src.machine = true
	}
	bulk = probe.bulkCSV(ctx, name, text, &FileReport{File: name}, src)
	return bulk, got, dbBulk
}

func TestBulkLoadsAsFullReader(t *testing.T) {
	cases := []struct {
		name   string
		body   string
		opt    Options
		bulk   bool
		status Status
	}{
		{"three communes", mdList(50, "24412", "24415", "24418"), Options{IDKey: bulkKey}, true, Accepted},
		{"no key: IDs dropped", mdList(5, "24418"), Options{}, true, Accepted},
		{"dry run", mdList(5, "24418"), Options{IDKey: bulkKey, DryRun: true}, true, Validated},
		{"names, no codes", "unit_name,household_id,head_name,members,class_end\nXã Ea Pil,A-1,An,3,poor\nXã Cư Prao,B-1,Bình,2,near_poor\n",
			Options{IDKey: bulkKey, Year: 2019, Stage: "official", Unit: "652"}, true, Accepted},
		{"unknown unit", mdList(5, "24418", "99999"), Options{IDKey: bulkKey}, false, Rejected},
		{"two districts: the province reports", mdList(5, "24418", "24121"), Options{IDKey: bulkKey}, true, Accepted},
		{"commune of another district", mdList(5, "24418", "24121"), Options{IDKey: bulkKey, Unit: "652"}, false, Rejected},
		{"Vietnamese notation: the full reader's", strings.Replace(mdList(3, "24418"), ",500000,", ",1.500.000,", 1), Options{IDKey: bulkKey}, false, Accepted},
		{"a row of another year: two slices", strings.Replace(mdList(3, "24418"), "2019,", "2020,", 1), Options{IDKey: bulkKey}, false, Accepted},
		{"a row of another year, --year 2019", strings.Replace(mdList(3, "24418"), "2019,", "2020,", 1), Options{IDKey: bulkKey, Year: 2019}, false, Rejected},
		{"one household twice", strings.Replace(mdList(4, "24418"), "HH-000003", "HH-000001", 1), Options{IDKey: bulkKey}, false, Rejected},
		{"one household id in two communes", strings.Replace(mdList(4, "24418", "24415"), "HH-000003", "HH-000002", 1), Options{IDKey: bulkKey}, true, Accepted},
		{"one head twice", strings.Replace(mdList(4, "24418"), "066100000003", "066100000001", 1), Options{IDKey: bulkKey}, false, Rejected},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bulk, rep, _ := loadBoth(t, "ds.csv", c.body, c.opt)
			if bulk != c.bulk {
				t.Errorf("bulk path took the file: %v, want %v", bulk, c.bulk)
			}
			if rep.Status != c.status {
				t.Errorf("status %s, want %s: %s", rep.Status, c.status, rep.Summary())
			}
		})
	}
}

// A list large enough to be read in parts, and the hash recomputed here
// from the key: what the bulk path stores is HMAC-SHA256(key, ID), never
// the ID.
func TestBulkLargeListAndHash(t *testing.T) {
	body := mdList(60_000, "24412", "24415", "24418")
	if len(body) < 2*bulkMinPart {
		t.Fatalf("list of %d bytes is read in one part", len(body))
	}
	bulk, rep, db := loadBoth(t, "lon.csv", body, Options{IDKey: bulkKey})
	if !bulk || rep.Status != Accepted || rep.Forms[0].Rows != 60_000 {
		t.Fatalf("bulk %v: %s", bulk, rep.Summary())
	}
	m := hmac.New(sha256.New, bulkKey)
	m.Write([]byte("066100012345"))
	want := hex.EncodeToString(m.Sum(nil))
	var got string
	var raw int
	ctx := context.Background()
	if err := db.QueryRowContext(ctx, `SELECT head_id_hash FROM raw_household WHERE household_id = 'HH-012345'`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("hash %s, want %s", got, want)
	}
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM raw_household WHERE head_id_hash IS NULL OR NOT regexp_full_match(head_id_hash, '[0-9a-f]{64}')`).Scan(&raw); err != nil || raw != 0 {
		t.Errorf("%d rows hold no hash or a raw ID (%v)", raw, err)
	}
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM raw_household WHERE source_row <> CAST(substr(household_id, 4) AS INTEGER) + 2`).Scan(&raw); err != nil || raw != 0 {
		t.Errorf("%d rows carry the wrong line (%v)", raw, err)
	}
}

// A dry run and a refused file leave the database as it was.
func TestBulkLeavesNothingBehind(t *testing.T) {
	ctx := context.Background()
	db := daklakDB(t, t.TempDir())
	before := checksum(t, db)
	for _, c := range []struct {
		body string
		opt  Options
	}{
		{mdList(100, "24418"), Options{IDKey: bulkKey, DryRun: true}},
		{mdList(100, "24418", "99999"), Options{IDKey: bulkKey}},
	} {
		rep := New(db, c.opt).Reader(ctx, "ds.csv", strings.NewReader(c.body))
		if rep.Status == Accepted {
			t.Fatalf("%s", rep.Summary())
		}
		if after := checksum(t, db); after != before {
			t.Fatalf("database changed:\n%s\n%s", before, after)
		}
	}
}

// A Parquet export's numbers are a program's: DOUBLE 1.234 is 1,234, not
// the 1 234 that Vietnamese notation would make of the text "1.234". A
// plain Parquet list takes the bulk path too, to the same rows.
func TestParquetNumbersAreMachineNumbers(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src, out := filepath.Join(dir, "in.csv"), filepath.Join(dir, "ds.parquet")
	csv := "year,stage,unit_code,household_id,head_name,members,b1_score,income_per_capita,class_end\n" +
		"2019,official,24418,EP-1,An,3,1.234,1234.5,poor\n2019,official,24418,EP-2,Bình,4,,700000,none\n"
	if err := os.WriteFile(src, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	mem, err := store.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	if _, err := mem.ExecContext(ctx, fmt.Sprintf(`COPY (SELECT * REPLACE (b1_score::DOUBLE AS b1_score, income_per_capita::DOUBLE AS income_per_capita)
		FROM read_csv('%s', header = true)) TO '%s' (FORMAT parquet)`, src, out)); err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	bulk, rep, db := loadBoth(t, "ds.parquet", string(body), Options{IDKey: bulkKey})
	if !bulk || rep.Status != Accepted {
		t.Fatalf("bulk %v: %s", bulk, rep.Summary())
	}
	got := dbRows(t, db, `SELECT household_id, b1_score, income_per_capita FROM raw_household ORDER BY household_id`)
	want := []string{"EP-1 1.234 1234.5", "EP-2 <nil> 700000"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// A load killed with -9 leaves its temporary folder; the next load removes
// such folders once they are an hour old, and leaves younger ones (a load
// running now) alone.
func TestTempDirSweepsStaleFolders(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	stale, fresh := filepath.Join(tmp, "rasoat-bulk-1"), filepath.Join(tmp, "rasoat-bulk-2")
	for _, d := range []string{stale, fresh} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "households-0.tsv"), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	d, err := tempDir("rasoat-bulk-")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale folder kept (%v)", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("fresh folder removed: %v", err)
	}
	if st, err := os.Stat(d); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("new folder: %v %v", st, err)
	}
}
