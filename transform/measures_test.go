package transform

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"math"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/text/unicode/norm"

	"rasoat/data"
)

func isNFC(s string) bool { return norm.NFC.IsNormalString(s) }

// formFields says which form each field of a full row belongs to.
var formFields = map[string][]string{
	"A": {"total_households", "total_persons", "poor_end", "near_poor_end", "poor_persons", "near_poor_persons",
		"em_households", "em_poor", "em_near_poor", "poor_income", "poor_deprivation", "complaints"},
	"B": {"poor_start", "poor_out_to_near_poor", "poor_out_above_near_poor", "poor_out_other",
		"poor_in_from_near_poor", "poor_in_repoor", "poor_in_new", "poor_in_other", "poor_end"},
	"C": {"near_poor_start", "near_poor_out_escaped", "near_poor_out_to_poor", "near_poor_out_other",
		"near_poor_in_from_poor", "near_poor_in_re", "near_poor_in_new", "near_poor_in_other", "near_poor_end"},
}

// full loads one commune's row of forms A, B and C (the fields given in v;
// a form none of whose fields is given is not sent), one file per form.
func (f *fixture) full(year int, standard, stage, unit string, v map[string]int64) {
	f.t.Helper()
	for _, form := range []string{"A", "B", "C"} {
		var cols []string
		var args []any
		for _, c := range formFields[form] {
			if x, ok := v[c]; ok {
				cols = append(cols, c)
				args = append(args, x)
			}
		}
		if len(cols) == 0 || (form != "A" && len(cols) == 1) { // end count alone: not a flow form
			continue
		}
		f.fileID++
		id := f.fileID
		f.exec(`INSERT INTO ingest_file VALUES (?, ?, ?, 1, 'csv', now(), 'test')`, id, fmt.Sprintf("f%d.csv", id), fmt.Sprintf("sha%d", id))
		f.exec(`INSERT INTO ingest_sheet VALUES (?, 'csv', ?, ?, ?, ?, ?, 1, 0, false)`, id, form, year, standard, stage, unit)
		q := fmt.Sprintf(`INSERT INTO raw_form_%s (file_id, source_row, year, standard, stage, unit_code, is_total, %s)
			VALUES (?, 2, ?, ?, ?, ?, false%s)`, strings.ToLower(form), strings.Join(cols, ", "), strings.Repeat(", ?", len(cols)))
		f.exec(q, append([]any{id, year, standard, stage, unit}, args...)...)
	}
}

// runWith runs the transform with reference files overridden by ref (the
// shipped ones fill in the rest).
func (f *fixture) runWith(over map[string]string) {
	f.t.Helper()
	ref := fstest.MapFS{}
	for _, name := range []string{"standards", "cycles", "targets", "anomaly_rules"} {
		b, err := fs.ReadFile(data.Files(), name+".csv")
		if err != nil {
			f.t.Fatal(err)
		}
		ref[name+".csv"] = &fstest.MapFile{Data: b}
	}
	for name, text := range over {
		ref[name+".csv"] = &fstest.MapFile{Data: []byte(text)}
	}
	if _, err := Run(context.Background(), f.db, Options{Reference: ref}); err != nil {
		f.t.Fatal(err)
	}
}

// num reads one numeric column of one view row; NULL is NaN.
func (f *fixture) num(view, col, where string, args ...any) float64 {
	f.t.Helper()
	var v sql.NullFloat64
	err := f.db.QueryRow(`SELECT `+col+`::DOUBLE FROM `+view+` WHERE `+where, args...).Scan(&v)
	if err != nil {
		f.t.Fatalf("%s.%s where %s %v: %v", view, col, where, args, err)
	}
	if !v.Valid {
		return math.NaN()
	}
	return v.Float64
}

func (f *fixture) str(q string, args ...any) string {
	f.t.Helper()
	var s sql.NullString
	if err := f.db.QueryRow(q, args...).Scan(&s); err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
	return s.String
}

func approx(got, want float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	return math.Abs(got-want) < 1e-6
}

// Every measure of 070_mart_unit_year on a commune whose figures are
// chosen so each value can be worked out by hand (comments give the sums).
func TestMeasuresHandComputed(t *testing.T) {
	f := newFixture(t)
	const std = "ND07_2021"
	f.full(2021, std, "official", "70007", map[string]int64{"total_households": 1000, "poor_end": 130, "near_poor_end": 60, "em_households": 400, "em_poor": 100})
	f.full(2022, std, "official", "70007", map[string]int64{
		"total_households": 1000, "total_persons": 4000, "poor_end": 100, "near_poor_end": 50,
		"poor_persons": 450, "near_poor_persons": 200, "em_households": 400, "em_poor": 80, "em_near_poor": 30,
		// form B: 120 − 15 − 10 − 5 + 4 + 3 + 2 + 1 = 100
		"poor_start": 120, "poor_out_to_near_poor": 15, "poor_out_above_near_poor": 10, "poor_out_other": 5,
		"poor_in_from_near_poor": 4, "poor_in_repoor": 3, "poor_in_new": 2, "poor_in_other": 1,
		// form C: 51 − 12 − 4 − 3 + 15 + 2 + 1 + 0 = 50
		"near_poor_start": 51, "near_poor_out_escaped": 12, "near_poor_out_to_poor": 4, "near_poor_out_other": 3,
		"near_poor_in_from_poor": 15, "near_poor_in_re": 2, "near_poor_in_new": 1, "near_poor_in_other": 0,
	})
	f.full(2022, std, "official", "70001", map[string]int64{"total_households": 500, "poor_end": 50, "near_poor_end": 25, "em_households": 100, "em_poor": 30})
	f.full(2023, std, "official", "70007", map[string]int64{"total_households": 1010, "poor_end": 80, "near_poor_end": 55, "em_households": 404, "em_poor": 60})
	f.run()
	for _, tc := range []struct {
		year int
		col  string
		want float64
	}{
		{2022, "multidim_rate", 15},
		{2022, "poor_persons_rate", 11.25},
		{2022, "near_poor_persons_rate", 5},
		{2022, "em_poor_rate", 20},
		{2022, "em_near_poor_rate", 7.5},
		{2022, "em_share_of_poor", 80},
		{2022, "poor_escaped", 25},
		{2022, "escape_rate", 100.0 * 25 / 120},
		{2022, "escape_above_near_poor_rate", 100.0 * 10 / 120},
		{2022, "new_poverty_rate", 0.2},
		{2022, "new_poverty_ratio", 8}, // 2 new per 25 escaped
		{2022, "repoverty_ratio", 12},  // 3 re-poor per 25 escaped
		{2022, "near_poor_to_poor_rate", 100.0 * 4 / 51},
		{2022, "near_poor_escape_rate", 100.0 * 12 / 51},
		{2022, "poor_net_change", -20},
		{2022, "poor_income_rate", math.NaN()}, // not reported under NĐ 07
		{2022, "reduction_pp", 3},              // 13 − 10 against the 2021 baseline
		{2022, "period_start_year", 2021},
		{2022, "avg_annual_reduction_pp", 3},
		{2023, "reduction_pp", 10 - 100.0*80/1010},
		{2023, "multidim_reduction_pp", 15 - 100.0*135/1010},
		{2023, "em_poor_reduction_pp", 20 - 100.0*60/404},
		{2023, "avg_annual_reduction_pp", (13 - 100.0*80/1010) / 2},
		{2023, "em_avg_annual_reduction_pp", (25 - 100.0*60/404) / 2},
		{2023, "multidim_relative_reduction_pct", 100 * (1 - 135.0/190)},
		{2021, "reduction_pp", math.NaN()}, // a baseline is never compared
		{2021, "avg_annual_reduction_pp", math.NaN()},
	} {
		got := f.num("commune_year", tc.col, "unit_code = '70007' AND year = ? AND standard = ? AND stage = 'official'", tc.year, std)
		if !approx(got, tc.want) {
			t.Errorf("%d %s = %v, want %v", tc.year, tc.col, got, tc.want)
		}
	}
	// The province's DTTS rate comes from summed counts: (80 + 30) / (400 + 100).
	if got := f.num("province_year", "em_poor_rate", "unit_code = '77' AND year = 2022 AND stage = 'official'"); !approx(got, 22) {
		t.Errorf("province em_poor_rate = %v, want 22", got)
	}
	// Targets from the shipped data: national '*' 2021–2025 is 1–1,5 points
	// overall and > 3 for DTTS.
	status := func(year int, measure string) string {
		return f.str(`SELECT status FROM unit_target_year WHERE unit_code = '70007' AND year = ? AND standard = ? AND measure = ?`, year, std, measure)
	}
	for _, tc := range []struct {
		year          int
		measure, want string
	}{
		{2022, "poor_rate_reduction_pp", "exceeded"},       // 3 > 1,5
		{2023, "poor_rate_reduction_pp", "exceeded"},       // 2,08 > 1,5
		{2023, "em_poor_rate_reduction_pp", "met"},         // 5,15 ≥ 3, no upper bound
		{2021, "poor_rate_reduction_pp", "not_comparable"}, // baseline
		{2023, "multidim_relative_reduction_pct", "in_progress"},
	} {
		if got := status(tc.year, tc.measure); got != tc.want {
			t.Errorf("%d %s status = %q, want %q", tc.year, tc.measure, got, tc.want)
		}
	}
}

// Target statuses on the boundaries, with a unit's own target winning over
// the '*' default, and the values rounded to the two decimals shown.
func TestTargetStatus(t *testing.T) {
	f := newFixture(t)
	const std = "ND07_2021"
	// province 77: 10% in 2021 (baseline), then 8,00% (−2,00: met at the top
	// of 1,5–2), 5,50% (−2,50: exceeded), 5,00% (−0,50: missed)
	poor := map[int]int64{2021: 1000, 2022: 800, 2023: 550, 2024: 500}
	for y, p := range poor {
		f.full(y, std, "official", "70001", map[string]int64{"total_households": 10000, "poor_end": p, "near_poor_end": 0})
	}
	targets := "period,first_year,last_year,unit_code,measure,target_min,target_max,source\n" +
		"2021-2025,2021,2025,77,poor_rate_reduction_pp,1.5,2,test province\n" +
		"2021-2025,2021,2025,*,poor_rate_reduction_pp,0.4,0.5,national default\n" +
		"2021-2025,2021,2025,*,multidim_relative_reduction_pct,50,,QĐ 90 test\n"
	f.runWith(map[string]string{"targets": targets})
	for _, tc := range []struct {
		unit       string
		year       int
		measure    string
		want, avgS string
	}{
		{"77", 2021, "poor_rate_reduction_pp", "not_comparable", "not_comparable"},
		{"77", 2022, "poor_rate_reduction_pp", "met", "met"},           // 2,00; average 2,00
		{"77", 2023, "poor_rate_reduction_pp", "exceeded", "exceeded"}, // 2,50; average (10 − 5,5)/2 = 2,25
		{"77", 2024, "poor_rate_reduction_pp", "missed", "met"},        // 0,50; average 5/3 = 1,67
		{"70001", 2024, "poor_rate_reduction_pp", "met", "exceeded"},   // '*' 0,4–0,5 for the commune
	} {
		var st, avg sql.NullString
		err := f.db.QueryRow(`SELECT status, period_status FROM unit_target_year WHERE unit_code = ? AND year = ? AND measure = ?`,
			tc.unit, tc.year, tc.measure).Scan(&st, &avg)
		if err != nil {
			t.Fatalf("%s %d: %v", tc.unit, tc.year, err)
		}
		if st.String != tc.want || avg.String != tc.avgS {
			t.Errorf("%s %d %s: status %q period %q, want %q %q", tc.unit, tc.year, tc.measure, st.String, avg.String, tc.want, tc.avgS)
		}
	}
	// QĐ 90: poor + near-poor halved against the start (1 000 → 500 = 50%)
	// is judged only in the period's last year.
	if got := f.str(`SELECT status FROM unit_target_year WHERE unit_code = '77' AND year = 2024 AND measure = 'multidim_relative_reduction_pct'`); got != "in_progress" {
		t.Errorf("relative reduction before the last year: %q", got)
	}
	f.full(2025, std, "official", "70001", map[string]int64{"total_households": 10000, "poor_end": 499, "near_poor_end": 0})
	f.runWith(map[string]string{"targets": targets})
	if got := f.str(`SELECT status_vi FROM unit_target_year WHERE unit_code = '77' AND year = 2025 AND measure = 'multidim_relative_reduction_pct'`); got != "đạt" {
		t.Errorf("1 000 → 499 in 2025 must meet the halving target: %q", got)
	}
}

// A new standard and its baseline declared only in data: the 2026 review
// under ND351_2025 starts a series, 2027 compares with it, and the 2026
// review under NĐ 07 still compares with 2025. No SQL changes.
func TestNewStandardDeclaredInDataOnly(t *testing.T) {
	f := newFixture(t)
	base, err := fs.ReadFile(data.Files(), "cycles.csv")
	if err != nil {
		t.Fatal(err)
	}
	cycles := string(base) +
		"2026,TEST_2026,true,false,2026-2030,,,,new standard's baseline (test)\n" +
		"2027,TEST_2026,false,true,2026-2030,,,,\n"
	stds, _ := fs.ReadFile(data.Files(), "standards.csv")
	standards := string(stds) + "TEST_2026,Chuẩn thử,test,2026,2030,3000000,4000000,,,12,3,income_and_deprivation,150,185,test\n"
	f.full(2025, "ND07_2021", "official", "70001", map[string]int64{"total_households": 1000, "poor_end": 100, "near_poor_end": 50})
	f.full(2026, "ND07_2021", "official", "70001", map[string]int64{"total_households": 1000, "poor_end": 90, "near_poor_end": 50})
	f.full(2026, "TEST_2026", "official", "70001", map[string]int64{"total_households": 1000, "poor_end": 200, "near_poor_end": 80})
	f.full(2027, "TEST_2026", "official", "70001", map[string]int64{"total_households": 1000, "poor_end": 170, "near_poor_end": 80})
	f.runWith(map[string]string{"cycles": cycles, "standards": standards})
	for _, tc := range []struct {
		year      int
		standard  string
		red       float64
		comp      bool
		start     float64
		avgAnnual float64
	}{
		{2026, "ND07_2021", 1, true, 2025, 1}, // 2026–2030 under NĐ 07 starts from 2025
		{2026, "TEST_2026", math.NaN(), false, 2026, math.NaN()},
		{2027, "TEST_2026", 3, true, 2026, 3},
	} {
		w := "unit_code = '77' AND year = ? AND standard = ? AND stage = 'official'"
		red := f.num("province_year", "reduction_pp", w, tc.year, tc.standard)
		comp := f.num("province_year", "comparable::INTEGER", w, tc.year, tc.standard) == 1
		start := f.num("province_year", "period_start_year", w, tc.year, tc.standard)
		avg := f.num("province_year", "avg_annual_reduction_pp", w, tc.year, tc.standard)
		if !approx(red, tc.red) || comp != tc.comp || start != tc.start || !approx(avg, tc.avgAnnual) {
			t.Errorf("%d %s: reduction %v comparable %v start %v avg %v; want %v %v %v %v",
				tc.year, tc.standard, red, comp, start, avg, tc.red, tc.comp, tc.start, tc.avgAnnual)
		}
	}
}

// The published Đắk Lắk 2018 figures, with income and deprivation poor and
// the DTTS and near-poor measures, reproduce at province level.
func TestPublishedDakLak2018IncomeDeprivation(t *testing.T) {
	f := newFixture(t)
	f.full(2017, "QD59_2015", "official", "70001", map[string]int64{"total_households": 435688, "poor_end": 66956, "near_poor_end": 42704})
	f.full(2018, "QD59_2015", "official", "70001", map[string]int64{"total_households": 300000, "poor_end": 40000, "near_poor_end": 30000, "poor_income": 35000, "poor_deprivation": 5000})
	f.full(2018, "QD59_2015", "official", "70007", map[string]int64{"total_households": 146297, "poor_end": 17180, "near_poor_end": 13376, "poor_income": 15868, "poor_deprivation": 1312})
	f.run()
	w := "unit_code = '77' AND year = 2018 AND stage = 'official'"
	for _, tc := range []struct {
		col  string
		want float64
	}{
		{"poor_income", 50868},
		{"poor_deprivation", 6312},
		{"poor_income + poor_deprivation - poor_end", 0},
		{"round(poor_rate, 2)", 12.81},
		{"round(near_poor_rate, 2)", 9.72},
		{"round(poor_income_rate, 2)", 11.40}, // 50 868 / 446 297
		{"round(poor_deprivation_rate, 2)", 1.41},
		{"round(multidim_rate, 2)", 22.53}, // (57 180 + 43 376) / 446 297
		{"round(reduction_pp, 2)", 2.56},   // 15,37 − 12,81
	} {
		if got := f.num("province_year", tc.col, w); !approx(got, tc.want) {
			t.Errorf("%s = %v, want %v", tc.col, got, tc.want)
		}
	}
}

// The analyst schema is documented: every view and column has a one-line
// comment in NFC with the Vietnamese term beside the English (" — ").
func TestEveryAnalystColumnIsDocumented(t *testing.T) {
	f := newFixture(t)
	f.run()
	rows, err := f.db.Query(`
		SELECT c.table_name, c.column_name, coalesce(c.comment, '')
		FROM duckdb_columns() c
		WHERE c.table_name IN (SELECT view_name FROM analyst_doc WHERE column_name IS NULL)
		UNION ALL
		SELECT view_name, '', coalesce(comment, '') FROM duckdb_views()
		WHERE view_name IN (SELECT view_name FROM analyst_doc WHERE column_name IS NULL)`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	views := map[string]bool{}
	for rows.Next() {
		var v, c, doc string
		if err := rows.Scan(&v, &c, &doc); err != nil {
			t.Fatal(err)
		}
		views[v] = true
		if !strings.Contains(doc, " — ") || strings.Contains(doc, "\n") {
			t.Errorf("%s.%s: comment %q is not one line 'English — tiếng Việt'", v, c, doc)
		}
		if !isNFC(doc) {
			t.Errorf("%s.%s: comment not NFC", v, c)
		}
	}
	var names []string
	for v := range views {
		names = append(names, v)
	}
	sort.Strings(names)
	want := "commune_year commune_year_restated district_year household_check household_class household_class_commune province_year unit_target_year"
	if got := strings.Join(names, " "); !strings.Contains(got, want) {
		t.Errorf("analyst views = %s, want at least %s", got, want)
	}
}
