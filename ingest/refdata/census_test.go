package refdata

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// The real 2019 census counts of Đắk Lắk import into ref_census: one row
// per commune of the 2019 list, dated 1/4/2019, province totals as
// in the file (487 951 households, summed with awk).
func TestImportRealCensus(t *testing.T) {
	ctx := context.Background()
	db := daklakDB(t, t.TempDir())
	p := sharedData(t, "daklak_census2019_commune.csv")
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := ReadCensus(p, f)
	if err != nil {
		t.Fatal(err)
	}
	d, ok := CensusDate(p)
	if !ok || !d.Equal(time.Date(2019, 4, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("census date %v %v", d, ok)
	}
	n, err := ImportCensus(ctx, db, p, rows, d)
	if err != nil || n != 184 {
		t.Fatalf("imported %d, %v; want 184 communes", n, err)
	}
	if _, err := ImportCensus(ctx, db, p, rows, d); err != nil {
		t.Fatalf("second import: %v", err)
	}
	var cnt, hh, persons int64
	if err := db.QueryRow(`SELECT count(*), sum(households), sum(persons) FROM ref_census`).Scan(&cnt, &hh, &persons); err != nil {
		t.Fatal(err)
	}
	if cnt != 184 || hh != wantCensusHouseholds(t, p) {
		t.Errorf("ref_census: %d rows, %d households", cnt, hh)
	}
	if _, err := ImportCensus(ctx, db, "other.csv", []CensusRow{{UnitCode: "99999", Households: 5}}, d); err == nil || !strings.Contains(err.Error(), "99999") {
		t.Errorf("unknown code accepted: %v", err)
	}
	if _, err := ReadCensus("x.csv", strings.NewReader("code,foo\n1,2\n")); err == nil {
		t.Error("a file without a household column was read")
	}
}

// wantCensusHouseholds sums households_total straight from the text, as a
// check independent of ReadCensus.
func wantCensusHouseholds(t *testing.T, p string) int64 {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	var sum int64
	for _, l := range lines[1:] {
		f := strings.Split(l, ",")
		var v int64
		for _, c := range f[11] {
			v = v*10 + int64(c-'0')
		}
		sum += v
	}
	return sum
}

// The GSO change records 2019 → 03/2025 read as a crosswalk, each row with
// its own effective date (gso_effective_date) and resolution.
func TestReadRealChangeRecords(t *testing.T) {
	p := sharedData(t, "daklak_changes_2019_2025-03.csv")
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := ReadCrosswalk(p, f, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 || rows[0].Old != "24316" || rows[0].Effective.Format("2006-01-02") != "2023-04-10" || rows[0].LegalBasis != "726/NQ-UBTVQH15" {
		t.Errorf("first change record: %+v", rows[0])
	}
}
