package cases

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"rasoat/ingest"
	"rasoat/ingest/problem"
	"rasoat/review"
)

// ReverifiedCSV is the tidy form-A export (docs/forms.md §3) that carries a
// corrected result: one row, stage reverified, the commune's code, and the
// corrected counts. total_persons is carried over from the flagged row when
// known (a visit reclassifies households; it does not recount people), so
// the province's person totals do not drop. case_id is an extra column: the
// raw layer keeps it, which ties the loaded row back to its case.
func ReverifiedCSV(caseID int64, year int, standard, unitCode string, f Figures, totalPersons *int64) []byte {
	header := []string{"year", "stage", "standard", "unit_code", "total_households", "poor_end", "near_poor_end"}
	row := []string{strconv.Itoa(year), string(review.Reverified), standard, unitCode,
		strconv.FormatInt(f.TotalHouseholds, 10), strconv.FormatInt(f.PoorEnd, 10), strconv.FormatInt(f.NearPoorEnd, 10)}
	if totalPersons != nil {
		header = append(header, "total_persons")
		row = append(row, strconv.FormatInt(*totalPersons, 10))
	}
	header = append(header, "case_id")
	row = append(row, strconv.FormatInt(caseID, 10))
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.WriteAll([][]string{header, row}) // a bytes.Buffer does not fail
	return buf.Bytes()
}

// loadReverified loads a case's corrected figures through ingest and returns
// the file id. Loading the same figures twice (a retried close) finds the
// earlier file and returns its id.
func (s *Service) loadReverified(ctx context.Context, id int64, cur *state, f Figures, actor User) (int64, error) {
	if cur.standard == "" {
		return 0, fmt.Errorf("%w: không xác định được chuẩn nghèo của số liệu xã %s năm %d", ErrInvalidInput, cur.unit, cur.year)
	}
	persons, err := s.totalPersons(ctx, cur)
	if err != nil {
		return 0, err
	}
	body := ReverifiedCSV(id, cur.year, cur.standard, cur.unit, f, persons)
	opt := s.opt.Ingest
	opt.LoadedBy = actor.Name
	// The CSV states everything; overrides from the server's options would
	// only make it disagree with itself.
	opt.Year, opt.Stage, opt.Standard, opt.Unit, opt.DryRun = 0, "", "", "", false
	name := fmt.Sprintf("phuc-tra-ho-so-%d-%s-%d.csv", id, cur.unit, cur.year)
	rep := ingest.New(s.db, opt).Reader(ctx, name, bytes.NewReader(body))
	switch rep.Status {
	case ingest.Accepted, ingest.Unchanged:
		return rep.FileID, nil
	}
	var msgs []string
	for _, p := range rep.Problems {
		if p.Severity == problem.Reject {
			msgs = append(msgs, p.Error())
		}
	}
	return 0, fmt.Errorf("số liệu điều chỉnh bị từ chối khi nạp: %s", strings.Join(msgs, "; "))
}

// totalPersons is the persons count of the row the case was opened on.
func (s *Service) totalPersons(ctx context.Context, cur *state) (*int64, error) {
	var n sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT total_persons FROM commune_year
		WHERE year = ? AND standard = ? AND stage = ? AND unit_code = ?`, cur.year, cur.standard, cur.stage, cur.unit).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !n.Valid {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("đọc số nhân khẩu của xã %s: %w", cur.unit, err)
	}
	return &n.Int64, nil
}
