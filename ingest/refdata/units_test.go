package refdata

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rasoat/data/sharedtest"
	"rasoat/store"
)

func sharedData(t *testing.T, name string) string {
	t.Helper()
	return sharedtest.Path(t, name)
}

func importUnitsFile(t *testing.T, db *store.DB, path string) *UnitsReport {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	units, err := ReadUnits(path, f)
	if err != nil {
		t.Fatal(err)
	}
	d, ok := DateFromName(path)
	if strings.HasSuffix(path, "_2019.csv") {
		d, ok = time.Date(2019, 12, 1, 0, 0, 0, 0, time.UTC), true // GSO list dated 01/12/2019 (SOURCES.md)
	}
	if !ok {
		t.Fatalf("no date in %s", path)
	}
	rep, err := ImportUnits(context.Background(), db, path, units, d)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// The real Đắk Lắk lists, imported in date order, must give the hierarchy
// of each date: 15 districts and 184 communes in 2019, 180 communes in March
// 2025, and 102 communes directly under the province from 1/7/2025.
func TestImportRealDakLakUnitLists(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "u.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, f := range []string{"daklak_units_2019.csv", "daklak_units_2024-09.csv", "daklak_units_2025-03.csv", "daklak_units_2025-07.csv"} {
		importUnitsFile(t, db, sharedData(t, f))
	}
	count := func(date, level string) int {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM ref_unit WHERE level = ? AND valid_from <= CAST(? AS DATE) AND (valid_to IS NULL OR valid_to > CAST(? AS DATE))`, level, date, date).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, tc := range []struct {
		date, level string
		want        int
	}{
		{"2019-12-31", "district", 15}, {"2019-12-31", "commune", 184},
		{"2024-12-31", "commune", 184}, // the 2024-09 list; the 2024-11 merger is only in the 2025-03 list
		{"2025-03-31", "commune", 180}, {"2025-03-31", "district", 15},
		{"2025-12-31", "commune", 102}, {"2025-12-31", "district", 0},
		{"2025-12-31", "province", 1},
	} {
		if got := count(tc.date, tc.level); got != tc.want {
			t.Errorf("%s units valid on %s: %d, want %d", tc.level, tc.date, got, tc.want)
		}
	}
	// Pơng Drang became a thị trấn (2023): a new interval with the new type.
	var typ string
	db.QueryRow(`SELECT unit_type FROM ref_unit WHERE unit_code = '24316' AND valid_from <= DATE '2024-12-31' ORDER BY valid_from DESC LIMIT 1`).Scan(&typ)
	if typ != "Thị trấn" {
		t.Errorf("24316 type in 2024 = %q", typ)
	}
	// After 1/7/2025 communes hang under the province.
	var parent string
	db.QueryRow(`SELECT parent_code FROM ref_unit WHERE unit_code = '24121' AND valid_to IS NULL`).Scan(&parent)
	if parent != "66" {
		t.Errorf("24121 parent after 2025-07 = %q, want 66", parent)
	}
	// Re-importing the same list changes nothing.
	rep := importUnitsFile(t, db, sharedData(t, "daklak_units_2025-07.csv"))
	if rep.Opened != 0 || rep.Closed != 0 {
		t.Errorf("re-import changed units: %+v", rep)
	}
	// An older list after a newer one is refused.
	f, _ := os.Open(sharedData(t, "daklak_units_2019.csv"))
	defer f.Close()
	units, _ := ReadUnits("old.csv", f)
	if rep, err := ImportUnits(ctx, db, "old.csv", units, time.Date(2019, 12, 1, 0, 0, 0, 0, time.UTC)); err != nil || rep.Unchanged != len(units) {
		t.Errorf("the same old list again must be a no-op: %+v %v", rep, err)
	}
	units[20].Name += " (sửa)"
	if _, err := ImportUnits(ctx, db, "old.csv", units, time.Date(2019, 12, 1, 0, 0, 0, 0, time.UTC)); err == nil || !strings.Contains(err.Error(), "thứ tự") {
		t.Errorf("older list accepted: %v", err)
	}
}

func TestImportRealCrosswalk(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "x.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	path := sharedData(t, "daklak_phuyen_mapping_2025-03_to_2025-07.csv")
	d, _ := DateFromName(path)
	if want := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC); !d.Equal(want) {
		t.Fatalf("date from name = %v", d)
	}
	f, _ := os.Open(path)
	defer f.Close()
	rows, err := ReadCrosswalk(path, f, d)
	if err != nil {
		t.Fatal(err)
	}
	n, err := ImportCrosswalk(ctx, db, path, rows)
	if err != nil {
		t.Fatal(err)
	}
	if n != 294 {
		t.Errorf("rows = %d, want 294 (SOURCES.md)", n)
	}
	var split int
	db.QueryRow(`SELECT count(DISTINCT old_code) FROM ref_crosswalk WHERE share_kind = 'partial' AND old_code LIKE '24%'`).Scan(&split)
	if split != 1 {
		t.Errorf("old Đắk Lắk units split = %d, want 1 (Xã Ea BHốk)", split)
	}
	var extra string
	db.QueryRow(`SELECT extra->>'resolution_clause' FROM ref_crosswalk LIMIT 1`).Scan(&extra)
	if extra == "" {
		t.Error("extra columns not kept")
	}
}

func TestReadUnitsRejects(t *testing.T) {
	for _, tc := range []struct{ name, csv, code string }{
		{"missing column", "province_code,commune_code\n66,24118\n", "E_COLUMN_MISSING"},
		{"bad code", "province_code,province_name,commune_code,commune_name\n66,T,24x18,X\n", "E_VALUE_INVALID"},
		{"duplicate commune", "province_code,province_name,commune_code,commune_name\n66,T,24118,X\n66,T,24118,Y\n", "E_UNIT_DUPLICATE"},
		{"empty", "province_code,province_name,commune_code,commune_name\n", "E_NO_ROWS"},
	} {
		_, err := ReadUnits(tc.name, strings.NewReader(tc.csv))
		if err == nil || !strings.Contains(err.Error(), tc.code) {
			t.Errorf("%s: got %v, want %s", tc.name, err, tc.code)
		}
	}
}

func TestReadUnitsGSOExportLayout(t *testing.T) {
	in := "\ufeffTỉnh Thành Phố;Mã TP;Quận Huyện;Mã QH;Phường Xã;Mã PX;Cấp;Tên Tiếng Anh\n" +
		"Tỉnh Đắk Lắk;66;Huyện Ea H'leo;645;Thị trấn Ea Drăng;24181;Thị trấn;\n" +
		"Tỉnh Đắk Lắk;66;Huyện Ea H'leo;645;Xã Ea H'leo;24184;Xã;\n"
	units, err := ReadUnits("gso.csv", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(units) != 4 || units[3].Parent != "645" || units[3].Type != "Xã" || units[1].Level != "district" {
		t.Fatalf("units = %+v", units)
	}
}
