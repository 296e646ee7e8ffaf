package pipeline

import (
	"context"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"rasoat/ingest"
	"rasoat/review"
	"rasoat/store"
)

// sample builds a small sample province once for the package's tests.
var sampleOnce struct {
	sync.Once
	dir string
	rep *Report
	err error
}

func sample(t testing.TB) (*store.DB, string, *Report) {
	t.Helper()
	sampleOnce.Do(func() {
		dir, err := os.MkdirTemp("", "rasoat-pipeline-")
		if err != nil {
			sampleOnce.err = err
			return
		}
		sampleOnce.dir = dir
		ctx := context.Background()
		db, err := store.Open(ctx, filepath.Join(dir, "s.duckdb"))
		if err != nil {
			sampleOnce.err = err
			return
		}
		defer db.Close()
		sampleOnce.rep, sampleOnce.err = BuildSample(ctx, db, dir, 7, 0.03, ingest.Options{IDKey: []byte("test-key-0123456789abcdef0123456789")}, nil)
	})
	if sampleOnce.err != nil {
		t.Fatal(sampleOnce.err)
	}
	db, err := store.Open(context.Background(), filepath.Join(sampleOnce.dir, "s.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, filepath.Join(sampleOnce.dir, "sample"), sampleOnce.rep
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sampleOnce.dir != "" {
		os.RemoveAll(sampleOnce.dir)
	}
	os.Exit(code)
}

func readCSV(t testing.TB, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

func TestSampleLoadsWithoutRejections(t *testing.T) {
	_, _, rep := sample(t)
	if rep.Rejected != 0 {
		t.Fatalf("%d of %d sample files rejected:\n%v", rep.Rejected, rep.Files, rep.Rejections)
	}
	if rep.Accepted < 100 {
		t.Fatalf("only %d files accepted", rep.Accepted)
	}
}

// Every commune figure the generator wrote must come out of the views
// unchanged, whatever layout variant carried it.
func TestViewsReproduceGeneratorTruth(t *testing.T) {
	db, dir, _ := sample(t)
	truth := readCSV(t, filepath.Join(dir, "truth", "commune_year.csv"))
	if len(truth) == 0 {
		t.Fatal("empty truth")
	}
	var fields []string
	for _, f := range []review.Form{review.FormA, review.FormB, review.FormC} {
		for _, fl := range review.Fields(f) {
			if fl.Kind == review.Count && fl.Name != "poor_end" && fl.Name != "near_poor_end" || fl.Name == "poor_end" && f == review.FormA || fl.Name == "near_poor_end" && f == review.FormA {
				fields = append(fields, fl.Name)
			}
		}
	}
	mismatches := 0
	for _, tr := range truth {
		q := "SELECT "
		for i, f := range fields {
			if i > 0 {
				q += ", "
			}
			q += f
		}
		q += " FROM commune_year WHERE year = ? AND standard = ? AND stage = ? AND unit_code = ?"
		vals := make([]any, len(fields))
		ptrs := make([]any, len(fields))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := db.QueryRow(q, tr["year"], tr["standard"], tr["stage"], tr["unit_code"]).Scan(ptrs...); err != nil {
			t.Errorf("%s %s %s %s: %v", tr["year"], tr["standard"], tr["stage"], tr["unit_code"], err)
			mismatches++
			if mismatches > 10 {
				t.FailNow()
			}
			continue
		}
		for i, f := range fields {
			want := tr[f]
			var got string
			if vals[i] != nil {
				got = strconv.FormatInt(vals[i].(int64), 10)
			}
			if want != got {
				t.Errorf("%s %s %s %s %s = %q, truth %q", tr["year"], tr["standard"], tr["stage"], tr["unit_code"], f, got, want)
				mismatches++
			}
		}
		if mismatches > 10 {
			t.FailNow()
		}
	}
	var n int
	db.QueryRow(`SELECT count(*) FROM commune_year`).Scan(&n)
	if n != len(truth) {
		t.Errorf("commune_year has %d rows, truth %d", n, len(truth))
	}
}

// Province rates and reductions recomputed in Go from the truth file must
// equal the view's.
func TestProvinceReductionsMatchIndependentComputation(t *testing.T) {
	db, dir, _ := sample(t)
	type key struct {
		year            int
		standard, stage string
	}
	type agg struct{ hh, poor float64 }
	sums := map[key]*agg{}
	for _, tr := range readCSV(t, filepath.Join(dir, "truth", "commune_year.csv")) {
		y, _ := strconv.Atoi(tr["year"])
		k := key{y, tr["standard"], tr["stage"]}
		if sums[k] == nil {
			sums[k] = &agg{}
		}
		h, _ := strconv.ParseFloat(tr["total_households"], 64)
		p, _ := strconv.ParseFloat(tr["poor_end"], 64)
		sums[k].hh += h
		sums[k].poor += p
	}
	rows, err := db.Query(`SELECT year, standard, stage, poor_rate, reduction_pp, comparable FROM province_year`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	checked := 0
	for rows.Next() {
		var k key
		var rate float64
		var red *float64
		var comparable bool
		if err := rows.Scan(&k.year, &k.standard, &k.stage, &rate, &red, &comparable); err != nil {
			t.Fatal(err)
		}
		s := sums[k]
		if s == nil {
			t.Errorf("province row %v not in truth", k)
			continue
		}
		if want := 100 * s.poor / s.hh; math.Abs(rate-want) > 1e-9 {
			t.Errorf("%v poor rate %.6f, truth %.6f", k, rate, want)
		}
		prev := sums[key{k.year - 1, k.standard, "official"}]
		baseline := k.year == 2021 && k.standard == "ND07_2021"
		switch {
		case prev == nil || baseline:
			if comparable || red != nil {
				t.Errorf("%v compared without a previous year of the same standard", k)
			}
		default:
			want := 100*prev.poor/prev.hh - 100*s.poor/s.hh
			if red == nil || math.Abs(*red-want) > 1e-9 {
				t.Errorf("%v reduction %v, truth %.6f", k, red, want)
			}
		}
		checked++
	}
	if checked < 20 {
		t.Fatalf("only %d province rows", checked)
	}
}

func TestHierarchySumsOnSample(t *testing.T) {
	db, _, _ := sample(t)
	var bad, districtsAfter int
	err := db.QueryRow(`
		WITH d AS (SELECT year, standard, stage, district_code code, sum(total_households) h, sum(poor_end) p, sum(near_poor_end) n
		           FROM commune_year WHERE district_code IS NOT NULL GROUP BY ALL),
		     p AS (SELECT year, standard, stage, province_code code, sum(total_households) h, sum(poor_end) p, sum(near_poor_end) n
		           FROM commune_year GROUP BY ALL)
		SELECT (SELECT count(*) FROM d LEFT JOIN district_year v ON v.unit_code = d.code AND v.year = d.year AND v.standard = d.standard AND v.stage = d.stage
		        WHERE v.unit_code IS NULL OR v.total_households <> d.h OR v.poor_end <> d.p OR v.near_poor_end <> d.n)
		     + (SELECT count(*) FROM p LEFT JOIN province_year v ON v.unit_code = p.code AND v.year = p.year AND v.standard = p.standard AND v.stage = p.stage
		        WHERE v.unit_code IS NULL OR v.total_households <> p.h OR v.poor_end <> p.p OR v.near_poor_end <> p.n)`).Scan(&bad)
	if err != nil {
		t.Fatal(err)
	}
	if bad != 0 {
		t.Errorf("%d district/province rows differ from the sum of their communes", bad)
	}
	db.QueryRow(`SELECT count(*) FROM district_year WHERE year >= 2025`).Scan(&districtsAfter)
	if districtsAfter != 0 {
		t.Errorf("%d district rows after the 2025 reorganisation", districtsAfter)
	}
}

func TestReloadingTheSampleChangesNothing(t *testing.T) {
	db, dir, _ := sample(t)
	var before int
	db.QueryRow(`SELECT count(*) FROM raw_form_a`).Scan(&before)
	rep, err := LoadFolder(context.Background(), db, dir, ingest.Options{IDKey: []byte("test-key-0123456789abcdef0123456789")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Accepted != 0 || rep.Unchanged != rep.Files {
		t.Errorf("second load: %d accepted, %d unchanged of %d", rep.Accepted, rep.Unchanged, rep.Files)
	}
	var after int
	db.QueryRow(`SELECT count(*) FROM raw_form_a`).Scan(&after)
	if after != before {
		t.Errorf("raw_form_a grew from %d to %d", before, after)
	}
}

func TestPlantedContentProblemsAreFindings(t *testing.T) {
	db, dir, _ := sample(t)
	planted := readCSV(t, filepath.Join(dir, "truth", "anomalies.csv"))
	want := map[string]string{"flow_identity_broken": "F_FLOW_IDENTITY", "total_row_mismatch": "F_TOTAL_MISMATCH", "rate_printed_wrong": "F_RATE_MISMATCH"}
	found := 0
	for _, a := range planted {
		rule, ok := want[a["kind"]]
		if !ok {
			continue
		}
		var n int
		db.QueryRow(`SELECT count(*) FROM ingest_finding f JOIN ingest_sheet s USING (file_id)
			WHERE f.rule_id = ? AND s.year = ? AND s.stage = ? AND (f.unit_code = ? OR s.unit_code = ?)`,
			rule, a["year"], a["stage"], a["unit_code"], a["unit_code"]).Scan(&n)
		if n == 0 {
			t.Errorf("planted %s at %s %s %s: no %s finding", a["kind"], a["year"], a["stage"], a["unit_code"], rule)
		}
		found++
	}
	if found == 0 {
		t.Fatal("the sample plants no content problem")
	}
}
