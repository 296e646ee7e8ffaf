package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"rasoat/ingest/problem"
	"rasoat/ingest/sheet"
	"rasoat/review"
	"rasoat/store"
)

// The review cycle's workflow on the write side: rejected attempts are
// recorded, approved figures are locked, and the approved stage is made
// only here, by approval, from figures already loaded (never from a file).

// attempt is what a refused file was for, as far as it was known.
type attempt struct {
	form, standard, stage, unit string
	year                        int
}

// guess reads what a form says it is for, without checking it: the
// cycle's progress counts a refused file against its unit and stage.
func (g *Ingester) guess(ctx context.Context, f sheet.Form) attempt {
	a := attempt{form: string(f.Meta.Form), year: f.Meta.Year, stage: string(f.Meta.Stage)}
	if g.opt.Year != 0 {
		a.year = g.opt.Year
	}
	if g.opt.Stage != "" {
		a.stage = string(g.opt.Stage)
	}
	if a.year == 0 {
		return a
	}
	if std, err := g.standardFor(ctx, a.year, firstNonEmpty(g.opt.Standard, f.Meta.Standard)); err == nil {
		a.standard = std
	}
	if h, err := g.hierarchy(ctx, a.year); err == nil && len(h.byCode) > 0 {
		if u, p := g.reportingUnit(f, h); p == nil {
			a.unit = u.Code
		}
	}
	return a
}

// recordRejected appends the refusal to ingest_rejected: the fingerprint,
// the first error's code and what the file was for. Nothing personal (no
// file name, no value). A file refused twice for the same reason is one
// attempt. Best effort: failing to record never changes the answer.
func (g *Ingester) recordRejected(ctx context.Context, rep *FileReport) {
	p := rep.Problems.First()
	code := problem.EFileUnreadable
	if p != nil {
		code = p.Code
	}
	a := rep.attempt
	if a.year == 0 && g.opt.Year != 0 {
		a.year = g.opt.Year
	}
	if a.stage == "" {
		a.stage = string(g.opt.Stage)
	}
	if a.unit == "" {
		a.unit = g.opt.Unit
	}
	nz := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	var year any
	if a.year != 0 {
		year = a.year
	}
	n := 0
	for _, p := range rep.Problems {
		if p.Severity == problem.Reject {
			n++
		}
	}
	format := strings.ToLower(strings.TrimPrefix(filepath.Ext(rep.File), "."))
	err := g.db.Write(ctx, func(w *store.Writer) error {
		if rep.SHA256 != "" {
			var seen int
			if err := w.QueryRow(`SELECT count(*) FROM ingest_rejected WHERE sha256 = ? AND code = ?`, rep.SHA256, code).Scan(&seen); err != nil || seen > 0 {
				return err
			}
		}
		_, err := w.Exec(`INSERT INTO ingest_rejected VALUES (nextval('seq_reject_id'), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			g.opt.Now().UTC(), rep.SHA256, nz(format), code, n, nz(a.form), year, nz(a.standard), nz(a.stage), nz(a.unit))
		return err
	})
	if err != nil && !errors.Is(err, context.Canceled) {
		// the answer to the officer stands; the progress page misses one attempt
		rep.Problems = append(rep.Problems, &problem.Problem{Code: problem.EFileUnreadable, Severity: problem.Warning, File: rep.File,
			Message: "không ghi được lần nộp bị từ chối vào nhật ký: " + err.Error()})
	}
}

// inside says whether unit code lies within scope (itself or below) in h.
func inside(h *hierarchy, code, scope string) bool {
	for i := 0; i < 4 && code != ""; i++ {
		if code == scope {
			return true
		}
		code = h.byCode[code].Parent
	}
	return false
}

// checkScope refuses a form whose reporting unit or any row's unit lies
// outside the officer's unit.
func (g *Ingester) checkScope(h *hierarchy, l *load) *problem.Problem {
	if g.opt.Scope == "" {
		return nil
	}
	bad := ""
	if !inside(h, l.unit.Code, g.opt.Scope) {
		bad = l.unit.Code
	}
	for _, c := range l.codes {
		if bad == "" && c != "" && !inside(h, c, g.opt.Scope) {
			bad = c
		}
	}
	if bad == "" {
		return nil
	}
	return &problem.Problem{Code: problem.EOutOfScope, Severity: problem.Reject, File: l.form.File, Sheet: l.form.Sheet, Field: "unit",
		Value: bad + " " + h.byCode[bad].Name, Expected: "đơn vị thuộc " + g.opt.Scope + " " + h.byCode[g.opt.Scope].Name,
		Message: "tài khoản của anh/chị chỉ được nạp số liệu của đơn vị mình và các đơn vị trực thuộc"}
}

// checkLocks refuses a form for a unit whose figures of that form, year and
// standard are approved (locked): the unit itself, a unit of its rows, or a
// unit above them. Only the level above can reopen them (Reopen).
func (g *Ingester) checkLocks(ctx context.Context, loads []*load) (*problem.Problem, error) {
	for _, l := range loads {
		rows, err := g.db.QueryContext(ctx, `SELECT unit_code, actor, event_at FROM approval_state WHERE locked AND year = ? AND standard = ? AND form = ?`,
			l.year, l.standard, string(l.form.Meta.Form))
		if err != nil {
			return nil, err
		}
		type lock struct{ by, at string }
		locked := map[string]lock{}
		for rows.Next() {
			var code, by string
			var at any
			if err := rows.Scan(&code, &by, &at); err != nil {
				rows.Close()
				return nil, err
			}
			locked[code] = lock{by, fmt.Sprint(at)}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if len(locked) == 0 {
			continue
		}
		h, err := g.hierarchy(ctx, l.year)
		if err != nil {
			return nil, err
		}
		for _, c := range append([]string{l.unit.Code}, l.codes...) {
			for u, i := c, 0; u != "" && i < 4; u, i = h.byCode[u].Parent, i+1 {
				if k, ok := locked[u]; ok {
					return &problem.Problem{Code: problem.EUnitLocked, Severity: problem.Reject, File: l.form.File, Sheet: l.form.Sheet, Field: "unit",
						Value: u + " " + h.byCode[u].Name, Expected: "cấp trên mở khóa (phê duyệt lại) trước khi nộp",
						Message: fmt.Sprintf("số liệu biểu %s năm %d của %s đã được phê duyệt và khóa (%s): không nhận tệp mới", l.form.Meta.Form, l.year, h.byCode[u].Name, k.by)}, nil
				}
			}
		}
	}
	return nil, nil
}

// ApprovalError is a refused approval or reopening, with a stable code.
type ApprovalError struct {
	Code, Message string
}

func (e *ApprovalError) Error() string { return e.Code + ": " + e.Message }

// Stable codes of refused approvals.
const (
	ANotAbove    = "A_NOT_ABOVE"    // the actor is not the level directly above (approve) or above (reopen)
	ANoFigures   = "A_NO_FIGURES"   // no official or reverified figures to approve
	ALocked      = "A_LOCKED"       // already approved
	ANotLocked   = "A_NOT_LOCKED"   // nothing to reopen
	ANoReason    = "A_NO_REASON"    // a reopening must say why
	AUnitUnknown = "A_UNIT_UNKNOWN" // no such unit in the year's list
)

// Approval says who approves or reopens what.
type Approval struct {
	Year      int
	Standard  string // empty: the year's default cycle
	Unit      string // the unit whose figures are approved
	Actor     string // user name
	ActorUnit string // the actor's unit code
	Reason    string // required to reopen
}

// ApprovalResult is what an approval wrote.
type ApprovalResult struct {
	FileID   int64
	Standard string
	Forms    map[review.Form]int // rows approved per form
}

// approvalForms are the summary forms approval copies; household lists
// stay at their stage (the approved list is the official one).
var approvalForms = []review.Form{review.FormA, review.FormB, review.FormC}

func (g *Ingester) approvalUnit(ctx context.Context, a *Approval) (*hierarchy, Unit, error) {
	if err := g.syncCaches(ctx); err != nil {
		return nil, Unit{}, err
	}
	std, err := g.standardFor(ctx, a.Year, a.Standard)
	if err != nil {
		return nil, Unit{}, &ApprovalError{AUnitUnknown, err.Error()}
	}
	a.Standard = std
	h, err := g.hierarchy(ctx, a.Year)
	if err != nil {
		return nil, Unit{}, err
	}
	u, ok := h.byCode[a.Unit]
	if !ok {
		return nil, Unit{}, &ApprovalError{AUnitUnknown, fmt.Sprintf("không có đơn vị %s trong danh mục năm %d", a.Unit, a.Year)}
	}
	return h, u, nil
}

// Approve locks a unit's figures for a year: the officer of the unit
// directly above (a district for its communes before 1/7/2025, the province
// for districts, and for communes after) copies the unit's current
// reverified — else official — rows of forms A, B and C, its own and its
// sub-units', into new approved-stage rows in one transaction, with
// provenance (a file of format "approval" loaded by the actor) and one
// approval_event per form.
func (g *Ingester) Approve(ctx context.Context, a Approval) (*ApprovalResult, error) {
	h, u, err := g.approvalUnit(ctx, &a)
	if err != nil {
		return nil, err
	}
	if a.ActorUnit == "" || u.Parent != a.ActorUnit {
		return nil, &ApprovalError{ANotAbove, fmt.Sprintf("chỉ cán bộ của đơn vị cấp trên trực tiếp (%s) mới được phê duyệt số liệu của %s", u.Parent, u.Name)}
	}
	units := []any{u.Code}
	for _, c := range h.byCode {
		if c.Code != u.Code && inside(h, c.Code, u.Code) {
			units = append(units, c.Code)
		}
	}
	in := strings.TrimSuffix(strings.Repeat("?, ", len(units)), ", ")
	now := g.opt.Now().UTC()
	res := &ApprovalResult{Standard: a.Standard, Forms: map[review.Form]int{}}
	err = g.db.Write(ctx, func(w *store.Writer) error {
		var locked int
		if err := w.QueryRow(`SELECT count(*) FROM approval_state WHERE locked AND year = ? AND standard = ? AND unit_code = ?`, a.Year, a.Standard, u.Code).Scan(&locked); err != nil {
			return err
		}
		if locked > 0 {
			return &ApprovalError{ALocked, fmt.Sprintf("số liệu năm %d của %s đã được phê duyệt", a.Year, u.Name)}
		}
		id, err := nextFileID(w)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(fmt.Appendf(nil, "approval\x00%d\x00%s\x00%s\x00%s\x00%s", a.Year, a.Standard, u.Code, a.Actor, now.Format("2006-01-02T15:04:05.000000000")))
		if _, err := w.Exec(`INSERT INTO ingest_file VALUES (?, ?, ?, 0, 'approval', ?, ?)`,
			id, fmt.Sprintf("phe-duyet-%d-%s", a.Year, u.Code), hex.EncodeToString(sum[:]), now, a.Actor); err != nil {
			return err
		}
		for _, f := range approvalForms {
			args := append([]any{string(f), a.Year, a.Standard}, units...)
			src := `WITH cur AS (
					SELECT stage, max(file_id) AS file_id FROM ingest_sheet
					WHERE form = ? AND year = ? AND standard = ? GROUP BY stage, unit_code
				)
				SELECT r.*, row_number() OVER (PARTITION BY r.unit_code
				           ORDER BY (r.stage = 'reverified') DESC, r.file_id DESC, r.source_row) AS rn_
				FROM ` + f.Table() + ` r JOIN cur ON cur.file_id = r.file_id AND cur.stage = r.stage
				WHERE r.stage IN ('official', 'reverified') AND NOT r.is_total AND r.unit_code IN (` + in + `)`
			var n int
			var stage *string
			var from *int64
			if err := w.QueryRow(`SELECT count(*), max(stage), max(file_id) FROM (`+src+`) WHERE rn_ = 1`, args...).Scan(&n, &stage, &from); err != nil {
				return err
			}
			if n == 0 {
				if f == review.FormA {
					return &ApprovalError{ANoFigures, fmt.Sprintf("chưa có số liệu chính thức (biểu A) năm %d của %s để phê duyệt", a.Year, u.Name)}
				}
				continue
			}
			if _, err := w.Exec(`INSERT INTO `+f.Table()+` SELECT * EXCLUDE (rn_) REPLACE (`+fmt.Sprint(id)+` AS file_id, 'phê duyệt' AS sheet, 'approved' AS stage) FROM (`+src+`) WHERE rn_ = 1`, args...); err != nil {
				return err
			}
			if _, err := w.Exec(`INSERT INTO ingest_sheet VALUES (?, 'phê duyệt', ?, ?, ?, 'approved', ?, ?, 0, false)`, id, string(f), a.Year, a.Standard, u.Code, n); err != nil {
				return err
			}
			if _, err := w.Exec(`INSERT INTO approval_event VALUES (nextval('seq_approval_event'), 'approve', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)`,
				a.Year, a.Standard, string(f), u.Code, *stage, *from, id, a.Actor, a.ActorUnit, now); err != nil {
				return err
			}
			res.Forms[f] = n
		}
		res.FileID = id
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// Reopen lifts the lock on a unit's approved figures for a year: only an
// officer of a unit above it, with a reason; who, when and why are kept.
// The approved rows stay (history); a new approval supersedes them.
func (g *Ingester) Reopen(ctx context.Context, a Approval) (int, error) {
	h, u, err := g.approvalUnit(ctx, &a)
	if err != nil {
		return 0, err
	}
	if a.ActorUnit == "" || a.ActorUnit == u.Code || !inside(h, u.Code, a.ActorUnit) {
		return 0, &ApprovalError{ANotAbove, fmt.Sprintf("chỉ cán bộ cấp trên của %s mới được mở khóa số liệu đã phê duyệt", u.Name)}
	}
	if strings.TrimSpace(a.Reason) == "" {
		return 0, &ApprovalError{ANoReason, "cần ghi lý do mở khóa"}
	}
	n := 0
	err = g.db.Write(ctx, func(w *store.Writer) error {
		res, err := w.Exec(`INSERT INTO approval_event
			SELECT nextval('seq_approval_event'), 'reopen', year, standard, form, unit_code, NULL, NULL, NULL, ?, ?, ?, ?
			FROM approval_state WHERE locked AND year = ? AND standard = ? AND unit_code = ?`,
			a.Actor, a.ActorUnit, g.opt.Now().UTC(), strings.TrimSpace(a.Reason), a.Year, a.Standard, u.Code)
		if err != nil {
			return err
		}
		k, _ := res.RowsAffected()
		if k == 0 {
			return &ApprovalError{ANotLocked, fmt.Sprintf("số liệu năm %d của %s chưa được phê duyệt: không có gì để mở khóa", a.Year, u.Name)}
		}
		n = int(k)
		return nil
	})
	return n, err
}
