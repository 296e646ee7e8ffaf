package export

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rasoat/store"
	"rasoat/transform"
)

// fixtureDB is a transformed database with one province, two communes and
// form A rows for 2023 and 2024.
func fixtureDB(t *testing.T) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "e.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, q := range []string{
		`INSERT INTO ref_unit (unit_code, unit_name, level, unit_type, parent_code, province_code, valid_from) VALUES
			('77', 'Tỉnh Thử', 'province', 'Tỉnh', NULL, '77', '2000-01-01'),
			('701', 'Huyện A', 'district', 'Huyện', '77', '77', '2000-01-01'),
			('70001', 'Xã Một', 'commune', 'Xã', '701', '77', '2000-01-01'),
			('70004', 'Xã Hai', 'commune', 'Xã', '701', '77', '2000-01-01')`,
		`INSERT INTO ingest_file VALUES (1, 'a.csv', 'sha1', 1, 'csv', now(), 'test'), (2, 'b.csv', 'sha2', 1, 'csv', now(), 'test')`,
		`INSERT INTO ingest_sheet VALUES (1, 'csv', 'A', 2023, 'ND07_2021', 'official', '701', 2, 0, false), (2, 'csv', 'A', 2024, 'ND07_2021', 'official', '701', 2, 0, false)`,
		`INSERT INTO raw_form_a (file_id, source_row, year, standard, stage, unit_code, is_total, total_households, poor_end, near_poor_end) VALUES
			(1, 2, 2023, 'ND07_2021', 'official', '70001', false, 1000, 100, 50),
			(1, 3, 2023, 'ND07_2021', 'official', '70004', false, 500, 60, 20),
			(2, 2, 2024, 'ND07_2021', 'official', '70001', false, 1010, 90, 50),
			(2, 3, 2024, 'ND07_2021', 'official', '70004', false, 505, 50, 20)`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
	if _, err := transform.Run(ctx, db, transform.Options{}); err != nil {
		t.Fatal(err)
	}
	return db
}

// docs/schema.md is generated from the database; this test fails when it is
// out of date and rewrites it with RASOAT_UPDATE_DOCS=1.
func TestSchemaDocIsUpToDate(t *testing.T) {
	db := fixtureDB(t)
	views, err := Views(context.Background(), db.DB)
	if err != nil {
		t.Fatal(err)
	}
	md := SchemaMarkdown(views)
	path := filepath.Join("..", "docs", "schema.md")
	if os.Getenv("RASOAT_UPDATE_DOCS") == "1" {
		if err := os.WriteFile(path, []byte(md), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	have, err := os.ReadFile(path)
	if err != nil || string(have) != md {
		t.Fatalf("docs/schema.md is out of date (err %v): run RASOAT_UPDATE_DOCS=1 go test ./export/ -run TestSchemaDoc", err)
	}
	for _, v := range views {
		for _, c := range v.Columns {
			if c.Doc == "" {
				t.Errorf("%s.%s has no comment", v.Name, c.Name)
			}
		}
	}
}

// The Parquet set is Hive-partitioned by year and reads back, row for row,
// as the views it came from.
func TestParquetReadsBack(t *testing.T) {
	db := fixtureDB(t)
	ctx := context.Background()
	dir := t.TempDir()
	rep, err := Parquet(ctx, db.DB, dir)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rows["commune_year"] != 4 || rep.Rows["province_year"] != 2 {
		t.Errorf("rows written: %v", rep.Rows)
	}
	if _, err := os.Stat(filepath.Join(dir, "commune_year", "year=2024")); err != nil {
		t.Errorf("no Hive partition folder: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "schema.md")); err != nil {
		t.Errorf("schema.md not written beside the data: %v", err)
	}
	views, err := Views(ctx, db.DB)
	if err != nil {
		t.Fatal(err)
	}
	cols := map[string]string{}
	for _, v := range views {
		var names []string
		for _, c := range v.Columns {
			names = append(names, quoteIdent(c.Name)+"::"+c.Type)
		}
		cols[v.Name] = strings.Join(names, ", ")
	}
	for _, view := range []string{"commune_year", "province_year", "district_year", "unit_target_year"} {
		glob := quoteLiteral(filepath.Join(dir, view, "**", "*.parquet"))
		var diff, n int
		// the partition column comes back last: compare column by name
		err := db.QueryRowContext(ctx, `
			WITH p AS (SELECT `+cols[view]+` FROM read_parquet(`+glob+`, hive_partitioning = true)),
			v AS (SELECT `+cols[view]+` FROM `+view+`)
			SELECT (SELECT count(*) FROM (SELECT * FROM v EXCEPT ALL SELECT * FROM p))
			     + (SELECT count(*) FROM (SELECT * FROM p EXCEPT ALL SELECT * FROM v)),
			       (SELECT count(*) FROM p)`).Scan(&diff, &n)
		if err != nil {
			t.Fatalf("%s: %v", view, err)
		}
		if diff != 0 || n == 0 {
			t.Errorf("%s: %d rows differ between the view and its Parquet (%d rows read)", view, diff, n)
		}
	}
	// A second export over the first replaces it.
	if _, err := Parquet(ctx, db.DB, dir); err != nil {
		t.Fatalf("export twice: %v", err)
	}
	var reread float64
	db.QueryRowContext(ctx, `SELECT round(poor_rate, 4) FROM read_parquet(`+quoteLiteral(filepath.Join(dir, "province_year", "**", "*.parquet"))+`, hive_partitioning = true) WHERE year = 2024`).Scan(&reread)
	if want := 9.2409; reread != want { // 140 / 1 515
		t.Errorf("province 2024 poor rate read back %v, want %v", reread, want)
	}
}

func TestSchemaMarkdownEscapes(t *testing.T) {
	md := SchemaMarkdown([]View{{Name: "v", Doc: "d", Columns: []Column{{Name: "c", Type: "INTEGER", Doc: "a | b"}}}})
	if !strings.Contains(md, `a \| b`) {
		t.Errorf("a pipe in a comment must be escaped: %s", md)
	}
}
