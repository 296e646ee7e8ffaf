package refdata

import (
	"context"
	"database/sql"
	"encoding/csv"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"rasoat/data"
	"rasoat/store"
)

func openDB(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "r.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// shippedFS copies the shipped files and overrides some of them.
func shippedFS(t *testing.T, over map[string]string) fstest.MapFS {
	t.Helper()
	ref := fstest.MapFS{}
	for _, rt := range shippedTables {
		b, err := fs.ReadFile(data.Files(), rt.file+".csv")
		if err != nil {
			t.Fatal(err)
		}
		ref[rt.file+".csv"] = &fstest.MapFile{Data: b}
	}
	for name, text := range over {
		ref[name+".csv"] = &fstest.MapFile{Data: []byte(text)}
	}
	return ref
}

func count(t *testing.T, db *store.DB, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Every shipped file lands in its table, one row per CSV record (counted
// here with encoding/csv, not data.LoadFS), and loading twice replaces
// rather than appends.
func TestLoadShippedLoadsEveryFileOnce(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	for round := 0; round < 2; round++ {
		steps, err := LoadShipped(ctx, db, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(steps) != len(shippedTables) || steps[0].Name != "data/standards.csv" {
			t.Fatalf("steps = %+v", steps)
		}
		for _, rt := range shippedTables {
			b, err := fs.ReadFile(data.Files(), rt.file+".csv")
			if err != nil {
				t.Fatal(err)
			}
			recs, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if got, want := count(t, db, rt.table), len(recs)-1; got != want || want == 0 {
				t.Errorf("round %d: %s has %d rows, %s.csv has %d records", round, rt.table, got, rt.file, want)
			}
		}
	}
}

// A deployment's own files replace the shipped ones; columns the table does
// not have are skipped and empty cells become NULL.
func TestLoadShippedOverride(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	ref := shippedFS(t, map[string]string{"cycles": "year,standard,is_baseline,is_default,period,official_due,not_a_column\n" +
		"2030,QD59_2015,false,true,2026-2030,,x\n"})
	if _, err := LoadShipped(ctx, db, ref); err != nil {
		t.Fatal(err)
	}
	var year int
	var due sql.NullTime
	if err := db.QueryRow(`SELECT year, official_due FROM ref_cycle`).Scan(&year, &due); err != nil {
		t.Fatal(err)
	}
	if year != 2030 || due.Valid || count(t, db, "ref_cycle") != 1 {
		t.Errorf("ref_cycle = %d %v (%d rows)", year, due, count(t, db, "ref_cycle"))
	}
}

// A bad reference file is refused whole with the file and line, and every
// shipped table stays as it was (one transaction).
func TestLoadShippedBadFileChangesNothing(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	if _, err := LoadShipped(ctx, db, nil); err != nil {
		t.Fatal(err)
	}
	before := map[string]int{}
	for _, rt := range shippedTables {
		before[rt.table] = count(t, db, rt.table)
	}
	for _, tc := range []struct {
		name string
		over map[string]string
		want string
	}{
		{"bad year", map[string]string{"targets": "period,first_year,last_year,unit_code,measure\n2016-2020,not-a-year,2021,66,poor_rate_reduction_pp\n"}, "targets.csv line 2"},
		{"no known column", map[string]string{"cycles": "foo,bar\n1,2\n"}, "cycles.csv: no column matches table ref_cycle"},
		{"missing file", map[string]string{}, "anomaly_rules"},
	} {
		ref := shippedFS(t, tc.over)
		if tc.name == "missing file" {
			delete(ref, "anomaly_rules.csv")
		}
		_, err := LoadShipped(ctx, db, ref)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
		for _, rt := range shippedTables {
			if got := count(t, db, rt.table); got != before[rt.table] {
				t.Errorf("%s: %s has %d rows, had %d", tc.name, rt.table, got, before[rt.table])
			}
		}
	}
}
