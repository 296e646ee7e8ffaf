package unitmatch

import (
	"encoding/csv"
	"errors"
	"os"
	"rasoat/data/sharedtest"
	"sync"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func dataFile(t testing.TB, name string) [][]string {
	t.Helper()
	f, err := os.Open(sharedtest.Path(t, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return recs
}

// columns maps header names to indexes.
func columns(t testing.TB, header []string, names ...string) []int {
	t.Helper()
	idx := map[string]int{}
	for i, h := range header {
		idx[h] = i
	}
	out := make([]int, len(names))
	for i, n := range names {
		j, ok := idx[n]
		if !ok {
			t.Fatalf("no column %q in %v", n, header)
		}
		out[i] = j
	}
	return out
}

// units2019 loads the GSO list of 01/12/2019: province 66, 15 districts and
// 184 communes.
func units2019(t testing.TB) (units []Unit, communes []Unit) {
	recs := dataFile(t, "daklak_units_2019.csv")
	c := columns(t, recs[0], "province_code", "province_name", "district_code", "district_name", "commune_code", "commune_name")
	seen := map[string]bool{}
	for _, r := range recs[1:] {
		if !seen[r[c[0]]] {
			seen[r[c[0]]] = true
			units = append(units, Unit{Code: r[c[0]], Name: r[c[1]], Level: LevelProvince})
		}
		if !seen[r[c[2]]] {
			seen[r[c[2]]] = true
			units = append(units, Unit{Code: r[c[2]], Name: r[c[3]], Level: LevelDistrict, ParentCode: r[c[0]]})
		}
		u := Unit{Code: r[c[4]], Name: r[c[5]], Level: LevelCommune, ParentCode: r[c[2]]}
		units = append(units, u)
		communes = append(communes, u)
	}
	return units, communes
}

func TestNormalize(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Xã Ea Kao", "ea kao"},
		{"X. Ea Kao", "ea kao"},
		{"xã  ea   kao", "ea kao"},
		{"EA KAO", "ea kao"},
		{"Xa\u0303 Ea Kao", "ea kao"}, // NFD
		{"Thị trấn Ea Drăng", "ea drang"},
		{"TT Ea Drăng", "ea drang"},
		{"TT. Ea Drăng", "ea drang"},
		{"Thị Xã Buôn Hồ", "buon ho"},
		{"TX. Buôn Hồ", "buon ho"},
		{"Thành phố Buôn Ma Thuột", "buon ma thuot"},
		{"TP. Buôn Ma Thuột", "buon ma thuot"},
		{"Tp Buôn Ma Thuột", "buon ma thuot"},
		{"Huyện M'Đrắk", "mdrak"},
		{"H. M'Drắk", "mdrak"},
		{"MĐrắk", "mdrak"},
		{"Ea H’leo", "ea hleo"},
		{"Tỉnh Đắk Lắk", "dak lak"},
		{"Quận 1", "1"},
		{"Phường 1", "1"},
		{"Phường 01", "1"},
		{"P1", "1"},
		{"p01", "1"},
		{"P. 1", "1"},
		{"Phường 10", "10"},
		{"Xã Phú Hòa 01", "phu hoa 1"},
		{"Xã Quảng Phú", "quang phu"}, // "quan" is a prefix only as a word
		{"Xã", "xa"},                  // a type word alone is the name
		{"Pơng Drang", "pong drang"},
		{"", ""},
	} {
		if got := Normalize(c.in); got != c.want {
			t.Errorf("Normalize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestOfficialNames2019(t *testing.T) {
	units, communes := units2019(t)
	if len(communes) != 184 {
		t.Fatalf("%d communes, want 184", len(communes))
	}
	m := New(units, nil)
	districts := 0
	for _, u := range units {
		switch u.Level {
		case LevelCommune:
			if got, err := m.Match(u.Name, LevelCommune, u.ParentCode); err != nil || got != u.Code {
				t.Errorf("Match(%q, commune, %s) = %q, %v; want %s", u.Name, u.ParentCode, got, err, u.Code)
			}
		case LevelDistrict:
			districts++
			for _, p := range []string{"66", ""} {
				if got, err := m.Match(u.Name, LevelDistrict, p); err != nil || got != u.Code {
					t.Errorf("Match(%q, district, %q) = %q, %v; want %s", u.Name, p, got, err, u.Code)
				}
			}
		}
	}
	if districts != 15 {
		t.Errorf("%d districts, want 15", districts)
	}
}

func TestVariants2019(t *testing.T) {
	units, _ := units2019(t)
	m := New(units, map[string]string{"bmt": "643"})
	for _, c := range []struct {
		name, level, parent, want string
	}{
		{"X. Ea Kao", LevelCommune, "643", "24169"},
		{"EA KAO", LevelCommune, "643", "24169"},
		{"xã  ea   kao", LevelCommune, "643", "24169"},
		{"Xa\u0303 Ea Kao", LevelCommune, "643", "24169"},         // NFD
		{norm.NFD.String("Xã Ea Kao"), LevelCommune, "", "24169"}, // unique in the province
		{"Ea H’leo", LevelCommune, "645", "24184"},
		{"Ea H’leo", LevelDistrict, "66", "645"},
		{"TT Ea Drăng", LevelCommune, "645", "24181"},
		{"Thị Trấn Ea Drăng", LevelCommune, "", "24181"},
		{"M'Drắk", LevelDistrict, "66", "652"},
		{"MĐrắk", LevelDistrict, "", "652"},
		{"H. M'Drắk", LevelDistrict, "", "652"},
		{"Krông Ana", LevelDistrict, "", "655"}, // official "Krông A Na"
		{"TP. Buôn Ma Thuột", LevelDistrict, "", "643"},
		{"TX Buôn Hồ", LevelDistrict, "", "644"},
		{"BMT", LevelDistrict, "", "643"},         // alias
		{"TP BMT", LevelDistrict, "66", "643"},    // alias after the type is dropped
		{"Ea Bhốk", LevelCommune, "657", "24550"}, // GSO writes "Ea BHốk"
		// A name in two districts, settled by the parent or by the type.
		{"Thống Nhất", LevelCommune, "644", "24331"},
		{"Thống Nhất", LevelCommune, "643", "24127"},
		{"Phường Tân Lập", LevelCommune, "", "24118"},
		{"Xã Tân Lập", LevelCommune, "", "24317"},
		{"Ea Drông", LevelCommune, "644", "24328"},
		{"Ea D'Rơng", LevelCommune, "648", "24292"},
	} {
		got, err := m.Match(c.name, c.level, c.parent)
		if err != nil || got != c.want {
			t.Errorf("Match(%q, %s, %q) = %q, %v; want %s", c.name, c.level, c.parent, got, err, c.want)
		}
	}
}

func TestAmbiguous2019(t *testing.T) {
	units, _ := units2019(t)
	m := New(units, nil)
	for _, c := range []struct {
		name  string
		codes []string
	}{
		{"Thống Nhất", []string{"24127", "24331"}},
		{"Tân Lập", []string{"24118", "24317"}},
		{"Ea Drông", []string{"24292", "24328"}}, // "Ea D'Rơng" folds alike
		{"Phường Thống Nhất", []string{"24127", "24331"}},
	} {
		_, err := m.Match(c.name, LevelCommune, "")
		var amb *Ambiguous
		if !errors.As(err, &amb) {
			t.Errorf("Match(%q): %v, want *Ambiguous", c.name, err)
			continue
		}
		var got []string
		for _, u := range amb.Matches {
			got = append(got, u.Code)
		}
		if len(got) != len(c.codes) || got[0] != c.codes[0] && got[0] != c.codes[1] || got[1] != c.codes[0] && got[1] != c.codes[1] || got[0] == got[1] {
			t.Errorf("Match(%q) matches %v, want %v", c.name, got, c.codes)
		}
		if amb.Code() != "E_UNIT_AMBIGUOUS" {
			t.Errorf("code %q", amb.Code())
		}
	}
	_, err := m.Match("Thống Nhất", LevelCommune, "")
	want := `tên đơn vị "Thống Nhất" cấp xã khớp với 2 đơn vị: Phường Thống Nhất (mã 24127, Thành phố Buôn Ma Thuột), ` +
		`Phường Thống Nhất (mã 24331, Thị Xã Buôn Hồ); hãy ghi rõ loại đơn vị (xã, phường, thị trấn) hoặc đơn vị cấp trên`
	if err == nil || err.Error() != want {
		t.Errorf("error\n got %v\nwant %s", err, want)
	}
}

func TestNotFound2019(t *testing.T) {
	units, _ := units2019(t)
	m := New(units, nil)
	_, err := m.Match("Ea Kaoo", LevelCommune, "643")
	var nf *NotFound
	if !errors.As(err, &nf) {
		t.Fatalf("got %v, want *NotFound", err)
	}
	if len(nf.Candidates) != 3 || nf.Candidates[0].Code != "24169" {
		t.Errorf("candidates %v, want Xã Ea Kao first of 3", nf.Candidates)
	}
	if nf.Code() != "E_UNIT_UNKNOWN" {
		t.Errorf("code %q", nf.Code())
	}
	// A commune of another district is not found under this one.
	if _, err := m.Match("Ea Drăng", LevelCommune, "643"); !errors.As(err, &nf) {
		t.Errorf("Ea Drăng under 643: %v, want *NotFound", err)
	}
	// Unknown parent code.
	_, err = m.Match("Ea Kao", LevelCommune, "999")
	if err == nil || err.Error() != `không tìm thấy đơn vị "Ea Kao" trong đơn vị mã 999` {
		t.Errorf("unknown parent: %v", err)
	}
}

// Candidates are ordered by edit distance on normalised names, then name.
func TestCandidatesOrder(t *testing.T) {
	m := New([]Unit{
		{"646", "Huyện Ea Súp", LevelDistrict, "66"},
		{"1", "Xã Hòa Phú", LevelCommune, "646"},
		{"2", "Xã Ea Kar", LevelCommune, "646"},
		{"3", "Xã Ea Ka", LevelCommune, "646"},
		{"4", "Xã Ea Kao", LevelCommune, "646"},
		{"5", "Xã Ea Kao", LevelCommune, "647"}, // other district: not a candidate
	}, nil)
	_, err := m.Match("Ea Kaoo", LevelCommune, "646")
	// "ea kaoo": "ea kao" 1; "ea ka" 2; "ea kar" 2 (o→r, drop o); "hoa phu" more.
	want := `không tìm thấy đơn vị "Ea Kaoo" trong Huyện Ea Súp; tên gần nhất: Xã Ea Kao, Xã Ea Ka, Xã Ea Kar`
	if err == nil || err.Error() != want {
		t.Errorf("error\n got %v\nwant %s", err, want)
	}
	_, err = m.Match("Ea Kaoo", LevelCommune, "")
	want = `không tìm thấy đơn vị "Ea Kaoo" cấp xã; tên gần nhất: Xã Ea Kao, Xã Ea Kao, Xã Ea Ka`
	if err == nil || err.Error() != want {
		t.Errorf("error\n got %v\nwant %s", err, want)
	}
}

// Two units under one parent sharing a name but not a type.
func TestTypedNames(t *testing.T) {
	m := New([]Unit{
		{"24169", "Xã Ea Kao", LevelCommune, "643"},
		{"99999", "Thị trấn Ea Kao", LevelCommune, "643"},
		{"24118", "Phường 1", LevelCommune, "643"},
		{"24121", "Phường 10", LevelCommune, "643"},
	}, nil)
	for _, c := range []struct{ name, want string }{
		{"X. Ea Kao", "24169"},
		{"xã Ea Kao", "24169"},
		{"TT Ea Kao", "99999"},
		{"Thị trấn Ea Kao", "99999"},
		{"P01", "24118"},
		{"Phường 01", "24118"},
		{"p. 10", "24121"},
		{"1", "24118"},
	} {
		if got, err := m.Match(c.name, LevelCommune, "643"); err != nil || got != c.want {
			t.Errorf("Match(%q) = %q, %v; want %s", c.name, got, err, c.want)
		}
	}
	for _, name := range []string{"Ea Kao", "Phường Ea Kao"} {
		var amb *Ambiguous
		if _, err := m.Match(name, LevelCommune, "643"); !errors.As(err, &amb) || len(amb.Matches) != 2 {
			t.Errorf("Match(%q): %v, want Ambiguous with 2 matches", name, err)
		}
	}
}

func TestAliasIgnoredOutsideScope(t *testing.T) {
	m := New([]Unit{
		{"643", "Thành phố Buôn Ma Thuột", LevelDistrict, "66"},
		{"24169", "Xã Ea Kao", LevelCommune, "643"},
	}, map[string]string{"bmt": "643", "eakao": "24169", "ghost": "1"})
	if got, err := m.Match("EaKao", LevelCommune, "643"); err != nil || got != "24169" {
		t.Errorf("alias eakao: %q, %v", got, err)
	}
	// Right alias, wrong level: falls through to names, and fails.
	if _, err := m.Match("BMT", LevelCommune, ""); err == nil {
		t.Error("BMT as a commune: no error")
	}
	if _, err := m.Match("ghost", LevelCommune, ""); err == nil {
		t.Error("alias to an unknown code: no error")
	}
}

// The two-tier Đắk Lắk of 1 July 2025: 102 communes under the province.
func TestUnits2025(t *testing.T) {
	recs := dataFile(t, "daklak_units_2025-07.csv")
	c := columns(t, recs[0], "province_code", "province_name", "commune_code", "commune_name")
	units := []Unit{{Code: recs[1][c[0]], Name: recs[1][c[1]], Level: LevelProvince}}
	for _, r := range recs[1:] {
		units = append(units, Unit{Code: r[c[2]], Name: r[c[3]], Level: LevelCommune, ParentCode: r[c[0]]})
	}
	if len(units) != 103 {
		t.Fatalf("%d units, want 1 + 102", len(units))
	}
	m := New(units, nil)
	for _, u := range units[1:] {
		for _, p := range []string{"66", ""} {
			if got, err := m.Match(u.Name, LevelCommune, p); err != nil || got != u.Code {
				t.Errorf("Match(%q, commune, %q) = %q, %v; want %s", u.Name, p, got, err, u.Code)
			}
		}
	}
	for _, c := range []struct{ name, want string }{
		{"P. Ea Kao", "24169"},
		{"Phú Hòa 01", "22319"},
		{"Xã Ea H’leo", "24184"},
		{"M'Drắk", "24412"},
	} {
		if got, err := m.Match(c.name, LevelCommune, "66"); err != nil || got != c.want {
			t.Errorf("Match(%q) = %q, %v; want %s", c.name, got, err, c.want)
		}
	}
}

func TestConcurrent(t *testing.T) {
	units, communes := units2019(t)
	m := New(units, nil)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := g; i < len(communes); i += 4 {
				u := communes[i]
				if got, err := m.Match(u.Name, LevelCommune, u.ParentCode); err != nil || got != u.Code {
					t.Errorf("Match(%q) = %q, %v", u.Name, got, err)
				}
			}
		})
	}
	wg.Wait()
}

// BenchmarkMatch100k: one op is 100 000 Match calls over the 184 official
// names, some variants and unknown names (the slow path).
func BenchmarkMatch100k(b *testing.B) {
	units, communes := units2019(b)
	m := New(units, nil)
	type q struct{ name, parent string }
	var qs []q
	for _, u := range communes {
		qs = append(qs, q{u.Name, u.ParentCode}, q{"X. " + Normalize(u.Name), u.ParentCode})
	}
	qs = append(qs, q{"Ea Kaoo", "643"}, q{"Thống Nhất", ""})
	b.ResetTimer()
	for b.Loop() {
		for i := range 100_000 {
			c := qs[i%len(qs)]
			_, _ = m.Match(c.name, LevelCommune, c.parent)
		}
	}
}
