package dashboards

import (
	"testing"
	"time"
)

func TestFormats(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	for _, c := range []struct{ got, want string }{
		{fmtInt(0), "0"},
		{fmtInt(999), "999"},
		{fmtInt(1000), "1.000"},
		{fmtInt(446297), "446.297"},
		{fmtInt(1234567), "1.234.567"},
		{fmtInt(-57180), "-57.180"},
		{fmtDec(12.8121, 2), "12,81"},
		{fmtDec(1234.5, 1), "1.234,5"},
		{fmtDec(0.125, 2), "0,13"}, // half away from zero, not to even
		{fmtDec(-0.001, 2), "0,00"},
		{fmtDec(-1.25, 1), "-1,3"},
		{fmtDec(15, 0), "15"},
		{fmtPct(57180 * 100.0 / 446297), "12,81%"},
		{fmtPP(nil), "—"},
		{fmtPP(f(2.5558)), "2,56"},
		{fmtTarget(1.5, 2, true), "1,5–2"},
		{fmtTarget(2.5, 3, true), "2,5–3"},
		{fmtTarget(3, 0, false), "≥ 3"},
		{fmtDate(time.Date(2019, 1, 3, 0, 0, 0, 0, time.UTC)), "03/01/2019"},
		{fmtDateTime(time.Date(2025, 10, 30, 7, 5, 0, 0, time.UTC)), "07:05 ngày 30/10/2025"},
		{standardLabel("ND07_2021"), "NĐ 07/2021"},
		{standardLabel("XYZ"), "XYZ"},
		{stageLabel("official"), "chính thức"},
		{levelLabel("district"), "huyện"},
		{levelLabel("commune"), "xã"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
