// Package querytest builds a small DuckDB database in the shape of the
// transform's views, with hand-computed numbers, for the tests of query and
// of everything that reads through it (dashboards, exports, alerts). It is
// imported by tests only.
//
// The views are stood in for by TABLES of the same names and columns, so the
// query layer can be tested before, and independently of, the transform.
//
// Province 99 "Tỉnh Mẫu" (synthetic):
//
//	year std    stage          hh      poor  near  poor%  near%  red.pp
//	2020 QD59   approved       10.000  1.200  800  12,00  8,00   —
//	2021 QD59   approved       10.200  1.020  714  10,00  7,00   2,00
//	2021 ND07   approved (BL)  10.200  1.530 1.020 15,00 10,00   — (baseline)
//	2022 ND07   approved       10.400  1.300 1.040 12,50 10,00   2,50
//	2023 ND07   approved       10.500  1.155  945  11,00  9,00   1,50
//	2024 ND07   approved       10.600  1.113  901  10,50  8,50   0,50
//	2024 ND07   preliminary    (not counted: 1.000 poor)
//	2025 ND07   official       10.800    918  864   8,50  8,00   2,00
//	2025 ND07   preliminary    (not counted: 1.500 poor)
//
// Its 2025 communes (no districts after 1/7/2025) add up to the 2025 row:
//
//	99003 Xã Ea Đrăng   1.800  268  204  14,888…  11,333…
//	99002 <hostile>     4.000  400  360  10,00     9,00
//	99001 Xã Hòa Bình   5.000  250  300   5,00     6,00
//
// 2024 has two districts (9901, 9902) and communes with a district.
//
// Province 66 "Đắk Lắk" (real published figures, domain.md §3): 2017
// 435.688 / 66.956 / 42.704 and 2018 446.297 / 57.180 / 43.376 under
// QĐ 59/2015; reduction 2018 = 15,3679 − 12,8121 = 2,5558 points; four
// 2018 districts with the published poor rates (Ea Súp 43,13 %, M'Đrắk
// 41,10 %, Buôn Đôn 38,86 %, Krông Bông 35,95 %).
//
// ref_target is the shipped data/targets.csv.
package querytest

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strconv"
	"testing"

	"rasoat/data"
	"rasoat/store"
)

// HostileName is the name of commune 99002: a unit name as an officer might
// have typed it into a file; every page must show it as text.
const HostileName = `<script>alert(1)</script><img src=x onerror="window.__xss=1">`

// Open creates the fixture database in a temporary directory of tb and
// closes it when the test ends.
func Open(tb testing.TB) *store.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(tb.TempDir(), "fixture.duckdb"))
	if err != nil {
		tb.Fatalf("open fixture db: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := Load(ctx, db.DB); err != nil {
		tb.Fatalf("load fixture: %v", err)
	}
	return db
}

// Load creates the stand-in tables and fills them.
func Load(ctx context.Context, db *sql.DB) error {
	for i, stmt := range fixtureSQL() {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("fixture statement %d: %w", i, err)
		}
	}
	return loadTargets(ctx, db)
}

func loadTargets(ctx context.Context, db *sql.DB) error {
	t, err := data.Load("targets")
	if err != nil {
		return err
	}
	for _, r := range t.Records {
		// period,first_year,last_year,unit_code,measure,target_min,target_max,source
		var lo, hi sql.NullFloat64
		if r[5] != "" {
			v, err := strconv.ParseFloat(r[5], 64)
			if err != nil {
				return fmt.Errorf("targets.csv target_min %q: %w", r[5], err)
			}
			lo = sql.NullFloat64{Float64: v, Valid: true}
		}
		if r[6] != "" {
			v, err := strconv.ParseFloat(r[6], 64)
			if err != nil {
				return fmt.Errorf("targets.csv target_max %q: %w", r[6], err)
			}
			hi = sql.NullFloat64{Float64: v, Valid: true}
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO ref_target VALUES (?, ?::INTEGER, ?::INTEGER, ?, ?, ?, ?, ?)`,
			r[0], r[1], r[2], r[3], r[4], lo, hi, r[7]); err != nil {
			return fmt.Errorf("insert target %v: %w", r, err)
		}
	}
	return nil
}

func fixtureSQL() []string {
	return []string{
		// fx: every row of every level, counts and the reduction given by
		// hand; the rates are derived below so they always match the counts.
		`CREATE TEMP TABLE fx (
			level VARCHAR, year INTEGER, standard VARCHAR, stage VARCHAR, counted BOOLEAN, is_baseline BOOLEAN,
			unit_code VARCHAR, unit_name VARCHAR, parent_code VARCHAR, province_code VARCHAR,
			district_code VARCHAR, district_name VARCHAR, synthetic BOOLEAN,
			total_households BIGINT, poor_end BIGINT, near_poor_end BIGINT,
			reduction_pp DOUBLE, comparable BOOLEAN, units_reporting INTEGER, units_expected INTEGER)`,
		`INSERT INTO fx VALUES
		-- province 99, synthetic
		('province',2020,'QD59_2015','approved',   true, false,'99','Tỉnh Mẫu',NULL,'99',NULL,NULL,true,10000,1200, 800,NULL,false,2,2),
		('province',2021,'QD59_2015','approved',   true, false,'99','Tỉnh Mẫu',NULL,'99',NULL,NULL,true,10200,1020, 714,2.0, true, 2,2),
		('province',2021,'ND07_2021','approved',   true, true, '99','Tỉnh Mẫu',NULL,'99',NULL,NULL,true,10200,1530,1020,NULL,false,2,2),
		('province',2022,'ND07_2021','approved',   true, false,'99','Tỉnh Mẫu',NULL,'99',NULL,NULL,true,10400,1300,1040,2.5, true, 2,2),
		('province',2023,'ND07_2021','approved',   true, false,'99','Tỉnh Mẫu',NULL,'99',NULL,NULL,true,10500,1155, 945,1.5, true, 2,2),
		('province',2024,'ND07_2021','preliminary',false,false,'99','Tỉnh Mẫu',NULL,'99',NULL,NULL,true,10600,1000, 900,1.5, true, 2,2),
		('province',2024,'ND07_2021','approved',   true, false,'99','Tỉnh Mẫu',NULL,'99',NULL,NULL,true,10600,1113, 901,0.5, true, 2,2),
		('province',2025,'ND07_2021','preliminary',false,false,'99','Tỉnh Mẫu',NULL,'99',NULL,NULL,true,10800,1500, 900,NULL,true, 3,3),
		('province',2025,'ND07_2021','official',   true, false,'99','Tỉnh Mẫu',NULL,'99',NULL,NULL,true,10800, 918, 864,2.0, true, 3,3),
		('district',2024,'ND07_2021','approved',   true, false,'9901','Huyện Một','99','99',NULL,NULL,true,6000,600,500,0.4,true,2,2),
		('district',2024,'ND07_2021','approved',   true, false,'9902','Huyện Hai','99','99',NULL,NULL,true,4600,513,401,0.6,true,1,1),
		('commune', 2024,'ND07_2021','approved',   true, false,'990101','Xã Một A','9901','99','9901','Huyện Một',true,6000,600,500,0.4,true,NULL,NULL),
		('commune', 2024,'ND07_2021','approved',   true, false,'990201','Xã Hai A','9902','99','9902','Huyện Hai',true,4600,513,401,0.6,true,NULL,NULL),
		('commune', 2025,'ND07_2021','approved',   true, false,'99001','Xã Hòa Bình','99','99',NULL,NULL,true,5000,250,300,NULL,false,NULL,NULL),
		('commune', 2025,'ND07_2021','preliminary',false,false,'99001','Xã Hòa Bình','99','99',NULL,NULL,true,5000,900,300,NULL,false,NULL,NULL),
		('commune', 2025,'ND07_2021','official',   true, false,'99002','` + sqlQuote(HostileName) + `','99','99',NULL,NULL,true,4000,400,360,NULL,false,NULL,NULL),
		('commune', 2025,'ND07_2021','official',   true, false,'99003','Xã Ea Đrăng','99','99',NULL,NULL,true,1800,268,204,NULL,false,NULL,NULL),
		-- province 66, real published figures
		('province',2017,'QD59_2015','approved',true,false,'66','Đắk Lắk',NULL,'66',NULL,NULL,false,435688,66956,42704,NULL,false,15,15),
		('province',2018,'QD59_2015','approved',true,false,'66','Đắk Lắk',NULL,'66',NULL,NULL,false,446297,57180,43376,
			66956*100.0/435688 - 57180*100.0/446297, true, 15,15),
		('district',2018,'QD59_2015','approved',true,false,'6601','Ea Súp','66','66',NULL,NULL,false,18199,7849,1820,NULL,false,NULL,NULL),
		('district',2018,'QD59_2015','approved',true,false,'6602','M''Đrắk','66','66',NULL,NULL,false,17912,7362,1791,NULL,false,NULL,NULL),
		('district',2018,'QD59_2015','approved',true,false,'6603','Buôn Đôn','66','66',NULL,NULL,false,15736,6115,1574,NULL,false,NULL,NULL),
		('district',2018,'QD59_2015','approved',true,false,'6604','Krông Bông','66','66',NULL,NULL,false,21380,7686,2138,NULL,false,NULL,NULL),
		('commune', 2018,'QD59_2015','approved',true,false,'660101','Xã Ia Lốp','6601','66','6601','Ea Súp',false,5000,4000,100,NULL,false,NULL,NULL)`,
		`CREATE TABLE province_year AS SELECT ` + common + `, units_reporting, units_expected FROM fx WHERE level = 'province'`,
		`CREATE TABLE district_year AS SELECT ` + common + `, units_reporting, units_expected FROM fx WHERE level = 'district'`,
		`CREATE TABLE commune_year AS SELECT ` + common + `, district_code, district_name FROM fx WHERE level = 'commune'`,
		`INSERT INTO ref_unit (unit_code, unit_name, level, parent_code, province_code, valid_from, synthetic)
		 SELECT DISTINCT unit_code, unit_name, level, parent_code, province_code, DATE '2016-01-01', synthetic FROM fx`,
		`DROP TABLE fx`,
	}
}

const common = `year, standard, stage, counted, is_baseline, unit_code, unit_name, level, parent_code, province_code,
	synthetic, total_households, poor_end, near_poor_end,
	poor_end * 100.0 / total_households AS poor_rate,
	near_poor_end * 100.0 / total_households AS near_poor_rate,
	reduction_pp, comparable`

func sqlQuote(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' {
			out = append(out, '\'')
		}
		out = append(out, s[i])
	}
	return string(out)
}
