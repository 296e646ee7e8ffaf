// Package vntext handles Vietnamese text as it arrives in officers' files:
// folding for accent-, case- and spacing-insensitive matching, and (see
// legacy.go) conversion of legacy 8-bit encodings to Unicode NFC.
package vntext

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold reduces s to lower-case ASCII-ish words for matching: accents removed
// (đ → d), apostrophes of every kind removed, punctuation turned into spaces,
// runs of space collapsed. "Ea H’leo" and "EA HLEO" fold alike.
func Fold(s string) string {
	s = norm.NFD.String(s)
	var b strings.Builder
	b.Grow(len(s))
	space := true // drop leading space
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue // combining accent
		case r == 'đ' || r == 'Đ':
			r = 'd'
		case r == '\'' || r == '’' || r == '‘' || r == 'ʼ' || r == '`' || r == '´':
			continue
		}
		r = unicode.ToLower(r)
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			space = false
			continue
		}
		if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimRight(b.String(), " ")
}

// Words returns the folded words of s.
func Words(s string) []string { return strings.Fields(Fold(s)) }

// NFC returns s in Unicode normal form C, the form rasoat stores. ASCII,
// most cells of a household list, is returned as it is without a scan by
// the normaliser.
func NFC(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return norm.NFC.String(s)
		}
	}
	return s
}
