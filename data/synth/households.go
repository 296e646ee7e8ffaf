package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"rasoat/review"
)

// Household list (Form D) of one district for one ND07 year, official
// stage: ONE SHEET PER COMMUNE, the sheet named after the commune and its
// title block naming the commune, its district and its code (there is no
// commune column). Every household of the commune is listed, so counting by
// "Phân loại" gives Form A's poor_end and near_poor_end and the row count its
// total_households; counting by "Diễn biến" gives the Form B/C inflows.
// Names and 12-digit ID numbers are fake: the IDs start with 099, a
// province-of-birth code that does not exist.

// B1 cut-offs under NĐ 07 (belief, see domain.md): poor or near-poor only at
// or below the cut.
const (
	b1CutRural = 140
	b1CutUrban = 175
)

type household struct {
	ID, Village, Name, HeadID, Ethnicity string
	Urban                                bool
	Members                              int
	B1                                   int
	Deps                                 [12]bool
	Class                                string // poor | near_poor | escaped | none
	Change                               string // review.Household change codes
}

type householdList struct {
	Year     int
	Stage    review.Stage
	District *district
	Communes []*commune
	Lists    [][]household // parallel to Communes
	Rel      string
}

// buildHouseholds lists every household of the district whose size is
// closest to 20 000 households at Scale 1 in the given year (official stage),
// and plants a few households classed poor with B1 above the cut.
func (ds *dataset) buildHouseholds(year int) (*householdList, error) {
	ci := ds.cycleIndex(year, StdND07)
	if ci < 0 || year > 2024 {
		return nil, fmt.Errorf("năm danh sách hộ %d không hợp lệ: cần 2022–2024 (chuẩn NĐ 07, trước sáp nhập)", year)
	}
	var best *district
	bestGap := math.Inf(1)
	for _, d := range ds.prov.Districts {
		var h int64
		for _, c := range d.Communes {
			h += ds.rec(ci, review.Official, c.Code).TotalHouseholds
		}
		if gap := math.Abs(float64(h) - 20000*ds.scale); gap < bestGap {
			best, bestGap = d, gap
		}
	}
	hl := &householdList{Year: year, Stage: review.Official, District: best, Communes: best.Communes,
		Rel: filepath.Join("households", strconv.Itoa(year), string(review.Official), slug(best.Name())+".xlsx")}
	ar := newRand(ds.seed, "households/anomaly")
	planted := ds.plantedCommune(ar, ci, best.Communes)
	for i, c := range best.Communes {
		hl.Lists = append(hl.Lists, ds.communeHouseholds(ar, ci, c, i == planted))
	}
	return hl, nil
}

// plantedCommune picks the commune (an index into communes, or -1) whose
// list gets households classed poor with B1 above the cut.
func (ds *dataset) plantedCommune(ar *rand.Rand, ci int, communes []*commune) int {
	var cands []int
	for i, c := range communes {
		if r := ds.rec(ci, review.Official, c.Code); r.PoorEnd >= 3 && !c.Tiny {
			cands = append(cands, i)
		}
	}
	if len(cands) == 0 {
		return -1
	}
	return cands[ar.IntN(len(cands))]
}

// communeHouseholds lists the commune's households for cycle ci (official
// stage); planted plants three poor households above the B1 cut and records
// the anomaly.
func (ds *dataset) communeHouseholds(ar *rand.Rand, ci int, c *commune, planted bool) []household {
	rec := ds.rec(ci, review.Official, c.Code)
	list := makeHouseholds(newRand(ds.seed, "households/"+c.Code), c, rec)
	if planted {
		cut := b1CutRural
		if c.Urban() {
			cut = b1CutUrban
		}
		var ids []string
		for k := range list {
			if list[k].Class == "poor" && len(ids) < 3 {
				list[k].B1 = cut + between(ar, 5, 30)
				ids = append(ids, list[k].ID)
			}
		}
		ds.anomalies = append(ds.anomalies, anomaly{rec.Year, review.Official, c.Code, KindHouseholdClassContra,
			fmt.Sprintf("%d hộ xếp loại nghèo nhưng điểm B1 trên ngưỡng %d: %s", len(ids), cut, strings.Join(ids, ", "))})
	}
	return list
}

type slot struct{ class, change string }

// makeHouseholds draws the commune's households so that the class counts
// equal the record's end stocks and the change counts its inflows.
func makeHouseholds(r *rand.Rand, c *commune, rec *record) []household {
	var slots []slot
	addN := func(n int64, class, change string) {
		for ; n > 0; n-- {
			slots = append(slots, slot{class, change})
		}
	}
	poorIn := rec.PoorInFromNear + rec.PoorInRepoor + rec.PoorInNew + rec.PoorInOther
	addN(max(0, rec.PoorEnd-poorIn), "poor", "old")
	addN(rec.PoorInFromNear, "poor", "from_near_poor")
	addN(rec.PoorInRepoor, "poor", "repoor")
	addN(rec.PoorInNew, "poor", "new")
	addN(rec.PoorInOther, "poor", "")
	nearIn := rec.NearInFromPoor + rec.NearInRe + rec.NearInNew + rec.NearInOther
	addN(max(0, rec.NearPoorEnd-nearIn), "near_poor", "old")
	addN(rec.NearInFromPoor, "near_poor", "from_poor")
	addN(rec.NearInRe, "near_poor", "repoor")
	addN(rec.NearInNew, "near_poor", "new")
	addN(rec.NearInOther, "near_poor", "")
	room := rec.TotalHouseholds - int64(len(slots))
	escP := min(rec.PoorOutAbove, max(0, room))
	escN := min(rec.NearOutEscaped, max(0, room-escP))
	addN(escP, "escaped", "escaped_poor")
	addN(escN, "escaped", "escaped_near_poor")
	addN(rec.TotalHouseholds-int64(len(slots)), "none", "")

	// ethnic-minority heads: Form A's em_poor and em_near_poor exactly, the
	// rest of em_households among the others as far as they go
	em := make([]bool, len(slots))
	emLeft := map[string]int64{"poor": rec.EMPoor, "near_poor": rec.EMNear}
	other := rec.EMHouseholds - rec.EMPoor - rec.EMNear
	for i, s := range slots {
		switch s.class {
		case "poor", "near_poor":
			if emLeft[s.class] > 0 {
				em[i] = true
				emLeft[s.class]--
			}
		default:
			if other > 0 {
				em[i] = true
				other--
			}
		}
	}
	urban := c.Urban()
	cut := b1CutRural
	if urban {
		cut = b1CutUrban
	}
	villages := villageNames(r, c)
	out := make([]household, len(slots))
	for i, s := range slots {
		h := household{Class: s.class, Change: s.change, Urban: urban}
		var nDep int
		switch s.class {
		case "poor":
			h.B1 = between(r, cut-70, cut)
			nDep = between(r, 3, 7)
			h.Members = between(r, 3, 8)
		case "near_poor":
			h.B1 = between(r, cut-70, cut)
			nDep = between(r, 0, 2)
			h.Members = between(r, 2, 7)
		default:
			h.B1 = between(r, cut+1, cut+160)
			nDep = between(r, 0, 4)
			h.Members = between(r, 1, 7)
		}
		for _, k := range r.Perm(12)[:nDep] {
			h.Deps[k] = true
		}
		h.Ethnicity = "Kinh"
		if em[i] {
			h.Ethnicity = minorities()[r.IntN(len(minorities()))]
		}
		h.Name = personName(r, h.Ethnicity)
		h.HeadID = fmt.Sprintf("099%d%02d%06d", r.IntN(4), r.IntN(100), r.IntN(1000000))
		h.Village = villages[r.IntN(len(villages))]
		out[i] = h
	}
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	for i := range out {
		out[i].ID = fmt.Sprintf("%s-%05d", c.Code, i+1)
	}
	return out
}

func minorities() []string {
	return []string{"Ê Đê", "Ê Đê", "M'Nông", "Gia Rai", "Tày", "Nùng", "Thái", "Mường", "Dao", "Xơ Đăng"}
}

func villageNames(r *rand.Rand, c *commune) []string {
	n := between(r, 5, 14)
	out := make([]string, n)
	for i := range out {
		switch {
		case c.Urban():
			out[i] = "Tổ dân phố " + strconv.Itoa(i+1)
		case i%3 == 0:
			out[i] = "Buôn " + strings.Fields(c.Short)[len(strings.Fields(c.Short))-1] + " " + strconv.Itoa(i/3+1)
		default:
			out[i] = "Thôn " + strconv.Itoa(i+1)
		}
	}
	return out
}

// personName draws a plausible, fake name in the naming style of the group.
func personName(r *rand.Rand, ethnicity string) string {
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	switch ethnicity {
	case "Ê Đê":
		return pick("Y", "H'") + " " + pick("Bhin", "Blương", "Ju", "Kô", "Nguê", "Sing", "Thoan", "Wem", "Drin", "Hloan") +
			" " + pick("Niê", "Êban", "Mlô", "Ayun", "Byă", "Ksơr", "Adrơng", "Knul")
	case "M'Nông":
		return pick("Y", "H'") + " " + pick("Brang", "Dăng", "Kroa", "Lơr", "Nhai", "Mơn") +
			" " + pick("Bkrông", "Liêng", "Buôn Krông", "Mlô")
	case "Gia Rai":
		return pick("Rơ Chăm", "Siu", "Ksor", "Rơ Mah", "Nay") + " " + pick("Blếch", "H'Hoa", "Dũng", "Lăk", "Thơm", "Yuh")
	case "Xơ Đăng":
		return pick("A", "Y") + " " + pick("Bin", "Chót", "Ngọc", "Thu", "Duân")
	}
	sur := pick("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương")
	switch ethnicity {
	case "Tày", "Nùng":
		sur = pick("Nông", "Hoàng", "Lục", "Vi", "Lương", "Hà")
	case "Thái", "Mường":
		sur = pick("Lò", "Cầm", "Hà", "Đinh", "Quách", "Bùi")
	case "Dao":
		sur = pick("Triệu", "Bàn", "Đặng", "Lý")
	}
	return sur + " " + pick("Văn", "Thị", "Đức", "Minh", "Ngọc", "Thanh", "Hữu", "Quang") + " " +
		pick("An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hùng", "Lan", "Linh", "Mai", "Nam", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vân", "Yến")
}

// Vietnamese words for the class and change codes, as officers type them.
func classWord(class string) string {
	return map[string]string{"poor": "Nghèo", "near_poor": "Cận nghèo", "escaped": "Thoát nghèo", "none": "Không"}[class]
}

func changeWord(class, change string) string {
	switch change {
	case "old":
		if class == "poor" {
			return "Nghèo cũ"
		}
		return "Cận nghèo cũ"
	case "new":
		return "Phát sinh mới"
	case "repoor":
		if class == "poor" {
			return "Tái nghèo"
		}
		return "Tái cận nghèo"
	case "from_near_poor":
		return "Cận nghèo → nghèo"
	case "from_poor":
		return "Nghèo → cận nghèo"
	case "escaped_poor":
		return "Thoát nghèo"
	case "escaped_near_poor":
		return "Thoát cận nghèo"
	}
	return ""
}

// householdHeader is the Form D header row (forms.md words).
func householdHeader() []any {
	h := []any{"STT", "Mã hộ", "Thôn/buôn/tổ dân phố", "Họ và tên chủ hộ", "Số CCCD/CMND chủ hộ", "Dân tộc",
		"Khu vực", "Số nhân khẩu", "Điểm B1"}
	for i := 1; i <= 12; i++ {
		h = append(h, "Thiếu hụt "+strconv.Itoa(i))
	}
	return append(h, "Phân loại", "Diễn biến")
}

const householdHeaderRow = 6

func (ds *dataset) writeHouseholds(out string, hl *householdList) error {
	f := excelize.NewFile()
	defer f.Close()
	for i, c := range hl.Communes {
		sheet := c.Short
		if i == 0 {
			if err := f.SetSheetName("Sheet1", sheet); err != nil {
				return fmt.Errorf("đặt tên sheet %q: %w", sheet, err)
			}
		} else if _, err := f.NewSheet(sheet); err != nil {
			return fmt.Errorf("tạo sheet %q: %w", sheet, err)
		}
		if err := writeHouseholdSheet(f, sheet, c, hl); err != nil {
			return fmt.Errorf("%s: %w", hl.Rel, err)
		}
	}
	if err := f.SetDocProps(fixedDocProps("Danh sách hộ " + hl.District.Name())); err != nil {
		return fmt.Errorf("%s: thuộc tính tài liệu: %w", hl.Rel, err)
	}
	if err := f.SaveAs(filepath.Join(out, hl.Rel)); err != nil {
		return fmt.Errorf("lưu %s: %w", hl.Rel, err)
	}
	return nil
}

func writeHouseholdSheet(f *excelize.File, sheet string, c *commune, hl *householdList) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("mở sheet %q: %w", sheet, err)
	}
	_ = sw.SetColWidth(2, 5, 20)
	title := []struct {
		row int
		v   string
	}{
		{1, "UBND " + upperVN(c.Name())},
		{2, fmt.Sprintf("DANH SÁCH HỘ GIA ĐÌNH RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM %d (%s)", hl.Year, upperVN(hl.Stage.Vietnamese()))},
		{3, fmt.Sprintf("Đơn vị: %s, %s - Mã ĐVHC: %s", c.Name(), hl.District.Name(), c.Code)},
		{4, "Theo chuẩn nghèo đa chiều giai đoạn 2022 - 2025 (Nghị định 07/2021/NĐ-CP)"},
	}
	for _, t := range title {
		cell, _ := excelize.CoordinatesToCellName(1, t.row)
		if err := sw.SetRow(cell, []any{t.v}); err != nil {
			return fmt.Errorf("ghi tiêu đề sheet %q: %w", sheet, err)
		}
	}
	if err := sw.SetRow("A"+strconv.Itoa(householdHeaderRow), householdHeader()); err != nil {
		return fmt.Errorf("ghi tiêu đề cột sheet %q: %w", sheet, err)
	}
	var list []household
	for i, cc := range hl.Communes {
		if cc == c {
			list = hl.Lists[i]
		}
	}
	row := make([]any, 23)
	for i, h := range list {
		row[0], row[1], row[2], row[3], row[4], row[5] = int64(i+1), h.ID, h.Village, h.Name, h.HeadID, h.Ethnicity
		row[6] = "Nông thôn"
		if h.Urban {
			row[6] = "Thành thị"
		}
		row[7], row[8] = int64(h.Members), int64(h.B1)
		for k, d := range h.Deps {
			row[9+k] = nil
			if d {
				row[9+k] = "x"
			}
		}
		row[21], row[22] = classWord(h.Class), nil
		if w := changeWord(h.Class, h.Change); w != "" {
			row[22] = w
		}
		cell, _ := excelize.CoordinatesToCellName(1, householdHeaderRow+1+i)
		if err := sw.SetRow(cell, row); err != nil {
			return fmt.Errorf("ghi hộ %s: %w", h.ID, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("hoàn tất sheet %q: %w", sheet, err)
	}
	return nil
}
