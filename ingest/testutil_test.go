package ingest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"rasoat/data/sharedtest"
	"rasoat/ingest/refdata"
	"rasoat/store"
)

// rawTables are every table ingest writes or reads: a rejected file must
// leave all of them exactly as they were.
var rawTables = []string{"ingest_file", "ingest_sheet", "ingest_finding", "raw_form_a", "raw_form_b", "raw_form_c",
	"raw_household", "ref_unit", "ref_crosswalk", "ref_census", "ref_cycle"}

// checksum fingerprints the content of every raw and ingest table (row
// count and an order-independent sum of row hashes).
func checksum(t testing.TB, db *store.DB) string {
	t.Helper()
	var out string
	for _, tbl := range rawTables {
		var s string
		q := fmt.Sprintf(`SELECT count(*)::VARCHAR || ':' || coalesce(sum(hash(t))::VARCHAR, '0') FROM %s AS t`, tbl)
		if err := db.QueryRowContext(context.Background(), q).Scan(&s); err != nil {
			t.Fatalf("checksum %s: %v", tbl, err)
		}
		out += tbl + "=" + s + " "
	}
	return out
}

// daklakDB opens a fresh database holding the Đắk Lắk units of 2019 (made
// valid from 2015, so forms of 2016–2018 find them too) and the shipped
// cycles and standards.
func daklakDB(t testing.TB, dir string) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(dir, "t.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := refdata.LoadShipped(ctx, db, nil); err != nil {
		t.Fatal(err)
	}
	p := sharedtest.Path(t, "daklak_units_2019.csv")
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	units, err := refdata.ReadUnits(p, f)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := refdata.ImportUnits(ctx, db, p, units, time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	return db
}
