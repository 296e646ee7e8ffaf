package corpus

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"rasoat/ingest/internal/zipedit"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Formula is a cell holding a formula; Cached, when set, is stored as the
// result Excel would have saved (excelize writes formulas without one).
type Formula struct{ Expr, Cached string }

// Sheet is one worksheet to generate: rows from A1, nil cells skipped.
type Sheet struct {
	Name   string
	Rows   [][]any
	Merges [][2]string
}

// workbook writes the sheets into an .xlsx. excelize writes no timestamps,
// so the same sheets give the same bytes.
func workbook(sheets ...Sheet) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	cached := map[string]string{}
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.Name); err != nil {
				return nil, err
			}
		} else if _, err := f.NewSheet(s.Name); err != nil {
			return nil, err
		}
		for r, row := range s.Rows {
			for c, v := range row {
				if v == nil {
					continue
				}
				ref, err := excelize.CoordinatesToCellName(c+1, r+1)
				if err != nil {
					return nil, err
				}
				switch x := v.(type) {
				case Formula:
					err = f.SetCellFormula(s.Name, ref, x.Expr)
					if x.Cached != "" {
						cached[x.Expr] = x.Cached
					}
				case float64:
					err = f.SetCellFloat(s.Name, ref, x, -1, 64)
				case int:
					err = f.SetCellInt(s.Name, ref, int64(x))
				case string:
					err = f.SetCellStr(s.Name, ref, x)
				default:
					err = fmt.Errorf("cell %s: unsupported type %T", ref, v)
				}
				if err != nil {
					return nil, fmt.Errorf("sheet %s cell %s: %w", s.Name, ref, err)
				}
			}
		}
		for _, m := range s.Merges {
			if err := f.MergeCell(s.Name, m[0], m[1]); err != nil {
				return nil, err
			}
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	if len(cached) == 0 {
		return buf.Bytes(), nil
	}
	return zipedit.Rewrite(buf.Bytes(), func(name string, b []byte) []byte {
		if !strings.HasPrefix(name, "xl/worksheets/") {
			return b
		}
		s := string(b)
		for expr, v := range cached {
			s = strings.ReplaceAll(s, "<f>"+expr+"</f></c>", "<f>"+expr+"</f><v>"+v+"</v></c>")
			s = strings.ReplaceAll(s, "<f>"+expr+"</f><v></v></c>", "<f>"+expr+"</f><v>"+v+"</v></c>")
		}
		return []byte(s)
	})
}

// zipBomb is a tiny .xlsx whose one worksheet inflates to n bytes of
// spaces: the reader must refuse it from the zip directory alone.
func zipBomb(n int) ([]byte, error) {
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	add := func(name string, body func(io.Writer) error) error {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
		if err != nil {
			return err
		}
		return body(w)
	}
	err := add("[Content_Types].xml", func(w io.Writer) error {
		_, err := io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`)
		return err
	})
	if err != nil {
		return nil, err
	}
	err = add("xl/worksheets/sheet1.xml", func(w io.Writer) error {
		chunk := bytes.Repeat([]byte{' '}, 1<<16)
		for left := n; left > 0; left -= len(chunk) {
			if _, err := w.Write(chunk[:min(left, len(chunk))]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
