package synth

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// newRand derives an independent PCG stream for one part of the generator.
// Keying every stream by a label (rather than sharing one generator) keeps a
// change in one part from shifting the numbers of every other part.
func newRand(seed uint64, label string) *rand.Rand {
	h := fnv.New64a()
	_, _ = h.Write([]byte(label))
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}

// uniform returns a float in [lo, hi).
func uniform(r *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*r.Float64() }

// between returns an int in [lo, hi].
func between(r *rand.Rand, lo, hi int) int { return lo + r.IntN(hi-lo+1) }

func iround(x float64) int64 { return int64(math.Round(x)) }

// round2 rounds a percentage the way a printed form shows it.
func round2(x float64) float64 { return math.Round(x*100) / 100 }

func rate(part, total int64) float64 {
	if total <= 0 {
		return 0
	}
	return round2(float64(part) / float64(total) * 100)
}

// fmtRateCSV writes a rate for machine exports and the truth files.
func fmtRateCSV(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) }

// slug turns a Vietnamese name into a file-name part: "Huyện M'Đrăng" → "huyen-mdrang".
func slug(s string) string {
	s = norm.NFD.String(s)
	var b strings.Builder
	dash := true
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ' || r == 'Đ':
			r = 'd'
		case r == '\'' || r == '’':
			continue
		}
		r = unicode.ToLower(r)
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
			dash = false
			continue
		}
		if !dash {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// upperVN upper-cases Vietnamese text; strings.ToUpper maps precomposed
// letters (ắ → Ắ, đ → Đ) so the result stays NFC.
func upperVN(s string) string { return norm.NFC.String(strings.ToUpper(s)) }

// curly swaps straight apostrophes for the typographic one Word inserts.
func curly(s string) string { return strings.ReplaceAll(s, "'", "’") }

func roman(n int) string {
	vals := []int{10, 9, 5, 4, 1}
	syms := []string{"X", "IX", "V", "IV", "I"}
	var b strings.Builder
	for i, v := range vals {
		for n >= v {
			b.WriteString(syms[i])
			n -= v
		}
	}
	return b.String()
}

// day is a calendar date without time zone, for report dates.
type day struct{ D, M, Y int }

func (d day) String() string { return pad2(d.D) + "/" + pad2(d.M) + "/" + strconv.Itoa(d.Y) }

// Long is the date line printed above signatures.
func (d day) Long() string {
	return "ngày " + pad2(d.D) + " tháng " + pad2(d.M) + " năm " + strconv.Itoa(d.Y)
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}
