package querytest

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"rasoat/store"
)

// OpenLarge creates a database the size of a real province for benchmarks:
// province 98 with 15 districts of 12 communes each for 2016–2024 (QĐ 59
// to 2021, NĐ 07 from the 2021 baseline), then 102 communes directly under
// the province for 2025–2026, four stages a year of which one counts. The
// numbers are arbitrary but consistent in shape; only timings matter.
func OpenLarge(tb testing.TB) *store.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(tb.TempDir(), "large.duckdb"))
	if err != nil {
		tb.Fatalf("open large db: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := loadLarge(ctx, db.DB); err != nil {
		tb.Fatalf("load large fixture: %v", err)
	}
	if err := loadTargets(ctx, db.DB); err != nil {
		tb.Fatalf("load targets: %v", err)
	}
	return db
}

func loadLarge(ctx context.Context, db *sql.DB) error {
	stmts := []string{
		`CREATE TEMP TABLE series AS
		 SELECT y AS year, CASE WHEN y <= 2021 THEN 'QD59_2015' ELSE 'ND07_2021' END AS standard, false AS is_baseline
		 FROM range(2016, 2027) t(y)
		 UNION ALL SELECT 2021, 'ND07_2021', true`,
		`CREATE TEMP TABLE stages AS
		 SELECT * FROM (VALUES ('preliminary',1),('official',2),('reverified',3),('approved',4)) s(stage, rk)`,
		`CREATE TEMP TABLE units AS
		 SELECT 'district' AS level, printf('98%02d', d) AS unit_code, printf('Huyện %d', d) AS unit_name,
		        '98' AS parent_code, NULL::VARCHAR AS district_code, NULL::VARCHAR AS district_name, 2016 AS y0, 2024 AS y1,
		        12 AS n
		 FROM range(1, 16) t(d)
		 UNION ALL
		 SELECT 'commune', printf('98%02d%02d', d, c), printf('Xã %d-%d', d, c), printf('98%02d', d),
		        printf('98%02d', d), printf('Huyện %d', d), 2016, 2024, 1
		 FROM range(1, 16) a(d), range(1, 13) b(c)
		 UNION ALL
		 SELECT 'commune', printf('98N%03d', c), printf('Xã mới %d', c), '98', NULL, NULL, 2025, 2026, 1
		 FROM range(1, 103) t(c)
		 UNION ALL
		 SELECT 'province', '98', 'Tỉnh Lớn', NULL, NULL, NULL, 2016, 2026, 180`,
		`CREATE TEMP TABLE big AS
		 SELECT u.*, s.year, s.standard, s.is_baseline, st.stage, st.rk = 4 AS counted,
		        (u.n * 1000 + hash(u.unit_code) % 500)::BIGINT AS total_households,
		        (u.n * (100 + hash(u.unit_code, s.year) % 150))::BIGINT AS poor_end,
		        (u.n * (80 + hash(u.unit_code, s.year, 1) % 100))::BIGINT AS near_poor_end
		 FROM units u JOIN series s ON s.year BETWEEN u.y0 AND u.y1, stages st`,
		`CREATE TEMP TABLE big2 AS
		 SELECT *, poor_end * 100.0 / total_households AS poor_rate, near_poor_end * 100.0 / total_households AS near_poor_rate,
		        lag(poor_end * 100.0 / total_households) OVER (PARTITION BY unit_code, standard, stage ORDER BY year)
		          - poor_end * 100.0 / total_households AS reduction_pp
		 FROM big`,
		`CREATE TABLE province_year AS
		 SELECT year, standard, stage, counted, is_baseline, unit_code, unit_name, level, parent_code, '98' AS province_code,
		        true AS synthetic, total_households, poor_end, near_poor_end, poor_rate, near_poor_rate, reduction_pp,
		        reduction_pp IS NOT NULL AS comparable, 15 AS units_reporting, 15 AS units_expected
		 FROM big2 WHERE level = 'province'`,
		`CREATE TABLE district_year AS
		 SELECT year, standard, stage, counted, is_baseline, unit_code, unit_name, level, parent_code, '98' AS province_code,
		        true AS synthetic, total_households, poor_end, near_poor_end, poor_rate, near_poor_rate, reduction_pp,
		        reduction_pp IS NOT NULL AS comparable, 12 AS units_reporting, 12 AS units_expected
		 FROM big2 WHERE level = 'district'`,
		`CREATE TABLE commune_year AS
		 SELECT year, standard, stage, counted, is_baseline, unit_code, unit_name, level, parent_code, '98' AS province_code,
		        true AS synthetic, total_households, poor_end, near_poor_end, poor_rate, near_poor_rate, reduction_pp,
		        reduction_pp IS NOT NULL AS comparable, district_code, district_name
		 FROM big2 WHERE level = 'commune'`,
	}
	for i, s := range stmts {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("large fixture statement %d: %w", i, err)
		}
	}
	return nil
}
