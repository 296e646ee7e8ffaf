package geo

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// shared returns a file of ../shared/data (beside the repository; tests only).
func shared(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join("..", "..", "..", "shared", "data", name)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("reference file missing (../shared/data must sit beside the repo): %v", err)
	}
	return p
}

func csvColumn(t *testing.T, path, col string) map[string]bool {
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
	at := -1
	for i, h := range rows[0] {
		if h == col {
			at = i
		}
	}
	if at < 0 {
		t.Fatalf("%s: no column %s", path, col)
	}
	out := map[string]bool{}
	for _, r := range rows[1:] {
		out[r[at]] = true
	}
	return out
}

func area(ring [][]float64) float64 {
	var a float64
	for i := 0; i+1 < len(ring); i++ {
		a += ring[i][0]*ring[i+1][1] - ring[i+1][0]*ring[i][1]
	}
	return math.Abs(a / 2)
}

func featureAreas(t *testing.T, b []byte) map[string]float64 {
	t.Helper()
	var fc struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
			Geometry   struct {
				Coordinates [][][][]float64 `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, f := range fc.Features {
		var a float64
		for _, poly := range f.Geometry.Coordinates {
			a += area(poly[0])
			for _, hole := range poly[1:] {
				a -= area(hole)
			}
		}
		out[f.Properties["code"].(string)] = a
	}
	return out
}

// The real Đắk Lắk boundary files: every feature's code is a unit of the
// matching unit list and every unit has a feature, and the reduction keeps
// each unit's area within 2 % while shrinking the file.
func TestDaklakLayersMatchUnits(t *testing.T) {
	for _, tc := range []struct {
		geo, units, col string
		n               int
	}{
		{"geo/daklak_districts_2019.geojson", "daklak_districts_2019.csv", "district_code", 15},
		{"geo/daklak_communes_2025-07.geojson", "daklak_units_2025-07.csv", "commune_code", 102},
	} {
		t.Run(tc.geo, func(t *testing.T) {
			set, err := Load([]string{shared(t, tc.geo)})
			if err != nil {
				t.Fatal(err)
			}
			id := LayerID(tc.geo)
			l := set.Layers[id]
			if l == nil {
				t.Fatalf("no layer %q in %v", id, set.Layers)
			}
			units := csvColumn(t, shared(t, tc.units), tc.col)
			if len(l.Codes) != tc.n || len(units) != tc.n {
				t.Errorf("%d features, %d units, want %d", len(l.Codes), len(units), tc.n)
			}
			for c := range l.Codes {
				if !units[c] {
					t.Errorf("feature %s is not a unit of %s", c, tc.units)
				}
			}
			for c := range units {
				if !l.Codes[c] {
					t.Errorf("unit %s has no feature", c)
				}
			}
			src, err := os.ReadFile(shared(t, tc.geo))
			if err != nil {
				t.Fatal(err)
			}
			before, after := featureAreas(t, src), featureAreas(t, l.JSON)
			for c, a := range before {
				if math.Abs(after[c]-a) > 0.02*a {
					t.Errorf("unit %s: area %v after reduction, %v before", c, after[c], a)
				}
			}
			if len(l.JSON) >= len(src) || l.Vertices >= l.Source || len(l.Gzip) >= len(l.JSON)/2 {
				t.Errorf("not reduced: %d → %d bytes (gzip %d), %d → %d vertices", len(src), len(l.JSON), len(l.Gzip), l.Source, l.Vertices)
			}
			t.Logf("%s: %d → %d bytes, gzip %d; %d → %d vertices", id, len(src), len(l.JSON), len(l.Gzip), l.Source, l.Vertices)
		})
	}
}

func TestLoadFolderAndBest(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sq := `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}`
	write("Huyện.geojson", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"980"},"geometry":`+sq+`},{"type":"Feature","properties":{"code":981},"geometry":`+sq+`}]}`)
	write("xa.json", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"90001","name":"<b>x</b>"},"geometry":`+sq+`}]}`)
	write("notes.txt", "not a map")
	set, err := Load([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Layers) != 2 {
		t.Fatalf("layers = %v", set.Layers)
	}
	if b := set.Best([]string{"980", "981", "90001"}); b == nil || !b.Codes["981"] {
		t.Errorf("best for districts = %+v", b)
	}
	if b := set.Best([]string{"90001"}); b == nil || b.ID != "xa" {
		t.Errorf("best for communes = %+v", b)
	}
	if b := set.Best([]string{"12345"}); b != nil {
		t.Errorf("best for unknown = %v", b.ID)
	}
	for _, bad := range []string{
		`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":` + sq + `}]}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"1"},"geometry":{"type":"Point","coordinates":[0,0]}}]}`,
		`{"type":"FeatureCollection","features":[]}`,
		`{"type":"Feature"}`,
		`{`,
	} {
		if _, err := Reduce("x", []byte(bad)); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
}
