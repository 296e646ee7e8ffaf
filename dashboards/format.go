package dashboards

import (
	"math"
	"strings"
	"time"

	"rasoat/ingest/vnnum"
	"rasoat/review"
)

// Vietnamese number and date formats: "." groups thousands, "," marks
// decimals (1.234,5), dates are dd/mm/yyyy.

// fmtInt formats a count: 446297 → "446.297".
func fmtInt(n int64) string { return vnnum.FormatInt(n) }

// fmtDec formats v with exactly digits decimals (vnnum.FormatFixed), or
// "—" when there is no number.
func fmtDec(v float64, digits int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "—"
	}
	return vnnum.FormatFixed(v, digits)
}

// fmtPct formats a rate in percent: 12.8121 → "12,81%".
func fmtPct(v float64) string { return fmtDec(v, 2) + "%" }

// fmtPP formats a reduction in percentage points, or "—" when there is none.
func fmtPP(v *float64) string {
	if v == nil {
		return "—"
	}
	return fmtDec(*v, 2)
}

// fmtTarget formats a target range: "1,5–2" or "≥ 3" when open-ended.
func fmtTarget(lo, hi float64, hasMax bool) string {
	trim := func(v float64) string {
		s := fmtDec(v, 2)
		s = strings.TrimRight(s, "0")
		return strings.TrimSuffix(s, ",")
	}
	if !hasMax {
		return "≥ " + trim(lo)
	}
	return trim(lo) + "–" + trim(hi)
}

// fmtDate formats a day as dd/mm/yyyy.
func fmtDate(t time.Time) string { return t.Format("02/01/2006") }

// fmtDateTime formats a moment as "HH:MM ngày dd/mm/yyyy".
func fmtDateTime(t time.Time) string { return t.Format("15:04") + " ngày " + fmtDate(t) }

// standardLabel names a poverty standard as documents write it.
func standardLabel(code string) string {
	switch code {
	case "QD59_2015":
		return "QĐ 59/2015"
	case "ND07_2021":
		return "NĐ 07/2021"
	case "ND351_2025":
		return "NĐ 351/2025"
	}
	return code
}

// stageLabel names a review stage in Vietnamese.
func stageLabel(stage string) string { return review.Stage(stage).Vietnamese() }

// levelLabel names the units of a ranking.
func levelLabel(level string) string {
	if level == "district" {
		return "huyện"
	}
	return "xã"
}
