package anomaly

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	rsql "rasoat/sql"
	"rasoat/store"
)

// benchDB copies the sample province into a fresh database `copies` times
// (unit codes, file ids and head hashes made distinct per copy, so each copy
// is its own set of districts), with commune_year as a TABLE: the anomaly
// models then run alone, as they do at the end of a transform.
func benchDB(b *testing.B, copies int) *store.DB {
	b.Helper()
	sdb, _ := openSample(b)
	src := sdb.Path
	sdb.Close() // one DuckDB instance per file: release it before attaching
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.duckdb"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	stmts := []string{
		fmt.Sprintf(`ATTACH '%s' AS s (READ_ONLY)`, strings.ReplaceAll(src, "'", "''")),
		`CREATE TEMP TABLE k AS SELECT range AS k, CASE WHEN range = 0 THEN '' ELSE '_' || range END AS sfx FROM range(` + fmt.Sprint(copies) + `)`,
		`INSERT INTO ref_cycle SELECT * FROM s.ref_cycle`,
		`INSERT INTO ref_standard SELECT * FROM s.ref_standard`,
		`INSERT INTO ref_anomaly_rule SELECT * FROM s.ref_anomaly_rule`,
		`INSERT INTO ref_unit SELECT t.* REPLACE (unit_code || sfx AS unit_code, parent_code || sfx AS parent_code) FROM s.ref_unit t, k`,
		`INSERT INTO ref_crosswalk SELECT t.* REPLACE (old_code || sfx AS old_code, new_code || sfx AS new_code) FROM s.ref_crosswalk t, k`,
		`INSERT INTO ingest_file SELECT t.* REPLACE (file_id + k * 1000000 AS file_id, sha256 || sfx AS sha256) FROM s.ingest_file t, k`,
		`INSERT INTO ingest_sheet SELECT t.* REPLACE (file_id + k * 1000000 AS file_id, unit_code || sfx AS unit_code) FROM s.ingest_sheet t, k`,
		`INSERT INTO ingest_finding SELECT t.* REPLACE (file_id + k * 1000000 AS file_id, unit_code || sfx AS unit_code) FROM s.ingest_finding t, k`,
		`INSERT INTO raw_household SELECT t.* REPLACE (file_id + k * 1000000 AS file_id, unit_code || sfx AS unit_code, head_id_hash || sfx AS head_id_hash) FROM s.raw_household t, k`,
		`CREATE TABLE commune_year AS SELECT t.* REPLACE (unit_code || sfx AS unit_code, district_code || sfx AS district_code, parent_code || sfx AS parent_code) FROM s.commune_year t, k`,
		`DETACH s`,
	}
	for _, q := range stmts {
		if _, err := db.ExecContext(ctx, q); err != nil {
			b.Fatalf("%s: %v", q, err)
		}
	}
	return db
}

func benchModels(b *testing.B, copies int) {
	db := benchDB(b, copies)
	ctx := context.Background()
	models, err := rsql.Models()
	if err != nil {
		b.Fatal(err)
	}
	var rows int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM commune_year`).Scan(&rows); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		for _, m := range models {
			if strings.HasPrefix(m.Name, "models/2") {
				if _, err := db.ExecContext(ctx, m.Text); err != nil {
					b.Fatalf("%s: %v", m.Name, err)
				}
			}
		}
	}
	b.StopTimer()
	var flagged int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM anomalies`).Scan(&flagged); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(rows), "commune-rows")
	b.ReportMetric(float64(flagged), "flagged")
}

// The anomaly models over the sample province (12 review cycles, two stages)
// and over ten copies of it. Divide by 11 review years for one year.
func BenchmarkAnomalyModels(b *testing.B) {
	b.Run("sample", func(b *testing.B) { benchModels(b, 1) })
	b.Run("10x", func(b *testing.B) { benchModels(b, 10) })
}
