package synth

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"
)

// csvFiles lists every CSV under dir, relative, in walk (lexical) order.
func csvFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".csv") || strings.HasSuffix(p, ".txt")) {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func cells(t *testing.T, path string) map[string][][]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer f.Close()
	out := map[string][][]string{}
	for _, sh := range f.GetSheetList() {
		rows, err := f.GetRows(sh)
		if err != nil {
			t.Fatalf("%s %s: %v", path, sh, err)
		}
		out[sh] = rows
	}
	return out
}

func TestDeterminism(t *testing.T) {
	if testing.Short() {
		t.Skip("generates three provinces")
	}
	a, _ := generated(t)
	b, c := t.TempDir(), t.TempDir()
	if _, err := Generate(context.Background(), Config{Out: b, Seed: fixtureSeed, Scale: 0.02, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(context.Background(), Config{Out: c, Seed: fixtureSeed + 1, Scale: 0.02}); err != nil {
		t.Fatal(err)
	}
	files := csvFiles(t, a)
	if got := csvFiles(t, b); !reflect.DeepEqual(files, got) {
		t.Fatalf("file lists differ:\n%v\n%v", files, got)
	}
	for _, rel := range files {
		x, _ := os.ReadFile(filepath.Join(a, rel))
		y, _ := os.ReadFile(filepath.Join(b, rel))
		if !bytes.Equal(x, y) {
			t.Errorf("same seed, %s differs", rel)
		}
	}
	// workbooks: identical cells (a sample of every layout, plus the household list)
	var books []string
	_ = filepath.WalkDir(pathIn(a, "forms", "2019", "official"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".xlsx") {
			rel, _ := filepath.Rel(a, p)
			books = append(books, rel)
		}
		return err
	})
	hh, _ := filepath.Glob(pathIn(a, "households", "*", "*", "*.xlsx"))
	for _, p := range hh {
		rel, _ := filepath.Rel(a, p)
		books = append(books, rel)
	}
	for _, rel := range books {
		if !reflect.DeepEqual(cells(t, filepath.Join(a, rel)), cells(t, filepath.Join(b, rel))) {
			t.Errorf("same seed, cells of %s differ", rel)
		}
	}
	x, _ := os.ReadFile(pathIn(a, "truth", "commune_year.csv"))
	y, _ := os.ReadFile(pathIn(c, "truth", "commune_year.csv"))
	if bytes.Equal(x, y) {
		t.Error("a different seed gives the same truth")
	}
	// the geography does not depend on the seed
	for _, rel := range []string{"units/units_2016-01-01.csv", "units/units_2025-07-01.csv", "units/crosswalk_2025-07-01.csv"} {
		x, _ := os.ReadFile(filepath.Join(a, rel))
		y, _ := os.ReadFile(filepath.Join(c, rel))
		if !bytes.Equal(x, y) {
			t.Errorf("%s depends on the seed", rel)
		}
	}
}

func TestScaleOneHouseholds(t *testing.T) {
	for _, seed := range []uint64{0, 1, 2, 42, fixtureSeed} {
		if h := planProvince(seed).households2024(1); h < 470000 || h > 510000 {
			t.Errorf("seed %d: %d households in 2024, want 470 000–510 000", seed, h)
		}
	}
}

func TestUnitsAndCrosswalk(t *testing.T) {
	dir, _ := generated(t)
	units := readTable(t, pathIn(dir, "units", "units_2016-01-01.csv"))
	want := "province_code,province_name,district_code,district_name,district_type,commune_code,commune_name,commune_type,synthetic"
	if got := strings.Join(units.head, ","); got != want {
		t.Fatalf("units header %q", got)
	}
	type dist struct{ code, name string }
	oldDistrict := map[string]string{}
	byDistrict := map[string]map[string]bool{}
	nameDistricts := map[string]map[string]bool{}
	prev := 0
	for _, r := range units.rows {
		if r["synthetic"] != "true" || r["province_code"] != "99" {
			t.Errorf("row %v not marked synthetic province 99", r)
		}
		code := int(num(t, r, "commune_code"))
		if code < 90001 || (prev != 0 && code != prev+3) {
			t.Errorf("commune code %d after %d", code, prev)
		}
		prev = code
		if d := num(t, r, "district_code"); d < 980 || d > 994 {
			t.Errorf("district code %d", d)
		}
		for _, s := range []string{r["commune_name"], r["district_name"]} {
			if !norm.NFC.IsNormalString(s) {
				t.Errorf("%q is not NFC", s)
			}
		}
		if byDistrict[r["district_code"]] == nil {
			byDistrict[r["district_code"]] = map[string]bool{}
		}
		if byDistrict[r["district_code"]][r["commune_name"]] {
			t.Errorf("name %q twice in district %s", r["commune_name"], r["district_code"])
		}
		byDistrict[r["district_code"]][r["commune_name"]] = true
		if nameDistricts[r["commune_name"]] == nil {
			nameDistricts[r["commune_name"]] = map[string]bool{}
		}
		nameDistricts[r["commune_name"]][r["district_code"]] = true
		oldDistrict[r["commune_code"]] = r["district_code"]
	}
	var shared int
	for _, ds := range nameDistricts {
		if len(ds) > 1 {
			shared++
		}
	}
	if len(units.rows) != 180 || len(byDistrict) != 15 || shared != 1 {
		t.Errorf("%d communes in %d districts, %d names shared across districts; want 180, 15, 1", len(units.rows), len(byDistrict), shared)
	}

	newUnits := readTable(t, pathIn(dir, "units", "units_2025-07-01.csv"))
	newNames := map[string]bool{}
	isNew := map[string]bool{}
	for _, r := range newUnits.rows {
		if newNames[r["commune_name"]] {
			t.Errorf("new commune name %q twice", r["commune_name"])
		}
		newNames[r["commune_name"]] = true
		isNew[r["commune_code"]] = true
	}
	cw := readTable(t, pathIn(dir, "units", "crosswalk_2025-07-01.csv"))
	members := map[string][]string{}
	shares := map[string]float64{}
	var fractions int
	for _, r := range cw.rows {
		if !isNew[r["new_code"]] || oldDistrict[r["old_code"]] == "" {
			t.Errorf("crosswalk row %v names an unknown unit", r)
		}
		if r["effective_date"] != "2025-07-01" || r["legal_basis"] != LegalBasis {
			t.Errorf("crosswalk row %v", r)
		}
		s := 1.0
		if r["share"] != "full" {
			s = flt(t, r, "share")
			fractions++
		}
		shares[r["old_code"]] += s
		members[r["new_code"]] = append(members[r["new_code"]], r["old_code"])
	}
	for code, s := range shares {
		if s < 0.999 || s > 1.001 {
			t.Errorf("old commune %s: shares add to %v", code, s)
		}
	}
	if len(shares) != 180 || fractions != 2 {
		t.Errorf("%d old communes in the crosswalk, %d fractional rows; want 180, 2", len(shares), fractions)
	}
	for code, ms := range members {
		if len(ms) < 2 || len(ms) > 5 {
			t.Errorf("new commune %s has %d parts", code, len(ms))
		}
		own := code >= "95001"
		for _, m := range ms {
			own = own || m == code
			if oldDistrict[m] != oldDistrict[ms[0]] {
				t.Errorf("new commune %s spans districts", code)
			}
		}
		if !own {
			t.Errorf("new commune %s has neither a member's code nor a 95xxx code", code)
		}
	}
}
