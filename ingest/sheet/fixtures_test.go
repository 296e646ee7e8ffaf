package sheet

// formBExample is the district Form B sheet of docs/forms.md §2, cell for cell.
func formBExample() ws {
	rows := make([][]any, 29)
	rows[0] = []any{"UBND HUYỆN M'ĐRẮK", nil, nil, nil, nil, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"}
	rows[1] = []any{nil, nil, nil, nil, nil, "Độc lập - Tự do - Hạnh phúc"}
	rows[2] = []any{nil, nil, nil, "Biểu số 02"}
	rows[3] = []any{nil, "TỔNG HỢP DIỄN BIẾN HỘ NGHÈO NĂM 2019 (CHÍNH THỨC)"}
	rows[4] = []any{nil, "(Kèm theo Báo cáo số 215/BC-UBND ngày 08/10/2019 của UBND huyện M'Đrắk)"}
	rows[5] = []any{nil, nil, nil, nil, nil, nil, nil, nil, nil, "Đơn vị tính: hộ"}
	rows[6] = []any{"STT", "Đơn vị", "Số hộ nghèo đầu kỳ", "Giảm trong kỳ", nil, nil, "Tăng trong kỳ", nil, nil, nil, "Số hộ nghèo cuối kỳ"}
	rows[7] = []any{nil, nil, nil, "Thoát nghèo", nil, "Giảm khác", "CN→N", "Tái nghèo", "PS mới", "Khác"}
	rows[8] = []any{nil, nil, nil, "→CN", "Vượt CN"}
	rows[9] = []any{"A", "B", "1", "2", "3", "4", "5", "6", "7", "8", "9"}
	rows[10] = []any{"I", "Thị trấn"}
	rows[11] = []any{1, "Thị trấn M'Đrắk", 412, 61, 23, 4, 6, 3, 9, 2, 344}
	rows[12] = []any{"II", "Các xã"}
	rows[13] = []any{1, "Xã Cư Prao", 908, 120, 41, 9, 14, 5, 22, 3, 782}
	rows[25] = []any{nil, "Cộng", "1.320", "181", "64", "13", "20", "8", "31", "5", "1.126"}
	rows[27] = []any{nil, nil, nil, nil, nil, nil, nil, "M'Đrắk, ngày 08 tháng 10 năm 2019"}
	rows[28] = []any{nil, "Người lập biểu", nil, nil, nil, nil, nil, "KT. CHỦ TỊCH"}
	return ws{name: "Bieu 02", rows: rows, merges: [][2]string{
		{"A1", "C1"}, {"F1", "K1"}, {"F2", "K2"}, {"B4", "K4"}, {"B5", "K5"},
		{"A7", "A9"}, {"B7", "B9"}, {"C7", "C9"}, {"D7", "F7"}, {"G7", "J7"}, {"K7", "K9"},
		{"D8", "E8"}, {"F8", "F9"}, {"G8", "G9"}, {"H8", "H9"}, {"I8", "I9"}, {"J8", "J9"},
	}}
}

// bHeader is a one-row Form B header with STT and name.
func bHeader() []any {
	return []any{"STT", "Đơn vị", "Số hộ nghèo đầu kỳ", "Thoát nghèo, trở thành hộ cận nghèo", "Thoát nghèo, vượt chuẩn cận nghèo",
		"Giảm khác", "Hộ cận nghèo trở thành hộ nghèo", "Tái nghèo", "Phát sinh mới", "Tăng khác", "Số hộ nghèo cuối kỳ"}
}

// cHeader is a one-row Form C header with STT and name.
func cHeader() []any {
	return []any{"STT", "Đơn vị", "Số hộ cận nghèo đầu kỳ", "Thoát cận nghèo", "Trở thành hộ nghèo", "Giảm khác",
		"Hộ nghèo trở thành hộ cận nghèo", "Tái cận nghèo", "Phát sinh mới", "Tăng khác", "Số hộ cận nghèo cuối kỳ"}
}

// row builds a body row from STT, name and counts.
func row(stt any, name string, counts ...any) []any {
	return append([]any{stt, name}, counts...)
}

// simpleB is a Form B sheet with a two-line title, a one-row header and the
// given body rows (from row 4).
func simpleB(name, title string, body ...[]any) ws {
	rows := [][]any{{"UBND HUYỆN EA KAR"}, {title}, bHeader()}
	return ws{name: name, rows: append(rows, body...)}
}
