package corpus

import (
	"fmt"
	"rasoat/ingest/vnnum"
	"strings"
)

const (
	mdrakIssuer = "UBND HUYỆN M'ĐRẮK"
	titleB19    = "TỔNG HỢP DIỄN BIẾN HỘ NGHÈO NĂM 2019 (CHÍNH THỨC)"
)

func titleB(year int, stage string) string {
	return fmt.Sprintf("TỔNG HỢP DIỄN BIẾN HỘ NGHÈO NĂM %d (%s)", year, stage)
}

func titleA(year int, stage string) string {
	return fmt.Sprintf("KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM %d (%s)", year, stage)
}

// accepted is the outcome of a file that loads.
func accepted(forms, rows int, findings ...string) Want {
	return Want{Status: Accepted, Forms: forms, Rows: rows, Findings: findings}
}

func warned(forms, rows int, warnings ...string) Want {
	return Want{Status: Accepted, Forms: forms, Rows: rows, Warnings: warnings}
}

func rejected(code, sheet string, row int, col string) Want {
	return Want{Status: Rejected, Code: code, Sheet: sheet, Row: row, Column: col}
}

// edit returns bOpts.numbers that changes one count of commune at.
func editCount(at, k int, v any) func(i int, f []int) []any {
	return func(i int, f []int) []any {
		c := ints(f...)
		if i == at {
			c[k] = v
		}
		return c
	}
}

// sumCells writes the total row as =SUM formulas over rows 4..last.
func sumCells(last int, cached bool) func(t []int) []any {
	return func(t []int) []any {
		out := make([]any, len(t))
		for k := range t {
			col := string(rune('C' + k))
			f := Formula{Expr: fmt.Sprintf("SUM(%s4:%s%d)", col, col, last)}
			if cached {
				f.Cached = fmt.Sprint(t[k])
			}
			out[k] = f
		}
		return out
	}
}

// Cases returns the corpus, in the order the test loads it (a later case
// may depend on an earlier one, e.g. the same bytes twice).
func Cases() []Case {
	b := func(o bOpts) Sheet {
		if o.issuer == "" {
			o.issuer = mdrakIssuer
		}
		if o.title == "" {
			o.title = titleB19
		}
		return bSheet("B", o)
	}
	formsMD := xlsx(formsMDB(2019, "CHÍNH THỨC"))
	hhCSV := func(bom bool, sep string, class string) func() ([]byte, error) {
		recs := [][]string{{"year", "stage", "unit_code", "household_id", "village", "head_name", "ethnicity", "area", "members",
			"income_per_capita", "dep_01", "dep_02", "class_end", "change"}}
		for i := range 30 {
			cl := []string{"poor", "near_poor", "escaped"}[i%3]
			if i == 17 && class != "" {
				cl = class
			}
			recs = append(recs, []string{"2019", "official", "24418", fmt.Sprintf("EP-%04d", i+1), "Buôn Tar", fmt.Sprintf("H'Hoa Êban %d", i),
				"Ê Đê", "rural", fmt.Sprint(2 + i%6), fmt.Sprint(650000 + 500*i), fmt.Sprint(i % 2), "0", cl, "old"})
		}
		return csvText(bom, sep, recs...)
	}
	bExport := func(year int, bad func(i int, r []string) []string) [][]string {
		recs := [][]string{{"year", "stage", "unit_code", "unit_name", "poor_start", "poor_out_to_near_poor", "poor_out_above_near_poor",
			"poor_out_other", "poor_in_from_near_poor", "poor_in_repoor", "poor_in_new", "poor_in_other", "poor_end"}}
		for i, c := range mdrak() {
			r := []string{fmt.Sprint(year), "official", c.Code, c.Name}
			for _, v := range flows(i, 500) {
				r = append(r, fmt.Sprint(v))
			}
			if bad != nil {
				r = bad(i, r)
			}
			recs = append(recs, r)
		}
		return recs
	}
	cExport := func() [][]string {
		recs := [][]string{{"year", "stage", "unit_code", "near_poor_start", "near_poor_out_escaped", "near_poor_out_to_poor", "near_poor_out_other",
			"near_poor_in_from_poor", "near_poor_in_re", "near_poor_in_new", "near_poor_in_other", "near_poor_end", "ghi_chu"}}
		for i, c := range mdrak() {
			r := []string{"2021", "reverified", c.Code}
			for _, v := range flows(i, 260) {
				r = append(r, vnnum.FormatInt(int64(v)))
			}
			recs = append(recs, append(r, "đã đối chiếu"))
		}
		return recs
	}
	aExport := func() ([]byte, error) {
		recs := [][]string{{"year", "stage", "unit_code", "total_households", "total_persons", "poor_end", "near_poor_end"}}
		for i, c := range mdrak() {
			t, p, po, n := formA(i)
			recs = append(recs, []string{"2022", "official", c.Code, fmt.Sprint(t), fmt.Sprint(p), fmt.Sprint(po), fmt.Sprint(n)})
		}
		return csvText(false, ",", recs...)()
	}
	// twoStages is a Form B export of the preliminary and the official
	// result of 2019 (each row says its stage).
	twoStages := func(string) [][]string {
		recs := bExport(2019, nil)
		for _, r := range bExport(2019, nil)[1:] {
			r[1] = "preliminary"
			recs = append(recs, r)
		}
		return recs
	}
	// hhEdit is a household list with a head_id column, one row rewritten.
	hhEdit := func(bad func(i int, r []string) []string) func() ([]byte, error) {
		recs := [][]string{{"year", "stage", "unit_code", "household_id", "village", "head_name", "ethnicity", "area", "members",
			"class_end", "head_id"}}
		for i := range 30 {
			r := []string{"2020", "official", "24418", fmt.Sprintf("EP-%04d", i+1), "Buôn Tar", fmt.Sprintf("H'Hoa Êban %d", i),
				"Ê Đê", "rural", fmt.Sprint(2 + i%6), []string{"poor", "near_poor"}[i%2], fmt.Sprintf("0661%08d", i)}
			recs = append(recs, bad(i, r))
		}
		return csvText(false, ",", recs...)
	}
	twoSheets := func() []Sheet {
		all := b(bOpts{title: titleB(2019, "SƠ BỘ")})
		// rows: issuer, title, header, 13 communes, total
		first := Sheet{Name: "Trang 1", Rows: all.Rows[:3+7]}
		second := Sheet{Name: "Trang 2", Rows: append([][]any{bHeaderRow()}, all.Rows[3+7:]...)}
		return []Sheet{first, second}
	}
	stacked := func() Sheet {
		a := aSheet("x", mdrakIssuer, titleA(2020, "SƠ BỘ"), 6, nil)
		rows := append([][]any{}, a.Rows...)
		rows = append(rows, nil, cells(nil, "Người lập biểu", nil, nil, "KT. CHỦ TỊCH"), nil, nil)
		bs := bSheet("x", bOpts{title: titleB(2020, "SƠ BỘ"), n: 6, base: 280})
		rows = append(rows, bs.Rows...)
		return Sheet{Name: "Bao cao", Rows: rows}
	}
	longTitle := []string{"UBND HUYỆN M'ĐRẮK", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "", "Biểu số 03",
		"TỔNG HỢP DIỄN BIẾN HỘ CẬN NGHÈO NĂM 2019", "(Sau phúc tra)", "(Kèm theo Báo cáo số 301/BC-UBND ngày 20/11/2019 của UBND huyện M'Đrắk)",
		"Theo chuẩn nghèo giai đoạn 2016 - 2020", "", "", "Đơn vị tính: hộ"}
	numbersOnly := func(paren bool) Sheet {
		rows := [][]any{cells(mdrakIssuer), cells(titleB(2018, "CHÍNH THỨC"))}
		if paren {
			var r []any
			for k := 1; k <= 11; k++ {
				r = append(r, fmt.Sprintf("(%d)", k))
			}
			rows = append(rows, r)
		} else {
			rows = append(rows, cells("A", "B", "1", "2", "3", "4", "5", "6", "7", "8", "9"))
		}
		for i, c := range mdrak()[:8] {
			rows = append(rows, append(cells(i+1, c.Name), ints(flows(i, 310)...)...))
		}
		t := sumFlows(8, 310)
		rows = append(rows, append(cells(nil, "Cộng"), ints(t...)...))
		return Sheet{Name: "B", Rows: rows}
	}
	twoRowHeader := func() Sheet {
		rows := [][]any{cells(mdrakIssuer), cells(titleA(2019, "CHÍNH THỨC")),
			cells("STT", "Đơn vị", "Tổng số hộ dân cư", "Hộ nghèo", nil, "Hộ cận nghèo", nil),
			cells(nil, nil, nil, "Số hộ", "Tỷ lệ (%)", "Số hộ", "Tỷ lệ (%)")}
		for i, c := range mdrak()[:5] {
			t, _, p, n := formA(i)
			rows = append(rows, cells(i+1, c.Name, t, p, rate(p, t), n, rate(n, t)))
		}
		return Sheet{Name: "Bieu 01", Rows: rows, Merges: [][2]string{{"A3", "A4"}, {"B3", "B4"}, {"C3", "C4"}, {"D3", "E3"}, {"F3", "G3"}}}
	}
	aWith := func(title string, edit func(i int, r []any) []any, extraHeader ...any) Sheet {
		s := aSheet("A", mdrakIssuer, title, 6, edit)
		if len(extraHeader) > 0 {
			s.Rows[2] = append(append([]any{}, s.Rows[2]...), extraHeader...)
		}
		return s
	}
	province := Sheet{Name: "Tinh", Rows: [][]any{cells("UBND TỈNH ĐẮK LẮK"), cells(titleA(2019, "CHÍNH THỨC")), aHeaderRow(),
		cells(1, "Xã Cư Prao", 2000, 8000, 150, 7.5, 120, 6.0), cells(2, "Ea Tam", 2100, 8400, 160, 7.62, 130, 6.19)}}

	cs := []Case{
		// --- layouts that must load -----------------------------------
		{Name: "b_district_forms_md.xlsx", What: "biểu B cấp huyện như forms.md §2: tiêu đề, tiêu đề cột 3 dòng gộp ô, dòng số cột, nhóm số La Mã, dòng Cộng, chữ ký",
			Want: accepted(1, 13), make: formsMD},
		{Name: "a_commune_one_row.xlsx", What: "biểu A của một xã: một dòng", Want: accepted(1, 1),
			make: xlsx(Sheet{Name: "Bieu 01", Rows: [][]any{cells("UBND XÃ CƯ PRAO"), cells(titleA(2019, "SƠ BỘ")), aHeaderRow(),
				cells(1, "Xã Cư Prao", 2150, 8601, 161, rate(161, 2150), 127, rate(127, 2150))}})},
		{Name: "a_header_two_rows.xlsx", What: "biểu A, tiêu đề cột hai dòng gộp ô (Hộ nghèo: Số hộ | Tỷ lệ)", Want: accepted(1, 5), make: xlsx(twoRowHeader())},
		{Name: "b_columns_by_letter_numbers.xlsx", What: "không có chữ tiêu đề cột, chỉ có dòng số cột A, B, 1…9", Want: accepted(1, 8), make: xlsx(numbersOnly(false))},
		{Name: "b_columns_by_paren_numbers.xlsx", What: "chỉ có dòng số cột (1)…(11)", Want: accepted(1, 8), make: xlsx(numbersOnly(true))},
		{Name: "c_long_title_block.xlsx", What: "biểu C với khối tiêu đề 12 dòng, giai đoạn sau phúc tra, chuẩn 2016–2020, chân ký", Want: accepted(1, 8),
			make: xlsx(cSheet("C", longTitle, 8))},
		{Name: "abc_one_workbook.xlsx", What: "ba biểu A, B, C trong một tệp, mỗi biểu một sheet", Want: accepted(3, 6+13+13),
			make: xlsx(aSheet("A", mdrakIssuer, titleA(2020, "CHÍNH THỨC"), 6, nil), b(bOpts{title: titleB(2020, "CHÍNH THỨC")}),
				cSheet("C", []string{mdrakIssuer, "TỔNG HỢP DIỄN BIẾN HỘ CẬN NGHÈO NĂM 2020 (CHÍNH THỨC)"}, 13))},
		{Name: "b_one_form_two_sheets.xlsx", What: "một biểu B trải trên hai sheet; sheet sau không có tiêu đề, dòng Cộng ở cuối", Want: accepted(1, 13),
			make: xlsx(twoSheets()...)},
		{Name: "ab_stacked_one_sheet.xlsx", What: "biểu A rồi biểu B xếp chồng trong một sheet", Want: accepted(2, 12), make: xlsx(stacked())},
		{Name: "b_nfd_text.xlsx", What: "chữ Unicode dựng sẵn dạng NFD (tổ hợp)", Want: accepted(1, 13),
			make: xlsxMapped(nfd, b(bOpts{title: titleB(2017, "CHÍNH THỨC")}))},
		{Name: "b_tcvn3.xlsx", What: "mẫu cũ phông .VnTime: mọi chữ mã TCVN3 (ABC)", Want: accepted(1, 13),
			make: xlsxMapped(tcvn3, b(bOpts{title: titleB(2016, "CHÍNH THỨC")}))},
		{Name: "c_vni.xlsx", What: "mẫu cũ phông VNI-Times: mọi chữ mã VNI", Want: accepted(1, 13),
			make: xlsxMapped(vni, cSheet("C", []string{mdrakIssuer, "TỔNG HỢP DIỄN BIẾN HỘ CẬN NGHÈO NĂM 2016 (CHÍNH THỨC)"}, 13))},
		{Name: "b_numbers_as_text.xlsx", What: "số ghi dạng chữ kiểu Việt Nam: 1.037", Want: accepted(1, 13),
			make: xlsx(b(bOpts{title: titleB(2018, "SƠ BỘ"), base: 1000, numbers: func(_ int, f []int) []any { return texts(f...) }, total: func(t []int) []any { return texts(t...) }}))},
		{Name: "a_rates_text_comma.xlsx", What: "tỷ lệ ghi dạng chữ 12,81 và số hộ 2.150", Want: accepted(1, 6),
			make: xlsx(aWith(titleA(2018, "SƠ BỘ"), func(i int, r []any) []any {
				t, _, p, n := formA(i)
				r[2], r[4], r[5], r[7] = vnnum.FormatInt(int64(t)), vnnum.FormatInt(int64(p)), vnnum.FormatFixed(rate(p, t), 2), vnnum.FormatFixed(rate(n, t), 2)
				return r
			}))},
		{Name: "b_cached_formulas.xlsx", What: "dòng Cộng là công thức =SUM có kết quả lưu sẵn", Want: accepted(1, 13),
			make: xlsx(b(bOpts{title: titleB(2018, "PHÚC TRA"), total: sumCells(16, true)}))},
		{Name: "b_formulas_no_cache.xlsx", What: "công thức =SUM không có kết quả lưu sẵn: phải tự tính", Want: accepted(1, 13),
			make: xlsx(b(bOpts{title: titleB(2018, "CHÍNH THỨC"), total: sumCells(16, false)}))},
		{Name: "b_unit_name_variants.xlsx", What: "tên đơn vị viết nhiều kiểu: TT, X., chữ hoa, dấu nháy cong, M'Drắk, cách chữ khác", Want: accepted(1, 13),
			make: xlsx(b(bOpts{title: titleB(2019, "SƠ BỘ"), name: func(i int, c commune) string {
				return []string{"TT M'Drắk", "X. Cư Prao", "EA PIL", "xã Ea Lai", "Ea H’MLay", "Krông  Jing", "Ea M'Doal", "Ea Riêng",
					"CƯ M'TA", "Cư Króa", "Krông Á", "Xã Cư San", "ea trang"}[i]
			}}))},
		{Name: "b_issuer_mdrak_spelling.xlsx", What: "tiêu đề ghi UBND HUYỆN M'DRẮK (D thay Đ)", Want: accepted(1, 13),
			make: xlsx(b(bOpts{issuer: "UBND HUYỆN M'DRẮK", title: titleB(2020, "CHÍNH THỨC")}))},
		{Name: "b_blank_and_dash.xlsx", What: "ô trống và \"-\" ở cột số hộ: đọc là 0, có cảnh báo", Want: warned(1, 13, "W_BLANK_COUNT"),
			make: xlsx(b(bOpts{title: titleB(2017, "SƠ BỘ"), numbers: func(i int, f []int) []any {
				c := ints(f...)
				switch i {
				case 0:
					c[7] = "-"
				case 3:
					c[7] = nil
				}
				return c
			}}))},
		{Name: "a_unknown_column.xlsx", What: "cột lạ \"Ghi chú\": giữ lại, có cảnh báo", Want: warned(1, 6, "W_UNKNOWN_COLUMN"),
			make: xlsx(aWith(titleA(2017, "CHÍNH THỨC"), func(i int, r []any) []any { return append(r, fmt.Sprintf("ghi chú %d", i)) }, "Ghi chú"))},
		{Name: "a_formula_and_script_text.xlsx", What: "ô chữ =HYPERLINK(…) và <script>: lưu nguyên văn, không thực thi", Want: warned(1, 6, "W_UNKNOWN_COLUMN"),
			make: xlsx(aWith(titleA(2017, "CHÍNH THỨC"), func(i int, r []any) []any {
				switch i {
				case 1:
					return append(r, `=HYPERLINK("http://evil.example/","bấm vào đây")`)
				case 2:
					return append(r, `<script>alert("x")</script>`)
				}
				return r
			}, "Ghi chú"))},
		{Name: "b_total_mismatch.xlsx", What: "dòng Cộng khác tổng các dòng: nạp, ghi phát hiện", Want: accepted(1, 13, "F_TOTAL_MISMATCH"),
			make: xlsx(b(bOpts{title: titleB(2016, "SƠ BỘ"), total: func(t []int) []any { c := ints(t...); c[0] = t[0] + 10; return c }}))},
		{Name: "b_flow_identity_broken.xlsx", What: "cột 9 ≠ 1 − 2 − 3 − 4 + 5 + 6 + 7 + 8 ở một xã: nạp, ghi phát hiện", Want: accepted(1, 13, "F_FLOW_IDENTITY"),
			make: xlsx(b(bOpts{title: titleB(2016, "CHÍNH THỨC"),
				numbers: func(i int, f []int) []any {
					c := ints(f...)
					if i == 2 {
						c[8] = f[8] + 5
					}
					return c
				},
				total: func(t []int) []any { c := ints(t...); c[8] = t[8] + 5; return c }}))},
		{Name: "a_rate_printed_wrong.xlsx", What: "tỷ lệ hộ nghèo in sai so với số hộ: nạp, ghi phát hiện", Want: accepted(1, 6, "F_RATE_MISMATCH"),
			make: xlsx(aWith(titleA(2016, "CHÍNH THỨC"), func(i int, r []any) []any {
				if i == 1 {
					r[5] = r[5].(float64) + 1.5
				}
				return r
			}))},
		{Name: "d_household_list.xlsx", What: "danh sách hộ (biểu D) của một xã, có cột CCCD (chỉ lưu mã băm)", Want: accepted(1, 40),
			make: xlsx(Sheet{Name: "DS ho", Rows: householdRows(40)})},
		{Name: "d_households_tcvn3_ansi.csv", What: "danh sách hộ CSV lưu kiểu ANSI (Windows-1252) từ mẫu phông .VnTime: chữ mã TCVN3",
			Want: accepted(1, 30), make: then(hhCSV(false, ",", ""), legacyBytes(tcvn3, true))},
		{Name: "d_households_vni_utf8.csv", What: "danh sách hộ CSV UTF-8 từ mẫu phông VNI-Times: chữ mã VNI",
			Want: accepted(1, 30), make: then(hhCSV(false, ",", ""), legacyBytes(vni, false))},
		{Name: "d_households_bom_semicolon.csv", What: "danh sách hộ xuất CSV: có BOM, phân cách chấm phẩy", Want: accepted(1, 30), make: hhCSV(true, ";", "")},
		{Name: "b_export_bom.csv", What: "biểu B xuất CSV, có BOM", Want: accepted(1, 13), make: csvText(true, ",", bExport(2019, nil)...)},
		{Name: "c_export_semicolon_vn_numbers.csv", What: "biểu C xuất CSV chấm phẩy, số kiểu 1.234, cột lạ ghi_chu", Want: warned(1, 13, "W_UNKNOWN_COLUMN"),
			make: csvText(false, ";", cExport()...)},
		{Name: "a_export.parquet", What: "biểu A xuất Parquet", Want: accepted(1, 13), make: parquet(aExport)},

		// --- files that must be refused, database untouched -----------
		{Name: "x_old_excel.xls", What: "tệp Excel 97–2003", Want: rejected("E_FILE_FORMAT", "", 0, ""),
			make: raw(append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 504)...))},
		{Name: "x_xls_renamed.xlsx", What: "tệp .xls đổi đuôi thành .xlsx", Want: rejected("E_FILE_FORMAT", "", 0, ""),
			make: raw(append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 504)...))},
		{Name: "x_text_named.xlsx", What: "tệp chữ đặt tên .xlsx", Want: rejected("E_FILE_FORMAT", "", 0, ""), make: raw([]byte("Báo cáo rà soát hộ nghèo\n"))},
		{Name: "x_unknown_extension.ods", What: "định dạng không hỗ trợ", Want: rejected("E_FILE_FORMAT", "", 0, ""), make: raw([]byte("PK\x03\x04 not really"))},
		{Name: "x_empty.xlsx", What: "tệp rỗng 0 byte", Want: rejected("E_FILE_EMPTY", "", 0, ""), make: raw(nil)},
		{Name: "x_empty.csv", What: "tệp CSV rỗng", Want: rejected("E_FILE_EMPTY", "", 0, ""), make: raw(nil)},
		{Name: "x_truncated_zip.xlsx", What: "tệp zip bị cắt cụt", Want: rejected("E_FILE_UNREADABLE", "", 0, ""),
			make: then(formsMD, func(b []byte) []byte { return b[:len(b)/2] })},
		{Name: "x_corrupt_entry.xlsx", What: "tệp zip hỏng bên trong (sai CRC)", Want: rejected("E_FILE_UNREADABLE", "", 0, ""),
			make: then(formsMD, corruptSheetEntry)},
		{Name: "x_zip_bomb.xlsx", What: "bom zip: 64 KB nén, 64 MB giải nén", Want: rejected("E_ZIP_BOMB", "", 0, ""),
			make: func() ([]byte, error) { return zipBomb(64 << 20) }},
		{Name: "x_unzipped_over_limit.xlsx", What: "biểu bình thường nhưng vượt giới hạn giải nén --max-unzipped", Opt: Opt{MaxUnzipped: 4 << 10},
			Want: rejected("E_ZIP_BOMB", "", 0, ""), make: xlsx(formsMDB(2017, "CHÍNH THỨC"))},
		{Name: "x_oversize.csv", What: "tệp lớn hơn --max-bytes", Opt: Opt{MaxBytes: 512}, Want: rejected("E_TOO_LARGE", "", 0, ""),
			make: csvText(false, ",", bExport(2019, nil)...)},
		{Name: "x_too_many_rows.csv", What: "CSV nhiều dòng hơn --max-rows", Opt: Opt{MaxRows: 10}, Want: rejected("E_TOO_MANY_ROWS", "", 12, ""),
			make: hhCSV(false, ",", "")},
		{Name: "x_too_many_rows.xlsx", What: "sheet nhiều dòng hơn --max-rows", Opt: Opt{MaxRows: 20}, Want: rejected("E_TOO_MANY_ROWS", "Bieu 02", 21, ""),
			make: xlsx(formsMDB(2016, "SƠ BỘ"))},
		{Name: "x_too_many_columns.xlsx", What: "sheet nhiều cột hơn --max-cols", Opt: Opt{MaxCols: 20}, Want: rejected("E_TOO_MANY_COLUMNS", "B", 6, "U"),
			make: xlsx(b(bOpts{title: titleB(2019, "SƠ BỘ"), extra: func(i int) []any {
				if i == 2 {
					r := make([]any, 14)
					r[13] = "ghi chú ở cột Z"
					return r
				}
				return nil
			}}))},
		{Name: "x_count_negative.xlsx", What: "số hộ âm", Want: rejected("E_COUNT_NEGATIVE", "B", 6, "F"),
			make: xlsx(b(bOpts{numbers: editCount(2, 3, -3)}))},
		{Name: "x_count_not_number.xlsx", What: "số hộ không phải là số", Want: rejected("E_COUNT_NOT_NUMBER", "B", 8, "I"),
			make: xlsx(b(bOpts{numbers: editCount(4, 6, "khoảng 10")}))},
		{Name: "x_count_not_whole.xlsx", What: "số hộ lẻ 300,5", Want: rejected("E_COUNT_NOT_WHOLE", "B", 5, "C"),
			make: xlsx(b(bOpts{numbers: editCount(1, 0, "300,5")}))},
		{Name: "x_unit_unknown.xlsx", What: "tên xã không có trong danh mục: báo tên gần nhất", Want: Want{Status: Rejected, Code: "E_UNIT_UNKNOWN", Sheet: "B", Row: 7, Column: "B", MsgContains: "Ea Lai"},
			make: xlsx(b(bOpts{name: func(i int, c commune) string {
				if i == 3 {
					return "Xã Ea Lay"
				}
				return c.Name
			}}))},
		{Name: "x_unit_ambiguous.xlsx", What: "biểu cấp tỉnh, tên \"Ea Tam\" trùng hai đơn vị", Want: Want{Status: Rejected, Code: "E_UNIT_AMBIGUOUS", Sheet: "Tinh", Row: 5, Column: "B", MsgContains: "Krông Năng"},
			make: xlsx(province)},
		{Name: "x_unit_duplicate.xlsx", What: "một xã có hai dòng", Want: rejected("E_UNIT_DUPLICATE", "B", 7, "B"),
			make: xlsx(b(bOpts{n: 5, name: func(i int, c commune) string {
				if i == 3 {
					return mdrak()[1].Name
				}
				return c.Name
			}}))},
		{Name: "x_year_missing.xlsx", What: "tiêu đề không ghi năm, không có --year", Want: rejected("E_YEAR_MISSING", "B", 0, ""),
			make: xlsx(b(bOpts{title: "TỔNG HỢP DIỄN BIẾN HỘ NGHÈO (CHÍNH THỨC)"}))},
		{Name: "x_stage_missing.xlsx", What: "tiêu đề không ghi giai đoạn, không có --stage", Want: rejected("E_STAGE_MISSING", "B", 0, ""),
			make: xlsx(b(bOpts{title: "TỔNG HỢP DIỄN BIẾN HỘ NGHÈO NĂM 2019"}))},
		{Name: "x_unit_missing.xlsx", What: "không có dòng UBND, không có --unit", Want: rejected("E_UNIT_MISSING", "B", 0, ""),
			make: xlsx(bSheet("B", bOpts{title: titleB19}))},
		{Name: "x_conflict_year.xlsx", What: "tệp ghi năm 2019, lệnh --year 2020", Opt: Opt{Year: 2020}, Want: rejected("E_META_CONFLICT", "B", 0, ""),
			make: xlsx(b(bOpts{title: titleB(2019, "PHÚC TRA")}))},
		{Name: "x_conflict_stage.xlsx", What: "tệp ghi chính thức, lệnh --stage approved", Opt: Opt{Stage: "approved"}, Want: rejected("E_META_CONFLICT", "B", 0, ""),
			make: xlsx(b(bOpts{title: titleB(2021, "CHÍNH THỨC")}))},
		{Name: "x_conflict_unit.xlsx", What: "tệp của UBND huyện M'Đrắk, lệnh --unit 651 (Ea Kar)", Opt: Opt{Unit: "651"}, Want: rejected("E_META_CONFLICT", "B", 0, ""),
			make: xlsx(b(bOpts{title: titleB(2021, "SƠ BỘ")}))},
		{Name: "x_cycle_unknown.xlsx", What: "năm không có kỳ rà soát (2012)", Want: rejected("E_CYCLE_UNKNOWN", "B", 0, ""),
			make: xlsx(b(bOpts{title: titleB(2012, "CHÍNH THỨC")}))},
		{Name: "x_column_missing.xlsx", What: "biểu B thiếu cột Số hộ nghèo cuối kỳ", Want: rejected("E_COLUMN_MISSING", "B", 3, ""),
			make: xlsx(b(bOpts{header: bHeaderRow()[:10], numbers: func(_ int, f []int) []any { return ints(f[:8]...) }, total: func(t []int) []any { return ints(t[:8]...) }}))},
		{Name: "x_header_not_found.xlsx", What: "có tiêu đề biểu B nhưng không có dòng tiêu đề cột", Want: rejected("E_HEADER_NOT_FOUND", "B", 0, ""),
			make: xlsx(Sheet{Name: "B", Rows: [][]any{cells(mdrakIssuer), cells(titleB19), cells("x", "y", "z"), cells(1, 2, 3)}})},
		{Name: "x_no_form.xlsx", What: "sổ làm việc không có biểu nào", Want: rejected("E_NO_FORM", "", 0, ""),
			make: xlsx(Sheet{Name: "Ghi chu", Rows: [][]any{cells("Danh mục văn bản"), cells("Số", "Ngày", "Trích yếu")}})},
		// --- impossible figures and slices of an export (issue 9) -----
		{Name: "b_export_two_stages.csv", What: "biểu B xuất CSV có cả sơ bộ và chính thức (mỗi dòng ghi stage): nạp thành hai phần", Want: accepted(2, 26),
			make: csvText(false, ",", twoStages(",")...)},
		{Name: "x_csv_two_stages_flag.csv", What: "CSV hai giai đoạn, lệnh --stage official: phần sơ bộ mâu thuẫn", Opt: Opt{Stage: "official"},
			Want: rejected("E_META_CONFLICT", "2019/preliminary", 0, ""), make: csvText(false, ";", twoStages(";")...)},
		{Name: "x_count_overflow.csv", What: "số hộ 99999999999999999999: không bao giờ thành số âm", Want: rejected("E_COUNT_TOO_LARGE", "", 6, "poor_in_new"),
			make: csvText(false, ",", bExport(2019, func(i int, r []string) []string {
				if i == 4 {
					r[10] = "99999999999999999999"
				}
				return r
			})...)},
		{Name: "x_count_1e30.xlsx", What: "ô số 1e30 ở cột số hộ", Want: rejected("E_COUNT_TOO_LARGE", "B", 9, "I"),
			make: xlsx(b(bOpts{numbers: editCount(5, 6, 1e30)}))},
		{Name: "x_outflow_exceeds_stock.csv", What: "số hộ nghèo giảm nhiều hơn số hộ nghèo đầu kỳ", Want: rejected("E_OUTFLOW_EXCEEDS_STOCK", "", 4, "poor_out_other"),
			make: csvText(false, ",", bExport(2019, func(i int, r []string) []string {
				if i == 2 {
					r[7] = "900"
				}
				return r
			})...)},
		{Name: "x_poor_exceeds_households.csv", What: "số hộ nghèo lớn hơn tổng số hộ", Want: rejected("E_PART_EXCEEDS_TOTAL", "", 5, "poor_end"),
			make: func() ([]byte, error) {
				recs := [][]string{{"year", "stage", "unit_code", "total_households", "total_persons", "poor_end", "near_poor_end"}}
				for i, c := range mdrak() {
					t, p, po, n := formA(i)
					if i == 3 {
						po = t + 5
					}
					recs = append(recs, []string{"2023", "official", c.Code, fmt.Sprint(t), fmt.Sprint(p), fmt.Sprint(po), fmt.Sprint(n)})
				}
				return csvText(false, ",", recs...)()
			}},
		{Name: "x_em_poor_exceeds.csv", What: "hộ nghèo DTTS nhiều hơn hộ DTTS", Want: rejected("E_PART_EXCEEDS_TOTAL", "", 8, "em_poor"),
			make: func() ([]byte, error) {
				recs := [][]string{{"year", "stage", "unit_code", "total_households", "total_persons", "poor_end", "near_poor_end", "em_households", "em_poor"}}
				for i, c := range mdrak() {
					t, p, po, n := formA(i)
					eh, ep := po, po/2
					if i == 6 {
						eh, ep = po/2, po/2+1
					}
					recs = append(recs, []string{"2023", "official", c.Code, fmt.Sprint(t), fmt.Sprint(p), fmt.Sprint(po), fmt.Sprint(n), fmt.Sprint(eh), fmt.Sprint(ep)})
				}
				return csvText(false, ",", recs...)()
			}},
		{Name: "x_header_only.csv", What: "CSV chỉ có dòng tiêu đề, không có dòng số liệu", Want: rejected("E_NO_ROWS", "", 0, ""),
			make: csvText(false, ",", bExport(2019, nil)[0])},
		{Name: "x_header_only.xlsx", What: "sheet biểu B chỉ có tiêu đề và dòng tiêu đề cột", Want: rejected("E_NO_ROWS", "B", 0, ""),
			make: xlsx(Sheet{Name: "B", Rows: [][]any{cells(mdrakIssuer), cells(titleB19), bHeaderRow()}})},
		{Name: "x_household_duplicate.csv", What: "danh sách hộ có một mã hộ hai lần trong một xã", Want: rejected("E_HOUSEHOLD_DUPLICATE", "", 22, "household_id"),
			make: hhEdit(func(i int, r []string) []string {
				if i == 20 {
					r[3] = "EP-0004"
				}
				return r
			})},
		{Name: "x_head_id_duplicate.csv", What: "danh sách hộ có một số CCCD chủ hộ ở hai hộ", Want: rejected("E_HEAD_ID_DUPLICATE", "", 27, "head_id"),
			make: hhEdit(func(i int, r []string) []string {
				if i == 25 {
					r[len(r)-1] = "066100000009"
				}
				return r
			})},
		{Name: "x_csv_not_number.csv", What: "CSV có số hộ không phải là số", Want: rejected("E_COUNT_NOT_NUMBER", "", 5, "poor_in_new"),
			make: csvText(false, ",", bExport(2019, func(i int, r []string) []string {
				if i == 3 {
					r[10] = "n/a"
				}
				return r
			})...)},
		{Name: "x_csv_bad_class.csv", What: "danh sách hộ có phân loại không hợp lệ", Want: rejected("E_VALUE_INVALID", "", 19, "class_end"), make: hhCSV(false, ",", "giàu")},
		{Name: "x_csv_no_form.csv", What: "CSV không phải biểu nào", Want: rejected("E_NO_FORM", "", 1, ""), make: csvText(false, ",", []string{"ma", "ten"}, []string{"1", "a"})},
		{Name: "x_csv_duplicate_column.csv", What: "CSV có cột trùng tên", Want: rejected("E_COLUMN_DUPLICATE", "", 1, "poor_end"),
			make: csvText(false, ",", append([][]string{append(bExport(2019, nil)[0], "poor_end")}, bExport(2019, nil)[1:]...)...)},
		{Name: "x_corrupt.parquet", What: "tệp Parquet hỏng", Want: rejected("E_FILE_UNREADABLE", "", 0, ""), make: raw([]byte("PAR1 this is not parquet PAR1"))},

		// --- the same bytes again ---------------------------------------
		{Name: "b_district_forms_md_again.xlsx", What: "cùng nội dung với b_district_forms_md.xlsx: không nạp lại", Want: Want{Status: Unchanged}, make: formsMD},
	}
	return append(cs, layoutCases()...)
}

// corruptSheetEntry flips bytes in the middle of the first worksheet's
// compressed data, leaving the zip directory intact.
func corruptSheetEntry(b []byte) []byte {
	out := append([]byte(nil), b...)
	i := strings.Index(string(out), "xl/worksheets/sheet1.xml")
	if i < 0 {
		return out
	}
	for k := i + 60; k < i+90 && k < len(out); k++ {
		out[k] ^= 0xA5
	}
	return out
}
