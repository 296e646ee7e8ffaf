// Package layoutgen generates official summary workbooks (forms A, B and C)
// in layouts drawn from every feature docs/forms.md §2 lists, each feature
// drawn independently, together with the truth a reader must recover. It
// is for tests only: the reader is judged on layouts it has never seen,
// not on the five variants of the sample generator.
//
// Features drawn (per workbook or per sheet): reporting scope (district
// with its communes, one commune, the province after 1/7/2025), year and
// stage (printed or not), which forms and in how many sheets, text
// encoding (NFC, NFD, TCVN3, VNI), a title block of 0–12 rows built from
// issuer (alone, over a commune issuer, or on one line with the title),
// motto, document number and date, form number, title (one line, broken
// over two, with or without the stage), stage line, attachment line dated
// outside the review year, unit line; a header of 1–3 rows with merged
// groups, words split over rows and line breaks, every column-number
// notation; STT, name and optional code columns starting in A or B; the
// optional columns of form A present or absent; group rows (roman
// numerals, unnumbered, naming the district itself with its code) with and
// without subtotals; total rows at the top or bottom under every label;
// blank rows and unused numbered rows; footers; unit names in every
// spelling; numbers as numeric cells, Vietnamese text, blanks and dashes for
// zero, formulas with and without cached values.
package layoutgen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"rasoat/ingest/internal/zipedit"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"rasoat/ingest/vntext"
	"rasoat/review"
)

// Scope levels.
const (
	ScopeDistrict = "district"
	ScopeCommune  = "commune"
	ScopeProvince = "province"
)

// Truth is what a reader must find in a generated workbook.
type Truth struct {
	Scope    string
	Issuer   Unit // the reporting unit
	Year     int
	Stage    review.Stage
	Forms    []FormTruth
	Features []string // what was drawn, for failure messages
}

// FormTruth is one form sheet.
type FormTruth struct {
	Sheet       string
	Form        review.Form
	Year        int          // 0 when the sheet does not print it
	Stage       review.Stage // "" when the sheet does not print it
	IssuerLevel string       // "" when the sheet names no issuer
	IssuerShort string       // the issuer's name without its type word
	Fields      []string     // in column order
	Rows        []RowTruth   // data rows, in order
	Totals      []map[string]float64
}

// RowTruth is one data row.
type RowTruth struct {
	Printed string // the name as printed, Unicode NFC
	Code    string // "" when there is no code column
	Unit    Unit
	Values  map[string]float64
}

type cellFormula struct {
	expr   string
	cached string // "" = no cached value
}

// sheetOut is one sheet being laid out.
type sheetOut struct {
	name   string
	rows   [][]any
	merges [][2]string
}

func (s *sheetOut) set(r, c int, v any) {
	for len(s.rows) <= r {
		s.rows = append(s.rows, nil)
	}
	for len(s.rows[r]) <= c {
		s.rows[r] = append(s.rows[r], nil)
	}
	s.rows[r][c] = v
}

func (s *sheetOut) merge(r1, c1, r2, c2 int) {
	if r1 == r2 && c1 == c2 {
		return
	}
	a, _ := excelize.CoordinatesToCellName(c1+1, r1+1)
	b, _ := excelize.CoordinatesToCellName(c2+1, r2+1)
	s.merges = append(s.merges, [2]string{a, b})
}

type gen struct {
	r        *rand.Rand
	u        *Units
	features []string
	enc      string
	numMode  string // numeric | text | mixed
	formulas string // none | cached | uncached
	zeroMode string // zero | blank | dash | mixed
}

func (g *gen) feat(format string, a ...any) {
	g.features = append(g.features, fmt.Sprintf(format, a...))
}

func (g *gen) pick(ss ...string) string { return ss[g.r.IntN(len(ss))] }

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

// Generate draws one workbook from seed.
func Generate(seed uint64, u *Units) ([]byte, Truth, error) {
	g := &gen{r: rand.New(rand.NewPCG(seed, seed^0x9E3779B97F4A7C15)), u: u}
	t := Truth{}
	year := 2016 + g.r.IntN(10)
	var units []Unit
	var district *District
	switch {
	case year == 2025:
		if g.chance(0.5) {
			t.Scope, t.Issuer = ScopeCommune, u.After2025[g.r.IntN(len(u.After2025))]
			units = []Unit{t.Issuer}
		} else {
			t.Scope, t.Issuer = ScopeProvince, u.Province
			perm := g.r.Perm(len(u.After2025))
			for _, i := range perm[:min(len(perm), 3+g.r.IntN(15))] {
				units = append(units, u.After2025[i])
			}
		}
	default:
		d := u.Districts[g.r.IntN(len(u.Districts))]
		district = &d
		if g.chance(0.3) {
			t.Scope, t.Issuer = ScopeCommune, d.Communes[g.r.IntN(len(d.Communes))]
			units = []Unit{t.Issuer}
		} else {
			t.Scope, t.Issuer = ScopeDistrict, d.Unit
			units = append(units, d.Communes...)
			// towns and wards first, as districts print them
			var towns, rest []Unit
			for _, c := range units {
				if c.Type != "Xã" {
					towns = append(towns, c)
				} else {
					rest = append(rest, c)
				}
			}
			units = append(towns, rest...)
		}
	}
	g.feat("scope=%s issuer=%s year=%d", t.Scope, t.Issuer.Name(), year)
	stage := review.Stages()[g.r.IntN(4)]
	t.Year, t.Stage = year, stage
	g.enc = g.pick("nfc", "nfc", "nfc", "nfd", "tcvn3", "vni")
	g.numMode = g.pick("numeric", "numeric", "text", "mixed")
	g.formulas = "none"
	if g.numMode == "numeric" {
		g.formulas = g.pick("none", "cached", "uncached")
	}
	g.zeroMode = g.pick("zero", "zero", "blank", "dash", "mixed")
	g.feat("enc=%s numbers=%s formulas=%s zeros=%s", g.enc, g.numMode, g.formulas, g.zeroMode)

	forms := []review.Form{review.FormA, review.FormB, review.FormC}
	var chosen []review.Form
	for _, f := range forms {
		if g.chance(0.6) {
			chosen = append(chosen, f)
		}
	}
	if len(chosen) == 0 {
		chosen = []review.Form{forms[g.r.IntN(3)]}
	}
	g.r.Shuffle(len(chosen), func(i, j int) { chosen[i], chosen[j] = chosen[j], chosen[i] })

	var sheets []*sheetOut
	usedNames := map[string]bool{}
	if g.chance(0.1) {
		// a sheet that is not a form: instructions
		s := &sheetOut{name: "Hướng dẫn"}
		s.set(0, 0, "Hướng dẫn ghi biểu")
		s.set(1, 0, "Ghi số hộ theo số liệu đã rà soát ở từng thôn, buôn; không ghi số âm.")
		sheets = append(sheets, s)
		usedNames[s.name] = true
	}
	for i, f := range chosen {
		s, ft := g.formSheet(f, i, year, stage, t.Scope, t.Issuer, district, units)
		for usedNames[s.name] {
			s.name += "_"
		}
		usedNames[s.name] = true
		ft.Sheet = s.name
		sheets = append(sheets, s)
		t.Forms = append(t.Forms, ft)
	}
	body, err := g.write(sheets)
	t.Features = g.features
	return body, t, err
}

// text applies the workbook's encoding to a string cell.
func (g *gen) text(s string) string {
	switch g.enc {
	case "nfd":
		return norm.NFD.String(s)
	case "tcvn3":
		if e, err := vntext.EncodeTCVN3(s); err == nil {
			return e
		}
	case "vni":
		if e, err := vntext.EncodeVNI(s); err == nil {
			return e
		}
	}
	return s
}

func upper(s string) string { return norm.NFC.String(strings.ToUpper(s)) }

var formNo = map[review.Form][]string{
	review.FormA: {"Biểu số 01", "Mẫu số 01", "Biểu 01/RS", "Mẫu số 7.8"},
	review.FormB: {"Biểu số 02", "Mẫu số 02", "Biểu 02/RS", "Mẫu số 7.9"},
	review.FormC: {"Biểu số 03", "Mẫu số 03", "Biểu 03/RS", "Mẫu số 7.10"},
}

func (g *gen) titleText(f review.Form) string {
	switch f {
	case review.FormA:
		return g.pick("TỔNG HỢP KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO", "KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO",
			"Tổng hợp kết quả rà soát hộ nghèo, hộ cận nghèo", "BÁO CÁO KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO")
	case review.FormB:
		return g.pick("TỔNG HỢP DIỄN BIẾN HỘ NGHÈO", "DIỄN BIẾN HỘ NGHÈO", "Tổng hợp diễn biến hộ nghèo", "BIỂU TỔNG HỢP DIỄN BIẾN HỘ NGHÈO")
	}
	return g.pick("TỔNG HỢP DIỄN BIẾN HỘ CẬN NGHÈO", "DIỄN BIẾN HỘ CẬN NGHÈO", "Tổng hợp diễn biến hộ cận nghèo", "BIỂU TỔNG HỢP DIỄN BIẾN HỘ CẬN NGHÈO")
}

func (g *gen) stageWords(s review.Stage, inTitle bool) string {
	var w string
	switch s {
	case review.Preliminary:
		w = g.pick("sơ bộ", "SƠ BỘ", "Sơ bộ")
	case review.Official:
		w = g.pick("chính thức", "CHÍNH THỨC", "Chính thức")
	case review.Reverified:
		w = g.pick("sau phúc tra", "SAU PHÚC TRA", "Sau phúc tra")
	default:
		w = g.pick("phê duyệt", "ĐÃ PHÊ DUYỆT", "Phê duyệt")
	}
	if inTitle {
		return g.pick("("+w+")", "- "+w, w)
	}
	return g.pick("("+w+")", "Kết quả "+w, w, "(Số liệu "+w+")")
}

func issuerLine(g *gen, u Unit) string {
	typ := u.Type
	return g.pick("UBND "+upper(typ)+" "+upper(u.Short), "ỦY BAN NHÂN DÂN "+upper(typ)+" "+upper(u.Short), "UBND "+strings.ToLower(typ)+" "+u.Short)
}

// formSheet lays out one form sheet.
func (g *gen) formSheet(f review.Form, idx, year int, stage review.Stage, scope string, issuer Unit, district *District, units []Unit) (*sheetOut, FormTruth) {
	ft := FormTruth{Form: f}
	s := &sheetOut{name: g.pick(map[review.Form]string{review.FormA: "Biểu 01", review.FormB: "Biểu 02", review.FormC: "Biểu 03"}[f],
		"Sheet"+strconv.Itoa(idx+1), string(f), map[review.Form]string{review.FormA: "KQ ra soat", review.FormB: "Dien bien HN", review.FormC: "Dien bien HCN"}[f])}
	c0 := 0
	if g.chance(0.3) {
		c0 = 1 // data starts in column B
	}
	g.feat("sheet %s form %s startCol=%d", s.name, f, c0)

	// ---- title block ----
	type line struct {
		cells map[int]string
		title bool // carries the title (and so the year)
	}
	var lines []line
	add := func(c int, v string) { lines = append(lines, line{cells: map[int]string{c: v}}) }
	wantTitle := g.chance(0.9)
	wantIssuer := g.chance(0.9)
	stagePrinted := g.chance(0.8)
	stageInTitle := stagePrinted && g.chance(0.5)
	titleOneLine := wantTitle && wantIssuer && g.chance(0.15)
	yearWord := g.pick("NĂM ", "năm ", "Năm ")
	title := g.titleText(f) + " " + yearWord + strconv.Itoa(year)
	if g.chance(0.2) && scope == ScopeDistrict {
		title = g.titleText(f) + " TRÊN ĐỊA BÀN " + upper(issuer.Type+" "+issuer.Short) + " " + yearWord + strconv.Itoa(year)
	}
	if stageInTitle {
		title += " " + g.stageWords(stage, true)
	}
	motto := g.chance(0.5)
	if wantIssuer {
		il := issuerLine(g, issuer)
		if scope == ScopeCommune && district != nil && g.chance(0.4) {
			add(c0, issuerLine(g, district.Unit)) // the superior body above the commune
		}
		if titleOneLine {
			il += g.pick(" - ", " – ", ": ") + title
		}
		l := line{cells: map[int]string{c0: il}, title: titleOneLine}
		if motto {
			l.cells[c0+5] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
		}
		lines = append(lines, l)
		ft.IssuerLevel = map[string]string{ScopeDistrict: "district", ScopeCommune: "commune", ScopeProvince: "province"}[scope]
		ft.IssuerShort = issuer.Short
	}
	if motto {
		add(c0+5, "Độc lập - Tự do - Hạnh phúc")
	}
	if g.chance(0.3) {
		l := line{cells: map[int]string{c0: "Số: " + strconv.Itoa(10+g.r.IntN(400)) + "/BC-UBND"}}
		l.cells[c0+5] = fmt.Sprintf("%s, ngày %02d tháng %02d năm %d", issuer.Short, 1+g.r.IntN(28), 1+g.r.IntN(12), year+g.r.IntN(2))
		lines = append(lines, l)
	}
	if g.chance(0.5) {
		add(c0+2, formNo[f][g.r.IntN(len(formNo[f]))])
	}
	if wantTitle && !titleOneLine {
		switch {
		case g.chance(0.15):
			// broken over two rows
			parts := strings.SplitN(title, " "+yearWord, 2)
			add(c0+1, parts[0])
			add(c0+1, yearWord+parts[1])
			lines[len(lines)-1].title = true
		case g.chance(0.15):
			add(c0+1, strings.Replace(title, " ", "\n", 1+g.r.IntN(3))) // a line break in the cell
			lines[len(lines)-1].title = true
		default:
			add(c0+1, title)
			lines[len(lines)-1].title = true
		}
	}
	if stagePrinted && !stageInTitle {
		add(c0+2, g.stageWords(stage, false))
	}
	attIssuer := false
	if g.chance(0.6) {
		// an attachment line dated outside the review year
		dy := year + 1
		if g.chance(0.3) {
			dy = year - 1
		}
		switch g.r.IntN(3) {
		case 0:
			attIssuer = true
			add(c0+1, fmt.Sprintf("(Kèm theo Báo cáo số %d/BC-UBND ngày %d/%d/%d của %s)", 10+g.r.IntN(300), 1+g.r.IntN(28), 1+g.r.IntN(12), dy, "UBND "+strings.ToLower(issuer.Type)+" "+issuer.Short))
		case 1:
			add(c0+1, fmt.Sprintf("(Kèm theo Công văn số %d/UBND-LĐTBXH ngày %02d tháng %02d năm %d)", 10+g.r.IntN(300), 1+g.r.IntN(28), 1+g.r.IntN(12), dy))
		default:
			add(c0+1, fmt.Sprintf("(Ban hành kèm theo Thông tư số 07/2021/TT-BLĐTBXH ngày 18/7/%d của Bộ Lao động - Thương binh và Xã hội)", dy))
		}
	}
	if g.chance(0.5) {
		add(c0+6, g.pick("Đơn vị tính: hộ", "ĐVT: hộ", "Đơn vị tính: Hộ"))
	}
	// blank rows among the title lines, up to 12 rows in all
	var title2 []line
	for _, l := range lines {
		if g.chance(0.15) && len(title2) < 11 {
			title2 = append(title2, line{})
		}
		title2 = append(title2, l)
	}
	if len(title2) > 12 {
		title2 = title2[:12]
	}
	if !wantTitle && !wantIssuer && g.chance(0.3) {
		title2 = nil // no title block at all
	}
	r := 0
	for _, l := range title2 {
		for c, v := range l.cells {
			s.set(r, c, g.text(v))
		}
		r++
	}
	// what survived the cut decides the truth
	printed := ""
	for _, l := range title2 {
		for _, v := range l.cells {
			printed += "\n" + v
		}
		if l.title {
			ft.Year = year
		}
	}
	if stagePrinted && strings.Contains(vntext.Fold(printed), vntext.Fold(stageStem(stage))) {
		ft.Stage = stage
	}
	if title2 == nil {
		ft.IssuerLevel, ft.IssuerShort = "", ""
	}
	if ft.IssuerLevel == "" && attIssuer && strings.Contains(printed, "Kèm theo Báo cáo") {
		// the attachment line names the issuing body: "… của UBND huyện X"
		ft.IssuerLevel = map[string]string{ScopeDistrict: "district", ScopeCommune: "commune", ScopeProvince: "province"}[scope]
		ft.IssuerShort = issuer.Short
	}
	g.feat("title rows=%d issuer=%v oneLine=%v title=%v stagePrinted=%v inTitle=%v", len(title2), wantIssuer, titleOneLine, wantTitle, stagePrinted, stageInTitle)
	if g.chance(0.3) {
		r++ // blank row before the header
	}

	// ---- columns ----
	fields := g.fields(f, year)
	withCode := g.chance(0.4)
	withNote := g.chance(0.15)
	type col struct {
		role  string // stt | name | code | field | note
		field review.Field
	}
	cols := []col{{role: "stt"}, {role: "name"}}
	if withCode {
		cols = append(cols, col{role: "code"})
	}
	for _, fd := range fields {
		cols = append(cols, col{role: "field", field: fd})
		ft.Fields = append(ft.Fields, fd.Name)
	}
	if withNote {
		cols = append(cols, col{role: "note"})
	}
	colOf := map[string]int{}
	for i, c := range cols {
		if c.role == "field" {
			colOf[c.field.Name] = c0 + i
		} else {
			colOf[c.role] = c0 + i
		}
	}
	g.feat("columns code=%v note=%v fields=%v", withCode, withNote, ft.Fields)

	// ---- header ----
	hRows := 1 + g.r.IntN(3)
	top := r
	bottom := top + hRows - 1
	roleLabel := func(role string) string {
		switch role {
		case "stt":
			return g.pick("STT", "TT", "Số TT", "Số thứ tự")
		case "name":
			switch scope {
			case ScopeDistrict:
				return g.pick("Đơn vị", "Tên đơn vị", "Xã, phường, thị trấn", "Tên xã, phường, thị trấn", "Đơn vị hành chính", "Xã/phường/thị trấn", "Tên đơn vị (xã, thị trấn)")
			case ScopeProvince:
				return g.pick("Đơn vị", "Tên đơn vị", "Xã, phường", "Tên xã, phường", "Đơn vị hành chính")
			}
			return g.pick("Đơn vị", "Tên đơn vị", "Xã, phường, thị trấn")
		case "code":
			return g.pick("Mã ĐVHC", "Mã xã", "Mã đơn vị", "Mã số", "Mã")
		}
		return g.pick("Ghi chú", "Ghi chú (nếu có)")
	}
	groups := g.headerGroups(f, fields, hRows)
	for i, c := range cols {
		cc := c0 + i
		if c.role != "field" {
			lab := roleLabel(c.role)
			g.vertical(s, top, bottom, cc, lab)
			continue
		}
		gi, inGroup := groups.of[c.field.Name]
		if !inGroup {
			g.vertical(s, top, bottom, cc, g.label(f, c.field, false))
			continue
		}
		grp := groups.list[gi]
		if grp.first == c.field.Name {
			from, to := colOf[grp.first], colOf[grp.last]
			s.set(top, from, g.text(grp.label))
			s.merge(top, from, top, to)
		}
		leafTop := top + 1
		if sub, ok := groups.sub[c.field.Name]; ok && hRows == 3 {
			if sub.first == c.field.Name {
				s.set(top+1, colOf[sub.first], g.text(sub.label))
				s.merge(top+1, colOf[sub.first], top+1, colOf[sub.last])
			}
			leafTop = top + 2
		}
		g.vertical(s, leafTop, bottom, cc, g.label(f, c.field, true))
	}
	g.feat("header rows=%d groups=%d", hRows, len(groups.list))
	r = bottom + 1

	// ---- column numbers ----
	numStyle := g.pick("none", "letters", "parens", "plain", "letters-identity", "plain-identity", "parens-all-identity")
	if numStyle != "none" {
		if g.chance(0.1) {
			r++ // a blank row between header and numbers
		}
		k := 0
		letters := strings.HasPrefix(numStyle, "letters")
		for i, c := range cols {
			cc := c0 + i
			var v string
			if letters && c.role != "field" && c.role != "note" {
				v = string(rune('A' + i))
			} else {
				if letters {
					k++
				} else {
					k = i + 1
				}
				v = strconv.Itoa(k)
				if strings.HasPrefix(numStyle, "parens") {
					v = "(" + v + ")"
				}
			}
			s.set(r, cc, v)
		}
		if strings.HasSuffix(numStyle, "identity") && f != review.FormA {
			// the last field prints the form's identity: 9 = 1-2-3-4+5+6+7+8
			nums := map[string]string{}
			for i, c := range cols {
				if c.role == "field" {
					nums[c.field.Name] = strings.Trim(fmt.Sprint(s.rows[r][c0+i]), "()")
				}
			}
			fl := fields
			expr := nums[fl[0].Name] + "-" + nums[fl[1].Name] + "-" + nums[fl[2].Name] + "-" + nums[fl[3].Name] + "+" + nums[fl[4].Name] + "+" + nums[fl[5].Name] + "+" + nums[fl[6].Name] + "+" + nums[fl[7].Name]
			last := colOf[fl[8].Name]
			head := nums[fl[8].Name]
			if g.chance(0.5) {
				head = "(" + head + ")"
			}
			s.set(r, last, head+g.pick("=", " = ")+expr)
		}
		r++
	}
	g.feat("numbers=%s", numStyle)

	// ---- body ----
	g.body(s, &ft, &r, f, fields, cols2(cols, colOf), scope, issuer, district, units, withCode)

	// ---- footer ----
	if g.chance(0.7) {
		if g.chance(0.5) {
			r++
		}
		place := issuer.Short
		fr := [][2]any{}
		switch g.r.IntN(3) {
		case 0:
			fr = append(fr, [2]any{c0 + 1, "Người lập biểu"}, [2]any{c0 + 6, g.pick("KT. CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN", "THỦ TRƯỞNG ĐƠN VỊ")})
		case 1:
			fr = append(fr, [2]any{c0 + 6, fmt.Sprintf("%s, ngày %d tháng %d năm %d", place, 1+g.r.IntN(28), 1+g.r.IntN(12), year+1)})
		default:
			fr = append(fr, [2]any{c0 + 1, "Ghi chú: số liệu tổng hợp từ kết quả rà soát của các thôn, buôn"})
		}
		for _, x := range fr {
			s.set(r, x[0].(int), g.text(x[1].(string)))
		}
		r++
		s.set(r, c0+1, g.text("(Ký, ghi rõ họ tên)"))
		s.set(r, c0+6, g.text("(Ký tên, đóng dấu)"))
		r += 3
		s.set(r, c0+1, g.text("Nguyễn Văn An"))
		s.set(r, c0+6, g.text("Trần Thị Bình"))
	}
	return s, ft
}

func stageStem(s review.Stage) string {
	switch s {
	case review.Preliminary:
		return "sơ bộ"
	case review.Official:
		return "chính thức"
	case review.Reverified:
		return "phúc tra"
	}
	return "phê duyệt"
}

type colSet struct{ of map[string]int }

func cols2[T any](_ []T, m map[string]int) colSet { return colSet{of: m} }

// vertical writes a label over rows top..bottom: merged, or with its words
// split over the rows, or only in the top row.
func (g *gen) vertical(s *sheetOut, top, bottom, c int, label string) {
	if top == bottom {
		s.set(top, c, g.text(label))
		return
	}
	words := strings.Fields(label)
	switch {
	case len(words) >= 2 && g.chance(0.25):
		// words split over unmerged rows: "Số hộ nghèo" / "đầu kỳ"
		cut := 1 + g.r.IntN(len(words)-1)
		s.set(top, c, g.text(strings.Join(words[:cut], " ")))
		s.set(top+1, c, g.text(strings.Join(words[cut:], " ")))
	case g.chance(0.7):
		s.set(top, c, g.text(label))
		s.merge(top, c, bottom, c)
	default:
		s.set(top, c, g.text(label))
	}
}

// fields draws the columns of a form: B and C print all nine; A its
// required columns and any of the optional ones.
func (g *gen) fields(f review.Form, year int) []review.Field {
	all := review.Fields(f)
	if f != review.FormA {
		return all
	}
	var out []review.Field
	rates, persons := g.chance(0.6), g.chance(0.5)
	for _, fd := range all {
		switch fd.Name {
		case "total_households", "poor_end", "near_poor_end":
			out = append(out, fd)
		case "poor_rate_reported", "near_poor_rate_reported":
			if rates {
				out = append(out, fd)
			}
		case "total_persons", "poor_persons", "near_poor_persons":
			if persons {
				out = append(out, fd)
			}
		case "poor_income", "poor_deprivation":
			if year <= 2021 && g.chance(0.3) {
				out = append(out, fd)
			}
		default:
			if g.chance(0.3) {
				out = append(out, fd)
			}
		}
	}
	return out
}

type hgroup struct{ label, first, last string }

type hgroups struct {
	list []hgroup
	of   map[string]int
	sub  map[string]hgroup
}

// headerGroups draws the merged group labels over the leaf columns.
func (g *gen) headerGroups(f review.Form, fields []review.Field, rows int) hgroups {
	h := hgroups{of: map[string]int{}, sub: map[string]hgroup{}}
	if rows == 1 {
		return h
	}
	has := map[string]bool{}
	for _, fd := range fields {
		has[fd.Name] = true
	}
	addGroup := func(label string, names ...string) {
		var in []string
		for _, n := range names {
			if has[n] {
				in = append(in, n)
			}
		}
		if len(in) < 2 {
			return
		}
		// only contiguous runs: fields are in form order, so they are
		h.list = append(h.list, hgroup{label, in[0], in[len(in)-1]})
		for _, n := range in {
			h.of[n] = len(h.list) - 1
		}
	}
	switch f {
	case review.FormA:
		if g.chance(0.5) {
			addGroup(g.pick("Hộ nghèo", "Hộ nghèo"), "poor_end", "poor_rate_reported")
			addGroup("Hộ cận nghèo", "near_poor_end", "near_poor_rate_reported")
		}
		if g.chance(0.5) {
			addGroup("Trong đó", "em_households", "em_poor", "em_near_poor")
		}
	case review.FormB:
		addGroup(g.pick("Giảm trong kỳ", "Số hộ giảm", "Giảm"), "poor_out_to_near_poor", "poor_out_above_near_poor", "poor_out_other")
		addGroup(g.pick("Tăng trong kỳ", "Số hộ tăng", "Tăng"), "poor_in_from_near_poor", "poor_in_repoor", "poor_in_new", "poor_in_other")
		if rows == 3 {
			sg := hgroup{"Thoát nghèo", "poor_out_to_near_poor", "poor_out_above_near_poor"}
			h.sub["poor_out_to_near_poor"], h.sub["poor_out_above_near_poor"] = sg, sg
		}
	case review.FormC:
		addGroup(g.pick("Giảm trong kỳ", "Số hộ giảm", "Giảm"), "near_poor_out_escaped", "near_poor_out_to_poor", "near_poor_out_other")
		addGroup(g.pick("Tăng trong kỳ", "Số hộ tăng", "Tăng"), "near_poor_in_from_poor", "near_poor_in_re", "near_poor_in_new", "near_poor_in_other")
	}
	return h
}

// label draws a column's header words: as printed in forms.md, or a
// common rewording or abbreviation; shorter under a group label.
func (g *gen) label(f review.Form, fd review.Field, grouped bool) string {
	var v []string
	key := fd.Name
	if f != review.FormA && (key == "poor_end" || key == "near_poor_end") {
		key = "flow_" + key
	}
	switch key {
	case "total_households":
		v = []string{"Tổng số hộ dân cư", "Tổng số hộ", "Tổng số hộ dân cư trên địa bàn", "Tổng số hộ dân"}
	case "total_persons":
		v = []string{"Tổng số nhân khẩu", "Tổng nhân khẩu", "Tổng số NK"}
	case "poor_end":
		v = []string{"Số hộ nghèo", "Hộ nghèo", "Số hộ nghèo cuối kỳ"}
		if grouped {
			v = []string{"Số hộ", "Số hộ nghèo"}
		}
	case "poor_rate_reported":
		v = []string{"Tỷ lệ hộ nghèo (%)", "Tỷ lệ hộ nghèo", "TL hộ nghèo (%)", "Tỷ lệ HN (%)"}
		if grouped {
			v = []string{"Tỷ lệ (%)", "Tỷ lệ", "Tỷ lệ hộ nghèo (%)"}
		}
	case "near_poor_end":
		v = []string{"Số hộ cận nghèo", "Hộ cận nghèo", "Số hộ CN"}
		if grouped {
			v = []string{"Số hộ", "Số hộ cận nghèo"}
		}
	case "near_poor_rate_reported":
		v = []string{"Tỷ lệ hộ cận nghèo (%)", "Tỷ lệ hộ cận nghèo", "Tỷ lệ HCN (%)"}
		if grouped {
			v = []string{"Tỷ lệ (%)", "Tỷ lệ"}
		}
	case "poor_persons":
		v = []string{"Số nhân khẩu nghèo", "Nhân khẩu hộ nghèo", "Số NK nghèo"}
	case "near_poor_persons":
		v = []string{"Số nhân khẩu cận nghèo", "Nhân khẩu hộ cận nghèo", "Số NK cận nghèo"}
	case "em_households":
		v = []string{"Hộ dân tộc thiểu số (DTTS)", "Hộ DTTS", "Số hộ DTTS", "Hộ đồng bào dân tộc thiểu số"}
	case "em_poor":
		v = []string{"Hộ nghèo DTTS", "Hộ nghèo là DTTS", "Số hộ nghèo DTTS", "Hộ nghèo dân tộc thiểu số"}
	case "em_near_poor":
		v = []string{"Hộ cận nghèo DTTS", "Hộ cận nghèo là DTTS", "Hộ cận nghèo dân tộc thiểu số"}
	case "poor_income":
		v = []string{"Hộ nghèo về thu nhập", "Hộ nghèo thu nhập", "Hộ nghèo theo tiêu chí thu nhập"}
	case "poor_deprivation":
		v = []string{"Hộ nghèo thiếu hụt DVXHCB", "Hộ nghèo thiếu hụt các dịch vụ xã hội cơ bản"}
	case "complaints":
		v = []string{"Số đơn thư khiếu nại", "Đơn thư khiếu nại", "Số đơn thư khiếu nại, tố cáo"}
	case "poor_start":
		v = []string{"Số hộ nghèo đầu kỳ", "Hộ nghèo đầu kỳ", "Số hộ nghèo đầu năm"}
	case "poor_out_to_near_poor":
		v = []string{"Thoát nghèo, trở thành hộ cận nghèo", "Thoát nghèo → CN", "Thoát nghèo trở thành hộ cận nghèo"}
		if grouped {
			v = append(v, "Trở thành hộ cận nghèo", "→CN")
		}
	case "poor_out_above_near_poor":
		v = []string{"Thoát nghèo, vượt chuẩn cận nghèo", "Thoát nghèo, vượt CN", "Vượt chuẩn cận nghèo"}
		if grouped {
			v = append(v, "Vượt CN")
		}
	case "poor_out_other", "near_poor_out_other":
		v = []string{"Giảm khác (chết, chuyển đi, tách hộ…)", "Giảm khác", "Giảm khác (chết, chuyển đi...)"}
		if grouped {
			v = append(v, "Khác")
		}
	case "poor_in_from_near_poor":
		v = []string{"Hộ cận nghèo trở thành hộ nghèo", "CN → N", "Cận nghèo thành nghèo", "Từ hộ cận nghèo trở thành hộ nghèo"}
	case "poor_in_repoor":
		v = []string{"Tái nghèo", "Hộ tái nghèo"}
	case "poor_in_new", "near_poor_in_new":
		v = []string{"Phát sinh mới", "PS mới", "Hộ phát sinh mới"}
	case "poor_in_other", "near_poor_in_other":
		v = []string{"Tăng khác (chuyển đến, tách hộ…)", "Tăng khác", "Tăng khác (chuyển đến...)"}
		if grouped {
			v = append(v, "Khác")
		}
	case "near_poor_start":
		v = []string{"Số hộ cận nghèo đầu kỳ", "Hộ cận nghèo đầu kỳ", "Số hộ CN đầu kỳ", "Số hộ cận nghèo đầu năm"}
	case "near_poor_out_escaped":
		v = []string{"Thoát cận nghèo", "Hộ thoát cận nghèo"}
	case "near_poor_out_to_poor":
		v = []string{"Trở thành hộ nghèo", "Hộ cận nghèo trở thành hộ nghèo", "CN → N"}
	case "near_poor_in_from_poor":
		v = []string{"Hộ nghèo trở thành hộ cận nghèo", "N → CN", "Từ hộ nghèo trở thành hộ cận nghèo"}
	case "near_poor_in_re":
		v = []string{"Tái cận nghèo", "Hộ tái cận nghèo"}
	case "flow_near_poor_end":
		v = []string{"Số hộ cận nghèo cuối kỳ", "Hộ cận nghèo cuối kỳ", "Số hộ CN cuối kỳ", "Số hộ cận nghèo cuối năm"}
	case "flow_poor_end":
		v = []string{"Số hộ nghèo cuối kỳ", "Hộ nghèo cuối kỳ", "Số hộ nghèo cuối năm"}
	}
	l := v[g.r.IntN(len(v))]
	if g.chance(0.15) && strings.Contains(l, " ") {
		l = strings.Replace(l, " ", "\n", 1) // a line break typed in the cell
	}
	return l
}

// values draws a unit's figures.
func (g *gen) values(f review.Form, fields []review.Field) map[string]float64 {
	v := map[string]float64{}
	small := func(n int) float64 {
		if g.chance(0.2) {
			return 0
		}
		return float64(g.r.IntN(n))
	}
	switch f {
	case review.FormA:
		total := float64(200 + g.r.IntN(9000))
		poor := math.Floor(total * g.r.Float64() * 0.4)
		near := math.Floor(total * g.r.Float64() * 0.2)
		v["total_households"] = total
		v["total_persons"] = total*4 + float64(g.r.IntN(300))
		v["poor_end"], v["near_poor_end"] = poor, near
		v["poor_rate_reported"] = math.Round(poor/total*10000) / 100
		v["near_poor_rate_reported"] = math.Round(near/total*10000) / 100
		v["poor_persons"] = poor * 4
		v["near_poor_persons"] = near * 4
		// ethnic-minority parts stay within their wholes, as a real form's do
		// (the reader refuses em_poor > em_households: E_PART_EXCEEDS_TOTAL)
		v["em_poor"] = math.Floor(poor * g.r.Float64())
		v["em_near_poor"] = math.Floor(near * g.r.Float64())
		v["em_households"] = v["em_poor"] + v["em_near_poor"] + math.Floor((total-poor-near)*g.r.Float64())
		v["poor_income"] = math.Floor(poor * g.r.Float64())
		v["poor_deprivation"] = poor - v["poor_income"]
		v["complaints"] = small(4)
	case review.FormB, review.FormC:
		start := float64(g.r.IntN(1500))
		outs := []float64{math.Floor(start * g.r.Float64() * 0.2), math.Floor(start * g.r.Float64() * 0.1), math.Floor(start * g.r.Float64() * 0.05)}
		ins := []float64{small(30), small(10), small(60), small(8)}
		end := start - outs[0] - outs[1] - outs[2] + ins[0] + ins[1] + ins[2] + ins[3]
		all := append(append([]float64{start}, outs...), append(ins, end)...)
		for i, fd := range review.Fields(f) {
			v[fd.Name] = all[i]
		}
	}
	out := map[string]float64{}
	for _, fd := range fields {
		out[fd.Name] = v[fd.Name]
	}
	return out
}

// nameVariant spells a unit's name as an officer might.
func (g *gen) nameVariant(u Unit) string {
	abbr := map[string]string{"Xã": "X. ", "Phường": "P. ", "Thị trấn": "TT. "}[u.Type]
	var s string
	switch g.r.IntN(7) {
	case 0:
		s = u.Name()
	case 1:
		s = strings.ToLower(u.Type) + " " + u.Short
	case 2:
		if abbr != "" {
			s = abbr + u.Short
		} else {
			s = u.Name()
		}
	case 3:
		s = u.Short
	case 4:
		s = upper(u.Short)
	case 5:
		s = upper(u.Name())
	default:
		s = u.Name()
	}
	if g.chance(0.3) {
		s = strings.ReplaceAll(s, "'", "’")
	}
	return s
}

// num renders a figure as the workbook's officer types it.
func (g *gen) num(v float64, rate bool) any {
	if v == 0 && !rate {
		switch g.zeroMode {
		case "blank":
			return nil
		case "dash":
			return "-"
		case "mixed":
			switch g.r.IntN(3) {
			case 0:
				return nil
			case 1:
				return "-"
			}
		}
	}
	asText := g.numMode == "text" || (g.numMode == "mixed" && g.chance(0.5))
	if asText {
		if rate {
			return strings.Replace(strconv.FormatFloat(v, 'f', 2, 64), ".", ",", 1)
		}
		return vnInt(int64(v))
	}
	if rate {
		return v
	}
	return int64(v)
}

func vnInt(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, ch := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(ch)
	}
	return b.String()
}

func roman(n int) string {
	return []string{"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"}[n]
}

type bodyRow struct {
	stt, name, code any
	values          map[string]float64
	total           bool
	unit            *Unit
	printed         string
}

// body writes the group, data, total and blank rows.
func (g *gen) body(s *sheetOut, ft *FormTruth, r *int, f review.Form, fields []review.Field, cs colSet, scope string, issuer Unit, district *District, units []Unit, withCode bool) {
	type grp struct {
		label string
		units []Unit
	}
	var grps []grp
	groupStyle := "none"
	if scope == ScopeDistrict {
		groupStyle = g.pick("none", "roman", "roman-sub", "plain", "plain-sub", "self", "self-sub")
	}
	switch groupStyle {
	case "roman", "roman-sub", "plain", "plain-sub":
		var towns, xa []Unit
		for _, u := range units {
			if u.Type == "Xã" {
				xa = append(xa, u)
			} else {
				towns = append(towns, u)
			}
		}
		if len(towns) > 0 {
			lab := g.pick("Thị trấn", "Các thị trấn", "Phường", "Các phường", "Phường, thị trấn")
			grps = append(grps, grp{lab, towns})
		}
		if len(xa) > 0 {
			grps = append(grps, grp{g.pick("Các xã", "Xã", "CÁC XÃ"), xa})
		}
	default:
		grps = []grp{{"", units}}
	}
	g.feat("groups=%s", groupStyle)
	sumOf := func(us []map[string]float64) map[string]float64 {
		t := map[string]float64{}
		for _, v := range us {
			for k, x := range v {
				t[k] += x
			}
		}
		if t["total_households"] > 0 {
			t["poor_rate_reported"] = math.Round(t["poor_end"]/t["total_households"]*10000) / 100
			t["near_poor_rate_reported"] = math.Round(t["near_poor_end"]/t["total_households"]*10000) / 100
		}
		for k := range t {
			if !hasField(fields, k) {
				delete(t, k)
			}
		}
		return t
	}
	// draw every unit's figures first, so totals can go on top
	vals := map[string]map[string]float64{}
	var all []map[string]float64
	for _, gr := range grps {
		for _, u := range gr.units {
			vals[u.Code] = g.values(f, fields)
			all = append(all, vals[u.Code])
		}
	}
	grand := sumOf(all)
	totalPos := "bottom"
	if scope == ScopeCommune {
		totalPos = g.pick("none", "none", "bottom", "top")
	} else {
		totalPos = g.pick("bottom", "bottom", "top", "none")
	}
	if groupStyle == "self" || groupStyle == "self-sub" {
		if totalPos == "top" {
			totalPos = "bottom"
		}
	}
	totalLabel := func() string {
		switch scope {
		case ScopeProvince:
			return g.pick("Cộng", "Tổng cộng", "Tổng số", "Toàn tỉnh", "TỔNG CỘNG", "Cộng toàn tỉnh")
		case ScopeCommune:
			return g.pick("Cộng", "Tổng cộng", "Tổng số", "Toàn xã", "Tổng")
		}
		return g.pick("Cộng", "Tổng cộng", "Tổng số", "Toàn huyện", "Cộng huyện "+issuer.Short, "TỔNG CỘNG", "Tổng cộng:", "Cộng "+strings.ToLower(issuer.Type)+" "+issuer.Short)
	}
	labelIn := g.pick("stt", "name", "merge")
	writeFigures := func(row int, v map[string]float64, formulaRange *[2]int) {
		for _, fd := range fields {
			c := cs.of[fd.Name]
			x := v[fd.Name]
			if formulaRange != nil && g.formulas != "none" && fd.Kind == review.Count {
				ref, _ := excelize.CoordinatesToCellName(c+1, formulaRange[0]+1)
				ref2, _ := excelize.CoordinatesToCellName(c+1, formulaRange[1]+1)
				fm := cellFormula{expr: "SUM(" + ref + ":" + ref2 + ")"}
				if g.formulas == "cached" {
					fm.cached = strconv.FormatInt(int64(x), 10)
				}
				s.set(row, c, fm)
				continue
			}
			s.set(row, c, g.num(x, fd.Kind == review.Rate))
		}
	}
	writeTotal := func(row int, rng *[2]int) {
		lab := g.text(totalLabel())
		switch labelIn {
		case "stt":
			s.set(row, cs.of["stt"], lab)
		case "name":
			s.set(row, cs.of["name"], lab)
		default:
			s.set(row, cs.of["stt"], lab)
			s.merge(row, cs.of["stt"], row, cs.of["name"])
		}
		writeFigures(row, grand, rng)
		ft.Totals = append(ft.Totals, grand)
	}
	topTotalRow := -1
	if totalPos == "top" {
		topTotalRow = *r
		*r++
	}
	if groupStyle == "self" || groupStyle == "self-sub" {
		s.set(*r, cs.of["stt"], "I")
		s.set(*r, cs.of["name"], g.text(g.pick(issuer.Name(), upper(issuer.Name()), strings.ToLower(issuer.Type)+" "+issuer.Short)))
		if withCode {
			s.set(*r, cs.of["code"], issuer.Code)
		}
		if groupStyle == "self-sub" {
			writeFigures(*r, grand, nil)
			ft.Totals = append(ft.Totals, grand)
		}
		*r++
	}
	firstData := *r
	n := 0
	continuous := g.chance(0.5)
	sttDot := g.chance(0.2)
	sttNumeric := g.chance(0.4)
	for gi, gr := range grps {
		if gr.label != "" {
			if strings.HasPrefix(groupStyle, "roman") {
				s.set(*r, cs.of["stt"], roman(gi+1))
			}
			s.set(*r, cs.of["name"], g.text(gr.label))
			if strings.HasSuffix(groupStyle, "-sub") {
				var sub []map[string]float64
				for _, u := range gr.units {
					sub = append(sub, vals[u.Code])
				}
				writeFigures(*r, sumOf(sub), nil)
				ft.Totals = append(ft.Totals, sumOf(sub))
			}
			*r++
			if !continuous {
				n = 0
			}
		}
		for _, u := range gr.units {
			if g.chance(0.05) {
				*r++ // a blank row
			}
			n++
			var stt any = strconv.Itoa(n)
			switch {
			case sttDot:
				stt = strconv.Itoa(n) + "."
			case sttNumeric:
				stt = int64(n)
			}
			s.set(*r, cs.of["stt"], stt)
			printed := g.nameVariant(u)
			s.set(*r, cs.of["name"], g.text(printed))
			rt := RowTruth{Printed: norm.NFC.String(printed), Unit: u, Values: vals[u.Code]}
			if withCode {
				if g.chance(0.5) {
					s.set(*r, cs.of["code"], u.Code)
				} else {
					n, _ := strconv.ParseInt(u.Code, 10, 64)
					s.set(*r, cs.of["code"], n)
				}
				rt.Code = u.Code
			}
			g.dataFigures(s, *r, f, fields, cs, vals[u.Code])
			ft.Rows = append(ft.Rows, rt)
			*r++
		}
	}
	lastData := *r - 1
	if scope != ScopeCommune && g.chance(0.15) {
		// pre-numbered rows left unused
		for k := 0; k < 1+g.r.IntN(3); k++ {
			n++
			s.set(*r, cs.of["stt"], strconv.Itoa(n))
			*r++
		}
	}
	switch totalPos {
	case "top":
		writeTotal(topTotalRow, nil)
	case "bottom":
		if g.chance(0.1) {
			*r++
		}
		rng := [2]int{firstData, lastData}
		if groupStyle == "none" {
			writeTotal(*r, &rng)
		} else {
			writeTotal(*r, nil) // group and subtotal rows in the range: no SUM
		}
		*r++
	}
}

// dataFigures writes one unit's figures; with formulas, B/C's end column
// and A's rates are formulas over the row.
func (g *gen) dataFigures(s *sheetOut, row int, f review.Form, fields []review.Field, cs colSet, v map[string]float64) {
	ref := func(name string) string {
		c, _ := excelize.CoordinatesToCellName(cs.of[name]+1, row+1)
		return c
	}
	for _, fd := range fields {
		c := cs.of[fd.Name]
		x := v[fd.Name]
		if g.formulas != "none" {
			var expr string
			switch {
			case f == review.FormB && fd.Name == "poor_end":
				expr = ref("poor_start") + "-" + ref("poor_out_to_near_poor") + "-" + ref("poor_out_above_near_poor") + "-" + ref("poor_out_other") +
					"+" + ref("poor_in_from_near_poor") + "+" + ref("poor_in_repoor") + "+" + ref("poor_in_new") + "+" + ref("poor_in_other")
			case f == review.FormC && fd.Name == "near_poor_end":
				expr = ref("near_poor_start") + "-" + ref("near_poor_out_escaped") + "-" + ref("near_poor_out_to_poor") + "-" + ref("near_poor_out_other") +
					"+" + ref("near_poor_in_from_poor") + "+" + ref("near_poor_in_re") + "+" + ref("near_poor_in_new") + "+" + ref("near_poor_in_other")
			case f == review.FormA && fd.Name == "poor_rate_reported" && hasField(fields, "poor_end"):
				expr = "ROUND(" + ref("poor_end") + "/" + ref("total_households") + "*100,2)"
			case f == review.FormA && fd.Name == "near_poor_rate_reported":
				expr = "ROUND(" + ref("near_poor_end") + "/" + ref("total_households") + "*100,2)"
			}
			if expr != "" {
				fm := cellFormula{expr: expr}
				if g.formulas == "cached" {
					fm.cached = strconv.FormatFloat(x, 'f', -1, 64)
				}
				s.set(row, c, fm)
				continue
			}
			s.set(row, c, int64OrFloat(x, fd.Kind == review.Rate))
			continue
		}
		s.set(row, c, g.num(x, fd.Kind == review.Rate))
	}
}

func int64OrFloat(x float64, rate bool) any {
	if rate {
		return x
	}
	return int64(x)
}

func hasField(fields []review.Field, name string) bool {
	for _, f := range fields {
		if f.Name == name {
			return true
		}
	}
	return false
}

// write renders the sheets into an .xlsx; formulas with a cached value get
// it written into the sheet XML the way Excel saves it.
func (g *gen) write(sheets []*sheetOut) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	cached := map[string]string{}
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				return nil, err
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			return nil, err
		}
		for r, row := range s.rows {
			for c, v := range row {
				if v == nil {
					continue
				}
				ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
				var err error
				switch x := v.(type) {
				case cellFormula:
					err = f.SetCellFormula(s.name, ref, x.expr)
					if x.cached != "" {
						cached[s.name+"\x00"+x.expr] = x.cached
					}
				case int64:
					err = f.SetCellInt(s.name, ref, x)
				case float64:
					err = f.SetCellFloat(s.name, ref, x, -1, 64)
				case string:
					err = f.SetCellStr(s.name, ref, x)
				default:
					err = fmt.Errorf("cell %s: %T", ref, v)
				}
				if err != nil {
					return nil, err
				}
			}
		}
		for _, m := range s.merges {
			if err := f.MergeCell(s.name, m[0], m[1]); err != nil {
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
	// sheet XML files are sheet1.xml… in the order created
	byFile := map[string]map[string]string{}
	for i, s := range sheets {
		m := map[string]string{}
		for k, v := range cached {
			if strings.HasPrefix(k, s.name+"\x00") {
				m[strings.TrimPrefix(k, s.name+"\x00")] = v
			}
		}
		byFile[fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1)] = m
	}
	return zipedit.Rewrite(buf.Bytes(), func(name string, b []byte) []byte {
		m := byFile[name]
		if len(m) == 0 {
			return b
		}
		s := string(b)
		for expr, v := range m {
			s = strings.ReplaceAll(s, ` t="str"><f>`+expr+`</f></c>`, `><f>`+expr+`</f><v>`+v+`</v></c>`)
		}
		return []byte(s)
	})
}
