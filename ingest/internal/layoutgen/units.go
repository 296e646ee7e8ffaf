package layoutgen

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"rasoat/data/synth"
)

// Unit is an administrative unit as the generator prints it.
type Unit struct {
	Code  string
	Type  string // Xã | Phường | Thị trấn | Huyện | Thị xã | Thành phố | Tỉnh
	Short string // the name without its type word: "Ea Kao"
}

// Name is the full name: "Xã Ea Kao".
func (u Unit) Name() string { return u.Type + " " + u.Short }

// District is a district with its communes (before 1/7/2025).
type District struct {
	Unit
	Communes []Unit
}

// Units are the units workbooks report on: a province's districts with
// their communes (used for 2016–2024) and its communes after the 2025
// reorganisation (used for 2025).
type Units struct {
	Source    string // where they came from, for test logs
	Province  Unit
	Districts []District
	After2025 []Unit
}

// LoadShared reads the real Đắk Lắk units from dir (../shared/data): the
// 2019 list for 2016–2024 and the list of 1/7/2025.
func LoadShared(dir string) (*Units, error) {
	before, err := readCSV(filepath.Join(dir, "daklak_units_2019.csv"))
	if err != nil {
		return nil, err
	}
	after, err := readCSV(filepath.Join(dir, "daklak_units_2025-07.csv"))
	if err != nil {
		return nil, err
	}
	u := &Units{Source: dir, Province: Unit{Code: "66", Type: "Tỉnh", Short: "Đắk Lắk"}}
	idx := map[string]int{}
	for _, r := range before {
		dc := r["district_code"]
		i, ok := idx[dc]
		if !ok {
			i = len(u.Districts)
			idx[dc] = i
			u.Districts = append(u.Districts, District{Unit: Unit{Code: dc, Type: r["district_type"],
				Short: strings.TrimSpace(strings.TrimPrefix(r["district_name"], r["district_type"]))}})
		}
		u.Districts[i].Communes = append(u.Districts[i].Communes, Unit{Code: r["commune_code"], Type: r["commune_type"],
			Short: strings.TrimSpace(strings.TrimPrefix(r["commune_name"], r["commune_type"]))})
	}
	for _, r := range after {
		if r["province_code"] != "66" {
			continue
		}
		u.After2025 = append(u.After2025, Unit{Code: r["commune_code"], Type: r["commune_type"],
			Short: strings.TrimSpace(strings.TrimPrefix(r["commune_name"], r["commune_type"]))})
	}
	if len(u.Districts) == 0 || len(u.After2025) == 0 {
		return nil, fmt.Errorf("layoutgen: no units in %s", dir)
	}
	return u, nil
}

// Sample returns the units of the built-in synthetic sample province.
func Sample() *Units {
	before, after := synth.SampleUnits()
	u := &Units{Source: "sample province", Province: Unit{Code: "99", Type: "Tỉnh", Short: "Mẫu"}}
	idx := map[string]int{}
	for _, c := range before {
		i, ok := idx[c.DistrictCode]
		if !ok {
			i = len(u.Districts)
			idx[c.DistrictCode] = i
			u.Districts = append(u.Districts, District{Unit: Unit{Code: c.DistrictCode, Type: c.DistrictType, Short: c.DistrictShort}})
		}
		u.Districts[i].Communes = append(u.Districts[i].Communes, Unit{Code: c.Code, Type: c.Type, Short: c.Short})
	}
	for _, c := range after {
		u.After2025 = append(u.After2025, Unit{Code: c.Code, Type: c.Type, Short: c.Short})
	}
	sort.Slice(u.Districts, func(i, j int) bool { return u.Districts[i].Code < u.Districts[j].Code })
	return u
}

func readCSV(path string) ([]map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("%s: empty", path)
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			if i < len(r) {
				m[strings.TrimPrefix(h, "\ufeff")] = r[i]
			}
		}
		out = append(out, m)
	}
	return out, nil
}
