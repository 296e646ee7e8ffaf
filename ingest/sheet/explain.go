package sheet

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"rasoat/ingest/vntext"
)

// Row classes: what the reader took each sheet row of a form for.
const (
	ClassTitle    = "title"    // title block: issuer, form number, title, attachment, unit line
	ClassHeader   = "header"   // column header (1–3 rows)
	ClassNumbers  = "numbers"  // the printed column numbers under the header
	ClassGroup    = "group"    // a group label ("I Thị trấn", "II Các xã"): not data
	ClassBody     = "body"     // one unit's figures
	ClassTotal    = "total"    // a total row ("Cộng", "Toàn huyện"): checked, not data
	ClassSubtotal = "subtotal" // a group's subtotal: not data
	ClassFooter   = "footer"   // signatures, dates, notes
	ClassBlank    = "blank"    // nothing in it, or only an unused STT
)

// RowClass is the reader's decision about one row, with its reason (in
// Vietnamese, for the officer).
type RowClass struct {
	Row    int // 1-based sheet row
	Class  string
	Reason string
}

// ColumnMap is how one column was read: its role (stt, name, code), the
// form field it feeds, or "unknown"; with the header text and the reason.
type ColumnMap struct {
	Column string // Excel letter (CSV: the column name)
	Role   string
	Label  string
	Reason string
}

// Explanation tells why a form was read as it was (`ingest --explain`).
type Explanation struct {
	Rows    []RowClass
	Columns []ColumnMap
}

func (e *Explanation) add(r int, class, reason string) {
	e.Rows = append(e.Rows, RowClass{Row: r + 1, Class: class, Reason: reason})
}

// className is the Vietnamese name of a row class.
func className(c string) string {
	switch c {
	case ClassTitle:
		return "tiêu đề"
	case ClassHeader:
		return "tiêu đề cột"
	case ClassNumbers:
		return "số cột"
	case ClassGroup:
		return "nhóm"
	case ClassBody:
		return "dữ liệu"
	case ClassTotal:
		return "tổng cộng"
	case ClassSubtotal:
		return "cộng nhóm"
	case ClassFooter:
		return "cuối biểu"
	case ClassBlank:
		return "trống"
	}
	return c
}

// columnsOf explains header h's columns.
func columnsOf(h header, l loc) []ColumnMap {
	var out []ColumnMap
	label := func(c int) string {
		if c >= 0 && c < len(h.labels) {
			return h.labels[c]
		}
		return ""
	}
	why := func(c int, words string) string {
		if h.byNumber[c] {
			return "theo dòng số cột (" + words + ")"
		}
		return "chữ tiêu đề cột khớp " + words
	}
	if h.stt >= 0 {
		out = append(out, ColumnMap{l.column(h.stt), "stt", label(h.stt), why(h.stt, "STT")})
	}
	if h.name >= 0 {
		out = append(out, ColumnMap{l.column(h.name), "name", label(h.name), why(h.name, "tên đơn vị")})
	}
	if h.code >= 0 {
		out = append(out, ColumnMap{l.column(h.code), "code", label(h.code), why(h.code, "mã đơn vị")})
	}
	for _, c := range h.fieldCols() {
		sp := h.cols[c]
		out = append(out, ColumnMap{l.column(c), sp.name, label(c), why(c, fmt.Sprintf("%q (cột %d của biểu)", sp.header, sp.col))})
	}
	for _, c := range h.unknownCols() {
		out = append(out, ColumnMap{l.column(c), "unknown", label(c), "không khớp cột nào của biểu: giữ lại, không dùng để tính"})
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Column, out[j].Column
		if len(a) != len(b) {
			return len(a) < len(b)
		}
		return a < b
	})
	return out
}

// WriteExplanation prints how the forms of a file were read: per form its
// meta, the column mapping and every row's class with the reason.
func WriteExplanation(w io.Writer, forms []Form) error {
	var b strings.Builder
	for i, f := range forms {
		where := f.File
		if f.Sheet != "" {
			where += " / sheet " + f.Sheet
		}
		fmt.Fprintf(&b, "== Biểu %s (form %s) — %s\n", f.Meta.Form, f.Meta.Form, where)
		m := f.Meta
		stage := "—"
		if m.Stage != "" {
			stage = m.Stage.Vietnamese() + " (" + string(m.Stage) + ")"
		}
		year := "—"
		if m.Year != 0 {
			year = fmt.Sprint(m.Year)
		}
		issuer := "—"
		if m.IssuerName != "" {
			issuer = m.IssuerLevel + " " + m.IssuerName
		}
		fmt.Fprintf(&b, "   năm/year: %s   giai đoạn/stage: %s   đơn vị báo cáo/issuer: %s", year, stage, issuer)
		if m.Standard != "" {
			fmt.Fprintf(&b, "   chuẩn/standard: %s", m.Standard)
		}
		if f.Continues {
			b.WriteString("   (tiếp sheet trước / continues previous sheet)")
		}
		b.WriteString("\n   Cột / columns:\n")
		for _, c := range f.Explain.Columns {
			fmt.Fprintf(&b, "     %-4s %-26s %-40q %s\n", c.Column, c.Role, clip(vntext.NFC(c.Label)), c.Reason)
		}
		b.WriteString("   Dòng / rows:\n")
		for _, r := range f.Explain.Rows {
			fmt.Fprintf(&b, "     %5d  %-9s %-11s %s\n", r.Row, r.Class, className(r.Class), r.Reason)
		}
		if i < len(forms)-1 {
			b.WriteString("\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
