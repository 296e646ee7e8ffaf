package dashboards

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// dtable is the one shape behind every chart of the dashboard: the page's
// table view, the CSV and the XLSX are all written from the same cells, so
// an export reproduces the numbers on the page exactly (rates rounded to the
// two decimals shown, counts exact).

type colKind int

const (
	kText  colKind = iota
	kCount         // whole numbers
	kRate          // percent, 2 decimals
	kPP            // percentage points, 2 decimals
)

type dcol struct {
	Head string
	Kind colKind
}

// dcell is one value: Num for numbers (nil = no value), Text for text.
type dcell struct {
	Text string
	Num  *float64
	URL  string // the page links the cell here (drill-down); exports ignore it
}

type dtable struct {
	ID    string // table-ID on the page; the export's file stem
	Title string
	Cols  []dcol
	Rows  [][]dcell
	Q     string // the page state as a query string, for the export links
}

func txt(s string) dcell { return dcell{Text: s} }

// num rounds as the page shows it: counts to units, rates and points to 2
// decimals. The rounded value is what every output carries.
func num(v *float64, k colKind) dcell {
	if v == nil || math.IsNaN(*v) || math.IsInf(*v, 0) {
		return dcell{}
	}
	r := math.Round(*v*100) / 100
	if k == kCount {
		r = math.Round(*v)
	}
	if r == 0 {
		r = 0 // no -0
	}
	return dcell{Num: &r}
}

func cnt(n int64) dcell       { v := float64(n); return num(&v, kCount) }
func fnum(v float64) *float64 { return &v }

// HTML is a cell as the page prints it (Vietnamese notation).
func (t *dtable) HTML(c dcell, k colKind) string {
	if c.Num == nil {
		if k == kText {
			return c.Text
		}
		return "—"
	}
	switch k {
	case kCount:
		return fmtInt(int64(*c.Num))
	case kRate:
		return fmtDec(*c.Num, 2) + "%"
	default:
		return fmtDec(*c.Num, 2)
	}
}

// htmlRow is a row ready for the template.
type htmlCell struct {
	Text, URL string
	Num       bool
}

func (t *dtable) HTMLRows() [][]htmlCell {
	out := make([][]htmlCell, len(t.Rows))
	for i, r := range t.Rows {
		out[i] = make([]htmlCell, len(r))
		for j, c := range r {
			out[i][j] = htmlCell{Text: t.HTML(c, t.Cols[j].Kind), URL: c.URL, Num: t.Cols[j].Kind != kText}
		}
	}
	return out
}

// CSV writes the table in the format of the other exports (csv.go): BOM,
// ";" and "," decimals by default, ?sep=comma for "," and ".".
func (t *dtable) CSV(f csvFormat, note string) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.Comma = f.sep
	w.UseCRLF = true
	head := make([]string, 0, len(t.Cols)+1)
	for _, c := range t.Cols {
		head = append(head, c.Head)
	}
	head = append(head, "Ghi chú")
	if err := w.Write(head); err != nil {
		return nil, err
	}
	for _, r := range t.Rows {
		rec := make([]string, 0, len(r)+1)
		for j, c := range r {
			switch {
			case t.Cols[j].Kind == kText:
				rec = append(rec, cell(c.Text))
			case c.Num == nil:
				rec = append(rec, "")
			case t.Cols[j].Kind == kCount:
				rec = append(rec, strconv.FormatInt(int64(*c.Num), 10))
			default:
				rec = append(rec, f.num(*c.Num))
			}
		}
		rec = append(rec, note)
		if err := w.Write(rec); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// XLSX writes the table as a workbook: a title row, the header, numbers
// as numbers (formatted 0.00 for rates), the note under the table.
func (t *dtable) XLSX(title, note string) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Số liệu"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	dec, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("#,##0.00")})
	if err != nil {
		return nil, err
	}
	whole, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("#,##0")})
	if err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	set := func(col, row int, v any) error {
		ref, err := excelize.CoordinatesToCellName(col, row)
		if err != nil {
			return err
		}
		// text cells go in as strings only: a name starting with "=" stays text
		return f.SetCellValue(sheet, ref, v)
	}
	if err := set(1, 1, title); err != nil {
		return nil, err
	}
	for j, c := range t.Cols {
		if err := set(j+1, 2, c.Head); err != nil {
			return nil, err
		}
	}
	f.SetRowStyle(sheet, 2, 2, bold)
	for i, r := range t.Rows {
		row := i + 3
		for j, c := range r {
			k := t.Cols[j].Kind
			ref, _ := excelize.CoordinatesToCellName(j+1, row)
			switch {
			case k == kText:
				err = f.SetCellStr(sheet, ref, c.Text)
			case c.Num == nil:
				continue
			default:
				err = f.SetCellFloat(sheet, ref, *c.Num, -1, 64)
				style := dec
				if k == kCount {
					style = whole
				}
				if err == nil {
					err = f.SetCellStyle(sheet, ref, ref, style)
				}
			}
			if err != nil {
				return nil, err
			}
		}
	}
	if note != "" {
		if err := set(1, len(t.Rows)+4, note); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, fmt.Errorf("ghi XLSX: %w", err)
	}
	return buf.Bytes(), nil
}

func ptr[T any](v T) *T { return &v }
