package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"rasoat/ingest/problem"
	"rasoat/review"
)

// A household list exported by a machine can hold hundreds of thousands of
// rows, and ReadCSV's cell-by-cell reading (encoding/csv, one Household and
// its problems per row) then costs several times what DuckDB needs to parse
// the same file. A list whose lines are plain — no quotes, no tabs, no lone
// carriage returns, one record per line — is read here instead, in one
// pass over the bytes with few allocations, by the same rules: each cell
// trimmed and NFC-normalised, codes decoded by ReadCSV's own functions
// (memoised per distinct text), ID numbers hashed as they are read.
// Everything ReadCSV would report (a value it reads its own way or refuses,
// a conflict in the metadata) makes Scan give up instead, and the caller
// falls back to ReadCSV, which then locates the problem by row and column.

// Role says what a column of a bulk household list holds.
type Role int

const (
	RoleSkip       Role = iota // not read (unknown columns, stt, is_total)
	RoleMeta                   // year, stage or standard: one value for the whole file
	RoleUnitCode               // unit_code
	RoleUnitName               // unit_name
	RoleHeadID                 // the head's ID number: hash it, never keep it
	RoleHeadIDHash             // a hash from an earlier export, used when there is no ID
	RoleText                   // kept as written: household_id, village, head_name, ethnicity
	RoleCount                  // members: a whole number
	RoleNumber                 // b1_score, income_per_capita: blank or a number
	RoleFlag                   // a deprivation indicator (Dep says which)
	RoleArea                   // rural | urban
	RoleClass                  // class_end
	RoleChange                 // change
)

// Column is one column of a bulk household list.
type Column struct {
	Role  Role
	Name  string // the field or meta column it holds
	Dep   int    // RoleFlag: the indicator's number, 1-based
	Field bool   // a form field: a row with any field filled is a household
	kind  valueKind
}

// Bulk is a plain household list that Scan may read instead of ReadCSV.
type Bulk struct {
	// Form is the file's form as its header says: File, Meta.Form (D),
	// Fields, Unknown, and the header's warnings.
	Form    Form
	Comma   byte
	Columns []Column
	Records int // lines after the header: the records, or a few more when some are blank
	Deps    int // length of Household.Deprivations; 0 when the list has none
	// Machine: numbers as a program writes them (Options.MachineNumbers):
	// a decimal point is a decimal point.
	Machine bool
	l       loc
}

// PlanBulk says whether body, a file named name, is a plain household list
// that Scan may read, and how its columns read. ok is false when ReadCSV
// must read it.
func PlanBulk(name string, body []byte, opt Options) (b *Bulk, ok bool) {
	body = bytes.TrimPrefix(body, []byte("\ufeff"))
	// Quotes need encoding/csv's rules (lazy quotes, escapes); a lone CR
	// ends a line for one reader and not another; tabs separate the cells
	// of the loader's own file (see ingest).
	if bytes.IndexByte(body, '"') >= 0 || bytes.IndexByte(body, '\t') >= 0 ||
		bytes.Count(body, []byte{'\r'}) != bytes.Count(body, []byte("\r\n")) {
		return nil, false
	}
	if !utf8.Valid(body) {
		return nil, false
	}
	nl := bytes.IndexByte(body, '\n')
	if nl < 0 {
		return nil, false
	}
	headLine := bytes.TrimSuffix(body[:nl], []byte{'\r'})
	rest := body[nl+1:]
	comma := sniffComma(headLine)
	header := strings.Split(string(headLine), string(comma))
	hd, _ := readCSVHeader(name, header, opt)
	if hd == nil || hd.form.Meta.Form != review.FormD || hd.form.Problems.Rejects() {
		return nil, false
	}
	records := bytes.Count(rest, []byte{'\n'})
	if len(rest) > 0 && rest[len(rest)-1] != '\n' {
		records++
	}
	if records == 0 || records > opt.maxRows() {
		return nil, false
	}

	// The first records must be whole and Unicode: ReadCSV decodes the
	// columns they show typed in a legacy font.
	cr := csv.NewReader(bytes.NewReader(rest))
	cr.Comma = rune(comma)
	cr.FieldsPerRecord = len(header)
	var grid [][]string
	for len(grid) < legacyProbeRecords {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) && len(grid) > 0 {
			break
		}
		if err != nil {
			return nil, false // a short or long record: ReadCSV reads it its own way
		}
		grid = append(grid, rec)
	}
	if detectLegacy(grid) != nil {
		return nil, false
	}

	b = &Bulk{Form: hd.form, Comma: byte(comma), Records: records, Machine: opt.MachineNumbers, l: hd.l, Columns: make([]Column, len(header))}
	for c, name := range hd.l.colNames {
		col := &b.Columns[c]
		switch {
		case c == hd.h.code:
			col.Role, col.Name = RoleUnitCode, name
		case c == hd.h.name:
			col.Role, col.Name = RoleUnitName, name
		case name == "year" || name == "stage" || name == "standard":
			col.Role, col.Name = RoleMeta, name
		case name == "head_id_hash":
			col.Role, col.Name = RoleHeadIDHash, name
		}
		sp, ok := hd.h.cols[c]
		if !ok {
			continue
		}
		col.Name, col.Field, col.Dep, col.kind = sp.name, true, sp.dep, sp.kind
		switch sp.kind {
		case kindHeadID:
			col.Role = RoleHeadID
		case kindText:
			col.Role = RoleText
		case kindCount:
			col.Role = RoleCount
		case kindNumber:
			col.Role = RoleNumber
		case kindFlag:
			col.Role = RoleFlag
			b.Deps = max(b.Deps, sp.dep)
		case kindArea:
			col.Role = RoleArea
		case kindClass:
			col.Role = RoleClass
		case kindChange:
			col.Role = RoleChange
		default:
			return nil, false // a kind this plan does not know: let ReadCSV read it
		}
	}
	return b, true
}

// SetMeta sets the file's metadata from the one value of meta column c
// (as written, first on 1-based line), as ReadCSV does.
func (b *Bulk) SetMeta(c int, raw string, line int) problem.List {
	return setCSVMeta(&b.Form.Meta, b.Columns[c].Name, CellText(raw), b.l, line-1, c)
}

// Decode reads a flag, area, class or change cell (as written) as ReadCSV
// does: a bool for a flag, the code for the others. ok is false when
// ReadCSV would refuse the value.
func (b *Bulk) Decode(c int, raw string) (v any, ok bool) {
	return decodeCode(b.Columns[c].kind, CellText(raw))
}

// CellText is a cell as ReadCSV keeps it: trimmed, NFC.
func CellText(raw string) string { return text([]string{raw}, 0) }

// BulkRow is one household of a bulk list, read as ReadCSV reads it. Its
// byte slices are only valid until the callback returns.
type BulkRow struct {
	Line                                      int // 1-based line of the file
	Unit                                      int // index into the units Scan returns
	HouseholdID, Village, HeadName, Ethnicity []byte
	HeadIDHash                                []byte // nil when none
	Area, ClassEnd, Change                    string
	Members                                   int
	B1Score, IncomePerCapita                  []byte // plain digits; nil when blank
	Deprivations                              []bool // nil when the list has none
}

// BulkUnit is one distinct unit cell of a bulk list (its code and name
// cells, trimmed and NFC) and the line it first appears on.
type BulkUnit struct {
	Code, Name string
	Line       int
}

// maxDigits bounds a plain number: 15 digits convert to float64 exactly.
const maxDigits = 15

// Part is a run of whole lines of a bulk list, to be scanned on its own
// (parts of one list may be scanned in parallel).
type Part struct {
	Lines     []byte
	FirstLine int // 1-based line number of its first line
}

// Parts splits the records of body (a list PlanBulk accepted) into at most
// n parts of whole lines, each at least minBytes long but the last.
func (b *Bulk) Parts(body []byte, n, minBytes int) []Part {
	body = bytes.TrimPrefix(body, []byte("\ufeff"))
	nl := bytes.IndexByte(body, '\n')
	if nl < 0 {
		return nil
	}
	rest, line := body[nl+1:], 2
	size := max(len(rest)/max(n, 1), minBytes)
	var parts []Part
	for len(rest) > 0 {
		cut := len(rest)
		if len(parts) < n-1 && size < len(rest) {
			if i := bytes.IndexByte(rest[size:], '\n'); i >= 0 {
				cut = size + i + 1
			}
		}
		parts = append(parts, Part{Lines: rest[:cut], FirstLine: line})
		line += bytes.Count(rest[:cut], []byte{'\n'})
		rest = rest[cut:]
	}
	return parts
}

// PartResult is what scanning a part found besides its households.
type PartResult struct {
	Units []BulkUnit // distinct unit cells, in order of first appearance; BulkRow.Unit indexes them
	Meta  []MetaValue
	Rows  int // households, counted by the caller
}

// MetaValue is the first value of a meta column in a part.
type MetaValue struct {
	Column int
	Value  string // trimmed, NFC
	Line   int
}

// SetMetas merges the meta values of all parts into b.Form.Meta, as ReadCSV
// would read them from the whole file. ok is false on a conflict or a value
// ReadCSV refuses: ReadCSV must then read the file to report it.
func (b *Bulk) SetMetas(results []PartResult) (ok bool) {
	first := map[int]MetaValue{}
	for _, r := range results {
		for _, m := range r.Meta {
			f, seen := first[m.Column]
			switch {
			case !seen:
				first[m.Column] = m
			case f.Value != m.Value:
				return false
			}
		}
	}
	for c, m := range first {
		if b.SetMeta(c, m.Value, m.Line).Rejects() {
			return false
		}
	}
	return true
}

// Scan reads every household of a part, calling fn for each. ok is false
// when ReadCSV must read the file after all (see the comment at the top);
// fn's error ends the scan and is returned. Scan does not change b.
//
// hashID appends the keyed hash of a head's ID number (trimmed, NFC) to dst;
// it may return dst unchanged when it has no key, and the ID is then
// dropped.
func (b *Bulk) Scan(part Part, hashID func(dst, id []byte) []byte, fn func(*BulkRow) error) (res PartResult, ok bool, err error) {
	rest := part.Lines
	var units []BulkUnit
	cells := make([][]byte, len(b.Columns))
	meta := make([]string, len(b.Columns))                   // first value of each meta column
	probe := &Bulk{Form: b.Form, Columns: b.Columns, l: b.l} // SetMeta's checks, on a copy
	decoded := make([]map[string]any, len(b.Columns))
	unitIndex := map[string]int{}
	var lastCode, lastName []byte
	lastUnit := -1
	var nfc []byte // scratch for cells that are not NFC yet
	clean := func(cell []byte) []byte {
		t := bytes.TrimSpace(cell)
		for _, c := range t {
			if c >= utf8.RuneSelf {
				if !norm.NFC.IsNormal(t) {
					nfc = norm.NFC.Append(nfc[:0], t...)
					return nfc
				}
				break
			}
		}
		return t
	}
	// stable keeps a cleaned cell past the next clean: the scratch is reused.
	stable := func(t []byte) []byte {
		if len(t) > 0 && len(nfc) > 0 && &t[0] == &nfc[0] {
			return bytes.Clone(t)
		}
		return t
	}
	row := &BulkRow{}
	if b.Deps > 0 {
		row.Deprivations = make([]bool, b.Deps)
	}
	line := part.FirstLine - 1
	for len(rest) > 0 {
		line++
		var ln []byte
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			ln, rest = rest[:i], rest[i+1:]
		} else {
			ln, rest = rest, nil
		}
		ln = bytes.TrimSuffix(ln, []byte{'\r'})
		if len(ln) == 0 {
			continue // encoding/csv skips empty lines too; the line still counts
		}
		n := 0
		for len(ln) > 0 || n == 0 {
			if n == len(cells) {
				return res, false, nil // more cells than the header
			}
			if i := bytes.IndexByte(ln, b.Comma); i >= 0 {
				cells[n], ln = ln[:i], ln[i+1:]
				if len(ln) == 0 {
					n++
					if n == len(cells) {
						return res, false, nil
					}
					cells[n] = nil // a trailing separator: one more, empty cell
				}
			} else {
				cells[n], ln = ln, nil
			}
			n++
		}
		if n != len(cells) {
			return res, false, nil // fewer cells than the header: ReadCSV's to read
		}
		blank, household := true, false
		for c, cell := range cells {
			if len(bytes.TrimSpace(cell)) > 0 {
				blank = false
				household = household || b.Columns[c].Field
			}
		}
		if blank {
			continue
		}
		for c, col := range b.Columns {
			if col.Role != RoleMeta {
				continue
			}
			t := clean(cells[c])
			switch {
			case len(t) == 0:
			case meta[c] == "":
				meta[c] = string(t)
				if probe.SetMeta(c, meta[c], line).Rejects() {
					return res, false, nil
				}
				res.Meta = append(res.Meta, MetaValue{Column: c, Value: meta[c], Line: line})
			case meta[c] != string(t):
				return res, false, nil // a conflict, which ReadCSV reports with both lines
			}
		}
		if !household {
			continue // an STT or a village line with no household
		}

		row.Line, row.HeadIDHash, row.Members = line, row.HeadIDHash[:0], 0
		row.HouseholdID, row.Village, row.HeadName, row.Ethnicity = nil, nil, nil, nil
		row.Area, row.ClassEnd, row.Change = "", "", ""
		row.B1Score, row.IncomePerCapita = nil, nil
		for i := range row.Deprivations {
			row.Deprivations[i] = false
		}
		var code, name []byte
		var hashSeen []byte
		for c, col := range b.Columns {
			cell := cells[c]
			switch col.Role {
			case RoleUnitCode:
				code = stable(clean(cell))
			case RoleUnitName:
				name = stable(clean(cell))
			case RoleHeadIDHash:
				hashSeen = stable(clean(cell))
			case RoleHeadID:
				if t := clean(cell); len(t) > 0 && hashID != nil {
					row.HeadIDHash = hashID(row.HeadIDHash[:0], t)
				}
			case RoleText:
				t := clean(cell)
				t = stable(t)
				switch col.Name {
				case "household_id":
					row.HouseholdID = t
				case "village":
					row.Village = t
				case "head_name":
					row.HeadName = t
				case "ethnicity":
					row.Ethnicity = t
				}
			case RoleCount:
				t := bytes.TrimSpace(cell)
				if len(t) == 0 || len(t) > 9 || !digits(t) {
					return res, false, nil // blank (a warning), or not plain: ReadCSV's
				}
				row.Members = atoi(t)
			case RoleNumber:
				t := bytes.TrimSpace(cell)
				if len(t) > 0 && !b.plainNumber(t) {
					return res, false, nil
				}
				if len(t) == 0 {
					t = nil
				}
				if col.Name == "b1_score" {
					row.B1Score = t
				} else {
					row.IncomePerCapita = t
				}
			case RoleFlag, RoleArea, RoleClass, RoleChange:
				m := decoded[c]
				if m == nil {
					m = map[string]any{}
					decoded[c] = m
				}
				v, seen := m[string(cell)]
				if !seen {
					var ok bool
					if v, ok = b.Decode(c, string(cell)); !ok {
						return res, false, nil
					}
					m[string(cell)] = v
				}
				switch col.Role {
				case RoleFlag:
					if col.Dep >= 1 && col.Dep <= len(row.Deprivations) {
						row.Deprivations[col.Dep-1] = v.(bool)
					}
				case RoleArea:
					row.Area = v.(string)
				case RoleClass:
					row.ClassEnd = v.(string)
				case RoleChange:
					row.Change = v.(string)
				}
			}
		}
		if len(row.HeadIDHash) == 0 {
			row.HeadIDHash = append(row.HeadIDHash[:0], hashSeen...) // an earlier export's hash, never a raw ID
		}
		if lastUnit < 0 || !bytes.Equal(code, lastCode) || !bytes.Equal(name, lastName) {
			key := string(code) + "\x00" + string(name)
			u, seen := unitIndex[key]
			if !seen {
				u = len(units)
				unitIndex[key] = u
				units = append(units, BulkUnit{Code: string(code), Name: string(name), Line: line})
			}
			lastCode, lastName, lastUnit = code, name, u
		}
		row.Unit = lastUnit
		if err := fn(row); err != nil {
			return res, false, err
		}
	}
	res.Units = units
	return res, true, nil
}

// plainNumber: digits, or with Machine digits, a point and digits — text
// every reader turns into the same float64 (a DOUBLE cast rounds as
// strconv.ParseFloat does). Vietnamese notation ("1.234" is 1 234) is
// ReadCSV's to read.
func (b *Bulk) plainNumber(t []byte) bool {
	if len(t) > maxDigits+1 {
		return false
	}
	whole, frac, point := bytes.Cut(t, []byte{'.'})
	if !point {
		return len(t) <= maxDigits && digits(t)
	}
	return b.Machine && len(whole) > 0 && len(frac) > 0 && digits(whole) && digits(frac)
}

func digits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func atoi(b []byte) int {
	n := 0
	for _, c := range b {
		n = n*10 + int(c-'0')
	}
	return n
}
