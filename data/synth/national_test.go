package synth

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"rasoat/review"
)

// A national set of three small provinces: every file is checked against
// the provinces' own truth files, read back as text.
func TestNationalSet(t *testing.T) {
	dir := t.TempDir()
	const n = 3
	sum, err := Generate(context.Background(), Config{Out: dir, Seed: 11, Scale: 0.02, Provinces: n})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Provinces != n || sum.Workbooks != 0 {
		t.Fatalf("summary: %+v", sum)
	}
	// README, 3 unit files; per province 6 exports, a household list, 2 truth files
	if files := csvFiles(t, dir); len(files) != 4+9*n || sum.Files != len(files) {
		t.Errorf("%d files, summary says %d, want %d", len(files), sum.Files, 4+9*n)
	}

	units := readTable(t, filepath.Join(dir, "units", "units_2016-01-01.csv"))
	after := readTable(t, filepath.Join(dir, "units", "units_2025-07-01.csv"))
	xw := readTable(t, filepath.Join(dir, "units", "crosswalk_2025-07-01.csv"))
	if sum.Communes2024 != len(units.rows) || sum.Communes2025 != len(after.rows) {
		t.Errorf("summary counts %d/%d, files %d/%d", sum.Communes2024, sum.Communes2025, len(units.rows), len(after.rows))
	}
	seen := map[string]bool{}
	perProvince := map[string]int{}
	names := map[string]string{}
	for _, u := range units.rows {
		p := u["province_code"]
		perProvince[p]++
		if names[p] == "" {
			names[p] = u["province_name"]
		}
		for _, code := range []string{u["commune_code"]} {
			if seen[code] {
				t.Errorf("commune code %s twice", code)
			}
			seen[code] = true
		}
		// 3-digit province, 6-digit district, 8-digit commune: never a GSO code
		if len(p) != 3 || !strings.HasPrefix(u["district_code"], p) || len(u["district_code"]) != 6 ||
			!strings.HasPrefix(u["commune_code"], p) || len(u["commune_code"]) != 8 {
			t.Errorf("codes %s/%s/%s", p, u["district_code"], u["commune_code"])
		}
	}
	if len(perProvince) != n {
		t.Fatalf("%d provinces in the unit list, want %d", len(perProvince), n)
	}
	distinct := map[string]bool{}
	for _, nm := range names {
		distinct[nm] = true
		if !strings.Contains(nm, "tổng hợp") {
			t.Errorf("province name %q does not say it is synthetic", nm)
		}
	}
	if len(distinct) != n {
		t.Errorf("province names %v", names)
	}
	for _, x := range xw.rows {
		if x["old_code"][:3] != x["new_code"][:3] {
			t.Errorf("crosswalk across provinces: %v", x)
		}
	}

	heads := map[string]bool{}
	idForm := regexp.MustCompile(`^099\d{9}$`)
	var latest int64
	for p := range perProvince {
		truth := readTable(t, filepath.Join(dir, "truth", p, "commune_year.csv"))
		byKey := map[string]map[string]string{}
		perStd := map[string]int{}
		for _, r := range truth.rows {
			byKey[key(r["year"], r["standard"], r["stage"], r["unit_code"])] = r
			perStd[r["standard"]]++
			if r["year"] == "2026" && r["stage"] == "official" {
				latest += num(t, r, "total_households")
			}
		}
		// exports: every truth row once, per standard, with its figures
		for _, std := range []string{StdQD59, StdND07} {
			for _, f := range []review.Form{review.FormA, review.FormB, review.FormC} {
				ex := readTable(t, filepath.Join(dir, "exports", fmt.Sprintf("%s_form_%s_%s.csv", p, strings.ToLower(string(f)), strings.ToLower(std))))
				if len(ex.rows) != perStd[std] {
					t.Errorf("%s %s form %s: %d rows, truth %d", p, std, f, len(ex.rows), perStd[std])
				}
				for _, r := range ex.rows {
					tr := byKey[key(r["year"], r["standard"], r["stage"], r["unit_code"])]
					if tr == nil {
						t.Fatalf("%s: row %v not in truth", p, r)
					}
					for _, fd := range formFields(f, std) {
						if r[fd.Name] != tr[fd.Name] {
							t.Errorf("%s %s %s %s: export %q, truth %q", p, r["year"], r["unit_code"], fd.Name, r[fd.Name], tr[fd.Name])
						}
					}
				}
			}
		}
		// household list: counted by class, it gives the 2024 official figures
		list := readTable(t, filepath.Join(dir, "households", p+"_2024_official.csv"))
		type cnt struct{ total, poor, near int64 }
		counts := map[string]*cnt{}
		for _, h := range list.rows {
			if !idForm.MatchString(h["head_id"]) || heads[h["head_id"]] {
				t.Fatalf("head ID %q malformed or repeated", h["head_id"])
			}
			heads[h["head_id"]] = true
			c := counts[h["unit_code"]]
			if c == nil {
				c = &cnt{}
				counts[h["unit_code"]] = c
			}
			c.total++
			switch h["class_end"] {
			case "poor":
				c.poor++
			case "near_poor":
				c.near++
			}
		}
		if len(counts) != perProvince[p] {
			t.Errorf("%s: list covers %d communes, province has %d", p, len(counts), perProvince[p])
		}
		for code, c := range counts {
			tr := byKey[key("2024", StdND07, "official", code)]
			if tr == nil {
				t.Fatalf("%s: commune %s not in truth", p, code)
			}
			if c.total != num(t, tr, "total_households") || c.poor != num(t, tr, "poor_end") || c.near != num(t, tr, "near_poor_end") {
				t.Errorf("%s %s: list %+v, truth %s/%s/%s", p, code, *c, tr["total_households"], tr["poor_end"], tr["near_poor_end"])
			}
		}
		an := readTable(t, filepath.Join(dir, "truth", p, "anomalies.csv"))
		planted := false
		for _, a := range an.rows {
			planted = planted || a["kind"] == KindHouseholdClassContra
		}
		if !planted {
			t.Errorf("%s: no household anomaly planted", p)
		}
	}
	if latest != sum.Households || int64(len(heads)) != sum.ListedHouseholds {
		t.Errorf("summary %d households, %d listed; files %d, %d", sum.Households, sum.ListedHouseholds, latest, len(heads))
	}

	// the same seed writes the same bytes
	again := t.TempDir()
	if _, err := Generate(context.Background(), Config{Out: again, Seed: 11, Scale: 0.02, Provinces: n, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	for _, rel := range csvFiles(t, dir) {
		a, _ := os.ReadFile(filepath.Join(dir, rel))
		b, err := os.ReadFile(filepath.Join(again, rel))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs between two runs with the same seed", rel)
		}
	}
}

// Whatever the seed, every record keeps the bounds the ingest enforces, so
// no generated file is refused (a planted preliminary jump once pushed poor
// plus near-poor over a commune's households).
func TestRecordsKeepBounds(t *testing.T) {
	for seed := uint64(1); seed <= 40; seed++ {
		ds := simulate(planProvince(seed), seed, 1)
		for ci := range ds.recs {
			for si := range ds.recs[ci] {
				for _, r := range ds.recs[ci][si] {
					if r.PoorEnd < 0 || r.NearPoorEnd < 0 || r.PoorEnd+r.NearPoorEnd > r.TotalHouseholds ||
						r.EMPoor+r.EMNear > r.EMHouseholds || r.EMHouseholds > r.TotalHouseholds {
						t.Fatalf("seed %d %d %s %s %s: %+v", seed, r.Year, r.Standard, r.Stage, r.Code, *r)
					}
				}
			}
		}
	}
}

func TestNationalScaleRejects(t *testing.T) {
	for _, cfg := range []Config{
		{Out: t.TempDir(), Scale: 2.5},
		{Out: t.TempDir(), Scale: 1.5},
		{Out: t.TempDir(), Provinces: MaxProvinces + 1, Scale: 0.01},
		{Out: t.TempDir(), Provinces: 2, Scale: 3},
	} {
		if _, err := Generate(context.Background(), cfg); err == nil {
			t.Errorf("%+v: no error", cfg)
		}
	}
}
