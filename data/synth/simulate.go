package synth

import (
	"math"
	"math/rand/v2"
	"sort"

	"rasoat/review"
)

// Poverty standards, as named in exports and in the database.
const (
	StdQD59 = "QD59_2015"
	StdND07 = "ND07_2021"
)

// cycle is one review: a year under one standard. 2021 has two: the last
// QĐ 59 review and the end-2021 baseline re-measured under NĐ 07.
type cycle struct {
	Year     int
	Standard string
	Baseline bool
}

func (c cycle) reorganised() bool { return c.Year >= 2025 }

func cycles() []cycle {
	var cs []cycle
	for y := 2016; y <= 2021; y++ {
		cs = append(cs, cycle{Year: y, Standard: StdQD59})
	}
	cs = append(cs, cycle{Year: 2021, Standard: StdND07, Baseline: true})
	for y := 2022; y <= 2026; y++ {
		cs = append(cs, cycle{Year: y, Standard: StdND07})
	}
	return cs
}

func stages() []review.Stage { return []review.Stage{review.Preliminary, review.Official} }

// record is one unit's figures for one cycle and stage, exactly as the forms
// print them: forms A, B and C share poor_end and near_poor_end.
type record struct {
	Year         int
	Standard     string
	Stage        review.Stage
	Code, Name   string
	DistrictCode string // empty after the reorganisation
	Urban        bool

	TotalHouseholds, TotalPersons int64
	PoorEnd                       int64
	PoorRate                      float64
	NearPoorEnd                   int64
	NearPoorRate                  float64
	PoorPersons, NearPoorPersons  int64
	EMHouseholds, EMPoor, EMNear  int64
	PoorIncome, PoorDeprivation   int64 // QĐ 59 reviews only
	Complaints                    int64
	PoorStart, PoorOutToNear      int64
	PoorOutAbove, PoorOutOther    int64
	PoorInFromNear, PoorInRepoor  int64
	PoorInNew, PoorInOther        int64
	NearStart, NearOutEscaped     int64
	NearOutToPoor, NearOutOther   int64
	NearInFromPoor, NearInRe      int64
	NearInNew, NearInOther        int64
}

// value returns the field named as in review.Fields; ok is false for a field
// the form does not carry (poor_income and poor_deprivation under NĐ 07).
func (r *record) value(name string) (v float64, ok bool) {
	i := func(n int64) (float64, bool) { return float64(n), true }
	switch name {
	case "total_households":
		return i(r.TotalHouseholds)
	case "total_persons":
		return i(r.TotalPersons)
	case "poor_end":
		return i(r.PoorEnd)
	case "poor_rate_reported":
		return r.PoorRate, true
	case "near_poor_end":
		return i(r.NearPoorEnd)
	case "near_poor_rate_reported":
		return r.NearPoorRate, true
	case "poor_persons":
		return i(r.PoorPersons)
	case "near_poor_persons":
		return i(r.NearPoorPersons)
	case "em_households":
		return i(r.EMHouseholds)
	case "em_poor":
		return i(r.EMPoor)
	case "em_near_poor":
		return i(r.EMNear)
	case "poor_income":
		return float64(r.PoorIncome), r.Standard == StdQD59
	case "poor_deprivation":
		return float64(r.PoorDeprivation), r.Standard == StdQD59
	case "complaints":
		return i(r.Complaints)
	case "poor_start":
		return i(r.PoorStart)
	case "poor_out_to_near_poor":
		return i(r.PoorOutToNear)
	case "poor_out_above_near_poor":
		return i(r.PoorOutAbove)
	case "poor_out_other":
		return i(r.PoorOutOther)
	case "poor_in_from_near_poor":
		return i(r.PoorInFromNear)
	case "poor_in_repoor":
		return i(r.PoorInRepoor)
	case "poor_in_new":
		return i(r.PoorInNew)
	case "poor_in_other":
		return i(r.PoorInOther)
	case "near_poor_start":
		return i(r.NearStart)
	case "near_poor_out_escaped":
		return i(r.NearOutEscaped)
	case "near_poor_out_to_poor":
		return i(r.NearOutToPoor)
	case "near_poor_out_other":
		return i(r.NearOutOther)
	case "near_poor_in_from_poor":
		return i(r.NearInFromPoor)
	case "near_poor_in_re":
		return i(r.NearInRe)
	case "near_poor_in_new":
		return i(r.NearInNew)
	case "near_poor_in_other":
		return i(r.NearInOther)
	}
	return 0, false
}

// formFields are the columns a form carries in this cycle: NĐ 07 forms have
// no split of the poor by income and deprivation.
func formFields(f review.Form, standard string) []review.Field {
	var out []review.Field
	for _, fd := range review.Fields(f) {
		if standard != StdQD59 && (fd.Name == "poor_income" || fd.Name == "poor_deprivation") {
			continue
		}
		out = append(out, fd)
	}
	return out
}

// attrs are a unit's slow-moving traits, used to derive Form A from the counts.
type attrs struct {
	hhSize   float64 // persons per household in 2016
	emShare  float64 // share of ethnic-minority households
	incShare float64 // share of the poor that are poor by income (QĐ 59)
}

func (a attrs) emPoorShare() float64 { return math.Min(0.97, a.emShare*1.35+0.03) }
func (a attrs) emNearShare() float64 { return math.Min(0.95, a.emShare*1.15+0.02) }

// fillA derives Form A from the household total and the two end stocks, with
// deterministic formulas so that preliminary and official agree in kind.
func (r *record) fillA(a attrs) {
	size := a.hhSize - 0.02*float64(r.Year-2016) // households shrink slowly
	h := r.TotalHouseholds
	r.TotalPersons = iround(float64(h) * size)
	r.PoorRate = rate(r.PoorEnd, h)
	r.NearPoorRate = rate(r.NearPoorEnd, h)
	r.PoorPersons = iround(float64(r.PoorEnd) * (size + 0.4))
	r.NearPoorPersons = iround(float64(r.NearPoorEnd) * (size + 0.2))
	r.EMHouseholds = iround(float64(h) * a.emShare)
	r.EMPoor = min(iround(float64(r.PoorEnd)*a.emPoorShare()), r.EMHouseholds)
	r.EMNear = min(iround(float64(r.NearPoorEnd)*a.emNearShare()), r.EMHouseholds-r.EMPoor)
	r.PoorIncome, r.PoorDeprivation = 0, 0
	if r.Standard == StdQD59 {
		r.PoorIncome = iround(float64(r.PoorEnd) * a.incShare)
		r.PoorDeprivation = r.PoorEnd - r.PoorIncome
	}
}

// stepIn is what one commune-year needs to produce its official flows.
type stepIn struct {
	H          int64
	P0, N0     int64
	poorTarget float64 // percent
	nearTarget float64 // percent
	noNew      bool    // planted: zero new and zero re-poor households
	// poorEnd, when ≥ 0, fixes the poor count exactly (a planted drop must
	// land just under 10 % even at small scales, where rounding matters).
	poorEnd int64
}

// step draws the flows of Forms B and C so that the identities hold by
// construction: the escapes are the balancing item, and when the target asks
// for growth the excess enters as new households instead.
func step(r *rand.Rand, in stepIn, rec *record) {
	P0, N0 := in.P0, in.N0
	frac := func(n int64, lo, hi float64) int64 { return iround(float64(n) * uniform(r, lo, hi)) }
	p1 := iround(in.poorTarget / 100 * float64(in.H))
	if in.poorEnd >= 0 {
		p1 = in.poorEnd
	}
	n1 := iround(in.nearTarget / 100 * float64(in.H))

	outOther := frac(P0, 0.005, 0.02)
	inOther := frac(P0, 0.002, 0.01)
	inRepoor := frac(P0, 0.005, 0.02)
	inNew := frac(P0, 0.02, 0.06)
	inFromNear := frac(N0, 0.02, 0.05)
	if in.noNew {
		inRepoor, inNew = 0, 0
	}
	esc := P0 - outOther + inFromNear + inRepoor + inNew + inOther - p1
	if esc < 0 {
		if !in.noNew {
			inNew -= esc
		}
		esc = 0
	}
	esc = min(esc, P0-outOther)
	toNear := iround(float64(esc) * uniform(r, 0.55, 0.75))
	rec.PoorStart, rec.PoorOutToNear, rec.PoorOutAbove, rec.PoorOutOther = P0, toNear, esc-toNear, outOther
	rec.PoorInFromNear, rec.PoorInRepoor, rec.PoorInNew, rec.PoorInOther = inFromNear, inRepoor, inNew, inOther

	nOutOther := frac(N0, 0.005, 0.02)
	nInRe := frac(N0, 0.005, 0.02)
	nInNew := frac(N0, 0.03, 0.08)
	nInOther := frac(N0, 0.002, 0.01)
	nEsc := N0 - inFromNear - nOutOther + toNear + nInRe + nInNew + nInOther - n1
	if nEsc < 0 {
		nInNew -= nEsc
		nEsc = 0
	}
	nEsc = min(nEsc, N0-inFromNear-nOutOther)
	rec.NearStart, rec.NearOutEscaped, rec.NearOutToPoor, rec.NearOutOther = N0, nEsc, inFromNear, nOutOther
	rec.NearInFromPoor, rec.NearInRe, rec.NearInNew, rec.NearInOther = toNear, nInRe, nInNew, nInOther
	rec.balance()
}

// balance sets the end stocks from the flows (the printed identity).
func (r *record) balance() {
	r.PoorEnd = r.PoorStart - r.PoorOutToNear - r.PoorOutAbove - r.PoorOutOther +
		r.PoorInFromNear + r.PoorInRepoor + r.PoorInNew + r.PoorInOther
	r.NearPoorEnd = r.NearStart - r.NearOutEscaped - r.NearOutToPoor - r.NearOutOther +
		r.NearInFromPoor + r.NearInRe + r.NearInNew + r.NearInOther
}

// prelimOf derives the preliminary submission from the official one: the
// same start lists, every flow nudged by up to ±2 %, ends re-balanced, so the
// preliminary row is as internally consistent as the official one.
func prelimOf(r *rand.Rand, off *record, a attrs) *record {
	p := *off
	p.Stage = review.Preliminary
	nudge := func(n int64) int64 { return max(0, n+iround(float64(n)*uniform(r, -0.02, 0.02))) }
	p.PoorOutToNear = nudge(p.PoorOutToNear)
	p.PoorOutAbove = nudge(p.PoorOutAbove)
	p.PoorOutOther = nudge(p.PoorOutOther)
	p.PoorInFromNear = nudge(p.PoorInFromNear)
	p.PoorInRepoor = nudge(p.PoorInRepoor)
	p.PoorInNew = nudge(p.PoorInNew)
	p.PoorInOther = nudge(p.PoorInOther)
	p.NearOutEscaped = nudge(p.NearOutEscaped)
	p.NearOutOther = nudge(p.NearOutOther)
	p.NearInRe = nudge(p.NearInRe)
	p.NearInNew = nudge(p.NearInNew)
	p.NearInOther = nudge(p.NearInOther)
	p.clampOutflows()
	p.TotalHouseholds = max(p.TotalHouseholds+iround(float64(p.TotalHouseholds)*uniform(r, -0.005, 0.005)), 1)
	p.fillA(a)
	return &p
}

// clampOutflows keeps outflows within the start stock after an edit, by
// trimming the escapes, and restores the cross-form identities and the ends.
func (r *record) clampOutflows() {
	r.NearOutToPoor = r.PoorInFromNear
	r.NearInFromPoor = r.PoorOutToNear
	if over := r.PoorOutToNear + r.PoorOutAbove + r.PoorOutOther - r.PoorStart; over > 0 {
		cut := min(over, r.PoorOutAbove)
		r.PoorOutAbove -= cut
		r.PoorOutToNear -= over - cut
		r.NearInFromPoor = r.PoorOutToNear
	}
	if over := r.NearOutEscaped + r.NearOutToPoor + r.NearOutOther - r.NearStart; over > 0 {
		cut := min(over, r.NearOutEscaped)
		r.NearOutEscaped -= cut
		r.NearOutOther = max(0, r.NearOutOther-(over-cut))
	}
	r.balance()
}

// unitState carries one reporting unit from year to year.
type unitState struct {
	code, name, district string
	urban                bool
	attrs                attrs
	growth               float64
	h2024                float64 // scaled households in 2024 (unrounded)
	nd07Factor           float64 // how much the NĐ 07 baseline raises the poor rate
	nearFactor           float64
	tiny                 bool
	d                    *district
	// official results of the last cycle
	lastH, lastP, lastN int64
	qd59Start21         [2]int64 // QĐ 59 2021 start lists, reused by the baseline
}

func (u *unitState) households(year int) int64 {
	return max(10, iround(u.h2024*math.Pow(1+u.growth, float64(year-2024))))
}

// decline is the yearly fall of the poor rate in points: about a tenth of
// the rate, capped at 4 points, so poor districts fall 1–4 points a year and
// rich ones much less; never below 0,5 %.
func decline(r *rand.Rand, pct float64) float64 {
	return math.Min(4, pct*uniform(r, 0.06, 0.12))
}

func sortRecords(rs []*record) {
	sort.Slice(rs, func(i, j int) bool { return rs[i].Code < rs[j].Code })
}
