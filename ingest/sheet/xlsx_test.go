package sheet

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"rasoat/ingest/problem"
	"rasoat/review"
)

type wantRow struct {
	row             int
	total           bool
	stt, name, code string
	values          map[string]float64
}

type wantProblem struct {
	code, col, field string
	row              int
}

// bVals maps Form B counts in column order.
func bVals(v ...float64) map[string]float64 {
	m := map[string]float64{}
	for i, fd := range review.Fields(review.FormB) {
		m[fd.Name] = v[i]
	}
	return m
}

func cVals(v ...float64) map[string]float64 {
	m := map[string]float64{}
	for i, fd := range review.Fields(review.FormC) {
		m[fd.Name] = v[i]
	}
	return m
}

func TestReadXLSX(t *testing.T) {
	nfd := func(s string) string { return norm.NFD.String(s) }
	b1 := []any{412, 61, 23, 4, 6, 3, 9, 2, 344}
	b1v := bVals(412, 61, 23, 4, 6, 3, 9, 2, 344)
	b2 := []any{908, 120, 41, 9, 14, 5, 22, 3, 782}
	b2v := bVals(908, 120, 41, 9, 14, 5, 22, 3, 782)

	for _, tc := range []struct {
		name     string
		file     string
		data     []byte // instead of sheets
		sheets   []ws
		opt      Options
		meta     []Meta
		fields   [][]string // per form, when checked
		unknown  [][]string
		rows     [][]wantRow
		problems []wantProblem // each must be present
		clean    bool          // no problem at all
		check    func(t *testing.T, fs []Form)
	}{
		{
			name: "forms.md Form B example", file: "mdrak.xlsx", sheets: []ws{formBExample()}, clean: true,
			meta:   []Meta{{Form: review.FormB, Year: 2019, Stage: review.Official, IssuerLevel: LevelDistrict, IssuerName: "M'ĐRẮK"}},
			fields: [][]string{{"poor_start", "poor_out_to_near_poor", "poor_out_above_near_poor", "poor_out_other", "poor_in_from_near_poor", "poor_in_repoor", "poor_in_new", "poor_in_other", "poor_end"}},
			rows: [][]wantRow{{
				{row: 12, stt: "1", name: "Thị trấn M'Đrắk", values: b1v},
				{row: 14, stt: "1", name: "Xã Cư Prao", values: b2v},
				{row: 26, total: true, name: "Cộng", values: bVals(1320, 181, 64, 13, 20, 8, 31, 5, 1126)},
			}},
			check: func(t *testing.T, fs []Form) {
				if got := fs[0].Rows[0].Cells["poor_start"]; got != "C12" {
					t.Errorf("cell of poor_start = %q, want C12", got)
				}
				if got := fs[0].Rows[2].Cells["poor_end"]; got != "K26" {
					t.Errorf("cell of total poor_end = %q, want K26", got)
				}
			},
		},
		{
			name: "Form A, one header row, Vietnamese text numbers, unknown column", file: "eakao.xlsx",
			sheets: []ws{{name: "Bieu 01", rows: [][]any{
				{"UBND XÃ EA KAO"},
				{"KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2022 (SƠ BỘ)"},
				{"Theo chuẩn nghèo đa chiều giai đoạn 2022 - 2025"},
				{"STT", "Tên đơn vị", "Tổng số hộ dân cư", "Tổng số nhân khẩu", "Số hộ nghèo", "Tỷ lệ hộ nghèo (%)", "Số hộ cận nghèo", "Tỷ lệ hộ cận nghèo (%)", "Nhận xét"},
				{"1", "Buôn Kao", "2.345", "9 876", "120", "5,12", "200", "8,53", `=HYPERLINK("http://x","<script>")`},
				{"2", "Buôn Ea Bông", "1.005", "4.010", "31", "3,08", "-", "", ""},
				{"3", "Buôn Ea Na", 500, "2.000", 10, "2", 20, "4", "Lưu ý: số liệu tạm"}, // a note is not the footer
			}}},
			meta:    []Meta{{Form: review.FormA, Year: 2022, Stage: review.Preliminary, Standard: StandardND07, IssuerLevel: LevelCommune, IssuerName: "EA KAO"}},
			unknown: [][]string{{"Nhận xét"}},
			rows: [][]wantRow{{
				{row: 5, stt: "1", name: "Buôn Kao", values: map[string]float64{"total_households": 2345, "total_persons": 9876, "poor_end": 120, "poor_rate_reported": 5.12, "near_poor_end": 200, "near_poor_rate_reported": 8.53}},
				{row: 6, stt: "2", name: "Buôn Ea Bông", values: map[string]float64{"total_households": 1005, "total_persons": 4010, "poor_end": 31, "poor_rate_reported": 3.08, "near_poor_end": 0}},
				{row: 7, stt: "3", name: "Buôn Ea Na", values: map[string]float64{"total_households": 500, "total_persons": 2000, "poor_end": 10, "poor_rate_reported": 2, "near_poor_end": 20, "near_poor_rate_reported": 4}},
			}},
			problems: []wantProblem{{code: problem.WUnknownColumn, row: 4, col: "I"}, {code: problem.WBlankCount, row: 6, col: "G", field: "near_poor_end"}},
			check: func(t *testing.T, fs []Form) {
				if got := fs[0].Extra[0]["Nhận xét"]; got != `=HYPERLINK("http://x","<script>")` {
					t.Errorf("extra = %q", got)
				}
				if fs[0].Problems.Rejects() {
					t.Errorf("unexpected rejection: %v", codes(fs[0].Problems))
				}
			},
		},
		{
			name: "Form C, formulas with cached and empty results", file: "c.xlsx",
			sheets: []ws{{name: "C", rows: [][]any{
				{"TỔNG HỢP DIỄN BIẾN HỘ CẬN NGHÈO NĂM 2020"},
				{"(Kèm theo Báo cáo số 12/BC-UBND ngày 05/10/2021)"},
				cHeader(),
				row(1, "Xã A", 100, 10, 5, 2, 8, 1, 6, 0, 98),
				row(2, "Xã B", 50, 4, 2, 1, 3, 0, 2, 1, 49),
				row(nil, "Tổng cộng",
					formula{"SUM(C4:C5)", "150"}, formula{"SUM(D4:D5)", ""}, formula{"SUM(E4:E5)", "7"}, formula{"SUM(F4:F5)", ""},
					formula{"SUM(G4:G5)", "11"}, formula{"SUM(H4:H5)", ""}, formula{"SUM(I4:I5)", "8"}, formula{"SUM(J4:J5)", ""},
					formula{"C6-D6-E6-F6+G6+H6+I6+J6", ""}),
			}}},
			meta:  []Meta{{Form: review.FormC, Year: 2020}},
			clean: true,
			rows: [][]wantRow{{
				{row: 4, stt: "1", name: "Xã A", values: cVals(100, 10, 5, 2, 8, 1, 6, 0, 98)},
				{row: 5, stt: "2", name: "Xã B", values: cVals(50, 4, 2, 1, 3, 0, 2, 1, 49)},
				{row: 6, total: true, name: "Tổng cộng", values: cVals(150, 14, 7, 3, 11, 1, 8, 1, 147)},
			}},
		},
		{
			// Excel shows the cached result; recomputing would hide what the
			// officer saw and signed.
			name: "cached formula result is read, not recomputed", file: "stale.xlsx",
			sheets: []ws{{name: "C", rows: [][]any{cHeader(),
				row(1, "Xã A", 1, 0, 0, 0, 0, 0, 0, 0, formula{"C2-D2+E2", "7"})}}},
			clean: true,
			rows:  [][]wantRow{{{row: 2, stt: "1", name: "Xã A", values: cVals(1, 0, 0, 0, 0, 0, 0, 0, 7)}}},
		},
		{
			name: "NFD text, upper-case names, code column, no column-number row", file: "krongbong.xlsx",
			sheets: []ws{{name: nfd("Diễn biến"), rows: [][]any{
				{nfd("UBND HUYỆN KRÔNG BÔNG")},
				{nfd("TỔNG HỢP DIỄN BIẾN HỘ NGHÈO NĂM 2023 - CHÍNH THỨC")},
				{nfd("Chuẩn nghèo theo Nghị định 07/2021/NĐ-CP")},
				append([]any{"STT", nfd("Mã ĐVHC"), nfd("Xã, phường, thị trấn")}, func() []any {
					var out []any
					for _, v := range bHeader()[2:] {
						out = append(out, nfd(v.(string)))
					}
					return out
				}()...),
				append([]any{1, 24310, nfd("XÃ HÒA SƠN")}, b1...),
				append([]any{2, "24313", nfd("XÃ EA TRUL")}, b2...),
			}}},
			meta: []Meta{{Form: review.FormB, Year: 2023, Stage: review.Official, Standard: StandardND07, IssuerLevel: LevelDistrict, IssuerName: "KRÔNG BÔNG"}},
			rows: [][]wantRow{{
				{row: 5, stt: "1", code: "24310", name: "XÃ HÒA SƠN", values: b1v},
				{row: 6, stt: "2", code: "24313", name: "XÃ EA TRUL", values: b2v},
			}},
			clean: true,
		},
		{
			name: "two forms stacked in one sheet", file: "bc.xlsx",
			sheets: []ws{{name: "B va C", rows: [][]any{
				{"TỔNG HỢP DIỄN BIẾN HỘ NGHÈO NĂM 2018"},
				bHeader(),
				append([]any{1, "Xã A"}, b1...),
				{nil, "Người lập biểu", nil, nil, nil, nil, nil, "Thủ trưởng đơn vị"},
				{},
				{"TỔNG HỢP DIỄN BIẾN HỘ CẬN NGHÈO NĂM 2018 (sau phúc tra)"},
				cHeader(),
				row(1, "Xã A", 100, 10, 5, 2, 8, 1, 6, 0, 98),
			}}},
			meta: []Meta{{Form: review.FormB, Year: 2018}, {Form: review.FormC, Year: 2018, Stage: review.Reverified}},
			rows: [][]wantRow{
				{{row: 3, stt: "1", name: "Xã A", values: b1v}},
				{{row: 8, stt: "1", name: "Xã A", values: cVals(100, 10, 5, 2, 8, 1, 6, 0, 98)}},
			},
			clean: true,
		},
		{
			name: "one form over two sheets", file: "cont.xlsx",
			sheets: []ws{
				simpleB("Trang 1", "TỔNG HỢP DIỄN BIẾN HỘ NGHÈO NĂM 2017 (SƠ BỘ)", append([]any{1, "Xã A"}, b1...)),
				{name: "Trang 2", rows: [][]any{bHeader(), append([]any{2, "Xã B"}, b2...)}},
			},
			meta: []Meta{
				{Form: review.FormB, Year: 2017, Stage: review.Preliminary, IssuerLevel: LevelDistrict, IssuerName: "EA KAR"},
				{Form: review.FormB, Year: 2017, Stage: review.Preliminary, IssuerLevel: LevelDistrict, IssuerName: "EA KAR"},
			},
			rows: [][]wantRow{
				{{row: 4, stt: "1", name: "Xã A", values: b1v}},
				{{row: 2, stt: "2", name: "Xã B", values: b2v}},
			},
			clean: true,
		},
		{
			name: "count not a number", file: "abc.xlsx",
			sheets: []ws{simpleB("B", "TỔNG HỢP DIỄN BIẾN HỘ NGHÈO NĂM 2019",
				[]any{1, "Xã A", 412, 61, "abc", 4, 6, 3, 9, 2, 344})},
			problems: []wantProblem{{code: problem.ECountNotNumber, row: 4, col: "E", field: "poor_out_above_near_poor"}},
		},
		{
			name: "negative and fractional counts", file: "neg.xlsx",
			sheets: []ws{simpleB("B", "TỔNG HỢP DIỄN BIẾN HỘ NGHÈO NĂM 2019",
				[]any{1, "Xã A", 412, "(3)", 23, 4, 6, 3, 9, 2, 344},
				[]any{2, "Xã B", 412, 61, 23, 4, 6, 3, 9, num(2.5), 344})},
			problems: []wantProblem{
				{code: problem.ECountNegative, row: 4, col: "D", field: "poor_out_to_near_poor"},
				{code: problem.ECountNotWhole, row: 5, col: "J", field: "poor_in_other"},
			},
		},
		{
			name: "missing required column", file: "missing.xlsx",
			sheets: []ws{{name: "B", rows: [][]any{
				{"TỔNG HỢP DIỄN BIẾN HỘ NGHÈO NĂM 2019"},
				bHeader()[:9],
				append([]any{1, "Xã A"}, b1[:7]...),
			}}},
			problems: []wantProblem{
				{code: problem.EColumnMissing, row: 2, field: "poor_in_other"},
				{code: problem.EColumnMissing, row: 2, field: "poor_end"},
			},
		},
		{
			name: "labels in a legacy font, columns by number row", file: "tcvn3.xlsx",
			sheets: []ws{{name: "B", rows: [][]any{
				{"TỔNG HỢP DIỄN BIẾN HỘ NGHÈO NĂM 2016"},
				{"STT", "§¬n vÞ", "Sè hé nghÌo ®Çu kú", "Tho¸t nghÌo", "V­ît chuÈn", "Gi¶m kh¸c", "CN thµnh N", "T¸i nghÌo", "Ph¸t sinh", "T¨ng kh¸c", "Cuèi kú"},
				{"A", "B", "1", "2", "3", "4", "5", "6", "7", "8", "9"},
				append([]any{1, "Xã A"}, b1...),
			}}},
			meta:  []Meta{{Form: review.FormB, Year: 2016}},
			rows:  [][]wantRow{{{row: 4, stt: "1", name: "Xã A", values: b1v}}},
			clean: true,
		},
		{
			name: "header not found", file: "nohdr.xlsx",
			sheets: []ws{{name: "B", rows: [][]any{
				{"TỔNG HỢP DIỄN BIẾN HỘ NGHÈO NĂM 2016"},
				{"x", "y", "z"},
				{1, 2, 3},
			}}},
			problems: []wantProblem{{code: problem.EHeaderNotFound}},
		},
		{
			name: "no form in workbook", file: "notes.xlsx",
			sheets:   []ws{{name: "Ghi chu", rows: [][]any{{"Danh mục văn bản"}, {"a", "b"}}}},
			problems: []wantProblem{{code: problem.ENoForm}},
		},
		{
			name: ".xls file", file: "bieu.xls", data: []byte("anything"),
			problems: []wantProblem{{code: problem.EFileFormat}},
			check:    func(t *testing.T, _ []Form) {},
		},
		{
			name: "old binary workbook named .xlsx", file: "bieu.xlsx", data: append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 600)...),
			problems: []wantProblem{{code: problem.EFileFormat}},
		},
		{
			name: "too many rows", file: "big.xlsx", opt: Options{MaxRows: 5},
			sheets: []ws{simpleB("B", "TỔNG HỢP DIỄN BIẾN HỘ NGHÈO NĂM 2019",
				append([]any{1, "Xã A"}, b1...), append([]any{2, "Xã B"}, b1...), append([]any{3, "Xã C"}, b1...))},
			problems: []wantProblem{{code: problem.ETooManyRows, row: 6}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := tc.data
			if data == nil {
				data = build(t, tc.sheets...)
			}
			fs, ps := ReadXLSX(context.Background(), tc.file, bytes.NewReader(data), tc.opt)
			if tc.clean && len(ps) > 0 {
				t.Errorf("unexpected problems: %v", codes(ps))
			}
			for _, wp := range tc.problems {
				ok := false
				for _, p := range ps {
					if p.Code == wp.code && (wp.row == 0 || p.Row == wp.row) && (wp.col == "" || p.Column == wp.col) &&
						(wp.field == "" || p.Field == wp.field) && p.File == tc.file && p.Message != "" {
						ok = true
					}
				}
				if !ok {
					t.Errorf("missing problem %+v; got %v", wp, codes(ps))
				}
			}
			if tc.meta != nil {
				if len(fs) != len(tc.meta) {
					t.Fatalf("%d forms, want %d", len(fs), len(tc.meta))
				}
				for i, m := range tc.meta {
					if fs[i].Meta != m {
						t.Errorf("form %d meta = %+v, want %+v", i, fs[i].Meta, m)
					}
				}
			}
			for i, want := range tc.fields {
				if !slices.Equal(fs[i].Fields, want) {
					t.Errorf("form %d fields = %v, want %v", i, fs[i].Fields, want)
				}
			}
			for i, want := range tc.unknown {
				if !slices.Equal(fs[i].Unknown, want) {
					t.Errorf("form %d unknown = %v, want %v", i, fs[i].Unknown, want)
				}
			}
			for i, want := range tc.rows {
				got := fs[i].Rows
				if len(got) != len(want) {
					t.Errorf("form %d: %d rows, want %d: %+v", i, len(got), len(want), got)
					continue
				}
				if len(fs[i].Extra) != len(got) {
					t.Errorf("form %d: %d extra, want %d", i, len(fs[i].Extra), len(got))
				}
				for j, w := range want {
					g := got[j]
					if g.SourceRow != w.row || g.Total != w.total || g.STT != w.stt || g.UnitName != w.name || g.UnitCode != w.code ||
						!maps.Equal(g.Values, w.values) || g.Sheet != fs[i].Sheet {
						t.Errorf("form %d row %d = %+v\nwant %+v", i, j, g, w)
					}
				}
			}
			if tc.check != nil {
				tc.check(t, fs)
			}
		})
	}
}

// A household list: streamed, with a merged "Thiếu hụt" group over
// numbered sub-columns, codes in Vietnamese words, and an ID that must
// never come back raw.
func TestReadXLSXHouseholds(t *testing.T) {
	const rawID = "066123456789"
	header1 := []any{"STT", "Mã hộ", "Họ và tên chủ hộ", "Số CCCD/CMND chủ hộ", "Thôn/buôn", "Dân tộc", "Khu vực", "Số nhân khẩu", "Điểm B1",
		"Chỉ số thiếu hụt", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, "Phân loại", "Diễn biến", "Ghi chép"}
	header2 := []any{nil, nil, nil, nil, nil, nil, nil, nil, nil, "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"}
	h1 := []any{1, "HK001", "Y Bih Niê", rawID, "Buôn Kao", "Ê Đê", "Nông thôn", 5, "72,5", "x", nil, "1", nil, nil, nil, nil, nil, nil, nil, nil, "X", "Nghèo", "Nghèo cũ", "đã kiểm tra"}
	h2 := []any{2, "HK002", "Nguyễn Văn An", "066000000001", "Thôn 1", "Kinh", "thành thị", "-", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, "Cận nghèo", "Nghèo → cận nghèo"}
	h3 := []any{3, "HK003", "Trần Thị Bình", nil, "Thôn 1", "Kinh", "nông thôn", 4, nil, "y", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, "giàu", "CN → N"}
	data := build(t, ws{name: "DS ho", rows: [][]any{
		{"UBND XÃ EA KAO"},
		{"DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2024 (PHÊ DUYỆT)"},
		{"Xã: Ea Kao"},
		header1, header2, h1, h2, h3,
		{nil, "Người lập biểu"},
		{1, "HK999", "after footer"},
	}, merges: [][2]string{{"J4", "U4"}, {"A4", "A5"}}})
	hash := func(s string) string { return fmt.Sprintf("h%d", len(s)) }
	fs, ps := ReadXLSX(context.Background(), "ds.xlsx", bytes.NewReader(data), Options{HashID: hash})
	if len(fs) != 1 {
		t.Fatalf("%d forms: %v", len(fs), codes(ps))
	}
	f := fs[0]
	wantMeta := Meta{Form: review.FormD, Year: 2024, Stage: review.Approved, IssuerLevel: LevelCommune, IssuerName: "EA KAO"}
	if f.Meta != wantMeta {
		t.Errorf("meta = %+v, want %+v", f.Meta, wantMeta)
	}
	if len(f.Households) != 3 {
		t.Fatalf("%d households: %+v", len(f.Households), f.Households)
	}
	h := f.Households[0]
	if h.SourceRow != 6 || h.HouseholdID != "HK001" || h.HeadName != "Y Bih Niê" || h.HeadIDHash != "h12" || h.Village != "Buôn Kao" ||
		h.Ethnicity != "Ê Đê" || h.Area != "rural" || h.Members != 5 || h.B1Score == nil || *h.B1Score != 72.5 ||
		h.ClassEnd != "poor" || h.Change != "old" || h.UnitName != "Ea Kao" {
		t.Errorf("household 1 = %+v", h)
	}
	wantDep := make([]bool, 12)
	wantDep[0], wantDep[2], wantDep[11] = true, true, true
	if !slices.Equal(h.Deprivations, wantDep) {
		t.Errorf("deprivations = %v, want %v", h.Deprivations, wantDep)
	}
	h = f.Households[1]
	if h.Area != "urban" || h.ClassEnd != "near_poor" || h.Change != "from_poor" || h.Members != 0 || h.B1Score != nil {
		t.Errorf("household 2 = %+v", h)
	}
	if f.Households[2].Change != "from_near_poor" {
		t.Errorf("household 3 change = %q", f.Households[2].Change)
	}
	for _, wp := range []wantProblem{
		{code: problem.WBlankCount, row: 7, col: "H", field: "members"},
		{code: problem.EValueInvalid, row: 8, col: "J", field: "dep_01"},
		{code: problem.EValueInvalid, row: 8, col: "V", field: "class_end"},
		{code: problem.WUnknownColumn, row: 5, col: "X"},
	} {
		p := find(ps, wp.code)
		ok := false
		for _, p2 := range ps {
			if p2.Code == wp.code && p2.Row == wp.row && p2.Column == wp.col && p2.Field == wp.field {
				ok = true
			}
		}
		if !ok {
			t.Errorf("missing %+v (first %v); all %v", wp, p, codes(ps))
		}
	}
	if got := f.Extra[0]["Ghi chép"]; got != "đã kiểm tra" {
		t.Errorf("extra = %q", got)
	}
	if dump := fmt.Sprintf("%+v %+v", fs, codes(ps)); strings.Contains(dump, rawID) || strings.Contains(dump, "066000000001") {
		t.Errorf("raw ID leaked into the result")
	}
	// Without a hash function the ID is dropped.
	fs, _ = ReadXLSX(context.Background(), "ds.xlsx", bytes.NewReader(data), Options{})
	if fs[0].Households[0].HeadIDHash != "" {
		t.Errorf("ID kept without HashID")
	}
}
