// Package unitmatch matches administrative-unit names as officers write them
// ("X. Ea Kao", "EA KAO", "Ea H’leo", "P1", "M'Drắk") to GSO codes, within a
// parent unit. An unknown name is an error listing the closest known names;
// a name that fits several units is an error listing them.
package unitmatch

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"rasoat/ingest/problem"
	"rasoat/ingest/vntext"
)

// Levels of Unit.Level.
const (
	LevelProvince = "province" // tỉnh
	LevelDistrict = "district" // huyện, thị xã, thành phố thuộc tỉnh (until 30/06/2025)
	LevelCommune  = "commune"  // xã, phường, thị trấn
)

// Unit is one administrative unit: GSO code, official name with its type
// ("Xã Ea Kao"), level and the code of the unit above it.
type Unit struct {
	Code, Name, Level, ParentCode string
}

// Matcher finds unit codes by name. It is immutable after New and safe for
// concurrent use.
type Matcher struct {
	units   []entry
	byCode  map[string]int
	byKey   map[scopedKey][]int // each unit under its parent and under ""
	byTight map[scopedKey][]int // the same with spaces removed: "Krông Ana" = "Krông A Na"
	inScope map[scope][]int     // the units of a level under a parent ("" = all)
	aliases map[string]string   // normalised alias → code
}

type entry struct {
	unit Unit
	typ  string // folded unit type from the official name: "xa", "thi tran"…
	key  string // Normalize(Name)
}

type scope struct{ level, parent string }

type scopedKey struct {
	scope
	key string
}

// New builds a Matcher. aliases maps an alias, folded with vntext.Fold (e.g.
// "bmt"), to a unit code; it is consulted first and is ignored when its unit
// is not of the level and parent asked for. Units are not checked for
// duplicates: two units with one name under one parent make that name
// Ambiguous, which is what an officer needs to hear.
func New(units []Unit, aliases map[string]string) *Matcher {
	m := &Matcher{
		units:   make([]entry, 0, len(units)),
		byCode:  make(map[string]int, len(units)),
		byKey:   make(map[scopedKey][]int, 2*len(units)),
		byTight: make(map[scopedKey][]int, 2*len(units)),
		inScope: make(map[scope][]int),
		aliases: make(map[string]string, 2*len(aliases)),
	}
	for _, u := range units {
		typ, key := parse(u.Name)
		i := len(m.units)
		m.units = append(m.units, entry{unit: u, typ: typ, key: key})
		m.byCode[u.Code] = i
		for _, p := range []string{u.ParentCode, ""} {
			sc := scope{u.Level, p}
			m.byKey[scopedKey{sc, key}] = append(m.byKey[scopedKey{sc, key}], i)
			tk := scopedKey{sc, tight(key)}
			m.byTight[tk] = append(m.byTight[tk], i)
			m.inScope[sc] = append(m.inScope[sc], i)
			if p == "" {
				break // a unit without parent is indexed once
			}
		}
	}
	for a, code := range aliases {
		m.aliases[vntext.Fold(a)] = code
		m.aliases[Normalize(a)] = code
	}
	return m
}

// Match finds the unit called name among the units of level under parent
// ("" = any unit of that level) and returns its code. It fails with
// *NotFound, carrying the 3 closest names, or with *Ambiguous.
func (m *Matcher) Match(name, level, parent string) (string, error) {
	typ, key := parse(name)
	if code, ok := m.alias(name, key, level, parent); ok {
		return code, nil
	}
	sc := scope{level, parent}
	ids := m.byKey[scopedKey{sc, key}]
	if len(ids) == 0 && key != "" {
		ids = m.byTight[scopedKey{sc, tight(key)}]
	}
	switch {
	case len(ids) == 1:
		return m.units[ids[0]].unit.Code, nil
	case len(ids) == 0:
		return "", &NotFound{Name: name, Level: level, Parent: m.parent(parent), Candidates: m.closest(key, sc, 3)}
	}
	// Several units: the type the officer wrote ("TT Ea Kao") may settle it.
	if typ != "" {
		var typed []int
		for _, i := range ids {
			if m.units[i].typ == typ {
				typed = append(typed, i)
			}
		}
		if len(typed) == 1 {
			return m.units[typed[0]].unit.Code, nil
		}
		if len(typed) > 1 {
			ids = typed
		}
	}
	amb := &Ambiguous{Name: name, Level: level, Parent: m.parent(parent)}
	for _, i := range ids {
		u := m.units[i].unit
		amb.Matches = append(amb.Matches, u)
		amb.Parents = append(amb.Parents, m.parent(u.ParentCode).Name)
	}
	return "", amb
}

func (m *Matcher) alias(name, key, level, parent string) (string, bool) {
	code, ok := m.aliases[key]
	if !ok {
		code, ok = m.aliases[vntext.Fold(name)]
	}
	if !ok {
		return "", false
	}
	i, ok := m.byCode[code]
	if !ok {
		return "", false
	}
	u := m.units[i].unit
	if u.Level != level || parent != "" && u.ParentCode != parent {
		return "", false
	}
	return code, true
}

// parent returns the unit with code, a Unit with only the code if it is
// unknown, or the zero Unit for "".
func (m *Matcher) parent(code string) Unit {
	if code == "" {
		return Unit{}
	}
	if i, ok := m.byCode[code]; ok {
		return m.units[i].unit
	}
	return Unit{Code: code}
}

// closest returns the n units in sc whose normalised names are nearest to key
// by edit distance, ties broken by name and then code.
func (m *Matcher) closest(key string, sc scope, n int) []Unit {
	type cand struct {
		d int
		u Unit
	}
	ids := m.inScope[sc]
	cs := make([]cand, 0, len(ids))
	for _, i := range ids {
		cs = append(cs, cand{levenshtein(key, m.units[i].key), m.units[i].unit})
	}
	slices.SortFunc(cs, func(a, b cand) int {
		return cmp.Or(cmp.Compare(a.d, b.d), cmp.Compare(a.u.Name, b.u.Name), cmp.Compare(a.u.Code, b.u.Code))
	})
	out := make([]Unit, 0, n)
	for _, c := range cs[:min(n, len(cs))] {
		out = append(out, c.u)
	}
	return out
}

// unitTypes are the type prefixes officers write, folded, longest first so
// "thi xa" wins over "xa"; each maps to the folded full type.
var unitTypes = [...]struct{ prefix, typ string }{
	{"thanh pho", "thanh pho"},
	{"thi tran", "thi tran"},
	{"thi xa", "thi xa"},
	{"phuong", "phuong"},
	{"huyen", "huyen"},
	{"quan", "quan"},
	{"tinh", "tinh"},
	{"xa", "xa"},
	{"tt", "thi tran"},
	{"tx", "thi xa"},
	{"tp", "thanh pho"},
	{"x", "xa"},
	{"p", "phuong"},
	{"h", "huyen"},
}

// Normalize returns the key names are matched on:
//   - vntext.Fold: no accents, đ → d, no apostrophes ("M'Đrắk" = "MĐrắk" =
//     "mdrak"), lower case, punctuation as space, single spaces;
//   - the unit type at the front dropped: "xã", "phường", "thị trấn", "huyện",
//     "thị xã", "thành phố", "tỉnh", "quận" and the short forms "x.", "p.",
//     "tt", "h.", "tx", "tp" ("X. Ea Kao" = "Ea Kao");
//   - numbered wards written alike: "Phường 01" = "P1" = "p. 1" = "1".
//
// A type word alone ("Xã") is kept as the name.
func Normalize(name string) string {
	_, key := parse(name)
	return key
}

// parse returns the folded unit type written in front of name ("" if none)
// and the matching key.
func parse(name string) (typ, key string) {
	f := vntext.Fold(name)
	// "P1", "p01", "phuong01": a ward number glued to its type.
	if first, rest, _ := strings.Cut(f, " "); first != "" {
		for _, pre := range []string{"phuong", "p"} {
			if num, ok := strings.CutPrefix(first, pre); ok && num != "" && isDigits(num) {
				f = strings.TrimSpace("phuong " + num + " " + rest)
				break
			}
		}
	}
	for _, t := range unitTypes {
		if rest, ok := strings.CutPrefix(f, t.prefix+" "); ok && rest != "" {
			typ, f = t.typ, rest
			break
		}
	}
	words := strings.Fields(f)
	for i, w := range words {
		if isDigits(w) {
			if t := strings.TrimLeft(w, "0"); t != "" {
				words[i] = t
			} else {
				words[i] = "0"
			}
		}
	}
	return typ, strings.Join(words, " ")
}

func tight(key string) string { return strings.ReplaceAll(key, " ", "") }

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// levenshtein is the edit distance between a and b, in runes.
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			sub := prev[j-1]
			if ra[i-1] != rb[j-1] {
				sub++
			}
			cur[j] = min(sub, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// levelName is the level as officers say it.
func levelName(level string) string {
	switch level {
	case LevelProvince:
		return "cấp tỉnh"
	case LevelDistrict:
		return "cấp huyện"
	case LevelCommune:
		return "cấp xã"
	}
	return "cấp " + level
}

// where says in Vietnamese where a unit was looked for.
func where(level string, parent Unit) string {
	switch {
	case parent.Name != "":
		return "trong " + parent.Name
	case parent.Code != "":
		return "trong đơn vị mã " + parent.Code
	}
	return levelName(level)
}

// NotFound: no unit has the name.
type NotFound struct {
	Name       string
	Level      string
	Parent     Unit   // zero when searched under every parent
	Candidates []Unit // the closest names, nearest first (at most 3)
}

func (e *NotFound) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "không tìm thấy đơn vị %q %s", e.Name, where(e.Level, e.Parent))
	if len(e.Candidates) > 0 {
		b.WriteString("; tên gần nhất: ")
		for i, u := range e.Candidates {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(u.Name)
		}
	}
	return b.String()
}

// Code is the problem code for this error.
func (e *NotFound) Code() string { return problem.EUnitUnknown }

// Ambiguous: several units have the name and the written type does not
// settle it.
type Ambiguous struct {
	Name    string
	Level   string
	Parent  Unit     // zero when searched under every parent
	Matches []Unit   // in the order given to New
	Parents []string // name of each match's parent unit, "" if unknown
}

func (e *Ambiguous) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "tên đơn vị %q %s khớp với %d đơn vị: ", e.Name, where(e.Level, e.Parent), len(e.Matches))
	for i, u := range e.Matches {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s (mã %s", u.Name, u.Code)
		if i < len(e.Parents) && e.Parents[i] != "" {
			b.WriteString(", " + e.Parents[i])
		}
		b.WriteString(")")
	}
	b.WriteString("; hãy ghi rõ loại đơn vị (xã, phường, thị trấn) hoặc đơn vị cấp trên")
	return b.String()
}

// Code is the problem code for this error.
func (e *Ambiguous) Code() string { return problem.EUnitAmbiguous }
