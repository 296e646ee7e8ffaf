package corpus

import "fmt"

// layoutCases are legitimate layouts real district workbooks use that an
// earlier reader rejected (issue 9): a column-number row carrying the
// form's identity, an issuer and title on one line, a group row naming the
// district itself with its code, numbered rows left empty. They must load
// with the right figures; a row with figures and no unit is still bad.
func layoutCases() []Case {
	const n = 13
	numbersRow := func(last string, parens bool) []any {
		r := cells("A", "B")
		if parens {
			r = cells("(1)", "(2)")
		}
		for k := 1; k <= 8; k++ {
			if parens {
				r = append(r, fmt.Sprintf("(%d)", k+2))
			} else {
				r = append(r, fmt.Sprint(k))
			}
		}
		return append(r, last)
	}
	withRow := func(s Sheet, at int, row []any) Sheet {
		rows := append([][]any{}, s.Rows[:at]...)
		rows = append(rows, row)
		s.Rows = append(rows, s.Rows[at:]...)
		return s
	}
	mdB := func(year int, stage string) bOpts {
		return bOpts{issuer: mdrakIssuer, title: titleB(year, stage)}
	}
	// withCode puts a "Mã ĐVHC" column after the unit name.
	withCode := func(s Sheet) Sheet {
		for i, r := range s.Rows {
			if len(r) < 2 {
				continue
			}
			var code any
			switch {
			case i == 2:
				code = "Mã ĐVHC"
			case i >= 3 && i < 3+n:
				code = mdrak()[i-3].Code
			}
			s.Rows[i] = append(append(cells(r[0], r[1]), code), r[2:]...)
		}
		return s
	}
	return []Case{
		{Name: "b_number_row_identity.xlsx", What: "dòng số cột A, B, 1…8 và ô cuối \"(9)=1-2-3-4+5+6+7+8\": là dòng số cột, không phải số liệu",
			Want: accepted(1, n), make: xlsx(withRow(bSheet("Bieu 02", mdB(2022, "SƠ BỘ")), 3, numbersRow("(9)=1-2-3-4+5+6+7+8", false)))},
		{Name: "b_number_row_identity_bare.xlsx", What: "dòng số cột có ô cuối \"9=1-2-3-4+5+6+7+8\"",
			Want: accepted(1, n), make: xlsx(withRow(bSheet("Bieu 02", mdB(2022, "CHÍNH THỨC")), 3, numbersRow("9=1-2-3-4+5+6+7+8", false)))},
		{Name: "b_number_row_parens_identity.xlsx", What: "dòng số cột (1), (2)… (10) và ô cuối \"(11)=(3)-(4)-(5)-(6)+(7)+(8)+(9)+(10)\"",
			Want: accepted(1, n), make: xlsx(withRow(bSheet("Bieu 02", mdB(2022, "PHÚC TRA")), 3, numbersRow("(11)=(3)-(4)-(5)-(6)+(7)+(8)+(9)+(10)", true)))},
		{Name: "b_issuer_and_title_one_line.xlsx", What: "cơ quan và tiêu đề trên một dòng: \"UBND HUYỆN M'ĐRẮK - TỔNG HỢP DIỄN BIẾN HỘ NGHÈO NĂM 2024 (CHÍNH THỨC)\"",
			Want: accepted(1, n), make: xlsx(bSheet("Bieu 02", bOpts{issuer: mdrakIssuer + " - " + titleB(2024, "CHÍNH THỨC")}))},
		{Name: "b_group_row_is_district.xlsx", What: "dòng nhóm số La Mã mang tên chính huyện và mã huyện ở cột mã; các xã có mã",
			Want: accepted(1, n), make: xlsx(withRow(withCode(bSheet("Bieu 02", mdB(2023, "SƠ BỘ"))), 3, cells("I", "Huyện M'Đrắk", "652")))},
		{Name: "b_unused_numbered_rows.xlsx", What: "dòng chỉ có STT, không có tên và số liệu (dòng kẻ sẵn chưa dùng)",
			Want: accepted(1, n), make: xlsx(withRow(withRow(bSheet("Bieu 02", mdB(2023, "CHÍNH THỨC")), 3+n, cells(n+1)), 3+n+1, cells(n+2)))},
		{Name: "x_row_figures_without_unit.xlsx", What: "dòng có STT và số liệu nhưng không có tên, không có mã đơn vị: vẫn bị từ chối",
			Want: rejected("E_UNIT_UNKNOWN", "Bieu 02", 17, "B"),
			make: xlsx(withRow(bSheet("Bieu 02", mdB(2023, "PHÚC TRA")), 3+n, append(cells(n+1, nil), ints(flows(3, 300)...)...)))},
	}
}
