// Package vnnum reads and writes numbers the way officers type them in
// Vietnamese offices: "1.234" is one thousand two hundred and thirty-four,
// "12,81" is twelve point eight one, "1.234,5" is 1234.5. Plain machine
// notation ("12.81", "57180") is accepted too, which makes a few strings
// ambiguous; the rules below settle them.
//
// Rules, applied after trimming spaces (including no-break spaces):
//   - "" and a lone dash ("-", "–", "—") are blank.
//   - "(12)" and "-12" are negative; a trailing "%" is dropped ("12%" is 12).
//   - When both "." and "," occur, the one that comes last is the decimal
//     mark and the other groups thousands: "1.234,5" and "1,234.5" are 1234.5.
//   - A single "," is a decimal comma ("12,81" is 12.81, "1,234" is 1.234);
//     several commas group thousands ("1,234,567").
//   - Several dots group thousands ("1.234.567").
//   - A single dot followed by exactly three digits groups thousands when the
//     part before it is 1–3 digits not starting with 0: "1.234" is 1234, but
//     "0.123" is 0.123 and "1234.567" is 1234.567. A single dot followed by
//     any other number of digits is a decimal point ("12.81", "1.5").
//   - Spaces between digit groups group thousands ("1 234", "1 234,5").
//   - Thousands groups after the first must have exactly three digits, so
//     "1.23.4" and "12 34" are errors, not guesses.
//   - A plain exponent form ("1.5E-05"), which machines sometimes write, is
//     read as such.
package vnnum

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// exponentForm matches machine notation with an exponent; it is only ever
// produced by software, so the dot in it is always a decimal point.
var exponentForm = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?[eE][+-]?[0-9]+$`)

// Parse reads a number in Vietnamese or plain notation (see the package
// comment for the rules). blank is true for "" and "-"; err says why a
// non-blank string is not a number.
func Parse(s string) (v float64, blank bool, err error) {
	t := strings.TrimFunc(s, unicode.IsSpace)
	switch t {
	case "", "-", "–", "—", "--":
		return 0, true, nil
	}
	neg := false
	if strings.HasSuffix(t, "%") {
		t = strings.TrimFunc(strings.TrimSuffix(t, "%"), unicode.IsSpace)
	}
	if strings.HasPrefix(t, "(") && strings.HasSuffix(t, ")") && len(t) >= 2 {
		neg = true
		t = strings.TrimFunc(t[1:len(t)-1], unicode.IsSpace)
	}
	switch {
	case strings.HasPrefix(t, "-"):
		neg = !neg
		t = t[1:]
	case strings.HasPrefix(t, "−"): // U+2212 minus sign, from word processors
		neg = !neg
		t = strings.TrimPrefix(t, "−")
	case strings.HasPrefix(t, "+"):
		t = t[1:]
	}
	t = strings.TrimFunc(t, unicode.IsSpace)
	if t == "" {
		return 0, false, fmt.Errorf("%q không phải là số", s)
	}
	plain, err := normalise(t)
	if err != nil {
		return 0, false, fmt.Errorf("%q không phải là số: %w", s, err)
	}
	v, err = strconv.ParseFloat(plain, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false, fmt.Errorf("%q không phải là số hợp lệ", s)
	}
	if neg {
		v = -v
	}
	return v, false, nil
}

// normalise turns the unsigned body of a number into Go's plain notation
// ("1234.5"), or says why it cannot.
func normalise(t string) (string, error) {
	if exponentForm.MatchString(t) {
		return t, nil
	}
	// Any run of Unicode space between digits is a thousands separator; map
	// it to one ASCII space so the grouping check below sees a single mark.
	var b strings.Builder
	prevSpace := false
	for _, r := range t {
		switch {
		case r >= '0' && r <= '9', r == '.', r == ',':
			b.WriteRune(r)
			prevSpace = false
		case unicode.IsSpace(r):
			if !prevSpace {
				b.WriteByte(' ')
			}
			prevSpace = true
		default:
			return "", fmt.Errorf("có ký tự %q", r)
		}
	}
	t = b.String()
	dots, commas := strings.Count(t, "."), strings.Count(t, ",")
	var intPart, frac string
	var group byte // thousands mark used in intPart (besides space)
	switch {
	case dots > 0 && commas > 0:
		dec := byte(',')
		if strings.LastIndexByte(t, '.') > strings.LastIndexByte(t, ',') {
			dec = '.'
		}
		group = ','
		if dec == ',' {
			group = '.'
		}
		if strings.Count(t, string(dec)) != 1 {
			return "", fmt.Errorf("có nhiều dấu thập phân")
		}
		i := strings.IndexByte(t, dec)
		intPart, frac = t[:i], t[i+1:]
		if strings.IndexByte(frac, group) >= 0 {
			return "", fmt.Errorf("dấu phân cách hàng nghìn sau dấu thập phân")
		}
	case commas == 1:
		i := strings.IndexByte(t, ',')
		intPart, frac = t[:i], t[i+1:]
	case commas > 1:
		intPart, group = t, ','
	case dots > 1:
		intPart, group = t, '.'
	case dots == 1:
		i := strings.IndexByte(t, '.')
		before, after := t[:i], t[i+1:]
		lead := before
		if j := strings.LastIndexByte(before, ' '); j >= 0 {
			lead = before[j+1:]
		}
		// A lone dot before exactly three digits is a thousands mark unless
		// what precedes it cannot start a grouped number ("0.123",
		// "1234.567"). Spaces in front ("1 234.567") mean grouping already.
		thousands := len(after) == 3 && allDigits(after) &&
			(strings.Contains(before, " ") && len(lead) == 3 ||
				!strings.Contains(before, " ") && len(lead) >= 1 && len(lead) <= 3 && lead[0] != '0')
		if thousands {
			intPart, group = t, '.'
		} else {
			intPart, frac = before, after
		}
	default:
		intPart = t
	}
	if strings.Contains(frac, " ") {
		return "", fmt.Errorf("khoảng trắng sau dấu thập phân")
	}
	digits, err := ungroup(intPart, group)
	if err != nil {
		return "", err
	}
	if frac != "" && !allDigits(frac) {
		return "", fmt.Errorf("phần thập phân không hợp lệ")
	}
	if digits == "" && frac == "" {
		return "", fmt.Errorf("không có chữ số")
	}
	if strings.HasSuffix(t, ",") || strings.HasSuffix(t, ".") {
		return "", fmt.Errorf("kết thúc bằng dấu phân cách")
	}
	if digits == "" {
		digits = "0"
	}
	if frac == "" {
		return digits, nil
	}
	return digits + "." + frac, nil
}

// ungroup removes thousands marks (group, or space) from an integer part,
// checking that every group after the first has exactly three digits.
func ungroup(s string, group byte) (string, error) {
	if s == "" {
		return "", nil
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || (group != 0 && r == rune(group)) })
	// FieldsFunc drops empty fields, so count separators to catch "1..234".
	seps := strings.Count(s, " ")
	if group != 0 {
		seps += strings.Count(s, string(group))
	}
	if len(parts) != seps+1 {
		return "", fmt.Errorf("nhóm chữ số rỗng")
	}
	for i, p := range parts {
		if !allDigits(p) {
			return "", fmt.Errorf("nhóm %q không phải chữ số", p)
		}
		if i == 0 && len(parts) > 1 && (len(p) > 3 || len(p) == 0) {
			return "", fmt.Errorf("nhóm đầu %q dài hơn 3 chữ số", p)
		}
		if i > 0 && len(p) != 3 {
			return "", fmt.Errorf("nhóm %q không đủ 3 chữ số", p)
		}
	}
	return strings.Join(parts, ""), nil
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Format writes v in Vietnamese notation with every significant digit:
// dots group thousands, a comma marks decimals ("1.234,5"). Parse(Format(v))
// gives v back for every finite v.
func Format(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	s := strconv.FormatFloat(math.Abs(v), 'f', -1, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if math.Signbit(v) && v != 0 {
		b.WriteByte('-')
	}
	group(&b, intPart)
	if frac != "" {
		b.WriteByte(',')
		b.WriteString(frac)
	}
	return b.String()
}

// FormatFixed writes v in Vietnamese notation rounded to dec decimals, as
// shown to users ("12,81", "1.234,5"). Rounding is half away from zero, as
// people round (0,125 → "0,13"), and a value that rounds to zero has no
// sign ("0,00", not "-0,00"). This is rasoat's one number formatter for
// people: pages, exports, the command line and the sample generator all
// call it (NaN and ±Inf are the caller's to show; here they are "NaN",
// "+Inf", "-Inf").
func FormatFixed(v float64, dec int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	dec = max(dec, 0)
	p := math.Pow(10, float64(dec))
	r := math.Round(v*p) / p
	if r == 0 {
		r = 0 // no "-0,00"
	}
	s := strconv.FormatFloat(math.Abs(r), 'f', dec, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if r < 0 {
		b.WriteByte('-')
	}
	group(&b, intPart)
	if frac != "" {
		b.WriteByte(',')
		b.WriteString(frac)
	}
	return b.String()
}

// FormatInt writes a count: 446297 → "446.297", -57180 → "-57.180".
func FormatInt(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	if digits, neg := strings.CutPrefix(s, "-"); neg {
		b.WriteByte('-')
		s = digits
	}
	group(&b, s)
	return b.String()
}

// group writes a run of digits with a dot between thousands groups.
func group(b *strings.Builder, digits string) {
	for i := 0; i < len(digits); i++ {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteByte(digits[i])
	}
}
