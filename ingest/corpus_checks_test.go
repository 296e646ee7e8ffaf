package ingest

import (
	"context"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"rasoat/store"
)

// mdrakCodes are the 13 units of Huyện M'Đrắk in the corpus' row order.
var mdrakCodes = []string{"24412", "24415", "24418", "24421", "24424", "24427", "24430", "24433", "24436", "24439", "24442", "24444", "24445"}

// strs runs a one-column query.
func strs(t *testing.T, db *store.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// namesDecoded: text in a legacy encoding or NFD is stored as NFC, and the
// names matched the right units.
func namesDecoded(table string) func(t *testing.T, db *store.DB, id int64) {
	return func(t *testing.T, db *store.DB, id int64) {
		codes := strs(t, db, `SELECT unit_code FROM `+table+` WHERE file_id = ? AND NOT is_total ORDER BY source_row`, id)
		if strings.Join(codes, ",") != strings.Join(mdrakCodes, ",") {
			t.Errorf("codes %v, want %v", codes, mdrakCodes)
		}
		names := strs(t, db, `SELECT unit_name FROM `+table+` WHERE file_id = ? AND NOT is_total ORDER BY source_row`, id)
		for _, want := range []string{"Thị trấn M'Đrắk", "Xã Cư Prao", "Xã Ea Riêng", "Xã Krông Á"} {
			found := false
			for _, n := range names {
				found = found || strings.EqualFold(n, want)
			}
			if !found {
				t.Errorf("name %q not stored; names: %q", want, names)
			}
		}
		for _, n := range names {
			if !norm.NFC.IsNormalString(n) {
				t.Errorf("name %q is not NFC", n)
			}
		}
	}
}

// corpusChecks look into the database after particular corpus files.
var corpusChecks = map[string]func(t *testing.T, db *store.DB, id int64){
	"b_nfd_text.xlsx": namesDecoded("raw_form_b"),
	"b_tcvn3.xlsx":    namesDecoded("raw_form_b"),
	"c_vni.xlsx":      namesDecoded("raw_form_c"),
	"b_unit_name_variants.xlsx": func(t *testing.T, db *store.DB, id int64) {
		codes := strs(t, db, `SELECT unit_code FROM raw_form_b WHERE file_id = ? AND NOT is_total ORDER BY source_row`, id)
		if strings.Join(codes, ",") != strings.Join(mdrakCodes, ",") {
			t.Errorf("codes %v, want %v", codes, mdrakCodes)
		}
	},
	"b_one_form_two_sheets.xlsx": func(t *testing.T, db *store.DB, id int64) {
		sheets := strs(t, db, `SELECT DISTINCT sheet FROM raw_form_b WHERE file_id = ? ORDER BY sheet`, id)
		if strings.Join(sheets, ",") != "Trang 1,Trang 2" {
			t.Errorf("rows keep their own sheet: got %v", sheets)
		}
	},
	"a_formula_and_script_text.xlsx": func(t *testing.T, db *store.DB, id int64) {
		got := strs(t, db, `SELECT json_extract_string(extra, '$."Ghi chú"') FROM raw_form_a WHERE file_id = ? AND extra IS NOT NULL ORDER BY source_row`, id)
		want := []string{`=HYPERLINK("http://evil.example/","bấm vào đây")`, `<script>alert("x")</script>`}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("cell text stored as %q, want verbatim %q", got, want)
		}
	},
	// one file, two slices: each its own ingest_sheet row (its own
	// supersede key), 13 rows each; Cư Prao (24415) by hand:
	// 537 − 21 − 11 − 3 + 4 + 2 + 6 + 1 = 515 in both stages.
	"b_export_two_stages.csv": func(t *testing.T, db *store.DB, id int64) {
		got := strs(t, db, `SELECT sheet || ' ' || stage || ' ' || year || ' ' || unit_code || ' ' || rows FROM ingest_sheet WHERE file_id = ? ORDER BY stage`, id)
		want := []string{"2019/official official 2019 652 13", "2019/preliminary preliminary 2019 652 13"}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("slices %q, want %q", got, want)
		}
		ends := strs(t, db, `SELECT stage || '=' || poor_end FROM raw_form_b WHERE file_id = ? AND unit_code = '24415' ORDER BY stage`, id)
		if strings.Join(ends, ",") != "official=515,preliminary=515" {
			t.Errorf("Cư Prao poor_end by stage %v", ends)
		}
	},
	"d_household_list.xlsx": func(t *testing.T, db *store.DB, id int64) {
		hashes := strs(t, db, `SELECT coalesce(head_id_hash, '') FROM raw_household WHERE file_id = ?`, id)
		for _, h := range hashes {
			if len(h) != 64 || strings.Contains(h, "0661900") {
				t.Fatalf("head_id_hash %q is not a keyed hash", h)
			}
		}
		leaks := strs(t, db, `SELECT household_id FROM raw_household AS t WHERE file_id = ? AND CAST(t AS VARCHAR) LIKE '%0661900%'`, id)
		if len(leaks) > 0 {
			t.Errorf("raw ID number stored in rows %v", leaks)
		}
	},
}
