package vntext

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The 67 lower-case letters with an accent or a tone, typed by hand (not
// generated from the tables under test); upper case is added by allLetters.
const lowerLetters = "àảãáạ ăằẳẵắặ âầẩẫấậ èẻẽéẹ êềểễếệ ìỉĩíị òỏõóọ ôồổỗốộ ơờởỡớợ ùủũúụ ưừửữứự ỳỷỹýỵ đ"

func allLetters(t *testing.T) []rune {
	t.Helper()
	var rs []rune
	for _, r := range strings.ReplaceAll(lowerLetters, " ", "") {
		rs = append(rs, r, unicode.ToUpper(r))
	}
	if len(rs) != 134 {
		t.Fatalf("have %d letters, want 134", len(rs))
	}
	return rs
}

// Known words, encoded by hand from the TCVN3 and VNI tables.
var knownWords = []struct{ uni, tcvn3, vni string }{
	{"Tổng cộng", "Tæng céng", "Toång coäng"},
	{"Hộ nghèo", "Hé nghÌo", "Hoä ngheøo"},
	{"Số hộ cận nghèo", "Sè hé cËn nghÌo", "Soá hoä caän ngheøo"},
	{"Thoát nghèo", "Tho¸t nghÌo", "Thoaùt ngheøo"},
	{"Đắk Lắk", "§¾k L¾k", "Ñaék Laék"},
	{"Ủy ban nhân dân", "ñy ban nh©n d©n", "UÛy ban nhaân daân"},
	{"Huyện M'Đrắk", "HuyÖn M'§r¾k", "Huyeän M'Ñraék"},
	{"Người lập biểu", "Ng\u00adêi lËp biÓu", "Ngöôøi laäp bieåu"},
}

func TestKnownWords(t *testing.T) {
	for _, w := range knownWords {
		// TCVN3 has no capital Ủ: it comes back small (see package doc).
		wantT := w.uni
		if strings.HasPrefix(w.uni, "Ủ") {
			wantT = "ủ" + strings.TrimPrefix(w.uni, "Ủ")
		}
		if got, err := EncodeTCVN3(w.uni); err != nil || got != w.tcvn3 {
			t.Errorf("EncodeTCVN3(%q) = %q, %v; want %q", w.uni, got, err, w.tcvn3)
		}
		if got := DecodeTCVN3(w.tcvn3); got != wantT {
			t.Errorf("DecodeTCVN3(%q) = %q, want %q", w.tcvn3, got, wantT)
		}
		if got, err := EncodeVNI(w.uni); err != nil || got != w.vni {
			t.Errorf("EncodeVNI(%q) = %q, %v; want %q", w.uni, got, err, w.vni)
		}
		if got := DecodeVNI(w.vni); got != w.uni {
			t.Errorf("DecodeVNI(%q) = %q, want %q", w.vni, got, w.uni)
		}
		for _, c := range []struct {
			in   string
			enc  Encoding
			want string
		}{{w.uni, Unicode, w.uni}, {w.tcvn3, TCVN3, wantT}, {w.vni, VNI, w.uni}} {
			if got := DetectLegacy(c.in); got != c.enc {
				t.Errorf("DetectLegacy(%q) = %v, want %v", c.in, got, c.enc)
			}
			if got := ToNFC(c.in); got != c.want {
				t.Errorf("ToNFC(%q) = %q, want %q", c.in, got, c.want)
			}
		}
	}
}

func TestRoundTripLetters(t *testing.T) {
	for _, r := range allLetters(t) {
		s := string(r)
		lower := string(unicode.ToLower(r))

		v, err := EncodeVNI(s)
		if err != nil {
			t.Fatalf("EncodeVNI(%q): %v", s, err)
		}
		if got := DecodeVNI(v); got != s {
			t.Errorf("VNI %q → %q → %q", s, v, got)
		}
		// VNI's bytes for ì í Ì Í are their Latin-1 bytes.
		if v == s && !strings.ContainsRune("ìíÌÍ", r) || utf8.RuneCountInString(v) > 2 {
			t.Errorf("EncodeVNI(%q) = %q: not a 1–2 byte legacy form", s, v)
		}

		tc, err := EncodeTCVN3(s)
		if err != nil {
			t.Fatalf("EncodeTCVN3(%q): %v", s, err)
		}
		if utf8.RuneCountInString(tc) != 1 || []rune(tc)[0] < 0xA1 || []rune(tc)[0] > 0xFE {
			t.Errorf("EncodeTCVN3(%q) = %q: not one byte in A1–FE", s, tc)
		}
		// Alone, an upper-case toned letter comes back small, since VN3 has
		// no byte for it; only Ă Â Ê Ô Ơ Ư Đ keep their case.
		want := lower
		if strings.ContainsRune("ĂÂÊÔƠƯĐ", r) {
			want = s
		}
		if got := DecodeTCVN3(tc); got != want {
			t.Errorf("TCVN3 %q → %q → %q, want %q", s, tc, got, want)
		}
		// In a capital heading (.VnTimeH) the case comes back.
		if unicode.IsUpper(r) {
			h := "N" + s + "G"
			enc, _ := EncodeTCVN3(h)
			if got := DecodeTCVN3(enc); got != h {
				t.Errorf("TCVN3 heading %q → %q → %q", h, enc, got)
			}
		}
	}
}

// Every legacy code decodes to a letter that encodes back to the same code.
func TestRoundTripCodes(t *testing.T) {
	n := 0
	for c := rune(0xA1); c <= 0xFF; c++ {
		d := DecodeTCVN3(string(c))
		if d == string(c) && c != 0xFD { // ý is 0xFD in both
			continue // unused by TCVN3
		}
		n++
		if back, err := EncodeTCVN3(d); err != nil || back != string(c) {
			t.Errorf("TCVN3 %#x → %q → %q, %v", c, d, back, err)
		}
	}
	if n != 67+7 {
		t.Errorf("TCVN3 has %d used bytes, want 74 (67 small letters + Ă Â Ê Ô Ơ Ư Đ)", n)
	}
	seqs := 0
	for _, base := range "aeiouyAEIOUYôöÔÖ" {
		for m := rune(0xC0); m <= 0xFF; m++ {
			in := string(base) + string(m)
			d := DecodeVNI(in)
			if utf8.RuneCountInString(d) != 1 {
				continue // not a mark for this base
			}
			seqs++
			back, err := EncodeVNI(d)
			if err != nil {
				t.Fatalf("EncodeVNI(%q): %v", d, err)
			}
			if (base == 'y' || base == 'Y') && (m == 0xEF || m == 0xCF) {
				// "y" + dot is read leniently; VNI's own byte for ỵ is î.
				want := "î"
				if base == 'Y' {
					want = "Î"
				}
				if back != want {
					t.Errorf("VNI %q → %q → %q, want %q", in, d, back, want)
				}
				continue
			}
			// Marks of either case are read; the encoder writes the mark in
			// the case of its base.
			if !strings.EqualFold(back, in) || []rune(back)[0] != []rune(in)[0] {
				t.Errorf("VNI %q → %q → %q", in, d, back)
			}
		}
	}
	// Each of a e o u y takes 5 tone marks × 2 cases; a takes 6+6 circumflex
	// and breve marks, e and o 6 circumflex marks, all in 2 cases; ơ and ư 5
	// tone marks; for 2 cases of base letter.
	want := 2 * (5*5*2 + 12*2 + 6*2*2 + 2*5*2)
	if seqs != want {
		t.Errorf("VNI: %d two-byte sequences decode to one letter, want %d", seqs, want)
	}
}

func TestEncodeErrors(t *testing.T) {
	for _, s := range []string{"漢", "Ж", "ä"} {
		if _, err := EncodeTCVN3("a" + s); err == nil {
			t.Errorf("EncodeTCVN3(%q): no error", s)
		}
		if _, err := EncodeVNI("a" + s); err == nil {
			t.Errorf("EncodeVNI(%q): no error", s)
		}
	}
	// Punctuation the encodings leave alone passes through.
	for _, s := range []string{"Ea H’leo – 25°", "a\u00a0b"} {
		if got, err := EncodeTCVN3(s); err != nil || got != s {
			t.Errorf("EncodeTCVN3(%q) = %q, %v", s, got, err)
		}
		if got, err := EncodeVNI(s); err != nil || got != s {
			t.Errorf("EncodeVNI(%q) = %q, %v", s, got, err)
		}
	}
}

func TestDetectSamples(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Encoding
	}{
		{"", Unicode},
		{"Tổng cộng", Unicode},
		{"Ea H'leo", Unicode},
		{"Ea H’leo", Unicode},
		{"Buôn Ma Thuột", Unicode},
		{"Total households", Unicode},
		{"Xã Ea Kao", Unicode},
		{"Xã Hòa Phú", Unicode},
		{"Xa\u0303 Ea Kao", Unicode}, // NFD
		{"Café crème", Unicode},
		{"« Trích » 25 °C", Unicode},
		{"Diện tích (km²)", Unicode},
		{"1.234,5", Unicode},
		{"Hé nghÌo", TCVN3},
		{"TæNG CéNG", TCVN3},
		{"Tæng sè hé", TCVN3},
		{"Danh s¸ch hé nghÌo n¨m 2024", TCVN3},
		{"Hoä ngheøo", VNI},
		{"Toång soá hoä", VNI},
		{"Danh saùch hoä ngheøo naêm 2024", VNI},
		{"TOÅNG COÄNG", VNI},
	} {
		if got := DetectLegacy(c.in); got != c.want {
			t.Errorf("DetectLegacy(%q) = %v, want %v", c.in, got, c.want)
		}
	}
	if got := ToNFC("TæNG CéNG"); got != "TỔNG CỘNG" {
		t.Errorf("ToNFC heading = %q", got)
	}
	if got := ToNFC("TOÅNG COÄNG"); got != "TỔNG CỘNG" {
		t.Errorf("ToNFC VNI heading = %q", got)
	}
	if got := ToNFC("Xa\u0303 Ea Kao"); got != "Xã Ea Kao" {
		t.Errorf("ToNFC NFD = %q", got)
	}
}

// Every commune name of the 2019 GSO list (184, half of them Latin-1 only)
// is Unicode as it is, TCVN3 once encoded to TCVN3, VNI once encoded to VNI,
// and converts back exactly.
func TestDetectRealNames(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "..", "..", "shared", "data", "daklak_units_2019.csv"))
	if err != nil {
		t.Skipf("reference data not available: %v", err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("read units: %v", err)
	}
	col := -1
	for i, h := range recs[0] {
		if h == "commune_name" {
			col = i
		}
	}
	if col < 0 {
		t.Fatal("no commune_name column")
	}
	names := map[string]bool{}
	for _, r := range recs[1:] {
		names[r[col]] = true
	}
	if len(names) < 30 {
		t.Fatalf("only %d names", len(names))
	}
	for name := range names {
		if !norm.NFC.IsNormalString(name) {
			t.Fatalf("%q is not NFC", name)
		}
		if got := DetectLegacy(name); got != Unicode {
			t.Errorf("DetectLegacy(%q) = %v, want Unicode", name, got)
		}
		if got := ToNFC(name); got != name {
			t.Errorf("ToNFC(%q) = %q", name, got)
		}
		tc, err := EncodeTCVN3(name)
		if err != nil {
			t.Fatalf("EncodeTCVN3(%q): %v", name, err)
		}
		if got := DetectLegacy(tc); got != TCVN3 {
			t.Errorf("DetectLegacy(%q) [TCVN3 of %q] = %v", tc, name, got)
		}
		if got, want := ToNFC(tc), vn3Case(name); got != want {
			t.Errorf("ToNFC(%q) = %q, want %q", tc, got, want)
		}
		v, err := EncodeVNI(name)
		if err != nil {
			t.Fatalf("EncodeVNI(%q): %v", name, err)
		}
		if got := DetectLegacy(v); got != VNI {
			t.Errorf("DetectLegacy(%q) [VNI of %q] = %v", v, name, got)
		}
		if got := ToNFC(v); got != name {
			t.Errorf("ToNFC(%q) = %q, want %q", v, got, name)
		}
	}
}

// Bare names (no "Xã") are often ambiguous alone, e.g. VNI "Pông" for Pơng
// is good Unicode; a column of them is not.
func TestDetectLegacyAll(t *testing.T) {
	bare := []string{"Pơng Drang", "Ea Hồ", "Ea Đar", "Ea Kuăng", "Ea Bhốk", "Phú Lộc", "Ea Tóh", "Cư Pui", "Krông Nô", "Ea Kao"}
	var tc, vni []string
	for _, n := range bare {
		a, err := EncodeTCVN3(n)
		if err != nil {
			t.Fatal(err)
		}
		b, err := EncodeVNI(n)
		if err != nil {
			t.Fatal(err)
		}
		tc, vni = append(tc, a), append(vni, b)
	}
	for _, c := range []struct {
		cells []string
		want  Encoding
	}{
		{bare, Unicode},
		{tc, TCVN3},
		{vni, VNI},
		{nil, Unicode},
		{[]string{"Ea Kao", "Hòa Phú"}, Unicode},
	} {
		if got := DetectLegacyAll(c.cells); got != c.want {
			t.Errorf("DetectLegacyAll(%q) = %v, want %v", c.cells, got, c.want)
		}
		for i, cell := range c.cells {
			if len(c.cells) != len(bare) {
				break
			}
			if got := Decode(cell, c.want); !strings.EqualFold(got, bare[i]) {
				t.Errorf("Decode(%q, %v) = %q, want %q", cell, c.want, got, bare[i])
			}
		}
	}
}

// vn3Case is name as TCVN3 can hold it: upper-case toned letters, which VN3
// lacks, become small ("Xã Krông Á" → "Xã Krông á").
func vn3Case(name string) string {
	return strings.Map(func(r rune) rune {
		if r > 0x7F && unicode.IsUpper(r) && !strings.ContainsRune("ĂÂÊÔƠƯĐ", r) {
			return unicode.ToLower(r)
		}
		return r
	}, name)
}

func FuzzToNFC(f *testing.F) {
	for _, w := range knownWords {
		f.Add(w.uni)
		f.Add(w.tcvn3)
		f.Add(w.vni)
	}
	f.Add("Xa\u0303 Ea Kao")
	f.Add("a\u0308")
	f.Add("\xff\xfe")
	f.Fuzz(func(t *testing.T, s string) {
		out := ToNFC(s)
		if !utf8.ValidString(out) {
			t.Fatalf("ToNFC(%q) = %q: invalid UTF-8", s, out)
		}
		if !norm.NFC.IsNormalString(out) {
			t.Fatalf("ToNFC(%q) = %q: not NFC", s, out)
		}
		if utf8.ValidString(s) && DetectLegacy(s) == Unicode {
			if out != norm.NFC.String(s) {
				t.Fatalf("ToNFC(%q) = %q changed Unicode text", s, out)
			}
			if again := ToNFC(out); again != out {
				t.Fatalf("ToNFC not idempotent on %q: %q then %q", s, out, again)
			}
		}
	})
}
