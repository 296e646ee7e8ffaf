package export

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2" // the analyst's plain DuckDB, apart from store's
	"rasoat/store"
	"rasoat/transform"
)

// docs/scale.md shows how the Parquet export is read beyond one machine.
// Its DuckDB blocks (info string "sql duckdb NAME") are run here, in
// document order, by a plain in-memory DuckDB over real exports, and each
// result is checked against the figures the database itself computes. The
// Spark and Trino blocks cannot run here; what can be checked of them
// without an engine (paths exist in the export, declared columns exist in
// the Parquet files with the declared types) is checked.

// The doc's folders, replaced by the test's temporary ones.
const (
	docExport    = "/srv/rasoat/export"    // one database's export
	docProvinces = "/srv/rasoat/provinces" // provinces' exports, one folder each
	docNational  = "/srv/rasoat/national"  // the national set rebuilt from them
	docNationalS = "s3://rasoat/national"  // the same set copied to object storage
)

// scaleUnit is one commune of the fixture with its district and province.
type scaleUnit struct{ province, provinceName, district, commune string }

var scaleUnits = []scaleUnit{
	// Province code with a leading zero: a partition value must stay text.
	{"08", "Tỉnh Tám", "081", "08001"},
	{"08", "Tỉnh Tám", "081", "08002"},
	{"08", "Tỉnh Tám", "081", "08003"},
	{"77", "Tỉnh Thử", "771", "77001"},
	{"77", "Tỉnh Thử", "771", "77004"},
}

// scaleRow is one commune's form A row: year, stage, commune, households, poor, near-poor.
type scaleRow struct {
	year              int
	stage, commune    string
	hh, poor, nearPoo int64
}

// 08003 does not report in 2024 (units per year differ); 77 has a 2024
// preliminary stage that does not count (a query forgetting `counted`
// double-counts it).
var scaleRows = []scaleRow{
	{2023, "official", "08001", 1200, 240, 90},
	{2023, "official", "08002", 800, 120, 70},
	{2023, "official", "08003", 400, 100, 30},
	{2024, "official", "08001", 1210, 200, 95},
	{2024, "official", "08002", 805, 100, 60},
	{2023, "official", "77001", 1000, 100, 50},
	{2023, "official", "77004", 500, 60, 20},
	{2024, "preliminary", "77001", 1010, 120, 40},
	{2024, "preliminary", "77004", 505, 70, 25},
	{2024, "official", "77001", 1010, 90, 50},
	{2024, "official", "77004", 505, 50, 20},
}

// scaleDB builds a transformed database holding the given provinces of
// the fixture (all when none are given).
func scaleDB(t *testing.T, provinces ...string) *store.DB {
	t.Helper()
	ctx := context.Background()
	keep := func(p string) bool {
		if len(provinces) == 0 {
			return true
		}
		for _, q := range provinces {
			if p == q {
				return true
			}
		}
		return false
	}
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "scale.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
	unitOf := map[string]scaleUnit{}
	seen := map[string]bool{}
	const ins = `INSERT INTO ref_unit (unit_code, unit_name, level, unit_type, parent_code, province_code, valid_from) VALUES (?, ?, ?, ?, ?, ?, DATE '2000-01-01')`
	for _, u := range scaleUnits {
		unitOf[u.commune] = u
		if !keep(u.province) {
			continue
		}
		if !seen[u.province] {
			exec(ins, u.province, u.provinceName, "province", "Tỉnh", nil, u.province)
			exec(ins, u.district, "Huyện "+u.district, "district", "Huyện", u.province, u.province)
			seen[u.province] = true
		}
		exec(ins, u.commune, "Xã "+u.commune, "commune", "Xã", u.district, u.province)
	}
	files := map[string]int{} // one file per district, year and stage
	for _, r := range scaleRows {
		u := unitOf[r.commune]
		if !keep(u.province) {
			continue
		}
		key := fmt.Sprintf("%s/%d/%s", u.district, r.year, r.stage)
		id, ok := files[key]
		if !ok {
			id = len(files) + 1
			files[key] = id
			exec(`INSERT INTO ingest_file VALUES (?, ?, ?, 1, 'csv', now(), 'test')`, id, key+".csv", "sha-"+key)
			exec(`INSERT INTO ingest_sheet VALUES (?, 'csv', 'A', ?, 'ND07_2021', ?, ?, 1, 0, false)`, id, r.year, r.stage, u.district)
		}
		exec(`INSERT INTO raw_form_a (file_id, source_row, year, standard, stage, unit_code, is_total, total_households, poor_end, near_poor_end)
			VALUES (?, 1, ?, 'ND07_2021', ?, ?, false, ?, ?, ?)`, id, r.year, r.stage, r.commune, r.hh, r.poor, r.nearPoo)
	}
	if _, err := transform.Run(ctx, db, transform.Options{}); err != nil {
		t.Fatal(err)
	}
	return db
}

// docBlock is one fenced code block of the doc.
type docBlock struct {
	info, name, body string
	line             int
}

func readDocBlocks(t *testing.T, path string) (string, []docBlock) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var blocks []docBlock
	var cur *docBlock
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case cur == nil && strings.HasPrefix(line, "```"):
			f := strings.Fields(strings.TrimPrefix(line, "```"))
			cur = &docBlock{line: n}
			if len(f) > 0 {
				cur.info = strings.Join(f[:min(2, len(f))], " ")
			}
			if len(f) > 2 {
				cur.name = f[2]
			}
		case cur != nil && strings.TrimSpace(line) == "```":
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			cur.body += line + "\n"
		}
	}
	if cur != nil {
		t.Fatalf("%s: code block at line %d is not closed", path, cur.line)
	}
	return string(b), blocks
}

// queryRows runs q and returns its rows as maps by column name.
func queryRows(ctx context.Context, db *sql.DB, q string) ([]map[string]any, error) {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		m := map[string]any{}
		for i, c := range cols {
			m[c] = vals[i]
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// rateKey and the figures it keys, for comparing one result with another.
type rateKey struct {
	year              int64
	standard, provinc string
}

func asInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case int16:
		return int64(x)
	case int8:
		return int64(x)
	case uint64:
		return int64(x)
	case uint32:
		return int64(x)
	case *big.Int: // sum() of BIGINT is a HUGEINT
		return x.Int64()
	}
	panic(fmt.Sprintf("not an integer: %T %v", v, v))
}

func asFloat(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case float32:
		return float64(x)
	}
	return float64(asInt(v))
}

// provinceRates reads (year, standard, province_code) → poor_rate from rows;
// province_code must come back as text, leading zero and all.
func provinceRates(t *testing.T, rows []map[string]any) map[rateKey]float64 {
	t.Helper()
	out := map[rateKey]float64{}
	for _, r := range rows {
		code, ok := r["province_code"].(string)
		if !ok {
			t.Fatalf("province_code is %T (%v), not text: a leading zero is lost", r["province_code"], r["province_code"])
		}
		std, _ := r["standard"].(string)
		out[rateKey{asInt(r["year"]), std, code}] = asFloat(r["poor_rate"])
	}
	return out
}

func sameRates(t *testing.T, name string, got, want map[rateKey]float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d rows, the database has %d: %v vs %v", name, len(got), len(want), got, want)
	}
	for k, w := range want {
		g, ok := got[k]
		if !ok {
			t.Errorf("%s: no row for %+v", name, k)
			continue
		}
		if math.Abs(g-w) > 1e-9 {
			t.Errorf("%s: %+v poor rate %v, the database says %v", name, k, g, w)
		}
	}
}

func TestScaleDocQueries(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	dirs := map[string]string{
		docExport:    filepath.Join(root, "export"),
		docProvinces: filepath.Join(root, "provinces"),
		docNational:  filepath.Join(root, "national"),
		docNationalS: filepath.Join(root, "national"),
	}
	// One database holding both provinces, and each province's own.
	all := scaleDB(t)
	if _, err := Parquet(ctx, all.DB, dirs[docExport]); err != nil {
		t.Fatal(err)
	}
	// only77 holds province 77 alone: with no code like 08 among the
	// partition values, DuckDB would read province_code as a number.
	only77 := filepath.Join(root, "only77")
	for _, p := range []string{"08", "77"} {
		pdb := scaleDB(t, p)
		if _, err := Parquet(ctx, pdb.DB, filepath.Join(dirs[docProvinces], p)); err != nil {
			t.Fatal(err)
		}
		if p == "77" {
			if _, err := Parquet(ctx, pdb.DB, filepath.Join(only77, "provinces", p)); err != nil {
				t.Fatal(err)
			}
		}
	}

	// the doc's "mkdir -p /srv/rasoat/national"
	if err := os.MkdirAll(dirs[docNational], 0o755); err != nil {
		t.Fatal(err)
	}

	// What the database says, from its province-level view.
	dbRows, err := queryRows(ctx, all.DB, `SELECT year, standard, province_code, poor_rate FROM province_year WHERE counted`)
	if err != nil {
		t.Fatal(err)
	}
	wantRates := provinceRates(t, dbRows)
	// ...which is itself what the fixture says (hand-computed).
	for k, w := range map[rateKey]float64{
		{2023, "ND07_2021", "08"}: 100.0 * 460 / 2400,
		{2024, "ND07_2021", "08"}: 100.0 * 300 / 2015,
		{2024, "ND07_2021", "77"}: 100.0 * 140 / 1515,
	} {
		if math.Abs(wantRates[k]-w) > 1e-9 {
			t.Fatalf("fixture: province_year %+v poor rate %v, hand-computed %v", k, wantRates[k], w)
		}
	}
	wantCommunes := map[int64]int64{}
	rows, err := queryRows(ctx, all.DB, `SELECT year, sum(units_reporting) AS n FROM province_year WHERE counted GROUP BY year`)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		wantCommunes[asInt(r["year"])] = asInt(r["n"])
	}
	if wantCommunes[2023] != 5 || wantCommunes[2024] != 4 {
		t.Fatalf("fixture: communes reporting per year %v, want 2023: 5, 2024: 4", wantCommunes)
	}

	checks := map[string]func(t *testing.T, rows []map[string]any){
		"province_poor_rate": func(t *testing.T, rows []map[string]any) {
			sameRates(t, "province_poor_rate", provinceRates(t, rows), wantRates)
		},
		"communes_per_year": func(t *testing.T, rows []map[string]any) {
			got := map[int64]int64{}
			for _, r := range rows {
				got[asInt(r["year"])] = asInt(r["communes"])
			}
			if fmt.Sprint(got) != fmt.Sprint(wantCommunes) {
				t.Errorf("communes_per_year: %v, the database says %v", got, wantCommunes)
			}
		},
		"national_rebuild": func(t *testing.T, _ []map[string]any) {
			for _, p := range []string{"year=2024/province_code=08", "year=2023/province_code=77"} {
				if _, err := os.Stat(filepath.Join(dirs[docNational], "commune_year", p)); err != nil {
					t.Errorf("national_rebuild: %v", err)
				}
			}
		},
		"national_province_rate": func(t *testing.T, rows []map[string]any) {
			sameRates(t, "national_province_rate", provinceRates(t, rows), wantRates)
		},
	}

	doc, blocks := readDocBlocks(t, filepath.Join("..", "docs", "scale.md"))
	if !strings.Contains(doc, "<!-- figures: filled from bench/scale.sh -->") {
		t.Error("docs/scale.md lost the marker of its figures table")
	}
	subst := func(s string) string {
		// longest first: s3://rasoat/national before /srv/rasoat/national
		keys := make([]string, 0, len(dirs))
		for k := range dirs {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return len(keys[i]) > len(keys[j]) })
		for _, k := range keys {
			s = strings.ReplaceAll(s, k, filepath.ToSlash(dirs[k]))
		}
		return s
	}

	// A plain DuckDB, as an analyst has it: in memory, nothing of rasoat.
	duck, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer duck.Close()
	duck.SetMaxOpenConns(1)
	ran := map[string]bool{}
	for _, b := range blocks {
		if b.info != "sql duckdb" {
			continue
		}
		check, ok := checks[b.name]
		if !ok {
			t.Errorf("docs/scale.md:%d: DuckDB block %q has no check in this test", b.line, b.name)
			continue
		}
		ran[b.name] = true
		rows, err := queryRows(ctx, duck, subst(b.body))
		if err != nil {
			t.Errorf("docs/scale.md:%d (%s): %v", b.line, b.name, err)
			continue
		}
		check(t, rows)
	}
	// The national blocks again, on a national set of province 77 alone.
	dirs[docProvinces] = filepath.Join(only77, "provinces")
	dirs[docNational] = filepath.Join(only77, "national")
	if err := os.MkdirAll(dirs[docNational], 0o755); err != nil {
		t.Fatal(err)
	}
	want77 := map[rateKey]float64{}
	for k, v := range wantRates {
		if k.provinc == "77" {
			want77[k] = v
		}
	}
	for _, b := range blocks {
		if b.info != "sql duckdb" || !strings.HasPrefix(b.name, "national_") {
			continue
		}
		rows, err := queryRows(ctx, duck, subst(b.body))
		if err != nil {
			t.Errorf("docs/scale.md:%d (%s, province 77 alone): %v", b.line, b.name, err)
			continue
		}
		if b.name == "national_province_rate" {
			sameRates(t, "national_province_rate (province 77 alone)", provinceRates(t, rows), want77)
		}
	}
	dirs[docProvinces] = filepath.Join(root, "provinces")
	dirs[docNational] = filepath.Join(root, "national")

	for name := range checks {
		if !ran[name] {
			t.Errorf("docs/scale.md has no DuckDB block %q", name)
		}
	}

	// Every folder the doc names (in any engine's example) exists in the
	// export it describes, up to the first wildcard.
	pathRe := regexp.MustCompile(`(?:/srv/rasoat/(?:export|provinces|national)|s3://rasoat/national)[^\s'")\]<` + "`" + `,;]*`)
	for _, p := range pathRe.FindAllString(doc, -1) {
		local := subst(p)
		if i := strings.IndexAny(local, "*{"); i >= 0 {
			local = filepath.Dir(local[:i] + "x")
		}
		if _, err := os.Stat(local); err != nil {
			t.Errorf("docs/scale.md names %s, which the export does not have: %v", p, err)
		}
	}
	checkTrinoColumns(t, ctx, duck, blocks, dirs[docNational])
}

// checkTrinoColumns: the Trino table's declared columns exist in the
// national set with the declared types (Trino reads Parquet columns by
// name), and the partition columns come last, as the Hive connector needs.
func checkTrinoColumns(t *testing.T, ctx context.Context, duck *sql.DB, blocks []docBlock, national string) {
	t.Helper()
	have := map[string]string{}
	rows, err := queryRows(ctx, duck, `DESCRIBE SELECT * FROM read_parquet('`+filepath.ToSlash(national)+`/commune_year/*/*/*.parquet',
		hive_partitioning = true, hive_types = {'province_code': VARCHAR})`)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		have[r["column_name"].(string)] = r["column_type"].(string)
	}
	trinoType := map[string]string{"VARCHAR": "varchar", "BIGINT": "bigint", "INTEGER": "integer", "DOUBLE": "double", "BOOLEAN": "boolean"}
	colRe := regexp.MustCompile(`^\s*([a-z_]+)\s+([a-z]+)\s*,?\s*$`)
	found := false
	for _, b := range blocks {
		if b.info != "sql trino" || !strings.Contains(b.body, "CREATE TABLE") {
			continue
		}
		found = true
		var cols []string
		for _, line := range strings.Split(b.body, "\n") {
			m := colRe.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			cols = append(cols, m[1])
			duckType, ok := have[m[1]]
			if !ok {
				t.Errorf("docs/scale.md:%d: Trino column %s is not in the export", b.line, m[1])
				continue
			}
			// the partition values are declared by us; DuckDB reads year as BIGINT
			if m[1] != "year" && trinoType[duckType] != m[2] {
				t.Errorf("docs/scale.md:%d: Trino column %s %s, the Parquet has %s", b.line, m[1], m[2], duckType)
			}
		}
		n := len(cols)
		if n < 3 || cols[n-2] != "year" || cols[n-1] != "province_code" ||
			!strings.Contains(b.body, "partitioned_by = ARRAY['year', 'province_code']") {
			t.Errorf("docs/scale.md:%d: the Trino table must end with its partition columns year, province_code: %v", b.line, cols)
		}
	}
	if !found {
		t.Error("docs/scale.md has no Trino CREATE TABLE")
	}
}
