// Package query is the one read layer over the transform's views
// (province_year, district_year, commune_year, ref_target): the dashboards,
// the exports and the alerts all take their numbers from here, so a figure
// shown on a page and the same figure in a spreadsheet cannot disagree.
//
// Every method reads only; none of them writes to the database.
package query

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
)

// Q runs the read queries. It is safe for concurrent use, as *sql.DB is.
type Q struct{ db *sql.DB }

// New wraps an open database (for a *store.DB pass its embedded *sql.DB).
func New(db *sql.DB) *Q { return &Q{db: db} }

// ErrNoData reports that a province has no counted row at all.
var ErrNoData = errors.New("không có số liệu")

// Target statuses. StatusNotComparable is used when a target applies to the
// year but the reduction cannot be measured (a baseline year, a boundary
// change, a missing previous year): the page must not say "không đạt" then.
const (
	StatusExceeds       = "vượt"
	StatusMeets         = "đạt"
	StatusMisses        = "không đạt"
	StatusNotComparable = "không so sánh được"
)

// Ranking levels.
const (
	LevelDistrict = "district"
	LevelCommune  = "commune"
)

// Province is one province that has counted data.
type Province struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Synthetic  bool   `json:"synthetic"`
	LatestYear int    `json:"latest_year"`
}

// Overview is the leaders' page for one province: the latest year's figures,
// the whole trend and the ranking of the units one level below.
type Overview struct {
	ProvinceCode string `json:"province_code"`
	ProvinceName string `json:"province_name"`
	Synthetic    bool   `json:"synthetic"`

	// Year is the latest year with a counted row; Standard the newest standard
	// of that year (in 2021 that is the ND07_2021 baseline, not QD59_2015);
	// Stage the stage that counts for it.
	Year     int    `json:"year"`
	Standard string `json:"standard"`
	Stage    string `json:"stage"`

	Households   int64    `json:"households"`
	Poor         int64    `json:"poor"`
	NearPoor     int64    `json:"near_poor"`
	PoorRate     float64  `json:"poor_rate"`
	NearPoorRate float64  `json:"near_poor_rate"`
	ReductionPP  *float64 `json:"reduction_pp"`
	Comparable   bool     `json:"comparable"`
	// UnitsReporting of UnitsExpected units below the province sent figures;
	// both are 0 when the view does not say.
	UnitsReporting int `json:"units_reporting"`
	UnitsExpected  int `json:"units_expected"`

	Target *Target `json:"target"` // nil when no target applies to the year

	Trend []TrendPoint `json:"trend"` // every counted (year, standard), series by series

	Ranking      []UnitRate `json:"ranking"`       // highest poor rate first
	RankingLevel string     `json:"ranking_level"` // LevelDistrict before 1/7/2025, LevelCommune after
}

// Target is the poverty-reduction target that applies to the overview year
// and how the province did against it.
type Target struct {
	Period string  `json:"period"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
	HasMax bool    `json:"has_max"` // false when the target is open-ended ("> 3 points")
	Source string  `json:"source"`
	Status string  `json:"status"` // StatusExceeds, StatusMeets, StatusMisses or StatusNotComparable
}

// TrendPoint is one counted (year, standard) of the province.
type TrendPoint struct {
	Year         int      `json:"year"`
	Standard     string   `json:"standard"`
	Stage        string   `json:"stage"`
	IsBaseline   bool     `json:"is_baseline"`
	Households   int64    `json:"households"`
	Poor         int64    `json:"poor"`
	NearPoor     int64    `json:"near_poor"`
	PoorRate     float64  `json:"poor_rate"`
	NearPoorRate float64  `json:"near_poor_rate"`
	ReductionPP  *float64 `json:"reduction_pp"`
}

// UnitRate is one unit of the ranking.
type UnitRate struct {
	Code         string   `json:"code"`
	Name         string   `json:"name"`
	Households   int64    `json:"households"`
	Poor         int64    `json:"poor"`
	NearPoor     int64    `json:"near_poor"`
	PoorRate     float64  `json:"poor_rate"`
	NearPoorRate float64  `json:"near_poor_rate"`
	ReductionPP  *float64 `json:"reduction_pp"`
}

// Provinces lists the provinces with counted data, the one to show by
// default first: the most recent data wins, then real data before the
// synthetic sample, then the code. A page without ?province= shows
// Provinces()[0], so loading a real province's latest year makes it the
// default without anyone touching a setting.
func (q *Q) Provinces(ctx context.Context) ([]Province, error) {
	rows, err := q.db.QueryContext(ctx, sqlProvinces)
	if err != nil {
		return nil, fmt.Errorf("đọc danh sách tỉnh: %w", err)
	}
	defer rows.Close()
	var out []Province
	for rows.Next() {
		var p Province
		if err := rows.Scan(&p.Code, &p.Name, &p.Synthetic, &p.LatestYear); err != nil {
			return nil, fmt.Errorf("đọc danh sách tỉnh: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("đọc danh sách tỉnh: %w", err)
	}
	return out, nil
}

// Overview reads the overview of one province. It returns an error wrapping
// ErrNoData when the province has no counted row.
func (q *Q) Overview(ctx context.Context, provinceCode string) (*Overview, error) {
	ov := &Overview{ProvinceCode: provinceCode}
	latest, err := q.trend(ctx, ov)
	if err != nil {
		return nil, err
	}
	if latest == nil {
		return nil, fmt.Errorf("tỉnh %q: %w", provinceCode, ErrNoData)
	}
	t, err := q.target(ctx, provinceCode, ov.Year, latest.IsBaseline)
	if err != nil {
		return nil, err
	}
	if t != nil {
		t.Status = targetStatus(ov.ReductionPP, ov.Comparable, t.Min, t.Max, t.HasMax)
		ov.Target = t
	}
	if err := q.ranking(ctx, ov); err != nil {
		return nil, err
	}
	return ov, nil
}

// trend fills the header, the trend and the latest year's figures of ov and
// returns the trend point the latest figures come from (nil when none).
func (q *Q) trend(ctx context.Context, ov *Overview) (*TrendPoint, error) {
	rows, err := q.db.QueryContext(ctx, sqlTrend, ov.ProvinceCode)
	if err != nil {
		return nil, fmt.Errorf("đọc xu hướng của tỉnh %s: %w", ov.ProvinceCode, err)
	}
	defer rows.Close()
	var (
		latest      = -1
		latestStart int
		comparable  []bool
		reporting   []int
		expected    []int
	)
	for rows.Next() {
		var (
			p          TrendPoint
			name       string
			synthetic  bool
			cmp        sql.NullBool
			red        sql.NullFloat64
			pr, npr    sql.NullFloat64
			rep, exp   sql.NullInt64
			seriesFrom int
		)
		if err := rows.Scan(&p.Year, &p.Standard, &p.Stage, &p.IsBaseline, &name, &synthetic,
			&p.Households, &p.Poor, &p.NearPoor, &pr, &npr, &red, &cmp, &rep, &exp, &seriesFrom); err != nil {
			return nil, fmt.Errorf("đọc xu hướng của tỉnh %s: %w", ov.ProvinceCode, err)
		}
		p.PoorRate, p.NearPoorRate, p.ReductionPP = pr.Float64, npr.Float64, nullable(red)
		ov.Synthetic = ov.Synthetic || synthetic
		ov.Trend = append(ov.Trend, p)
		comparable = append(comparable, cmp.Bool && red.Valid)
		reporting = append(reporting, int(rep.Int64))
		expected = append(expected, int(exp.Int64))
		// The latest year wins; within it, the series that started last is
		// the newest standard (2021: the ND07 baseline over QD59), and on a
		// tie the baseline row is the new standard.
		i := len(ov.Trend) - 1
		if latest < 0 || p.Year > ov.Trend[latest].Year ||
			(p.Year == ov.Trend[latest].Year && (seriesFrom > latestStart ||
				(seriesFrom == latestStart && p.IsBaseline && !ov.Trend[latest].IsBaseline))) {
			latest, latestStart = i, seriesFrom
			ov.ProvinceName = name // the name in force in the latest year
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("đọc xu hướng của tỉnh %s: %w", ov.ProvinceCode, err)
	}
	if latest < 0 {
		return nil, nil
	}
	p := &ov.Trend[latest]
	ov.Year, ov.Standard, ov.Stage = p.Year, p.Standard, p.Stage
	ov.Households, ov.Poor, ov.NearPoor = p.Households, p.Poor, p.NearPoor
	ov.PoorRate, ov.NearPoorRate, ov.ReductionPP = p.PoorRate, p.NearPoorRate, p.ReductionPP
	ov.Comparable = comparable[latest]
	ov.UnitsReporting, ov.UnitsExpected = reporting[latest], expected[latest]
	return p, nil
}

// target picks the poor-rate reduction target for a province-year. A
// province's own target beats the national one ('*'). When two periods
// overlap on a year (2021 ends 2016–2020 and starts 2021–2025), a reduction
// in year Y is measured from Y−1, so the period that already ran in Y−1 is
// the one it counts for; a baseline year has no reduction and belongs to the
// period it starts.
func (q *Q) target(ctx context.Context, unitCode string, year int, baseline bool) (*Target, error) {
	var (
		t      Target
		lo, hi sql.NullFloat64
		src    sql.NullString
	)
	err := q.db.QueryRowContext(ctx, sqlTarget, unitCode, year, baseline).Scan(&t.Period, &lo, &hi, &src)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("đọc chỉ tiêu giảm nghèo của %s năm %d: %w", unitCode, year, err)
	}
	t.Min, t.Max, t.HasMax, t.Source = lo.Float64, hi.Float64, hi.Valid, src.String
	return &t, nil
}

// targetStatus compares a reduction with a target the way a reader of the
// page would: on the value rounded to the two decimals shown, so "2,00"
// against a 1,5–2 target reads "đạt" even if the float was 1.9999999.
func targetStatus(reductionPP *float64, comparable bool, lo, hi float64, hasMax bool) string {
	if reductionPP == nil || !comparable {
		return StatusNotComparable
	}
	r := math.Round(*reductionPP*100) / 100
	switch {
	case hasMax && r > hi:
		return StatusExceeds
	case r >= lo:
		return StatusMeets
	default:
		return StatusMisses
	}
}

// ranking fills the units one level below the province for the overview's
// year and standard: districts while the year has district rows, the
// communes directly otherwise (from 1/7/2025 there are no districts).
func (q *Q) ranking(ctx context.Context, ov *Overview) error {
	rows, err := q.db.QueryContext(ctx, sqlRanking, ov.ProvinceCode, ov.Year, ov.Standard)
	if err != nil {
		return fmt.Errorf("đọc xếp hạng đơn vị của tỉnh %s năm %d: %w", ov.ProvinceCode, ov.Year, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			u       UnitRate
			level   string
			pr, npr sql.NullFloat64
			red     sql.NullFloat64
		)
		if err := rows.Scan(&level, &u.Code, &u.Name, &u.Households, &u.Poor, &u.NearPoor, &pr, &npr, &red); err != nil {
			return fmt.Errorf("đọc xếp hạng đơn vị của tỉnh %s năm %d: %w", ov.ProvinceCode, ov.Year, err)
		}
		u.PoorRate, u.NearPoorRate, u.ReductionPP = pr.Float64, npr.Float64, nullable(red)
		ov.RankingLevel = level
		ov.Ranking = append(ov.Ranking, u)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("đọc xếp hạng đơn vị của tỉnh %s năm %d: %w", ov.ProvinceCode, ov.Year, err)
	}
	if ov.RankingLevel == "" {
		// No unit rows at all: say what the page would have listed.
		ov.RankingLevel = LevelCommune
		if ov.Year < 2025 {
			ov.RankingLevel = LevelDistrict
		}
	}
	return nil
}

// Ping checks that the database answers.
func (q *Q) Ping(ctx context.Context) error {
	if err := q.db.PingContext(ctx); err != nil {
		return fmt.Errorf("kiểm tra cơ sở dữ liệu: %w", err)
	}
	return nil
}

func nullable(v sql.NullFloat64) *float64 {
	if !v.Valid {
		return nil
	}
	f := v.Float64
	return &f
}
