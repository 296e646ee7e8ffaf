package query

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Case is the current state of a re-verification case (view case_current).
type Case struct {
	ID           int64     `json:"case_id"`
	Year         int       `json:"year"`
	Stage        string    `json:"stage"`
	Standard     string    `json:"standard"`
	UnitCode     string    `json:"unit_code"`
	UnitName     string    `json:"unit_name"`
	DistrictName string    `json:"district_name"`
	Score        float64   `json:"score"`
	Severity     string    `json:"severity"`
	Rules        []string  `json:"rules"`
	Reason       string    `json:"reason_vi"`
	OpenedBy     string    `json:"opened_by"`
	OpenedAt     time.Time `json:"opened_at"`
	Status       string    `json:"status"`
	UpdatedAt    time.Time `json:"updated_at"`
	UpdatedBy    string    `json:"updated_by"`
	Assignee     string    `json:"assignee"`

	Visits                 int    `json:"visits"`
	HouseholdsChecked      *int64 `json:"households_checked"`
	HouseholdsReclassified *int64 `json:"households_reclassified"`
	Findings               string `json:"findings"`

	Outcome         string     `json:"outcome"`
	TotalHouseholds *int64     `json:"total_households"`
	PoorEnd         *int64     `json:"poor_end"`
	NearPoorEnd     *int64     `json:"near_poor_end"`
	FileID          *int64     `json:"file_id"`
	Note            string     `json:"note"`
	ClosedBy        string     `json:"closed_by"`
	ClosedAt        *time.Time `json:"closed_at"`
}

// CaseEvent is one change of a case, as recorded.
type CaseEvent struct {
	ID       int64     `json:"event_id"`
	Action   string    `json:"action"`
	Status   string    `json:"status"`
	Actor    string    `json:"actor"`
	Role     string    `json:"actor_role"`
	At       time.Time `json:"at"`
	Assignee string    `json:"assignee"`

	HouseholdsChecked      *int64 `json:"households_checked"`
	HouseholdsReclassified *int64 `json:"households_reclassified"`
	Findings               string `json:"findings"`

	Outcome         string `json:"outcome"`
	TotalHouseholds *int64 `json:"total_households"`
	PoorEnd         *int64 `json:"poor_end"`
	NearPoorEnd     *int64 `json:"near_poor_end"`
	FileID          *int64 `json:"file_id"`
	Note            string `json:"note"`
}

// CaseFilter selects cases; zero values mean any.
type CaseFilter struct {
	Year     int
	Stage    string
	UnitCode string
	Open     bool // only cases not yet closed
}

// ErrNoCase reports an unknown case id.
var ErrNoCase = errors.New("không có hồ sơ phúc tra này")

const sqlCaseColumns = `case_id, year, stage, standard, unit_code, unit_name, district_name, score, severity, rules, reason_vi,
	opened_by, opened_at, status, updated_at, updated_by, assignee,
	visits, households_checked, households_reclassified, findings,
	outcome, total_households, poor_end, near_poor_end, file_id, note, closed_by, closed_at`

// Cases lists cases, the most recently changed first.
func (q *Q) Cases(ctx context.Context, f CaseFilter) ([]Case, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT `+sqlCaseColumns+` FROM case_current
		WHERE ($1 = 0 OR year = $1) AND ($2 = '' OR stage = $2) AND ($3 = '' OR unit_code = $3)
		  AND (NOT $4 OR status <> 'closed')
		ORDER BY status = 'closed', updated_at DESC, case_id DESC`, f.Year, f.Stage, f.UnitCode, f.Open)
	if err != nil {
		return nil, fmt.Errorf("đọc danh sách hồ sơ phúc tra: %w", err)
	}
	defer rows.Close()
	var out []Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, fmt.Errorf("đọc danh sách hồ sơ phúc tra: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Case reads one case and its events, oldest first.
func (q *Q) Case(ctx context.Context, id int64) (*Case, []CaseEvent, error) {
	c, err := scanCase(q.db.QueryRowContext(ctx, `SELECT `+sqlCaseColumns+` FROM case_current WHERE case_id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, fmt.Errorf("hồ sơ %d: %w", id, ErrNoCase)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("đọc hồ sơ %d: %w", id, err)
	}
	rows, err := q.db.QueryContext(ctx, `SELECT event_id, action, status, actor, actor_role, event_at, assignee,
			households_checked, households_reclassified, findings, outcome, total_households, poor_end, near_poor_end, file_id, note
		FROM case_event WHERE case_id = ? ORDER BY event_id`, id)
	if err != nil {
		return nil, nil, fmt.Errorf("đọc lịch sử hồ sơ %d: %w", id, err)
	}
	defer rows.Close()
	var evs []CaseEvent
	for rows.Next() {
		var (
			e                            CaseEvent
			assignee, findings, out, nte sql.NullString
			chk, recl, th, pe, ne, fid   sql.NullInt64
		)
		if err := rows.Scan(&e.ID, &e.Action, &e.Status, &e.Actor, &e.Role, &e.At, &assignee, &chk, &recl, &findings,
			&out, &th, &pe, &ne, &fid, &nte); err != nil {
			return nil, nil, fmt.Errorf("đọc lịch sử hồ sơ %d: %w", id, err)
		}
		e.Assignee, e.Findings, e.Outcome, e.Note = assignee.String, findings.String, out.String, nte.String
		e.HouseholdsChecked, e.HouseholdsReclassified = nullInt(chk), nullInt(recl)
		e.TotalHouseholds, e.PoorEnd, e.NearPoorEnd, e.FileID = nullInt(th), nullInt(pe), nullInt(ne), nullInt(fid)
		evs = append(evs, e)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("đọc lịch sử hồ sơ %d: %w", id, err)
	}
	return &c, evs, nil
}

func scanCase(r scanner) (Case, error) {
	var (
		c                                       Case
		std, name, dname, sev, reason, assignee sql.NullString
		findings, outcome, note, closedBy       sql.NullString
		score                                   sql.NullFloat64
		rules                                   []any
		chk, recl, th, pe, ne, fid              sql.NullInt64
		closedAt                                sql.NullTime
	)
	err := r.Scan(&c.ID, &c.Year, &c.Stage, &std, &c.UnitCode, &name, &dname, &score, &sev, &rules, &reason,
		&c.OpenedBy, &c.OpenedAt, &c.Status, &c.UpdatedAt, &c.UpdatedBy, &assignee,
		&c.Visits, &chk, &recl, &findings,
		&outcome, &th, &pe, &ne, &fid, &note, &closedBy, &closedAt)
	if err != nil {
		return c, err
	}
	c.Standard, c.UnitName, c.DistrictName, c.Severity, c.Reason = std.String, name.String, dname.String, sev.String, reason.String
	c.Score, c.Assignee, c.Findings, c.Outcome, c.Note, c.ClosedBy = score.Float64, assignee.String, findings.String, outcome.String, note.String, closedBy.String
	c.HouseholdsChecked, c.HouseholdsReclassified = nullInt(chk), nullInt(recl)
	c.TotalHouseholds, c.PoorEnd, c.NearPoorEnd, c.FileID = nullInt(th), nullInt(pe), nullInt(ne), nullInt(fid)
	if closedAt.Valid {
		t := closedAt.Time
		c.ClosedAt = &t
	}
	for _, x := range rules {
		if s, ok := x.(string); ok {
			c.Rules = append(c.Rules, s)
		}
	}
	if c.UnitName == "" {
		c.UnitName = c.UnitCode
	}
	return c, nil
}
