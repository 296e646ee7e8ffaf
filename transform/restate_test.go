package transform

import (
	"context"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"rasoat/data/sharedtest"
	"rasoat/ingest/refdata"
)

// A merger: 70001 absorbs 70004 on 1/7/2025. The 2024 figures restated on
// the 2025 commune 70001 are the two communes' sums, so 2025 compares with
// 2024 through the restatement though not by code.
func TestRestatedMerger(t *testing.T) {
	f := newFixture(t)
	f.result(2024, "ND07_2021", "official", "77", [4]any{"70001", 1000, 100, 50}, [4]any{"70004", 500, 100, 50}, [4]any{"70007", 800, 80, 40})
	f.result(2025, "ND07_2021", "official", "77", [4]any{"70001", 1520, 150, 90}, [4]any{"70007", 810, 72, 40})
	f.run()
	w := "units_year = 2025 AND year = 2024 AND unit_code = '70001' AND stage = 'official'"
	if h := f.num("commune_year_restated", "total_households", w); h != 1500 {
		t.Errorf("restated 2024 households = %v, want 1 500", h)
	}
	if p := f.num("commune_year_restated", "poor_rate", w); !approx(p, 100.0*200/1500) {
		t.Errorf("restated 2024 poor rate = %v", p)
	}
	if m := f.str(`SELECT restate_method || '/' || restated || '/' || complete FROM commune_year_restated WHERE ` + w); m != "full/true/true" {
		t.Errorf("method/restated/complete = %s", m)
	}
	c := "unit_code = '70001' AND year = 2025 AND stage = 'official'"
	if r := f.num("commune_year", "reduction_pp", c); !math.IsNaN(r) {
		t.Errorf("by code the merged commune must not compare: %v", r)
	}
	want := 100.0*200/1500 - 100.0*150/1520
	if r := f.num("commune_year", "reduction_pp_restated", c); !approx(r, want) {
		t.Errorf("reduction_pp_restated = %v, want %v", r, want)
	}
	if f.num("commune_year", "comparable_restated::INTEGER", c) != 1 {
		t.Error("merged commune must compare through the restatement")
	}
	// The unchanged commune keeps its own figures (restated = false).
	if m := f.str(`SELECT restate_method FROM commune_year_restated WHERE units_year = 2025 AND year = 2024 AND unit_code = '70007' AND stage = 'official'`); m != "same_unit" {
		t.Errorf("70007 method = %q", m)
	}
	// Two-level year: no district rows, communes without a district.
	var n int
	f.db.QueryRow(`SELECT count(*) FROM district_year WHERE year = 2025`).Scan(&n)
	if n != 0 {
		t.Errorf("%d district rows in 2025", n)
	}
}

// Without the predecessor's figures the restatement is incomplete and is
// never compared.
func TestRestatedIncompleteIsNotCompared(t *testing.T) {
	f := newFixture(t)
	f.result(2024, "ND07_2021", "official", "77", [4]any{"70001", 1000, 100, 50}, [4]any{"70007", 800, 80, 40})
	f.result(2025, "ND07_2021", "official", "77", [4]any{"70001", 1520, 150, 90})
	f.run()
	if c := f.num("commune_year_restated", "complete::INTEGER", "units_year = 2025 AND year = 2024 AND unit_code = '70001'"); c != 0 {
		t.Error("70004 sent nothing for 2024: the restatement must be incomplete")
	}
	c := "unit_code = '70001' AND year = 2025"
	if f.num("commune_year", "comparable_restated::INTEGER", c) != 0 || !math.IsNaN(f.num("commune_year", "reduction_pp_restated", c)) {
		t.Error("an incomplete restatement was compared")
	}
}

// A split: 70007 is divided between 70007 and a new 70010 on 1/7/2025.
// With a fraction the fraction is used; without one, census households of
// the new units when ref_census has them, else the new units' 2025
// households, else equal parts.
func TestRestatedSplitWeights(t *testing.T) {
	for _, tc := range []struct {
		name, shares string
		census       bool
		report2025   bool
		method       string
		w7           float64 // share of the old 70007 that stays in 70007
	}{
		{"fraction", "fraction:0.7,fraction:0.3", false, true, "fraction", 0.7},
		{"census", "partial,partial", true, true, "partial_census", 600.0 / 800},
		{"households", "partial,partial", false, true, "partial_households", 300.0 / 400},
		{"equal", "partial,partial", false, false, "partial_equal", 0.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.exec(`INSERT INTO ref_unit (unit_code, unit_name, level, unit_type, parent_code, province_code, valid_from) VALUES ('70010', 'Xã Bốn', 'commune', 'Xã', '77', '77', '2025-07-01')`)
			f.exec(`DELETE FROM ref_crosswalk WHERE old_code = '70007'`)
			sh := strings.Split(tc.shares, ",")
			for i, code := range []string{"70007", "70010"} {
				kind, share, _ := strings.Cut(sh[i], ":")
				var v any
				if share != "" {
					v = share
				}
				f.exec(`INSERT INTO ref_crosswalk (old_code, new_code, share_kind, share, effective_date) VALUES ('70007', ?, ?, ?, '2025-07-01')`, code, kind, v)
			}
			if tc.census {
				f.exec(`INSERT INTO ref_census VALUES ('70007', '2025-08-01', 600, NULL, 'test'), ('70010', '2025-08-01', 200, NULL, 'test'),
					('70007', '2019-04-01', 9999, NULL, 'old census: before the split, not used')`)
			}
			f.result(2024, "ND07_2021", "official", "77", [4]any{"70001", 1000, 100, 50}, [4]any{"70004", 500, 100, 50}, [4]any{"70007", 800, 80, 40})
			if tc.report2025 {
				f.result(2025, "ND07_2021", "official", "77", [4]any{"70001", 1520, 150, 90}, [4]any{"70007", 300, 20, 10}, [4]any{"70010", 100, 30, 10})
			}
			f.run()
			w := "units_year = 2025 AND year = 2024 AND stage = 'official' AND unit_code = ?"
			if h := f.num("commune_year_restated", "total_households", w, "70007"); !approx(h, 800*tc.w7) {
				t.Errorf("70007 restated households = %v, want %v", h, 800*tc.w7)
			}
			if h := f.num("commune_year_restated", "poor_end", w, "70010"); !approx(h, 80*(1-tc.w7)) {
				t.Errorf("70010 restated poor = %v, want %v", h, 80*(1-tc.w7))
			}
			if m := f.str(`SELECT restate_method FROM commune_year_restated WHERE units_year = 2025 AND year = 2024 AND stage = 'official' AND unit_code = '70010'`); m != tc.method {
				t.Errorf("method = %q, want %q", m, tc.method)
			}
			// Nothing is lost or created: the province's restated 2024 households add up.
			if s := f.num("commune_year_restated", "sum(total_households)", "units_year = 2025 AND year = 2024 AND stage = 'official'"); !approx(s, 2300) {
				t.Errorf("restated households sum to %v, want 2 300", s)
			}
		})
	}
}

func sharedData(t *testing.T, name string) string {
	t.Helper()
	return sharedtest.Path(t, name)
}

// The real Đắk Lắk reorganisation of 1/7/2025 (NQ 1660/NQ-UBTVQH15): 180
// communes of March 2025 become 68 of the new province's 102. Every old
// commune reports 1 000 households and 100 poor for 2024; the new units
// report 2025. Restated 2024 figures are worked out from the CSV in Go,
// independently of the SQL: a new unit holds 1 000 households per whole
// predecessor, plus its part of Xã Ea BHốk (24550), split without a
// fraction between Xã Ea Ktur (24544) and Xã Dray Bhăng (24561) in
// proportion to their 2025 households (3 000 and 1 000: ¾ and ¼).
func TestRestatedRealDakLak2025(t *testing.T) {
	ctx := context.Background()
	f := &fixture{t: t}
	{
		nf := newFixture(t)
		f.db = nf.db
		f.exec(`DELETE FROM ref_unit`)
		f.exec(`DELETE FROM ref_crosswalk`)
	}
	for _, name := range []string{"daklak_units_2025-03.csv", "daklak_units_2025-07.csv"} {
		p := sharedData(t, name)
		fh, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		units, err := refdata.ReadUnits(p, fh)
		fh.Close()
		if err != nil {
			t.Fatal(err)
		}
		d, _ := refdata.DateFromName(p)
		if strings.Contains(name, "2025-03") {
			// The March 2025 list is the arrangement of NQ 1193/NQ-UBTVQH15,
			// in force from 1/11/2024: the hierarchy of the 2024 review.
			d = time.Date(2024, 11, 1, 0, 0, 0, 0, time.UTC)
		}
		if _, err := refdata.ImportUnits(ctx, f.db, p, units, d); err != nil {
			t.Fatal(err)
		}
	}
	p := sharedData(t, "daklak_phuyen_mapping_2025-03_to_2025-07.csv")
	fh, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := refdata.DateFromName(p)
	xw, err := refdata.ReadCrosswalk(p, fh, d)
	fh.Close()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := refdata.ImportCrosswalk(ctx, f.db, p, xw); err != nil {
		t.Fatal(err)
	}
	// expected restated 2024 households per new unit, from the CSV rows
	want := map[string]float64{}
	split := map[string]float64{"24544": 0.75, "24561": 0.25}
	for _, r := range xw {
		if !strings.HasPrefix(r.Old, "24") {
			continue // old Phú Yên units: no 2024 figures here
		}
		if r.ShareKind == "full" {
			want[r.New] += 1000
		} else if r.Old == "24550" {
			want[r.New] += 1000 * split[r.New]
		} else {
			t.Fatalf("unexpected split %s → %s", r.Old, r.New)
		}
	}
	if len(want) != 68 {
		t.Fatalf("old Đắk Lắk communes map to %d new units, want 68", len(want))
	}
	var old []any
	rows, _ := f.db.Query(`SELECT unit_code FROM ref_unit WHERE level = 'commune' AND valid_to = DATE '2025-07-01' ORDER BY unit_code`)
	for rows.Next() {
		var c string
		rows.Scan(&c)
		old = append(old, [4]any{c, 1000, 100, 50})
	}
	rows.Close()
	if len(old) != 180 {
		t.Fatalf("%d communes closed on 1/7/2025, want 180", len(old))
	}
	f.fileID = 100
	var r2024 [][4]any
	for _, o := range old {
		r2024 = append(r2024, o.([4]any))
	}
	f.result(2024, "ND07_2021", "official", "66", r2024...)
	var r2025 [][4]any
	for code := range want {
		h := 2000
		switch code {
		case "24544":
			h = 3000
		case "24561":
			h = 1000
		}
		r2025 = append(r2025, [4]any{code, h, h / 20, h / 40}) // 5% poor
	}
	f.result(2025, "ND07_2021", "official", "66", r2025...)
	f.run()

	for code, w := range want {
		got := f.num("commune_year_restated", "total_households", "units_year = 2025 AND year = 2024 AND stage = 'official' AND unit_code = ?", code)
		if !approx(got, w) {
			t.Errorf("%s: restated 2024 households %v, want %v", code, got, w)
		}
	}
	if s := f.num("commune_year_restated", "sum(total_households)", "units_year = 2025 AND year = 2024 AND stage = 'official'"); !approx(s, 180000) {
		t.Errorf("restated 2024 households sum to %v, want 180 000", s)
	}
	if m := f.str(`SELECT restate_method FROM commune_year_restated WHERE units_year = 2025 AND year = 2024 AND unit_code = '24544'`); m != "full+partial_households" {
		t.Errorf("Ea Ktur method = %q", m)
	}
	// every 2025 commune compares with 2024 through the restatement: 10% → 5%
	var n, comparable int
	var minRed, maxRed float64
	f.db.QueryRow(`SELECT count(*), count(*) FILTER (WHERE comparable_restated), min(reduction_pp_restated), max(reduction_pp_restated)
		FROM commune_year WHERE year = 2025`).Scan(&n, &comparable, &minRed, &maxRed)
	if n != 68 || comparable != 68 || !approx(minRed, 5) || !approx(maxRed, 5) {
		t.Errorf("2025: %d rows, %d comparable, reductions %v…%v; want 68, 68, 5", n, comparable, minRed, maxRed)
	}
	// no district level after 1/7/2025; 15 districts in 2024
	var d2024, d2025 int
	f.db.QueryRow(`SELECT count(*) FILTER (WHERE year = 2024), count(*) FILTER (WHERE year = 2025) FROM district_year`).Scan(&d2024, &d2025)
	if d2024 != 15 || d2025 != 0 {
		t.Errorf("district rows 2024 %d, 2025 %d; want 15 and 0", d2024, d2025)
	}
	var nullDistrict int
	f.db.QueryRow(`SELECT count(*) FROM commune_year WHERE year = 2025 AND district_code IS NOT NULL`).Scan(&nullDistrict)
	if nullDistrict != 0 {
		t.Errorf("%d communes of 2025 still have a district", nullDistrict)
	}
	// Phú Yên joined the province: its 2025 total must not compare with the
	// old Đắk Lắk's 2024 by code.
	if c := f.num("province_year", "comparable::INTEGER", "unit_code = '66' AND year = 2025"); c != 0 {
		t.Error("province 66 changed territory in 2025 (merged with Phú Yên) but compares by code")
	}
}
