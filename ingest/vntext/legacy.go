package vntext

// Legacy 8-bit Vietnamese encodings.
//
// Officers' old templates show text through legacy fonts: TCVN3 (ABC, fonts
// ".VnTime", ".VnArial" and ".VnTimeH" for upper case) and VNI-Windows (fonts
// "VNI-Times"…). An .xlsx stores such a cell as the Windows-1252 reading of
// the bytes, so "Hộ nghèo" arrives as "Hé nghÌo" (TCVN3) or "Hoä ngheøo"
// (VNI). The tables below work on those code points: a legacy byte b is the
// rune b (0xA0–0xFF); neither encoding uses 0x80–0x9F, so the Windows-1252
// punctuation there (’ “ ” – …) passes through untouched.
//
// TCVN3 is the VN3 subset of TCVN 5712:1993: every lower-case letter has a
// byte, but of the upper-case letters only Ă Â Ê Ô Ơ Ư Đ do. Upper-case
// headings were written with the lower-case bytes in the ".VnTimeH" font,
// which draws them as capitals. The font is not known here, so DecodeTCVN3
// returns lower case for those bytes, except in a heading typed in capitals
// ("TæNG CéNG": no small ASCII letter, a capital inside a word), where it
// returns capitals. Matching is case-insensitive, so the loss is cosmetic.
//
// VNI-Windows writes most toned letters as an ASCII vowel followed by a mark
// byte ("ộ" = "o" + "ä"); ơ, ư, đ and the toned i letters (and ỵ) have
// bytes of their own, and marks come in an upper- and a lower-case form.

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Encoding is how a cell's text is encoded.
type Encoding int

const (
	Unicode Encoding = iota // Unicode (any normal form) or plain ASCII
	TCVN3                   // TCVN3 / ABC (VN3), fonts .VnTime, .VnTimeH, .VnArial…
	VNI                     // VNI-Windows, fonts VNI-Times…
)

func (e Encoding) String() string {
	switch e {
	case Unicode:
		return "Unicode"
	case TCVN3:
		return "TCVN3"
	case VNI:
		return "VNI"
	}
	return fmt.Sprintf("Encoding(%d)", int(e))
}

// Tones, in the column order of the tables below.
const (
	toneNone = iota
	toneGrave
	toneHook
	toneTilde
	toneAcute
	toneDot
	nTones
)

// The 12 vowel bases, in the row order of the tables below.
var vowelBases = [...]string{"a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"}

const (
	baseA = iota
	baseAbreve
	baseAcirc
	baseE
	baseEcirc
	baseI
	baseO
	baseOcirc
	baseOhorn
	baseU
	baseUhorn
	baseY
	nBases
)

// tcvn3Codes[base][tone] is the TCVN3 byte of the lower-case letter; 0 means
// the plain ASCII vowel. Checked against TCVN 5712:1993 VN3 and the known
// samples "B¸t X¸t" = "Bát Xát", "Mêng Kh¬ng" = "Mường Khương".
var tcvn3Codes = [nBases][nTones]byte{
	baseA:      {0, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9},    // a à ả ã á ạ
	baseAbreve: {0xA8, 0xBB, 0xBC, 0xBD, 0xBE, 0xC6}, // ă ằ ẳ ẵ ắ ặ
	baseAcirc:  {0xA9, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB}, // â ầ ẩ ẫ ấ ậ
	baseE:      {0, 0xCC, 0xCE, 0xCF, 0xD0, 0xD1},    // e è ẻ ẽ é ẹ
	baseEcirc:  {0xAA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6}, // ê ề ể ễ ế ệ
	baseI:      {0, 0xD7, 0xD8, 0xDC, 0xDD, 0xDE},    // i ì ỉ ĩ í ị
	baseO:      {0, 0xDF, 0xE1, 0xE2, 0xE3, 0xE4},    // o ò ỏ õ ó ọ
	baseOcirc:  {0xAB, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9}, // ô ồ ổ ỗ ố ộ
	baseOhorn:  {0xAC, 0xEA, 0xEB, 0xEC, 0xED, 0xEE}, // ơ ờ ở ỡ ớ ợ
	baseU:      {0, 0xEF, 0xF1, 0xF2, 0xF3, 0xF4},    // u ù ủ ũ ú ụ
	baseUhorn:  {0xAD, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9}, // ư ừ ử ữ ứ ự
	baseY:      {0, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE},    // y ỳ ỷ ỹ ý ỵ
}

// TCVN3 bytes of the only upper-case letters VN3 has.
const (
	tcvn3Abreve = 0xA1 // Ă
	tcvn3Acirc  = 0xA2 // Â
	tcvn3Ecirc  = 0xA3 // Ê
	tcvn3Ocirc  = 0xA4 // Ô
	tcvn3Ohorn  = 0xA5 // Ơ
	tcvn3Uhorn  = 0xA6 // Ư
	tcvn3DUpper = 0xA7 // Đ
	tcvn3DLower = 0xAE // đ
)

// VNI marks (lower-case form; the upper-case form is 0x20 less), by tone.
var (
	vniToneMarks  = [nTones]byte{0, 0xF8, 0xFB, 0xF5, 0xF9, 0xEF}    // ø û õ ù ï
	vniCircMarks  = [nTones]byte{0xE2, 0xE0, 0xE5, 0xE3, 0xE1, 0xE4} // â à å ã á ä
	vniBreveMarks = [nTones]byte{0xEA, 0xE8, 0xFA, 0xFC, 0xE9, 0xEB} // ê è ú ü é ë
	vniILetters   = [nTones]byte{'i', 0xEC, 0xE6, 0xF3, 0xED, 0xF2}  // i ì æ ó í ò
)

// VNI bytes of letters that have their own byte (lower case; upper = -0x20).
const (
	vniOhorn  = 0xF4 // ơ (shown ô)
	vniUhorn  = 0xF6 // ư (shown ö)
	vniD      = 0xF1 // đ (shown ñ)
	vniYdot   = 0xEE // ỵ (shown î)
	vniCaseUp = 0x20 // lower-case byte - upper-case byte
)

// letter describes one Vietnamese letter.
type letter struct {
	base  int8 // vowel base index, or -1 for a consonant (đ, ASCII consonants)
	tone  int8
	upper bool
}

type markKind int8

const (
	markNone markKind = iota
	markTone
	markCirc
	markBreve
)

type vniMark struct {
	kind markKind
	tone int8
}

// legacyTables is built once and only read afterwards.
type legacyTables struct {
	letters  map[rune]letter         // every Vietnamese letter, ASCII vowels and đ/Đ included
	compose  [nBases][nTones][2]rune // [base][tone][upper]
	tcvnDec  [256]rune               // TCVN3 byte → lower-case letter (0: unused)
	tcvnEnc  map[rune]byte           // letter → TCVN3 byte (upper case → lower-case byte)
	vniMarks [256]vniMark            // VNI mark byte → mark
	vniOwn   [256]rune               // VNI byte that is a whole letter → letter
	clusters map[string]clusterRule  // vowel clusters Vietnamese allows
}

var tables = buildLegacyTables()

func buildLegacyTables() *legacyTables {
	t := &legacyTables{
		letters: make(map[rune]letter, 2*nBases*nTones+64),
		tcvnEnc: make(map[rune]byte, 2*nBases*nTones+16),
	}
	// Compose every letter from base + combining marks so that no table of
	// 134 hand-typed letters can hide a typo.
	baseMarks := [nBases]string{"a", "a\u0306", "a\u0302", "e", "e\u0302", "i", "o", "o\u0302", "o\u031B", "u", "u\u031B", "y"}
	toneMarks := [nTones]string{"", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"}
	for b := range nBases {
		for tn := range nTones {
			s := norm.NFC.String(baseMarks[b] + toneMarks[tn])
			lo, n := utf8.DecodeRuneInString(s)
			if n != len(s) {
				panic("vntext: letter does not compose to one rune: " + s)
			}
			up := unicode.ToUpper(lo)
			t.compose[b][tn] = [2]rune{lo, up}
			t.letters[lo] = letter{base: int8(b), tone: int8(tn)}
			t.letters[up] = letter{base: int8(b), tone: int8(tn), upper: true}
			if c := tcvn3Codes[b][tn]; c != 0 {
				t.tcvnDec[c] = lo
				t.tcvnEnc[lo] = c
				t.tcvnEnc[up] = c // VN3 has no byte: the .VnTimeH convention
			}
		}
	}
	t.letters['đ'] = letter{base: -1}
	t.letters['Đ'] = letter{base: -1, upper: true}
	for r, c := range map[rune]byte{
		'Ă': tcvn3Abreve, 'Â': tcvn3Acirc, 'Ê': tcvn3Ecirc, 'Ô': tcvn3Ocirc,
		'Ơ': tcvn3Ohorn, 'Ư': tcvn3Uhorn, 'Đ': tcvn3DUpper, 'đ': tcvn3DLower,
	} {
		t.tcvnDec[c] = r
		t.tcvnEnc[r] = c
	}

	for tn := range nTones {
		if m := vniToneMarks[tn]; m != 0 {
			t.vniMarks[m] = vniMark{markTone, int8(tn)}
			t.vniMarks[m-vniCaseUp] = vniMark{markTone, int8(tn)}
		}
		t.vniMarks[vniCircMarks[tn]] = vniMark{markCirc, int8(tn)}
		t.vniMarks[vniCircMarks[tn]-vniCaseUp] = vniMark{markCirc, int8(tn)}
		t.vniMarks[vniBreveMarks[tn]] = vniMark{markBreve, int8(tn)}
		t.vniMarks[vniBreveMarks[tn]-vniCaseUp] = vniMark{markBreve, int8(tn)}
		if c := vniILetters[tn]; c != 'i' {
			t.vniOwn[c] = t.compose[baseI][tn][0]
			t.vniOwn[c-vniCaseUp] = t.compose[baseI][tn][1]
		}
	}
	t.vniOwn[vniOhorn] = t.compose[baseOhorn][toneNone][0]
	t.vniOwn[vniOhorn-vniCaseUp] = t.compose[baseOhorn][toneNone][1]
	t.vniOwn[vniUhorn] = t.compose[baseUhorn][toneNone][0]
	t.vniOwn[vniUhorn-vniCaseUp] = t.compose[baseUhorn][toneNone][1]
	t.vniOwn[vniD] = 'đ'
	t.vniOwn[vniD-vniCaseUp] = 'Đ'
	t.vniOwn[vniYdot] = t.compose[baseY][toneDot][0]
	t.vniOwn[vniYdot-vniCaseUp] = t.compose[baseY][toneDot][1]
	for c := range 256 {
		if t.vniOwn[c] != 0 && t.vniMarks[c].kind != markNone {
			panic(fmt.Sprintf("vntext: VNI byte %#x is both a letter and a mark", c))
		}
	}
	t.clusters = buildClusters()
	return t
}

// isCP1252Punct reports a Windows-1252 character of bytes 0x80–0x9F.
// Neither legacy encoding gives these bytes a letter, so they only matter for
// telling legacy text (which may contain ’ or –) from Unicode text.
func isCP1252Punct(r rune) bool {
	switch r {
	case 0x20AC, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030,
		0x0160, 0x2039, 0x0152, 0x017D, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
		0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x017E, 0x0178:
		return true
	}
	return r >= 0x80 && r <= 0x9F // C1 controls: undefined cp1252 bytes kept as is
}

// DecodeTCVN3 converts text in TCVN3 (ABC) to Unicode NFC. Bytes that TCVN3
// leaves unused, ASCII, and characters above 0xFF pass through.
func DecodeTCVN3(s string) string {
	out, _ := decodeTCVN3(s)
	return norm.NFC.String(out)
}

// decodeTCVN3 also reports how many Latin-1 characters had no TCVN3 meaning.
func decodeTCVN3(s string) (string, int) {
	var b strings.Builder
	b.Grow(len(s) + len(s)/2)
	unused := 0
	for _, r := range s {
		if r > 0xA0 && r <= 0xFF && tables.tcvnDec[r] == 0 {
			unused++
		}
	}
	heading := isTCVN3Heading(s)
	for _, r := range s {
		if r > 0xA0 && r <= 0xFF {
			if d := tables.tcvnDec[r]; d != 0 {
				if heading {
					d = unicode.ToUpper(d)
				}
				b.WriteRune(d)
				continue
			}
		}
		b.WriteRune(r)
	}
	return b.String(), unused
}

// isTCVN3Heading reports a heading typed in capitals for .VnTimeH, such as
// "TæNG CéNG" for "TỔNG CỘNG": no small ASCII letter, and a capital inside a
// word. Capitals that only start words ("X· C\u00ad NÐ", "Xã Cư Né") are not
// enough: that is how names are written.
func isTCVN3Heading(s string) bool {
	inside := false
	inWord := false
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			return false
		case r >= 'A' && r <= 'Z':
			if inWord {
				inside = true
			}
			inWord = true
		case r > 0xA0 && r <= 0xFF:
			inWord = true
		default:
			inWord = false
		}
	}
	return inside
}

// DecodeVNI converts text in VNI-Windows to Unicode NFC. A mark that follows
// no vowel it can go on, ASCII, and characters above 0xFF pass through.
func DecodeVNI(s string) string {
	out, _ := decodeVNI(s)
	return norm.NFC.String(out)
}

// decodeVNI also reports how many mark bytes had no vowel to go on.
func decodeVNI(s string) (string, int) {
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s))
	dangling := 0
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		base, upper := vniBase(r)
		if base >= 0 {
			tone := toneNone
			if i+1 < len(rs) && rs[i+1] <= 0xFF {
				m := tables.vniMarks[rs[i+1]]
				if nb, ok := applyVNIMark(base, m); ok {
					base, tone = nb, int(m.tone)
					i++
				}
			}
			b.WriteRune(tables.compose[base][tone][b2i(upper)])
			continue
		}
		if r <= 0xFF {
			if l := tables.vniOwn[r]; l != 0 {
				b.WriteRune(l)
				continue
			}
			if tables.vniMarks[r].kind != markNone {
				dangling++
			}
		}
		b.WriteRune(r)
	}
	return b.String(), dangling
}

// vniBase says whether r can carry a VNI mark, and as which base.
func vniBase(r rune) (base int, upper bool) {
	switch r {
	case 'a', 'A':
		return baseA, r == 'A'
	case 'e', 'E':
		return baseE, r == 'E'
	case 'o', 'O':
		return baseO, r == 'O'
	case 'u', 'U':
		return baseU, r == 'U'
	case 'y', 'Y':
		return baseY, r == 'Y'
	case vniOhorn, vniOhorn - vniCaseUp:
		return baseOhorn, r == vniOhorn-vniCaseUp
	case vniUhorn, vniUhorn - vniCaseUp:
		return baseUhorn, r == vniUhorn-vniCaseUp
	}
	return -1, false
}

// applyVNIMark returns the base after mark m, or false if m cannot go on base.
func applyVNIMark(base int, m vniMark) (int, bool) {
	switch m.kind {
	case markTone:
		return base, true
	case markCirc:
		switch base {
		case baseA:
			return baseAcirc, true
		case baseE:
			return baseEcirc, true
		case baseO:
			return baseOcirc, true
		}
	case markBreve:
		if base == baseA {
			return baseAbreve, true
		}
	}
	return 0, false
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// EncodeTCVN3 converts Unicode text to TCVN3 (ABC), as a legacy file would
// hold it. Upper-case toned letters, which VN3 lacks, get the lower-case byte
// (what .VnTimeH shows as a capital). Characters TCVN3 cannot hold are an
// error.
func EncodeTCVN3(s string) (string, error) {
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range norm.NFC.String(s) {
		switch {
		case r < 0x80 || r == 0xA0 || isCP1252Punct(r):
			b.WriteRune(r)
		case tables.tcvnEnc[r] != 0:
			b.WriteRune(rune(tables.tcvnEnc[r]))
		case r <= 0xFF && tables.tcvnDec[r] == 0:
			b.WriteRune(r) // a byte TCVN3 leaves to Latin-1 (e.g. °)
		default:
			return "", fmt.Errorf("vntext: ký tự %q (vị trí %d) không có trong bảng mã TCVN3", r, i)
		}
	}
	return b.String(), nil
}

// EncodeVNI converts Unicode text to VNI-Windows, as a legacy file would hold
// it. Characters VNI cannot hold are an error.
func EncodeVNI(s string) (string, error) {
	var b strings.Builder
	b.Grow(len(s) + len(s)/2)
	for i, r := range norm.NFC.String(s) {
		l, ok := tables.letters[r]
		switch {
		case ok && l.base >= 0:
			writeVNIVowel(&b, l)
		case r == 'đ':
			b.WriteRune(vniD)
		case r == 'Đ':
			b.WriteRune(vniD - vniCaseUp)
		case r < 0x80 || r == 0xA0 || isCP1252Punct(r):
			b.WriteRune(r)
		case r <= 0xFF && tables.vniOwn[r] == 0 && tables.vniMarks[r].kind == markNone:
			b.WriteRune(r) // a byte VNI leaves to Latin-1 (e.g. °)
		default:
			return "", fmt.Errorf("vntext: ký tự %q (vị trí %d) không có trong bảng mã VNI", r, i)
		}
	}
	return b.String(), nil
}

func writeVNIVowel(b *strings.Builder, l letter) {
	up := byte(0)
	if l.upper {
		up = vniCaseUp
	}
	ascii := func(c byte) {
		if l.upper {
			c -= 'a' - 'A'
		}
		b.WriteByte(c)
	}
	mark := func(m byte) {
		if m != 0 {
			b.WriteRune(rune(m - up))
		}
	}
	switch int(l.base) {
	case baseA, baseE, baseO, baseU:
		ascii(vowelBases[l.base][0])
		mark(vniToneMarks[l.tone])
	case baseY:
		if l.tone == toneDot {
			b.WriteRune(rune(vniYdot - up))
			return
		}
		ascii('y')
		mark(vniToneMarks[l.tone])
	case baseI:
		if l.tone == toneNone {
			ascii('i')
			return
		}
		b.WriteRune(rune(vniILetters[l.tone] - up))
	case baseAbreve:
		ascii('a')
		mark(vniBreveMarks[l.tone])
	case baseAcirc:
		ascii('a')
		mark(vniCircMarks[l.tone])
	case baseEcirc:
		ascii('e')
		mark(vniCircMarks[l.tone])
	case baseOcirc:
		ascii('o')
		mark(vniCircMarks[l.tone])
	case baseOhorn:
		b.WriteRune(rune(vniOhorn - up))
		mark(vniToneMarks[l.tone])
	case baseUhorn:
		b.WriteRune(rune(vniUhorn - up))
		mark(vniToneMarks[l.tone])
	}
}

// ToNFC is what readers call on every text cell: it detects a legacy
// encoding, decodes it, and returns Unicode NFC.
func ToNFC(s string) string {
	if isASCII(s) {
		return s
	}
	n := norm.NFC.String(strings.ToValidUTF8(s, "\uFFFD"))
	switch detect(n) {
	case TCVN3:
		return DecodeTCVN3(n)
	case VNI:
		return DecodeVNI(n)
	}
	return n
}

// DetectLegacy guesses the encoding of a cell's text. Text with any
// character above 0xFF that Windows-1252 cannot produce (ư, ộ, a combining
// accent…) is Unicode; so is ASCII. Otherwise the text is read three ways
// and the reading with the fewest words that cannot be Vietnamese wins, ties
// going to Unicode: a guess only changes text that reads badly as it is.
// Detection looks at the NFC form, so s and NFC(s) always agree.
func DetectLegacy(s string) Encoding {
	if isASCII(s) {
		return Unicode
	}
	return detect(norm.NFC.String(s))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// detect works on NFC text.
func detect(s string) Encoding {
	var sc scores
	sc.add(s)
	return sc.decide()
}

// DetectLegacyAll guesses one encoding for cells known to share it, such as
// the names in one column of a legacy template: short cells that are
// ambiguous alone ("Ea Pông") are settled by the others. Cells with a
// character only Unicode has do not vote; all-Unicode input gives Unicode.
func DetectLegacyAll(cells []string) Encoding {
	var sc scores
	for _, c := range cells {
		if !isASCII(c) {
			sc.add(norm.NFC.String(c))
		}
	}
	return sc.decide()
}

// Decode converts s from encoding e to Unicode NFC.
func Decode(s string, e Encoding) string {
	switch e {
	case TCVN3:
		return DecodeTCVN3(s)
	case VNI:
		return DecodeVNI(s)
	}
	return norm.NFC.String(s)
}

// scores counts, for each reading of some text, the words that cannot be
// Vietnamese, and the rare tones of the two legacy readings.
type scores struct {
	uBad, tBad, vBad int
	tRare, vRare     int
}

func (sc *scores) add(s string) {
	for _, r := range s {
		if r > 0xFF && !isCP1252Punct(r) {
			return // only Unicode has this character
		}
	}
	for tok := range strings.FieldsFuncSeq(s, isSeparator) {
		if isASCII(tok) {
			continue // reads the same in every encoding
		}
		if hasLetter(tok) {
			sc.uBad += wordBad(tok, false)
		} // else: Latin-1 punctuation such as « » or ° standing alone
		t, unused := decodeTCVN3(tok)
		sc.tBad += min(unused, 1) + wordBad(t, true)
		sc.tRare += rareTones(t)
		v, dangling := decodeVNI(tok)
		sc.vBad += min(dangling, 1) + wordBad(v, false)
		sc.vRare += rareTones(v)
	}
}

func (sc *scores) decide() Encoding {
	switch {
	case sc.tBad < sc.uBad && sc.tBad < sc.vBad:
		return TCVN3
	case sc.vBad < sc.uBad && sc.vBad < sc.tBad:
		return VNI
	case sc.tBad < sc.uBad && sc.tBad == sc.vBad:
		// Both legacy readings are plausible, as VNI "Cö" (Cư) is TCVN3 "Cử".
		// The hỏi and ngã tones are the rarest, so the reading with fewer of
		// them is the likelier; TCVN3 on a tie, as the commoner encoding.
		if sc.vRare < sc.tRare {
			return VNI
		}
		return TCVN3
	}
	return Unicode
}

// rareTones counts the letters with the hỏi or ngã tone in decoded text.
func rareTones(d string) int {
	n := 0
	for _, r := range d {
		if l, ok := tables.letters[r]; ok && (l.tone == toneHook || l.tone == toneTilde) {
			n++
		}
	}
	return n
}

// isSeparator splits a cell into the words detection judges: ASCII that is
// not a letter, no-break space, and Windows-1252 punctuation. Latin-1
// symbols are not separators, because TCVN3 uses them as letters.
func isSeparator(r rune) bool {
	switch {
	case r < 0x80:
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	case r == 0xA0:
		return true
	}
	return isCP1252Punct(r) && !unicode.IsLetter(r)
}

func hasLetter(s string) bool {
	for _, r := range s {
		if _, ok := tables.letters[r]; ok || r < 0x80 && unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// clusterRule says whether a vowel cluster is Vietnamese and where its tone
// may go.
type clusterRule struct {
	toneNotLast bool // "ao": "ảo" is right, "aỏ" is not
}

// buildClusters lists the vowel clusters Vietnamese spelling allows, plus the
// few that Ê Đê and J'rai place names add (Ea, Hiao, KNuec). "oo" (xoong)
// takes no tone on its second o, which tells VNI "oâ" (ô) from TCVN3 "oõ".
func buildClusters() map[string]clusterRule {
	m := map[string]clusterRule{}
	for _, s := range []string{"a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y",
		"iê", "yê", "oa", "oă", "oe", "uă", "uâ", "uê", "uô", "uơ", "uy", "ươ", "ue", "uyê"} {
		m[s] = clusterRule{}
	}
	for _, s := range []string{"ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iu",
		"oi", "ôi", "ơi", "ui", "ưi", "ưu", "ưa", "ua", "ea", "oo",
		"iêu", "yêu", "oai", "oay", "oao", "oeo", "uây", "uôi", "ươi", "ươu", "uya", "uyu", "iao"} {
		m[s] = clusterRule{toneNotLast: true}
	}
	return m
}

// wordBad returns 1 if word cannot be a Vietnamese (or Latin-letter place
// name) word, else 0. caseless ignores the case of non-ASCII letters, which
// TCVN3 does not record.
func wordBad(word string, caseless bool) int {
	rs := []rune(word)
	tones := 0
	prevLower := false
	for _, r := range rs {
		l, ok := tables.letters[r]
		isASCIILetter := r < 0x80 && unicode.IsLetter(r)
		if !ok && !isASCIILetter {
			return 1 // symbol or non-Vietnamese letter inside a word
		}
		if l.tone != toneNone {
			tones++
		}
		if caseless && r >= 0x80 {
			prevLower = false
			continue
		}
		up := unicode.IsUpper(r)
		if up && prevLower {
			return 1 // "nghÌo": a capital after a small letter
		}
		prevLower = !up
	}
	if tones > 1 {
		return 1
	}
	// Vowel clusters.
	for i := 0; i < len(rs); {
		if vowelBase(rs[i]) < 0 {
			i++
			continue
		}
		j := i
		for j < len(rs) && vowelBase(rs[j]) >= 0 {
			j++
		}
		run := rs[i:j]
		switch {
		case len(run) > 1 && i > 0 && unicode.ToLower(rs[i-1]) == 'q' && vowelBase(run[0]) == baseU:
			run = run[1:] // "qu" is a consonant
		case len(run) > 1 && i > 0 && unicode.ToLower(rs[i-1]) == 'g' && vowelBase(run[0]) == baseI:
			run = run[1:] // "gi" is a consonant
		case len(run) > 1 && i == 0 && vowelBase(run[0]) == baseY:
			run = run[1:] // "Yang", "yêu": a leading y is a glide
		}
		var key strings.Builder
		tonePos := -1
		for k, r := range run {
			l := tables.letters[r]
			key.WriteString(vowelBases[l.base])
			if l.tone != toneNone {
				tonePos = k
			}
		}
		rule, ok := tables.clusters[key.String()]
		if !ok {
			return 1
		}
		if rule.toneNotLast && len(run) > 1 && tonePos == len(run)-1 {
			return 1
		}
		i = j
	}
	return 0
}

// vowelBase returns the vowel base of r, or -1 if r is not a vowel.
func vowelBase(r rune) int {
	if l, ok := tables.letters[r]; ok {
		return int(l.base)
	}
	return -1
}
