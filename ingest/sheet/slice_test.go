package sheet

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"rasoat/review"
)

// An export holding several (year, stage) slices reads as one form per
// slice, in order of first appearance, each row in its own slice; a blank
// slice cell takes the file's one value.
func TestReadCSVSlices(t *testing.T) {
	const head = "year,stage,unit_code,poor_start,poor_out_to_near_poor,poor_out_above_near_poor,poor_out_other,poor_in_from_near_poor,poor_in_repoor,poor_in_new,poor_in_other,poor_end\n"
	row := func(y, st, code string, end int) string {
		return fmt.Sprintf("%s,%s,%s,10,0,0,0,0,0,%d,0,%d\n", y, st, code, end-10, end)
	}
	const hh = "year,stage,unit_code,household_id,head_name,members,class_end\n"
	for _, tc := range []struct {
		name string
		in   string
		// want: per form, "label meta: unit=end …" (households: unit=id)
		want []string
	}{
		{"one slice", head + row("2019", "official", "24412", 12) + row("2019", "official", "24415", 13),
			[]string{"|2019 official| 24412=12 24415=13"}},
		{"two stages interleaved", head + row("2019", "preliminary", "24412", 12) + row("2019", "official", "24412", 14) +
			row("2019", "sơ bộ", "24415", 15) + row("2019", "chính thức", "24415", 16),
			[]string{"|2019/preliminary 2019 preliminary| 24412=12 24415=15", "|2019/official 2019 official| 24412=14 24415=16"}},
		{"two years, blank stage takes the one stage", head + row("2019", "official", "24412", 12) + row("2020", "", "24412", 11),
			[]string{"|2019/official 2019 official| 24412=12", "|2020/official 2020 official| 24412=11"}},
		{"household list of two stages", hh + "2019,preliminary,24412,H1,A,3,poor\n2019,official,24412,H1,A,3,near_poor\n2019,official,24412,H2,B,4,poor\n",
			[]string{"|2019/preliminary 2019 preliminary| 24412=H1", "|2019/official 2019 official| 24412=H1 24412=H2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs, ps := ReadCSV(context.Background(), "x.csv", strings.NewReader(tc.in), Options{})
			if ps.Rejects() {
				t.Fatalf("problems: %v", codes(ps))
			}
			var got []string
			for _, f := range fs {
				s := fmt.Sprintf("|%s %d %s|", strings.TrimSpace(f.Sheet+" "), f.Meta.Year, f.Meta.Stage)
				if f.Sheet == "" {
					s = fmt.Sprintf("|%d %s|", f.Meta.Year, f.Meta.Stage)
				}
				for _, r := range f.Rows {
					s += fmt.Sprintf(" %s=%v", r.UnitCode, r.Values["poor_end"])
				}
				for _, h := range f.Households {
					s += fmt.Sprintf(" %s=%s", h.UnitCode, h.HouseholdID)
				}
				if f.Meta.Form == review.FormD && len(f.Extra) != len(f.Households) || f.Meta.Form != review.FormD && len(f.Extra) != len(f.Rows) {
					t.Errorf("%s: %d extra for %d rows", f.Sheet, len(f.Extra), len(f.Rows)+len(f.Households))
				}
				got = append(got, s)
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}
