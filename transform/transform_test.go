package transform

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"rasoat/data"
	"rasoat/review"
	"rasoat/store"
)

// fixture builds a small province by hand: province 77 with districts 701
// and 702; communes 70001, 70004 (district 701) and 70007 (district 702).
// On 2025-07-01 districts go; 70001 absorbs 70004; 70007 stays.
type fixture struct {
	t      *testing.T
	db     *store.DB
	fileID int
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "t.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &fixture{t: t, db: db}
	f.exec(`INSERT INTO ref_unit (unit_code, unit_name, level, unit_type, parent_code, province_code, valid_from, valid_to) VALUES
		('77', 'Tỉnh Thử', 'province', 'Tỉnh', NULL, '77', '2000-01-01', NULL),
		('701', 'Huyện A', 'district', 'Huyện', '77', '77', '2000-01-01', '2025-07-01'),
		('702', 'Huyện B', 'district', 'Huyện', '77', '77', '2000-01-01', '2025-07-01'),
		('70001', 'Xã Một', 'commune', 'Xã', '701', '77', '2000-01-01', '2025-07-01'),
		('70004', 'Xã Hai', 'commune', 'Xã', '701', '77', '2000-01-01', '2025-07-01'),
		('70007', 'Xã Ba', 'commune', 'Xã', '702', '77', '2000-01-01', '2025-07-01'),
		('70001', 'Xã Một Mới', 'commune', 'Xã', '77', '77', '2025-07-01', NULL),
		('70007', 'Xã Ba', 'commune', 'Xã', '77', '77', '2025-07-01', NULL)`)
	f.exec(`INSERT INTO ref_crosswalk (old_code, new_code, share_kind, share, effective_date) VALUES
		('70001', '70001', 'full', NULL, '2025-07-01'),
		('70004', '70001', 'full', NULL, '2025-07-01'),
		('70007', '70007', 'full', NULL, '2025-07-01')`)
	return f
}

func (f *fixture) exec(q string, args ...any) {
	f.t.Helper()
	if _, err := f.db.Exec(q, args...); err != nil {
		f.t.Fatalf("%v\n%s", err, q)
	}
}

// result loads one file holding form A rows for (year, standard, stage),
// reported by unit rep: each row is unit_code, total, poor, near-poor.
func (f *fixture) result(year int, standard, stage, rep string, rows ...[4]any) {
	f.t.Helper()
	f.fileID++
	id := f.fileID
	f.exec(`INSERT INTO ingest_file VALUES (?, ?, ?, 1, 'xlsx', now(), 'test')`, id, fmt.Sprintf("f%d.xlsx", id), fmt.Sprintf("sha%d", id))
	f.exec(`INSERT INTO ingest_sheet VALUES (?, 'Biểu 01', 'A', ?, ?, ?, ?, ?, 0, false)`, id, year, standard, stage, rep, len(rows))
	for i, r := range rows {
		f.exec(`INSERT INTO raw_form_a (file_id, sheet, source_row, year, standard, stage, unit_code, is_total, total_households, poor_end, near_poor_end)
			VALUES (?, 'Biểu 01', ?, ?, ?, ?, ?, false, ?, ?, ?)`, id, 10+i, year, standard, stage, r[0], r[1], r[2], r[3])
	}
}

func (f *fixture) run() {
	f.t.Helper()
	if _, err := Run(context.Background(), f.db, Options{}); err != nil {
		f.t.Fatal(err)
	}
}

type row struct {
	households, poor, near int64
	poorRate, nearRate     float64
	reduction              sql.NullFloat64
	comparable, counted    bool
}

func (f *fixture) get(view, unit string, year int, standard, stage string) (row, bool) {
	f.t.Helper()
	var r row
	err := f.db.QueryRow(`SELECT total_households, poor_end, near_poor_end, poor_rate, near_poor_rate, reduction_pp, comparable, counted
		FROM `+view+` WHERE unit_code = ? AND year = ? AND standard = ? AND stage = ?`, unit, year, standard, stage).
		Scan(&r.households, &r.poor, &r.near, &r.poorRate, &r.nearRate, &r.reduction, &r.comparable, &r.counted)
	if err == sql.ErrNoRows {
		return r, false
	}
	if err != nil {
		f.t.Fatal(err)
	}
	return r, true
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// The published Đắk Lắk figures (domain.md §3): 2017 435.688 households,
// 66.956 poor (15,37%); 2018 446.297 households, 57.180 poor (12,81%),
// 43.376 near-poor (9,72%); reduction 15,37 − 12,81 = 2,56 points. Here they
// are split over three communes; the province row must reproduce them.
func TestPublishedDakLakFiguresReproduce(t *testing.T) {
	f := newFixture(t)
	f.result(2017, "QD59_2015", "official", "77",
		[4]any{"70001", 200000, 30000, 20000}, [4]any{"70004", 135688, 20956, 12704}, [4]any{"70007", 100000, 16000, 10000})
	f.result(2018, "QD59_2015", "official", "77",
		[4]any{"70001", 205000, 25000, 20376}, [4]any{"70004", 140000, 18180, 13000}, [4]any{"70007", 101297, 14000, 10000})
	f.run()
	p, ok := f.get("province_year", "77", 2018, "QD59_2015", "official")
	if !ok {
		t.Fatal("no province row for 2018")
	}
	if p.households != 446297 || p.poor != 57180 || p.near != 43376 {
		t.Fatalf("province 2018 counts = %+v", p)
	}
	if got := math.Round(p.poorRate*100) / 100; got != 12.81 {
		t.Errorf("poor rate %.4f rounds to %.2f, want 12,81", p.poorRate, got)
	}
	if got := math.Round(p.nearRate*100) / 100; got != 9.72 {
		t.Errorf("near-poor rate %.4f rounds to %.2f, want 9,72", p.nearRate, got)
	}
	want := 100.0*66956/435688 - 100.0*57180/446297
	if !p.comparable || !p.reduction.Valid || !near(p.reduction.Float64, want) {
		t.Fatalf("reduction = %+v, want %.6f comparable", p.reduction, want)
	}
	if got := math.Round(p.reduction.Float64*100) / 100; got != 2.56 {
		t.Errorf("reduction rounds to %.2f, want 2,56", got)
	}
	// District 701 = communes 70001 + 70004, from summed counts.
	d, _ := f.get("district_year", "701", 2018, "QD59_2015", "official")
	if d.households != 345000 || d.poor != 43180 || !near(d.poorRate, 100.0*43180/345000) {
		t.Errorf("district 701 2018 = %+v", d)
	}
}

func TestStageThatCountsAndSupersededFiles(t *testing.T) {
	f := newFixture(t)
	f.result(2019, "QD59_2015", "official", "701", [4]any{"70001", 1000, 100, 50}, [4]any{"70004", 1000, 200, 50})
	f.result(2020, "QD59_2015", "preliminary", "701", [4]any{"70001", 1000, 95, 50}, [4]any{"70004", 1000, 190, 50})
	f.result(2020, "QD59_2015", "official", "701", [4]any{"70001", 1000, 90, 50}, [4]any{"70004", 1000, 180, 50})
	// A corrected official file for district 701 supersedes the first one.
	f.result(2020, "QD59_2015", "official", "701", [4]any{"70001", 1000, 80, 50}, [4]any{"70004", 1000, 180, 50})
	f.run()
	pre, _ := f.get("commune_year", "70001", 2020, "QD59_2015", "preliminary")
	off, _ := f.get("commune_year", "70001", 2020, "QD59_2015", "official")
	if pre.counted || !off.counted {
		t.Errorf("counted: preliminary %v official %v", pre.counted, off.counted)
	}
	if off.poor != 80 {
		t.Errorf("superseded file still used: poor = %d, want 80", off.poor)
	}
	if !off.reduction.Valid || !near(off.reduction.Float64, 10.0-8.0) {
		t.Errorf("reduction = %+v, want 2 points", off.reduction)
	}
	// Preliminary also compares with last year's official figure.
	if !pre.reduction.Valid || !near(pre.reduction.Float64, 10.0-9.5) {
		t.Errorf("preliminary reduction = %+v, want 0,5", pre.reduction)
	}
	var n int
	f.db.QueryRow(`SELECT count(*) FROM raw_form_a WHERE year = 2020 AND stage = 'official' AND unit_code = '70001'`).Scan(&n)
	if n != 2 {
		t.Errorf("both official files must stay queryable in raw_form_a, found %d rows", n)
	}
}

func TestStandardBreakIsNotCompared(t *testing.T) {
	f := newFixture(t)
	f.result(2020, "QD59_2015", "official", "77", [4]any{"70001", 1000, 100, 50}, [4]any{"70004", 1000, 100, 50}, [4]any{"70007", 1000, 100, 50})
	f.result(2021, "QD59_2015", "official", "77", [4]any{"70001", 1000, 80, 50}, [4]any{"70004", 1000, 80, 50}, [4]any{"70007", 1000, 80, 50})
	f.result(2021, "ND07_2021", "official", "77", [4]any{"70001", 1000, 180, 50}, [4]any{"70004", 1000, 160, 50}, [4]any{"70007", 1000, 140, 50})
	f.result(2022, "ND07_2021", "official", "77", [4]any{"70001", 1000, 150, 50}, [4]any{"70004", 1000, 150, 50}, [4]any{"70007", 1000, 120, 50})
	f.run()
	q21, _ := f.get("province_year", "77", 2021, "QD59_2015", "official")
	if !q21.comparable || !near(q21.reduction.Float64, 2) {
		t.Errorf("2021 under QĐ 59 compares with 2020: %+v", q21)
	}
	b21, _ := f.get("province_year", "77", 2021, "ND07_2021", "official")
	if b21.comparable || b21.reduction.Valid {
		t.Errorf("the 2021 ND07 baseline must not be compared: %+v", b21)
	}
	r22, _ := f.get("province_year", "77", 2022, "ND07_2021", "official")
	want := 100.0*480/3000 - 100.0*420/3000
	if !r22.comparable || !near(r22.reduction.Float64, want) {
		t.Errorf("2022 compares with the baseline: %+v want %.4f", r22, want)
	}
}

func TestReorganisationTwoLevelYear(t *testing.T) {
	f := newFixture(t)
	f.result(2024, "ND07_2021", "official", "77", [4]any{"70001", 1000, 100, 50}, [4]any{"70004", 500, 100, 50}, [4]any{"70007", 800, 80, 40})
	f.result(2025, "ND07_2021", "official", "77", [4]any{"70001", 1520, 150, 90}, [4]any{"70007", 810, 72, 40})
	f.run()
	merged, ok := f.get("commune_year", "70001", 2025, "ND07_2021", "official")
	if !ok || merged.comparable || merged.reduction.Valid {
		t.Errorf("70001 absorbed 70004: must not compare by code: %+v", merged)
	}
	same, _ := f.get("commune_year", "70007", 2025, "ND07_2021", "official")
	if !same.comparable || !near(same.reduction.Float64, 10-100.0*72/810) {
		t.Errorf("70007 unchanged: %+v", same)
	}
	var n int
	f.db.QueryRow(`SELECT count(*) FROM district_year WHERE year = 2025`).Scan(&n)
	if n != 0 {
		t.Errorf("%d district rows in 2025; there are no districts after 1/7/2025", n)
	}
	var dc sql.NullString
	f.db.QueryRow(`SELECT district_code FROM commune_year WHERE year = 2025 AND unit_code = '70007'`).Scan(&dc)
	if dc.Valid {
		t.Errorf("2025 commune has district %q", dc.String)
	}
	p, _ := f.get("province_year", "77", 2025, "ND07_2021", "official")
	if p.households != 2330 || !p.comparable || !near(p.reduction.Float64, 100.0*280/2300-100.0*222/2330) {
		t.Errorf("province 2025 = %+v", p)
	}
}

// Communes must add up to district and province rows for every measure
// count, in every year and stage.
func TestHierarchySums(t *testing.T) {
	f := newFixture(t)
	f.result(2019, "QD59_2015", "official", "77", [4]any{"70001", 1000, 100, 50}, [4]any{"70004", 500, 60, 30}, [4]any{"70007", 800, 80, 40})
	f.result(2019, "QD59_2015", "preliminary", "77", [4]any{"70001", 1001, 101, 51}, [4]any{"70004", 502, 62, 32}, [4]any{"70007", 803, 83, 43})
	f.run()
	var bad int
	err := f.db.QueryRow(`
		WITH c AS (SELECT year, standard, stage, district_code, province_code, total_households, poor_end, near_poor_end FROM commune_year),
		d AS (SELECT year, standard, stage, district_code AS code, sum(total_households) h, sum(poor_end) p, sum(near_poor_end) n FROM c GROUP BY ALL),
		pr AS (SELECT year, standard, stage, province_code AS code, sum(total_households) h, sum(poor_end) p, sum(near_poor_end) n FROM c GROUP BY ALL)
		SELECT (SELECT count(*) FROM d JOIN district_year v ON v.unit_code = d.code AND v.year = d.year AND v.stage = d.stage AND v.standard = d.standard
		         WHERE v.total_households <> d.h OR v.poor_end <> d.p OR v.near_poor_end <> d.n)
		     + (SELECT count(*) FROM pr JOIN province_year v ON v.unit_code = pr.code AND v.year = pr.year AND v.stage = pr.stage AND v.standard = pr.standard
		         WHERE v.total_households <> pr.h OR v.poor_end <> pr.p OR v.near_poor_end <> pr.n)
		     + (SELECT abs(count(*) - 4) FROM district_year) + (SELECT abs(count(*) - 2) FROM province_year)`).Scan(&bad)
	if err != nil {
		t.Fatal(err)
	}
	if bad != 0 {
		t.Fatalf("%d aggregate rows disagree with their communes", bad)
	}
}

func TestRunTwiceIsIdempotent(t *testing.T) {
	f := newFixture(t)
	f.result(2019, "QD59_2015", "official", "77", [4]any{"70001", 1000, 100, 50})
	f.run()
	f.run()
	var n int
	f.db.QueryRow(`SELECT count(*) FROM ref_cycle`).Scan(&n)
	cycles, err := data.Load("cycles")
	if err != nil {
		t.Fatal(err)
	}
	if want := len(cycles.Records); n != want {
		t.Errorf("ref_cycle has %d rows after two runs", n)
	}
}

// A re-verified commune changes its district and province figures after
// re-verification; the other communes keep their official figures there.
func TestReverifiedCommuneFlowsIntoAreaTotals(t *testing.T) {
	f := newFixture(t)
	f.result(2019, "QD59_2015", "official", "77", [4]any{"70001", 1000, 100, 50}, [4]any{"70004", 500, 60, 30}, [4]any{"70007", 800, 80, 40})
	f.result(2019, "QD59_2015", "reverified", "70004", [4]any{"70004", 500, 90, 30})
	f.run()
	p, ok := f.get("province_year", "77", 2019, "QD59_2015", "reverified")
	if !ok || p.households != 2300 || p.poor != 270 || !p.counted {
		t.Fatalf("province after re-verification = %+v (ok %v), want 2.300 households, 270 poor, counted", p, ok)
	}
	off, _ := f.get("province_year", "77", 2019, "QD59_2015", "official")
	if off.poor != 240 || off.counted {
		t.Errorf("official province row = %+v, want 240 poor, not counted", off)
	}
	d, ok := f.get("district_year", "701", 2019, "QD59_2015", "reverified")
	if !ok || d.poor != 190 || !d.counted {
		t.Errorf("district 701 after re-verification = %+v (ok %v), want 190 poor", d, ok)
	}
	if _, ok := f.get("district_year", "702", 2019, "QD59_2015", "reverified"); ok {
		t.Error("district 702 has no re-verified commune but got a re-verified row")
	}
}

// The model macro stage_rank (sql/models/040) must order stages as
// review.Stage.Rank does: the queries that order by review.RankSQL and the
// models that pick the counted stage agree on one vocabulary.
func TestStageRankMacroAgreesWithReview(t *testing.T) {
	f := newFixture(t)
	f.run()
	for _, s := range append(review.Stages(), "draft") {
		var got int
		if err := f.db.QueryRow(`SELECT stage_rank(?)`, string(s)).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != s.Rank() {
			t.Errorf("stage_rank(%q) = %d, review says %d", s, got, s.Rank())
		}
	}
}
