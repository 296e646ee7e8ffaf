// Package cases is the re-verification workflow (phúc tra): a case is
// opened from a flagged commune, assigned to an inspector, the visit is
// recorded, and the case is closed with an outcome. A "corrected" outcome
// enters the inspector's figures as stage reverified through the real ingest
// path and recomputes the measures, so the corrected figure is the one that
// counts (approved > reverified > official > preliminary).
//
// Every write goes through Service, each change one store.DB.Write
// transaction that INSERTs one row into case_event: events are never updated
// or deleted, so the history of a case (who, what, when) is complete. The
// current state is the view case_current (sql/schema/003_cases.sql).
package cases

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"rasoat/ingest"
	"rasoat/ingest/vntext"
	"rasoat/review"
	"rasoat/store"
	"rasoat/transform"
)

// Status is where a case stands.
type Status string

const (
	StatusOpen     Status = "open"
	StatusAssigned Status = "assigned"
	StatusVisited  Status = "visited"
	StatusClosed   Status = "closed"
)

// Vietnamese names a status as the pages show it.
func (s Status) Vietnamese() string {
	switch s {
	case StatusOpen:
		return "mới mở"
	case StatusAssigned:
		return "đã phân công"
	case StatusVisited:
		return "đã xác minh"
	case StatusClosed:
		return "đã đóng"
	}
	return string(s)
}

// Action is a change to a case.
type Action string

const (
	ActionOpen   Action = "open"
	ActionAssign Action = "assign"
	ActionVisit  Action = "visit"
	ActionClose  Action = "close"
)

// Outcome is how a case closes.
type Outcome string

const (
	// OutcomeConfirmed: the visit found the reported figures right.
	OutcomeConfirmed Outcome = "confirmed"
	// OutcomeCorrected: the visit found other figures; they enter as stage
	// reverified and count from then on.
	OutcomeCorrected Outcome = "corrected"
	// OutcomeRedo: the commune must run its review again.
	OutcomeRedo Outcome = "redo"
)

// Vietnamese names an outcome.
func (o Outcome) Vietnamese() string {
	switch o {
	case OutcomeConfirmed:
		return "xác nhận đúng"
	case OutcomeCorrected:
		return "đã điều chỉnh số liệu"
	case OutcomeRedo:
		return "yêu cầu rà soát lại"
	}
	return string(o)
}

// ParseOutcome accepts the three outcome codes.
func ParseOutcome(s string) (Outcome, bool) {
	switch o := Outcome(strings.TrimSpace(s)); o {
	case OutcomeConfirmed, OutcomeCorrected, OutcomeRedo:
		return o, true
	}
	return "", false
}

// Errors a caller can tell apart; their text is Vietnamese and may be shown.
var (
	ErrNotFound     = errors.New("không có hồ sơ phúc tra này")
	ErrTransition   = errors.New("thao tác không hợp lệ ở trạng thái hiện tại của hồ sơ")
	ErrClosed       = errors.New("hồ sơ đã đóng, không thể thay đổi")
	ErrForbidden    = errors.New("chỉ phúc tra viên mới được thay đổi hồ sơ")
	ErrNotAssignee  = errors.New("chỉ phúc tra viên được phân công mới được ghi kết quả hồ sơ này")
	ErrUnknownUser  = errors.New("người được phân công không phải phúc tra viên trong danh sách người dùng")
	ErrAlreadyOpen  = errors.New("xã này đã có hồ sơ phúc tra đang mở cho năm và giai đoạn này")
	ErrInvalidInput = errors.New("dữ liệu nhập không hợp lệ")
)

// Next is the state machine: the status after action a on a case in cur
// ("" for a case not yet opened). Reassigning is allowed until the case
// closes and keeps a visited case visited; a visit needs an assignee; a
// close needs a visit; a closed case is final (a redo opens a new case).
func Next(cur Status, a Action) (Status, error) {
	if cur == StatusClosed {
		return "", ErrClosed
	}
	switch {
	case cur == "" && a == ActionOpen:
		return StatusOpen, nil
	case a == ActionAssign && (cur == StatusOpen || cur == StatusAssigned):
		return StatusAssigned, nil
	case a == ActionAssign && cur == StatusVisited:
		return StatusVisited, nil
	case a == ActionVisit && (cur == StatusAssigned || cur == StatusVisited):
		return StatusVisited, nil
	case a == ActionClose && cur == StatusVisited:
		return StatusClosed, nil
	}
	return "", fmt.Errorf("%w (%s → %s)", ErrTransition, cur.Vietnamese(), a)
}

// Options configure a Service.
type Options struct {
	// Users is who may sign in; assignees must be inspectors in it. Nil
	// accepts any assignee name (tests, command-line use).
	Users *Users
	// Ingest is used to load corrected figures (LoadedBy is set to the
	// inspector).
	Ingest ingest.Options
	// Transform is passed to transform.Run after a correction.
	Transform transform.Options
	Now       func() time.Time
	Logger    *slog.Logger
}

// Service writes cases. It is safe for concurrent use: changes are
// serialised, so two inspectors pressing a button at once cannot both move
// a case out of the same state.
type Service struct {
	db  *store.DB
	opt Options
	mu  sync.Mutex
}

// New returns a Service writing to db.
func New(db *store.DB, opt Options) *Service {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	return &Service{db: db, opt: opt}
}

// Users returns the users the service was configured with (nil if none).
func (s *Service) Users() *Users { return s.opt.Users }

// Flag is what a case is opened from: one commune flagged for a year and a
// stage, as the anomaly list showed it.
type Flag struct {
	Year         int
	Stage        string
	Standard     string // empty: the newest standard of the year in commune_year
	UnitCode     string
	UnitName     string
	DistrictName string
	Score        float64
	Severity     string
	Rules        []string
	Reason       string
}

// Visit is what an inspector found on site.
type Visit struct {
	HouseholdsChecked      int
	HouseholdsReclassified int
	Findings               string
}

// Figures are a commune's corrected end-of-year counts.
type Figures struct {
	TotalHouseholds int64
	PoorEnd         int64
	NearPoorEnd     int64
}

// Closing is how a case ends.
type Closing struct {
	Outcome Outcome
	Note    string
	Figures *Figures // required for OutcomeCorrected, refused otherwise
}

// CloseResult says what closing did beyond the event.
type CloseResult struct {
	FileID     int64 // the reverified file loaded (0 unless corrected)
	Recomputed bool  // the transform ran after the load
}

// Limits on free text, so a pasted document cannot bloat the event log.
const (
	maxFindings = 4000
	maxNote     = 2000
	maxCount    = 1_000_000
)

func requireInspector(u User) error {
	if u.Role != RoleInspector || u.Name == "" {
		return ErrForbidden
	}
	return nil
}

// Open opens a case from a flag and returns its id. A commune can have only
// one case not yet closed per year and stage.
func (s *Service) Open(ctx context.Context, actor User, f Flag) (int64, error) {
	if err := requireInspector(actor); err != nil {
		return 0, err
	}
	if _, err := review.ParseStage(f.Stage); err != nil || f.Year < 2000 || f.Year > 2100 || strings.TrimSpace(f.UnitCode) == "" {
		return 0, fmt.Errorf("%w: cần năm, giai đoạn và mã xã", ErrInvalidInput)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := Next("", ActionOpen); err != nil {
		return 0, err
	}
	var id int64
	err := s.db.Write(ctx, func(w *store.Writer) error {
		var n int
		if err := w.QueryRow(`SELECT count(*) FROM case_current WHERE year = ? AND stage = ? AND unit_code = ? AND status <> 'closed'`,
			f.Year, f.Stage, f.UnitCode).Scan(&n); err != nil {
			return fmt.Errorf("đọc hồ sơ đang mở: %w", err)
		}
		if n > 0 {
			return ErrAlreadyOpen
		}
		std := f.Standard
		if std == "" {
			var err error
			if std, err = standardOf(w, f.Year, f.Stage, f.UnitCode); err != nil {
				return err
			}
		}
		if err := w.QueryRow(`SELECT nextval('seq_case_id')`).Scan(&id); err != nil {
			return fmt.Errorf("cấp số hồ sơ: %w", err)
		}
		_, err := w.Exec(`INSERT INTO case_event (event_id, case_id, action, status, actor, actor_role, event_at,
				year, stage, standard, unit_code, unit_name, district_name, score, severity, rules, reason_vi)
			VALUES (nextval('seq_case_event_id'), ?, 'open', 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::VARCHAR[], ?)`,
			id, actor.Name, string(actor.Role), s.now(), f.Year, f.Stage, nullStr(std), f.UnitCode, nullStr(f.UnitName),
			nullStr(f.DistrictName), f.Score, nullStr(f.Severity), listLiteral(f.Rules), nullStr(f.Reason))
		if err != nil {
			return fmt.Errorf("ghi sự kiện mở hồ sơ: %w", err)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return id, nil
}

// standardOf picks the standard a commune's figures of a year and stage are
// under: in a year with two (2021: the last QĐ 59 review and the NĐ 07
// baseline) the newest standard is the one under review.
func standardOf(w *store.Writer, year int, stage, unit string) (string, error) {
	var std sql.NullString
	err := w.QueryRow(`SELECT c.standard FROM commune_year c LEFT JOIN ref_standard s USING (standard)
		WHERE c.year = ? AND c.stage = ? AND c.unit_code = ?
		ORDER BY s.first_year DESC NULLS LAST, c.standard DESC LIMIT 1`, year, stage, unit).Scan(&std)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("đọc chuẩn nghèo của xã %s năm %d: %w", unit, year, err)
	}
	return std.String, nil
}

// Assign gives the case to an inspector (reassigning is allowed until the
// case closes).
func (s *Service) Assign(ctx context.Context, id int64, actor User, assignee string) error {
	if err := requireInspector(actor); err != nil {
		return err
	}
	assignee = strings.TrimSpace(assignee)
	if assignee == "" {
		return fmt.Errorf("%w: cần chọn phúc tra viên", ErrInvalidInput)
	}
	if s.opt.Users != nil {
		if u, ok := s.opt.Users.Lookup(assignee); !ok || u.Role != RoleInspector {
			return ErrUnknownUser
		}
	}
	return s.change(ctx, id, actor, ActionAssign, func(cur *state) error { return nil },
		`assignee`, []any{assignee})
}

// RecordVisit records what the assigned inspector found. It can be
// recorded again (a second visit) until the case closes.
func (s *Service) RecordVisit(ctx context.Context, id int64, actor User, v Visit) error {
	if err := requireInspector(actor); err != nil {
		return err
	}
	findings := vntext.NFC(strings.TrimSpace(v.Findings))
	switch {
	case v.HouseholdsChecked < 0 || v.HouseholdsChecked > maxCount:
		return fmt.Errorf("%w: số hộ đã kiểm tra phải từ 0 đến %d", ErrInvalidInput, maxCount)
	case v.HouseholdsReclassified < 0 || v.HouseholdsReclassified > v.HouseholdsChecked:
		return fmt.Errorf("%w: số hộ phân loại lại phải từ 0 đến số hộ đã kiểm tra", ErrInvalidInput)
	case utf8.RuneCountInString(findings) > maxFindings:
		return fmt.Errorf("%w: nội dung phát hiện dài quá %d ký tự", ErrInvalidInput, maxFindings)
	case findings == "":
		return fmt.Errorf("%w: cần ghi nội dung phát hiện", ErrInvalidInput)
	}
	return s.change(ctx, id, actor, ActionVisit, assigneeOnly(actor),
		`households_checked, households_reclassified, findings`,
		[]any{v.HouseholdsChecked, v.HouseholdsReclassified, findings})
}

func assigneeOnly(actor User) func(*state) error {
	return func(cur *state) error {
		if cur.assignee != actor.Name {
			return ErrNotAssignee
		}
		return nil
	}
}

// Close ends the case. For OutcomeCorrected the figures are loaded as stage
// reverified through ingest (the same path as an officer's file) before the
// event is written, and the transform then recomputes the measures. If the
// file is refused nothing is written; if the transform fails the case stays
// closed and the error says the figures count from the next transform.
func (s *Service) Close(ctx context.Context, id int64, actor User, c Closing) (*CloseResult, error) {
	if err := requireInspector(actor); err != nil {
		return nil, err
	}
	note := vntext.NFC(strings.TrimSpace(c.Note))
	if utf8.RuneCountInString(note) > maxNote {
		return nil, fmt.Errorf("%w: ghi chú dài quá %d ký tự", ErrInvalidInput, maxNote)
	}
	if _, ok := ParseOutcome(string(c.Outcome)); !ok {
		return nil, fmt.Errorf("%w: kết luận phải là xác nhận đúng, điều chỉnh hoặc rà soát lại", ErrInvalidInput)
	}
	if (c.Outcome == OutcomeCorrected) != (c.Figures != nil) {
		return nil, fmt.Errorf("%w: chỉ kết luận “điều chỉnh” mới kèm số liệu điều chỉnh, và phải kèm", ErrInvalidInput)
	}
	if f := c.Figures; f != nil {
		if err := f.validate(); err != nil {
			return nil, err
		}
	}
	res := &CloseResult{}
	var total, poor, near any
	if f := c.Figures; f != nil {
		total, poor, near = f.TotalHouseholds, f.PoorEnd, f.NearPoorEnd
	}
	var loadErr error
	err := s.change(ctx, id, actor, ActionClose, func(cur *state) error {
		if err := assigneeOnly(actor)(cur); err != nil {
			return err
		}
		if c.Figures == nil {
			return nil
		}
		// Load before the event: a refused file leaves the case as it was.
		res.FileID, loadErr = s.loadReverified(ctx, id, cur, *c.Figures, actor)
		return loadErr
	}, `outcome, total_households, poor_end, near_poor_end, file_id, note`,
		[]any{string(c.Outcome), total, poor, near, &res.FileID, nullStr(note)})
	if err != nil {
		return nil, err
	}
	if c.Figures == nil {
		return res, nil
	}
	// One transform at a time: two closes at once must not rebuild the
	// marts concurrently (DuckDB would abort one as a write conflict).
	s.mu.Lock()
	_, err = transform.Run(ctx, s.db, s.opt.Transform)
	s.mu.Unlock()
	if err != nil {
		s.opt.Logger.ErrorContext(ctx, "transform after correction", slog.Int64("case", id), slog.String("err", err.Error()))
		return res, fmt.Errorf("hồ sơ đã đóng và số liệu điều chỉnh đã nạp, nhưng chưa tính lại được các chỉ tiêu (sẽ tính ở lần chạy transform sau): %w", err)
	}
	res.Recomputed = true
	return res, nil
}

func (f Figures) validate() error {
	switch {
	case f.TotalHouseholds <= 0 || f.TotalHouseholds > 10*maxCount:
		return fmt.Errorf("%w: tổng số hộ phải lớn hơn 0", ErrInvalidInput)
	case f.PoorEnd < 0 || f.NearPoorEnd < 0:
		return fmt.Errorf("%w: số hộ nghèo, cận nghèo không được âm", ErrInvalidInput)
	case f.PoorEnd+f.NearPoorEnd > f.TotalHouseholds:
		return fmt.Errorf("%w: hộ nghèo + hộ cận nghèo (%d) lớn hơn tổng số hộ (%d)", ErrInvalidInput, f.PoorEnd+f.NearPoorEnd, f.TotalHouseholds)
	}
	return nil
}

// state is what the state machine needs of a case.
type state struct {
	status   Status
	assignee string
	year     int
	stage    string
	standard string
	unit     string
}

// change applies one action under the lock: reads the state, asks Next,
// runs check (which may refuse, or do work that must precede the event),
// and appends the event with the given extra columns.
func (s *Service) change(ctx context.Context, id int64, actor User, a Action, check func(*state) error, cols string, vals []any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, err := s.state(ctx, id)
	if err != nil {
		return err
	}
	next, err := Next(cur.status, a)
	if err != nil {
		return err
	}
	if err := check(cur); err != nil {
		return err
	}
	// Dereference late-bound values (the file id is known only after check).
	args := []any{id, string(a), string(next), actor.Name, string(actor.Role), s.now()}
	for _, v := range vals {
		if p, ok := v.(*int64); ok {
			if *p == 0 {
				v = nil
			} else {
				v = *p
			}
		}
		args = append(args, v)
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(vals)), ", ")
	q := `INSERT INTO case_event (event_id, case_id, action, status, actor, actor_role, event_at, ` + cols + `)
		VALUES (nextval('seq_case_event_id'), ?, ?, ?, ?, ?, ?, ` + marks + `)`
	return s.db.Write(ctx, func(w *store.Writer) error {
		// Re-check inside the transaction: the lock covers this process,
		// the check covers anything else that shares the file.
		var st string
		if err := w.QueryRow(`SELECT status FROM case_current WHERE case_id = ?`, id).Scan(&st); err != nil {
			return fmt.Errorf("đọc hồ sơ %d: %w", id, err)
		}
		if Status(st) != cur.status {
			return fmt.Errorf("%w: hồ sơ vừa được người khác thay đổi", ErrTransition)
		}
		if _, err := w.Exec(q, args...); err != nil {
			return fmt.Errorf("ghi sự kiện %s của hồ sơ %d: %w", a, id, err)
		}
		return nil
	})
}

func (s *Service) state(ctx context.Context, id int64) (*state, error) {
	var (
		st                    state
		status                string
		assignee, std, unitCd sql.NullString
	)
	err := s.db.QueryRowContext(ctx, `SELECT status, assignee, year, stage, standard, unit_code FROM case_current WHERE case_id = ?`, id).
		Scan(&status, &assignee, &st.year, &st.stage, &std, &unitCd)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("đọc hồ sơ %d: %w", id, err)
	}
	st.status, st.assignee, st.standard, st.unit = Status(status), assignee.String, std.String, unitCd.String
	return &st, nil
}

func (s *Service) now() time.Time { return s.opt.Now().UTC() }

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// listLiteral renders rule ids as a DuckDB list literal for a ?::VARCHAR[]
// parameter; ids are quoted so a comma or quote in one cannot split it.
func listLiteral(xs []string) any {
	if xs == nil {
		return nil
	}
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = "'" + strings.ReplaceAll(x, "'", "''") + "'"
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
