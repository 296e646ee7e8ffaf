package sheet

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"rasoat/ingest/problem"
	"rasoat/ingest/vntext"
	"rasoat/review"
)

// metaColumns appear in every tidy export beside the form's fields.
func isMetaColumn(name string) bool {
	switch name {
	case "year", "stage", "unit_code", "unit_name", "standard", "is_total", "stt", "head_id_hash":
		return true
	}
	return false
}

// csvKey normalises an export column name: "Poor Start" and "poor-start"
// are poor_start.
func csvKey(s string) string {
	s = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(s, "\ufeff")))
	return strings.NewReplacer(" ", "_", "-", "_").Replace(s)
}

// sniffComma picks "," or ";" from the header line, ignoring quoted text.
func sniffComma(head []byte) rune {
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	commas, semis, quoted := 0, 0, false
	for _, b := range head {
		switch b {
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				commas++
			}
		case ';':
			if !quoted {
				semis++
			}
		}
	}
	if semis > commas {
		return ';'
	}
	return ','
}

// csvForm says which form a tidy header is.
func csvForm(cols map[string]int) review.Form {
	switch {
	case has(cols, "household_id"):
		return review.FormD
	case has(cols, "total_households"):
		return review.FormA
	case has(cols, "poor_start"):
		return review.FormB
	case has(cols, "near_poor_start"):
		return review.FormC
	}
	// No key column: the field set that matches best.
	best, bestN := review.Form(""), 1
	for _, f := range review.Forms() {
		n := 0
		for _, sp := range specs(f) {
			if has(cols, sp.name) {
				n++
			}
		}
		if n > bestN {
			best, bestN = f, n
		}
	}
	return best
}

func has(m map[string]int, k string) bool { _, ok := m[k]; return ok }

// legacyProbeRecords is how many records of an export vote on the legacy
// encoding of its columns (see detectLegacy): both the full reader and the
// bulk plan decide on the same records, so they decide alike.
const legacyProbeRecords = 2000

// csvHead is what the header line of a tidy export says.
type csvHead struct {
	l           loc
	cols        map[string]int
	h           header
	form        Form // File, Meta.Form, Fields, Unknown and the header's problems
	unknownCols []int
}

// readCSVHeader makes sense of a tidy export's header line. A nil head
// means the file is refused; the list says why.
func readCSVHeader(name string, header []string, opt Options) (*csvHead, problem.List) {
	l := loc{file: name, csv: true}
	if len(header) > opt.maxCols() {
		return nil, problem.List{l.at(problem.ETooManyColumns, problem.Reject, 0, -1, "", strconv.Itoa(len(header)), fmt.Sprintf("tối đa %d cột", opt.maxCols()), "Tệp có quá nhiều cột")}
	}
	cols := map[string]int{}
	l.colNames = make([]string, len(header))
	var probs problem.List
	for i, h := range header {
		k := csvKey(h)
		l.colNames[i] = k
		if _, dup := cols[k]; dup && k != "" {
			probs = append(probs, l.at(problem.EColumnDuplicate, problem.Reject, 0, i, k, k, "",
				fmt.Sprintf("Cột %q xuất hiện hai lần", k)))
			continue
		}
		cols[k] = i
	}
	form := csvForm(cols)
	if form == "" {
		return nil, append(probs, l.at(problem.ENoForm, problem.Reject, 0, -1, "", strings.Join(l.colNames, ","),
			"total_households, poor_start, near_poor_start hoặc household_id",
			"Dòng tiêu đề không giống biểu A, B, C hoặc D (tên cột theo mẫu xuất dữ liệu)"))
	}
	h := header2(form, cols, l.colNames)
	hd := &csvHead{l: l, cols: cols, h: h, form: Form{File: name, Meta: Meta{Form: form}, Fields: fieldList(h)}}
	unknownCols, unknown, ps := headerProblems(h, l, 0)
	hd.unknownCols, hd.form.Unknown = unknownCols, unknown
	hd.form.Problems = append(probs, ps...)
	return hd, nil
}

// csvText returns an export's bytes as UTF-8. A file that is not UTF-8 was
// saved by Excel as "CSV (Comma delimited)" in the Windows code page: its
// bytes are Windows-1252, which is also how TCVN3 and VNI text typed in a
// legacy font reads before the legacy tables decode it.
func csvText(body []byte) []byte {
	if utf8.Valid(body) {
		return body
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(body)
	if err != nil {
		return body // cannot happen: every byte decodes in Windows-1252
	}
	return out
}

// ReadCSV reads a tidy export (docs/forms.md §3): UTF-8 (or Windows-1252)
// with an optional BOM, "," or ";" separated, one header row of snake_case
// names. Columns typed in a legacy font (TCVN3, VNI) are decoded to
// Unicode. It returns at most one form; the list holds every problem, the
// form's included.
func ReadCSV(ctx context.Context, name string, r io.Reader, opt Options) ([]Form, problem.List) {
	l := loc{file: name, csv: true}
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, problem.List{l.at(problem.EFileUnreadable, problem.Reject, -1, -1, "", err.Error(), "", "Không đọc được tệp CSV")}
	}
	raw = bytes.TrimPrefix(csvText(raw), []byte("\ufeff"))
	cr := csv.NewReader(bytes.NewReader(raw))
	cr.Comma = sniffComma(raw[:min(len(raw), 64<<10)])
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	unreadable := func(line int, err error) problem.List {
		return problem.List{l.at(problem.EFileUnreadable, problem.Reject, line-1, -1, "", err.Error(), "",
			"Không đọc được tệp CSV (cần UTF-8, phân cách bằng dấu phẩy hoặc chấm phẩy)")}
	}
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, problem.List{l.at(problem.ENoRows, problem.Reject, -1, -1, "", "", "", "Tệp CSV trống")}
	}
	if err != nil {
		return nil, unreadable(1, err)
	}
	hd, probs := readCSVHeader(name, header, opt)
	if hd == nil {
		return nil, probs
	}
	l, cols, h, fm, unknownCols := hd.l, hd.cols, hd.h, hd.form, hd.unknownCols
	form := fm.Meta.Form

	// The first records are read ahead: they vote on the columns' encoding.
	type record struct {
		rec  []string
		line int
		err  error
	}
	var ahead []record
	for len(ahead) < legacyProbeRecords {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		ahead = append(ahead, record{rec, line, err})
		if err != nil {
			break
		}
	}
	grid := make([][]string, 0, len(ahead))
	for _, a := range ahead {
		grid = append(grid, a.rec)
	}
	legacy := detectLegacy(grid)
	next := func() ([]string, int, error) {
		if len(ahead) > 0 {
			a := ahead[0]
			ahead = ahead[1:]
			return a.rec, a.line, a.err
		}
		rec, err := cr.Read()
		line, _ := cr.FieldPos(0)
		return rec, line, err
	}

	var src valueSource = textSource{}
	if opt.MachineNumbers {
		src = machineSource{}
	}
	var hr *householdReader
	if form == review.FormD {
		hr = newHouseholdReader(h, l, src, opt.HashID, "", unknownCols)
		hr.tidy = true
	}
	// A machine export may hold several slices (year, stage, standard):
	// each row says its own. Every row's slice is kept beside it, and the
	// rows are split into one form per slice at the end.
	sl := newSlicer(cols, l)
	n := 0
	for {
		rec, line, err := next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fm.Problems = append(fm.Problems, unreadable(line, err)...)
			break
		}
		legacy.apply(rec)
		n++
		if opt.Progress != nil && n%progressEvery == 0 {
			opt.Progress(n)
		}
		if n%1024 == 0 && ctx.Err() != nil {
			fm.Problems = append(fm.Problems, l.at(problem.EFileUnreadable, problem.Reject, -1, -1, "", ctx.Err().Error(), "", "Việc đọc tệp đã bị huỷ"))
			break
		}
		if n > opt.maxRows() {
			fm.Problems = append(fm.Problems, l.at(problem.ETooManyRows, problem.Reject, line-1, -1, "", "", fmt.Sprintf("tối đa %d dòng", opt.maxRows()), "Tệp có quá nhiều dòng"))
			break
		}
		if blankRow(rec) {
			continue
		}
		r := line - 1
		key := sl.key(rec, r)
		if hr != nil {
			before := len(hr.out)
			hr.add(r, rec)
			if len(hr.out) > before {
				sl.keep(key, r)
			}
			if c, ok := cols["head_id_hash"]; ok && len(hr.out) > before && hr.out[before].HeadIDHash == "" {
				// A previous export carries the hash, never the raw ID.
				hr.out[before].HeadIDHash = text(rec, c)
			}
			continue
		}
		row := review.Row{SourceRow: r + 1, UnitCode: text(rec, h.code), UnitName: text(rec, h.name), STT: text(rec, h.stt),
			Values: map[string]float64{}, Cells: map[string]string{}}
		switch {
		case h.code >= 0:
			row.Cells[UnitCell] = l.colNames[h.code]
		case h.name >= 0:
			row.Cells[UnitCell] = l.colNames[h.name]
		}
		if c, ok := cols["is_total"]; ok {
			if t, ok := flagOf(text(rec, c)); ok {
				row.Total = t
			}
		}
		row.Total = row.Total || isTotalLabel(row.UnitName)
		for _, c := range h.fieldCols() {
			sp := h.cols[c]
			v, ok, ps := readValue(l, src, r, c, cellAt(rec, c), sp)
			fm.Problems = append(fm.Problems, ps...)
			if ok {
				row.Values[sp.name] = v
				row.Cells[sp.name] = l.colNames[c]
			}
		}
		fm.Rows = append(fm.Rows, row)
		fm.Extra = append(fm.Extra, extraOf(rec, unknownCols, h.labels))
		sl.keep(key, r)
	}
	if hr != nil {
		fm.Households, fm.Extra, fm.Columns = hr.out, hr.extra, hr.columns()
		if c, ok := cols["head_id_hash"]; ok && fm.Columns["head_id"] == "" {
			fm.Columns["head_id"] = l.colNames[c]
		}
		fm.Problems = append(fm.Problems, hr.probs...)
	}
	forms := sl.split(fm)
	var all problem.List
	for _, f := range forms {
		all = append(all, f.Problems...)
	}
	return forms, all
}

// header2 builds the column map of a tidy export.
func header2(form review.Form, cols map[string]int, names []string) header {
	h := header{form: form, stt: -1, name: -1, code: -1, numRow: -1, cols: map[int]spec{}, labels: names}
	if c, ok := cols["stt"]; ok {
		h.stt = c
	}
	if c, ok := cols["unit_name"]; ok {
		h.name = c
	}
	if c, ok := cols["unit_code"]; ok {
		h.code = c
	}
	for _, sp := range specs(form) {
		if c, ok := cols[sp.name]; ok {
			h.cols[c] = sp
			h.found++
		}
	}
	// Meta columns are known, not unknown: give them a role-less label so
	// unknownCols skips them.
	h.labels = make([]string, len(names))
	for i, n := range names {
		if !isMetaColumn(n) {
			h.labels[i] = n
		}
	}
	return h
}

func setCSVMeta(m *Meta, col, v string, l loc, r, c int) problem.List {
	switch col {
	case "year":
		y, err := strconv.Atoi(v)
		if err != nil || validYear(v) == 0 {
			return problem.List{l.at(problem.EValueInvalid, problem.Reject, r, c, col, v, "năm từ 2010 đến 2040", "Năm không hợp lệ")}
		}
		m.Year = y
	case "stage":
		st, err := review.ParseStage(vntext.NFC(v))
		if err != nil {
			return problem.List{l.at(problem.EValueInvalid, problem.Reject, r, c, col, v, "preliminary, official, reverified hoặc approved", "Giai đoạn không hợp lệ")}
		}
		m.Stage = st
	case "standard":
		switch v {
		case StandardQD59, StandardND07, StandardND351:
			m.Standard = v
		default:
			return problem.List{l.at(problem.EValueInvalid, problem.Reject, r, c, col, v, "QD59_2015, ND07_2021 hoặc ND351_2025", "Chuẩn nghèo không hợp lệ")}
		}
	}
	return nil
}
