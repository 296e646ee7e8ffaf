package anomaly

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"rasoat/ingest/refdata"
	rsql "rasoat/sql"
	"rasoat/store"
)

// openRules opens an empty database with the shipped reference data and a
// hand-made commune_year TABLE standing in for the analyst view, then runs
// only the anomaly models (2xx) over it.
func openRules(t *testing.T, rows string) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "r.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := refdata.LoadShipped(ctx, db, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE commune_year (
		year INT, standard VARCHAR, stage VARCHAR, counted BOOLEAN, is_baseline BOOLEAN,
		unit_code VARCHAR, unit_name VARCHAR, level VARCHAR, parent_code VARCHAR, district_code VARCHAR, district_name VARCHAR,
		province_code VARCHAR, province_name VARCHAR, synthetic BOOLEAN,
		total_households BIGINT, total_persons BIGINT, poor_end BIGINT, near_poor_end BIGINT,
		poor_rate DOUBLE, near_poor_rate DOUBLE, reduction_pp DOUBLE, near_poor_reduction_pp DOUBLE, comparable BOOLEAN,
		poor_rate_reported DOUBLE, near_poor_rate_reported DOUBLE, poor_persons BIGINT, near_poor_persons BIGINT,
		em_households BIGINT, em_poor BIGINT, em_near_poor BIGINT, poor_income BIGINT, poor_deprivation BIGINT, complaints BIGINT,
		poor_start BIGINT, poor_out_to_near_poor BIGINT, poor_out_above_near_poor BIGINT, poor_out_other BIGINT,
		poor_in_from_near_poor BIGINT, poor_in_repoor BIGINT, poor_in_new BIGINT, poor_in_other BIGINT,
		near_poor_start BIGINT, near_poor_out_escaped BIGINT, near_poor_out_to_poor BIGINT, near_poor_out_other BIGINT,
		near_poor_in_from_poor BIGINT, near_poor_in_re BIGINT, near_poor_in_new BIGINT, near_poor_in_other BIGINT)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO commune_year
		(year, standard, stage, counted, is_baseline, unit_code, unit_name, level, district_code, district_name,
		 total_households, poor_end, near_poor_end, poor_rate, near_poor_rate, complaints)
		SELECT year, 'QD59_2015', 'official', true, false, code, 'Xã ' || code, 'commune', '980', 'Huyện Thử',
		       h, p, 0, 100.0 * p / h, 0, c
		FROM (VALUES `+rows+`) v(year, code, h, p, c)`); err != nil {
		t.Fatal(err)
	}
	models, err := rsql.Models()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range models {
		if strings.HasPrefix(m.Name, "models/2") {
			if _, err := db.ExecContext(ctx, m.Text); err != nil {
				t.Fatalf("%s: %v", m.Name, err)
			}
		}
	}
	return db
}

// A district of six communes of 1.000 households falling about 2 points,
// one falling 20 points, and a tiny commune of 10 households falling 20
// points (3 → 1 poor). Hand computation, 2019 against 2018:
//
//	reductions 2,0 2,5 1,5 2,2 1,8 20 20 → median 2,2; |dev| 0,2 0,3 0,7 0 0,4 17,8 17,8
//	MAD 0,4, floored at min_mad_pp 0,5 → modified z = 0,6745 × 17,8 / 0,5 = 24,012
//	count check, e = (30 − 2,2) % = 0,278:
//	  C6 n = 1.000: (|100 − 278| − 0,5) / √(1.000·0,278·0,722·(1 + 999·0,0005)) = 177,5/17,368 = 10,22 → fires
//	  C7 n = 10:    (|1 − 2,78| − 0,5) / √(10·0,278·0,722·(1 + 9·0,0005)) = 1,28/1,420 = 0,90 → does not
func TestPeerReductionIsCountAware(t *testing.T) {
	db := openRules(t, `
		(2018, 'C1', 1000, 300, 0), (2018, 'C2', 1000, 300, 0), (2018, 'C3', 1000, 300, 0), (2018, 'C4', 1000, 300, 0),
		(2018, 'C5', 1000, 300, 0), (2018, 'C6', 1000, 300, 0), (2018, 'C7', 10, 3, 0),
		(2019, 'C1', 1000, 280, 5), (2019, 'C2', 1000, 275, 0), (2019, 'C3', 1000, 285, 0), (2019, 'C4', 1000, 278, 0),
		(2019, 'C5', 1000, 282, 0), (2019, 'C6', 1000, 100, 0), (2019, 'C7', 10, 1, 0)`)
	ctx := context.Background()
	type ev struct {
		unit, rule            string
		observed, expected, s float64
		reason                string
	}
	rows, err := db.QueryContext(ctx, `SELECT unit_code, rule_id, observed, expected, score, reason_vi
		FROM anomaly_evidence WHERE year = 2019 ORDER BY unit_code, rule_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []ev
	for rows.Next() {
		var e ev
		if err := rows.Scan(&e.unit, &e.rule, &e.observed, &e.expected, &e.s, &e.reason); err != nil {
			t.Fatal(err)
		}
		got = append(got, e)
	}
	want := []ev{
		{"C1", "C_COMPLAINTS", 5, 0, 0.5, "Có 5 khiếu nại về kết quả rà soát"},
		{"C6", "S_PEER_REDUCTION", 20, 2.2, 6, "Tỷ lệ hộ nghèo giảm 20,0 điểm %, gấp 9 lần mức giảm trung vị của các xã cùng Huyện Thử (2,2 điểm %) (từ 30,00% còn 10,00%; z hiệu chỉnh 24,0)"},
	}
	if len(got) != len(want) {
		t.Fatalf("evidence %+v, want %+v", got, want)
	}
	for i, w := range want {
		g := got[i]
		if g.unit != w.unit || g.rule != w.rule || math.Abs(g.observed-w.observed) > 1e-9 ||
			math.Abs(g.expected-w.expected) > 1e-9 || math.Abs(g.s-w.s) > 1e-9 || g.reason != w.reason {
			t.Errorf("evidence %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
	var rank int
	var sev string
	if err := db.QueryRowContext(ctx, `SELECT rank, severity FROM anomalies WHERE year = 2019 AND unit_code = 'C6'`).Scan(&rank, &sev); err != nil {
		t.Fatal(err)
	}
	if rank != 1 || sev != "cao" {
		t.Errorf("C6 rank %d severity %q, want 1 cao", rank, sev)
	}
}

// The helpers, checked against hand-computed values.
func TestSQLHelpers(t *testing.T) {
	db := openRules(t, `(2018, 'C1', 10, 1, 0)`)
	cases := []struct{ expr, want string }{
		{"vn1(20.149)", "20,1"},
		{"vn1(-0.04)", "0,0"},
		{"vn1(1234.56)", "1.234,6"},
		{"vn2(6.3157)", "6,32"},
		{"vn0(1234567)", "1.234.567"},
		// 0,6745 × (10 − 4) / max(1, 2) = 2,0235
		{"round(anm_modz(10, 4, 1, 2), 4)::VARCHAR", "2.0235"},
		// (|300 − 400| − 0,5) / √(4.000 · 0,1 · 0,9) = 99,5 / 18,974 = 5,2441
		{"round(anm_bbz(300, 4000, 0.1, 0), 4)::VARCHAR", "-5.2441"},
		// 3 of 40 against 12 %: (|3 − 4,8| − 0,5) / √(40·0,12·0,88) = 1,3 / 2,0553 = 0,6325
		{"round(anm_bbz(3, 40, 0.12, 0), 4)::VARCHAR", "-0.6325"},
		{"anm_param('S_PEER_REDUCTION', 'mod_z')::VARCHAR", "3.5"},
	}
	for _, c := range cases {
		var got string
		if err := db.QueryRowContext(context.Background(), "SELECT "+c.expr).Scan(&got); err != nil {
			t.Fatalf("%s: %v", c.expr, err)
		}
		if got != c.want {
			t.Errorf("%s = %q, want %q", c.expr, got, c.want)
		}
	}
}
