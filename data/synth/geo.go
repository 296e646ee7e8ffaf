package synth

import (
	"encoding/json"
	"fmt"
	"math"
)

// Synthetic boundaries for the sample province's choropleth maps. They are
// plainly not a real place: every district is an axis-aligned rectangle on
// a 5-column grid, every commune a cell of its district's sub-grid, and a
// commune of 1/7/2025 is the union (a MultiPolygon) of the cells of the old
// communes that went into it; the commune split in 2025 gives each of its
// two successors a vertical strip in proportion to the crosswalk share. The
// features carry the same keys as real boundary files (code, name) plus
// synthetic: true, and are written to geo/ in the sample folder:
//
//	geo/districts_2016-01-01.geojson  districts until 30/6/2025
//	geo/communes_2016-01-01.geojson   communes until 30/6/2025
//	geo/communes_2025-07-01.geojson   communes from 1/7/2025
const (
	geoOriginLon = 106.0 // the grid's south-west corner, degrees
	geoOriginLat = 12.0
	geoCell      = 0.2 // a district's width and height, degrees
	geoCols      = 5   // districts per grid row
)

type geoRect struct{ x0, y0, x1, y1 float64 }

// ring is the rectangle's exterior ring, counter-clockwise (RFC 7946),
// closed, rounded to 5 decimals as real boundary files are.
func (r geoRect) ring() [][]float64 {
	p := func(x, y float64) []float64 { return []float64{round5(x), round5(y)} }
	return [][]float64{p(r.x0, r.y0), p(r.x1, r.y0), p(r.x1, r.y1), p(r.x0, r.y1), p(r.x0, r.y0)}
}

func round5(v float64) float64 { return math.Round(v*1e5) / 1e5 }

type geoFeature struct {
	Type       string         `json:"type"`
	Properties map[string]any `json:"properties"`
	Geometry   geoGeometry    `json:"geometry"`
}

type geoGeometry struct {
	Type        string          `json:"type"`
	Coordinates [][][][]float64 `json:"coordinates"`
}

type geoCollection struct {
	Type     string       `json:"type"`
	Name     string       `json:"name"`
	Features []geoFeature `json:"features"`
}

func feature(code, name string, rects ...geoRect) geoFeature {
	polys := make([][][][]float64, len(rects))
	for i, r := range rects {
		polys[i] = [][][]float64{r.ring()}
	}
	return geoFeature{
		Type:       "Feature",
		Properties: map[string]any{"code": code, "name": name, "synthetic": true},
		Geometry:   geoGeometry{Type: "MultiPolygon", Coordinates: polys},
	}
}

// geoLayout places every district and old commune on the grid.
func (p *province) geoLayout() (districts map[string]geoRect, communes map[string]geoRect) {
	districts, communes = map[string]geoRect{}, map[string]geoRect{}
	for i, d := range p.Districts {
		col, row := i%geoCols, i/geoCols
		dr := geoRect{
			x0: geoOriginLon + float64(col)*geoCell, x1: geoOriginLon + float64(col+1)*geoCell,
			// row 0 at the top (north), as a reader scans a map
			y1: geoOriginLat - float64(row)*geoCell, y0: geoOriginLat - float64(row+1)*geoCell,
		}
		districts[d.Code] = dr
		n := len(d.Communes)
		cols := int(math.Ceil(math.Sqrt(float64(n))))
		rows := (n + cols - 1) / cols
		w, h := (dr.x1-dr.x0)/float64(cols), (dr.y1-dr.y0)/float64(rows)
		for j, c := range d.Communes {
			cc, rr := j%cols, j/cols
			cr := geoRect{x0: dr.x0 + float64(cc)*w, x1: dr.x0 + float64(cc+1)*w,
				y1: dr.y1 - float64(rr)*h, y0: dr.y1 - float64(rr+1)*h}
			if j == n-1 {
				cr.x1 = dr.x1 // the last commune fills the rest of its row
			}
			communes[c.Code] = cr
		}
	}
	return districts, communes
}

// geoLayers builds the three layers, by file name under geo/.
func (p *province) geoLayers() map[string]geoCollection {
	drects, crects := p.geoLayout()
	dist := geoCollection{Type: "FeatureCollection", Name: "Huyện (dữ liệu tổng hợp)"}
	for _, d := range p.Districts {
		dist.Features = append(dist.Features, feature(d.Code, d.Name(), drects[d.Code]))
	}
	old := geoCollection{Type: "FeatureCollection", Name: "Xã đến 30/6/2025 (dữ liệu tổng hợp)"}
	for _, c := range p.Communes {
		old.Features = append(old.Features, feature(c.Code, c.Name(), crects[c.Code]))
	}
	neu := geoCollection{Type: "FeatureCollection", Name: "Xã từ 1/7/2025 (dữ liệu tổng hợp)"}
	used := map[string]float64{} // share of an old commune's width already given away
	for _, n := range p.New {
		var rects []geoRect
		for _, pt := range n.Parts {
			r := crects[pt.Old.Code]
			if pt.Share < 1 {
				w := r.x1 - r.x0
				from := used[pt.Old.Code]
				r.x0, r.x1 = r.x0+from*w, r.x0+(from+pt.Share)*w
				used[pt.Old.Code] = from + pt.Share
			}
			rects = append(rects, r)
		}
		neu.Features = append(neu.Features, feature(n.Code, n.Name(), rects...))
	}
	return map[string]geoCollection{
		"geo/districts_2016-01-01.geojson": dist,
		"geo/communes_2016-01-01.geojson":  old,
		"geo/communes_2025-07-01.geojson":  neu,
	}
}

func (ds *dataset) writeGeo(out string) (files int, err error) {
	for rel, fc := range ds.prov.geoLayers() {
		b, err := json.Marshal(fc)
		if err != nil {
			return files, fmt.Errorf("ghi %s: %w", rel, err)
		}
		if err := writeFile(out, rel, b); err != nil {
			return files, err
		}
		files++
	}
	return files, nil
}
