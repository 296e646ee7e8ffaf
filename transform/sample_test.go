package transform_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"rasoat/ingest"
	"rasoat/pipeline"
	"rasoat/store"
	"rasoat/transform"
)

// The sample province, built once per scale through the real ingest path.
var samples struct {
	sync.Mutex
	dirs map[float64]string
}

func sampleDB(tb testing.TB, scale float64) (dbPath, sampleDir string) {
	tb.Helper()
	samples.Lock()
	defer samples.Unlock()
	if samples.dirs == nil {
		samples.dirs = map[float64]string{}
	}
	dir, ok := samples.dirs[scale]
	if !ok {
		var err error
		dir, err = os.MkdirTemp("", "rasoat-transform-")
		if err != nil {
			tb.Fatal(err)
		}
		ctx := context.Background()
		db, err := store.Open(ctx, filepath.Join(dir, "s.duckdb"))
		if err != nil {
			tb.Fatal(err)
		}
		_, err = pipeline.BuildSample(ctx, db, dir, 7, scale, ingest.Options{IDKey: []byte("test-key-0123456789abcdef0123456789")}, nil)
		db.Close()
		if err != nil {
			tb.Fatal(err)
		}
		samples.dirs[scale] = dir
	}
	return filepath.Join(dir, "s.duckdb"), filepath.Join(dir, "sample")
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, d := range samples.dirs {
		os.RemoveAll(d)
	}
	os.Exit(code)
}

// The sample's one household list (2024, official) has exactly three
// planted households classed poor with a B1 score above the cut-off
// (truth/anomalies.csv); the recomputation must find those and no other,
// and counting the list must reproduce the communes' forms A/B/C.
func TestSampleHouseholdContradictions(t *testing.T) {
	dbPath, dir := sampleDB(t, 0.03)
	db, err := store.OpenReadOnly(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	f, err := os.Open(filepath.Join(dir, "truth", "anomalies.csv"))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, r := range recs[1:] {
		if r[3] == "household_class_contradicts" {
			_, ids, _ := strings.Cut(r[4], ": ")
			for _, id := range strings.Split(ids, ", ") {
				want = append(want, r[2]+"/"+id)
			}
		}
	}
	if len(want) != 3 {
		t.Fatalf("truth lists %d planted households, want 3: %v", len(want), want)
	}
	rows, err := db.Query(`SELECT unit_code || '/' || household_id FROM household_class WHERE disagrees ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		got = append(got, s)
	}
	rows.Close()
	sort.Strings(want)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("disagreeing households %v, want %v", got, want)
	}
	var communes, fields, diffs int
	db.QueryRow(`SELECT count(DISTINCT unit_code), count(*), count(*) FILTER (WHERE difference <> 0) FROM household_check`).Scan(&communes, &fields, &diffs)
	if communes == 0 || fields < communes*10 || diffs != 0 {
		t.Errorf("household_check: %d communes, %d fields, %d differences; want every field equal", communes, fields, diffs)
	}
	var share float64
	db.QueryRow(`SELECT max(disagreement_share) FROM household_class_commune`).Scan(&share)
	if share <= 0 {
		t.Error("the planted commune has no disagreement share")
	}
	// Restated years lose or create no households: per units_year and
	// year, the restated communes add up to the province's own row.
	var bad int
	db.QueryRow(`
		SELECT count(*) FROM (
		    SELECT r.units_year, r.year, r.standard, r.stage, sum(r.total_households) AS h
		    FROM commune_year_restated r GROUP BY ALL) s
		JOIN province_year p ON p.year = s.year AND p.standard = s.standard AND p.stage = s.stage
		WHERE abs(s.h - p.total_households) > 1e-6`).Scan(&bad)
	if bad != 0 {
		t.Errorf("%d restated (units_year, year, stage) totals differ from the province's", bad)
	}
}

// benchTransform times transform.Run on a copy of db (the source stays
// untouched so b.N runs see the same input).
func benchTransform(b *testing.B, dbPath string) {
	ctx := context.Background()
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var communes int
	db.QueryRow(`SELECT count(DISTINCT unit_code) FROM raw_form_a`).Scan(&communes)
	b.ResetTimer()
	var last *transform.Report
	for b.Loop() {
		if last, err = transform.Run(ctx, db, transform.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	// the slowest steps of the last run, to see where time grows
	steps := append([]transform.Step(nil), last.Steps...)
	sort.Slice(steps, func(i, j int) bool { return steps[i].Duration > steps[j].Duration })
	for _, s := range steps[:min(4, len(steps))] {
		b.Logf("%-36s %v", s.Name, s.Duration.Round(time.Millisecond))
	}
	// the anomaly models (sql/models/2xx) are part of the run: their share
	var anomalies time.Duration
	for _, s := range last.Steps {
		if strings.HasPrefix(s.Name, "2") {
			anomalies += s.Duration
		}
	}
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	b.ReportMetric(float64(communes), "communes")
	b.ReportMetric(anomalies.Seconds(), "anomaly-s")
	b.ReportMetric(float64(ru.Maxrss)/(1<<20), "peak-GiB") // Maxrss is KiB on Linux
}

func benchScale() float64 {
	if s, err := strconv.ParseFloat(os.Getenv("RASOAT_BENCH_SCALE"), 64); err == nil && s > 0 {
		return s
	}
	return 1
}

// BenchmarkTransformSample: the whole sample province (all years, stages
// and standards; RASOAT_BENCH_SCALE, default 1 ≈ 490 000 households).
func BenchmarkTransformSample(b *testing.B) {
	src, _ := sampleDB(b, benchScale())
	benchTransform(b, copyDB(b, src))
}

// BenchmarkTransformSample10x: the same province with ten times the
// communes (and districts, crosswalk rows and household lists): nine
// copies of every commune under new codes, all in the same province.
func BenchmarkTransformSample10x(b *testing.B) {
	src, _ := sampleDB(b, benchScale())
	path := copyDB(b, src)
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	if err := replicate(ctx, db, 10); err != nil {
		b.Fatal(err)
	}
	db.Close()
	benchTransform(b, path)
}

// BenchmarkTransformNational: the sample province replicated to national
// size in one database: RASOAT_BENCH_COPIES copies (default 55: about
// 11 000 communes and, at RASOAT_BENCH_SCALE 1, 27 M listed households
// when every commune's list is copied too). Run it alone (bench/scale.sh):
// the peak RSS it reports is the process's.
func BenchmarkTransformNational(b *testing.B) {
	k := 55
	if v, err := strconv.Atoi(os.Getenv("RASOAT_BENCH_COPIES")); err == nil && v > 0 {
		k = v
	}
	src, _ := sampleDB(b, benchScale())
	path := copyDB(b, src)
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	if err := replicate(ctx, db, k); err != nil {
		b.Fatal(err)
	}
	var households int64
	db.QueryRow(`SELECT count(*) FROM raw_household`).Scan(&households)
	db.Close()
	b.ReportMetric(float64(households), "households")
	benchTransform(b, path)
}

func copyDB(tb testing.TB, src string) string {
	tb.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		tb.Fatal(err)
	}
	dst := filepath.Join(tb.TempDir(), "copy.duckdb")
	if err := os.WriteFile(dst, data, 0o600); err != nil {
		tb.Fatal(err)
	}
	return dst
}

// replicate adds k−1 copies of every district and commune with codes
// prefixed by "1" and the copy number, with their raw rows, sheets and crosswalk.
func replicate(ctx context.Context, db *store.DB, k int) error {
	var maxFile int64
	if err := db.QueryRowContext(ctx, `SELECT max(file_id) FROM ingest_sheet`).Scan(&maxFile); err != nil {
		return err
	}
	for i := 1; i < k; i++ {
		// "1" and a fixed-width copy number: a copy's district code is
		// longer than 5 characters, so later copies never copy a copy
		pre := fmt.Sprintf("1%0*d", len(strconv.Itoa(k-1)), i)
		off := int64(i) * (maxFile + 1)
		code := func(col string) string { // province codes stay; others get the prefix
			return fmt.Sprintf(`CASE WHEN %[1]s IN (SELECT unit_code FROM ref_unit WHERE level = 'province') THEN %[1]s ELSE '%[2]s' || %[1]s END`, col, pre)
		}
		stmts := []string{
			`INSERT INTO ref_unit SELECT ` + code("unit_code") + `, unit_name || ' ` + pre + `', level, unit_type, ` + code("parent_code") +
				`, province_code, valid_from, valid_to, source, synthetic FROM ref_unit WHERE level <> 'province' AND length(unit_code) <= 5`,
			`INSERT INTO ref_crosswalk SELECT '` + pre + `' || old_code, '` + pre + `' || new_code, share_kind, share, effective_date, legal_basis, source, extra
				FROM ref_crosswalk WHERE length(old_code) <= 5`,
			fmt.Sprintf(`INSERT INTO ingest_sheet SELECT file_id + %d, sheet, form, year, standard, stage, %s, rows, total_rows, partial FROM ingest_sheet WHERE file_id <= %d`, off, code("unit_code"), maxFile),
		}
		for _, t := range []string{"raw_form_a", "raw_form_b", "raw_form_c", "raw_household"} {
			stmts = append(stmts, fmt.Sprintf(`INSERT INTO %s SELECT * REPLACE (file_id + %d AS file_id, %s AS unit_code) FROM %s WHERE file_id <= %d`,
				t, off, code("unit_code"), t, maxFile))
		}
		for _, q := range stmts {
			if _, err := db.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("copy %d: %w\n%s", i, err, q)
			}
		}
	}
	return nil
}
