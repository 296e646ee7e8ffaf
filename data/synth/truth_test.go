package synth

import (
	"math"
	"strconv"
	"testing"
)

type truthIndex struct {
	rows []map[string]string
	by   map[string]map[string]string // year|standard|stage|code
}

func loadTruth(t *testing.T, dir string) truthIndex {
	t.Helper()
	tb := readTable(t, pathIn(dir, "truth", "commune_year.csv"))
	ix := truthIndex{rows: tb.rows, by: map[string]map[string]string{}}
	for _, r := range tb.rows {
		k := key(r["year"], r["standard"], r["stage"], r["unit_code"])
		if ix.by[k] != nil {
			t.Fatalf("duplicate truth row %s", k)
		}
		ix.by[k] = r
	}
	return ix
}

// planted returns kind → set of year|stage|code.
func loadAnomalies(t *testing.T, dir string) map[string]map[string]bool {
	t.Helper()
	out := map[string]map[string]bool{}
	for _, r := range readTable(t, pathIn(dir, "truth", "anomalies.csv")).rows {
		if out[r["kind"]] == nil {
			out[r["kind"]] = map[string]bool{}
		}
		out[r["kind"]][key(r["year"], r["stage"], r["unit_code"])] = true
	}
	return out
}

func TestTruthRowsCoverEveryUnitOnce(t *testing.T) {
	dir, sum := generated(t)
	ix := loadTruth(t, dir)
	count := map[string]int{}
	for _, r := range ix.rows {
		count[key(r["year"], r["standard"], r["stage"])]++
	}
	for _, c := range cycles() {
		for _, st := range stages() {
			want := sum.Communes2024
			if c.reorganised() {
				want = sum.Communes2025
			}
			if got := count[key(strconv.Itoa(c.Year), c.Standard, string(st))]; got != want {
				t.Errorf("%d %s %s: %d rows, want %d", c.Year, c.Standard, st, got, want)
			}
		}
	}
	if sum.Communes2024 != 180 || sum.Communes2025 < 65 || sum.Communes2025 > 75 {
		t.Errorf("communes %d → %d, want 180 → 65…75", sum.Communes2024, sum.Communes2025)
	}
}

func TestTruthIdentities(t *testing.T) {
	dir, _ := generated(t)
	ix := loadTruth(t, dir)
	an := loadAnomalies(t, dir)
	var broken int
	for _, r := range ix.rows {
		k := key(r["year"], r["stage"], r["unit_code"])
		n := func(f string) int64 { return num(t, r, f) }
		idB := n("poor_start") - n("poor_out_to_near_poor") - n("poor_out_above_near_poor") - n("poor_out_other") +
			n("poor_in_from_near_poor") + n("poor_in_repoor") + n("poor_in_new") + n("poor_in_other")
		if idB != n("poor_end") {
			if !an[KindFlowIdentityBroken][k] {
				t.Errorf("%s %s: Form B identity gives %d, poor_end %d", k, r["standard"], idB, n("poor_end"))
			}
			broken++
		}
		idC := n("near_poor_start") - n("near_poor_out_escaped") - n("near_poor_out_to_poor") - n("near_poor_out_other") +
			n("near_poor_in_from_poor") + n("near_poor_in_re") + n("near_poor_in_new") + n("near_poor_in_other")
		if idC != n("near_poor_end") {
			t.Errorf("%s: Form C identity gives %d, near_poor_end %d", k, idC, n("near_poor_end"))
		}
		if n("poor_out_to_near_poor") != n("near_poor_in_from_poor") || n("near_poor_out_to_poor") != n("poor_in_from_near_poor") {
			t.Errorf("%s: cross-form identities fail", k)
		}
		if n("poor_out_to_near_poor")+n("poor_out_above_near_poor")+n("poor_out_other") > n("poor_start") ||
			n("near_poor_out_escaped")+n("near_poor_out_to_poor")+n("near_poor_out_other") > n("near_poor_start") {
			t.Errorf("%s: outflows exceed the start stock", k)
		}
		if !(n("em_poor") <= n("em_households") && n("em_households") <= n("total_households")) ||
			n("total_persons") < n("total_households") || n("poor_end")+n("near_poor_end") > n("total_households") {
			t.Errorf("%s: Form A bounds fail: %v", k, r)
		}
		if r["standard"] == StdQD59 {
			if n("poor_income")+n("poor_deprivation") != n("poor_end") {
				t.Errorf("%s: poor_income + poor_deprivation != poor_end", k)
			}
		} else if r["poor_income"] != "" || r["poor_deprivation"] != "" {
			t.Errorf("%s: NĐ 07 row carries the QĐ 59 split", k)
		}
		want := math.Round(float64(n("near_poor_end"))/float64(n("total_households"))*10000) / 100
		if got := flt(t, r, "near_poor_rate_reported"); math.Abs(got-want) > 0.005 && !an[KindRatePrintedWrong][k] {
			t.Errorf("%s: near-poor rate printed %v, recomputed %v", k, got, want)
		}
		want = math.Round(float64(n("poor_end"))/float64(n("total_households"))*10000) / 100
		if got := flt(t, r, "poor_rate_reported"); math.Abs(got-want) > 0.005 {
			t.Errorf("%s: poor rate printed %v, recomputed %v", k, got, want)
		}
	}
	if broken != len(an[KindFlowIdentityBroken]) || broken == 0 {
		t.Errorf("%d rows break the Form B identity, %d planted", broken, len(an[KindFlowIdentityBroken]))
	}
}

// TestTruthContinuity: the start list of a year is the official result of the
// previous year under the same standard (except the baseline and 2016), and
// across the reorganisation it is the crosswalk-weighted sum.
func TestTruthContinuity(t *testing.T) {
	dir, _ := generated(t)
	ix := loadTruth(t, dir)
	cs := cycles()
	checked := 0
	for i, c := range cs {
		if i == 0 || c.Baseline || c.Year == 2025 {
			continue
		}
		prev := cs[i-1]
		if prev.Standard != c.Standard {
			t.Fatalf("cycle %v follows %v under another standard", c, prev)
		}
		for _, st := range stages() {
			for _, r := range ix.rows {
				if r["year"] != strconv.Itoa(c.Year) || r["standard"] != c.Standard || r["stage"] != string(st) {
					continue
				}
				p := ix.by[key(strconv.Itoa(prev.Year), prev.Standard, "official", r["unit_code"])]
				if p == nil {
					t.Fatalf("%d %s: no official %d row", c.Year, r["unit_code"], prev.Year)
				}
				if num(t, r, "poor_start") != num(t, p, "poor_end") || num(t, r, "near_poor_start") != num(t, p, "near_poor_end") {
					t.Errorf("%d %s %s: start %s/%s, previous official end %s/%s", c.Year, st, r["unit_code"],
						r["poor_start"], r["near_poor_start"], p["poor_end"], p["near_poor_end"])
				}
				checked++
			}
		}
	}
	if checked < 180*2*8 {
		t.Errorf("only %d rows checked", checked)
	}

	// 2025: round(Σ share × poor_end 2024 official) over the crosswalk
	cw := readTable(t, pathIn(dir, "units", "crosswalk_2025-07-01.csv"))
	sums := map[string][2]float64{}
	for _, r := range cw.rows {
		share := 1.0
		if r["share"] != "full" {
			share = flt(t, r, "share")
		}
		old := ix.by[key("2024", StdND07, "official", r["old_code"])]
		s := sums[r["new_code"]]
		s[0] += share * float64(num(t, old, "poor_end"))
		s[1] += share * float64(num(t, old, "near_poor_end"))
		sums[r["new_code"]] = s
	}
	for code, s := range sums {
		for _, st := range stages() {
			r := ix.by[key("2025", StdND07, string(st), code)]
			if r == nil {
				t.Fatalf("no 2025 row for new commune %s", code)
			}
			if num(t, r, "poor_start") != int64(math.Round(s[0])) || num(t, r, "near_poor_start") != int64(math.Round(s[1])) {
				t.Errorf("2025 %s %s: start %s/%s, crosswalk sum %.1f/%.1f", st, code, r["poor_start"], r["near_poor_start"], s[0], s[1])
			}
		}
	}
}

// provinceRate sums counts over units (never averages rates).
func provinceRate(t *testing.T, ix truthIndex, year int, std, stage, district string) float64 {
	var p, h int64
	for _, r := range ix.rows {
		if r["year"] == strconv.Itoa(year) && r["standard"] == std && r["stage"] == stage &&
			(district == "" || r["district_code"] == district) {
			p += num(t, r, "poor_end")
			h += num(t, r, "total_households")
		}
	}
	return float64(p) / float64(h) * 100
}

func TestTruthShape(t *testing.T) {
	dir, _ := generated(t)
	ix := loadTruth(t, dir)
	lo, hi := 100.0, 0.0
	for i := 0; i < 15; i++ {
		r := provinceRate(t, ix, 2016, StdQD59, "official", strconv.Itoa(980+i))
		lo, hi = min(lo, r), max(hi, r)
	}
	if lo > 4 || hi < 40 {
		t.Errorf("2016 district poor rates span %.2f–%.2f %%, want ≤ 4 … ≥ 40", lo, hi)
	}
	q, n := provinceRate(t, ix, 2021, StdQD59, "official", ""), provinceRate(t, ix, 2021, StdND07, "official", "")
	if n/q < 1.4 || n/q > 2.1 {
		t.Errorf("baseline NĐ 07 rate %.2f vs QĐ 59 %.2f: ratio %.2f, want 1,5–2", n, q, n/q)
	}
	series := [][2]int{{2016, 2021}, {2022, 2026}}
	for si, s := range series {
		std := StdQD59
		if si == 1 {
			std = StdND07
		}
		for y := s[0] + 1; y <= s[1]; y++ {
			a, b := provinceRate(t, ix, y-1, std, "official", ""), provinceRate(t, ix, y, std, "official", "")
			if d := a - b; d < 0.3 || d > 5 {
				t.Errorf("%s %d→%d: province rate %.2f → %.2f, want a fall of 0,3–5 points", std, y-1, y, a, b)
			}
		}
	}
}

func TestPlantedAnomalies(t *testing.T) {
	dir, _ := generated(t)
	ix := loadTruth(t, dir)
	an := loadAnomalies(t, dir)
	for _, k := range []string{KindDropFarBeyondPeers, KindFlowIdentityBroken, KindTotalRowMismatch, KindPrelimOfficialJump,
		KindNoNewPoorHighPoverty, KindRatePrintedWrong, KindHouseholdClassContra, KindNegativeTinyNoise, KindNegativeDistrictImprove} {
		if len(an[k]) == 0 {
			t.Errorf("no %s planted", k)
		}
	}
	row := func(k string, std string) map[string]string {
		for kk := range an[k] {
			var y, st, code string
			parts := splitKey(kk)
			y, st, code = parts[0], parts[1], parts[2]
			return ix.by[key(y, std, st, code)]
		}
		return nil
	}
	rateOf := func(r map[string]string) float64 {
		return float64(num(t, r, "poor_end")) / float64(num(t, r, "total_households")) * 100
	}
	if r := row(KindDropFarBeyondPeers, StdQD59); r != nil {
		y, _ := strconv.Atoi(r["year"])
		prev := ix.by[key(strconv.Itoa(y-1), StdQD59, "official", r["unit_code"])]
		if a, b := rateOf(prev), rateOf(r); a < 25 || b >= 10 {
			t.Errorf("drop %s: %.2f → %.2f, want ≥ 25 → < 10", r["unit_code"], a, b)
		}
	}
	if r := row(KindNoNewPoorHighPoverty, StdND07); r != nil {
		if num(t, r, "poor_in_new") != 0 || num(t, r, "poor_in_repoor") != 0 || rateOf(r) <= 25 {
			t.Errorf("no-new row %v", r)
		}
	}
	if r := row(KindPrelimOfficialJump, StdND07); r != nil {
		p := ix.by[key(r["year"], StdND07, "preliminary", r["unit_code"])]
		ratio := float64(num(t, p, "poor_end")) / float64(num(t, r, "poor_end"))
		if ratio < 1.15 || ratio > 1.6 {
			t.Errorf("prelim/official %.2f, want ≈ 1,25", ratio)
		}
	}
	// elsewhere preliminary stays within 2 % (+1 household for rounding) of official
	for _, r := range ix.rows {
		if r["stage"] != "official" || an[KindPrelimOfficialJump][key(r["year"], "official", r["unit_code"])] {
			continue
		}
		p := ix.by[key(r["year"], r["standard"], "preliminary", r["unit_code"])]
		for _, f := range []string{"total_households", "poor_end", "near_poor_end"} {
			a, b := num(t, p, f), num(t, r, f)
			if d := math.Abs(float64(a - b)); d > 0.02*float64(b)+0.5*float64(num(t, r, "total_households"))/100+2 {
				t.Errorf("%s %s %s: preliminary %d vs official %d", r["year"], r["unit_code"], f, a, b)
			}
		}
	}
}

func splitKey(k string) []string {
	var out []string
	start := 0
	for i := 0; i < len(k); i++ {
		if k[i] == '|' {
			out = append(out, k[start:i])
			start = i + 1
		}
	}
	return append(out, k[start:])
}
