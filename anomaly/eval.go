package anomaly

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// Planted is one row of the generator's truth/anomalies.csv.
type Planted struct {
	Year     int
	Stage    string
	UnitCode string
	Kind     string
	Detail   string
}

// Negative reports a hard negative: odd-looking but explained, never to be
// flagged (kinds starting with "negative_").
func (p Planted) Negative() bool { return strings.HasPrefix(p.Kind, "negative_") }

// ReadPlanted reads truth/anomalies.csv (columns year, stage, unit_code,
// kind, detail).
func ReadPlanted(r io.Reader) ([]Planted, error) {
	recs, err := csv.NewReader(r).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("đọc danh sách bất thường cài sẵn: %w", err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("danh sách bất thường cài sẵn rỗng")
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, h := range []string{"year", "stage", "unit_code", "kind", "detail"} {
		if _, ok := col[h]; !ok {
			return nil, fmt.Errorf("danh sách bất thường cài sẵn thiếu cột %q", h)
		}
	}
	var out []Planted
	for n, rec := range recs[1:] {
		y, err := strconv.Atoi(rec[col["year"]])
		if err != nil {
			return nil, fmt.Errorf("dòng %d: năm %q: %w", n+2, rec[col["year"]], err)
		}
		out = append(out, Planted{y, rec[col["stage"]], rec[col["unit_code"]], rec[col["kind"]], rec[col["detail"]]})
	}
	return out, nil
}

// KindFamily is the rule family expected to catch a planted kind ("" for a
// hard negative or an unknown kind).
func KindFamily(kind string) string {
	switch kind {
	case "flow_identity_broken", "rate_printed_wrong", "total_row_mismatch":
		return "validation"
	case "drop_far_beyond_peers":
		return "statistical"
	case "no_new_poor_high_poverty", "mass_poor_to_near_poor", "threshold_landing":
		return "target_chasing"
	case "prelim_official_jump":
		return "prelim_official"
	case "household_class_contradicts", "duplicate_head", "household_list_mismatch":
		return "household"
	}
	return ""
}

// SetKey is one evaluated list: a review year and stage.
type SetKey struct {
	Year  int
	Stage string
}

// Ranked is one unit of a ranking and its district that year ("" if none).
type Ranked struct {
	Unit, District string
}

// Ranking is, per year and stage, the units from most to least anomalous.
type Ranking map[SetKey][]Ranked

// RankFamily ranks the units of each year and stage by their strongest
// evidence of one rule family; family "" ranks the anomalies list itself.
func RankFamily(ctx context.Context, db Querier, family string) (Ranking, error) {
	q := `SELECT year, stage, unit_code, coalesce(district_code, '') FROM anomalies ORDER BY year, stage, rank`
	var args []any
	if family != "" {
		q = `SELECT e.year, e.stage, e.unit_code, coalesce(a.district_code, '')
		     FROM anomaly_evidence e JOIN anomalies a USING (year, stage, unit_code)
		     WHERE e.family = ?
		     GROUP BY ALL
		     ORDER BY e.year, e.stage, max(e.score) DESC, e.unit_code`
		args = append(args, family)
	}
	return ranking(ctx, db, q, args...)
}

// RankBaselineZ is the plain baseline (the DHIS2 default): the z-score of
// the poverty reduction against the other communes of the same district (of
// the province where there are no districts), mean and standard deviation,
// no count awareness; units with |z| > zMin, largest |z| first.
func RankBaselineZ(ctx context.Context, db Querier, zMin float64) (Ranking, error) {
	return ranking(ctx, db, `
		WITH c AS (
		    SELECT year, stage, unit_code, coalesce(district_code, '') AS district, reduction_pp AS x,
		           coalesce(district_code, province_code) AS grp
		    FROM commune_year WHERE reduction_pp IS NOT NULL AND level = 'commune'
		), z AS (
		    SELECT *, (x - avg(x) OVER w) / nullif(stddev_samp(x) OVER w, 0) AS z
		    FROM c WINDOW w AS (PARTITION BY year, stage, grp)
		)
		SELECT year, stage, unit_code, district FROM z WHERE abs(z) > ?
		ORDER BY year, stage, abs(z) DESC, unit_code`, zMin)
}

func ranking(ctx context.Context, db Querier, q string, args ...any) (Ranking, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("xếp hạng: %w", err)
	}
	defer rows.Close()
	out := Ranking{}
	for rows.Next() {
		var k SetKey
		var r Ranked
		if err := rows.Scan(&k.Year, &k.Stage, &r.Unit, &r.District); err != nil {
			return nil, fmt.Errorf("xếp hạng: %w", err)
		}
		out[k] = append(out[k], r)
	}
	return out, rows.Err()
}

// Result is precision and recall at K of one ranking against the planted
// anomalies of one family (all families when Family is "").
type Result struct {
	Family    string
	Planted   int // positives of the family
	Retrieved int // units in the top-K lists (≤ Planted)
	Hits      int
	Recall    float64
	Precision float64
	// NegativesInTopK lists the hard negatives found in a top-K, as
	// "year stage unit kind"; a negative planted on a district covers its
	// communes.
	NegativesInTopK []string
	Missed          []string
}

// Evaluate scores a ranking. For each year and stage with K planted
// positives of the family, the top-K units are retrieved. When a single
// family is evaluated, units that are planted positives of another family
// are passed over: they are right to be flagged, just not by this family.
// Negatives are checked in every top-K of the family, and in the top of
// sets with negatives but no positive (K = 1 there, so a negative at the
// head of such a list counts).
func Evaluate(planted []Planted, rk Ranking, family string) Result {
	res := Result{Family: family}
	pos := map[SetKey]map[string]bool{}   // the family's positives
	other := map[SetKey]map[string]bool{} // positives of other families
	neg := map[SetKey][]Planted{}
	for _, p := range planted {
		k := SetKey{p.Year, p.Stage}
		switch {
		case p.Negative():
			neg[k] = append(neg[k], p)
		case family == "" || KindFamily(p.Kind) == family:
			if pos[k] == nil {
				pos[k] = map[string]bool{}
			}
			pos[k][p.UnitCode] = true
		default:
			if other[k] == nil {
				other[k] = map[string]bool{}
			}
			other[k][p.UnitCode] = true
		}
	}
	keys := make([]SetKey, 0, len(pos)+len(neg))
	seen := map[SetKey]bool{}
	for k := range pos {
		keys, seen[k] = append(keys, k), true
	}
	for k := range neg {
		if !seen[k] {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].Year != keys[j].Year {
			return keys[i].Year < keys[j].Year
		}
		return keys[i].Stage < keys[j].Stage
	})
	for _, k := range keys {
		want := len(pos[k])
		res.Planted += want
		var top []Ranked
		for _, r := range rk[k] {
			if len(top) == max(want, 1) {
				break
			}
			if family != "" && other[k][r.Unit] {
				continue
			}
			top = append(top, r)
		}
		found := map[string]bool{}
		for i, r := range top {
			if i < want {
				res.Retrieved++
				if pos[k][r.Unit] {
					res.Hits++
					found[r.Unit] = true
				}
			}
			if pos[k][r.Unit] || other[k][r.Unit] {
				continue // a planted positive inside a negative's district is still a positive
			}
			for _, n := range neg[k] {
				if n.UnitCode == r.Unit || n.UnitCode == r.District {
					res.NegativesInTopK = append(res.NegativesInTopK,
						fmt.Sprintf("%d %s %s %s", k.Year, k.Stage, r.Unit, n.Kind))
				}
			}
		}
		for u := range pos[k] {
			if !found[u] {
				res.Missed = append(res.Missed, fmt.Sprintf("%d %s %s", k.Year, k.Stage, u))
			}
		}
	}
	sort.Strings(res.Missed)
	if res.Planted > 0 {
		res.Recall = float64(res.Hits) / float64(res.Planted)
	}
	if res.Retrieved > 0 {
		res.Precision = float64(res.Hits) / float64(res.Retrieved)
	}
	return res
}
