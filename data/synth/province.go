package synth

import (
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
)

// Province identity. The code "99" and the district codes 980–994 lie above
// every GSO code (provinces ≤ 96, districts ≤ 973), and commune codes start at
// 90001, so synthetic units can never be mistaken for real ones.
const (
	ProvinceCode = "99"
	ProvinceName = "Tỉnh Mẫu (dữ liệu tổng hợp)"
	// ReorgDate is the day districts are abolished and communes merge.
	ReorgDate = "2025-07-01"
	// LegalBasis is the made-up resolution behind the reorganisation.
	LegalBasis = "NQ 9999/NQ-MẪU"
)

// structureSeed fixes the geography (names, codes, mergers) for every seed,
// so a demo database keeps the same units whatever numbers it is filled with;
// Config.Seed drives sizes, rates and flows.
const structureSeed = 0x5359_4E54_4845_5449

type district struct {
	idx      int
	Code     string
	Type     string // Thành phố | Thị xã | Huyện
	Short    string // name without the type word: "M'Đrăng"
	Rate2016 float64
	EMShare  float64
	Communes []*commune
}

// Name is the full name, e.g. "Huyện M'Đrăng".
func (d *district) Name() string { return d.Type + " " + d.Short }

type commune struct {
	idx      int
	Code     string
	Type     string // Xã | Phường | Thị trấn
	Short    string
	District *district
	Tiny     bool
	// Households2024 is the size at Scale 1, before Config.Scale applies.
	Households2024 float64
}

func (c *commune) Name() string { return c.Type + " " + c.Short }
func (c *commune) Urban() bool  { return c.Type != "Xã" }

// part is one row of the crosswalk: an old commune (or a share of it) that
// went into a new commune.
type part struct {
	Old   *commune
	Share float64 // 1 for a whole commune
}

type newCommune struct {
	idx   int
	Code  string
	Type  string // Xã | Phường
	Short string
	Parts []part
	from  *district // for generation only: the new commune has no district
}

func (n *newCommune) Name() string { return n.Type + " " + n.Short }
func (n *newCommune) Urban() bool  { return n.Type == "Phường" }

type province struct {
	Code, Name string // ProvinceCode and ProvinceName unless recoded
	Districts  []*district
	Communes   []*commune    // before 1/7/2025, by code
	New        []*newCommune // from 1/7/2025, by code
	Split      *commune      // the old commune divided between two new ones
}

type districtSpec struct {
	typ, short        string
	rate2016, emShare float64
	communes, urban   int
	tiny              int
}

// districtSpecs is the fixed shape of the province: poor rates from the city's
// 3% to remote districts' 45% in 2016, and ethnic-minority shares from about
// 6% (the city, whose wards halve its 10%) to 85%.
func districtSpecs() []districtSpec {
	return []districtSpec{
		{"Thành phố", "Mẫu Sơn", 3.0, 0.10, 20, 13, 0},
		{"Thị xã", "Buôn Lam", 7.5, 0.22, 12, 7, 0},
		{"Huyện", "Ea Drông", 17, 0.40, 14, 2, 0},
		{"Huyện", "Ea Rốk", 45, 0.85, 10, 1, 1},
		{"Huyện", "Krông Sa", 21, 0.45, 13, 2, 0},
		{"Huyện", "Krông Mar", 28, 0.55, 12, 1, 0},
		{"Huyện", "M'Đrăng", 41, 0.60, 11, 1, 1},
		{"Huyện", "Cư Mlan", 25, 0.65, 12, 1, 0},
		{"Huyện", "Buôn Yang", 35, 0.75, 13, 1, 0},
		{"Huyện", "Hồ Lam", 14, 0.25, 11, 1, 0},
		{"Huyện", "Ea Pốk", 12, 0.30, 12, 1, 0},
		{"Huyện", "Krông Dur", 30, 0.70, 10, 1, 0},
		{"Huyện", "Cư Prông", 19, 0.50, 11, 1, 0},
		{"Huyện", "Tân Hòa", 9, 0.12, 9, 1, 0},
		{"Huyện", "Ia Mlơ", 38, 0.80, 10, 1, 1},
	}
}

// Indexes (into districtSpecs) of districts with a planted role.
const (
	dupNameFrom     = 4  // Krông Sa lends one commune name …
	dupNameTo       = 10 // … to Ea Pốk (the same name in two districts)
	splitDistrict   = 5  // Krông Mar holds the commune split in 2025
	wideImproveDist = 8  // Buôn Yang: district-wide improvement in 2018
)

func namePools(r *rand.Rand) (ethnic, kinh []string) {
	ep := []string{"Ea", "Cư", "Krông", "Đắk", "Ia", "Buôn", "Yang", "Dray"}
	es := []string{"Kao", "Pui", "Tlê", "Sol", "Bhốk", "Drăm", "Kmút", "Hiao", "Wy", "Bung", "Mnang",
		"Ktur", "Păl", "Knốp", "Sin", "Yông", "Rông", "Blang", "Huar", "Nuôl", "Kly", "Sar", "Lốp",
		"Tơh", "H'đing", "M'droh", "H'mlay", "M'lanh", "K'tiêng", "Tiêu", "Đrao", "Jông"}
	kp := []string{"Hòa", "Tân", "Bình", "Phú", "Quảng", "Thuận", "An", "Hưng", "Vĩnh", "Xuân",
		"Long", "Đức", "Thành", "Nam", "Thống", "Cẩm", "Quang", "Hiệp", "Thiện", "Nghĩa"}
	ks := []string{"Lợi", "Thắng", "Phong", "Hiệp", "Tiến", "An", "Hòa", "Thành", "Lập", "Xuân",
		"Phát", "Khánh", "Lộc", "Thịnh", "Bình", "Nghĩa", "Đông", "Tây", "Trung", "Mỹ", "Sơn",
		"Lâm", "Thủy", "Hưng", "Phú", "Long"}
	for _, p := range ep {
		for _, s := range es {
			ethnic = append(ethnic, p+" "+s)
		}
	}
	for _, p := range kp {
		for _, s := range ks {
			if p != s {
				kinh = append(kinh, p+" "+s)
			}
		}
	}
	r.Shuffle(len(ethnic), func(i, j int) { ethnic[i], ethnic[j] = ethnic[j], ethnic[i] })
	r.Shuffle(len(kinh), func(i, j int) { kinh[i], kinh[j] = kinh[j], kinh[i] })
	return ethnic, kinh
}

// planProvince builds the units and the crosswalk (fixed for all seeds) and
// sizes the communes from seed. Sizes are drawn freely, then every commune
// that is not tiny is scaled so the province holds about 490 000 households
// in 2024, then clipped to 300–9 000.
func planProvince(seed uint64) *province {
	sr := newRand(structureSeed, "structure")
	ethnic, kinh := namePools(sr)
	pop := func(pool *[]string) string {
		s := (*pool)[0]
		*pool = (*pool)[1:]
		return s
	}
	p := &province{Code: ProvinceCode, Name: ProvinceName}
	code := 90001
	for di, spec := range districtSpecs() {
		d := &district{idx: di, Code: strconv.Itoa(980 + di), Type: spec.typ, Short: spec.short,
			Rate2016: spec.rate2016, EMShare: spec.emShare}
		p.Districts = append(p.Districts, d)
		for i := 0; i < spec.communes; i++ {
			c := &commune{idx: len(p.Communes), Code: strconv.Itoa(code), District: d}
			code += 3
			switch {
			case i < spec.urban && spec.typ == "Huyện":
				c.Type = "Thị trấn"
				c.Short = d.Short // the district town carries the district's name
				if i > 0 {
					c.Short = pop(&kinh)
				}
			case i < spec.urban:
				c.Type, c.Short = "Phường", pop(&kinh)
			default:
				c.Type = "Xã"
				if sr.Float64() < spec.emShare+0.1 {
					c.Short = pop(&ethnic)
				} else {
					c.Short = pop(&kinh)
				}
			}
			// the tiny communes are the last ones of their district: remote
			// border communes with a few dozen households
			c.Tiny = i >= spec.communes-spec.tiny
			d.Communes = append(d.Communes, c)
			p.Communes = append(p.Communes, c)
		}
	}
	// One name used in two districts, as happens in real lists.
	from := p.Districts[dupNameFrom].Communes
	to := p.Districts[dupNameTo].Communes
	to[len(to)-1].Short = from[len(from)-1].Short
	to[len(to)-1].Type = "Xã"

	sizeCommunes(p, seed)
	planMergers(p, sr, &kinh)
	return p
}

func sizeCommunes(p *province, seed uint64) {
	r := newRand(seed, "sizes")
	var sum float64
	for _, c := range p.Communes {
		switch {
		case c.Tiny:
			c.Households2024 = float64(between(r, 40, 150))
			continue
		case c.Type == "Phường" && c.District.Type == "Thành phố":
			c.Households2024 = uniform(r, 4000, 9000)
		case c.Urban():
			c.Households2024 = uniform(r, 2500, 6000)
		case c.District.Type == "Thành phố":
			c.Households2024 = uniform(r, 2000, 4500)
		default:
			c.Households2024 = math.Exp(math.Log(2300) + 0.45*r.NormFloat64())
		}
		sum += c.Households2024
	}
	target := 490000 * uniform(r, 0.985, 1.015)
	var tiny float64
	for _, c := range p.Communes {
		if c.Tiny {
			tiny += c.Households2024
		}
	}
	f := (target - tiny) / sum
	for _, c := range p.Communes {
		if !c.Tiny {
			c.Households2024 = math.Round(math.Min(9000, math.Max(300, c.Households2024*f)))
		}
	}
}

// planMergers groups each district's communes (in code order, neighbours
// merge) into new communes of 2–4, about one new commune per 2,57 old ones.
// Most new communes keep the code of their first member, as GSO did; a few
// get a fresh code from 95001. In one district the last member of a group of
// three is also split 0,6 / 0,4 with the next group.
func planMergers(p *province, sr *rand.Rand, kinh *[]string) {
	nextNew := 95001
	// new communes report straight to the province, so their names must be
	// unique province-wide (whatever the type word)
	used := map[string]bool{}
	fresh := func() string {
		s := (*kinh)[0]
		*kinh = (*kinh)[1:]
		return s
	}
	uniqueName := func(short string) string {
		for used[short] {
			short = fresh()
		}
		used[short] = true
		return short
	}
	for _, d := range p.Districts {
		n := len(d.Communes)
		k := int(math.Round(float64(n) / 2.57))
		sizes := make([]int, k)
		for i := range sizes {
			sizes[i] = 2
		}
		extra := n - 2*k
		order := sr.Perm(k)
		for i := 0; extra > 0; i = (i + 1) % k {
			if sizes[order[i]] < 4 {
				sizes[order[i]]++
				extra--
			}
		}
		if d.idx == splitDistrict && sizes[0] < 3 {
			// the split needs a donor group of ≥ 3 so both sides keep two whole members
			for j := 1; j < k; j++ {
				if sizes[j] >= 3 {
					sizes[0], sizes[j] = sizes[j], sizes[0]
					break
				}
			}
		}
		at := 0
		var groups []*newCommune
		for gi, sz := range sizes {
			g := &newCommune{from: d}
			for _, c := range d.Communes[at : at+sz] {
				g.Parts = append(g.Parts, part{Old: c, Share: 1})
			}
			at += sz
			g.Type = "Xã"
			for _, pt := range g.Parts {
				if pt.Old.Type == "Phường" {
					g.Type = "Phường"
				}
			}
			if sr.IntN(14) == 0 || (d.idx == 0 && gi == 0) {
				g.Code = strconv.Itoa(nextNew)
				nextNew += 3
				g.Short = uniqueName(fresh())
			} else {
				g.Code = g.Parts[0].Old.Code
				g.Short = uniqueName(g.Parts[0].Old.Short)
			}
			groups = append(groups, g)
		}
		if d.idx == splitDistrict {
			donor, taker := groups[0], groups[1]
			s := donor.Parts[len(donor.Parts)-1]
			donor.Parts[len(donor.Parts)-1].Share = 0.6
			taker.Parts = append(taker.Parts, part{Old: s.Old, Share: 0.4})
			p.Split = s.Old
		}
		p.New = append(p.New, groups...)
	}
	sort.Slice(p.New, func(i, j int) bool { return p.New[i].Code < p.New[j].Code })
	for i, n := range p.New {
		n.idx = i
	}
}

// households2024 is the province total in 2024 at the given scale, as the
// simulation sizes it (used by tests to check the Scale 1 total cheaply).
func (p *province) households2024(scale float64) int64 {
	var t int64
	for _, c := range p.Communes {
		t += scaledHouseholds(c.Households2024, scale)
	}
	return t
}

// scaledHouseholds keeps at least 10 households so that every commune still
// reports a row with some poor and near-poor households at small scales.
func scaledHouseholds(h, scale float64) int64 {
	return max(10, iround(h*scale))
}

// SampleUnit is one commune of the sample province as its officers would
// name it, for tests of readers that need units without ../shared.
type SampleUnit struct {
	DistrictCode, DistrictType, DistrictShort string // empty after 1/7/2025
	Code, Type, Short                         string
}

// SampleUnits lists the sample province's communes before the 2025
// reorganisation (with their districts) and after it.
func SampleUnits() (before, after []SampleUnit) {
	p := planProvince(structureSeed)
	for _, c := range p.Communes {
		before = append(before, SampleUnit{DistrictCode: c.District.Code, DistrictType: c.District.Type, DistrictShort: c.District.Short,
			Code: c.Code, Type: c.Type, Short: c.Short})
	}
	for _, n := range p.New {
		after = append(after, SampleUnit{Code: n.Code, Type: n.Type, Short: n.Short})
	}
	return before, after
}
