package sheet

import "testing"

// A date line written dd/mm/yyyy ends the body like "ngày 8 tháng 10 năm
// 2019" does; a unit row and a number never do.
func TestIsFooterDates(t *testing.T) {
	for _, c := range []struct {
		row  []string
		want bool
	}{
		{[]string{"", "", "Buôn Ma Thuột, ngày 08/10/2019"}, true},
		{[]string{"", "Tỉnh Mẫu, ngày 5-12-2026"}, true},
		{[]string{"", "M'Đrắk, ngày 08 tháng 10 năm 2019"}, true},
		{[]string{"1", "Xã Ea Kao", "1.234"}, false},
		{[]string{"", "08/10/2019"}, false},
	} {
		if got := isFooter(c.row); got != c.want {
			t.Errorf("isFooter(%q) = %v, want %v", c.row, got, c.want)
		}
	}
}
