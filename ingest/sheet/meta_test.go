package sheet

import (
	"testing"

	"rasoat/review"
)

func TestParseMeta(t *testing.T) {
	for _, tc := range []struct {
		name  string
		lines []string
		want  Meta
	}{
		{"district B, attachment date ignored", []string{"UBND HUYỆN M'ĐRẮK", "TỔNG HỢP DIỄN BIẾN HỘ NGHÈO NĂM 2019 (CHÍNH THỨC)",
			"(Kèm theo Báo cáo số 215/BC-UBND ngày 28/9/2020 về phê duyệt)"},
			Meta{Form: review.FormB, Year: 2019, Stage: review.Official, IssuerLevel: LevelDistrict, IssuerName: "M'ĐRẮK"}},
		{"province, period is not the year", []string{"ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK", "KẾT QUẢ RÀ SOÁT HỘ NGHÈO GIAI ĐOẠN 2016 - 2020, NĂM 2018", "Sơ bộ"},
			Meta{Form: review.FormA, Year: 2018, Stage: review.Preliminary, Standard: StandardQD59, IssuerLevel: LevelProvince, IssuerName: "ĐẮK LẮK"}},
		{"town, QĐ 59 and reverified", []string{"UBND THỊ XÃ BUÔN HỒ", "DIỄN BIẾN HỘ CẬN NGHÈO (sau phúc tra) theo QĐ 59/2015/QĐ-TTg", "Năm 2017"},
			Meta{Form: review.FormC, Year: 2017, Stage: review.Reverified, Standard: StandardQD59, IssuerLevel: LevelDistrict, IssuerName: "BUÔN HỒ"}},
		{"NĐ 351, approved, commune town", []string{"UBND THỊ TRẤN EA KNỐP", "DANH SÁCH HỘ NGHÈO NĂM 2027 ĐƯỢC PHÊ DUYỆT", "Chuẩn nghèo giai đoạn 2026-2030 (NĐ 351)"},
			Meta{Form: review.FormD, Year: 2027, Stage: review.Approved, Standard: StandardND351, IssuerLevel: LevelCommune, IssuerName: "EA KNỐP"}},
		{"signing date is not the year", []string{"Ea Kar, ngày 08 tháng 10 năm 2021", "TỔNG HỢP DIỄN BIẾN HỘ NGHÈO"},
			Meta{Form: review.FormB}},
		{"nothing said", []string{"Biểu số 02", "Đơn vị tính: hộ"}, Meta{}},
	} {
		if got := parseMeta(tc.lines); got != tc.want {
			t.Errorf("%s: got %+v\nwant %+v", tc.name, got, tc.want)
		}
	}
}

func TestCommuneFromTitle(t *testing.T) {
	for in, want := range map[string]string{
		"Xã: Ea Kao":             "Ea Kao",
		"XÃ EA KAO":              "EA KAO",
		"Đơn vị: Phường Tân Lập": "Tân Lập",
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM": "",
		"Thị trấn Phước An":                  "Phước An",
	} {
		if got := communeFromTitle([]string{in}); got != want {
			t.Errorf("communeFromTitle(%q) = %q, want %q", in, got, want)
		}
	}
}
