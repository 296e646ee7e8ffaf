package review

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Stage is the step of a review a submission belongs to. Each stage of each
// unit is its own submission; a later stage never overwrites an earlier one.
type Stage string

const (
	Preliminary Stage = "preliminary" // sơ bộ
	Official    Stage = "official"    // chính thức
	Reverified  Stage = "reverified"  // sau phúc tra
	Approved    Stage = "approved"    // phê duyệt
)

// Stages lists the stages in the order a review passes through them; a
// later stage takes precedence over an earlier one when one figure is needed.
func Stages() []Stage { return []Stage{Preliminary, Official, Reverified, Approved} }

// Rank orders stages by precedence (approved > reverified > official > preliminary).
func (s Stage) Rank() int {
	for i, v := range Stages() {
		if v == s {
			return i + 1
		}
	}
	return 0
}

// Vietnamese is the word officers use for the stage.
func (s Stage) Vietnamese() string {
	switch s {
	case Preliminary:
		return "sơ bộ"
	case Official:
		return "chính thức"
	case Reverified:
		return "sau phúc tra"
	case Approved:
		return "phê duyệt"
	}
	return string(s)
}

// Label is the stage's word with a capital, for a heading or a choice in a
// form ("Sơ bộ").
func (s Stage) Label() string {
	v := s.Vietnamese()
	r, n := utf8.DecodeRuneInString(v)
	return string(unicode.ToUpper(r)) + v[n:]
}

// RankSQL is a SQL expression giving the Rank of the stage held in column
// col (0 for anything else), so that queries order stages from this one
// list. The model macro stage_rank (sql/models/040) is checked against it.
func RankSQL(col string) string {
	var b strings.Builder
	b.WriteString("CASE " + col)
	for _, s := range Stages() {
		fmt.Fprintf(&b, " WHEN '%s' THEN %d", s, s.Rank())
	}
	b.WriteString(" ELSE 0 END")
	return b.String()
}

// ParseStage accepts the export codes and the Vietnamese words.
func ParseStage(s string) (Stage, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "preliminary", "sơ bộ", "so bo":
		return Preliminary, nil
	case "official", "chính thức", "chinh thuc":
		return Official, nil
	case "reverified", "phúc tra", "phuc tra", "sau phúc tra", "sau phuc tra":
		return Reverified, nil
	case "approved", "phê duyệt", "phe duyet":
		return Approved, nil
	}
	return "", fmt.Errorf("giai đoạn không hợp lệ %q (cần preliminary, official, reverified hoặc approved)", s)
}

// Form is the kind of official form a sheet or export holds.
type Form string

const (
	FormA Form = "A" // Kết quả rà soát: result per unit
	FormB Form = "B" // Diễn biến hộ nghèo: flows of poor households
	FormC Form = "C" // Diễn biến hộ cận nghèo: flows of near-poor households
	FormD Form = "D" // Danh sách hộ: household list
)

// Forms lists the summary forms and the household list.
func Forms() []Form { return []Form{FormA, FormB, FormC, FormD} }

// Title is the Vietnamese title of the form, as printed on official sheets.
func (f Form) Title() string {
	switch f {
	case FormA:
		return "Kết quả rà soát hộ nghèo, hộ cận nghèo"
	case FormB:
		return "Diễn biến hộ nghèo"
	case FormC:
		return "Diễn biến hộ cận nghèo"
	case FormD:
		return "Danh sách hộ"
	}
	return string(f)
}

// Table is the raw table the form's rows are loaded into.
func (f Form) Table() string {
	switch f {
	case FormA:
		return "raw_form_a"
	case FormB:
		return "raw_form_b"
	case FormC:
		return "raw_form_c"
	case FormD:
		return "raw_household"
	}
	return ""
}

// Kind says how a field's values are read and checked.
type Kind int

const (
	Count Kind = iota // a non-negative whole number of households or persons
	Rate              // a percentage as printed; never trusted, always recomputed
)

// Field is one column of a summary form.
type Field struct {
	Name   string // snake_case name used in exports and in the database
	Header string // the header words as printed on the official form
	Kind   Kind
	// Words are the accent-free, lower-case word groups that identify the
	// column in a header, most specific first; every word of one group must
	// appear. They are how a reader finds the column in any variant.
	Words [][]string
	// Optional fields may be absent from a sheet.
	Optional bool
	// Col is the column number printed on the official form (0 when none).
	Col int
}

// Fields returns the columns of summary form A, B or C in the order of the
// official layout. It returns a fresh slice on every call.
func Fields(f Form) []Field {
	switch f {
	case FormA:
		return []Field{
			{Name: "total_households", Header: "Tổng số hộ dân cư", Words: [][]string{{"tong", "so", "ho", "dan", "cu"}, {"tong", "so", "ho"}}, Col: 1},
			{Name: "total_persons", Header: "Tổng số nhân khẩu", Words: [][]string{{"tong", "nhan", "khau"}}, Optional: true, Col: 2},
			{Name: "poor_end", Header: "Số hộ nghèo", Words: [][]string{{"so", "ho", "ngheo"}}, Col: 3},
			{Name: "poor_rate_reported", Header: "Tỷ lệ hộ nghèo (%)", Kind: Rate, Words: [][]string{{"ty", "le", "ho", "ngheo"}}, Optional: true, Col: 4},
			{Name: "near_poor_end", Header: "Số hộ cận nghèo", Words: [][]string{{"so", "ho", "can", "ngheo"}}, Col: 5},
			{Name: "near_poor_rate_reported", Header: "Tỷ lệ hộ cận nghèo (%)", Kind: Rate, Words: [][]string{{"ty", "le", "can", "ngheo"}}, Optional: true, Col: 6},
			{Name: "poor_persons", Header: "Số nhân khẩu nghèo", Words: [][]string{{"nhan", "khau", "ngheo"}}, Optional: true, Col: 7},
			{Name: "near_poor_persons", Header: "Số nhân khẩu cận nghèo", Words: [][]string{{"nhan", "khau", "can", "ngheo"}}, Optional: true, Col: 8},
			{Name: "em_households", Header: "Hộ dân tộc thiểu số (DTTS)", Words: [][]string{{"ho", "dan", "toc", "thieu", "so"}, {"ho", "dtts"}}, Optional: true, Col: 9},
			{Name: "em_poor", Header: "Hộ nghèo DTTS", Words: [][]string{{"ho", "ngheo", "dtts"}, {"ngheo", "dan", "toc"}}, Optional: true, Col: 10},
			{Name: "em_near_poor", Header: "Hộ cận nghèo DTTS", Words: [][]string{{"can", "ngheo", "dtts"}, {"can", "ngheo", "dan", "toc"}}, Optional: true, Col: 11},
			{Name: "poor_income", Header: "Hộ nghèo về thu nhập", Words: [][]string{{"ngheo", "thu", "nhap"}}, Optional: true, Col: 12},
			{Name: "poor_deprivation", Header: "Hộ nghèo thiếu hụt DVXHCB", Words: [][]string{{"ngheo", "thieu", "hut"}}, Optional: true, Col: 13},
			{Name: "complaints", Header: "Số đơn thư khiếu nại", Words: [][]string{{"khieu", "nai"}, {"don", "thu"}}, Optional: true, Col: 14},
		}
	case FormB:
		return []Field{
			{Name: "poor_start", Header: "Số hộ nghèo đầu kỳ", Words: [][]string{{"ngheo", "dau", "ky"}}, Col: 1},
			{Name: "poor_out_to_near_poor", Header: "Thoát nghèo, trở thành hộ cận nghèo", Words: [][]string{{"thoat", "ngheo", "can", "ngheo"}, {"thanh", "can", "ngheo"}}, Col: 2},
			{Name: "poor_out_above_near_poor", Header: "Thoát nghèo, vượt chuẩn cận nghèo", Words: [][]string{{"vuot", "can", "ngheo"}, {"vuot", "chuan"}}, Col: 3},
			{Name: "poor_out_other", Header: "Giảm khác (chết, chuyển đi, tách hộ…)", Words: [][]string{{"giam", "khac"}}, Col: 4},
			{Name: "poor_in_from_near_poor", Header: "Hộ cận nghèo trở thành hộ nghèo", Words: [][]string{{"can", "ngheo", "thanh", "ngheo"}}, Col: 5},
			{Name: "poor_in_repoor", Header: "Tái nghèo", Words: [][]string{{"tai", "ngheo"}}, Col: 6},
			{Name: "poor_in_new", Header: "Phát sinh mới", Words: [][]string{{"phat", "sinh"}}, Col: 7},
			{Name: "poor_in_other", Header: "Tăng khác (chuyển đến, tách hộ…)", Words: [][]string{{"tang", "khac"}}, Col: 8},
			{Name: "poor_end", Header: "Số hộ nghèo cuối kỳ", Words: [][]string{{"ngheo", "cuoi", "ky"}}, Col: 9},
		}
	case FormC:
		return []Field{
			{Name: "near_poor_start", Header: "Số hộ cận nghèo đầu kỳ", Words: [][]string{{"can", "ngheo", "dau", "ky"}}, Col: 1},
			{Name: "near_poor_out_escaped", Header: "Thoát cận nghèo", Words: [][]string{{"thoat", "can", "ngheo"}}, Col: 2},
			{Name: "near_poor_out_to_poor", Header: "Trở thành hộ nghèo", Words: [][]string{{"tro", "thanh", "ho", "ngheo"}, {"thanh", "ngheo"}}, Col: 3},
			{Name: "near_poor_out_other", Header: "Giảm khác (chết, chuyển đi, tách hộ…)", Words: [][]string{{"giam", "khac"}}, Col: 4},
			{Name: "near_poor_in_from_poor", Header: "Hộ nghèo trở thành hộ cận nghèo", Words: [][]string{{"ngheo", "thanh", "can", "ngheo"}}, Col: 5},
			{Name: "near_poor_in_re", Header: "Tái cận nghèo", Words: [][]string{{"tai", "can", "ngheo"}}, Col: 6},
			{Name: "near_poor_in_new", Header: "Phát sinh mới", Words: [][]string{{"phat", "sinh"}}, Col: 7},
			{Name: "near_poor_in_other", Header: "Tăng khác (chuyển đến, tách hộ…)", Words: [][]string{{"tang", "khac"}}, Col: 8},
			{Name: "near_poor_end", Header: "Số hộ cận nghèo cuối kỳ", Words: [][]string{{"can", "ngheo", "cuoi", "ky"}}, Col: 9},
		}
	}
	return nil
}

// Row is one body row of a summary form as read from a file, before it is
// matched to the database: either a unit's figures or a total row.
type Row struct {
	Sheet     string
	SourceRow int    // 1-based row number in the sheet or file
	Total     bool   // a "Cộng"/"Tổng cộng" row: checked, never loaded as data
	Subtotal  bool   // with Total: a group's subtotal ("I Thị trấn" with figures), not the grand total
	STT       string // the STT cell as printed (roman numerals mark group rows)
	UnitName  string
	UnitCode  string // when the file has a code column
	Values    map[string]float64
	// Cells names the spreadsheet cell (e.g. "D12") each value came from,
	// so findings can point at it.
	Cells map[string]string
}

// Household is one row of Form D (danh sách hộ). HeadIDHash is the keyed hash
// of the head's ID number: the raw number never leaves the reader.
type Household struct {
	SourceRow       int
	UnitCode        string
	UnitName        string
	HouseholdID     string
	Village         string
	HeadName        string
	HeadIDHash      string
	Ethnicity       string
	Area            string // rural | urban
	Members         int
	B1Score         *float64
	IncomePerCapita *float64
	Deprivations    []bool // dep_01 … dep_NN
	ClassEnd        string // poor | near_poor | escaped | none
	Change          string // old | new | repoor | from_near_poor | from_poor | escaped_poor | escaped_near_poor | ""
}
