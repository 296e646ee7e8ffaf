package vntext

import "testing"

func TestFold(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Xã Ea Kao", "xa ea kao"},
		{"EA  KAO ", "ea kao"},
		{"Ea H’leo", "ea hleo"},
		{"Ea H'leo", "ea hleo"},
		{"M'Đrắk", "mdrak"},
		{"M'Drắk", "mdrak"},
		{"Tổng số hộ\ndân cư", "tong so ho dan cu"},
		{"Thoát nghèo,\u00a0trở thành hộ cận nghèo", "thoat ngheo tro thanh ho can ngheo"},
		{"Xa\u0303 Ea Kao", "xa ea kao"}, // NFD input
		{"(1)", "1"},
	} {
		if got := Fold(tc.in); got != tc.want {
			t.Errorf("Fold(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
