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
	"math"

	"rasoat/ingest/vnnum"
	"rasoat/query"
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
// stage then rank. There is no row cap. It reads through query, the one
// resolver of the phúc tra list: the command line, the web pages and every
// export get the same rows, ranks and evidence.
func List(ctx context.Context, db *sql.DB, f Filter) ([]Row, error) {
	q := query.New(db)
	stages := []string{f.Stage}
	if f.Stage == "" {
		// every stage of the year that has flags, in review order
		ok, err := q.HasAnomalies(ctx)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, query.ErrNoAnomalies
		}
		l, err := q.Flags(ctx, query.FlagFilter{Year: f.Year})
		if err != nil {
			return nil, err
		}
		stages = stages[:0]
		for _, s := range review.Stages() {
			for _, p := range l.Periods {
				if p.Year == f.Year && p.Stage == string(s) {
					stages = append(stages, p.Stage)
				}
			}
		}
	}
	var out []Row
	for _, st := range stages {
		l, err := q.Flags(ctx, query.FlagFilter{Year: f.Year, Stage: st})
		if err != nil {
			return nil, err
		}
		ev, err := q.FlagEvidence(ctx, l)
		if err != nil {
			return nil, err
		}
		out = append(out, FromQuery(l.Flags, ev)...)
	}
	return out, nil
}

// FromQuery turns query's flags and their evidence into rows: a missing
// number (nil) becomes NaN, written empty in CSV and tables, null in JSON
// and an empty cell in Excel.
func FromQuery(flags []query.Flag, ev []query.Evidence) []Row {
	out := make([]Row, len(flags))
	index := map[string]int{}
	for i, fl := range flags {
		out[i] = Row{Year: fl.Year, Stage: fl.Stage, UnitCode: fl.UnitCode, UnitName: fl.UnitName,
			DistrictCode: fl.DistrictCode, DistrictName: fl.DistrictName, Score: fl.Score, Severity: fl.Severity,
			Rules: fl.Rules, Reason: fl.Reason, Rank: fl.Rank}
		index[fl.Stage+"|"+fl.UnitCode] = i
	}
	for _, e := range ev {
		if i, ok := index[e.Stage+"|"+e.UnitCode]; ok {
			out[i].Evidence = append(out[i].Evidence, Evidence{RuleID: e.RuleID, Family: e.Family, Title: e.Title,
				Observed: value(e.Observed), Expected: value(e.Expected), Lower: value(e.Lower), Upper: value(e.Upper),
				Threshold: value(e.Threshold), Score: e.Score, Reason: e.Reason})
		}
	}
	return out
}

func value(v *float64) Value {
	if v == nil {
		return Value(math.NaN())
	}
	return Value(*v)
}

// FormatVN writes x with Vietnamese separators (1.234,5) and the given
// number of decimals (vnnum.FormatFixed); NaN is empty.
func FormatVN(x float64, decimals int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return ""
	}
	return vnnum.FormatFixed(x, decimals)
}
