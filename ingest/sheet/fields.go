package sheet

import (
	"fmt"
	"strings"

	"rasoat/ingest/vntext"
	"rasoat/review"
)

// valueKind says how a cell of a column is read.
type valueKind int

const (
	kindCount  valueKind = iota // whole, non-negative; blank reads as 0 with a warning
	kindRate                    // a percentage as printed
	kindText                    // kept as written (NFC)
	kindNumber                  // optional decimal (Form D scores, income)
	kindFlag                    // deprivation: "x"/"1" deprived, blank not
	kindArea                    // rural | urban
	kindClass                   // class_end code
	kindChange                  // change code
	kindHeadID                  // hashed, never kept raw
)

// MaxCount bounds every count of a form: more households or persons than
// live in Viet Nam cannot be right, and a larger value (1e30) must never
// reach an integer column, where it would wrap to a negative number.
const MaxCount = 100_000_000

// MaxMembers bounds the persons of one household (Form D).
const MaxMembers = 99

// spec is one column the reader looks for.
type spec struct {
	name     string
	kind     valueKind
	words    [][]string // every word of one group must appear in the label
	not      [][]string // a label holding one of these groups, in order, is not this column
	optional bool
	col      int // printed column number, 0 when none
	header   string
	dep      int // deprivation indicator number (dep_NN), 0 for other fields
}

// exclusions keep one field from stealing another's column when word sets
// overlap: "Số hộ nghèo" must not take "Số hộ cận nghèo", and in Form B
// "Thoát nghèo → cận nghèo" must not take "Thoát nghèo, vượt chuẩn cận nghèo".
// They belong next to review.Field.Words conceptually; they are kept here
// because only readers of printed headers need them.
func exclusions(f review.Form, field string) [][]string {
	w := func(s ...string) []string { return s }
	switch f {
	case review.FormA:
		switch field {
		case "total_households":
			return [][]string{w("ngheo"), w("nhan"), w("dtts"), w("toc")}
		case "poor_end":
			return [][]string{w("can"), w("ty"), w("le"), w("nhan"), w("dtts"), w("toc"), w("thu", "nhap"), w("thieu", "hut")}
		case "poor_rate_reported", "poor_persons", "em_poor", "poor_income", "poor_deprivation":
			return [][]string{w("can")}
		case "near_poor_end":
			return [][]string{w("ty"), w("le"), w("nhan"), w("dtts"), w("toc")}
		case "em_households":
			return [][]string{w("ngheo")}
		case "total_persons":
			return [][]string{w("ngheo")}
		}
	case review.FormB:
		switch field {
		case "poor_start", "poor_end", "poor_in_repoor":
			return [][]string{w("can", "ngheo", "dau"), w("can", "ngheo", "cuoi"), w("tai", "can")}
		case "poor_out_to_near_poor":
			return [][]string{w("vuot"), w("tang"), w("can", "ngheo", "thanh")}
		case "poor_out_above_near_poor":
			return [][]string{w("tang")}
		case "poor_in_from_near_poor":
			return [][]string{w("thoat"), w("giam"), w("ngheo", "thanh", "can")}
		case "poor_out_other":
			return [][]string{w("tang")}
		case "poor_in_other", "poor_in_new":
			return [][]string{w("giam")}
		}
	case review.FormC:
		switch field {
		case "near_poor_out_escaped":
			return [][]string{w("tang"), w("thanh")}
		case "near_poor_out_to_poor":
			return [][]string{w("tang"), w("thanh", "can"), w("thoat")}
		case "near_poor_in_from_poor":
			return [][]string{w("giam"), w("can", "ngheo", "thanh")}
		case "near_poor_out_other":
			return [][]string{w("tang")}
		case "near_poor_in_other", "near_poor_in_new", "near_poor_in_re":
			return [][]string{w("giam")}
		}
	}
	return nil
}

// extraWords are shorter headings officers print for a column, tried after
// the words of review.Fields: "Hộ nghèo" for "Số hộ nghèo". The exclusions
// keep them from taking a neighbour's column ("Hộ nghèo DTTS").
func extraWords(f review.Form, field string) [][]string {
	if f != review.FormA {
		return nil
	}
	switch field {
	case "poor_end":
		return [][]string{{"ho", "ngheo"}}
	case "near_poor_end":
		return [][]string{{"ho", "can", "ngheo"}}
	}
	return nil
}

// formSpecs is built once and only read: header matching runs for every
// candidate header row and form, and rebuilding the specs each time
// dominated its cost.
var formSpecs = func() map[review.Form][]spec {
	m := map[review.Form][]spec{}
	for _, f := range review.Forms() {
		m[f] = buildSpecs(f)
	}
	return m
}()

// specs returns the columns of form f. Callers must not modify the slice.
func specs(f review.Form) []spec { return formSpecs[f] }

func buildSpecs(f review.Form) []spec {
	if f == review.FormD {
		return householdSpecs()
	}
	var out []spec
	for _, fd := range review.Fields(f) {
		k := kindCount
		if fd.Kind == review.Rate {
			k = kindRate
		}
		words := append(append([][]string(nil), fd.Words...), extraWords(f, fd.Name)...)
		out = append(out, spec{name: fd.Name, kind: k, words: words, not: exclusions(f, fd.Name),
			optional: fd.Optional, col: fd.Col, header: fd.Header})
	}
	return out
}

// maxDeprivations is the number of deprivation indicators under ND07/ND351;
// QD59 had 10.
const maxDeprivations = 12

// householdSpecs are the Form D columns (docs/forms.md, Form D).
func householdSpecs() []spec {
	w := func(s ...string) []string { return s }
	out := []spec{
		{name: "household_id", kind: kindText, words: [][]string{w("ma", "ho"), w("ma", "so", "ho")}, not: [][]string{w("chu"), w("ma", "xa")}, header: "Mã hộ"},
		{name: "village", kind: kindText, words: [][]string{w("thon"), w("buon"), w("to", "dan", "pho"), w("ap")}, optional: true, header: "Thôn/buôn/tổ dân phố"},
		{name: "head_name", kind: kindText, words: [][]string{w("ten", "chu", "ho"), w("ho", "ten")}, header: "Họ và tên chủ hộ"},
		{name: "head_id", kind: kindHeadID, words: [][]string{w("cccd"), w("cmnd"), w("can", "cuoc"), w("dinh", "danh")}, optional: true, header: "Số CCCD/CMND chủ hộ"},
		{name: "ethnicity", kind: kindText, words: [][]string{w("dan", "toc")}, optional: true, header: "Dân tộc"},
		{name: "area", kind: kindArea, words: [][]string{w("khu", "vuc"), w("thanh", "thi", "nong", "thon")}, optional: true, header: "Khu vực (thành thị/nông thôn)"},
		{name: "members", kind: kindCount, words: [][]string{w("nhan", "khau"), w("thanh", "vien")}, optional: true, header: "Số nhân khẩu"},
		{name: "b1_score", kind: kindNumber, words: [][]string{w("diem", "b1"), w("b1"), w("diem")}, optional: true, header: "Điểm B1"},
		{name: "income_per_capita", kind: kindNumber, words: [][]string{w("thu", "nhap")}, optional: true, header: "Thu nhập bình quân"},
		{name: "class_end", kind: kindClass, words: [][]string{w("phan", "loai"), w("ket", "qua")}, header: "Phân loại"},
		{name: "change", kind: kindChange, words: [][]string{w("dien", "bien")}, optional: true, header: "Diễn biến"},
	}
	for i := 1; i <= maxDeprivations; i++ {
		n := fmt.Sprint(i)
		out = append(out, spec{name: depName(i), kind: kindFlag, words: [][]string{w("thieu", "hut", n)},
			optional: true, header: "Thiếu hụt " + n, dep: i})
	}
	return out
}

func depName(i int) string { return fmt.Sprintf("dep_%02d", i) }

// fillerWords carry no meaning for telling columns apart.
func isFiller(w string) bool {
	switch w {
	case "so", "ho", "va", "cua", "trong", "cac", "tro", "la", "duoc", "gom", "tong", "ky":
		return true
	}
	return false
}

// arrows read as "thành" (becomes) in "CN→N"; a Replacer is safe for
// concurrent use and only read.
var arrows = strings.NewReplacer("→", " thành ", "->", " thành ", "=>", " thành ", "⇒", " thành ")

// labelWords folds a header label into words, expanding the abbreviations
// printed in narrow columns ("CN→N", "PS mới", "Vượt CN").
func labelWords(label string) []string {
	var out []string
	for _, w := range vntext.Words(arrows.Replace(label)) {
		switch w {
		case "cn":
			out = append(out, "can", "ngheo")
		case "hcn":
			out = append(out, "ho", "can", "ngheo")
		case "hn":
			out = append(out, "ho", "ngheo")
		case "n":
			out = append(out, "ngheo")
		case "ps":
			out = append(out, "phat", "sinh")
		case "nk":
			out = append(out, "nhan", "khau")
		case "tl":
			out = append(out, "ty", "le")
		default:
			out = append(out, w)
		}
	}
	return periodWords(out)
}

// periodWords reads "đầu năm", "cuối năm" as "đầu kỳ", "cuối kỳ": the
// start and end of the review period. It runs on a whole label's words,
// which may come from cells in different header rows.
func periodWords(words []string) []string {
	for i := 1; i < len(words); i++ {
		if words[i] == "nam" && (words[i-1] == "dau" || words[i-1] == "cuoi") {
			words[i] = "ky"
		}
	}
	return words
}

func containsAll(words, group []string) bool {
	for _, g := range group {
		found := false
		for _, w := range words {
			if w == g {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// inOrder reports whether group occurs in words as a subsequence, which
// tells "cận nghèo thành nghèo" from "nghèo thành cận nghèo".
func inOrder(words, group []string) bool {
	i := 0
	for _, w := range words {
		if i < len(group) && w == group[i] {
			i++
		}
	}
	return i == len(group)
}

func distinct(group []string) int {
	seen := map[string]bool{}
	for _, g := range group {
		seen[g] = true
	}
	return len(seen)
}

// score rates how well a column label fits sp: 0 means no fit. More
// distinct words matched wins; matching in printed order breaks ties, and
// meaningful label words the group does not explain count against it.
func score(words []string, sp spec) int {
	for _, n := range sp.not {
		if inOrder(words, n) {
			return 0
		}
	}
	best := 0
	for _, g := range sp.words {
		if !containsAll(words, g) {
			continue
		}
		s := 10 * distinct(g)
		if inOrder(words, g) {
			s += 5
		}
		for _, w := range words {
			if !isFiller(w) && !containsAll(g, []string{w}) {
				s--
			}
		}
		if s < 1 {
			s = 1
		}
		if s > best {
			best = s
		}
	}
	return best
}

// role columns: not form fields but needed to read a row.
const (
	roleNone = iota
	roleSTT
	roleName
	roleCode
)

func columnRole(words []string) int {
	j := strings.Join(words, " ")
	switch j {
	case "stt", "tt", "so tt", "so thu tu", "thu tu":
		return roleSTT
	case "xa", "huyen", "phuong", "don vi", "ten don vi", "ten xa", "ten huyen", "dia ban", "ten dia ban",
		"xa phuong", "xa phuong thi tran", "ten xa phuong thi tran", "huyen thi xa thanh pho",
		"don vi hanh chinh", "ten don vi hanh chinh", "don vi xa", "ten phuong xa":
		return roleName
	case "ma", "ma xa", "ma dvhc", "ma don vi", "ma don vi hanh chinh", "ma huyen", "ma so dvhc", "ma dv":
		return roleCode
	}
	switch {
	case len(words) >= 1 && len(words) <= 3 && words[0] == "ma" && !containsAll(words, []string{"ho"}),
		containsAll(words, []string{"ma", "dvhc"}), inOrder(words, []string{"ma", "don", "vi"}), inOrder(words, []string{"ma", "xa"}):
		return roleCode
	case inOrder(words, []string{"ten", "don", "vi"}), inOrder(words, []string{"xa", "phuong", "thi", "tran"}):
		return roleName
	case unitWords(words):
		return roleName
	}
	return roleNone
}

// unitWords: a label made only of words that name kinds of units ("Tên xã,
// phường", "Xã/thị trấn", "Đơn vị (xã)") heads the name column.
func unitWords(words []string) bool {
	kind := false
	for _, w := range words {
		switch w {
		case "xa", "phuong", "huyen", "quan", "tran", "don", "ban":
			kind = true
		case "ten", "cac", "thi", "thanh", "pho", "vi", "hanh", "chinh", "dia", "tp", "tt":
		default:
			return false
		}
	}
	return kind
}
