package query

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"rasoat/review"
)

// The review cycle's pages: progress against the deadlines, the
// data-quality scorecard, the approval list and the province's consolidated
// form A. The numbers come from the views of sql/models/300_review_cycle.sql
// and the analyst views; nothing here computes a rate of its own.

// Cycle is one review cycle (data/cycles.csv).
type Cycle struct {
	Year                                     int
	Standard                                 string
	IsDefault, IsBaseline                    bool
	PreliminaryDue, OfficialDue, ApprovedDue time.Time
}

// Due is the deadline of a stage.
func (c Cycle) Due(stage string) time.Time {
	switch stage {
	case "preliminary":
		return c.PreliminaryDue
	case "approved":
		return c.ApprovedDue
	}
	return c.OfficialDue
}

// Cycles lists the cycles, newest first (the default standard of a year
// before its baseline).
func (q *Q) Cycles(ctx context.Context) ([]Cycle, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT year, standard, is_default, is_baseline, preliminary_due, official_due, approved_due
		FROM ref_cycle ORDER BY year DESC, is_default DESC, standard`)
	if err != nil {
		return nil, fmt.Errorf("đọc kỳ rà soát: %w", err)
	}
	defer rows.Close()
	var out []Cycle
	for rows.Next() {
		var c Cycle
		if err := rows.Scan(&c.Year, &c.Standard, &c.IsDefault, &c.IsBaseline, &c.PreliminaryDue, &c.OfficialDue, &c.ApprovedDue); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CurrentCycle is the newest default cycle that has received anything for
// the province, else the newest default cycle whose year has begun.
func (q *Q) CurrentCycle(ctx context.Context, province string, now time.Time) (Cycle, error) {
	cs, err := q.Cycles(ctx)
	if err != nil {
		return Cycle{}, err
	}
	var year int
	if err := q.db.QueryRowContext(ctx, `SELECT coalesce(max(year), 0) FROM cycle_unit_stage WHERE province_code = ? AND files > 0`, province).Scan(&year); err != nil {
		return Cycle{}, fmt.Errorf("đọc kỳ rà soát hiện tại: %w", err)
	}
	for _, c := range cs {
		if c.IsDefault && (c.Year == year || year == 0 && c.Year <= now.Year()) {
			return c, nil
		}
	}
	if len(cs) == 0 {
		return Cycle{}, ErrNoData
	}
	return cs[0], nil
}

// FindCycle returns the cycle of a year and standard (empty: the year's default).
func (q *Q) FindCycle(ctx context.Context, year int, standard string) (Cycle, error) {
	cs, err := q.Cycles(ctx)
	if err != nil {
		return Cycle{}, err
	}
	for _, c := range cs {
		if c.Year == year && (c.Standard == standard || standard == "" && c.IsDefault) {
			return c, nil
		}
	}
	return Cycle{}, ErrNoData
}

// GroupProgress is one district's (after 1/7/2025 one commune's) reports
// at one stage.
type GroupProgress struct {
	Code, Name                                          string
	Expected, Received, OnTime, Late, Missing, Rejected int
	Pending                                             int
	Completeness, Timeliness                            float64 // percent
	CompletenessOK, TimelinessOK                        bool
}

// UnitProgress is one commune's report at one stage.
type UnitProgress struct {
	Code, Name, GroupCode, GroupName string
	Status                           string // on_time, late, rejected, missing, pending
	ReceivedOn                       *time.Time
	Files, RejectedFiles             int
}

// StatusVietnamese names a report status as the pages show it.
func StatusVietnamese(s string) string {
	switch s {
	case "on_time":
		return "đúng hạn"
	case "late":
		return "trễ hạn"
	case "rejected":
		return "bị từ chối"
	case "missing":
		return "chưa nộp (quá hạn)"
	case "pending":
		return "chưa đến hạn"
	}
	return s
}

// Progress is a cycle's progress at one stage for a province.
type Progress struct {
	Cycle     Cycle
	Stage     string
	Due       time.Time
	Groups    []GroupProgress
	Units     []UnitProgress
	Total     GroupProgress // the province
	Synthetic bool
}

// Progress reads cycle_group_stage and cycle_unit_stage.
func (q *Q) Progress(ctx context.Context, province string, c Cycle, stage string) (*Progress, error) {
	if review.Stage(stage).Rank() == 0 || stage == string(review.Reverified) {
		return nil, fmt.Errorf("giai đoạn %q không có hạn nộp", stage)
	}
	p := &Progress{Cycle: c, Stage: stage, Due: c.Due(stage)}
	rows, err := q.db.QueryContext(ctx, `SELECT group_code, group_name, expected, received, on_time, late, missing, rejected, pending,
			completeness, timeliness, completeness_ok, timeliness_ok, synthetic
		FROM cycle_group_stage WHERE province_code = ? AND year = ? AND standard = ? AND stage = ?
		ORDER BY completeness, timeliness, group_code`, province, c.Year, c.Standard, stage)
	if err != nil {
		return nil, fmt.Errorf("đọc tiến độ: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var g GroupProgress
		var syn bool
		if err := rows.Scan(&g.Code, &g.Name, &g.Expected, &g.Received, &g.OnTime, &g.Late, &g.Missing, &g.Rejected, &g.Pending,
			&g.Completeness, &g.Timeliness, &g.CompletenessOK, &g.TimelinessOK, &syn); err != nil {
			return nil, err
		}
		p.Synthetic = p.Synthetic || syn
		p.Groups = append(p.Groups, g)
		t := &p.Total
		t.Expected += g.Expected
		t.Received += g.Received
		t.OnTime += g.OnTime
		t.Late += g.Late
		t.Missing += g.Missing
		t.Rejected += g.Rejected
		t.Pending += g.Pending
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if t := &p.Total; t.Expected > 0 {
		t.Completeness = 100 * float64(t.Received) / float64(t.Expected)
		t.Timeliness = 100 * float64(t.OnTime) / float64(t.Expected)
		t.CompletenessOK, t.TimelinessOK = t.Completeness >= 90, t.Timeliness >= 75
	}
	urows, err := q.db.QueryContext(ctx, `SELECT unit_code, unit_name, group_code, group_name, status, received_on, files, rejected_files
		FROM cycle_unit_stage WHERE province_code = ? AND year = ? AND standard = ? AND stage = ?
		ORDER BY CASE status WHEN 'missing' THEN 1 WHEN 'rejected' THEN 2 WHEN 'late' THEN 3 WHEN 'pending' THEN 4 ELSE 5 END, group_code, unit_code`,
		province, c.Year, c.Standard, stage)
	if err != nil {
		return nil, fmt.Errorf("đọc tiến độ từng xã: %w", err)
	}
	defer urows.Close()
	for urows.Next() {
		var u UnitProgress
		var on sql.NullTime
		if err := urows.Scan(&u.Code, &u.Name, &u.GroupCode, &u.GroupName, &u.Status, &on, &u.Files, &u.RejectedFiles); err != nil {
			return nil, err
		}
		if on.Valid {
			t := on.Time
			u.ReceivedOn = &t
		}
		p.Units = append(p.Units, u)
	}
	return p, urows.Err()
}

// ScoreRow is one district's (commune's after 1/7/2025) data-quality scorecard.
type ScoreRow struct {
	Code, Name                                                       string
	RejectedFiles, Warnings, Findings, IdentitiesBroken, Flags, Late int
}

// Scorecard reads quality_scorecard for a province and year, worst first.
func (q *Q) Scorecard(ctx context.Context, province string, year int) ([]ScoreRow, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT group_code, group_name, rejected_files, warnings, findings, identities_broken, flags, late_reports
		FROM quality_scorecard WHERE province_code = ? AND year = ?
		ORDER BY rejected_files + findings + identities_broken + flags + late_reports DESC, warnings DESC, group_code`, province, year)
	if err != nil {
		return nil, fmt.Errorf("đọc bảng chất lượng số liệu: %w", err)
	}
	defer rows.Close()
	var out []ScoreRow
	for rows.Next() {
		var r ScoreRow
		if err := rows.Scan(&r.Code, &r.Name, &r.RejectedFiles, &r.Warnings, &r.Findings, &r.IdentitiesBroken, &r.Flags, &r.Late); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ApprovalRow is one unit an officer approves: the units directly below
// the officer's unit in the year's list.
type ApprovalRow struct {
	Code, Name, Level string
	Ready             bool // official or reverified figures are there to approve
	Locked            bool
	Action            string // approve or reopen, the latest; empty: never approved
	By                string
	At                *time.Time
	Reason            string
}

// Approvals lists the units whose parent is parent in the cycle's year,
// with their form A approval state.
func (q *Q) Approvals(ctx context.Context, parent string, c Cycle) ([]ApprovalRow, error) {
	rows, err := q.db.QueryContext(ctx, `
		SELECT u.unit_code, u.unit_name, u.level,
		       EXISTS (SELECT 1 FROM commune_year cy WHERE cy.year = u.year AND cy.standard = ? AND cy.stage IN ('official', 'reverified')
		               AND (cy.unit_code = u.unit_code OR cy.district_code = u.unit_code)) AS ready,
		       coalesce(s.locked, false), coalesce(s.action, ''), coalesce(s.actor, ''), s.event_at, coalesce(s.reason, '')
		FROM dim_unit_year u
		LEFT JOIN approval_state s ON s.year = u.year AND s.standard = ? AND s.form = 'A' AND s.unit_code = u.unit_code
		WHERE u.year = ? AND u.parent_code = ? AND u.unit_code <> u.parent_code
		ORDER BY u.unit_code`, c.Standard, c.Standard, c.Year, parent)
	if err != nil {
		return nil, fmt.Errorf("đọc danh sách phê duyệt: %w", err)
	}
	defer rows.Close()
	var out []ApprovalRow
	for rows.Next() {
		var r ApprovalRow
		var at sql.NullTime
		if err := rows.Scan(&r.Code, &r.Name, &r.Level, &r.Ready, &r.Locked, &r.Action, &r.By, &at, &r.Reason); err != nil {
			return nil, err
		}
		if at.Valid {
			t := at.Time
			r.At = &t
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// FormARow is one row of the consolidated form A: a unit's figures by
// review field name (poor_rate_reported holds the computed poor_rate).
type FormARow struct {
	Code, Name string
	Values     map[string]*float64
}

// FormAReport is the province's consolidated form A of a year, standard
// and stage: one row per district (per commune after 1/7/2025) and the
// province's total, as district_year / commune_year and province_year give
// them.
type FormAReport struct {
	ProvinceCode, ProvinceName string
	Year                       int
	Standard, Stage            string
	Level                      string // district or commune
	Fields                     []review.Field
	Rows                       []FormARow
	Total                      FormARow
	Synthetic                  bool
}

// formAColumns maps form A's fields to the analyst views' columns.
var formAColumns = map[string]string{"poor_rate_reported": "poor_rate", "near_poor_rate_reported": "near_poor_rate"}

func formAColumn(f review.Field) string {
	if c, ok := formAColumns[f.Name]; ok {
		return c
	}
	return f.Name
}

// FormA reads the consolidated form A. stage empty: the stage that counts
// for the province that year.
func (q *Q) FormA(ctx context.Context, province string, year int, standard, stage string) (*FormAReport, error) {
	if stage == "" {
		err := q.db.QueryRowContext(ctx, `SELECT stage FROM province_year WHERE unit_code = ? AND year = ? AND standard = ? AND counted`,
			province, year, standard).Scan(&stage)
		if err == sql.ErrNoRows {
			return nil, ErrNoData
		}
		if err != nil {
			return nil, fmt.Errorf("đọc giai đoạn: %w", err)
		}
	}
	all := review.Fields(review.FormA)
	cols := ""
	for _, f := range all {
		cols += ", " + formAColumn(f) + "::DOUBLE"
	}
	rep := &FormAReport{ProvinceCode: province, Year: year, Standard: standard, Stage: stage}
	scan := func(rows *sql.Rows) (FormARow, string, bool, error) {
		var r FormARow
		var pname string
		var syn bool
		vals := make([]sql.NullFloat64, len(all))
		dst := []any{&r.Code, &r.Name, &pname, &syn}
		for i := range vals {
			dst = append(dst, &vals[i])
		}
		if err := rows.Scan(dst...); err != nil {
			return r, "", false, err
		}
		r.Values = map[string]*float64{}
		for i, f := range all {
			if vals[i].Valid {
				v := vals[i].Float64
				r.Values[f.Name] = &v
			}
		}
		return r, pname, syn, nil
	}
	read := func(q1 string, args ...any) ([]FormARow, error) {
		rows, err := q.db.QueryContext(ctx, q1, args...)
		if err != nil {
			return nil, fmt.Errorf("đọc biểu A tổng hợp: %w", err)
		}
		defer rows.Close()
		var out []FormARow
		for rows.Next() {
			r, pname, syn, err := scan(rows)
			if err != nil {
				return nil, err
			}
			rep.ProvinceName, rep.Synthetic = pname, rep.Synthetic || syn
			out = append(out, r)
		}
		return out, rows.Err()
	}
	head := `SELECT unit_code, unit_name, province_name, synthetic` + cols
	total, err := read(head+` FROM province_year WHERE unit_code = ? AND year = ? AND standard = ? AND stage = ?`, province, year, standard, stage)
	if err != nil {
		return nil, err
	}
	if len(total) == 0 {
		return nil, ErrNoData
	}
	rep.Total = total[0]
	rep.Level = LevelDistrict
	rep.Rows, err = read(head+` FROM district_year WHERE province_code = ? AND year = ? AND standard = ? AND stage = ? ORDER BY unit_code`, province, year, standard, stage)
	if err != nil {
		return nil, err
	}
	if len(rep.Rows) == 0 {
		rep.Level = LevelCommune
		rep.Rows, err = read(head+` FROM commune_year WHERE parent_code = ? AND year = ? AND standard = ? AND stage = ? ORDER BY unit_code`, province, year, standard, stage)
		if err != nil {
			return nil, err
		}
	}
	for _, f := range all {
		keep := !f.Optional
		for _, r := range append(rep.Rows, rep.Total) {
			keep = keep || r.Values[f.Name] != nil
		}
		if keep {
			rep.Fields = append(rep.Fields, f)
		}
	}
	return rep, nil
}
