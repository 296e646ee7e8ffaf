package query_test

import (
	"context"
	"errors"
	"math"
	"testing"

	"rasoat/query"
	"rasoat/query/querytest"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestProvincesDefaultIsMostRecent(t *testing.T) {
	ctx := context.Background()
	db := querytest.Open(t)
	q := query.New(db.DB)
	got, err := q.Provinces(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []query.Province{
		{Code: "99", Name: "Tỉnh Mẫu", Synthetic: true, LatestYear: 2025},
		{Code: "66", Name: "Đắk Lắk", Synthetic: false, LatestYear: 2018},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("province %d = %+v, want %+v", i, got[i], want[i])
		}
	}

	// A real province with data as recent as the sample goes first; an
	// uncounted preliminary row does not make a year "recent".
	for _, s := range []string{
		`INSERT INTO province_year SELECT * REPLACE ('55' AS unit_code, 'Tỉnh Thật' AS unit_name, '55' AS province_code, false AS synthetic) FROM province_year WHERE unit_code = '99' AND year = 2025`,
		`INSERT INTO province_year SELECT * REPLACE ('44' AS unit_code, 'Tỉnh Sơ Bộ' AS unit_name, '44' AS province_code, false AS synthetic, 2030 AS year) FROM province_year WHERE unit_code = '99' AND year = 2025 AND NOT counted`,
	} {
		if _, err := db.ExecContext(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	got, err = q.Provinces(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, p := range got {
		codes = append(codes, p.Code)
	}
	if len(codes) != 3 || codes[0] != "55" || codes[1] != "99" || codes[2] != "66" {
		t.Fatalf("order = %v, want [55 99 66]", codes)
	}
}

func TestOverviewSampleAfter2025(t *testing.T) {
	ctx := context.Background()
	q := query.New(querytest.Open(t).DB)
	ov, err := q.Overview(ctx, "99")
	if err != nil {
		t.Fatal(err)
	}
	if ov.ProvinceName != "Tỉnh Mẫu" || !ov.Synthetic {
		t.Errorf("header = %q synthetic=%v", ov.ProvinceName, ov.Synthetic)
	}
	// 2025: the official row counts, not the preliminary one (1.500 poor).
	if ov.Year != 2025 || ov.Standard != "ND07_2021" || ov.Stage != "official" {
		t.Errorf("latest = %d %s %s, want 2025 ND07_2021 official", ov.Year, ov.Standard, ov.Stage)
	}
	if ov.Households != 10800 || ov.Poor != 918 || ov.NearPoor != 864 {
		t.Errorf("counts = %d/%d/%d, want 10800/918/864", ov.Households, ov.Poor, ov.NearPoor)
	}
	// 918/10800 = 8,5 %; 864/10800 = 8,0 %.
	if !near(ov.PoorRate, 8.5) || !near(ov.NearPoorRate, 8.0) {
		t.Errorf("rates = %v/%v, want 8.5/8.0", ov.PoorRate, ov.NearPoorRate)
	}
	if ov.ReductionPP == nil || !near(*ov.ReductionPP, 2.0) || !ov.Comparable {
		t.Errorf("reduction = %v comparable=%v, want 2.0 true", ov.ReductionPP, ov.Comparable)
	}
	if ov.UnitsReporting != 3 || ov.UnitsExpected != 3 {
		t.Errorf("units = %d/%d, want 3/3", ov.UnitsReporting, ov.UnitsExpected)
	}
	// Own target 2021–2025 (1,5–2) beats the national one (1–1,5); 2,0 is
	// at the top of the range: đạt, not vượt.
	if ov.Target == nil || ov.Target.Period != "2021-2025" || ov.Target.Min != 1.5 || ov.Target.Max != 2 ||
		ov.Target.Status != query.StatusMeets {
		t.Errorf("target = %+v", ov.Target)
	}

	wantTrend := []struct {
		year     int
		std      string
		baseline bool
		poor     int64
		rate     float64
		red      float64 // NaN = nil
	}{
		{2020, "QD59_2015", false, 1200, 12, math.NaN()},
		{2021, "QD59_2015", false, 1020, 10, 2},
		{2021, "ND07_2021", true, 1530, 15, math.NaN()},
		{2022, "ND07_2021", false, 1300, 12.5, 2.5},
		{2023, "ND07_2021", false, 1155, 11, 1.5},
		{2024, "ND07_2021", false, 1113, 10.5, 0.5},
		{2025, "ND07_2021", false, 918, 8.5, 2},
	}
	if len(ov.Trend) != len(wantTrend) {
		t.Fatalf("trend has %d points, want %d: %+v", len(ov.Trend), len(wantTrend), ov.Trend)
	}
	for i, w := range wantTrend {
		p := ov.Trend[i]
		if p.Year != w.year || p.Standard != w.std || p.IsBaseline != w.baseline || p.Poor != w.poor || !near(p.PoorRate, w.rate) {
			t.Errorf("trend[%d] = %+v, want %+v", i, p, w)
		}
		if math.IsNaN(w.red) != (p.ReductionPP == nil) || (p.ReductionPP != nil && !near(*p.ReductionPP, w.red)) {
			t.Errorf("trend[%d] reduction = %v, want %v", i, p.ReductionPP, w.red)
		}
	}

	// No districts after 1/7/2025: the communes, highest rate first, the
	// uncounted preliminary row of 99001 (900 poor) left out.
	if ov.RankingLevel != query.LevelCommune {
		t.Errorf("ranking level = %q", ov.RankingLevel)
	}
	wantRank := []struct {
		code string
		rate float64
	}{{"99003", 268 * 100.0 / 1800}, {"99002", 10}, {"99001", 5}}
	if len(ov.Ranking) != len(wantRank) {
		t.Fatalf("ranking = %+v", ov.Ranking)
	}
	for i, w := range wantRank {
		if ov.Ranking[i].Code != w.code || !near(ov.Ranking[i].PoorRate, w.rate) {
			t.Errorf("ranking[%d] = %+v, want %s %.4f", i, ov.Ranking[i], w.code, w.rate)
		}
	}
	if ov.Ranking[1].Name != querytest.HostileName {
		t.Errorf("unit name altered by the query layer: %q", ov.Ranking[1].Name)
	}
	var sumH, sumP int64
	for _, u := range ov.Ranking {
		sumH += u.Households
		sumP += u.Poor
	}
	if sumH != ov.Households || sumP != ov.Poor {
		t.Errorf("communes add up to %d/%d, province %d/%d", sumH, sumP, ov.Households, ov.Poor)
	}
}

func TestOverviewRealProvinceDistricts(t *testing.T) {
	ctx := context.Background()
	q := query.New(querytest.Open(t).DB)
	ov, err := q.Overview(ctx, "66")
	if err != nil {
		t.Fatal(err)
	}
	if ov.Synthetic || ov.Year != 2018 || ov.Standard != "QD59_2015" || ov.Stage != "approved" {
		t.Errorf("header = %+v", ov)
	}
	// 57.180 / 446.297 = 12,81 %; 43.376 / 446.297 = 9,72 % (QĐ 10/QĐ-UBND).
	if math.Round(ov.PoorRate*100) != 1281 || math.Round(ov.NearPoorRate*100) != 972 {
		t.Errorf("rates = %.4f / %.4f, want 12,81 / 9,72", ov.PoorRate, ov.NearPoorRate)
	}
	// 15,3679 − 12,8121 = 2,5558 points: within 2,5–3, đạt.
	if ov.ReductionPP == nil || math.Abs(*ov.ReductionPP-2.5558) > 1e-4 {
		t.Errorf("reduction = %v, want 2.5558", ov.ReductionPP)
	}
	if ov.Target == nil || ov.Target.Period != "2016-2020" || ov.Target.Status != query.StatusMeets {
		t.Errorf("target = %+v", ov.Target)
	}
	if ov.RankingLevel != query.LevelDistrict {
		t.Fatalf("ranking level = %q (a commune row must not displace the districts)", ov.RankingLevel)
	}
	want := []struct {
		name string
		rate int // rate × 100, rounded
	}{{"Ea Súp", 4313}, {"M'Đrắk", 4110}, {"Buôn Đôn", 3886}, {"Krông Bông", 3595}}
	if len(ov.Ranking) != len(want) {
		t.Fatalf("ranking = %+v", ov.Ranking)
	}
	for i, w := range want {
		if ov.Ranking[i].Name != w.name || int(math.Round(ov.Ranking[i].PoorRate*100)) != w.rate {
			t.Errorf("ranking[%d] = %s %.4f, want %s %d", i, ov.Ranking[i].Name, ov.Ranking[i].PoorRate, w.name, w.rate)
		}
	}
}

func TestOverviewBaselineYearPicksNewStandard(t *testing.T) {
	ctx := context.Background()
	db := querytest.Open(t)
	if _, err := db.ExecContext(ctx, `DELETE FROM province_year WHERE unit_code = '99' AND year > 2021`); err != nil {
		t.Fatal(err)
	}
	ov, err := query.New(db.DB).Overview(ctx, "99")
	if err != nil {
		t.Fatal(err)
	}
	// 2021 has QĐ 59 (10 %) and the NĐ 07 baseline (15 %): the newest wins.
	if ov.Year != 2021 || ov.Standard != "ND07_2021" || !near(ov.PoorRate, 15) {
		t.Errorf("latest = %d %s %.2f, want 2021 ND07_2021 15", ov.Year, ov.Standard, ov.PoorRate)
	}
	if ov.ReductionPP != nil || ov.Comparable {
		t.Errorf("baseline reduction = %v comparable=%v", ov.ReductionPP, ov.Comparable)
	}
	if ov.Target == nil || ov.Target.Period != "2021-2025" || ov.Target.Status != query.StatusNotComparable {
		t.Errorf("target = %+v, want 2021-2025 không so sánh được", ov.Target)
	}
	if len(ov.Ranking) != 0 || ov.RankingLevel != query.LevelDistrict {
		t.Errorf("ranking = %q %+v, want empty district list", ov.RankingLevel, ov.Ranking)
	}
}

func TestOverviewUnknownProvince(t *testing.T) {
	_, err := query.New(querytest.Open(t).DB).Overview(context.Background(), "00")
	if !errors.Is(err, query.ErrNoData) {
		t.Fatalf("err = %v, want ErrNoData", err)
	}
}

func TestOverviewHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	q := query.New(querytest.Open(t).DB)
	cancel()
	if _, err := q.Overview(ctx, "99"); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func BenchmarkOverview(b *testing.B) {
	ctx := context.Background()
	q := query.New(querytest.OpenLarge(b).DB)
	ov, err := q.Overview(ctx, "98")
	if err != nil {
		b.Fatal(err)
	}
	if ov.Year != 2026 || len(ov.Ranking) != 102 || len(ov.Trend) != 12 {
		b.Fatalf("large fixture: year %d, %d units, %d trend points", ov.Year, len(ov.Ranking), len(ov.Trend))
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := q.Overview(ctx, "98"); err != nil {
			b.Fatal(err)
		}
	}
}
