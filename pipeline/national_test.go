package pipeline

import (
	"context"
	"math"
	"path/filepath"
	"strconv"
	"testing"

	"rasoat/data/synth"
	"rasoat/ingest"
	"rasoat/store"
)

// A national set (several provinces, machine exports only) goes through the
// same path as the sample: every file loads, and each province's rates in
// province_year equal what its own truth file gives, computed here.
func TestNationalSetLoadsAndMatchesTruth(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	out := filepath.Join(dir, "national")
	const n = 3
	if _, err := synth.Generate(ctx, synth.Config{Out: out, Seed: 3, Scale: 0.02, Provinces: n}); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, filepath.Join(dir, "n.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rep, err := LoadFolder(ctx, db, out, ingest.Options{IDKey: []byte("test-key-0123456789abcdef0123456789")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rejected != 0 || rep.Accepted != 7*n {
		t.Fatalf("accepted %d, rejected %d: %v", rep.Accepted, rep.Rejected, rep.Rejections)
	}

	type key struct {
		province, standard, stage string
		year                      int
	}
	type agg struct{ hh, poor, near float64 }
	want := map[key]*agg{}
	for i := 1; i <= n; i++ {
		p := "9" + strconv.Itoa(100 + i)[1:]
		for _, tr := range readCSV(t, filepath.Join(out, "truth", p, "commune_year.csv")) {
			y, _ := strconv.Atoi(tr["year"])
			k := key{p, tr["standard"], tr["stage"], y}
			if want[k] == nil {
				want[k] = &agg{}
			}
			h, _ := strconv.ParseFloat(tr["total_households"], 64)
			pe, _ := strconv.ParseFloat(tr["poor_end"], 64)
			ne, _ := strconv.ParseFloat(tr["near_poor_end"], 64)
			want[k].hh += h
			want[k].poor += pe
			want[k].near += ne
		}
	}
	rows, err := db.Query(`SELECT province_code, standard, stage, year, poor_rate, near_poor_rate FROM province_year`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := 0
	for rows.Next() {
		var k key
		var rate, near float64
		if err := rows.Scan(&k.province, &k.standard, &k.stage, &k.year, &rate, &near); err != nil {
			t.Fatal(err)
		}
		w := want[k]
		if w == nil {
			t.Errorf("%v: not in any truth file", k)
			continue
		}
		if math.Abs(rate-100*w.poor/w.hh) > 1e-9 || math.Abs(near-100*w.near/w.hh) > 1e-9 {
			t.Errorf("%v: rates %.6f/%.6f, truth %.6f/%.6f", k, rate, near, 100*w.poor/w.hh, 100*w.near/w.hh)
		}
		got++
	}
	if got != len(want) {
		t.Errorf("province_year has %d rows, truth %d", got, len(want))
	}

	// the phúc tra list ranks communes of every province
	var provinces int
	if err := db.QueryRow(`SELECT count(DISTINCT left(unit_code, 3)) FROM anomalies`).Scan(&provinces); err != nil {
		t.Fatal(err)
	}
	if provinces != n {
		t.Errorf("anomalies cover %d provinces, want %d", provinces, n)
	}
}
