package query

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"rasoat/review"
	"sort"
	"strings"
)

// The inspectors' read side: the ranked anomaly list (views anomalies and
// anomaly_evidence, the detection models' contract), a commune's evidence
// (its history, its peers, its flows from commune_year) and the
// re-verification cases (case_current, case_event). No row cap anywhere:
// DHIS2's 500-row cap is what inspectors complain about.

// ErrNoAnomalies reports that the database has no anomaly list (the
// transform that builds it has not run).
var ErrNoAnomalies = errors.New("chưa có danh sách bất thường")

// FlagFilter selects flags. Zero values mean "any", except Year and Stage:
// zero picks the default period (see Flags).
type FlagFilter struct {
	Year     int
	Stage    string
	District string // district code
	Rule     string // rule id
	Severity string // cao | trung bình | thấp
}

// Flag is one commune on the list.
type Flag struct {
	Year         int      `json:"year"`
	Stage        string   `json:"stage"`
	UnitCode     string   `json:"unit_code"`
	UnitName     string   `json:"unit_name"`
	DistrictCode string   `json:"district_code"`
	DistrictName string   `json:"district_name"`
	Score        float64  `json:"score"`
	Severity     string   `json:"severity"`
	Rules        []string `json:"rules"`
	NRules       int      `json:"n_rules"`
	Reason       string   `json:"reason_vi"`
	Rank         int      `json:"rank"`
}

// Period is a (year, stage) that has flags.
type Period struct {
	Year  int    `json:"year"`
	Stage string `json:"stage"`
	Flags int    `json:"flags"`
}

// Option is a choice of a filter.
type Option struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Rule is an anomaly rule (ref_anomaly_rule).
type Rule struct {
	ID        string  `json:"rule_id"`
	Family    string  `json:"family"`
	Title     string  `json:"title_vi"`
	Rationale string  `json:"rationale_vi"`
	Weight    float64 `json:"weight"`
}

// FlagList is the list page: the period shown, the choices of the filters,
// and every flag that passes them, ranked.
type FlagList struct {
	Filter    FlagFilter `json:"filter"` // with the period resolved
	Periods   []Period   `json:"periods"`
	Districts []Option   `json:"districts"` // of the period's flags
	Rules     []Rule     `json:"rules"`
	Flags     []Flag     `json:"flags"`
	Total     int        `json:"total"` // flags of the period before the filters
	Synthetic bool       `json:"synthetic"`
}

// Evidence is one fired rule for one commune.
type Evidence struct {
	Year      int      `json:"year"`
	Stage     string   `json:"stage"`
	UnitCode  string   `json:"unit_code"`
	UnitName  string   `json:"unit_name"`
	RuleID    string   `json:"rule_id"`
	Family    string   `json:"family"`
	Title     string   `json:"title_vi"`
	Observed  *float64 `json:"observed"`
	Expected  *float64 `json:"expected"`
	Lower     *float64 `json:"lower"`
	Upper     *float64 `json:"upper"`
	Threshold *float64 `json:"threshold"`
	Score     float64  `json:"score"`
	Reason    string   `json:"reason_vi"`
}

// HasAnomalies reports whether the anomaly list exists.
func (q *Q) HasAnomalies(ctx context.Context) (bool, error) {
	var n int
	err := q.db.QueryRowContext(ctx, `SELECT count(*) FROM (
		SELECT table_name AS name FROM duckdb_tables() UNION ALL SELECT view_name FROM duckdb_views())
		WHERE name IN ('anomalies', 'anomaly_evidence')`).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("kiểm tra danh sách bất thường: %w", err)
	}
	return n >= 2, nil
}

// Flags reads the list. Without a year, the latest year with flags; without
// a stage, the stage of that year with the most flags (on a tie the later
// stage): a reverified commune adds a few flags of its own stage and must
// not take the default away from the year's main list.
func (q *Q) Flags(ctx context.Context, f FlagFilter) (*FlagList, error) {
	ok, err := q.HasAnomalies(ctx)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrNoAnomalies
	}
	out := &FlagList{}
	if out.Periods, err = q.periods(ctx); err != nil {
		return nil, err
	}
	f = resolvePeriod(f, out.Periods)
	out.Filter = f
	if out.Rules, err = q.Rules(ctx); err != nil {
		return nil, err
	}
	rows, err := q.db.QueryContext(ctx, sqlFlags, f.Year, f.Stage)
	if err != nil {
		return nil, fmt.Errorf("đọc danh sách bất thường năm %d: %w", f.Year, err)
	}
	defer rows.Close()
	districts := map[string]string{}
	for rows.Next() {
		fl, err := scanFlag(rows)
		if err != nil {
			return nil, fmt.Errorf("đọc danh sách bất thường năm %d: %w", f.Year, err)
		}
		out.Total++
		if fl.DistrictCode != "" {
			districts[fl.DistrictCode] = fl.DistrictName
		}
		if f.District != "" && fl.DistrictCode != f.District ||
			f.Severity != "" && fl.Severity != f.Severity ||
			f.Rule != "" && !contains(fl.Rules, f.Rule) {
			continue
		}
		out.Flags = append(out.Flags, fl)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("đọc danh sách bất thường năm %d: %w", f.Year, err)
	}
	for code, name := range districts {
		out.Districts = append(out.Districts, Option{Code: code, Name: name})
	}
	sort.Slice(out.Districts, func(i, j int) bool {
		a, b := out.Districts[i], out.Districts[j]
		return a.Name < b.Name || a.Name == b.Name && a.Code < b.Code
	})
	if err := q.db.QueryRowContext(ctx, sqlFlagsSynthetic, f.Year, f.Stage).Scan(&out.Synthetic); err != nil {
		return nil, fmt.Errorf("đọc danh sách bất thường năm %d: %w", f.Year, err)
	}
	return out, nil
}

func resolvePeriod(f FlagFilter, ps []Period) FlagFilter {
	if len(ps) == 0 {
		return f
	}
	if f.Year == 0 {
		f.Year = ps[0].Year // periods come latest year first
	}
	if f.Stage == "" {
		best := -1
		for _, p := range ps {
			if p.Year == f.Year && p.Flags > best {
				f.Stage, best = p.Stage, p.Flags
			}
		}
	}
	return f
}

func (q *Q) periods(ctx context.Context) ([]Period, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT year, stage, count(*) FROM anomalies GROUP BY year, stage
		ORDER BY year DESC, `+review.RankSQL("stage")+` DESC`)
	if err != nil {
		return nil, fmt.Errorf("đọc các kỳ có bất thường: %w", err)
	}
	defer rows.Close()
	var out []Period
	for rows.Next() {
		var p Period
		if err := rows.Scan(&p.Year, &p.Stage, &p.Flags); err != nil {
			return nil, fmt.Errorf("đọc các kỳ có bất thường: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Rules lists the anomaly rules.
func (q *Q) Rules(ctx context.Context) ([]Rule, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT rule_id, family, title_vi, coalesce(rationale_vi, ''), weight FROM ref_anomaly_rule ORDER BY family, rule_id`)
	if err != nil {
		return nil, fmt.Errorf("đọc danh mục quy tắc: %w", err)
	}
	defer rows.Close()
	var out []Rule
	for rows.Next() {
		var r Rule
		if err := rows.Scan(&r.ID, &r.Family, &r.Title, &r.Rationale, &r.Weight); err != nil {
			return nil, fmt.Errorf("đọc danh mục quy tắc: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

type scanner interface{ Scan(...any) error }

func scanFlag(r scanner) (Flag, error) {
	var (
		fl                 Flag
		name, dcode, dname sql.NullString
		sev, reason        sql.NullString
		rules              []any
		nRules, rank       sql.NullInt64
	)
	err := r.Scan(&fl.Year, &fl.Stage, &fl.UnitCode, &name, &dcode, &dname, &fl.Score, &sev, &rules, &nRules, &reason, &rank)
	fl.UnitName, fl.DistrictCode, fl.DistrictName = name.String, dcode.String, dname.String
	fl.Severity, fl.Reason, fl.NRules, fl.Rank = sev.String, reason.String, int(nRules.Int64), int(rank.Int64)
	if fl.UnitName == "" {
		fl.UnitName = fl.UnitCode
	}
	for _, x := range rules {
		if s, ok := x.(string); ok {
			fl.Rules = append(fl.Rules, s)
		}
	}
	return fl, err
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// FlagEvidence reads the evidence of every flag of a list (the Excel
// export's second sheet), in the list's order.
func (q *Q) FlagEvidence(ctx context.Context, l *FlagList) ([]Evidence, error) {
	ev, err := q.evidence(ctx, l.Filter.Year, l.Filter.Stage, "")
	if err != nil {
		return nil, err
	}
	keep := map[string]int{}
	for i, f := range l.Flags {
		keep[f.UnitCode] = i
	}
	var out []Evidence
	for _, e := range ev {
		if _, ok := keep[e.UnitCode]; ok {
			out = append(out, e)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return keep[out[i].UnitCode] < keep[out[j].UnitCode] })
	return out, nil
}

// evidence reads the fired rules of a period, of one unit when unit is set.
func (q *Q) evidence(ctx context.Context, year int, stage, unit string) ([]Evidence, error) {
	rows, err := q.db.QueryContext(ctx, sqlEvidence, year, stage, unit)
	if err != nil {
		return nil, fmt.Errorf("đọc bằng chứng năm %d: %w", year, err)
	}
	defer rows.Close()
	var out []Evidence
	for rows.Next() {
		var (
			e                   Evidence
			fam, title, reason  sql.NullString
			name                sql.NullString
			obs, exp, lo, hi, t sql.NullFloat64
			score               sql.NullFloat64
		)
		if err := rows.Scan(&e.Year, &e.Stage, &e.UnitCode, &name, &e.RuleID, &fam, &title, &obs, &exp, &lo, &hi, &t, &score, &reason); err != nil {
			return nil, fmt.Errorf("đọc bằng chứng năm %d: %w", year, err)
		}
		e.UnitName, e.Family, e.Title, e.Reason, e.Score = name.String, fam.String, title.String, reason.String, score.Float64
		if e.Title == "" {
			e.Title = e.RuleID
		}
		e.Observed, e.Expected, e.Lower, e.Upper, e.Threshold = nullable(obs), nullable(exp), nullable(lo), nullable(hi), nullable(t)
		out = append(out, e)
	}
	return out, rows.Err()
}

// HistoryPoint is one row of a commune's history.
type HistoryPoint struct {
	Year         int      `json:"year"`
	Standard     string   `json:"standard"`
	Stage        string   `json:"stage"`
	Counted      bool     `json:"counted"`
	IsBaseline   bool     `json:"is_baseline"`
	Households   *int64   `json:"households"`
	Poor         *int64   `json:"poor"`
	NearPoor     *int64   `json:"near_poor"`
	PoorRate     *float64 `json:"poor_rate"`
	NearPoorRate *float64 `json:"near_poor_rate"`
	ReductionPP  *float64 `json:"reduction_pp"`
}

// Peer is a commune compared with the flagged one.
type Peer struct {
	UnitCode    string   `json:"unit_code"`
	UnitName    string   `json:"unit_name"`
	Households  *int64   `json:"households"`
	Poor        *int64   `json:"poor"`
	PoorRate    *float64 `json:"poor_rate"`
	ReductionPP *float64 `json:"reduction_pp"`
	Self        bool     `json:"self"`
}

// Flows are a commune's form B and C columns for the flagged year and stage.
type Flows struct {
	Poor     []FlowItem `json:"poor"`      // form B
	NearPoor []FlowItem `json:"near_poor"` // form C
}

// FlowItem is one column of a flow form.
type FlowItem struct {
	Field string `json:"field"`
	Label string `json:"label"`
	Value *int64 `json:"value"`
}

// Peer bases.
const (
	PeersDistrict = "district" // the other communes of the same district
	PeersLevel    = "level"    // after 1/7/2025: the communes of similar poverty level
)

// PeerLimit is how many communes of similar poverty level make the peer
// group when there are no districts.
const PeerLimit = 15

// CommuneEvidence is the commune page.
type CommuneEvidence struct {
	Year         int        `json:"year"`
	Stage        string     `json:"stage"`
	Standard     string     `json:"standard"`
	UnitCode     string     `json:"unit_code"`
	UnitName     string     `json:"unit_name"`
	DistrictCode string     `json:"district_code"`
	DistrictName string     `json:"district_name"`
	Synthetic    bool       `json:"synthetic"`
	Flag         *Flag      `json:"flag"` // nil when the commune is not on the period's list
	Evidence     []Evidence `json:"evidence"`
	// Row is the commune's row of the year and stage (nil when it sent none).
	Row       *HistoryPoint  `json:"row"`
	Counted   *HistoryPoint  `json:"counted"` // the year's counted row (reverified after a correction)
	History   []HistoryPoint `json:"history"` // every year, standard and stage
	Peers     []Peer         `json:"peers"`   // highest reduction first
	PeerBasis string         `json:"peer_basis"`
	Flows     *Flows         `json:"flows"` // nil when neither form B nor C was sent
}

// ErrNoCommune reports a unit with neither figures nor a flag.
var ErrNoCommune = errors.New("không có số liệu của xã này")

// Commune reads the evidence page of one commune for a year and stage.
func (q *Q) Commune(ctx context.Context, year int, stage, unit string) (*CommuneEvidence, error) {
	ce := &CommuneEvidence{Year: year, Stage: stage, UnitCode: unit}
	hasList, err := q.HasAnomalies(ctx)
	if err != nil {
		return nil, err
	}
	if hasList {
		row := q.db.QueryRowContext(ctx, sqlFlagOne, year, stage, unit)
		fl, err := scanFlag(row)
		switch {
		case err == nil:
			ce.Flag = &fl
			ce.UnitName, ce.DistrictCode, ce.DistrictName = fl.UnitName, fl.DistrictCode, fl.DistrictName
		case !errors.Is(err, sql.ErrNoRows):
			return nil, fmt.Errorf("đọc cờ của xã %s: %w", unit, err)
		}
		if ce.Evidence, err = q.evidence(ctx, year, stage, unit); err != nil {
			return nil, err
		}
	}
	if err := q.history(ctx, ce); err != nil {
		return nil, err
	}
	if ce.Row == nil && ce.Flag == nil && len(ce.History) == 0 {
		return nil, fmt.Errorf("xã %s năm %d: %w", unit, year, ErrNoCommune)
	}
	if ce.Row != nil {
		if err := q.peers(ctx, ce); err != nil {
			return nil, err
		}
		if err := q.flows(ctx, ce); err != nil {
			return nil, err
		}
	}
	return ce, nil
}

func (q *Q) history(ctx context.Context, ce *CommuneEvidence) error {
	rows, err := q.db.QueryContext(ctx, sqlCommuneHistory, ce.UnitCode)
	if err != nil {
		return fmt.Errorf("đọc lịch sử xã %s: %w", ce.UnitCode, err)
	}
	defer rows.Close()
	firstYear := map[string]int{} // standards of the year → first year in force
	for rows.Next() {
		var (
			p                 HistoryPoint
			name, dcode, dnam sql.NullString
			synthetic         sql.NullBool
			hh, poor, np      sql.NullInt64
			pr, npr, red      sql.NullFloat64
			stdFirst          sql.NullInt64
		)
		if err := rows.Scan(&p.Year, &p.Standard, &p.Stage, &p.Counted, &p.IsBaseline, &name, &dcode, &dnam, &synthetic,
			&hh, &poor, &np, &pr, &npr, &red, &stdFirst); err != nil {
			return fmt.Errorf("đọc lịch sử xã %s: %w", ce.UnitCode, err)
		}
		p.Households, p.Poor, p.NearPoor = nullInt(hh), nullInt(poor), nullInt(np)
		p.PoorRate, p.NearPoorRate, p.ReductionPP = nullable(pr), nullable(npr), nullable(red)
		ce.Synthetic = ce.Synthetic || synthetic.Bool
		ce.History = append(ce.History, p)
		if p.Year == ce.Year {
			firstYear[p.Standard] = int(stdFirst.Int64)
			if name.Valid {
				ce.UnitName = name.String
			}
			if dcode.Valid {
				ce.DistrictCode, ce.DistrictName = dcode.String, dnam.String
			}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("đọc lịch sử xã %s: %w", ce.UnitCode, err)
	}
	// In a year with two standards (2021) the newest is the one under review.
	best := -1
	for std, first := range firstYear {
		if first > best || first == best && std > ce.Standard {
			ce.Standard, best = std, first
		}
	}
	for i := range ce.History {
		p := &ce.History[i]
		if p.Year != ce.Year || p.Standard != ce.Standard {
			continue
		}
		if p.Stage == ce.Stage {
			ce.Row = p
		}
		if p.Counted {
			ce.Counted = p
		}
	}
	if ce.UnitName == "" {
		ce.UnitName = ce.UnitCode
	}
	return nil
}

func (q *Q) peers(ctx context.Context, ce *CommuneEvidence) error {
	var (
		rows *sql.Rows
		err  error
	)
	if ce.DistrictCode != "" {
		ce.PeerBasis = PeersDistrict
		rows, err = q.db.QueryContext(ctx, sqlPeersDistrict, ce.Year, ce.Standard, ce.Stage, ce.DistrictCode)
	} else {
		ce.PeerBasis = PeersLevel
		rows, err = q.db.QueryContext(ctx, sqlPeersLevel, ce.Year, ce.Standard, ce.Stage, ce.UnitCode, PeerLimit)
	}
	if err != nil {
		return fmt.Errorf("đọc các xã so sánh với %s: %w", ce.UnitCode, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			p        Peer
			hh, poor sql.NullInt64
			pr, red  sql.NullFloat64
		)
		if err := rows.Scan(&p.UnitCode, &p.UnitName, &hh, &poor, &pr, &red); err != nil {
			return fmt.Errorf("đọc các xã so sánh với %s: %w", ce.UnitCode, err)
		}
		p.Households, p.Poor, p.PoorRate, p.ReductionPP = nullInt(hh), nullInt(poor), nullable(pr), nullable(red)
		p.Self = p.UnitCode == ce.UnitCode
		ce.Peers = append(ce.Peers, p)
	}
	return rows.Err()
}

// flowFields are the form B and C columns in the forms' order, with the
// labels officers know.
var flowFields = [...]struct{ form, field, label string }{
	{"B", "poor_start", "Hộ nghèo đầu kỳ"},
	{"B", "poor_out_to_near_poor", "Thoát nghèo, thành cận nghèo"},
	{"B", "poor_out_above_near_poor", "Thoát nghèo, vượt chuẩn cận nghèo"},
	{"B", "poor_out_other", "Giảm khác"},
	{"B", "poor_in_from_near_poor", "Từ cận nghèo xuống nghèo"},
	{"B", "poor_in_repoor", "Tái nghèo"},
	{"B", "poor_in_new", "Phát sinh mới"},
	{"B", "poor_in_other", "Tăng khác"},
	{"C", "near_poor_start", "Hộ cận nghèo đầu kỳ"},
	{"C", "near_poor_out_escaped", "Thoát cận nghèo"},
	{"C", "near_poor_out_to_poor", "Rơi xuống nghèo"},
	{"C", "near_poor_out_other", "Giảm khác"},
	{"C", "near_poor_in_from_poor", "Từ nghèo lên cận nghèo"},
	{"C", "near_poor_in_re", "Tái cận nghèo"},
	{"C", "near_poor_in_new", "Phát sinh mới"},
	{"C", "near_poor_in_other", "Tăng khác"},
}

func (q *Q) flows(ctx context.Context, ce *CommuneEvidence) error {
	cols := make([]string, len(flowFields))
	for i, f := range flowFields {
		cols[i] = f.field
	}
	vals := make([]sql.NullInt64, len(flowFields))
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	err := q.db.QueryRowContext(ctx, `SELECT `+strings.Join(cols, ", ")+` FROM commune_year
		WHERE year = ? AND standard = ? AND stage = ? AND unit_code = ?`, ce.Year, ce.Standard, ce.Stage, ce.UnitCode).Scan(ptrs...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("đọc biến động của xã %s: %w", ce.UnitCode, err)
	}
	fl := &Flows{}
	sent := false
	for i, f := range flowFields {
		it := FlowItem{Field: f.field, Label: f.label, Value: nullInt(vals[i])}
		sent = sent || it.Value != nil
		if f.form == "B" {
			fl.Poor = append(fl.Poor, it)
		} else {
			fl.NearPoor = append(fl.NearPoor, it)
		}
	}
	if sent {
		ce.Flows = fl
	}
	return nil
}

func nullInt(v sql.NullInt64) *int64 {
	if !v.Valid {
		return nil
	}
	n := v.Int64
	return &n
}

const sqlFlagColumns = `year, stage, unit_code, unit_name, district_code, district_name, score, severity, rules, n_rules, reason_vi, rank`

// sqlFlags: every flag of a period, ranked. Parameters: year, stage.
const sqlFlags = `SELECT ` + sqlFlagColumns + ` FROM anomalies WHERE year = ? AND stage = ?
ORDER BY score DESC, rank, unit_code`

const sqlFlagOne = `SELECT ` + sqlFlagColumns + ` FROM anomalies WHERE year = ? AND stage = ? AND unit_code = ?`

// sqlFlagsSynthetic: whether any flagged unit of the period is synthetic.
const sqlFlagsSynthetic = `SELECT coalesce(bool_or(u.synthetic), false)
FROM anomalies a JOIN ref_unit u ON u.unit_code = a.unit_code
WHERE a.year = ? AND a.stage = ?`

// sqlEvidence: the fired rules of a period (of one unit when $3 is not
// empty), strongest first, with the rules' titles.
const sqlEvidence = `
SELECT e.year, e.stage, e.unit_code, a.unit_name, e.rule_id, coalesce(e.family, r.family), r.title_vi,
       e.observed, e.expected, e.lower, e.upper, e.threshold, e.score, e.reason_vi
FROM anomaly_evidence e
LEFT JOIN ref_anomaly_rule r USING (rule_id)
LEFT JOIN anomalies a ON a.year = e.year AND a.stage = e.stage AND a.unit_code = e.unit_code
WHERE e.year = $1 AND e.stage = $2 AND ($3 = '' OR e.unit_code = $3)
ORDER BY e.unit_code, e.score DESC, e.rule_id`

// sqlCommuneHistory: every row of a commune, with the first year of each
// standard so a year with two standards can pick the newest.
var sqlCommuneHistory = `
SELECT c.year, c.standard, c.stage, c.counted, c.is_baseline, c.unit_name, c.district_code, c.district_name, c.synthetic,
       c.total_households, c.poor_end, c.near_poor_end, c.poor_rate, c.near_poor_rate, c.reduction_pp,
       s.first_year
FROM commune_year c LEFT JOIN ref_standard s USING (standard)
WHERE c.unit_code = ?
ORDER BY c.year, s.first_year NULLS FIRST, c.standard,
         ` + review.RankSQL("c.stage")

// sqlPeersDistrict: the communes of the same district, same year, standard
// and stage (the flagged commune included), highest reduction first.
// Parameters: year, standard, stage, district.
const sqlPeersDistrict = `
SELECT unit_code, unit_name, total_households, poor_end, poor_rate, reduction_pp
FROM commune_year
WHERE year = $1 AND standard = $2 AND stage = $3 AND district_code = $4
ORDER BY reduction_pp DESC NULLS LAST, unit_code`

// sqlPeersLevel: without districts, the communes of the same province whose
// poor rate is closest to the flagged commune's (it included), highest
// reduction first. Parameters: year, standard, stage, unit, how many.
const sqlPeersLevel = `
WITH me AS (
    SELECT province_code, poor_rate FROM commune_year
    WHERE year = $1 AND standard = $2 AND stage = $3 AND unit_code = $4
), near AS (
    SELECT c.unit_code, c.unit_name, c.total_households, c.poor_end, c.poor_rate, c.reduction_pp
    FROM commune_year c, me
    WHERE c.year = $1 AND c.standard = $2 AND c.stage = $3 AND c.province_code = me.province_code
    ORDER BY c.unit_code = $4 DESC, abs(c.poor_rate - me.poor_rate) NULLS LAST, c.unit_code
    LIMIT $5
)
SELECT * FROM near ORDER BY reduction_pp DESC NULLS LAST, unit_code`
