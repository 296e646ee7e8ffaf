package ingest

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"rasoat/ingest/internal/layoutgen"
	"rasoat/ingest/problem"
	"rasoat/review"
)

func hasCode(ps problem.List, code string) bool {
	for _, p := range ps {
		if p.Code == code {
			return true
		}
	}
	return false
}

// TestGeneratedLayoutsIngest takes a subset of the generated workbooks of
// sheet's TestGeneratedLayouts through the real ingest into DuckDB: every
// one must be accepted, its units matched to the right codes and its
// figures stored as drawn. RASOAT_LAYOUT_E2E sets how many (default 30).
// It needs ../shared/data (the real Đắk Lắk units the workbooks name).
func TestGeneratedLayoutsIngest(t *testing.T) {
	if testing.Short() {
		t.Skip("short: end-to-end layouts skipped")
	}
	dir := filepath.Join("..", "..", "shared", "data")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("../shared/data absent: the end-to-end layout test needs the real Đắk Lắk unit lists")
	}
	units, err := layoutgen.LoadShared(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := 30
	if v := os.Getenv("RASOAT_LAYOUT_E2E"); v != "" {
		if want, err = strconv.Atoi(v); err != nil || want <= 0 {
			t.Fatalf("RASOAT_LAYOUT_E2E=%q: want a positive number", v)
		}
	}
	ctx := context.Background()
	db := daklakDB(t, t.TempDir())
	seen := map[string]bool{}
	loaded := 0
	for seed := uint64(100_001); loaded < want && seed < 200_000; seed++ {
		body, truth, err := layoutgen.Generate(seed, units)
		if err != nil {
			t.Fatal(err)
		}
		// The test database holds the 2019 unit list; one submission per
		// unit, year and stage.
		key := fmt.Sprint(truth.Issuer.Code, truth.Year, truth.Stage)
		if truth.Year >= 2025 || seen[key] {
			continue
		}
		seen[key] = true
		name := fmt.Sprintf("layout%d.xlsx", seed)
		opt := Options{Year: truth.Year, Stage: truth.Stage, Unit: truth.Issuer.Code, LoadedBy: "layouts", IDKey: []byte("layout-test-key")}
		rep := New(db, opt).Reader(ctx, name, bytes.NewReader(body))
		if truth.Stage == review.Approved {
			// read right, and refused: approved figures come from approval only
			if rep.Status != Rejected || !hasCode(rep.Problems, problem.EStageApproved) {
				t.Errorf("seed %d: a workbook of the approved stage: %s\n%s", seed, rep.Status, problems(rep.Problems))
			}
			continue
		}
		loaded++
		if rep.Status != Accepted {
			t.Errorf("seed %d: %s\n%s\nfeatures: %s", seed, rep.Status, problems(rep.Problems), strings.Join(truth.Features, "; "))
			continue
		}
		for _, p := range rep.Problems {
			switch p.Code {
			case problem.FTotalMismatch, problem.FFlowIdentity, problem.FRateMismatch:
				t.Errorf("seed %d: %s (the generator's totals, identities and rates are exact)", seed, p.Error())
			}
		}
		for _, ft := range truth.Forms {
			got, err := storedRows(ctx, db.DB, ft.Form.Table(), rep.FileID, ft.Sheet, ft.Fields)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(ft.Rows) {
				t.Errorf("seed %d sheet %s: %d rows stored, want %d", seed, ft.Sheet, len(got), len(ft.Rows))
				continue
			}
			for i, w := range ft.Rows {
				g := got[i]
				if g.code != w.Unit.Code {
					t.Errorf("seed %d sheet %s row %d: unit %s, want %s (%q)", seed, ft.Sheet, i+1, g.code, w.Unit.Code, w.Printed)
				}
				for k, f := range ft.Fields {
					if math.Abs(g.values[k]-w.Values[f]) > 1e-6 {
						t.Errorf("seed %d sheet %s %s %s = %v, want %v", seed, ft.Sheet, w.Unit.Code, f, g.values[k], w.Values[f])
					}
				}
			}
		}
	}
	t.Logf("%d generated workbooks ingested into DuckDB and checked", loaded)
}

type storedRow struct {
	code   string
	values []float64
}

// storedRows reads one sheet's data rows of a loaded file, in sheet order.
func storedRows(ctx context.Context, db *sql.DB, table string, fileID int64, sheetName string, fields []string) ([]storedRow, error) {
	cols := make([]string, len(fields))
	for i, f := range fields {
		cols[i] = fmt.Sprintf("coalesce(%s, 0)::DOUBLE", f)
	}
	q := fmt.Sprintf(`SELECT unit_code, %s FROM %s WHERE file_id = ? AND sheet = ? AND NOT is_total ORDER BY source_row`, strings.Join(cols, ", "), table)
	rs, err := db.QueryContext(ctx, q, fileID, sheetName)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []storedRow
	for rs.Next() {
		r := storedRow{values: make([]float64, len(fields))}
		dest := []any{&r.code}
		for i := range r.values {
			dest = append(dest, &r.values[i])
		}
		if err := rs.Scan(dest...); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rs.Err()
}
