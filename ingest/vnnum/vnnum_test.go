package vnnum

import (
	"math"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in    string
		want  float64
		blank bool
		bad   bool
	}{
		// Vietnamese notation.
		{in: "1.234", want: 1234},
		{in: "12,81", want: 12.81},
		{in: "1.234,5", want: 1234.5},
		{in: "1.234.567", want: 1234567},
		{in: "1.234.567,89", want: 1234567.89},
		{in: "7.801", want: 7801},
		{in: "0,5", want: 0.5},
		{in: ",5", want: 0.5},
		// Plain notation.
		{in: "57180", want: 57180},
		{in: " 57180 ", want: 57180},
		{in: "12.81", want: 12.81},
		{in: "1.5", want: 1.5},
		{in: "0.123", want: 0.123},       // leading 0 cannot start a grouped number
		{in: "1234.567", want: 1234.567}, // first group too long to be grouped
		{in: "12.3456", want: 12.3456},   // four decimals: not a thousands group
		{in: "1,234.5", want: 1234.5},    // English grouping with decimal point
		{in: "1,234,567", want: 1234567}, // several commas group thousands
		{in: "1.5E-05", want: 1.5e-05},
		{in: "2E3", want: 2000},
		// Ambiguous: the documented rules decide.
		{in: "1,234", want: 1.234}, // a single comma is a decimal comma
		{in: "123.456", want: 123456},
		{in: "999.999", want: 999999},
		{in: "000.123", want: 0.123},
		// Spaces as thousands separators.
		{in: "1 234", want: 1234},
		{in: "1\u00a0234", want: 1234},
		{in: "1\u202f234,5", want: 1234.5},
		{in: "12 345 678", want: 12345678},
		{in: "1 234.567", want: 1234567},
		// Signs, brackets, percent.
		{in: "(12)", want: -12},
		{in: "( 1.234 )", want: -1234},
		{in: "-12", want: -12},
		{in: "−3", want: -3},
		{in: "+7", want: 7},
		{in: "12%", want: 12},
		{in: "12,81 %", want: 12.81},
		{in: "-0", want: 0},
		// Blanks.
		{in: "", blank: true},
		{in: "   ", blank: true},
		{in: "-", blank: true},
		{in: " – ", blank: true},
		{in: "—", blank: true},
		// Not numbers.
		{in: "abc", bad: true},
		{in: "12a", bad: true},
		{in: "1.23.4", bad: true},
		{in: "1..234", bad: true},
		{in: "12 34", bad: true},
		{in: "1.234,5,6", bad: true},
		{in: "1,234.5.6", bad: true},
		{in: "12,", bad: true},
		{in: "12.", bad: true},
		{in: ".", bad: true},
		{in: "()", bad: true},
		{in: "--5", bad: true},
		{in: "1,2 3", bad: true},
		{in: "1e999", bad: true},
		{in: "=SUM(A1:A3)", bad: true},
		{in: "x", bad: true},
		{in: "%", bad: true},
	} {
		v, blank, err := Parse(tc.in)
		if tc.bad {
			if err == nil {
				t.Errorf("Parse(%q) = %v, %v, nil; want an error", tc.in, v, blank)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(%q): unexpected error %v", tc.in, err)
			continue
		}
		if blank != tc.blank || v != tc.want {
			t.Errorf("Parse(%q) = %v, blank %v; want %v, blank %v", tc.in, v, blank, tc.want, tc.blank)
		}
	}
}

func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		in   float64
		want string
	}{
		{0, "0"},
		{12, "12"},
		{1234, "1.234"},
		{1234.5, "1.234,5"},
		{-1234567.25, "-1.234.567,25"},
		{12.81, "12,81"},
		{0.001, "0,001"},
		{100, "100"},
		{1000, "1.000"},
		{math.Copysign(0, -1), "0"},
	} {
		if got := Format(tc.in); got != tc.want {
			t.Errorf("Format(%v) = %q, want %q", tc.in, got, tc.want)
		}
		if v, _, err := Parse(Format(tc.in)); err != nil || v != tc.in {
			t.Errorf("Parse(Format(%v)) = %v, %v", tc.in, v, err)
		}
	}
	for _, tc := range []struct {
		in   float64
		dec  int
		want string
	}{
		{12.814, 2, "12,81"},
		{12.815001, 2, "12,82"},
		{7.5, 2, "7,50"},
		{1234.5, 1, "1.234,5"},
		{1234.56, 0, "1.235"},
		{12.8121, 2, "12,81"},
		{0.125, 2, "0,13"}, // half away from zero, not to even
		{-1.25, 1, "-1,3"},
		{-0.001, 2, "0,00"}, // no "-0,00"
		{15, 0, "15"},
		{1234567.891, 2, "1.234.567,89"},
		{9.1, 2, "9,10"},
		{57180.0 / 446297 * 100, 2, "12,81"},
	} {
		if got := FormatFixed(tc.in, tc.dec); got != tc.want {
			t.Errorf("FormatFixed(%v, %d) = %q, want %q", tc.in, tc.dec, got, tc.want)
		}
	}
}

func TestFormatInt(t *testing.T) {
	for _, tc := range []struct {
		in   int64
		want string
	}{{0, "0"}, {7, "7"}, {999, "999"}, {1000, "1.000"}, {446297, "446.297"}, {1234567, "1.234.567"}, {-57180, "-57.180"}, {-4500, "-4.500"}} {
		if got := FormatInt(tc.in); got != tc.want {
			t.Errorf("FormatInt(%d) = %q, want %q", tc.in, got, tc.want)
		}
		if v, _, err := Parse(FormatInt(tc.in)); err != nil || v != float64(tc.in) {
			t.Errorf("Parse(FormatInt(%d)) = %v, %v", tc.in, v, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"1.234", "12,81", "1.234,5", "1 234", "(12)", "12%", "-", "", "0.123", "1,234.5", "1.5E-05", "abc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, blank, err := Parse(s)
		if err != nil || blank {
			return
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("Parse(%q) = %v", s, v)
		}
		back := Format(v)
		w, blank2, err := Parse(back)
		if err != nil || blank2 || w != v {
			t.Fatalf("Parse(%q) = %v; Format = %q; re-parse = %v, %v, %v", s, v, back, w, blank2, err)
		}
	})
}
