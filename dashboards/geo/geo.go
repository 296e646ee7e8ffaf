// Package geo loads the boundary files (GeoJSON) behind the dashboards'
// choropleth maps: a province's own district and commune layers, keyed by
// the unit code in each feature's "code" property. Each layer is reduced
// once, at start-up, for old laptops on slow links: coordinates rounded to
// 4 decimals (about 11 m), each ring simplified (Douglas–Peucker, about
// 55 m), properties cut to code and name; the result is kept as JSON and
// gzip with an ETag, so a request costs no work.
package geo

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Tolerance is the Douglas–Peucker distance in degrees (about 55 m at the
// equator, less east–west in Vietnam): finer than a screen pixel when a
// whole province fills a laptop's map.
const Tolerance = 0.0005

// Layer is one boundary file, reduced.
type Layer struct {
	ID       string          // from the file name: "communes_2025-07-01"
	Name     string          // the collection's name, else the ID
	Codes    map[string]bool // the unit codes it has features for
	JSON     []byte          // the reduced FeatureCollection
	Gzip     []byte          // JSON, gzip-compressed
	ETag     string          // of JSON
	Vertices int             // after reduction
	Source   int             // vertices before reduction
}

// Set is every layer loaded, by ID.
type Set struct {
	Layers map[string]*Layer
}

// Load reads every .geojson/.json file named, or found directly in a named
// folder. Two files with the same ID are an error (a map would be ambiguous).
func Load(paths []string) (*Set, error) {
	s := &Set{Layers: map[string]*Layer{}}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("bản đồ: %w", err)
		}
		files := []string{p}
		if st.IsDir() {
			files = nil
			ents, err := os.ReadDir(p)
			if err != nil {
				return nil, fmt.Errorf("bản đồ: đọc thư mục %s: %w", p, err)
			}
			for _, e := range ents {
				ext := strings.ToLower(filepath.Ext(e.Name()))
				if !e.IsDir() && (ext == ".geojson" || ext == ".json") {
					files = append(files, filepath.Join(p, e.Name()))
				}
			}
			sort.Strings(files)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				return nil, fmt.Errorf("bản đồ: %w", err)
			}
			l, err := Reduce(LayerID(f), b)
			if err != nil {
				return nil, fmt.Errorf("bản đồ %s: %w", f, err)
			}
			if _, dup := s.Layers[l.ID]; dup {
				return nil, fmt.Errorf("bản đồ %s: trùng tên lớp %q với một tệp khác", f, l.ID)
			}
			s.Layers[l.ID] = l
		}
	}
	return s, nil
}

var unsafeID = regexp.MustCompile(`[^a-z0-9_-]+`)

// LayerID is the layer's name in URLs: the file name without extension,
// lower case, anything but letters, digits, - and _ replaced.
func LayerID(path string) string {
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	return strings.Trim(unsafeID.ReplaceAllString(strings.ToLower(base), "_"), "_")
}

// Best returns the layer with features for the most of codes (at least
// one), so a page asks for "the map of these units" and gets the district
// layer for districts, the 2025 commune layer for 2025 communes; nil when no
// layer has any of them. Ties go to the smaller ID, so the answer is stable.
func (s *Set) Best(codes []string) *Layer {
	if s == nil {
		return nil
	}
	var best *Layer
	bestN := 0
	ids := make([]string, 0, len(s.Layers))
	for id := range s.Layers {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		l := s.Layers[id]
		n := 0
		for _, c := range codes {
			if l.Codes[c] {
				n++
			}
		}
		if n > bestN {
			best, bestN = l, n
		}
	}
	return best
}

type inCollection struct {
	Type     string      `json:"type"`
	Name     string      `json:"name"`
	Features []inFeature `json:"features"`
}

type inFeature struct {
	Type       string                     `json:"type"`
	Properties map[string]json.RawMessage `json:"properties"`
	Geometry   *struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	} `json:"geometry"`
}

type outFeature struct {
	Type       string            `json:"type"`
	Properties map[string]string `json:"properties"`
	Geometry   outGeometry       `json:"geometry"`
}

type outGeometry struct {
	Type        string          `json:"type"`
	Coordinates [][][][]float64 `json:"coordinates"`
}

type outCollection struct {
	Type     string       `json:"type"`
	Features []outFeature `json:"features"`
}

// Reduce parses one FeatureCollection and reduces it (see the package doc).
// Every feature must have a code (string or number) and a Polygon or
// MultiPolygon geometry; Polygons become MultiPolygons.
func Reduce(id string, b []byte) (*Layer, error) {
	var in inCollection
	if err := json.Unmarshal(b, &in); err != nil {
		return nil, fmt.Errorf("không đọc được GeoJSON: %w", err)
	}
	if in.Type != "FeatureCollection" {
		return nil, errors.New("không phải FeatureCollection")
	}
	l := &Layer{ID: id, Name: in.Name, Codes: map[string]bool{}}
	if l.Name == "" {
		l.Name = id
	}
	out := outCollection{Type: "FeatureCollection"}
	for i, f := range in.Features {
		code := propString(f.Properties["code"])
		if code == "" {
			return nil, fmt.Errorf("đối tượng thứ %d không có thuộc tính code", i+1)
		}
		if l.Codes[code] {
			return nil, fmt.Errorf("mã %s có hai đối tượng", code)
		}
		if f.Geometry == nil {
			return nil, fmt.Errorf("mã %s không có hình", code)
		}
		var polys [][][][]float64
		switch f.Geometry.Type {
		case "MultiPolygon":
			if err := json.Unmarshal(f.Geometry.Coordinates, &polys); err != nil {
				return nil, fmt.Errorf("mã %s: tọa độ: %w", code, err)
			}
		case "Polygon":
			var poly [][][]float64
			if err := json.Unmarshal(f.Geometry.Coordinates, &poly); err != nil {
				return nil, fmt.Errorf("mã %s: tọa độ: %w", code, err)
			}
			polys = [][][][]float64{poly}
		default:
			return nil, fmt.Errorf("mã %s: kiểu hình %q không hỗ trợ (cần Polygon hoặc MultiPolygon)", code, f.Geometry.Type)
		}
		for pi, poly := range polys {
			for ri, ring := range poly {
				l.Source += len(ring)
				polys[pi][ri] = reduceRing(ring)
				l.Vertices += len(polys[pi][ri])
			}
		}
		l.Codes[code] = true
		out.Features = append(out.Features, outFeature{
			Type:       "Feature",
			Properties: map[string]string{"code": code, "name": propString(f.Properties["name"])},
			Geometry:   outGeometry{Type: "MultiPolygon", Coordinates: polys},
		})
	}
	if len(out.Features) == 0 {
		return nil, errors.New("không có đối tượng nào")
	}
	js, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	var gz bytes.Buffer
	w, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	w.Write(js)
	if err := w.Close(); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(js)
	l.JSON, l.Gzip, l.ETag = js, gz.Bytes(), hex.EncodeToString(sum[:8])
	return l, nil
}

func propString(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		if i, err := strconv.ParseInt(n.String(), 10, 64); err == nil {
			return strconv.FormatInt(i, 10)
		}
	}
	return ""
}

func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }

// reduceRing rounds a closed ring, drops repeated points and simplifies it;
// a ring that would fall below a triangle keeps its rounded points.
func reduceRing(ring [][]float64) [][]float64 {
	pts := make([][]float64, 0, len(ring))
	for _, p := range ring {
		if len(p) < 2 {
			continue
		}
		q := []float64{round4(p[0]), round4(p[1])}
		if n := len(pts); n > 0 && pts[n-1][0] == q[0] && pts[n-1][1] == q[1] {
			continue
		}
		pts = append(pts, q)
	}
	if len(pts) < 4 {
		return pts
	}
	keep := make([]bool, len(pts))
	keep[0], keep[len(pts)-1] = true, true
	// A closed ring's ends coincide: split it at the point farthest from the
	// start so both halves have a proper chord.
	far, best := 0, -1.0
	for i := range pts {
		if d := math.Hypot(pts[i][0]-pts[0][0], pts[i][1]-pts[0][1]); d > best {
			far, best = i, d
		}
	}
	keep[far] = true
	dp(pts, 0, far, keep)
	dp(pts, far, len(pts)-1, keep)
	out := make([][]float64, 0, len(pts))
	for i, k := range keep {
		if k {
			out = append(out, pts[i])
		}
	}
	if len(out) < 4 {
		return pts
	}
	return out
}

func dp(pts [][]float64, a, b int, keep []bool) {
	if b <= a+1 {
		return
	}
	ax, ay, bx, by := pts[a][0], pts[a][1], pts[b][0], pts[b][1]
	dx, dy := bx-ax, by-ay
	l := math.Hypot(dx, dy)
	idx, best := -1, 0.0
	for i := a + 1; i < b; i++ {
		var d float64
		if l == 0 {
			d = math.Hypot(pts[i][0]-ax, pts[i][1]-ay)
		} else {
			d = math.Abs(dy*pts[i][0]-dx*pts[i][1]+bx*ay-by*ax) / l
		}
		if d > best {
			idx, best = i, d
		}
	}
	if best > Tolerance {
		keep[idx] = true
		dp(pts, a, idx, keep)
		dp(pts, idx, b, keep)
	}
}
