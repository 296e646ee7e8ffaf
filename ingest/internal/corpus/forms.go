package corpus

import (
	"fmt"
	"math"

	"golang.org/x/text/unicode/norm"

	"rasoat/ingest/vnnum"
	"rasoat/ingest/vntext"
)

// commune is a real commune of Huyện M'Đrắk (GSO list of 2019), the
// district the corpus forms report on.
type commune struct {
	Code, Name string
}

// mdrak is Huyện M'Đrắk (652): one town, then the communes.
var mdrak = func() []commune {
	return []commune{
		{"24412", "Thị trấn M'Đrắk"}, {"24415", "Xã Cư Prao"}, {"24418", "Xã Ea Pil"}, {"24421", "Xã Ea Lai"},
		{"24424", "Xã Ea H'MLay"}, {"24427", "Xã Krông Jing"}, {"24430", "Xã Ea M' Doal"}, {"24433", "Xã Ea Riêng"},
		{"24436", "Xã Cư M'ta"}, {"24439", "Xã Cư K Róa"}, {"24442", "Xã Krông Á"}, {"24444", "Xã Cư San"}, {"24445", "Xã Ea Trang"},
	}
}

// Flows of Form B (or C) for commune i: start, the three decreases, the
// four increases and the end, consistent with the form's identity.
func flows(i, base int) []int {
	start := base + 37*i
	o1, o2, o3 := 20+i, 10+i%5, 2+i%3
	i1, i2, i3, i4 := 3+i%4, 1+i%2, 5+i%6, i%3
	return []int{start, o1, o2, o3, i1, i2, i3, i4, start - o1 - o2 - o3 + i1 + i2 + i3 + i4}
}

func sumFlows(n, base int) []int {
	t := make([]int, 9)
	for i := range n {
		f := flows(i, base)
		for k := range t {
			t[k] += f[k]
		}
	}
	return t
}

// formA figures for commune i: total households, persons, poor, near-poor.
func formA(i int) (total, persons, poor, near int) {
	total = 2000 + 150*i
	return total, total*4 + i, 150 + 11*i, 120 + 7*i
}

func rate(n, total int) float64 { return math.Round(10000*float64(n)/float64(total)) / 100 }

func cells(v ...any) []any { return v }

// ints turns counts into cells.
func ints(xs ...int) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

func texts(xs ...int) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = vnnum.FormatInt(int64(x))
	}
	return out
}

func header(title ...string) [][]any {
	var rows [][]any
	for _, t := range title {
		rows = append(rows, []any{t})
	}
	return rows
}

// bHeaderRow is a one-row Form B header with STT and name.
func bHeaderRow() []any {
	return cells("STT", "Đơn vị", "Số hộ nghèo đầu kỳ", "Thoát nghèo, trở thành hộ cận nghèo", "Thoát nghèo, vượt chuẩn cận nghèo",
		"Giảm khác", "Hộ cận nghèo trở thành hộ nghèo", "Tái nghèo", "Phát sinh mới", "Tăng khác", "Số hộ nghèo cuối kỳ")
}

func cHeaderRow() []any {
	return cells("STT", "Đơn vị", "Số hộ cận nghèo đầu kỳ", "Thoát cận nghèo", "Trở thành hộ nghèo", "Giảm khác",
		"Hộ nghèo trở thành hộ cận nghèo", "Tái cận nghèo", "Phát sinh mới", "Tăng khác", "Số hộ cận nghèo cuối kỳ")
}

func aHeaderRow() []any {
	return cells("STT", "Đơn vị", "Tổng số hộ dân cư", "Tổng số nhân khẩu", "Số hộ nghèo", "Tỷ lệ hộ nghèo (%)", "Số hộ cận nghèo", "Tỷ lệ hộ cận nghèo (%)")
}

// bSheet is a simple district Form B: title, one-row header, the first n
// communes of M'Đrắk, a total row. body may rewrite each row's cells.
type bOpts struct {
	issuer, title string
	n             int
	base          int
	numbers       func(i int, f []int) []any // cells of the counts; default ints
	total         func(t []int) []any        // nil: ints of the sums; "skip": no total
	noTotal       bool
	name          func(i int, c commune) string
	extra         func(i int) []any // cells after the counts
	header        []any
}

func bSheet(name string, o bOpts) Sheet {
	if o.n == 0 {
		o.n = len(mdrak())
	}
	if o.base == 0 {
		o.base = 300
	}
	if o.numbers == nil {
		o.numbers = func(_ int, f []int) []any { return ints(f...) }
	}
	if o.name == nil {
		o.name = func(_ int, c commune) string { return c.Name }
	}
	if o.header == nil {
		o.header = bHeaderRow()
	}
	var rows [][]any
	if o.issuer != "" {
		rows = append(rows, cells(o.issuer))
	}
	if o.title != "" {
		rows = append(rows, cells(o.title))
	}
	rows = append(rows, o.header)
	for i, c := range mdrak()[:o.n] {
		r := append(cells(i+1, o.name(i, c)), o.numbers(i, flows(i, o.base))...)
		if o.extra != nil {
			r = append(r, o.extra(i)...)
		}
		rows = append(rows, r)
	}
	if !o.noTotal {
		t := sumFlows(o.n, o.base)
		tc := ints(t...)
		if o.total != nil {
			tc = o.total(t)
		}
		rows = append(rows, append(cells(nil, "Cộng"), tc...))
	}
	return Sheet{Name: name, Rows: rows}
}

// formsMDB is the district Form B sheet of docs/forms.md §2 with all 13
// units of M'Đrắk: title block, a 3-row merged header, the column-number
// row, roman group rows, the total row and the signature footer.
func formsMDB(year int, stageWords string) Sheet {
	rows := [][]any{
		cells("UBND HUYỆN M'ĐRẮK", nil, nil, nil, nil, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
		cells(nil, nil, nil, nil, nil, "Độc lập - Tự do - Hạnh phúc"),
		cells(nil, nil, nil, "Biểu số 02"),
		cells(nil, fmt.Sprintf("TỔNG HỢP DIỄN BIẾN HỘ NGHÈO NĂM %d (%s)", year, stageWords)),
		cells(nil, fmt.Sprintf("(Kèm theo Báo cáo số 215/BC-UBND ngày 08/10/%d của UBND huyện M'Đrắk)", year)),
		cells(nil, nil, nil, nil, nil, nil, nil, nil, nil, "Đơn vị tính: hộ"),
		cells("STT", "Đơn vị", "Số hộ nghèo đầu kỳ", "Giảm trong kỳ", nil, nil, "Tăng trong kỳ", nil, nil, nil, "Số hộ nghèo cuối kỳ"),
		cells(nil, nil, nil, "Thoát nghèo", nil, "Giảm khác", "CN→N", "Tái nghèo", "PS mới", "Khác"),
		cells(nil, nil, nil, "→CN", "Vượt CN"),
		cells("A", "B", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
		cells("I", "Thị trấn"),
	}
	units := mdrak()
	rows = append(rows, append(cells(1, units[0].Name), ints(flows(0, 300)...)...))
	rows = append(rows, cells("II", "Các xã"))
	for i := 1; i < len(units); i++ {
		rows = append(rows, append(cells(i, units[i].Name), ints(flows(i, 300)...)...))
	}
	t := sumFlows(len(units), 300)
	rows = append(rows, append(cells(nil, "Cộng"), texts(t...)...))
	rows = append(rows, nil)
	rows = append(rows, cells(nil, nil, nil, nil, nil, nil, nil, fmt.Sprintf("M'Đrắk, ngày 08 tháng 10 năm %d", year)))
	rows = append(rows, cells(nil, "Người lập biểu", nil, nil, nil, nil, nil, "KT. CHỦ TỊCH"))
	return Sheet{Name: "Bieu 02", Rows: rows, Merges: [][2]string{
		{"A1", "C1"}, {"F1", "K1"}, {"F2", "K2"}, {"B4", "K4"}, {"B5", "K5"},
		{"A7", "A9"}, {"B7", "B9"}, {"C7", "C9"}, {"D7", "F7"}, {"G7", "J7"}, {"K7", "K9"},
		{"D8", "E8"}, {"F8", "F9"}, {"G8", "G9"}, {"H8", "H9"}, {"I8", "I9"}, {"J8", "J9"},
	}}
}

// aSheet is a district Form A of the first n communes of M'Đrắk.
func aSheet(name, issuer, title string, n int, edit func(i int, r []any) []any) Sheet {
	rows := [][]any{cells(issuer), cells(title), aHeaderRow()}
	var tt, tp, tpo, tn int
	for i, c := range mdrak()[:n] {
		total, persons, poor, near := formA(i)
		tt, tp, tpo, tn = tt+total, tp+persons, tpo+poor, tn+near
		r := cells(i+1, c.Name, total, persons, poor, rate(poor, total), near, rate(near, total))
		if edit != nil {
			r = edit(i, r)
		}
		rows = append(rows, r)
	}
	rows = append(rows, cells(nil, "Tổng cộng", tt, tp, tpo, rate(tpo, tt), tn, rate(tn, tt)))
	return Sheet{Name: name, Rows: rows}
}

// cSheet is a district Form C of the first n communes of M'Đrắk, with a
// title block of pad blank-ish lines above it.
func cSheet(name string, title []string, n int) Sheet {
	rows := header(title...)
	rows = append(rows, cHeaderRow())
	for i, c := range mdrak()[:n] {
		rows = append(rows, append(cells(i+1, c.Name), ints(flows(i, 200)...)...))
	}
	t := sumFlows(n, 200)
	rows = append(rows, append(cells(nil, "Tổng số"), ints(t...)...))
	rows = append(rows, nil, cells(nil, "Người lập biểu", nil, nil, nil, nil, nil, "TM. ỦY BAN NHÂN DÂN"))
	return Sheet{Name: name, Rows: rows}
}

// households is a commune's Form D: n households of Xã Cư Prao.
func householdRows(n int) [][]any {
	rows := [][]any{
		cells("UBND XÃ CƯ PRAO"),
		cells("DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2019 (CHÍNH THỨC)"),
		cells("STT", "Mã hộ", "Thôn, buôn", "Họ và tên chủ hộ", "Số CCCD/CMND chủ hộ", "Dân tộc", "Khu vực", "Số nhân khẩu",
			"Thu nhập bình quân", "Thiếu hụt 1", "Thiếu hụt 2", "Thiếu hụt 3", "Phân loại", "Diễn biến"),
	}
	ethn := []string{"Kinh", "Ê Đê", "M'Nông", "Gia Rai", "Tày"}
	class := []string{"Nghèo", "Cận nghèo", "Thoát nghèo"}
	change := []string{"Nghèo cũ", "Phát sinh mới", "Tái nghèo"}
	for i := range n {
		rows = append(rows, cells(i+1, fmt.Sprintf("CP-%04d", i+1), fmt.Sprintf("Buôn %d", 1+i%4), fmt.Sprintf("Y Hộ Số %d", i+1),
			fmt.Sprintf("0661900%05d", i+1), ethn[i%len(ethn)], "Nông thôn", 3+i%5, 700000+1000*i,
			xIf(i%2 == 0), xIf(i%3 == 0), xIf(false), class[i%3], change[i%3]))
	}
	return rows
}

func xIf(b bool) any {
	if b {
		return "x"
	}
	return nil
}

// mapText rewrites every string cell of a sheet.
func mapText(s Sheet, f func(string) (string, error)) (Sheet, error) {
	out := Sheet{Name: s.Name, Merges: s.Merges}
	for _, r := range s.Rows {
		nr := make([]any, len(r))
		for c, v := range r {
			if t, ok := v.(string); ok {
				x, err := f(t)
				if err != nil {
					return Sheet{}, err
				}
				nr[c] = x
			} else {
				nr[c] = v
			}
		}
		out.Rows = append(out.Rows, nr)
	}
	return out, nil
}

func nfd(s string) (string, error) { return norm.NFD.String(s), nil }

var (
	tcvn3 = vntext.EncodeTCVN3
	vni   = vntext.EncodeVNI
)
