package sheet

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"rasoat/ingest/problem"
	"rasoat/ingest/vnnum"
	"rasoat/ingest/vntext"
	"rasoat/review"
)

// valueSource tells how to read a cell: the text to parse, and whether it is
// a machine number (a numeric cell, whose "." is always a decimal point).
type valueSource interface {
	lookup(row, col int, raw string) (text string, machine bool, err error)
}

// textSource treats every cell as typed text (CSV, tests, fuzzing).
type textSource struct{}

func (textSource) lookup(_, _ int, raw string) (string, bool, error) { return raw, false, nil }

// machineSource treats every cell as a number written by a program ("." is
// the decimal point), falling back to typed text when it is not one: a
// Parquet export's DOUBLE 1.234 is 1,234, not 1.234.
type machineSource struct{}

func (machineSource) lookup(_, _ int, raw string) (string, bool, error) { return raw, true, nil }

// loc builds located problems for one file and sheet.
type loc struct {
	file, sheet string
	csv         bool
	colNames    []string // CSV: column names by index
}

func (l loc) column(c int) string {
	if l.csv {
		if c >= 0 && c < len(l.colNames) {
			return l.colNames[c]
		}
		return ""
	}
	if c < 0 {
		return ""
	}
	return colLetter(c)
}

// at builds a problem at 0-based row r and column c (r or c < 0: none).
func (l loc) at(code string, sev problem.Severity, r, c int, field, value, expected, msg string) *problem.Problem {
	p := &problem.Problem{Code: code, Severity: sev, File: l.file, Sheet: l.sheet, Field: field,
		Value: clip(value), Expected: expected, Message: vntext.NFC(msg)}
	if r >= 0 {
		p.Row = r + 1
	}
	p.Column = l.column(c)
	return p
}

// clip keeps a found value short enough to show; the value is shown as
// text, never interpreted.
func clip(s string) string {
	const maxLen = 120
	if len(s) <= maxLen {
		return s
	}
	cut := maxLen
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// colLetter turns a 0-based column index into Excel letters (0 → A, 26 → AA).
func colLetter(c int) string {
	var b []byte
	for c++; c > 0; c = (c - 1) / 26 {
		b = append([]byte{byte('A' + (c-1)%26)}, b...)
	}
	return string(b)
}

func cellRef(r, c int) string { return colLetter(c) + strconv.Itoa(r+1) }

// parseNumber reads a cell's text as a number. Machine numbers are read with
// "." as the decimal point; typed text follows vnnum's rules, except that a
// rate (a percentage, never ≥ 1 000) written "12.345" is 12.345, not 12345.
func parseNumber(text string, machine bool, k valueKind) (float64, bool, error) {
	t := strings.TrimSpace(text)
	if machine && t != "" {
		if v, err := strconv.ParseFloat(t, 64); err == nil && !math.IsInf(v, 0) && !math.IsNaN(v) {
			return v, false, nil
		}
	}
	v, blank, err := vnnum.Parse(t)
	if err == nil && !blank && k == kindRate && math.Abs(v) >= 1000 &&
		strings.Count(t, ".") == 1 && !strings.ContainsAny(t, ", ") {
		if p, perr := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(t, "%")), 64); perr == nil {
			return p, false, nil
		}
	}
	return v, blank, err
}

// readValue reads one count or rate cell and reports what is wrong with it.
// ok is false when the cell rejects the file (the value is then not set).
func readValue(l loc, src valueSource, r, c int, raw string, sp spec) (v float64, ok bool, probs problem.List) {
	text, machine, err := src.lookup(r, c, raw)
	if err != nil {
		return 0, false, problem.List{l.at(problem.ECountNotNumber, problem.Reject, r, c, sp.name, raw, "một số",
			fmt.Sprintf("Không đọc được giá trị cột %q: %v", sp.header, err))}
	}
	v, blank, err := parseNumber(text, machine, sp.kind)
	what := "Số lượng"
	if sp.kind == kindRate {
		what = "Tỷ lệ"
	}
	switch {
	case err != nil:
		return 0, false, problem.List{l.at(problem.ECountNotNumber, problem.Reject, r, c, sp.name, text, "một số, ví dụ 1.234 hoặc 12,81",
			fmt.Sprintf("%s ở cột %q không phải là số", what, sp.header))}
	case blank && sp.kind == kindRate:
		return 0, false, nil // a blank rate is simply not printed; it is recomputed anyway
	case blank:
		return 0, true, problem.List{l.at(problem.WBlankCount, problem.Warning, r, c, sp.name, text, "",
			fmt.Sprintf("Ô trống hoặc \"-\" ở cột %q được đọc là 0", sp.header))}
	case math.IsNaN(v) || math.IsInf(v, 0) || sp.kind == kindCount && v > MaxCount:
		// never let a count wrap: "99999999999999999999" or 1e30 is refused
		return 0, false, problem.List{l.at(problem.ECountTooLarge, problem.Reject, r, c, sp.name, text, fmt.Sprintf("≤ %d", MaxCount),
			fmt.Sprintf("%s ở cột %q quá lớn, không thể đúng", what, sp.header))}
	case v < 0 && sp.kind != kindRate:
		return v, false, problem.List{l.at(problem.ECountNegative, problem.Reject, r, c, sp.name, text, "số không âm",
			fmt.Sprintf("%s ở cột %q không được âm", what, sp.header))}
	case sp.kind == kindCount && v != math.Trunc(v):
		return v, false, problem.List{l.at(problem.ECountNotWhole, problem.Reject, r, c, sp.name, text, "số nguyên",
			fmt.Sprintf("Số hộ hoặc số nhân khẩu ở cột %q phải là số nguyên", sp.header))}
	}
	return v, true, nil
}

// isFooter recognises the lines under a form's body: signatures, the place
// and date line, notes.
func isFooter(row []string) bool {
	for _, v := range row {
		f := vntext.Fold(v)
		if f == "" {
			continue
		}
		for _, p := range []string{"nguoi lap bieu", "nguoi lap", "thu truong", "kt chu tich", "tm uy ban", "tm ubnd",
			"chu tich", "pho chu tich", "ghi chu", "luu y", "xac nhan cua", "can bo"} {
			if strings.HasPrefix(f, p) {
				return true
			}
		}
		if dateWords.MatchString(f) && strings.Contains(f, "ngay") && strings.Contains(f, "thang") {
			return true
		}
		if dateFooter.MatchString(f) { // "Buôn Ma Thuột, ngày 08/10/2019"
			return true
		}
	}
	return false
}

var dateFooter = regexp.MustCompile(`ngay\s*\d{1,2}\s*[/.\-\s]\s*\d{1,2}\s*[/.\-\s]\s*\d{4}`)

// totalPrefixes start the name or STT of a total row.
var totalPrefixes = []string{"cong", "tong cong", "tong so", "tong", "toan huyen", "toan tinh", "toan xa",
	"toan thi xa", "toan thanh pho", "toan phuong", "toan thi tran", "cong huyen", "cong xa", "cong toan"}

func isTotalLabel(s string) bool {
	f := vntext.Fold(s)
	for _, p := range totalPrefixes {
		if f == p || strings.HasPrefix(f, p+" ") {
			return true
		}
	}
	return false
}

// isRoman recognises roman-numeral STT cells ("I", "II", "IV.", "xii").
func isRoman(s string) bool {
	s = strings.TrimSuffix(strings.TrimSpace(s), ".")
	if s == "" || len(s) > 8 {
		return false
	}
	for _, r := range strings.ToUpper(s) {
		if !strings.ContainsRune("IVXLC", r) {
			return false
		}
	}
	return true
}

// text returns a cell as written: trimmed, NFC.
func text(row []string, c int) string {
	if c < 0 || c >= len(row) {
		return ""
	}
	return vntext.NFC(strings.TrimSpace(row[c]))
}

func blankRow(row []string) bool {
	for _, v := range row {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// sensitiveLabel marks columns that may hold ID numbers: never kept in
// Extra even when not recognised as the head's ID column.
func sensitiveLabel(label string) bool {
	w := labelWords(label)
	for _, g := range [][]string{{"cccd"}, {"cmnd"}, {"cmt"}, {"can", "cuoc"}, {"dinh", "danh"}, {"chung", "minh"}, {"ho", "chieu"}} {
		if containsAll(w, g) {
			return true
		}
	}
	return false
}

// extraOf collects unknown columns' text of one row.
func extraOf(row []string, cols []int, labels []string) map[string]string {
	var m map[string]string
	for _, c := range cols {
		if v := text(row, c); v != "" {
			if m == nil {
				m = map[string]string{}
			}
			m[labels[c]] = v
		}
	}
	return m
}

// UnitCell is the key of review.Row.Cells that locates the cell naming the
// row's unit (its name, else its code), for problems about the unit.
const UnitCell = "unit"

// readSummaryBody reads body rows of form A/B/C from h.body until a footer,
// the title of the next form, or the end. end is the row it stopped at.
// Every row it passes gets a class and a reason in ex.
func readSummaryBody(g [][]string, h header, src valueSource, l loc, unknown []int, ex *Explanation) (rows []review.Row, extra []map[string]string, probs problem.List, end int) {
	cols := h.fieldCols()
	end = len(g)
	unitsAreDistricts := districtsOnly(g, h)
	for r := h.body; r < len(g); r++ {
		row := g[r]
		if blankRow(row) {
			ex.add(r, ClassBlank, "dòng trống")
			continue
		}
		stt, name, code := text(row, h.stt), text(row, h.name), text(row, h.code)
		if h.name < 0 && h.stt >= 0 && stt != "" && !isRoman(stt) && !isArabic(stt) {
			name = stt // no name column: some sheets write the unit in the STT column
		}
		// filled: some count cell holds anything; numeric: some holds a number.
		filled, numeric := false, false
		for _, c := range cols {
			t, _, err := src.lookup(r, c, cellAt(row, c))
			_, blank, perr := vnnum.Parse(t)
			filled = filled || err != nil || !blank
			numeric = numeric || (err == nil && perr == nil && !blank)
		}
		class, reason := classifyBodyRow(row, stt, name, code, filled, numeric)
		if class == ClassTotal && unitsAreDistricts && districtUnitRow(name, code) {
			class, reason = ClassBody, fmt.Sprintf("đơn vị cấp huyện %q: biểu của tỉnh, các dòng đều là huyện", firstNonBlank(name, code))
		}
		if class == ClassFooter {
			end = r
			break
		}
		ex.add(r, class, reason)
		if class == ClassGroup || class == ClassBlank || class == ClassNumbers || class == ClassHeader {
			continue
		}
		total := class == ClassTotal || class == ClassSubtotal
		out := review.Row{Sheet: l.sheet, SourceRow: r + 1, Total: total, Subtotal: class == ClassSubtotal, STT: stt, UnitName: name, UnitCode: code,
			Values: map[string]float64{}, Cells: map[string]string{}}
		switch {
		case h.name >= 0:
			out.Cells[UnitCell] = cellRef(r, h.name)
		case h.code >= 0:
			out.Cells[UnitCell] = cellRef(r, h.code)
		case h.stt >= 0:
			out.Cells[UnitCell] = cellRef(r, h.stt)
		}
		for _, c := range cols {
			sp := h.cols[c]
			v, ok, ps := readValue(l, src, r, c, cellAt(row, c), sp)
			probs = append(probs, ps...)
			if ok {
				out.Values[sp.name] = v
				out.Cells[sp.name] = cellRef(r, c)
			}
		}
		rows = append(rows, out)
		extra = append(extra, extraOf(row, unknown, h.labels))
	}
	return rows, extra, probs, end
}

// classifyBodyRow decides what a non-blank row under the header is, from
// its STT, name and code cells and whether its count cells hold anything.
// ClassFooter means the form ends here.
func classifyBodyRow(row []string, stt, name, code string, filled, numeric bool) (class, reason string) {
	// Labels are a closed vocabulary: one typed in a legacy font that the
	// column's vote left undecoded ("Céng" in a column of digits) is
	// recognised through its decoding.
	if isTotalLabel(name) || groupLabel(name) || districtLevelName(name) {
	} else if d := legacyLabel(name); d != "" {
		name = d
	}
	if !isTotalLabel(stt) {
		if d := legacyLabel(stt); d != "" {
			stt = d
		}
	}
	// A footer or the next form's title carries no numbers; checking that
	// first keeps a note column saying "Lưu ý …" from ending the body.
	if !numeric && isFooter(row) {
		return ClassFooter, "chữ ký, ngày tháng hoặc ghi chú"
	}
	if !numeric && isTitleRow(row) {
		return ClassFooter, "tiêu đề của biểu tiếp theo"
	}
	if ok, _ := numberRowEvidence(row, 0); ok {
		return ClassNumbers, "các ô là số thứ tự cột theo thứ tự (lặp lại dòng số cột)"
	}
	switch {
	case isTotalLabel(name) || isTotalLabel(stt):
		return ClassTotal, fmt.Sprintf("nhãn tổng cộng %q", firstNonBlank(name, stt))
	case districtLevelName(name) || districtCode(code):
		if filled {
			return ClassTotal, fmt.Sprintf("dòng của chính đơn vị cấp huyện %q: tổng, không phải một xã", firstNonBlank(name, code))
		}
		return ClassGroup, fmt.Sprintf("dòng nhóm mang tên đơn vị cấp huyện %q, không có số", firstNonBlank(name, code))
	case isRoman(stt) && filled:
		return ClassSubtotal, fmt.Sprintf("STT số La Mã %q có số liệu: cộng nhóm", stt)
	case isRoman(stt):
		return ClassGroup, fmt.Sprintf("STT số La Mã %q, không có số liệu", stt)
	case groupLabel(name) && filled && !isArabic(stt):
		return ClassSubtotal, fmt.Sprintf("nhãn nhóm %q có số liệu: cộng nhóm", name)
	case groupLabel(name) && !isArabic(stt):
		return ClassGroup, fmt.Sprintf("nhãn nhóm %q", name)
	case !filled && name == "" && code == "":
		if stt != "" {
			return ClassBlank, fmt.Sprintf("chỉ có STT %q, không có tên và số liệu: dòng chưa dùng", stt)
		}
		return ClassBlank, "không có tên đơn vị và số liệu"
	case !filled && !isArabic(stt) && code == "":
		return ClassGroup, fmt.Sprintf("dòng chữ %q không có STT, mã và số liệu", name)
	}
	return ClassBody, fmt.Sprintf("đơn vị %q (STT %q, mã %q)", name, stt, code)
}

// legacyLabel returns s decoded from TCVN3 or VNI when the decoding is a
// total, group or district label, else "".
func legacyLabel(s string) string {
	if !maybeLegacy(s) {
		return ""
	}
	for _, d := range []string{vntext.DecodeTCVN3(s), vntext.DecodeVNI(s)} {
		if isTotalLabel(d) || groupLabel(d) || districtLevelName(d) {
			return vntext.NFC(d)
		}
	}
	return ""
}

func firstNonBlank(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// districtLevelName: a name carrying a district-level type word ("Huyện
// Buôn Đôn", "Thị xã Buôn Hồ", "TP. Buôn Ma Thuột") is not one of the
// communes a district's form lists: it names the district itself.
func districtLevelName(name string) bool {
	f := vntext.Fold(name)
	for _, p := range []string{"huyen ", "thi xa ", "thanh pho ", "tp ", "quan ", "tinh "} {
		if strings.HasPrefix(f, p) {
			return true
		}
	}
	return false
}

// districtsOnly tells, from the whole body, whether its unit rows are all
// districts: a province's sheet, where a district's row is data, not the
// district's own total over its communes.
func districtsOnly(g [][]string, h header) bool {
	districts := 0
	for r := h.body; r < len(g); r++ {
		row := g[r]
		if blankRow(row) {
			continue
		}
		if isFooter(row) && numericCells(row) == 0 {
			break
		}
		name, code := text(row, h.name), text(row, h.code)
		switch {
		case name == "" && code == "", isTotalLabel(name), groupLabel(name), isTotalLabel(text(row, h.stt)):
		case districtUnitRow(name, code):
			districts++
		default:
			if ok, _ := numberRowEvidence(row, 0); !ok && !isRoman(text(row, h.stt)) {
				return false // a commune (or anything else) among the rows
			}
		}
	}
	return districts >= 1
}

// districtUnitRow: a row naming a district (not the province) or carrying
// a district's 3-digit code.
func districtUnitRow(name, code string) bool {
	c := strings.TrimSpace(code)
	return (districtLevelName(name) && !strings.HasPrefix(vntext.Fold(name), "tinh ")) || (len(c) == 3 && isArabic(c))
}

// districtCode: a 2- or 3-digit GSO code is a province's or district's.
func districtCode(code string) bool {
	c := strings.TrimSpace(code)
	return (len(c) == 2 || len(c) == 3) && isArabic(c)
}

// groupLabel recognises the labels that group a district's communes.
func groupLabel(name string) bool {
	switch vntext.Fold(name) {
	case "thi tran", "cac thi tran", "xa", "cac xa", "phuong", "cac phuong", "xa phuong", "phuong xa",
		"khoi xa", "khoi phuong", "khoi thi tran", "thanh thi", "nong thon", "khu vuc thanh thi", "khu vuc nong thon",
		"cac xa phuong", "cac phuong xa", "cac xa thi tran", "phuong thi tran", "cac phuong thi tran", "trong do":
		return true
	}
	return false
}

func cellAt(row []string, c int) string {
	if c < 0 || c >= len(row) {
		return ""
	}
	return row[c]
}

func isArabic(s string) bool {
	s = strings.TrimSuffix(strings.TrimSpace(s), ".")
	if s == "" || len(s) > 6 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// fieldList names the fields of h in column order.
func fieldList(h header) []string {
	var out []string
	for _, c := range h.fieldCols() {
		out = append(out, h.cols[c].name)
	}
	return out
}

// headerProblems reports missing required columns and unknown columns.
func headerProblems(h header, l loc, headerRow int) (unknownCols []int, unknown []string, probs problem.List) {
	if miss := h.missing(); len(miss) > 0 {
		var found []string
		for _, c := range h.fieldCols() {
			found = append(found, fmt.Sprintf("%s (cột %s)", h.cols[c].header, l.column(c)))
		}
		foundText := "không có"
		if len(found) > 0 {
			foundText = strings.Join(found, ", ")
		}
		for _, sp := range miss {
			probs = append(probs, l.at(problem.EColumnMissing, problem.Reject, headerRow, -1, sp.name, "", sp.header,
				fmt.Sprintf("Biểu %s thiếu cột bắt buộc %q. Các cột đã tìm thấy: %s", h.form, sp.header, foundText)))
		}
	}
	for _, c := range h.unknownCols() {
		label := h.labels[c]
		if sensitiveLabel(label) {
			continue // may hold ID numbers: neither kept nor echoed
		}
		unknownCols = append(unknownCols, c)
		unknown = append(unknown, label)
		probs = append(probs, l.at(problem.WUnknownColumn, problem.Warning, headerRow, c, "", label, "",
			fmt.Sprintf("Cột %q không thuộc biểu %s: dữ liệu được giữ lại nhưng không dùng để tính", label, h.form)))
	}
	return unknownCols, unknown, probs
}
