package ingest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"rasoat/ingest/sheet"
)

// The default limits fit a province: a 2-million-row household export
// (≈ 150 bytes a row in the benchmark's layout) loads without flags, while
// the hostile files of the corpus (zip bomb, too many columns) are still
// refused at these defaults.
func TestDefaultLimitsFitAProvince(t *testing.T) {
	const provinceRows, bytesPerRow = 2_000_000, 150
	g := New(nil, Options{})
	if g.opt.MaxBytes != DefaultMaxBytes || DefaultMaxBytes < provinceRows*bytesPerRow*2 {
		t.Errorf("default max bytes %d, want ≥ %d", g.opt.MaxBytes, provinceRows*bytesPerRow*2)
	}
	if sheet.DefaultMaxRows < provinceRows {
		t.Errorf("default max rows %d < %d", sheet.DefaultMaxRows, provinceRows)
	}
	if sheet.DefaultMaxUnzipped < 1<<30 || sheet.DefaultMaxCols < 60 {
		t.Errorf("unzipped %d, cols %d: too tight for a 1M-row sheet or a wide list", sheet.DefaultMaxUnzipped, sheet.DefaultMaxCols)
	}
}

// A list longer than the old limit (200 000 rows) loads through the bulk
// path with no flag. The 2-million-row load is a benchmark
// (bench.BenchmarkHouseholdCSV2M); this stays a few seconds.
func TestListPastTheOldLimitLoads(t *testing.T) {
	if testing.Short() {
		t.Skip("a quarter-million-row load")
	}
	const n = 200_001
	var b strings.Builder
	b.WriteString(listHeader)
	for i := range n {
		fmt.Fprintf(&b, "2019,official,24418,HH-%07d,Buôn %d,Y %d,0661%08d,Ê Đê,rural,%d,%d,0,,,poor,old\n", i, i%30, i, i, 1+i%7, 500000+i%9000)
	}
	db := daklakDB(t, t.TempDir())
	rep := New(db, Options{IDKey: bulkKey}).Reader(context.Background(), "ds.csv", strings.NewReader(b.String()))
	if rep.Status != Accepted || rep.Forms[0].Rows != n {
		t.Fatalf("%s\n%s", rep.Summary(), problems(rep.Problems))
	}
	var got int
	if err := db.QueryRow(`SELECT count(*) FROM raw_household`).Scan(&got); err != nil || got != n {
		t.Errorf("%d households stored, want %d (%v)", got, n, err)
	}
}
