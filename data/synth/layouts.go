package synth

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"rasoat/ingest/vnnum"
	"rasoat/review"
)

// The five layout variants. Each workbook uses one for all its sheets; the
// rotation (variantFor) makes every district and every year meet all five.
//
//  1. The forms.md example: 6-row title block (issuer and national motto,
//     form number, title with the stage in brackets, attachment line, unit
//     line), a 3-row merged header (for B/C the groups "Giảm trong kỳ" and
//     "Tăng trong kỳ", with "Thoát nghèo" merged over its two sub-columns),
//     a column-number row "A","B","1","2",…, a district's communes grouped
//     under roman-numeral rows ("I" Thị trấn / Các phường, "II" Các xã),
//     total row "Cộng", footer "Người lập biểu" / "KT. CHỦ TỊCH".
//  2. Minimal: only the issuer and the title (stage in brackets), a single
//     header row, column numbers "(1)","(2)",…, a "Mã ĐVHC" code column
//     after the unit name, total row "Tổng cộng", no footer.
//  3. Numbers stored as text in Vietnamese notation ("1.234", "12,81"), zero
//     counts sometimes blank, "-" or "0"; unit names in mixed spellings
//     ("XÃ EA KAO", "X. Ea Kao", "TT. …", bare "Ea Kao"), every apostrophe
//     curly (’); stage on its own line; 2-row header; total row "Toàn huyện"
//     (or "Cộng" for a town or city).
//  4. Total row written as =SUM(…) formulas with cached values (rates as
//     =ROUND(poor/total*100,2)); an empty column after the unit name and one
//     before a trailing "Ghi chú" notes column; total row "Cộng huyện …".
//     One workbook (the first variant-4 district workbook of 2017) carries
//     the formulas without cached values, so a reader must compute them.
//  5. A 10-row title block (motto, "Số: …/BC-UBND", place and date, form
//     number, title, stage on its own line, attachment, unit line), a 2-row
//     merged header and NO column-number row, zero counts sometimes blank or
//     "-", total row "Tổng số", footer with signatures, names and a date line.
const nVariants = 5

func variantFor(unitIdx, cycleIdx, stageIdx int) int {
	return (unitIdx+cycleIdx*2+stageIdx)%nVariants + 1
}

func sheetNames(variant int) [3]string {
	switch variant {
	case 2:
		return [3]string{"KQ ra soat", "Dien bien HN", "Dien bien HCN"}
	case 3:
		return [3]string{"Bieu 1", "Bieu 2", "Bieu 3"}
	case 4:
		return [3]string{"Biểu 01-KQ", "Biểu 02-HN", "Biểu 03-HCN"}
	case 5:
		return [3]string{"Sheet1", "Sheet2", "Sheet3"}
	}
	return [3]string{"Biểu 01", "Biểu 02", "Biểu 03"}
}

type unitRow struct {
	Name, Code, Type string
	Rec              *record
}

type group struct {
	Label string
	Units []unitRow
}

// sheetDoc is everything one form sheet shows, independent of layout.
type sheetDoc struct {
	Form       review.Form
	Fields     []review.Field
	Issuer     string // "UBND HUYỆN M'ĐRĂNG"
	IssuerOf   string // "UBND huyện M'Đrăng", for the attachment line
	Place      string // for the date line
	Year       int
	Standard   string
	Baseline   bool
	Stage      review.Stage
	ReportNo   int
	Date       day
	Groups     []group
	District   *district // nil for a commune's own workbook
	TotalDelta map[string]int64
	NoCache    bool
	rng        *rand.Rand
}

func (doc *sheetDoc) formNo() string {
	return map[review.Form]string{review.FormA: "Biểu số 01", review.FormB: "Biểu số 02", review.FormC: "Biểu số 03"}[doc.Form]
}

// title is the form's title with the year and, in 2021, the standard.
func (doc *sheetDoc) title() string {
	var t string
	switch doc.Form {
	case review.FormA:
		t = "TỔNG HỢP KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM "
	case review.FormB:
		t = "TỔNG HỢP DIỄN BIẾN HỘ NGHÈO NĂM "
	default:
		t = "TỔNG HỢP DIỄN BIẾN HỘ CẬN NGHÈO NĂM "
	}
	t += strconv.Itoa(doc.Year)
	if doc.Year == 2021 {
		if doc.Baseline {
			t += " THEO CHUẨN NGHÈO ĐA CHIỀU GIAI ĐOẠN 2022 - 2025"
		} else {
			t += " THEO CHUẨN NGHÈO GIAI ĐOẠN 2016 - 2020"
		}
	}
	return t
}

func (doc *sheetDoc) stageWord() string { return upperVN(doc.Stage.Vietnamese()) }

func (doc *sheetDoc) attachment() string {
	return fmt.Sprintf("(Kèm theo Báo cáo số %d/BC-UBND ngày %s của %s)", doc.ReportNo, doc.Date, doc.IssuerOf)
}

func (doc *sheetDoc) units() []unitRow {
	var out []unitRow
	for _, g := range doc.Groups {
		out = append(out, g.Units...)
	}
	return out
}

// totals sums the counts of the body rows; rates are recomputed from the
// summed counts, never averaged. A planted delta is added last.
func (doc *sheetDoc) totals() map[string]float64 {
	t := map[string]float64{}
	for _, u := range doc.units() {
		for _, f := range doc.Fields {
			if f.Kind == review.Count {
				v, _ := u.Rec.value(f.Name)
				t[f.Name] += v
			}
		}
	}
	for name, d := range doc.TotalDelta {
		t[name] += float64(d)
	}
	if h := t["total_households"]; h > 0 {
		t["poor_rate_reported"] = rate(int64(t["poor_end"]), int64(h))
		t["near_poor_rate_reported"] = rate(int64(t["near_poor_end"]), int64(h))
	}
	return t
}

func (doc *sheetDoc) totalLabel(variant int) string {
	d := doc.District
	switch variant {
	case 2:
		return "Tổng cộng"
	case 3:
		if d.Type == "Huyện" {
			return "Toàn huyện"
		}
		return "Cộng"
	case 4:
		return "Cộng " + strings.ToLower(d.Type) + " " + d.Short
	case 5:
		return "Tổng số"
	}
	return "Cộng"
}

// nameFor spells a unit name as the variant's officer would.
func (doc *sheetDoc) nameFor(u unitRow, variant int) string {
	switch variant {
	case 3:
		short := strings.TrimPrefix(u.Name, u.Type+" ")
		abbr := map[string]string{"Xã": "X. ", "Phường": "P. ", "Thị trấn": "TT. "}[u.Type]
		var s string
		switch doc.rng.IntN(4) {
		case 0:
			s = upperVN(u.Name)
		case 1:
			s = abbr + short
		case 2:
			s = short
		default:
			s = u.Name
		}
		return curly(s)
	case 5:
		return strings.ToLower(u.Type) + strings.TrimPrefix(u.Name, u.Type)
	}
	return u.Name
}

// value renders one figure: numbers, or text in Vietnamese notation (3),
// with zeros occasionally blank or "-" (3 and 5).
func (doc *sheetDoc) value(v float64, f review.Field, variant int) any {
	if v == 0 && (variant == 3 || variant == 5) {
		switch doc.rng.IntN(4) {
		case 0:
			return nil
		case 1:
			return "-"
		}
	}
	if variant == 3 {
		if f.Kind == review.Rate {
			return vnnum.FormatFixed(v, 2)
		}
		return vnnum.FormatInt(int64(v))
	}
	if f.Kind == review.Rate {
		return v
	}
	return int64(v)
}

// headerGroups are the merged group headers above the leaf columns.
type headerGroup struct {
	label    string
	from, to string // field names, inclusive
}

func headerGroups(f review.Form) []headerGroup {
	switch f {
	case review.FormA:
		return []headerGroup{{"Trong đó", "em_households", "em_near_poor"}, {"Phân theo tiêu chí", "poor_income", "poor_deprivation"}}
	case review.FormB:
		return []headerGroup{{"Giảm trong kỳ", "poor_out_to_near_poor", "poor_out_other"}, {"Tăng trong kỳ", "poor_in_from_near_poor", "poor_in_other"}}
	default:
		return []headerGroup{{"Giảm trong kỳ", "near_poor_out_escaped", "near_poor_out_other"}, {"Tăng trong kỳ", "near_poor_in_from_poor", "near_poor_in_other"}}
	}
}

// writeHeader writes the leaf headers of the fields starting at column
// first, over nRows rows from top. With 2 or 3 rows, group headers are
// merged across their columns; with 3 rows Form B also merges "Thoát nghèo"
// over its two sub-columns, whose leaves then carry the short words.
func writeHeader(g *grid, doc *sheetDoc, top, nRows int, colOf func(i int) int) {
	bottom := top + nRows - 1
	pos := map[string]int{}
	for i, f := range doc.Fields {
		pos[f.Name] = i
	}
	inGroup := make([]bool, len(doc.Fields))
	if nRows >= 2 {
		for _, hg := range headerGroups(doc.Form) {
			a, okA := pos[hg.from]
			b, okB := pos[hg.to]
			if !okA || !okB {
				continue
			}
			g.set(top, colOf(a), hg.label)
			g.merge(top, colOf(a), top, colOf(b))
			for i := a; i <= b; i++ {
				inGroup[i] = true
			}
		}
	}
	sub := nRows == 3 && doc.Form == review.FormB
	for i, f := range doc.Fields {
		c := colOf(i)
		switch {
		case sub && (f.Name == "poor_out_to_near_poor" || f.Name == "poor_out_above_near_poor"):
			if f.Name == "poor_out_to_near_poor" {
				g.set(top+1, c, "Thoát nghèo")
				g.merge(top+1, c, top+1, colOf(i+1))
				g.set(bottom, c, "Trở thành hộ cận nghèo")
			} else {
				g.set(bottom, c, "Vượt chuẩn cận nghèo")
			}
		case inGroup[i]:
			g.set(top+1, c, f.Header)
			g.merge(top+1, c, bottom, c)
		default:
			g.set(top, c, f.Header)
			g.merge(top, c, bottom, c)
		}
	}
}

// layout draws one form sheet in the given variant.
func layout(doc *sheetDoc, variant int) *grid {
	g := &grid{}
	nf := len(doc.Fields)
	first := 3 // first data column
	ncol := 2 + nf
	codeCol, notesCol := 0, 0
	switch variant {
	case 2:
		codeCol, first = 3, 4
		ncol = 3 + nf
	case 4:
		// column 3 and the column before "Ghi chú" stay empty
		first = 4
		notesCol = 5 + nf
		ncol = notesCol
	}
	colOf := func(i int) int { return first + i }
	right := max(3, ncol-4)
	name := func(s string) string {
		if variant == 3 {
			return curly(s)
		}
		return s
	}
	g.width(1, 1, 5)
	g.width(2, 2, 24)
	g.width(3, ncol, 11)

	// title block and header
	row := 1
	switch variant {
	case 1:
		g.set(1, 1, doc.Issuer)
		g.set(1, right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
		g.set(2, right, "Độc lập - Tự do - Hạnh phúc")
		g.set(3, 3, doc.formNo())
		g.set(4, 2, doc.title()+" ("+doc.stageWord()+")")
		g.set(5, 2, doc.attachment())
		g.set(6, ncol, "Đơn vị tính: hộ")
		row = 7
	case 2:
		g.set(1, 1, doc.Issuer)
		g.set(2, 1, doc.title()+" ("+doc.stageWord()+")")
		row = 3
	case 3:
		g.set(1, 1, name(doc.Issuer))
		g.set(2, 1, doc.formNo())
		g.set(3, 1, doc.title())
		g.set(4, 1, "("+doc.stageWord()+")")
		g.set(5, 1, name(doc.attachment()))
		g.set(6, ncol, "Đơn vị tính: hộ")
		row = 7
	case 4:
		g.set(1, 1, doc.Issuer)
		g.set(2, 1, doc.formNo())
		g.set(3, 1, doc.title()+" - "+doc.stageWord())
		g.set(4, 1, doc.attachment())
		g.set(5, ncol, "Đơn vị tính: hộ")
		row = 7
	case 5:
		g.set(1, 1, doc.Issuer)
		g.set(1, right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
		g.set(2, 1, fmt.Sprintf("Số: %d/BC-UBND", doc.ReportNo))
		g.set(2, right, "Độc lập - Tự do - Hạnh phúc")
		g.set(3, right, doc.Place+", "+doc.Date.Long())
		g.set(5, 1, doc.formNo())
		g.set(6, 1, doc.title())
		g.set(7, 1, "("+doc.stageWord()+")")
		g.set(8, 1, doc.attachment())
		g.set(10, ncol, "Đơn vị tính: hộ")
		row = 11
	}
	nHead := map[int]int{1: 3, 2: 1, 3: 2, 4: 1, 5: 2}[variant]
	bottom := row + nHead - 1
	g.set(row, 1, "STT")
	g.merge(row, 1, bottom, 1)
	g.set(row, 2, "Đơn vị")
	if variant == 1 || variant == 5 {
		g.set(row, 2, "Tên đơn vị")
	}
	g.merge(row, 2, bottom, 2)
	if codeCol > 0 {
		g.set(row, codeCol, "Mã ĐVHC")
	}
	if notesCol > 0 {
		g.set(row, notesCol, "Ghi chú")
	}
	writeHeader(g, doc, row, nHead, colOf)
	row = bottom + 1

	// column-number row
	switch variant {
	case 1, 3, 4:
		g.set(row, 1, "A")
		g.set(row, 2, "B")
		for i := range doc.Fields {
			g.set(row, colOf(i), strconv.Itoa(i+1))
		}
		if notesCol > 0 {
			g.set(row, notesCol, "C")
		}
		row++
	case 2:
		for c := 1; c <= ncol; c++ {
			g.set(row, c, "("+strconv.Itoa(c)+")")
		}
		row++
	}

	// body
	firstBody := row
	grouped := variant == 1 && doc.District != nil && len(doc.Groups) > 1
	for gi, grp := range doc.Groups {
		if grouped {
			g.set(row, 1, roman(gi+1))
			g.set(row, 2, grp.Label)
			row++
		}
		for ui, u := range grp.Units {
			g.set(row, 1, int64(ui+1))
			if !grouped {
				g.set(row, 1, int64(row-firstBody+1))
			}
			g.set(row, 2, doc.nameFor(u, variant))
			if codeCol > 0 {
				g.set(row, codeCol, u.Code)
			}
			for i, f := range doc.Fields {
				v, _ := u.Rec.value(f.Name)
				g.set(row, colOf(i), doc.value(v, f, variant))
			}
			if notesCol > 0 && u.Rec.Complaints > 0 {
				g.set(row, notesCol, fmt.Sprintf("Có %d đơn thư", u.Rec.Complaints))
			}
			row++
		}
	}
	lastBody := row - 1

	// total row (district workbooks only)
	if doc.District != nil {
		t := doc.totals()
		g.set(row, 2, doc.totalLabel(variant))
		for i, f := range doc.Fields {
			c := colOf(i)
			if variant == 4 {
				g.set(row, c, doc.formula(f, t, firstBody, lastBody, row, colOf))
				continue
			}
			g.set(row, c, doc.value(t[f.Name], f, variant))
		}
		row++
	}

	// footer
	row++
	switch variant {
	case 1:
		g.set(row, right, doc.Place+", "+doc.Date.Long())
		g.set(row+1, 2, "Người lập biểu")
		g.set(row+1, right, "KT. CHỦ TỊCH")
		g.set(row+2, right, "PHÓ CHỦ TỊCH")
	case 3:
		g.set(row, 2, "Người lập biểu")
		g.set(row, right, "TM. ỦY BAN NHÂN DÂN")
	case 4:
		g.set(row, 2, "Ghi chú: số liệu do cán bộ giảm nghèo tổng hợp.")
	case 5:
		g.set(row, right, doc.Place+", "+doc.Date.Long())
		g.set(row+1, 2, "Người lập biểu")
		g.set(row+1, 4, "Thủ trưởng đơn vị")
		g.set(row+1, right, "CHỦ TỊCH")
		g.set(row+2, 2, "(Ký, ghi rõ họ tên)")
		g.set(row+2, right, "(Ký tên, đóng dấu)")
		g.set(row+6, 2, "Nguyễn Thị Mẫu")
		g.set(row+6, right, "Trần Văn Mẫu")
	}
	return g
}

// formula is a variant-4 total cell: SUM over the body, or the rate
// recomputed from the total row, with the cached value unless NoCache.
func (doc *sheetDoc) formula(f review.Field, t map[string]float64, r1, r2, row int, colOf func(int) int) excelize.Cell {
	col := func(name string) string {
		for i, fd := range doc.Fields {
			if fd.Name == name {
				s, _ := excelize.ColumnNumberToName(colOf(i))
				return s
			}
		}
		return ""
	}
	var c excelize.Cell
	if f.Kind == review.Rate {
		num := "poor_end"
		if f.Name == "near_poor_rate_reported" {
			num = "near_poor_end"
		}
		c.Formula = fmt.Sprintf("ROUND(%s%d/%s%d*100,2)", col(num), row, col("total_households"), row)
		c.Value = t[f.Name]
	} else {
		l := col(f.Name)
		c.Formula = fmt.Sprintf("SUM(%s%d:%s%d)", l, r1, l, r2)
		c.Value = int64(t[f.Name])
	}
	if doc.NoCache {
		c.Value = nil
	}
	return c
}
