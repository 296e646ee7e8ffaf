package refdata

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"rasoat/data/sharedtest"
	"rasoat/store"
)

// daklakDB opens a fresh database holding the shipped reference and the
// Đắk Lắk units of 2019 (made valid from 2015).
func daklakDB(t testing.TB, dir string) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(dir, "t.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := LoadShipped(ctx, db, nil); err != nil {
		t.Fatal(err)
	}
	p := sharedtest.Path(t, "daklak_units_2019.csv")
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	units, err := ReadUnits(p, f)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ImportUnits(ctx, db, p, units, time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	return db
}
