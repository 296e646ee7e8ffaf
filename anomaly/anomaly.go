// Package anomaly reads the phúc tra list that the 2xx SQL models compute
// (views anomalies and anomaly_evidence), writes it as a table, CSV, JSON or
// Excel workbook, and evaluates it against the anomalies the sample-province
// generator planted. The detection itself is SQL, so that every flag can be
// reproduced from the database with one query; this package holds what is
// awkward there: exports, the evaluation harness and the baseline it is
// compared with.
package anomaly

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"rasoat/ingest/vnnum"
	"rasoat/review"
)

// Evidence is one rule that fired for a unit, year and stage. Observed,
// Expected, Lower, Upper and Threshold are NaN when the rule has none.
type Evidence struct {
	RuleID    string  `json:"rule_id"`
	Family    string  `json:"family"`
	Title     string  `json:"title_vi"`
	Observed  Value   `json:"observed"`
	Expected  Value   `json:"expected"`
	Lower     Value   `json:"lower"`
	Upper     Value   `json:"upper"`
	Threshold Value   `json:"threshold"`
	Score     float64 `json:"score"`
	Reason    string  `json:"reason_vi"`
}

// Value is a number a rule may not have: NaN then, null in JSON.
type Value float64

// MarshalJSON writes NaN (and ±Inf, which JSON cannot hold) as null.
func (v Value) MarshalJSON() ([]byte, error) {
	x := float64(v)
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(x)
}

// Row is one unit of the list with its evidence, strongest first.
type Row struct {
	Year         int        `json:"year"`
	Stage        string     `json:"stage"`
	UnitCode     string     `json:"unit_code"`
	UnitName     string     `json:"unit_name"`
	DistrictCode string     `json:"district_code,omitempty"`
	DistrictName string     `json:"district_name,omitempty"`
	Score        float64    `json:"score"`
	Severity     string     `json:"severity"`
	Rules        []string   `json:"rules"`
	Reason       string     `json:"reason_vi"`
	Rank         int        `json:"rank"`
	Evidence     []Evidence `json:"evidence"`
}

// Filter selects the list of one review year; Stage "" means every stage.
type Filter struct {
	Year  int
	Stage string
}

// Querier is what List needs: *sql.DB, *store.DB or a transaction.
type Querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// List returns the ranked list for f with every row's evidence, ordered by
// stage then rank. There is no row cap.
func List(ctx context.Context, db Querier, f Filter) ([]Row, error) {
	rows, err := db.QueryContext(ctx, `
		SELECT year, stage, unit_code, coalesce(unit_name, ''), coalesce(district_code, ''), coalesce(district_name, ''),
		       score, severity, array_to_string(rules, ','), reason_vi, rank
		FROM anomalies
		WHERE year = ? AND (? = '' OR stage = ?)
		ORDER BY `+review.RankSQL("stage")+`, rank`, f.Year, f.Stage, f.Stage)
	if err != nil {
		return nil, fmt.Errorf("đọc danh sách bất thường năm %d: %w", f.Year, err)
	}
	var out []Row
	index := map[string]int{}
	for rows.Next() {
		var r Row
		var rules string
		if err := rows.Scan(&r.Year, &r.Stage, &r.UnitCode, &r.UnitName, &r.DistrictCode, &r.DistrictName,
			&r.Score, &r.Severity, &rules, &r.Reason, &r.Rank); err != nil {
			rows.Close()
			return nil, fmt.Errorf("đọc danh sách bất thường: %w", err)
		}
		if rules != "" {
			r.Rules = strings.Split(rules, ",")
		}
		index[r.Stage+"|"+r.UnitCode] = len(out)
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("đọc danh sách bất thường: %w", err)
	}

	ev, err := db.QueryContext(ctx, `
		SELECT e.stage, e.unit_code, e.rule_id, e.family, coalesce(r.title_vi, e.rule_id),
		       e.observed, e.expected, e.lower, e.upper, e.threshold, e.score, e.reason_vi
		FROM anomaly_evidence e
		LEFT JOIN ref_anomaly_rule r USING (rule_id)
		WHERE e.year = ? AND (? = '' OR e.stage = ?)
		ORDER BY e.stage, e.unit_code, e.score DESC, e.rule_id`, f.Year, f.Stage, f.Stage)
	if err != nil {
		return nil, fmt.Errorf("đọc bằng chứng bất thường năm %d: %w", f.Year, err)
	}
	defer ev.Close()
	for ev.Next() {
		var stage, unit string
		var e Evidence
		var obs, exp, lo, hi, th sql.NullFloat64
		if err := ev.Scan(&stage, &unit, &e.RuleID, &e.Family, &e.Title, &obs, &exp, &lo, &hi, &th, &e.Score, &e.Reason); err != nil {
			return nil, fmt.Errorf("đọc bằng chứng bất thường: %w", err)
		}
		e.Observed, e.Expected, e.Lower, e.Upper, e.Threshold = nan(obs), nan(exp), nan(lo), nan(hi), nan(th)
		if i, ok := index[stage+"|"+unit]; ok {
			out[i].Evidence = append(out[i].Evidence, e)
		}
	}
	return out, ev.Err()
}

func nan(v sql.NullFloat64) Value {
	if !v.Valid {
		return Value(math.NaN())
	}
	return Value(v.Float64)
}

// FormatVN writes x with Vietnamese separators (1.234,5) and the given
// number of decimals (vnnum.FormatFixed); NaN is empty.
func FormatVN(x float64, decimals int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return ""
	}
	return vnnum.FormatFixed(x, decimals)
}
