package sheet

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"rasoat/ingest/problem"
)

// formula is a cell written as a formula; cached, when set, is injected as
// the stored result (excelize writes formulas without one).
type formula struct{ expr, cached string }

// num is a numeric cell.
type num float64

// ws describes one worksheet to generate: rows from A1, nil cells skipped.
type ws struct {
	name   string
	rows   [][]any
	merges [][2]string
}

// build writes the sheets into an .xlsx in memory.
func build(t *testing.T, sheets ...ws) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	cached := map[string]string{}
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			t.Fatal(err)
		}
		for r, row := range s.rows {
			for c, v := range row {
				if v == nil {
					continue
				}
				ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
				var err error
				switch x := v.(type) {
				case formula:
					err = f.SetCellFormula(s.name, ref, x.expr)
					if x.cached != "" {
						cached[x.expr] = x.cached
					}
				case num:
					err = f.SetCellFloat(s.name, ref, float64(x), -1, 64)
				case int:
					err = f.SetCellInt(s.name, ref, int64(x))
				case string:
					err = f.SetCellStr(s.name, ref, x)
				default:
					err = f.SetCellValue(s.name, ref, x)
				}
				if err != nil {
					t.Fatal(err)
				}
			}
		}
		for _, m := range s.merges {
			if err := f.MergeCell(s.name, m[0], m[1]); err != nil {
				t.Fatal(err)
			}
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	if len(cached) == 0 {
		return buf.Bytes()
	}
	return injectCached(t, buf.Bytes(), cached)
}

// injectCached adds <v> results after formulas, as Excel would store them.
func injectCached(t *testing.T, data []byte, cached map[string]string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if strings.HasPrefix(zf.Name, "xl/worksheets/") {
			s := string(b)
			for expr, v := range cached {
				s = strings.ReplaceAll(s, "<f>"+expr+"</f></c>", "<f>"+expr+"</f><v>"+v+"</v></c>")
				s = strings.ReplaceAll(s, "<f>"+expr+"</f><v></v></c>", "<f>"+expr+"</f><v>"+v+"</v></c>")
			}
			b = []byte(s)
		}
		w, err := zw.Create(zf.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// codes lists problem codes with their location, for failure messages.
func codes(l problem.List) []string {
	var out []string
	for _, p := range l {
		out = append(out, p.Error())
	}
	return out
}

// find returns the first problem with code, or nil.
func find(l problem.List, code string) *problem.Problem {
	for _, p := range l {
		if p.Code == code {
			return p
		}
	}
	return nil
}
