package querytest

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rasoat/ingest"
	"rasoat/ingest/refdata"
	"rasoat/store"
	"rasoat/transform"
)

// The review-cycle fixture: province 99 (synthetic) with districts 991
// (communes 99101, 99102) and 992 (communes 99201, 99202), cycle 2024
// under NĐ 07 (due 15/11 preliminary, 30/11 official, 14/12 approved),
// loaded through the real ingest with a clock, then transformed:
//
//	preliminary  991's file 10/11 (both communes on time); 99201's own file
//	             20/11 (late, its printed poor rate wrong: one finding);
//	             99202's file refused (a negative count)
//	official     991's file 30/11 18:00 UTC = 1/12 01:00 in Vietnam (late);
//	             nothing from 992 (missing)
//	approved     the province approves 991 on 10/12 (on time); 992 missing
//
// Official figures of 991: 99101 1.000 households, 100 poor, 50 near-poor;
// 99102 2.000, 300, 120.
const (
	CycleProvince = "99"
	CycleYear     = 2024
)

// CycleOfficial is the official figures loaded for district 991:
// code → households, persons, poor, near-poor.
var CycleOfficial = map[string][4]int64{"99101": {1000, 4000, 100, 50}, "99102": {2000, 8100, 300, 120}}

// CycleUnits inserts the fixture's units (valid from 2015).
func CycleUnits(ctx context.Context, db *store.DB) error {
	if _, err := refdata.LoadShipped(ctx, db, nil); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, `INSERT INTO ref_unit (unit_code, unit_name, level, unit_type, parent_code, province_code, valid_from, synthetic) VALUES
		('99', 'Tỉnh Mẫu', 'province', 'tỉnh', NULL, '99', DATE '2015-01-01', true),
		('991', 'Huyện Một', 'district', 'huyện', '99', '99', DATE '2015-01-01', true),
		('992', 'Huyện Hai', 'district', 'huyện', '99', '99', DATE '2015-01-01', true),
		('99101', 'Xã Một A', 'commune', 'xã', '991', '99', DATE '2015-01-01', true),
		('99102', 'Xã Một B', 'commune', 'xã', '991', '99', DATE '2015-01-01', true),
		('99201', 'Xã Hai A', 'commune', 'xã', '992', '99', DATE '2015-01-01', true),
		('99202', 'Xã Hai B', 'commune', 'xã', '992', '99', DATE '2015-01-01', true)`)
	return err
}

func formA(stage string, rows ...string) string {
	p := "2024," + stage + ","
	return "year,stage,unit_code,total_households,total_persons,poor_end,near_poor_end\n" + p + strings.Join(rows, "\n"+p) + "\n"
}

// OpenCycle builds the review-cycle fixture in a fresh database.
func OpenCycle(tb testing.TB) *store.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(tb.TempDir(), "cycle.duckdb"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := CycleUnits(ctx, db); err != nil {
		tb.Fatal(err)
	}
	at := func(s string) func() time.Time {
		t, err := time.Parse("2006-01-02 15:04", s)
		if err != nil {
			tb.Fatal(err)
		}
		return func() time.Time { return t }
	}
	for _, f := range []struct {
		when, name, body string
		want             ingest.Status
	}{
		{"2024-11-10 02:00", "so-bo-991.csv", formA("preliminary", "99101,990,4000,110,50", "99102,2000,8100,320,120"), ingest.Accepted},
		// its printed poor rate is wrong (200/1.500 = 13,33 %, not 15): one finding
		{"2024-11-20 02:00", "so-bo-99201.csv", "year,stage,unit_code,total_households,total_persons,poor_end,poor_rate_reported,near_poor_end\n" +
			"2024,preliminary,99201,1500,6000,200,\"15,00\",90\n", ingest.Accepted},
		{"2024-11-14 02:00", "so-bo-99202.csv", formA("preliminary", "99202,1200,5000,-5,40"), ingest.Rejected},
		{"2024-11-30 18:00", "chinh-thuc-991.csv", formA("official", "99101,1000,4000,100,50", "99102,2000,8100,300,120"), ingest.Accepted},
	} {
		g := ingest.New(db, ingest.Options{Now: at(f.when), LoadedBy: "canbo"})
		if rep := g.Reader(ctx, f.name, strings.NewReader(f.body)); rep.Status != f.want {
			tb.Fatalf("%s: %s", f.name, rep.Summary())
		}
	}
	g := ingest.New(db, ingest.Options{Now: at("2024-12-10 03:00")})
	if _, err := g.Approve(ctx, ingest.Approval{Year: CycleYear, Unit: "991", Actor: "canbotinh", ActorUnit: "99"}); err != nil {
		tb.Fatal(err)
	}
	if _, err := transform.Run(ctx, db, transform.Options{}); err != nil {
		tb.Fatal(err)
	}
	return db
}
