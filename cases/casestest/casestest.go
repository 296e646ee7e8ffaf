// Package casestest builds a tiny province through the real ingest path and
// the real transform, with hand-computed numbers, for the tests of the
// re-verification workflow and the pages that drive it. Imported by tests
// only.
//
// Province 97 "Tỉnh Thử" (synthetic), standard NĐ 07/2021, stage official:
//
//	code   name       district   2023 hh / poor / near   2024 hh / poor / near   2024 poor%  red.pp
//	97101  Xã An      971        1.000 / 100 /  80       1.010 /  90 /  85        8,91…      1,089…
//	97102  Xã Bình    971        2.000 / 400 / 200       2.000 / 100 / 450        5,00      15,00
//	97103  Xã Cư      971          500 /  50 /  40         505 /  45 /  40        8,91…      1,089…
//	97201  Xã Đông    972        1.500 / 150 / 120       1.500 / 140 / 118        9,33…      0,666…
//
// Xã Bình's 2024 drop (20% → 5%, 15 points, most of it moved to near-poor)
// is the planted anomaly; its form B for 2024 also breaks the flow identity
// (400 − 300 − 10 − 0 + 0 + 5 + 10 + 0 = 105 ≠ 100). A 2024 preliminary
// file (Xã Bình 380 poor) does not count.
//
// If the database has no anomaly list yet (the detection models are not in
// sql/models), stand-in TABLES anomalies and anomaly_evidence flag Xã Bình
// 2024 official with hand-made evidence.
package casestest

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"rasoat/ingest"
	"rasoat/ingest/refdata"
	"rasoat/store"
	"rasoat/transform"
)

// Codes and figures the tests check against.
const (
	Province      = "97"
	FlaggedUnit   = "97102"
	FlaggedName   = "Xã Bình"
	FlaggedYear   = 2024
	FlaggedStage  = "official"
	Standard      = "ND07_2021"
	FlaggedPoor   = 100
	FlaggedHH     = 2000
	PrevPoorRate  = 20.0 // 2023: 400 / 2.000
	FlaggedRate   = 5.0  // 2024 official: 100 / 2.000
	FlaggedReduct = 15.0 // 20 − 5 points
)

const units = `province_code,province_name,district_code,district_name,district_type,commune_code,commune_name,commune_type,synthetic
97,Tỉnh Thử,971,Huyện Một,Huyện,97101,Xã An,Xã,true
97,Tỉnh Thử,971,Huyện Một,Huyện,97102,Xã Bình,Xã,true
97,Tỉnh Thử,971,Huyện Một,Huyện,97103,Xã Cư,Xã,true
97,Tỉnh Thử,972,Huyện Hai,Huyện,97201,Xã Đông,Xã,true
`

var forms = []struct{ name, body string }{
	{"a_2023_official.csv", `year,stage,standard,unit_code,total_households,total_persons,poor_end,near_poor_end
2023,official,ND07_2021,97101,1000,4000,100,80
2023,official,ND07_2021,97102,2000,8200,400,200
2023,official,ND07_2021,97103,500,2100,50,40
2023,official,ND07_2021,97201,1500,6000,150,120
`},
	{"a_2024_official.csv", `year,stage,standard,unit_code,total_households,total_persons,poor_end,near_poor_end
2024,official,ND07_2021,97101,1010,4040,90,85
2024,official,ND07_2021,97102,2000,8300,100,450
2024,official,ND07_2021,97103,505,2120,45,40
2024,official,ND07_2021,97201,1500,6010,140,118
`},
	{"b_2024_official.csv", `year,stage,standard,unit_code,poor_start,poor_out_to_near_poor,poor_out_above_near_poor,poor_out_other,poor_in_from_near_poor,poor_in_repoor,poor_in_new,poor_in_other,poor_end
2024,official,ND07_2021,97101,100,8,4,1,0,1,2,0,90
2024,official,ND07_2021,97102,400,300,10,0,0,5,10,0,100
2024,official,ND07_2021,97103,50,3,2,1,0,0,1,0,45
`},
	{"a_2024_preliminary.csv", `year,stage,standard,unit_code,total_households,poor_end,near_poor_end
2024,preliminary,ND07_2021,97101,1010,92,84
2024,preliminary,ND07_2021,97102,2000,380,210
2024,preliminary,ND07_2021,97103,505,46,40
2024,preliminary,ND07_2021,97201,1500,141,118
`},
}

// IDKey is a fixed hashing key (the fixture has no household lists).
var IDKey = []byte("casestest-key-0123456789abcdef012345")

// Open builds the province in a fresh database under tb.TempDir() and
// closes it when the test ends.
func Open(tb testing.TB) *store.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(tb.TempDir(), "cases.duckdb"))
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := Load(ctx, db); err != nil {
		tb.Fatalf("load casestest province: %v", err)
	}
	return db
}

// Load fills db (see the package comment).
func Load(ctx context.Context, db *store.DB) error {
	if _, err := refdata.LoadShipped(ctx, db, nil); err != nil {
		return err
	}
	us, err := refdata.ReadUnits("units_2016-01-01.csv", bytes.NewReader([]byte(units)))
	if err != nil {
		return err
	}
	if _, err := refdata.ImportUnits(ctx, db, "units_2016-01-01.csv", us, time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		return err
	}
	g := ingest.New(db, ingest.Options{IDKey: IDKey, LoadedBy: "casestest"})
	for _, f := range forms {
		rep := g.Reader(ctx, f.name, bytes.NewReader([]byte(f.body)))
		if rep.Status != ingest.Accepted {
			return fmt.Errorf("%s: %s", f.name, rep.Summary())
		}
	}
	if _, err := transform.Run(ctx, db, transform.Options{}); err != nil {
		return err
	}
	return StandIns(ctx, db)
}

// StandIns creates the anomaly list as tables when the transform did not
// create it, flagging Xã Bình 2024 official.
func StandIns(ctx context.Context, db *store.DB) error {
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM (
		SELECT table_name FROM duckdb_tables() UNION ALL SELECT view_name FROM duckdb_views())
		WHERE table_name IN ('anomalies', 'anomaly_evidence')`).Scan(&n); err != nil {
		return err
	}
	if n == 2 {
		return nil
	}
	stmts := []string{
		`CREATE TABLE IF NOT EXISTS anomaly_evidence (year INT, stage VARCHAR, unit_code VARCHAR, rule_id VARCHAR, family VARCHAR,
			observed DOUBLE, expected DOUBLE, lower DOUBLE, upper DOUBLE, threshold DOUBLE, score DOUBLE, reason_vi VARCHAR)`,
		`CREATE TABLE IF NOT EXISTS anomalies (year INT, stage VARCHAR, unit_code VARCHAR, unit_name VARCHAR, district_code VARCHAR,
			district_name VARCHAR, score DOUBLE, severity VARCHAR, rules VARCHAR[], n_rules INT, reason_vi VARCHAR, rank INT)`,
		`INSERT INTO anomaly_evidence VALUES
			(2024, 'official', '97102', 'V_FLOW_POOR', 'validation', 100, 105, NULL, NULL, 0, 4,
			 'Số hộ nghèo cuối kỳ 100 khác đầu kỳ − giảm + tăng = 105'),
			(2024, 'official', '97102', 'S_PEER_REDUCTION', 'peer', 15, 1.09, 0.67, 1.09, 3.5, 3,
			 'Giảm 15,00 điểm %, các xã cùng huyện giảm 0,67–1,09 điểm %')`,
		`INSERT INTO anomalies VALUES
			(2024, 'official', '97102', 'Xã Bình', '971', 'Huyện Một', 7, 'cao', ['V_FLOW_POOR', 'S_PEER_REDUCTION'], 2,
			 'Giảm 15,00 điểm % trong khi các xã cùng huyện giảm dưới 1,1 điểm %; biểu 02 không cân đối', 1)`,
	}
	for _, s := range stmts {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("stand-in anomalies: %w", err)
		}
	}
	return nil
}

// IngestOptions are the options the fixture loaded with.
func IngestOptions() ingest.Options { return ingest.Options{IDKey: IDKey} }
