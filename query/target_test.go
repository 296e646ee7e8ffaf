package query

import (
	"context"
	"testing"

	"rasoat/query/querytest"
)

func TestTargetChoice(t *testing.T) {
	q := New(querytest.Open(t).DB)
	for _, c := range []struct {
		unit     string
		year     int
		baseline bool
		period   string // "" = no target
		min, max float64
	}{
		{"99", 2021, false, "2016-2020", 2.5, 3}, // QĐ 59 reduction 2020→2021 ends the old period
		{"99", 2021, true, "2021-2025", 1.5, 2},  // the NĐ 07 baseline starts the new one
		{"99", 2025, false, "2021-2025", 1.5, 2}, // own target beats the national 1–1,5
		{"99", 2026, false, "2026-2030", 1, 1.5}, // only the 2026–2030 row covers 2026
		{"77", 2023, false, "2021-2025", 1, 1.5}, // no own target: national
		{"77", 2021, false, "2021-2025", 1, 1.5}, // the only candidate, even in its first year
		{"66", 2018, false, "2016-2020", 2.5, 3}, // Đắk Lắk 2016–2020
		{"66", 2026, false, "", 0, 0},            // nothing covers 2026 for 66
		{"99", 2031, false, "", 0, 0},
	} {
		got, err := q.target(context.Background(), c.unit, c.year, c.baseline)
		if err != nil {
			t.Fatal(err)
		}
		if c.period == "" {
			if got != nil {
				t.Errorf("%s %d: got %+v, want none", c.unit, c.year, got)
			}
			continue
		}
		if got == nil || got.Period != c.period || got.Min != c.min || got.Max != c.max || !got.HasMax {
			t.Errorf("%s %d baseline=%v: got %+v, want %s %v–%v", c.unit, c.year, c.baseline, got, c.period, c.min, c.max)
		}
	}
}

func TestTargetStatus(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	for _, c := range []struct {
		name       string
		red        *float64
		comparable bool
		lo, hi     float64
		hasMax     bool
		want       string
	}{
		{"above max", f(2.01), true, 1.5, 2, true, StatusExceeds},
		{"at max", f(2), true, 1.5, 2, true, StatusMeets},
		{"float just under max rounds to it", f(1.9999999), true, 1.5, 2, true, StatusMeets},
		{"at min", f(1.5), true, 1.5, 2, true, StatusMeets},
		{"float just under min rounds to it", f(1.4999999), true, 1.5, 2, true, StatusMeets},
		{"under min", f(1.49), true, 1.5, 2, true, StatusMisses},
		{"rate went up", f(-0.3), true, 1.5, 2, true, StatusMisses},
		{"open-ended never exceeded", f(9), true, 3, 0, false, StatusMeets},
		{"not comparable", f(2), false, 1.5, 2, true, StatusNotComparable},
		{"no reduction", nil, true, 1.5, 2, true, StatusNotComparable},
	} {
		if got := targetStatus(c.red, c.comparable, c.lo, c.hi, c.hasMax); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}
