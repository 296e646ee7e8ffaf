package report_test

import (
	"bytes"
	"context"
	"database/sql"
	"math"
	"os"
	"testing"
	"time"

	"rasoat/ingest/sheet"
	"rasoat/query"
	"rasoat/query/querytest"
	"rasoat/report"
	"rasoat/review"
)

// The workbook, read back by the project's own form A reader, gives the
// figures of district_year and province_year: the view is read here by its
// own SQL, not through query.FormA.
func TestFormAWorkbookReadsBackAsTheViews(t *testing.T) {
	ctx := context.Background()
	db := querytest.OpenCycle(t)
	q := query.New(db.DB)
	for _, stage := range []string{"preliminary", "approved"} {
		rep, err := q.FormA(ctx, "99", 2024, "ND07_2021", stage)
		if err != nil {
			t.Fatal(err)
		}
		sh := report.Layout(rep, "Tỉnh Mẫu", time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC))
		body, err := sh.XLSX()
		if err != nil {
			t.Fatal(err)
		}
		if d := os.Getenv("FORMA_DUMP"); d != "" {
			os.WriteFile(d+"/"+stage+".xlsx", body, 0o644)
		}
		forms, probs := sheet.ReadXLSX(ctx, "tong-hop.xlsx", bytes.NewReader(body), sheet.Options{})
		if probs.Rejects() || len(forms) != 1 {
			t.Fatalf("%s: read back: %d forms, %v", stage, len(forms), probs)
		}
		f := forms[0]
		if f.Meta.Form != review.FormA || f.Meta.Year != 2024 || string(f.Meta.Stage) != stage || f.Meta.IssuerLevel != sheet.LevelProvince {
			t.Errorf("%s: meta %+v", stage, f.Meta)
		}
		want := viewRows(t, db.DB, stage)
		var body0 []review.Row
		var total *review.Row
		for i, r := range f.Rows {
			if r.Total {
				total = &f.Rows[i]
				continue
			}
			body0 = append(body0, r)
		}
		if len(body0) != len(want)-1 || total == nil {
			t.Fatalf("%s: %d body rows (want %d), total %v", stage, len(body0), len(want)-1, total)
		}
		check := func(r review.Row, w map[string]sql.NullFloat64, who string) {
			for name, v := range w {
				got, ok := r.Values[name]
				if !v.Valid {
					continue
				}
				tol := 0.0
				if name == "poor_rate_reported" || name == "near_poor_rate_reported" {
					tol = 0.005 // printed to 2 decimals
				}
				if !ok || math.Abs(got-v.Float64) > tol+1e-9 {
					t.Errorf("%s %s %s: read %v (present %v), view %v", stage, who, name, got, ok, v.Float64)
				}
			}
		}
		for _, r := range body0 {
			w, ok := want[r.UnitCode]
			if !ok {
				t.Errorf("%s: unexpected row %q %q", stage, r.UnitCode, r.UnitName)
				continue
			}
			check(r, w, r.UnitCode)
		}
		check(*total, want["99"], "total")
	}
}

// viewRows reads district_year and province_year for 2024.
func viewRows(t *testing.T, db *sql.DB, stage string) map[string]map[string]sql.NullFloat64 {
	t.Helper()
	rows, err := db.Query(`SELECT unit_code, total_households, total_persons, poor_end, near_poor_end, poor_rate, near_poor_rate
		FROM (SELECT * FROM district_year UNION ALL BY NAME SELECT * FROM province_year)
		WHERE year = 2024 AND standard = 'ND07_2021' AND stage = ?`, stage)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]map[string]sql.NullFloat64{}
	for rows.Next() {
		var code string
		v := make([]sql.NullFloat64, 6)
		if err := rows.Scan(&code, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]); err != nil {
			t.Fatal(err)
		}
		out[code] = map[string]sql.NullFloat64{"total_households": v[0], "total_persons": v[1], "poor_end": v[2], "near_poor_end": v[3],
			"poor_rate_reported": v[4], "near_poor_rate_reported": v[5]}
	}
	return out
}
