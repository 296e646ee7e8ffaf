package ingest

import (
	"cmp"
	"context"
	"database/sql/driver"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	"rasoat/ingest/problem"
	"rasoat/ingest/sheet"
	"rasoat/review"
	"rasoat/store"
)

// write stores a file in one transaction: provenance, every form's rows and
// its findings. On any error nothing is kept.
func (g *Ingester) write(ctx context.Context, rep *FileReport, size int64, format string, loads []*load) (int64, error) {
	var id int64
	err := g.db.Write(ctx, func(w *store.Writer) error {
		var err error
		id, err = g.writeIn(w, rep, size, format, loads)
		return err
	})
	return id, err
}

// writeIn is write within the caller's transaction.
func (g *Ingester) writeIn(w *store.Writer, rep *FileReport, size int64, format string, loads []*load) (int64, error) {
	id, err := nextFileID(w)
	if err != nil {
		return 0, err
	}
	return id, g.writeFile(w, id, rep, size, format, loads)
}

func nextFileID(w *store.Writer) (int64, error) {
	var id int64
	err := w.QueryRow(`SELECT nextval('seq_file_id')`).Scan(&id)
	return id, err
}

// writeFile writes file id's provenance, rows and findings. A bulk load's
// households are in already (bulk.go).
func (g *Ingester) writeFile(w *store.Writer, id int64, rep *FileReport, size int64, format string, loads []*load) error {
	if _, err := w.Exec(`INSERT INTO ingest_file VALUES (?, ?, ?, ?, ?, ?, ?)`,
		id, rep.File, rep.SHA256, size, format, g.opt.Now().UTC(), nullIfEmpty(g.opt.LoadedBy)); err != nil {
		return err
	}
	for _, l := range loads {
		if _, err := w.Exec(`INSERT INTO ingest_sheet (file_id, sheet, form, year, standard, stage, unit_code, rows, total_rows, partial)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, l.form.Sheet, string(l.form.Meta.Form), l.year, l.standard, string(l.stage), l.unit.Code, l.dataRows(), l.totalRows(), g.opt.Partial); err != nil {
			return err
		}
		var err error
		switch {
		case l.bulk != nil:
		case l.form.Meta.Form == review.FormD:
			err = writeHouseholds(w, id, l)
		default:
			err = writeRows(w, id, l)
		}
		if err != nil {
			return err
		}
		if err := writeFindings(w, id, l); err != nil {
			return err
		}
	}
	return nil
}

func writeRows(w *store.Writer, id int64, l *load) error {
	fields := review.Fields(l.form.Meta.Form)
	cols := []string{"file_id", "sheet", "source_row", "year", "standard", "stage", "unit_code", "unit_name", "is_total"}
	for _, f := range fields {
		cols = append(cols, f.Name)
	}
	cols = append(cols, "extra")
	table := l.form.Meta.Form.Table()
	for i, r := range l.form.Rows {
		sh := l.form.Sheet
		if r.Sheet != "" {
			sh = r.Sheet // a form printed over several sheets
		}
		vals := []driver.Value{id, sh, int32(r.SourceRow), int32(l.year), l.standard, string(l.stage), l.codes[i], r.UnitName, r.Total}
		for _, f := range fields {
			x, ok := r.Values[f.Name]
			switch {
			case !ok:
				vals = append(vals, nil)
			case f.Kind == review.Count:
				vals = append(vals, int64(math.Round(x)))
			default:
				vals = append(vals, x)
			}
		}
		var extra driver.Value
		if i < len(l.form.Extra) && len(l.form.Extra[i]) > 0 {
			extra = l.form.Extra[i] // stored as JSON text, never evaluated
		}
		vals = append(vals, extra)
		if err := w.Append(table, cols, vals...); err != nil {
			return err
		}
	}
	return nil
}

var householdColumns = []string{"file_id", "sheet", "source_row", "year", "standard", "stage", "unit_code", "household_id", "village", "head_name",
	"head_id_hash", "ethnicity", "area", "members", "b1_score", "income_per_capita", "deprivations", "class_end", "change"}

func writeHouseholds(w *store.Writer, id int64, l *load) error {
	for i, h := range l.form.Households {
		var b1, inc, deps driver.Value
		if h.B1Score != nil {
			b1 = *h.B1Score
		}
		if h.IncomePerCapita != nil {
			inc = *h.IncomePerCapita
		}
		if h.Deprivations != nil {
			deps = h.Deprivations
		}
		if err := w.Append("raw_household", householdColumns, id, l.form.Sheet, int32(h.SourceRow), int32(l.year), l.standard, string(l.stage), l.codes[i],
			h.HouseholdID, h.Village, h.HeadName, nullIfEmpty(h.HeadIDHash), h.Ethnicity, h.Area, int32(h.Members), b1, inc, deps, h.ClassEnd, h.Change); err != nil {
			return err
		}
	}
	return nil
}

var findingColumns = []string{"file_id", "sheet", "source_row", "cell", "column_name", "unit_code", "rule_id", "severity", "value_found", "expected", "message"}

func writeFindings(w *store.Writer, id int64, l *load) error {
	rowUnit := map[int]string{}
	for i, r := range l.form.Rows {
		if i < len(l.codes) {
			rowUnit[r.SourceRow] = l.codes[i]
		}
	}
	for _, p := range l.findings {
		unit, ok := rowUnit[p.Row]
		if !ok {
			unit = l.unit.Code
		}
		if err := w.Append("ingest_finding", findingColumns, id, p.Sheet, int32(p.Row), nullIfEmpty(p.Column), nullIfEmpty(p.Field), unit,
			p.Code, string(p.Severity), p.Value, p.Expected, p.Message); err != nil {
			return err
		}
	}
	return nil
}

// parquetCSV turns a Parquet export into CSV text through DuckDB (the
// writer's connection may read files; analysts' may not), so both kinds of
// export load by the same readers to the same rows.
func (g *Ingester) parquetCSV(ctx context.Context, name string, body []byte) ([]byte, *problem.Problem) {
	fail := func(err error) ([]byte, *problem.Problem) {
		return nil, &problem.Problem{Code: problem.EFileUnreadable, Severity: problem.Reject, File: name, Message: "không đọc được tệp Parquet: " + err.Error()}
	}
	in, out, cleanup, err := parquetFiles(body)
	if err != nil {
		return fail(err)
	}
	defer cleanup()
	// Parquet compresses as well as a zip: a row more than the readers
	// accept is enough for them to refuse the file, and the text is bounded
	// like an .xlsx's.
	maxRows, maxText := cmp.Or(g.opt.MaxRows, sheet.DefaultMaxRows), cmp.Or(g.opt.MaxUnzipped, sheet.DefaultMaxUnzipped)
	q := fmt.Sprintf(`COPY (SELECT * FROM read_parquet(%s) LIMIT %d) TO %s (HEADER, DELIMITER ',', USE_TMP_FILE false)`, sqlString(in), maxRows+1, sqlString(out))
	if _, err := g.db.ExecContext(ctx, q); err != nil {
		return fail(err)
	}
	if st, err := os.Stat(out); err == nil && st.Size() > maxText {
		return nil, &problem.Problem{Code: problem.EZipBomb, Severity: problem.Reject, File: name,
			Value: fmt.Sprintf("> %s", sizeText(maxText)), Expected: "≤ " + sizeText(maxText),
			Message: "tệp Parquet giải nén ra quá lớn (nghi là tệp nén độc hại): không đọc"}
	}
	text, err := os.ReadFile(out)
	if err != nil {
		return fail(err)
	}
	return text, nil
}

// parquetFiles gives the Parquet body a path DuckDB can read and a path for
// the CSV it writes. Both hold raw ID numbers, so on Linux they are memory
// files that never reach a disk (a load killed with -9 once left 1,48 M raw
// IDs in the temporary folder); elsewhere they go to a private temporary
// folder, swept by the next load after an hour.
func parquetFiles(body []byte) (in, out string, cleanup func(), err error) {
	if memFilesWork {
		mi, err := newMemFile("rasoat-parquet-in")
		if err != nil {
			return "", "", nil, err
		}
		mo, err := newMemFile("rasoat-parquet-out")
		if err != nil {
			mi.Close()
			return "", "", nil, err
		}
		if _, err := mi.Write(body); err != nil {
			mi.Close()
			mo.Close()
			return "", "", nil, err
		}
		return mi.Path(), mo.Path(), func() { mi.Close(); mo.Close() }, nil
	}
	dir, err := tempDir("rasoat-parquet-")
	if err != nil {
		return "", "", nil, err
	}
	in, out = filepath.Join(dir, "in.parquet"), filepath.Join(dir, "out.csv")
	if err := os.WriteFile(in, body, 0o600); err != nil {
		os.RemoveAll(dir)
		return "", "", nil, err
	}
	return in, out, func() { os.RemoveAll(dir) }, nil
}

// tempDir makes a private folder for a load's temporary files. They may
// hold personal data (a Parquet copy can hold raw ID numbers, a bulk
// loader file names), and a load killed with -9 cannot remove its own: so
// folders of the same kind left for over an hour are removed first.
func tempDir(prefix string) (string, error) {
	old, _ := filepath.Glob(filepath.Join(os.TempDir(), prefix+"*"))
	for _, d := range old {
		if st, err := os.Stat(d); err == nil && st.IsDir() && time.Since(st.ModTime()) > time.Hour {
			_ = os.RemoveAll(d) // best effort: another user's folder is not ours to fail on
		}
	}
	return os.MkdirTemp("", prefix)
}

// nullIfEmpty stores an empty string as NULL.
func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
