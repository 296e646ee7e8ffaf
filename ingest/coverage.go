package ingest

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"rasoat/ingest/problem"
	"rasoat/review"
)

// checkCoverage refuses a load that holds fewer units than the files it
// supersedes (same form, year, standard, stage and reporting unit), unless
// --partial says it corrects only those units. The units that count now
// are those of the newest whole file and of every partial file after it,
// as sql/models/020_stg_forms.sql reads them.
func (g *Ingester) checkCoverage(ctx context.Context, l *load) problem.List {
	if g.opt.Partial {
		return nil
	}
	table := l.form.Meta.Form.Table()
	total := "NOT is_total AND "
	if l.form.Meta.Form == review.FormD {
		table, total = "raw_household", ""
	}
	q := fmt.Sprintf(`WITH s AS (
			SELECT file_id, coalesce(bool_or(partial), false) AS partial FROM ingest_sheet
			WHERE form = ? AND year = ? AND standard = ? AND stage = ? AND unit_code = ? GROUP BY file_id
		), cur AS (
			SELECT file_id FROM s WHERE file_id >= coalesce((SELECT max(file_id) FROM s WHERE NOT partial), 0)
		)
		SELECT DISTINCT unit_code FROM %s
		WHERE %s year = ? AND standard = ? AND stage = ? AND file_id IN (SELECT file_id FROM cur)`, table, total)
	rows, err := g.db.QueryContext(ctx, q, string(l.form.Meta.Form), l.year, l.standard, string(l.stage), l.unit.Code, l.year, l.standard, string(l.stage))
	if err != nil {
		return problem.List{{Code: problem.EFileUnreadable, Severity: problem.Reject, File: l.form.File, Sheet: l.form.Sheet, Message: "lỗi cơ sở dữ liệu: " + err.Error()}}
	}
	defer rows.Close()
	have := map[string]bool{}
	for i, c := range l.codes {
		if l.form.Meta.Form == review.FormD || i < len(l.form.Rows) && !l.form.Rows[i].Total {
			have[c] = true
		}
	}
	var missing []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return problem.List{{Code: problem.EFileUnreadable, Severity: problem.Reject, File: l.form.File, Sheet: l.form.Sheet, Message: "lỗi cơ sở dữ liệu: " + err.Error()}}
		}
		if !have[c] {
			missing = append(missing, c)
		}
	}
	if err := rows.Err(); err != nil || len(missing) == 0 {
		return nil
	}
	sort.Strings(missing)
	shown := missing[:min(len(missing), 10)]
	more := ""
	if len(missing) > len(shown) {
		more = fmt.Sprintf(" và %d đơn vị khác", len(missing)-len(shown))
	}
	return problem.List{{Code: problem.EFewerUnits, Severity: problem.Reject, File: l.form.File, Sheet: l.form.Sheet, Field: "unit_code",
		Value: strings.Join(shown, ", ") + more, Expected: "đủ các đơn vị của tệp trước, hoặc --partial",
		Message: fmt.Sprintf("tệp thay thế biểu %s năm %d (%s) của %s nhưng thiếu %d đơn vị mà tệp trước có; nếu tệp chỉ sửa các đơn vị trong nó, nạp lại với --partial (ô \"Chỉ sửa các đơn vị trong tệp\" khi tải lên)",
			l.form.Meta.Form, l.year, l.stage.Vietnamese(), l.unit.Name, len(missing))}}
}
