package sheet

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"strings"
	"testing"

	"rasoat/data/sharedtest"
	"rasoat/review"
)

// A Form B of every commune of one real Đắk Lắk district (GSO list of
// 2019), names written the ways officers write them: as listed, upper case,
// and without the "Xã" prefix. Every name must come back as written (NFC),
// every row in order, and the total row recognised.
func TestReadXLSXRealDistrict(t *testing.T) {
	path := sharedtest.Path(t, "daklak_units_2019.csv")
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	recs, err := csv.NewReader(fh).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var names, codes []string
	for _, r := range recs[1:] {
		if r[2] == "652" { // Huyện M'Đrắk
			names = append(names, r[6])
			codes = append(codes, r[5])
		}
	}
	if len(names) < 5 {
		t.Fatalf("only %d communes of district 652 in %s", len(names), path)
	}
	rows := [][]any{{"UBND HUYỆN M'ĐRẮK"}, {"TỔNG HỢP DIỄN BIẾN HỘ NGHÈO NĂM 2019 (PHÚC TRA)"},
		append([]any{"STT", "Mã xã"}, bHeader()[1:]...)}
	var written []string
	for i, n := range names {
		switch i % 3 {
		case 1:
			n = strings.ToUpper(n)
		case 2:
			n = strings.TrimPrefix(strings.TrimPrefix(n, "Xã "), "Thị trấn ")
		}
		written = append(written, n)
		rows = append(rows, []any{i + 1, codes[i], n, 10, 1, 1, 1, 1, 1, 1, 1, 11})
	}
	k := len(names)
	rows = append(rows, []any{nil, nil, "Tổng số", 10 * k, k, k, k, k, k, k, k, 11 * k})
	data := build(t, ws{name: "B", rows: rows})
	fs, ps := ReadXLSX(context.Background(), "652.xlsx", bytes.NewReader(data), Options{})
	if len(ps) > 0 || len(fs) != 1 {
		t.Fatalf("forms %d, problems %v", len(fs), ps)
	}
	f := fs[0]
	if f.Meta.Stage != review.Reverified || f.Meta.IssuerName != "M'ĐRẮK" {
		t.Errorf("meta = %+v", f.Meta)
	}
	if len(f.Rows) != k+1 {
		t.Fatalf("%d rows, want %d", len(f.Rows), k+1)
	}
	for i, w := range written {
		r := f.Rows[i]
		if r.UnitName != w || r.UnitCode != codes[i] || r.Total || r.Values["poor_end"] != 11 {
			t.Errorf("row %d = %q %q total=%v, want %q %q", i, r.UnitName, r.UnitCode, r.Total, w, codes[i])
		}
	}
	if tot := f.Rows[k]; !tot.Total || tot.Values["poor_start"] != float64(10*k) {
		t.Errorf("total row = %+v", tot)
	}
}
