package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"rasoat/ingest/vnnum"
	"rasoat/review"
)

// Anomaly kinds planted in the data (truth/anomalies.csv). Kinds starting
// with "negative_" are hard negatives: they look odd but are not problems,
// and a good validator must not flag them.
const (
	KindDropFarBeyondPeers      = "drop_far_beyond_peers"
	KindFlowIdentityBroken      = "flow_identity_broken"
	KindTotalRowMismatch        = "total_row_mismatch"
	KindPrelimOfficialJump      = "prelim_official_jump"
	KindNoNewPoorHighPoverty    = "no_new_poor_high_poverty"
	KindRatePrintedWrong        = "rate_printed_wrong"
	KindHouseholdClassContra    = "household_class_contradicts"
	KindNegativeTinyNoise       = "negative_tiny_commune_noise"
	KindNegativeDistrictImprove = "negative_district_wide_improvement"
	// the end-2021 re-measurement under NĐ 07: a much higher rate everywhere
	KindNegativeStandardChange = "negative_standard_change"
	// a 2025 commune that kept an old code but absorbed others: by code its
	// rate moved a lot, through the crosswalk it did not
	KindNegativeReorganisation = "negative_reorganisation"
)

type anomaly struct {
	Year   int
	Stage  review.Stage
	Code   string
	Kind   string
	Detail string
}

// totalMismatch is a district total row printed wrong in one workbook.
type totalMismatch struct {
	Cycle    int
	Stage    review.Stage
	District string
	Field    string
	Delta    int64
}

// exportSpec is a district-year delivered as CSV exports instead of workbooks.
type exportSpec struct {
	District  int // index into districtSpecs
	Year      int
	Semicolon bool // ';' separator and a UTF-8 BOM
}

func exportSpecs() []exportSpec {
	return []exportSpec{{4, 2017, false}, {4, 2023, false}, {10, 2019, true}, {10, 2024, true}}
}

func exported(district, year int) (exportSpec, bool) {
	for _, e := range exportSpecs() {
		if e.District == district && e.Year == year {
			return e, true
		}
	}
	return exportSpec{}, false
}

// dataset is the simulated province: every record of every cycle and stage.
type dataset struct {
	seed       uint64
	scale      float64
	prov       *province
	cycles     []cycle
	recs       [][2][]*record          // [cycle][stage] by unit code
	index      [][2]map[string]*record // lookup only, never iterated for output
	anomalies  []anomaly
	mismatch   totalMismatch
	households *householdList
}

func stageIdx(s review.Stage) int {
	if s == review.Official {
		return 1
	}
	return 0
}

func (ds *dataset) rec(ci int, s review.Stage, code string) *record {
	return ds.index[ci][stageIdx(s)][code]
}

func (ds *dataset) add(ci int, r *record) {
	si := stageIdx(r.Stage)
	ds.recs[ci][si] = append(ds.recs[ci][si], r)
	ds.index[ci][si][r.Code] = r
}

func (ds *dataset) cycleIndex(year int, standard string) int {
	for i, c := range ds.cycles {
		if c.Year == year && c.Standard == standard {
			return i
		}
	}
	return -1
}

// Planted years: most sit inside one standard's series and away from the
// breaks, where a detector has history to compare with; a few sit on the
// breaks (the 2021 baseline, the 2025 reorganisation) next to the hard
// negatives there, so that a detector is tested where it is easiest to fool.
// Several of a kind, so that the evaluation measures recall, not luck.
const (
	yearWideImprove = 2018
	yearTotalWrong  = 2018
)

func dropYears() []int      { return []int{2017, 2019, 2023} }
func noNewYears() []int     { return []int{2022, 2023} }
func tinyNoiseYears() []int { return []int{2019, 2020, 2023} }

// Printed anomalies by cycle (year and standard).
func flowBrokenCycles() []cycle {
	return []cycle{{Year: 2020, Standard: StdQD59}, {Year: 2021, Standard: StdND07}, {Year: 2023, Standard: StdND07}}
}
func rateWrongCycles() []cycle {
	return []cycle{{Year: 2018, Standard: StdQD59}, {Year: 2022, Standard: StdND07}}
}
func prelimJumpCycles() []cycle {
	return []cycle{{Year: 2022, Standard: StdND07}, {Year: 2024, Standard: StdND07}, {Year: 2025, Standard: StdND07}}
}

func hasYear(ys []int, y int) bool {
	for _, x := range ys {
		if x == y {
			return true
		}
	}
	return false
}

// simulate runs the province through every cycle. Each unit's official
// result of one cycle is the start list of the next (same standard); the
// preliminary submission is derived from the official one.
func simulate(p *province, seed uint64, scale float64) *dataset {
	ds := &dataset{seed: seed, scale: scale, prov: p, cycles: cycles()}
	ds.recs = make([][2][]*record, len(ds.cycles))
	ds.index = make([][2]map[string]*record, len(ds.cycles))
	for i := range ds.index {
		ds.index[i] = [2]map[string]*record{{}, {}}
	}
	r := newRand(seed, "communes")
	old := make([]*unitState, 0, len(p.Communes))
	for _, d := range p.Districts {
		ndF := uniform(r, 1.5, 2.0)
		var sumH, sumHF float64
		start := len(old)
		factors := make([]float64, 0, len(d.Communes))
		for _, c := range d.Communes {
			u := &unitState{code: c.Code, name: c.Name(), district: d.Code, urban: c.Urban(), d: d, tiny: c.Tiny}
			u.growth = uniform(r, 0.01, 0.02)
			u.h2024 = c.Households2024 * scale
			em := d.EMShare * math.Exp(0.35*r.NormFloat64())
			if u.urban {
				em *= 0.5
			}
			u.attrs = attrs{hhSize: uniform(r, 3.6, 4.4), emShare: math.Min(0.98, math.Max(0.005, em)),
				incShare: uniform(r, 0.82, 0.93)}
			u.nd07Factor = ndF * math.Exp(0.08*r.NormFloat64())
			u.nearFactor = uniform(r, 0.95, 1.3)
			f := math.Exp(0.25 * r.NormFloat64())
			if u.urban && d.Type == "Huyện" {
				f *= 0.45 // the district town is far less poor than its villages
			}
			h := float64(u.households(2016))
			sumH += h
			sumHF += h * f
			factors = append(factors, f)
			old = append(old, u)
		}
		// scale the commune factors so the district's household-weighted
		// rate is its 2016 target
		k := d.Rate2016 * sumH / sumHF
		for i, u := range old[start:] {
			pr := math.Min(65, math.Max(0.8, factors[i]*k))
			nr := math.Min(30, math.Max(1, 0.3*pr+uniform(r, 3, 7)))
			nr = math.Min(nr, 85-pr)
			u.lastH = u.households(2016)
			u.lastP = iround(pr / 100 * float64(u.lastH))
			u.lastN = iround(nr / 100 * float64(u.lastH))
		}
	}

	fr := newRand(seed, "flows")
	pr := newRand(seed, "prelim")
	ar := newRand(seed, "anomalies")
	planted := map[string]bool{}
	// pick draws among the top candidates by size (top of them; 0 means the
	// top third): at small scales a pattern planted on a few dozen households
	// is noise, not evidence, and a count-aware detector rightly ignores it.
	pick := func(units []*unitState, ok func(*unitState) bool, size func(*unitState) int64, top int) *unitState {
		var cands []*unitState
		for _, u := range units {
			if !u.tiny && !planted[u.code] && ok(u) {
				cands = append(cands, u)
			}
		}
		if len(cands) == 0 {
			return nil
		}
		sort.SliceStable(cands, func(i, j int) bool { return size(cands[i]) > size(cands[j]) })
		if top <= 0 {
			top = (len(cands) + 2) / 3
		}
		cands = cands[:max(1, min(top, len(cands)))]
		u := cands[ar.IntN(len(cands))]
		planted[u.code] = true
		return u
	}
	lastRate := func(u *unitState) float64 { return float64(u.lastP) / float64(u.lastH) * 100 }
	var tinies []*unitState
	for _, u := range old {
		if u.tiny {
			tinies = append(tinies, u)
		}
	}
	tinyIn := func(year int) *unitState {
		for i, y := range tinyNoiseYears() {
			if y == year && len(tinies) > 0 {
				return tinies[i%len(tinies)]
			}
		}
		return nil
	}

	units := old
	for ci, cy := range ds.cycles {
		if cy.Year == 2025 {
			units = mergeStates(p, old)
		}
		var drop, noNew *unitState
		if !cy.Baseline && hasYear(dropYears(), cy.Year) {
			drop = pick(units, func(u *unitState) bool {
				return u.d != nil && u.d.idx != wideImproveDist && lastRate(u) >= 25 && lastRate(u) <= 38
			}, func(u *unitState) int64 { return u.lastH }, 0)
		}
		if !cy.Baseline && hasYear(noNewYears(), cy.Year) {
			noNew = pick(units, func(u *unitState) bool { return lastRate(u) > 29 && lastRate(u) < 45 },
				func(u *unitState) int64 { return u.lastP }, 3)
		}
		tinyUnit := tinyIn(cy.Year)
		if cy.Baseline || cy.reorganised() {
			tinyUnit = nil
		}
		for _, u := range units {
			H := u.households(cy.Year)
			in := stepIn{H: H, P0: u.lastP, N0: u.lastN, poorEnd: -1}
			lr, ln := lastRate(u), float64(u.lastN)/float64(u.lastH)*100
			switch {
			case ci == 0:
				// 2016: the start lists are the (unrecorded) 2015 results
				in.poorTarget, in.nearTarget = lr, ln
				in.P0 = iround(float64(u.lastP) * uniform(fr, 1.08, 1.18))
				in.N0 = iround(float64(u.lastN) * uniform(fr, 0.95, 1.1))
			case cy.Baseline:
				// re-measured under NĐ 07: same start lists as the QĐ 59
				// review of the year, a much higher result
				in.P0, in.N0 = u.qd59Start21[0], u.qd59Start21[1]
				in.poorTarget = math.Min(75, lr*u.nd07Factor)
				in.nearTarget = math.Min(95-in.poorTarget, ln*u.nearFactor)
			default:
				d := decline(fr, lr)
				if cy.Year == yearWideImprove && u.d != nil && u.d.idx == wideImproveDist {
					// about 6 points in the villages; the same relative push
					// (a fifth of the rate) where poverty is low, or the
					// district town would empty its list in one year
					d += math.Min(6, 0.2*lr)
				}
				if u == tinyUnit {
					d += 10
				}
				in.poorTarget = math.Max(0.5, lr-d)
				in.nearTarget = math.Max(1, ln-uniform(fr, -0.2, 0.6))
			}
			if u == drop {
				in.poorEnd = int64(math.Floor(float64(H) * uniform(ar, 0.095, 0.099)))
			}
			in.noNew = u == noNew
			off := &record{Year: cy.Year, Standard: cy.Standard, Stage: review.Official, Code: u.code,
				Name: u.name, DistrictCode: u.district, Urban: u.urban, TotalHouseholds: H}
			step(fr, in, off)
			off.fillA(u.attrs)
			if fr.Float64() > 0.7 {
				off.Complaints = int64(between(fr, 1, 4))
			}
			pre := prelimOf(pr, off, u.attrs)
			ds.add(ci, pre)
			ds.add(ci, off)
			switch {
			case u == drop:
				ds.anomalies = append(ds.anomalies, anomaly{cy.Year, review.Official, u.code, KindDropFarBeyondPeers,
					fmt.Sprintf("tỷ lệ hộ nghèo giảm từ %s%% xuống %s%% trong một năm", vnnum.FormatFixed(round2(lr), 2), vnnum.FormatFixed(off.PoorRate, 2))})
			case u == noNew:
				ds.anomalies = append(ds.anomalies, anomaly{cy.Year, review.Official, u.code, KindNoNewPoorHighPoverty,
					fmt.Sprintf("tỷ lệ hộ nghèo %s%% nhưng không có hộ phát sinh mới và tái nghèo", vnnum.FormatFixed(off.PoorRate, 2))})
			case u == tinyUnit:
				ds.anomalies = append(ds.anomalies, anomaly{cy.Year, review.Official, u.code, KindNegativeTinyNoise,
					fmt.Sprintf("xã nhỏ %s hộ: tỷ lệ hộ nghèo từ %s%% còn %s%% (biến động do quy mô nhỏ)",
						vnnum.FormatInt(H), vnnum.FormatFixed(round2(lr), 2), vnnum.FormatFixed(off.PoorRate, 2))})
			}
			if cy.Year == 2021 && cy.Standard == StdQD59 {
				u.qd59Start21 = [2]int64{off.PoorStart, off.NearStart}
			}
			u.lastH, u.lastP, u.lastN = H, off.PoorEnd, off.NearPoorEnd
		}
		if cy.Year == yearWideImprove {
			d := p.Districts[wideImproveDist]
			ds.anomalies = append(ds.anomalies, anomaly{cy.Year, review.Official, d.Code, KindNegativeDistrictImprove,
				fmt.Sprintf("mọi xã của %s cùng giảm thêm khoảng 6 điểm phần trăm (chương trình chung của huyện)", d.Name())})
		}
	}
	for ci := range ds.recs {
		for si := range ds.recs[ci] {
			sortRecords(ds.recs[ci][si])
		}
	}
	ds.plantPrinted(ar, planted)
	return ds
}

// mergeStates builds the 2025 reporting units from the old communes' 2024
// official results, weighting each old commune by its crosswalk share. The
// new start lists are round(Σ share × poor_end 2024), which is what a
// consumer gets by applying the crosswalk.
func mergeStates(p *province, old []*unitState) []*unitState {
	byCode := map[string]*unitState{}
	for _, u := range old {
		byCode[u.code] = u
	}
	var out []*unitState
	for _, n := range p.New {
		u := &unitState{code: n.Code, name: n.Name(), urban: n.Urban()}
		var h, pp, nn, g, size, em float64
		for _, pt := range n.Parts {
			o := byCode[pt.Old.Code]
			w := pt.Share * float64(o.lastH)
			h += w
			pp += pt.Share * float64(o.lastP)
			nn += pt.Share * float64(o.lastN)
			g += w * o.growth
			size += w * o.attrs.hhSize
			em += w * o.attrs.emShare
		}
		u.growth, u.attrs = g/h, attrs{hhSize: size / h, emShare: em / h}
		u.h2024 = h
		u.lastH, u.lastP, u.lastN = iround(h), iround(pp), iround(nn)
		out = append(out, u)
	}
	return out
}

// plantPrinted plants the anomalies that live only in what a form prints
// (the simulation itself stays consistent): a broken Form B identity, a
// misprinted rate, a preliminary far from the official result, and a wrong
// district total row.
func (ds *dataset) plantPrinted(r *rand.Rand, planted map[string]bool) {
	choose := func(ci int, ok func(*record) bool) *record {
		var cands []*record
		for _, rec := range ds.recs[ci][1] {
			if rec.TotalHouseholds >= 30 && !planted[rec.Code] && ok(rec) {
				cands = append(cands, rec)
			}
		}
		if len(cands) == 0 {
			return nil
		}
		rec := cands[r.IntN(len(cands))]
		planted[rec.Code] = true
		return rec
	}
	for _, cy := range flowBrokenCycles() {
		rec := choose(ds.cycleIndex(cy.Year, cy.Standard), func(r *record) bool { return r.PoorStart >= 5 })
		if rec == nil {
			continue
		}
		k := max(3, iround(0.05*float64(rec.PoorStart)))
		rec.PoorInNew += k
		ds.anomalies = append(ds.anomalies, anomaly{rec.Year, rec.Stage, rec.Code, KindFlowIdentityBroken,
			fmt.Sprintf("Biểu 02: cột Phát sinh mới ghi thừa %d hộ, đẳng thức cột 9 = 1 − 2 − 3 − 4 + 5 + 6 + 7 + 8 lệch %d", k, k)})
	}
	for _, cy := range rateWrongCycles() {
		rec := choose(ds.cycleIndex(cy.Year, cy.Standard), func(r *record) bool { return r.NearPoorRate >= 5 })
		if rec == nil {
			continue
		}
		real := rec.NearPoorRate
		rec.NearPoorRate = round2(real - 0.6)
		ds.anomalies = append(ds.anomalies, anomaly{rec.Year, rec.Stage, rec.Code, KindRatePrintedWrong,
			fmt.Sprintf("tỷ lệ hộ cận nghèo in %s%%, tính lại được %s%%", vnnum.FormatFixed(rec.NearPoorRate, 2), vnnum.FormatFixed(real, 2))})
	}
	for _, cy := range prelimJumpCycles() {
		ci := ds.cycleIndex(cy.Year, cy.Standard)
		// the inflated preliminary count must still fit the commune: poor
		// and near-poor together never exceed its households
		off := choose(ci, func(r *record) bool {
			pre := ds.rec(ci, review.Preliminary, r.Code)
			want := max(iround(float64(r.PoorEnd)*1.25), r.PoorEnd+3)
			return r.PoorEnd >= 8 && want+pre.NearPoorEnd <= pre.TotalHouseholds
		})
		if off == nil {
			continue
		}
		pre := ds.rec(ci, review.Preliminary, off.Code)
		want := max(iround(float64(off.PoorEnd)*1.25), off.PoorEnd+3)
		delta := want - pre.PoorEnd
		cut := min(max(delta, 0), pre.PoorOutAbove)
		pre.PoorOutAbove -= cut
		pre.PoorInNew += delta - cut
		pre.balance()
		pre.fillA(ds.attrsOf(off))
		ds.anomalies = append(ds.anomalies, anomaly{off.Year, off.Stage, off.Code, KindPrelimOfficialJump,
			fmt.Sprintf("số hộ nghèo sơ bộ %s, chính thức %s (lệch %s%%)", vnnum.FormatInt(pre.PoorEnd), vnnum.FormatInt(off.PoorEnd),
				vnnum.FormatFixed(round2(float64(pre.PoorEnd-off.PoorEnd)/float64(off.PoorEnd)*100), 2))})
	}
	ds.markBreaks()
	// the wrong total row sits in a workbook whose total row is plain
	// numbers (a formula total would recompute itself)
	ci := ds.cycleIndex(yearTotalWrong, StdQD59)
	for k := 0; k < len(ds.prov.Districts); k++ {
		d := ds.prov.Districts[(k+r.IntN(len(ds.prov.Districts)))%len(ds.prov.Districts)]
		if _, ok := exported(d.idx, yearTotalWrong); ok || variantFor(d.idx, ci, 1) == 4 {
			continue
		}
		var sum int64
		for _, rec := range ds.recs[ci][1] {
			if rec.DistrictCode == d.Code {
				sum += rec.PoorEnd
			}
		}
		delta := int64(between(r, 8, 25))
		ds.mismatch = totalMismatch{Cycle: ci, Stage: review.Official, District: d.Code, Field: "poor_end", Delta: delta}
		ds.anomalies = append(ds.anomalies, anomaly{yearTotalWrong, review.Official, d.Code, KindTotalRowMismatch,
			fmt.Sprintf("Biểu 01, cột Số hộ nghèo: dòng tổng ghi %s, cộng các xã được %s", vnnum.FormatInt(sum+delta), vnnum.FormatInt(sum))})
		break
	}
}

// markBreaks records the hard negatives on the two breaks of the series:
// the commune whose rate jumped most at the end-2021 NĐ 07 baseline, and the
// 2025 commune that kept an old code and whose rate moved most against that
// code's 2024 result. Neither is a problem: a reduction is never computed
// across a change of standard, and a merged commune is compared through the
// crosswalk.
func (ds *dataset) markBreaks() {
	q, n := ds.cycleIndex(2021, StdQD59), ds.cycleIndex(2021, StdND07)
	y24, y25 := ds.cycleIndex(2024, StdND07), ds.cycleIndex(2025, StdND07)
	best := func(ci int, before func(code string) *record) (*record, float64) {
		var top *record
		var gap float64
		for _, r := range ds.recs[ci][1] {
			b := before(r.Code)
			if b == nil || r.TotalHouseholds < 30 {
				continue
			}
			g := math.Abs(r.PoorRate - b.PoorRate)
			if top == nil || g > gap {
				top, gap = r, g
			}
		}
		return top, gap
	}
	if q >= 0 && n >= 0 {
		if r, _ := best(n, func(code string) *record { return ds.rec(q, review.Official, code) }); r != nil {
			b := ds.rec(q, review.Official, r.Code)
			ds.anomalies = append(ds.anomalies, anomaly{r.Year, review.Official, r.Code, KindNegativeStandardChange,
				fmt.Sprintf("đo lại theo chuẩn mới: tỷ lệ hộ nghèo từ %s%% (QĐ 59) lên %s%% (NĐ 07)", vnnum.FormatFixed(b.PoorRate, 2), vnnum.FormatFixed(r.PoorRate, 2))})
		}
	}
	if y24 >= 0 && y25 >= 0 {
		merged := map[string]bool{}
		for _, nc := range ds.prov.New {
			if len(nc.Parts) > 1 && nc.Code == nc.Parts[0].Old.Code {
				merged[nc.Code] = true
			}
		}
		r, _ := best(y25, func(code string) *record {
			if !merged[code] {
				return nil
			}
			return ds.rec(y24, review.Official, code)
		})
		if r != nil {
			b := ds.rec(y24, review.Official, r.Code)
			ds.anomalies = append(ds.anomalies, anomaly{r.Year, review.Official, r.Code, KindNegativeReorganisation,
				fmt.Sprintf("xã sáp nhập giữ mã cũ: tỷ lệ hộ nghèo theo mã từ %s%% (2024) thành %s%% (2025), so qua bảng chuyển đổi thì bình thường",
					vnnum.FormatFixed(b.PoorRate, 2), vnnum.FormatFixed(r.PoorRate, 2))})
		}
	}
}

// attrsOf recovers the Form A traits of a unit from its official record, so a
// planted edit to the preliminary row can re-derive Form A consistently.
func (ds *dataset) attrsOf(off *record) attrs {
	size := float64(off.TotalPersons)/float64(off.TotalHouseholds) + 0.02*float64(off.Year-2016)
	a := attrs{hhSize: size, emShare: float64(off.EMHouseholds) / float64(off.TotalHouseholds)}
	if off.PoorEnd > 0 {
		a.incShare = float64(off.PoorIncome) / float64(off.PoorEnd)
	}
	return a
}

func (ds *dataset) sortAnomalies() {
	sort.SliceStable(ds.anomalies, func(i, j int) bool {
		a, b := ds.anomalies[i], ds.anomalies[j]
		if a.Year != b.Year {
			return a.Year < b.Year
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Code < b.Code
	})
}
