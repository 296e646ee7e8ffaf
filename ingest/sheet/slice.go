package sheet

import (
	"fmt"
	"strconv"
	"strings"

	"rasoat/ingest/problem"
	"rasoat/review"
)

// A machine export is one table (docs/forms.md §3), and one table may hold
// several slices: the preliminary and the official result of a year, or
// several years. Each row says its own year, stage and standard; the rows
// are split into one Form per slice, each loaded as if it came in its own
// file (its own supersede key), all in the one transaction of the file.
// The reporting unit of each slice is settled by the caller from its rows.

// sliceKey is what tells one slice of an export from another; zero values
// are not stated by the row.
type sliceKey struct {
	year     int
	stage    review.Stage
	standard string
}

// sliceMetaColumns are the per-row columns that choose a slice.
var sliceMetaColumns = []string{"year", "stage", "standard"}

type keyedRow struct {
	key sliceKey
	r   int // 0-based row of the file
}

// slicer reads each row's slice and splits the form at the end.
type slicer struct {
	l      loc
	cols   map[string]int
	parsed map[string]*Meta // "column\x00raw" → its reading (nil: invalid, reported once)
	rows   []keyedRow       // per kept row (Rows or Households), in order
	probs  problem.List
}

func newSlicer(cols map[string]int, l loc) *slicer {
	return &slicer{l: l, cols: cols, parsed: map[string]*Meta{}}
}

// key reads the slice of a record at 0-based row r; the caller records it
// with keep when the row becomes a row of the form.
func (s *slicer) key(rec []string, r int) sliceKey {
	var k sliceKey
	for _, mc := range sliceMetaColumns {
		c, ok := s.cols[mc]
		if !ok {
			continue
		}
		v := text(rec, c)
		if v == "" {
			continue
		}
		memo := mc + "\x00" + v
		m, seen := s.parsed[memo]
		if !seen {
			m = &Meta{}
			if ps := setCSVMeta(m, mc, v, s.l, r, c); len(ps) > 0 {
				s.probs = append(s.probs, ps...)
				m = nil
			}
			s.parsed[memo] = m
		}
		if m == nil {
			continue
		}
		switch mc {
		case "year":
			k.year = m.Year
		case "stage":
			k.stage = m.Stage
		case "standard":
			k.standard = m.Standard
		}
	}
	return k
}

func (s *slicer) keep(k sliceKey, r int) { s.rows = append(s.rows, keyedRow{k, r}) }

// split fills the blanks of rows whose slice column is blank while the
// file names only one value, reports them when it names several, and
// returns one form per slice in order of first appearance.
func (s *slicer) split(fm Form) []Form {
	// A blank takes the file's one value; among several it is missing.
	type col struct {
		name, code string
		get        func(*sliceKey) bool // zero?
		set        func(dst *sliceKey, src sliceKey)
	}
	cs := []col{
		{"year", problem.EYearMissing, func(k *sliceKey) bool { return k.year == 0 }, func(d *sliceKey, s sliceKey) { d.year = s.year }},
		{"stage", problem.EStageMissing, func(k *sliceKey) bool { return k.stage == "" }, func(d *sliceKey, s sliceKey) { d.stage = s.stage }},
		{"standard", problem.EValueInvalid, func(k *sliceKey) bool { return k.standard == "" }, func(d *sliceKey, s sliceKey) { d.standard = s.standard }},
	}
	for _, c := range cs {
		var first sliceKey
		distinct := 0
		for i := range s.rows {
			k := s.rows[i].key
			if c.get(&k) {
				continue
			}
			if distinct == 0 {
				first, distinct = k, 1
				continue
			}
			probe := first
			c.set(&probe, k)
			if probe != first {
				distinct = 2
				break
			}
		}
		switch distinct {
		case 1:
			for i := range s.rows {
				if c.get(&s.rows[i].key) {
					c.set(&s.rows[i].key, first)
				}
			}
		case 2:
			for _, kr := range s.rows {
				if c.get(&kr.key) {
					s.probs = append(s.probs, s.l.at(c.code, problem.Reject, kr.r, s.cols[c.name], c.name, "", "giá trị "+c.name+" của dòng",
						fmt.Sprintf("Dòng không ghi %s trong khi tệp có nhiều giá trị %s khác nhau: không biết dòng thuộc phần nào", c.name, c.name)))
				}
			}
		}
	}
	fm.Problems = append(fm.Problems, s.probs...)

	var keys []sliceKey
	index := map[sliceKey]int{}
	of := make([]int, len(s.rows))
	for i, kr := range s.rows {
		at, ok := index[kr.key]
		if !ok {
			at = len(keys)
			index[kr.key] = at
			keys = append(keys, kr.key)
		}
		of[i] = at
	}
	setMeta := func(m *Meta, k sliceKey) {
		if k.year != 0 {
			m.Year = k.year
		}
		if k.stage != "" {
			m.Stage = k.stage
		}
		if k.standard != "" {
			m.Standard = k.standard
		}
	}
	if len(keys) <= 1 {
		if len(keys) == 1 {
			setMeta(&fm.Meta, keys[0])
		}
		return []Form{fm}
	}
	forms := make([]Form, len(keys))
	for i, k := range keys {
		f := fm
		f.Sheet = sliceLabel(k)
		f.Rows, f.Households, f.Extra, f.Problems = nil, nil, nil, nil
		setMeta(&f.Meta, k)
		forms[i] = f
	}
	forms[0].Problems = fm.Problems // the file's problems once, not once per slice
	for i := range s.rows {
		f := &forms[of[i]]
		if fm.Meta.Form == review.FormD {
			f.Households = append(f.Households, fm.Households[i])
		} else {
			f.Rows = append(f.Rows, fm.Rows[i])
		}
		if i < len(fm.Extra) {
			f.Extra = append(f.Extra, fm.Extra[i])
		}
	}
	return forms
}

// sliceLabel names a slice where a sheet name would be: "2019/official".
func sliceLabel(k sliceKey) string {
	var parts []string
	if k.year != 0 {
		parts = append(parts, strconv.Itoa(k.year))
	}
	if k.stage != "" {
		parts = append(parts, string(k.stage))
	}
	if k.standard != "" {
		parts = append(parts, k.standard)
	}
	return strings.Join(parts, "/")
}
