package synth

import (
	"math"
	"testing"
)

func rectArea(ring [][]float64) float64 {
	// shoelace; positive for a counter-clockwise ring
	var a float64
	for i := 0; i+1 < len(ring); i++ {
		a += ring[i][0]*ring[i+1][1] - ring[i+1][0]*ring[i][1]
	}
	return a / 2
}

func layerArea(t *testing.T, fc geoCollection) (map[string]float64, float64) {
	t.Helper()
	by := map[string]float64{}
	var total float64
	for _, f := range fc.Features {
		code := f.Properties["code"].(string)
		if _, dup := by[code]; dup {
			t.Errorf("%s: code %s twice", fc.Name, code)
		}
		for _, poly := range f.Geometry.Coordinates {
			a := rectArea(poly[0])
			if a <= 0 {
				t.Errorf("%s: feature %s has a ring that is not counter-clockwise or empty (area %v)", fc.Name, code, a)
			}
			by[code] += a
			total += a
		}
	}
	return by, total
}

// The three layers tile the same territory: every unit has exactly one
// feature, the old communes fill their districts, and the 2025 communes
// (with the split commune shared by area) cover exactly the old communes.
func TestGeoLayersCoverEveryUnit(t *testing.T) {
	p := planProvince(1)
	layers := p.geoLayers()
	dist, dTotal := layerArea(t, layers["geo/districts_2016-01-01.geojson"])
	old, oTotal := layerArea(t, layers["geo/communes_2016-01-01.geojson"])
	neu, nTotal := layerArea(t, layers["geo/communes_2025-07-01.geojson"])
	if len(dist) != len(p.Districts) || len(old) != len(p.Communes) || len(neu) != len(p.New) {
		t.Fatalf("features %d/%d/%d, units %d/%d/%d", len(dist), len(old), len(neu), len(p.Districts), len(p.Communes), len(p.New))
	}
	want := float64(len(p.Districts)) * geoCell * geoCell
	for name, got := range map[string]float64{"districts": dTotal, "old communes": oTotal, "new communes": nTotal} {
		if math.Abs(got-want) > 1e-6 {
			t.Errorf("%s cover %v square degrees, want %v", name, got, want)
		}
	}
	for _, d := range p.Districts {
		var sum float64
		for _, c := range d.Communes {
			sum += old[c.Code]
		}
		if math.Abs(sum-dist[d.Code]) > 1e-6 {
			t.Errorf("district %s: communes cover %v, district %v", d.Code, sum, dist[d.Code])
		}
	}
	for _, n := range p.New {
		var want float64
		for _, pt := range n.Parts {
			want += pt.Share * old[pt.Old.Code]
		}
		if math.Abs(neu[n.Code]-want) > 1e-6 {
			t.Errorf("new commune %s: area %v, want %v from its parts", n.Code, neu[n.Code], want)
		}
	}
}
