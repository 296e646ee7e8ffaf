package query

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"

	"rasoat/review"
)

// The province leader's dashboard: any year, standard and stage, any unit
// of the province (province → district → commune before 1/7/2025, province
// → commune after), with the unit's figures, its targets, its history and
// the units one level below it.

// DashParams selects what the dashboard shows. Zero values pick the
// defaults: the province with the most recent data, its latest counted
// year, that year's newest standard, the stage that counts, the province.
type DashParams struct {
	Province string
	Year     int
	Standard string
	Stage    string // "" = the stage that counts for each unit
	Unit     string // "" = the province
}

// Dashboard is one state of the dashboard.
type Dashboard struct {
	ProvinceCode string `json:"province_code"`
	ProvinceName string `json:"province_name"`
	Synthetic    bool   `json:"synthetic"`

	// What can be picked: the years with counted data, the standards of
	// the chosen year, the stages of the chosen year and standard.
	Years     []int    `json:"years"`
	Standards []string `json:"standards"`
	Stages    []string `json:"stages"`

	Year       int    `json:"year"`
	Standard   string `json:"standard"`
	Stage      string `json:"stage"` // "" when each unit's counted stage is shown
	IsBaseline bool   `json:"is_baseline"`

	// Unit is the unit shown; Path its ancestors from the province down
	// (empty for the province). UnitMissing is the code asked for when it
	// does not exist in this year (the province is shown instead).
	Unit        UnitFigures `json:"unit"`
	Path        []UnitRef   `json:"path"`
	UnitMissing string      `json:"unit_missing,omitempty"`

	// Children are the units one level below Unit, highest poor rate first;
	// ChildLevel is their level ("" for a commune).
	ChildLevel string        `json:"child_level"`
	Children   []UnitFigures `json:"children"`

	// Trend is the unit's counted history on the units of Year: a commune's
	// earlier years restated through the crosswalk where it changed.
	Trend []DashTrendPoint `json:"trend"`
}

// UnitRef names a unit.
type UnitRef struct {
	Level string `json:"level"`
	Code  string `json:"code"`
	Name  string `json:"name"`
}

// UnitFigures are one unit's figures for the dashboard's year, standard and
// stage. Rates are percent; reductions percentage points against the
// previous year (for communes through the crosswalk where the commune
// changed: Restated).
type UnitFigures struct {
	UnitRef
	ParentCode string `json:"parent_code"`
	Stage      string `json:"stage"`
	Counted    bool   `json:"counted"`

	Households   int64    `json:"households"`
	Poor         int64    `json:"poor"`
	NearPoor     int64    `json:"near_poor"`
	PoorRate     *float64 `json:"poor_rate"`
	NearPoorRate *float64 `json:"near_poor_rate"`
	MultidimRate *float64 `json:"multidim_rate"` // (poor + near-poor) / households
	EMHouseholds *int64   `json:"em_households"`
	EMPoor       *int64   `json:"em_poor"`
	EMPoorRate   *float64 `json:"em_poor_rate"` // em_poor / em_households

	ReductionPP         *float64 `json:"reduction_pp"`
	Restated            bool     `json:"restated"` // ReductionPP compares with the restated previous year
	MultidimReductionPP *float64 `json:"multidim_reduction_pp"`
	EMPoorReductionPP   *float64 `json:"em_poor_reduction_pp"`

	Flow *Flow `json:"flow"` // nil when the unit has no form B figures

	Targets []Verdict `json:"targets"` // from unit_target_year; only for counted rows
}

// Flow is form B's movement of poor households over the review.
type Flow struct {
	PoorStart        int64 `json:"poor_start"`
	OutToNearPoor    int64 `json:"out_to_near_poor"`
	OutAboveNearPoor int64 `json:"out_above_near_poor"`
	OutOther         int64 `json:"out_other"`
	InFromNearPoor   int64 `json:"in_from_near_poor"`
	InRepoor         int64 `json:"in_repoor"`
	InNew            int64 `json:"in_new"`
	InOther          int64 `json:"in_other"`
	PoorEnd          int64 `json:"poor_end"`
}

// Gap is what the flow leaves unexplained: end − (start − exits + entries);
// 0 when the form balances.
func (f *Flow) Gap() int64 {
	return f.PoorEnd - (f.PoorStart - f.OutToNearPoor - f.OutAboveNearPoor - f.OutOther +
		f.InFromNearPoor + f.InRepoor + f.InNew + f.InOther)
}

// Verdict is one target of a unit-year and how the unit did.
type Verdict struct {
	Measure        string   `json:"measure"`
	Min            float64  `json:"min"`
	Max            *float64 `json:"max"`
	Actual         *float64 `json:"actual"`
	Status         string   `json:"status"` // exceeded, met, missed, in_progress, not_comparable
	StatusVI       string   `json:"status_vi"`
	PeriodAvgPP    *float64 `json:"period_avg_pp"`
	PeriodStatusVI string   `json:"period_status_vi"`
	DefaultTarget  bool     `json:"default_target"`
	Source         string   `json:"source"`
}

// DashTrendPoint is one counted (year, standard) of the unit.
type DashTrendPoint struct {
	Year         int      `json:"year"`
	Standard     string   `json:"standard"`
	IsBaseline   bool     `json:"is_baseline"`
	Households   float64  `json:"households"` // fractional when restated
	Poor         float64  `json:"poor"`
	NearPoor     float64  `json:"near_poor"`
	PoorRate     *float64 `json:"poor_rate"`
	NearPoorRate *float64 `json:"near_poor_rate"`
	MultidimRate *float64 `json:"multidim_rate"`
	EMPoorRate   *float64 `json:"em_poor_rate"`
	Restated     bool     `json:"restated"` // on the units of the dashboard's year through the crosswalk
	Complete     bool     `json:"complete"` // every predecessor reported
}

// ErrBadParam reports a year, standard or stage the province has no data for.
var ErrBadParam = errors.New("lựa chọn không có số liệu")

// Dashboard reads one state of the dashboard.
func (q *Q) Dashboard(ctx context.Context, p DashParams) (*Dashboard, error) {
	if p.Province == "" {
		provs, err := q.Provinces(ctx)
		if err != nil {
			return nil, err
		}
		if len(provs) == 0 {
			return nil, fmt.Errorf("chưa có tỉnh nào: %w", ErrNoData)
		}
		p.Province = provs[0].Code
	}
	d := &Dashboard{ProvinceCode: p.Province}
	if err := q.dashChoices(ctx, d, p); err != nil {
		return nil, err
	}
	units, err := q.dashUnits(ctx, d)
	if err != nil {
		return nil, err
	}
	if err := q.dashTargets(ctx, d, units); err != nil {
		return nil, err
	}
	var prov *UnitFigures
	byCode := map[string]*UnitFigures{}
	for i := range units {
		u := &units[i]
		byCode[u.Level+"/"+u.Code] = u
		if u.Level == "province" {
			prov = u
			d.ProvinceName = u.Name
		}
	}
	if prov == nil {
		return nil, fmt.Errorf("tỉnh %s năm %d: %w", p.Province, d.Year, ErrNoData)
	}
	// the unit asked for: a district code or a commune code of this year
	sel := prov
	if p.Unit != "" && p.Unit != p.Province {
		sel = byCode["district/"+p.Unit]
		if sel == nil {
			sel = byCode["commune/"+p.Unit]
		}
		if sel == nil {
			d.UnitMissing = p.Unit
			sel = prov
		}
	}
	d.Unit = *sel
	// ancestors
	for at := sel; at.Level != "province"; {
		parent := byCode["district/"+at.ParentCode]
		if parent == nil {
			parent = prov
		}
		d.Path = append([]UnitRef{parent.UnitRef}, d.Path...)
		at = parent
	}
	// children: districts while the year has them, then communes
	hasDistricts := false
	for _, u := range units {
		if u.Level == "district" {
			hasDistricts = true
			break
		}
	}
	for _, u := range units {
		switch {
		case sel.Level == "province" && hasDistricts && u.Level == "district",
			sel.Level == "province" && !hasDistricts && u.Level == "commune",
			sel.Level == "district" && u.Level == "commune" && u.ParentCode == sel.Code:
			d.Children = append(d.Children, u)
			d.ChildLevel = u.Level
		}
	}
	if d.ChildLevel == "" && sel.Level == "province" {
		d.ChildLevel = LevelCommune
		if hasDistricts {
			d.ChildLevel = LevelDistrict
		}
	}
	sort.SliceStable(d.Children, func(i, j int) bool {
		a, b := d.Children[i].PoorRate, d.Children[j].PoorRate
		if (a == nil) != (b == nil) {
			return a != nil
		}
		if a != nil && *a != *b {
			return *a > *b
		}
		if d.Children[i].Name != d.Children[j].Name {
			return d.Children[i].Name < d.Children[j].Name
		}
		return d.Children[i].Code < d.Children[j].Code
	})
	if err := q.dashTrend(ctx, d); err != nil {
		return nil, err
	}
	return d, nil
}

// dashChoices fills the pickers and resolves the year, standard and stage.
func (q *Q) dashChoices(ctx context.Context, d *Dashboard, p DashParams) error {
	rows, err := q.db.QueryContext(ctx, sqlDashChoices, p.Province)
	if err != nil {
		return fmt.Errorf("đọc các năm của tỉnh %s: %w", p.Province, err)
	}
	defer rows.Close()
	type combo struct {
		year            int
		standard, stage string
		counted, base   bool
		seriesFrom      int
		synthetic       bool
	}
	var all []combo
	for rows.Next() {
		var c combo
		if err := rows.Scan(&c.year, &c.standard, &c.stage, &c.counted, &c.base, &c.seriesFrom, &c.synthetic); err != nil {
			return fmt.Errorf("đọc các năm của tỉnh %s: %w", p.Province, err)
		}
		all = append(all, c)
		d.Synthetic = d.Synthetic || c.synthetic
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("đọc các năm của tỉnh %s: %w", p.Province, err)
	}
	seenYear := map[int]bool{}
	for _, c := range all {
		if c.counted && !seenYear[c.year] {
			seenYear[c.year] = true
			d.Years = append(d.Years, c.year)
		}
	}
	if len(d.Years) == 0 {
		return fmt.Errorf("tỉnh %q: %w", p.Province, ErrNoData)
	}
	sort.Ints(d.Years)
	d.Year = p.Year
	if d.Year == 0 {
		d.Year = d.Years[len(d.Years)-1]
	} else if !seenYear[d.Year] {
		return fmt.Errorf("năm %d: %w", p.Year, ErrBadParam)
	}
	// standards of the year, in the order they came into force
	type std struct {
		code       string
		seriesFrom int
		base       bool
	}
	var stds []std
	seenStd := map[string]bool{}
	for _, c := range all {
		if c.year == d.Year && c.counted && !seenStd[c.standard] {
			seenStd[c.standard] = true
			stds = append(stds, std{c.standard, c.seriesFrom, c.base})
		}
	}
	sort.SliceStable(stds, func(i, j int) bool {
		if stds[i].seriesFrom != stds[j].seriesFrom {
			return stds[i].seriesFrom < stds[j].seriesFrom
		}
		return !stds[i].base && stds[j].base
	})
	for _, s := range stds {
		d.Standards = append(d.Standards, s.code)
	}
	d.Standard = p.Standard
	if d.Standard == "" {
		d.Standard = d.Standards[len(d.Standards)-1] // the newest: 2021 shows the NĐ 07 baseline
	} else if !seenStd[d.Standard] {
		return fmt.Errorf("chuẩn %s năm %d: %w", p.Standard, d.Year, ErrBadParam)
	}
	seenStage := map[string]bool{}
	for _, c := range all {
		if c.year == d.Year && c.standard == d.Standard {
			seenStage[c.stage] = true
			if c.counted {
				d.IsBaseline = c.base
			}
		}
	}
	for _, s := range review.Stages() {
		if seenStage[string(s)] {
			d.Stages = append(d.Stages, string(s))
		}
	}
	d.Stage = p.Stage
	if d.Stage != "" && !seenStage[d.Stage] {
		return fmt.Errorf("giai đoạn %s: %w", p.Stage, ErrBadParam)
	}
	return nil
}

// dashUnits reads every unit of the province (all levels) for the year,
// standard and stage.
func (q *Q) dashUnits(ctx context.Context, d *Dashboard) ([]UnitFigures, error) {
	rows, err := q.db.QueryContext(ctx, sqlDashUnits, d.ProvinceCode, d.Year, d.Standard, d.Stage)
	if err != nil {
		return nil, fmt.Errorf("đọc số liệu các đơn vị của tỉnh %s năm %d: %w", d.ProvinceCode, d.Year, err)
	}
	defer rows.Close()
	var out []UnitFigures
	for rows.Next() {
		var (
			u                                  UnitFigures
			parent                             sql.NullString
			pr, npr, mr, emr, red, mred, emred sql.NullFloat64
			emh, emp                           sql.NullInt64
			fl                                 [9]sql.NullInt64
		)
		if err := rows.Scan(&u.Level, &u.Code, &u.Name, &parent, &u.Stage, &u.Counted,
			&u.Households, &u.Poor, &u.NearPoor, &pr, &npr, &mr, &emh, &emp, &emr,
			&red, &u.Restated, &mred, &emred,
			&fl[0], &fl[1], &fl[2], &fl[3], &fl[4], &fl[5], &fl[6], &fl[7], &fl[8]); err != nil {
			return nil, fmt.Errorf("đọc số liệu các đơn vị của tỉnh %s năm %d: %w", d.ProvinceCode, d.Year, err)
		}
		u.ParentCode = parent.String
		u.PoorRate, u.NearPoorRate, u.MultidimRate, u.EMPoorRate = nullable(pr), nullable(npr), nullable(mr), nullable(emr)
		u.ReductionPP, u.MultidimReductionPP, u.EMPoorReductionPP = nullable(red), nullable(mred), nullable(emred)
		u.EMHouseholds, u.EMPoor = nullableInt(emh), nullableInt(emp)
		if fl[0].Valid && fl[8].Valid {
			u.Flow = &Flow{PoorStart: fl[0].Int64, OutToNearPoor: fl[1].Int64, OutAboveNearPoor: fl[2].Int64, OutOther: fl[3].Int64,
				InFromNearPoor: fl[4].Int64, InRepoor: fl[5].Int64, InNew: fl[6].Int64, InOther: fl[7].Int64, PoorEnd: fl[8].Int64}
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("đọc số liệu các đơn vị của tỉnh %s năm %d: %w", d.ProvinceCode, d.Year, err)
	}
	return out, nil
}

// dashTargets attaches unit_target_year's verdicts to the units.
func (q *Q) dashTargets(ctx context.Context, d *Dashboard, units []UnitFigures) error {
	rows, err := q.db.QueryContext(ctx, sqlDashTargets, d.ProvinceCode, d.Year, d.Standard, d.Stage)
	if err != nil {
		return fmt.Errorf("đọc chỉ tiêu của tỉnh %s năm %d: %w", d.ProvinceCode, d.Year, err)
	}
	defer rows.Close()
	idx := map[string]int{}
	for i, u := range units {
		idx[u.Level+"/"+u.Code] = i
	}
	for rows.Next() {
		var (
			level, code        string
			v                  Verdict
			hi, act, avg       sql.NullFloat64
			statusVI, periodVI sql.NullString
			src                sql.NullString
		)
		if err := rows.Scan(&level, &code, &v.Measure, &v.Min, &hi, &act, &v.Status, &statusVI, &avg, &periodVI, &v.DefaultTarget, &src); err != nil {
			return fmt.Errorf("đọc chỉ tiêu của tỉnh %s năm %d: %w", d.ProvinceCode, d.Year, err)
		}
		v.Max, v.Actual, v.PeriodAvgPP = nullable(hi), nullable(act), nullable(avg)
		v.StatusVI, v.PeriodStatusVI, v.Source = statusVI.String, periodVI.String, src.String
		if i, ok := idx[level+"/"+code]; ok {
			units[i].Targets = append(units[i].Targets, v)
		}
	}
	return rows.Err()
}

// dashTrend reads the selected unit's counted history.
func (q *Q) dashTrend(ctx context.Context, d *Dashboard) error {
	var (
		rows *sql.Rows
		err  error
	)
	switch d.Unit.Level {
	case "province":
		rows, err = q.db.QueryContext(ctx, sqlDashTrendProvince, d.Unit.Code)
	case "district":
		rows, err = q.db.QueryContext(ctx, sqlDashTrendDistrict, d.Unit.Code)
	default:
		rows, err = q.db.QueryContext(ctx, sqlDashTrendCommune, d.Year, d.Unit.Code)
	}
	if err != nil {
		return fmt.Errorf("đọc lịch sử của %s: %w", d.Unit.Code, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			p                DashTrendPoint
			pr, npr, mr, emr sql.NullFloat64
		)
		if err := rows.Scan(&p.Year, &p.Standard, &p.IsBaseline, &p.Households, &p.Poor, &p.NearPoor,
			&pr, &npr, &mr, &emr, &p.Restated, &p.Complete); err != nil {
			return fmt.Errorf("đọc lịch sử của %s: %w", d.Unit.Code, err)
		}
		p.PoorRate, p.NearPoorRate, p.MultidimRate, p.EMPoorRate = nullable(pr), nullable(npr), nullable(mr), nullable(emr)
		d.Trend = append(d.Trend, p)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("đọc lịch sử của %s: %w", d.Unit.Code, err)
	}
	// within a year, the older standard first (2021: QĐ 59, then the NĐ 07
	// baseline), so each standard's points follow each other
	first := map[string]int{}
	for _, p := range d.Trend {
		if f, ok := first[p.Standard]; !ok || p.Year < f {
			first[p.Standard] = p.Year
		}
	}
	sort.SliceStable(d.Trend, func(i, j int) bool {
		a, b := d.Trend[i], d.Trend[j]
		if a.Year != b.Year {
			return a.Year < b.Year
		}
		return first[a.Standard] < first[b.Standard]
	})
	return nil
}

// DataVersion identifies the data the dashboards read: it changes on every
// transform run (data_version, sql/models/900_data_version.sql) and every
// accepted file.
func (q *Q) DataVersion(ctx context.Context) (string, error) {
	var v string
	err := q.db.QueryRowContext(ctx, sqlDataVersionFull).Scan(&v)
	if err != nil && strings.Contains(err.Error(), "data_version") {
		// never transformed (a bare schema): the ingest log alone
		err = q.db.QueryRowContext(ctx, sqlDataVersion).Scan(&v)
	}
	if err != nil {
		return "", fmt.Errorf("đọc phiên bản dữ liệu: %w", err)
	}
	return v, nil
}

func nullableInt(v sql.NullInt64) *int64 {
	if !v.Valid {
		return nil
	}
	n := v.Int64
	return &n
}
