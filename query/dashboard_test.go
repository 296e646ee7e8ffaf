package query_test

import (
	"context"
	"encoding/csv"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"rasoat/query"
	"rasoat/query/querytest"
	"rasoat/transform"
)

// truthTable reads the generator's truth/commune_year.csv: what the forms
// say, commune by commune; the expected figures below are summed from it
// here, independently of the transform.
type truthRow map[string]string

func readTruth(t *testing.T, dir string) []truthRow {
	t.Helper()
	return readCSVMaps(t, filepath.Join(dir, "truth", "commune_year.csv"))
}

func readCSVMaps(t *testing.T, path string) []truthRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []truthRow
	for _, r := range rows[1:] {
		m := truthRow{}
		for i, h := range rows[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

func (r truthRow) n(t *testing.T, col string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(r[col], 64)
	if err != nil {
		t.Fatalf("truth %s = %q: %v", col, r[col], err)
	}
	return v
}

type sums map[string]float64

// sumTruth adds up the truth columns for one year, standard and stage over
// the communes keep accepts.
func sumTruth(t *testing.T, rows []truthRow, year int, std, stage string, keep func(truthRow) bool) sums {
	t.Helper()
	s := sums{}
	for _, r := range rows {
		if r["year"] != strconv.Itoa(year) || r["standard"] != std || r["stage"] != stage || (keep != nil && !keep(r)) {
			continue
		}
		s["n"]++
		for _, c := range []string{"total_households", "poor_end", "near_poor_end", "em_households", "em_poor",
			"poor_start", "poor_out_to_near_poor", "poor_out_above_near_poor", "poor_out_other",
			"poor_in_from_near_poor", "poor_in_repoor", "poor_in_new", "poor_in_other"} {
			s[c] += r.n(t, c)
		}
	}
	return s
}

func ptrNear(p *float64, want float64) bool { return p != nil && math.Abs(*p-want) < 1e-9 }

func checkFigures(t *testing.T, what string, u query.UnitFigures, s sums) {
	t.Helper()
	if float64(u.Households) != s["total_households"] || float64(u.Poor) != s["poor_end"] || float64(u.NearPoor) != s["near_poor_end"] {
		t.Errorf("%s: counts %d/%d/%d, truth %v/%v/%v", what, u.Households, u.Poor, u.NearPoor,
			s["total_households"], s["poor_end"], s["near_poor_end"])
	}
	if want := 100 * (s["poor_end"] + s["near_poor_end"]) / s["total_households"]; !ptrNear(u.MultidimRate, want) {
		t.Errorf("%s: multidimensional rate %v, want %v", what, u.MultidimRate, want)
	}
	if want := 100 * s["em_poor"] / s["em_households"]; !ptrNear(u.EMPoorRate, want) {
		t.Errorf("%s: ethnic-minority poor rate %v, want em_poor/em_households = %v", what, u.EMPoorRate, want)
	}
	f := u.Flow
	if f == nil {
		t.Fatalf("%s: no flow", what)
	}
	got := []int64{f.PoorStart, f.OutToNearPoor, f.OutAboveNearPoor, f.OutOther, f.InFromNearPoor, f.InRepoor, f.InNew, f.InOther, f.PoorEnd}
	for i, c := range []string{"poor_start", "poor_out_to_near_poor", "poor_out_above_near_poor", "poor_out_other",
		"poor_in_from_near_poor", "poor_in_repoor", "poor_in_new", "poor_in_other", "poor_end"} {
		if float64(got[i]) != s[c] {
			t.Errorf("%s: flow %s = %d, truth %v", what, c, got[i], s[c])
		}
	}
}

func TestDashboardDefaultsAndDrillDown(t *testing.T) {
	ctx := context.Background()
	smp := querytest.OpenSample(t)
	q := query.New(smp.DB.DB)
	truth := readTruth(t, smp.Dir)

	// Defaults: the latest year, its standard, the counted stage, the province.
	d, err := q.Dashboard(ctx, query.DashParams{})
	if err != nil {
		t.Fatal(err)
	}
	if d.ProvinceCode != "99" || !d.Synthetic || d.Year != 2026 || d.Standard != "ND07_2021" || d.Stage != "" || d.Unit.Level != "province" {
		t.Fatalf("defaults: %s %v %d %s %q %s", d.ProvinceCode, d.Synthetic, d.Year, d.Standard, d.Stage, d.Unit.Level)
	}
	if len(d.Years) != 11 || d.Years[0] != 2016 {
		t.Errorf("years = %v, want 2016–2026", d.Years)
	}
	// After 1/7/2025 the province's children are its communes directly.
	s26 := sumTruth(t, truth, 2026, "ND07_2021", "official", nil)
	if d.ChildLevel != "commune" || float64(len(d.Children)) != s26["n"] {
		t.Errorf("2026: %d %s children, want %v communes", len(d.Children), d.ChildLevel, s26["n"])
	}
	checkFigures(t, "province 2026", d.Unit, s26)
	for i := 1; i < len(d.Children); i++ {
		if *d.Children[i-1].PoorRate < *d.Children[i].PoorRate {
			t.Fatalf("children not highest rate first at %d", i)
		}
	}

	// 2021 has two standards: the new one (the NĐ 07 baseline) by default.
	d, err = q.Dashboard(ctx, query.DashParams{Year: 2021})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Standards) != 2 || d.Standard != "ND07_2021" || !d.IsBaseline {
		t.Errorf("2021: standards %v, chosen %s baseline %v", d.Standards, d.Standard, d.IsBaseline)
	}

	// 2024: province → district → commune, each against the truth.
	d, err = q.Dashboard(ctx, query.DashParams{Year: 2024})
	if err != nil {
		t.Fatal(err)
	}
	checkFigures(t, "province 2024", d.Unit, sumTruth(t, truth, 2024, "ND07_2021", "official", nil))
	if d.ChildLevel != "district" || len(d.Children) != 15 {
		t.Fatalf("2024 children: %d %s, want 15 districts", len(d.Children), d.ChildLevel)
	}
	dist := d.Children[0]
	d, err = q.Dashboard(ctx, query.DashParams{Year: 2024, Unit: dist.Code})
	if err != nil {
		t.Fatal(err)
	}
	inDist := func(r truthRow) bool { return r["district_code"] == dist.Code }
	sd := sumTruth(t, truth, 2024, "ND07_2021", "official", inDist)
	checkFigures(t, "district "+dist.Code, d.Unit, sd)
	if d.Unit.Level != "district" || len(d.Path) != 1 || d.Path[0].Code != "99" || d.ChildLevel != "commune" || float64(len(d.Children)) != sd["n"] {
		t.Fatalf("district page: %+v path %v, %d %s children (want %v)", d.Unit.UnitRef, d.Path, len(d.Children), d.ChildLevel, sd["n"])
	}
	com := d.Children[len(d.Children)-1]
	d, err = q.Dashboard(ctx, query.DashParams{Year: 2024, Unit: com.Code})
	if err != nil {
		t.Fatal(err)
	}
	checkFigures(t, "commune "+com.Code, d.Unit, sumTruth(t, truth, 2024, "ND07_2021", "official", func(r truthRow) bool { return r["unit_code"] == com.Code }))
	if len(d.Path) != 2 || d.Path[1].Code != dist.Code || d.Children != nil {
		t.Errorf("commune page: path %v, %d children", d.Path, len(d.Children))
	}
	// A stage other than the counted one: the preliminary figures.
	d, err = q.Dashboard(ctx, query.DashParams{Year: 2024, Stage: "preliminary", Unit: dist.Code})
	if err != nil {
		t.Fatal(err)
	}
	checkFigures(t, "district preliminary", d.Unit, sumTruth(t, truth, 2024, "ND07_2021", "preliminary", inDist))
	if d.Unit.Targets != nil {
		t.Errorf("preliminary figures carry target verdicts: %+v", d.Unit.Targets)
	}

	// A district code in 2025 (no districts): the province, saying so.
	d, err = q.Dashboard(ctx, query.DashParams{Year: 2025, Unit: dist.Code})
	if err != nil {
		t.Fatal(err)
	}
	if d.UnitMissing != dist.Code || d.Unit.Level != "province" {
		t.Errorf("missing unit: %q, shown %s", d.UnitMissing, d.Unit.Level)
	}
	for _, bad := range []query.DashParams{{Year: 1999}, {Year: 2024, Standard: "QD59_2015"}, {Year: 2024, Stage: "approved"}, {Year: 2024, Stage: "x"}} {
		if _, err := q.Dashboard(ctx, bad); !errors.Is(err, query.ErrBadParam) {
			t.Errorf("%+v: err = %v, want ErrBadParam", bad, err)
		}
	}
	if _, err := q.Dashboard(ctx, query.DashParams{Province: "12"}); !errors.Is(err, query.ErrNoData) {
		t.Errorf("unknown province: err = %v, want ErrNoData", err)
	}
}

// Target verdicts for the province, a district and a commune, and the
// province's reduction, against the truth and data/targets.csv.
func TestDashboardTargets(t *testing.T) {
	ctx := context.Background()
	smp := querytest.OpenSample(t)
	q := query.New(smp.DB.DB)
	truth := readTruth(t, smp.Dir)
	d, err := q.Dashboard(ctx, query.DashParams{Year: 2023})
	if err != nil {
		t.Fatal(err)
	}
	rate := func(y int) float64 {
		s := sumTruth(t, truth, y, "ND07_2021", "official", nil)
		return 100 * s["poor_end"] / s["total_households"]
	}
	red := rate(2022) - rate(2023)
	if !ptrNear(d.Unit.ReductionPP, red) {
		t.Errorf("province reduction %v, want %v", d.Unit.ReductionPP, red)
	}
	// targets.csv: the sample province's own 2021–2025 target is 1,5–2 points.
	var v *query.Verdict
	for i := range d.Unit.Targets {
		if d.Unit.Targets[i].Measure == "poor_rate_reduction_pp" {
			v = &d.Unit.Targets[i]
		}
	}
	if v == nil || v.Min != 1.5 || v.Max == nil || *v.Max != 2 || v.DefaultTarget {
		t.Fatalf("province target = %+v", v)
	}
	r := math.Round(red*100) / 100
	want := "missed"
	switch {
	case r > 2:
		want = "exceeded"
	case r >= 1.5:
		want = "met"
	}
	if v.Status != want || !ptrNear(v.Actual, red) {
		t.Errorf("province verdict %s (actual %v), want %s for %v", v.Status, v.Actual, want, red)
	}
	// Every district has verdicts from the national default (no own target).
	for _, c := range d.Children {
		found := false
		for _, tv := range c.Targets {
			if tv.Measure == "poor_rate_reduction_pp" {
				found = true
				if !tv.DefaultTarget || tv.Min != 1 {
					t.Errorf("district %s: %+v, want the national 1–1,5 default", c.Code, tv)
				}
			}
		}
		if !found {
			t.Errorf("district %s has no poor-rate verdict", c.Code)
		}
	}
	dc, err := q.Dashboard(ctx, query.DashParams{Year: 2023, Unit: d.Children[0].Code})
	if err != nil {
		t.Fatal(err)
	}
	if len(dc.Children) == 0 || len(dc.Children[0].Targets) == 0 {
		t.Errorf("communes carry no verdicts")
	}
}

// A 2025 commune's history is restated through the crosswalk: 2024 is the
// sum of its predecessors (a split one in its share).
func TestDashboardCommuneTrendRestated(t *testing.T) {
	ctx := context.Background()
	smp := querytest.OpenSample(t)
	q := query.New(smp.DB.DB)
	truth := readTruth(t, smp.Dir)
	xw := readCSVMaps(t, filepath.Join(smp.Dir, "units", "crosswalk_2025-07-01.csv"))
	parts := map[string]map[string]bool{}
	for _, r := range xw {
		if r["share"] != "full" {
			continue // the split commune's share is weighted by the transform's method
		}
		if parts[r["new_code"]] == nil {
			parts[r["new_code"]] = map[string]bool{}
		}
		parts[r["new_code"]][r["old_code"]] = true
	}
	// a new commune made of two or more whole old communes, none split
	split := map[string]bool{}
	for _, r := range xw {
		if r["share"] != "full" {
			split[r["new_code"]] = true
		}
	}
	var code string
	for c, ps := range parts {
		if len(ps) >= 2 && !split[c] && (code == "" || c < code) {
			code = c
		}
	}
	if code == "" {
		t.Fatal("no merged commune in the sample")
	}
	d, err := q.Dashboard(ctx, query.DashParams{Year: 2025, Unit: code})
	if err != nil {
		t.Fatal(err)
	}
	if d.Unit.Level != "commune" || len(d.Path) != 1 {
		t.Fatalf("unit %+v path %v", d.Unit.UnitRef, d.Path)
	}
	s := sumTruth(t, truth, 2024, "ND07_2021", "official", func(r truthRow) bool { return parts[code][r["unit_code"]] })
	var p24 *query.DashTrendPoint
	for i := range d.Trend {
		if d.Trend[i].Year == 2024 {
			p24 = &d.Trend[i]
		}
	}
	if p24 == nil || !p24.Restated || !p24.Complete || p24.Households != s["total_households"] || p24.Poor != s["poor_end"] {
		t.Fatalf("2024 restated point %+v, want households %v poor %v", p24, s["total_households"], s["poor_end"])
	}
	if want := 100 * s["em_poor"] / s["em_households"]; !ptrNear(p24.EMPoorRate, want) {
		t.Errorf("restated DTTS rate %v, want %v", p24.EMPoorRate, want)
	}
	// its reduction against the restated 2024
	if want := 100*s["poor_end"]/s["total_households"] - *d.Unit.PoorRate; !d.Unit.Restated || !ptrNear(d.Unit.ReductionPP, want) {
		t.Errorf("reduction %v restated %v, want %v", d.Unit.ReductionPP, d.Unit.Restated, want)
	}
}

func TestDataVersionChangesOnTransformAndIngest(t *testing.T) {
	ctx := context.Background()
	smp := querytest.OpenSample(t)
	q := query.New(smp.DB.DB)
	v1, err := q.DataVersion(ctx)
	if err != nil || v1 == "" {
		t.Fatalf("version %q %v", v1, err)
	}
	if v, _ := q.DataVersion(ctx); v != v1 {
		t.Fatalf("version changed without a change: %q → %q", v1, v)
	}
	if _, err := transform.Run(ctx, smp.DB, transform.Options{}); err != nil {
		t.Fatal(err)
	}
	v2, err := q.DataVersion(ctx)
	if err != nil || v2 == v1 {
		t.Fatalf("after transform: %q (was %q) %v", v2, v1, err)
	}
	if _, err := smp.DB.ExecContext(ctx, `INSERT INTO ingest_file SELECT max(file_id) + 1, 'x.xlsx', 'abc', 1, 'xlsx', now(), 'test' FROM ingest_file`); err != nil {
		t.Fatal(err)
	}
	if v3, _ := q.DataVersion(ctx); v3 == v2 {
		t.Errorf("an accepted file did not change the version %q", v3)
	}
}
