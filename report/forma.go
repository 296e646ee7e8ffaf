// Package report writes the province's consolidated report (biểu tổng
// hợp) in the official form A layout, from the query layer's numbers only:
// the workbook says what the dashboards say. The print view (HTML) of the
// dashboards is drawn from the same Sheet, so both show one table.
package report

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"rasoat/query"
	"rasoat/review"
)

// Sheet is the consolidated form A laid out: title block, header, body,
// total and footer, as both the workbook and the print view show it.
type Sheet struct {
	Issuer    string // "UBND TỈNH ĐẮK LẮK"
	FormNo    string // "Biểu số 01"
	Title     string // "TỔNG HỢP KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2024"
	StageLine string // "(PHÊ DUYỆT)"
	Fields    []review.Field
	Groups    []Group // header cells spanning several fields (second header row below them)
	Rows      []Line
	Total     Line
	DateLine  string // "Buôn Ma Thuột, ngày 05/12/2026"
	Synthetic bool
}

// Group is a header cell merged over fields From..To (indexes in Fields).
type Group struct {
	Label    string
	From, To int
}

// Line is one body or total row: the numbers as the workbook stores them
// (counts whole, rates rounded to 2 decimals as the forms print them).
type Line struct {
	STT, Name, Code string
	Values          []*float64 // per field
}

// Layout makes the sheet of a report. place is the town on the date line.
func Layout(rep *query.FormAReport, place string, date time.Time) *Sheet {
	name := strings.TrimSpace(rep.ProvinceName)
	for _, p := range []string{"Tỉnh ", "tỉnh ", "Thành phố ", "thành phố "} {
		name = strings.TrimPrefix(name, p)
	}
	level := "TỈNH "
	if strings.HasPrefix(rep.ProvinceName, "Thành phố") || strings.HasPrefix(rep.ProvinceName, "thành phố") {
		level = "THÀNH PHỐ "
	}
	s := &Sheet{
		Issuer:    "UBND " + level + upper(name),
		FormNo:    "Biểu số 01",
		Title:     fmt.Sprintf("TỔNG HỢP KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM %d", rep.Year),
		StageLine: "(" + upper(review.Stage(rep.Stage).Vietnamese()) + ")",
		Fields:    rep.Fields,
		DateLine:  fmt.Sprintf("%s, ngày %s", place, date.Format("02/01/2006")),
		Synthetic: rep.Synthetic,
	}
	pos := map[string]int{}
	for i, f := range rep.Fields {
		pos[f.Name] = i
	}
	for _, g := range []struct{ label, from, to string }{
		{"Trong đó", "em_households", "em_near_poor"}, {"Phân theo tiêu chí", "poor_income", "poor_deprivation"},
	} {
		a, okA := pos[g.from]
		b, okB := pos[g.to]
		if okA && okB {
			s.Groups = append(s.Groups, Group{g.label, a, b})
		}
	}
	line := func(r query.FormARow) Line {
		l := Line{Name: r.Name, Code: r.Code}
		for _, f := range rep.Fields {
			v := r.Values[f.Name]
			if v != nil {
				x := *v
				if f.Kind == review.Rate {
					x = math.Round(x*100) / 100
				} else {
					x = math.Round(x)
				}
				v = &x
			}
			l.Values = append(l.Values, v)
		}
		return l
	}
	for i, r := range rep.Rows {
		l := line(r)
		l.STT = strconv.Itoa(i + 1)
		s.Rows = append(s.Rows, l)
	}
	s.Total = line(rep.Total)
	s.Total.Name, s.Total.Code = "Tổng cộng", ""
	return s
}

func upper(s string) string { return norm.NFC.String(strings.ToUpper(s)) }

// InGroup says which group, if any, field i sits under.
func (s *Sheet) InGroup(i int) (Group, bool) {
	for _, g := range s.Groups {
		if i >= g.From && i <= g.To {
			return g, true
		}
	}
	return Group{}, false
}

// Text renders a value as the print view shows it: 1.234 and 12,81.
func Text(v *float64, f review.Field) string {
	if v == nil {
		return ""
	}
	if f.Kind == review.Rate {
		return vnNumber(*v, 2)
	}
	return vnNumber(*v, 0)
}

func vnNumber(v float64, digits int) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', digits, 64)
	ip, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 && math.Round(v*math.Pow(10, float64(digits))) != 0 {
		b.WriteByte('-')
	}
	for i, c := range ip {
		if i > 0 && (len(ip)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString("," + frac)
	}
	return b.String()
}

// Columns of the workbook: STT, unit name, unit code, then the fields.
const firstField = 4

// XLSX writes the sheet as a workbook in the official layout: issuer and
// national motto, form number, title, stage, unit line; a two-row header
// with merged cells and the column-number row (A, B, C, 1, 2, …); one row
// per unit; "Tổng cộng"; place and date, and the signature block.
func (s *Sheet) XLSX() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	const sh = "Biểu 01"
	if err := f.SetSheetName("Sheet1", sh); err != nil {
		return nil, err
	}
	ncol := firstField + len(s.Fields) - 1
	cell := func(r, c int) string { n, _ := excelize.CoordinatesToCellName(c, r); return n }
	var err error
	set := func(r, c int, v any) {
		if err == nil {
			err = f.SetCellValue(sh, cell(r, c), v)
		}
	}
	merge := func(r1, c1, r2, c2 int) {
		if err == nil && (r1 != r2 || c1 != c2) {
			err = f.MergeCell(sh, cell(r1, c1), cell(r2, c2))
		}
	}
	style := func(st *excelize.Style) int {
		id, e := f.NewStyle(st)
		if err == nil {
			err = e
		}
		return id
	}
	border := []excelize.Border{{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1}}
	font := func(bold, italic bool) *excelize.Font {
		return &excelize.Font{Family: "Times New Roman", Size: 12, Bold: bold, Italic: italic}
	}
	center := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	sBold := style(&excelize.Style{Font: font(true, false), Alignment: center})
	sItalic := style(&excelize.Style{Font: font(false, true), Alignment: center})
	sHead := style(&excelize.Style{Font: font(true, false), Alignment: center, Border: border})
	sText := style(&excelize.Style{Font: font(false, false), Border: border, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	sCount := style(&excelize.Style{Font: font(false, false), Border: border, NumFmt: 3})
	sRate := style(&excelize.Style{Font: font(false, false), Border: border, NumFmt: 4})
	sTotText := style(&excelize.Style{Font: font(true, false), Border: border, Alignment: center})
	sTotCount := style(&excelize.Style{Font: font(true, false), Border: border, NumFmt: 3})
	sTotRate := style(&excelize.Style{Font: font(true, false), Border: border, NumFmt: 4})
	rangeStyle := func(r1, c1, r2, c2, id int) {
		if err == nil {
			err = f.SetCellStyle(sh, cell(r1, c1), cell(r2, c2), id)
		}
	}

	half := max(ncol/2, 3)
	set(1, 1, s.Issuer)
	merge(1, 1, 1, 3)
	set(1, half+1, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
	merge(1, half+1, 1, ncol)
	set(2, half+1, "Độc lập - Tự do - Hạnh phúc")
	merge(2, half+1, 2, ncol)
	rangeStyle(1, 1, 2, ncol, sBold)
	set(3, 1, s.FormNo)
	set(4, 1, s.Title)
	set(5, 1, s.StageLine)
	for r := 3; r <= 5; r++ {
		merge(r, 1, r, ncol)
		rangeStyle(r, 1, r, ncol, sBold)
	}
	set(6, ncol, "Đơn vị tính: hộ")
	rangeStyle(6, ncol, 6, ncol, sItalic)

	// header: rows 7–8, column numbers in row 9
	top, bottom := 7, 8
	for c, h := range []string{"STT", "Tên đơn vị", "Mã ĐVHC"} {
		set(top, c+1, h)
		merge(top, c+1, bottom, c+1)
	}
	for i, fd := range s.Fields {
		c := firstField + i
		if g, ok := s.InGroup(i); ok {
			if i == g.From {
				set(top, c, g.Label)
				merge(top, c, top, firstField+g.To)
			}
			set(bottom, c, fd.Header)
			continue
		}
		set(top, c, fd.Header)
		merge(top, c, bottom, c)
	}
	set(9, 1, "A")
	set(9, 2, "B")
	set(9, 3, "C")
	for i := range s.Fields {
		set(9, firstField+i, strconv.Itoa(i+1))
	}
	rangeStyle(top, 1, 9, ncol, sHead)

	row := 10
	write := func(l Line, total bool) {
		if l.STT != "" {
			n, _ := strconv.Atoi(l.STT)
			set(row, 1, n)
		}
		set(row, 2, l.Name)
		if l.Code != "" {
			set(row, 3, l.Code)
		}
		for i, v := range l.Values {
			if v != nil {
				set(row, firstField+i, *v)
			}
		}
		ts, cs, rs := sText, sCount, sRate
		if total {
			ts, cs, rs = sTotText, sTotCount, sTotRate
		}
		rangeStyle(row, 1, row, 3, ts)
		for i, fd := range s.Fields {
			id := cs
			if fd.Kind == review.Rate {
				id = rs
			}
			rangeStyle(row, firstField+i, row, firstField+i, id)
		}
		row++
	}
	for _, l := range s.Rows {
		write(l, false)
	}
	write(s.Total, true)

	// footer: single cells, as the officers' own sheets have them (a merged
	// cell would repeat its text under every column when read back)
	row++
	set(row, half+1, s.DateLine)
	rangeStyle(row, half+1, row, half+1, sItalic)
	row++
	set(row, 2, "Người lập biểu")
	set(row, half+1, "TM. ỦY BAN NHÂN DÂN")
	rangeStyle(row, 2, row, half+1, sBold)
	row++
	set(row, half+1, "KT. CHỦ TỊCH")
	rangeStyle(row, half+1, row, half+1, sBold)
	row++
	set(row, 2, "(Ký, ghi rõ họ tên)")
	set(row, half+1, "(Ký, đóng dấu, ghi rõ họ tên)")
	rangeStyle(row, 2, row, half+1, sItalic)
	if s.Synthetic {
		row += 4
		set(row, 2, "Ghi chú: số liệu mẫu (tổng hợp), không phải số liệu thật.")
	}

	if err == nil {
		err = f.SetColWidth(sh, "A", "A", 5)
	}
	if err == nil {
		err = f.SetColWidth(sh, "B", "B", 26)
	}
	if err == nil {
		last, _ := excelize.ColumnNumberToName(ncol)
		err = f.SetColWidth(sh, "C", last, 12)
	}
	if err == nil {
		err = f.SetPageLayout(sh, &excelize.PageLayoutOptions{Orientation: ptr("landscape")})
	}
	if err != nil {
		return nil, fmt.Errorf("tạo biểu A tổng hợp: %w", err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, fmt.Errorf("ghi biểu A tổng hợp: %w", err)
	}
	return buf.Bytes(), nil
}

func ptr[T any](v T) *T { return &v }
