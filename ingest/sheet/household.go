package sheet

import (
	"fmt"
	"strings"

	"rasoat/ingest/problem"
	"rasoat/ingest/vntext"
	"rasoat/review"
)

// householdReader turns Form D rows into review.Household values one row at
// a time, so a large list can be streamed.
type householdReader struct {
	h       header
	l       loc
	tidy    bool // a machine export: no title, no footer
	src     valueSource
	hashID  func(string) string
	unit    string // commune named by the title block or the sheet, when no column names it
	unknown []int
	ndep    int

	out   []review.Household
	extra []map[string]string
	probs problem.List
}

func newHouseholdReader(h header, l loc, src valueSource, hashID func(string) string, unit string, unknown []int) *householdReader {
	hr := &householdReader{h: h, l: l, src: src, hashID: hashID, unit: unit, unknown: unknown}
	for _, sp := range h.cols {
		hr.ndep = max(hr.ndep, sp.dep)
	}
	return hr
}

// add reads 0-based row r; it returns false at the footer.
func (hr *householdReader) add(r int, row []string) bool {
	if blankRow(row) {
		return true
	}
	// A footer is a line or two of text ("Người lập biểu", the date), never
	// a household: only sparse rows are worth folding, and a tidy export
	// has no footer at all.
	if !hr.tidy && sparse(row) && !isArabic(text(row, hr.h.stt)) && isFooter(row) {
		return false
	}
	hh := review.Household{SourceRow: r + 1, UnitName: hr.unit}
	if hr.h.name >= 0 {
		if v := text(row, hr.h.name); v != "" {
			hh.UnitName = v
		}
	}
	hh.UnitCode = text(row, hr.h.code)
	if hr.ndep > 0 {
		hh.Deprivations = make([]bool, hr.ndep)
	}
	cols := hr.h.fieldCols()
	any := false
	for _, c := range cols {
		if strings.TrimSpace(cellAt(row, c)) != "" {
			any = true
			break
		}
	}
	if !any {
		return true // STT only, or a group line ("Thôn 1"): not a household, nothing to check
	}
	for _, c := range cols {
		hr.set(&hh, r, c, cellAt(row, c), hr.h.cols[c])
	}
	hr.out = append(hr.out, hh)
	hr.extra = append(hr.extra, extraOf(row, hr.unknown, hr.h.labels))
	return true
}

// columns names where each field of the list is read.
func (hr *householdReader) columns() map[string]string {
	m := map[string]string{}
	for c, sp := range hr.h.cols {
		m[sp.name] = hr.l.column(c)
	}
	if hr.h.code >= 0 {
		m["unit_code"] = hr.l.column(hr.h.code)
	}
	return m
}

func (hr *householdReader) invalid(r, c int, sp spec, v, expected string) {
	hr.probs = append(hr.probs, hr.l.at(problem.EValueInvalid, problem.Reject, r, c, sp.name, v, expected,
		fmt.Sprintf("Giá trị ở cột %q không hợp lệ", sp.header)))
}

func (hr *householdReader) set(hh *review.Household, r, c int, raw string, sp spec) {
	t := text([]string{raw}, 0)
	switch sp.kind {
	case kindHeadID:
		// The raw number goes to the hash and nowhere else: not into
		// problems, not into Extra.
		if t != "" && hr.hashID != nil {
			hh.HeadIDHash = hr.hashID(t)
		}
	case kindText:
		switch sp.name {
		case "household_id":
			hh.HouseholdID = t
		case "village":
			hh.Village = t
		case "head_name":
			hh.HeadName = t
		case "ethnicity":
			hh.Ethnicity = t
		}
	case kindCount:
		v, ok, ps := readValue(hr.l, hr.src, r, c, raw, sp)
		hr.probs = append(hr.probs, ps...)
		switch {
		case ok && v > MaxMembers:
			hr.probs = append(hr.probs, hr.l.at(problem.ECountTooLarge, problem.Reject, r, c, sp.name, raw, fmt.Sprintf("≤ %d", MaxMembers),
				fmt.Sprintf("Số nhân khẩu ở cột %q quá lớn cho một hộ", sp.header)))
		case ok:
			hh.Members = int(v)
		}
	case kindNumber:
		txt, machine, err := hr.src.lookup(r, c, raw)
		if err != nil {
			hr.invalid(r, c, sp, raw, "một số")
			return
		}
		v, blank, err := parseNumber(txt, machine, sp.kind)
		if err != nil {
			hr.probs = append(hr.probs, hr.l.at(problem.ECountNotNumber, problem.Reject, r, c, sp.name, txt, "một số",
				fmt.Sprintf("Giá trị ở cột %q không phải là số", sp.header)))
			return
		}
		if blank {
			return
		}
		if sp.name == "b1_score" {
			hh.B1Score = &v
		} else {
			hh.IncomePerCapita = &v
		}
	case kindFlag, kindArea, kindClass, kindChange:
		v, ok := decodeCode(sp.kind, t)
		if !ok {
			hr.invalid(r, c, sp, t, codeExpected[sp.kind])
			return
		}
		switch sp.kind {
		case kindFlag:
			if n := sp.dep; n >= 1 && n <= len(hh.Deprivations) {
				hh.Deprivations[n-1] = v.(bool)
			}
		case kindArea:
			hh.Area = v.(string)
		case kindClass:
			hh.ClassEnd = v.(string)
		case kindChange:
			hh.Change = v.(string)
		}
	}
}

// decodeCode reads a flag (a bool) or an area, class or change cell (its
// code); ok is false when the text is none of them.
func decodeCode(k valueKind, t string) (any, bool) {
	switch k {
	case kindFlag:
		return flagOf(t)
	case kindArea:
		return areaOf(t)
	case kindClass:
		return classOf(t)
	case kindChange:
		return changeOf(t)
	}
	return nil, false
}

// codeExpected tells an officer what a code column takes.
var codeExpected = map[valueKind]string{
	kindFlag:   `"x" hoặc "1" nếu thiếu hụt, để trống nếu không`,
	kindArea:   "nông thôn hoặc thành thị",
	kindClass:  "nghèo, cận nghèo, thoát nghèo hoặc không",
	kindChange: "nghèo cũ, phát sinh mới, tái nghèo, cận nghèo → nghèo, nghèo → cận nghèo, thoát nghèo, thoát cận nghèo",
}

// codeWords folds a code cell, reading arrows as "thành" ("CN → N").
func codeWords(s string) string {
	return strings.Join(labelWords(s), " ")
}

func flagOf(s string) (bool, bool) {
	switch strings.TrimSpace(s) {
	case "✓", "✔", "☑":
		return true, true
	}
	switch vntext.Fold(s) {
	case "x", "1", "co", "true", "yes", "v":
		return true, true
	case "", "0", "khong", "false", "no":
		return false, true
	}
	return false, false
}

func areaOf(s string) (string, bool) {
	switch vntext.Fold(s) {
	case "rural", "nong thon", "nt":
		return "rural", true
	case "urban", "thanh thi", "tt":
		return "urban", true
	case "":
		return "", true
	}
	return "", false
}

func classOf(s string) (string, bool) {
	switch codeWords(s) {
	case "poor", "ngheo", "ho ngheo":
		return "poor", true
	case "near poor", "can ngheo", "ho can ngheo":
		return "near_poor", true
	case "escaped", "thoat ngheo", "thoat can ngheo", "thoat ngheo can ngheo", "thoat":
		return "escaped", true
	case "none", "khong", "khong ngheo", "khong thuoc dien", "khong phai ho ngheo can ngheo":
		return "none", true
	case "":
		return "", true
	}
	return "", false
}

func changeOf(s string) (string, bool) {
	switch codeWords(s) {
	case "old", "ngheo cu", "can ngheo cu", "ho ngheo cu", "ho can ngheo cu", "cu":
		return "old", true
	case "new", "phat sinh moi", "phat sinh", "moi", "ho phat sinh moi":
		return "new", true
	case "repoor", "tai ngheo", "tai can ngheo":
		return "repoor", true
	case "from near poor", "can ngheo thanh ngheo", "tu can ngheo", "can ngheo sang ngheo", "tu can ngheo thanh ngheo":
		return "from_near_poor", true
	case "from poor", "ngheo thanh can ngheo", "tu ngheo", "ngheo sang can ngheo", "tu ngheo thanh can ngheo":
		return "from_poor", true
	case "escaped poor", "thoat ngheo":
		return "escaped_poor", true
	case "escaped near poor", "thoat can ngheo":
		return "escaped_near_poor", true
	case "", "empty":
		return "", true
	}
	return "", false
}

// sparse reports whether row has at most three filled cells, as footer
// lines do.
func sparse(row []string) bool {
	n := 0
	for _, v := range row {
		if strings.TrimSpace(v) != "" {
			if n++; n > 3 {
				return false
			}
		}
	}
	return true
}
