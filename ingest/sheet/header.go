package sheet

import (
	"regexp"
	"sort"
	"strconv"
	"strings"

	"rasoat/ingest/vntext"
	"rasoat/review"
)

// Where a header may be: the title block is at most 12 rows, the header at
// most 3, so a header that starts further than this from the start of a
// form region is not looked for.
const (
	headerScanRows = 24
	maxHeaderDepth = 3
)

// header is where a form's columns were found in a grid.
type header struct {
	form            review.Form
	top, bottom     int // 0-based rows of the header
	numRow          int // 0-based row of column numbers, -1 when none
	body            int // first body row
	stt, name, code int // role columns, -1 when absent
	cols            map[int]spec
	labels          []string     // printed label per column (NFC, joined over header rows)
	byNumber        map[int]bool // columns mapped by the column-number row, not by words
	found, score    int
}

// roles counts the row columns found (STT, name, code).
func (h *header) roles() int {
	n := 0
	for _, c := range []int{h.stt, h.name, h.code} {
		if c >= 0 {
			n++
		}
	}
	return n
}

// fieldCols returns the field columns in column order.
func (h *header) fieldCols() []int {
	cs := make([]int, 0, len(h.cols))
	for c := range h.cols {
		cs = append(cs, c)
	}
	sort.Ints(cs)
	return cs
}

// missing returns the required specs of the form not found.
func (h *header) missing() []spec {
	have := map[string]bool{}
	for _, sp := range h.cols {
		have[sp.name] = true
	}
	var out []spec
	for _, sp := range specs(h.form) {
		if !sp.optional && !have[sp.name] {
			out = append(out, sp)
		}
	}
	return out
}

// unknownCols are header columns with a label that is neither a field nor
// a role column.
func (h *header) unknownCols() []int {
	var out []int
	for c, l := range h.labels {
		if strings.TrimSpace(l) == "" || c == h.stt || c == h.name || c == h.code {
			continue
		}
		if _, ok := h.cols[c]; !ok {
			out = append(out, c)
		}
	}
	return out
}

func cell(g [][]string, r, c int) string {
	if r < 0 || r >= len(g) || c < 0 || c >= len(g[r]) {
		return ""
	}
	return strings.TrimSpace(g[r][c])
}

func width(g [][]string, from, to int) int {
	w := 0
	for r := from; r <= to && r < len(g); r++ {
		if r >= 0 && len(g[r]) > w {
			w = len(g[r])
		}
	}
	return w
}

// headerLike: a header row carries at least two different labels; a title
// merged across the sheet (one value repeated) or a unit line does not.
func headerLike(row []string) bool {
	first := ""
	for _, v := range row {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if first == "" {
			first = v
		} else if v != first {
			return true
		}
	}
	return false
}

var (
	colNumber = regexp.MustCompile(`^\(?([A-Za-z]|[0-9]{1,3})\)?$`)
	// colIdentity is a column number that prints the form's identity after
	// it: "(9)=1-2-3-4+5+6+7+8", "9 = (1)-(2)-…".
	colIdentity = regexp.MustCompile(`^\(?([A-Za-z]|[0-9]{1,3})\)?\s*=\s*[0-9A-Za-z()\s+\-−–*/.,]+$`)
)

// colToken reads one cell of a column-number row: a column number, or a
// column number followed by the identity it carries.
func colToken(v string) (string, bool) {
	v = strings.TrimSpace(v)
	if m := colNumber.FindStringSubmatch(v); m != nil {
		return m[1], true
	}
	if m := colIdentity.FindStringSubmatch(v); m != nil {
		return m[1], true
	}
	return "", false
}

// isNumberRow recognises the row of column numbers printed under a header
// ("A", "B", "1", "2", … or "(1)", "(2)", …, the last perhaps
// "(9)=1-2-3-4+5+6+7+8"). It must start in the first columns, which tells
// it apart from a row of sub-labels "1"…"12" under a merged "Thiếu hụt"
// group.
func isNumberRow(row []string) bool {
	ok, first := numberRowEvidence(row, 0)
	return ok && first <= 2
}

// numberRowEvidence reports whether row reads as a row of column numbers,
// tolerating up to `odd` cells that are not (a note written into it), and
// the first column that holds one. The numbers must run in order across
// the row: a body row of small counts does not.
func numberRowEvidence(row []string, odd int) (bool, int) {
	n, bad, first, prev := 0, 0, -1, 0
	for c, v := range row {
		if strings.TrimSpace(v) == "" {
			continue
		}
		t, ok := colToken(v)
		if !ok {
			bad++
			if bad > odd {
				return false, first
			}
			continue
		}
		if k, err := strconv.Atoi(t); err == nil {
			if prev != 0 && k != prev+1 {
				return false, first
			}
			prev = k
		}
		// a letter may stand after the numbers too: forms letter their text
		// columns ("A", "B", and "C" for the notes column at the end)
		if first < 0 {
			first = c
		}
		n++
	}
	return n >= 3 && n > 2*bad, first
}

// numberOf reads a column-number cell: letters return (0, letter), numbers
// return (n, "").
func numberOf(v string) (int, string) {
	t, ok := colToken(v)
	if !ok {
		return 0, ""
	}
	if n, err := strconv.Atoi(t); err == nil {
		return n, ""
	}
	return 0, strings.ToUpper(t)
}

// joinLabels builds each column's label from header rows top..bottom. With
// merged=false the merged ranges are unknown (streamed sheets), so a blank
// cell in an upper row takes the label to its left when there is something
// under it: that is what a group label merged over sub-columns looks like.
func joinLabels(g [][]string, top, bottom int, merged bool) []string {
	labels, _ := joinParts(g, top, bottom, merged)
	return labels
}

// joinParts is joinLabels that also returns each label's parts (the cells
// it was joined from), so their words can be folded once and reused.
func joinParts(g [][]string, top, bottom int, merged bool) (labels []string, parts [][]string) {
	w := width(g, top, bottom)
	rows := make([][]string, 0, bottom-top+1)
	for r := top; r <= bottom; r++ {
		row := make([]string, w)
		for c := 0; c < w; c++ {
			row[c] = clip(cell(g, r, c)) // a header cell is a few words; bound the work on junk
		}
		rows = append(rows, row)
	}
	if !merged {
		below := func(i, c int) bool {
			for j := i + 1; j < len(rows); j++ {
				if rows[j][c] != "" {
					return true
				}
			}
			return false
		}
		for i := 0; i < len(rows)-1; i++ {
			filled := make([]bool, w)
			for c := 1; c < w; c++ {
				if rows[i][c] == "" && rows[i][c-1] != "" && below(i, c) && (filled[c-1] || below(i, c-1)) {
					rows[i][c] = rows[i][c-1]
					filled[c] = true
				}
			}
		}
	}
	labels, parts = make([]string, w), make([][]string, w)
	for c := 0; c < w; c++ {
		for i := range rows {
			v := rows[i][c]
			if v == "" || (len(parts[c]) > 0 && parts[c][len(parts[c])-1] == v) {
				continue
			}
			parts[c] = append(parts[c], v)
		}
		labels[c] = vntext.NFC(strings.Join(parts[c], " "))
	}
	return labels, parts
}

// matchForm maps labelled columns to form f's fields.
func matchForm(labels []string, f review.Form) header {
	return matchWords(labels, wordsOf(labels), f)
}

func wordsOf(labels []string) [][]string {
	words := make([][]string, len(labels))
	for c, l := range labels {
		words[c] = labelWords(l)
	}
	return words
}

// matchWords is matchForm with the labels already folded into words, so
// trying every form costs one fold.
func matchWords(labels []string, words [][]string, f review.Form) header {
	h := header{form: f, stt: -1, name: -1, code: -1, numRow: -1, cols: map[int]spec{}, labels: labels}
	for c := range labels {
		switch columnRole(words[c]) {
		case roleSTT:
			if h.stt < 0 {
				h.stt = c
			}
		case roleName:
			if h.name < 0 {
				h.name = c
			}
		case roleCode:
			if h.code < 0 {
				h.code = c
			}
		}
	}
	type cand struct{ col, spec, score int }
	var cands []cand
	sp := specs(f)
	for c, ws := range words {
		if len(ws) == 0 || c == h.stt || c == h.name || c == h.code {
			continue
		}
		for i := range sp {
			if s := score(ws, sp[i]); s > 0 {
				cands = append(cands, cand{c, i, s})
			}
		}
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].score != cands[j].score {
			return cands[i].score > cands[j].score
		}
		if cands[i].col != cands[j].col {
			return cands[i].col < cands[j].col
		}
		return cands[i].spec < cands[j].spec
	})
	used := map[int]bool{}
	for _, cd := range cands {
		if used[-1-cd.spec] {
			continue
		}
		if _, ok := h.cols[cd.col]; ok {
			continue
		}
		h.cols[cd.col] = sp[cd.spec]
		used[-1-cd.spec] = true
		h.found++
		h.score += cd.score
	}
	return h
}

// better orders candidate headers: more fields found, then a better fit,
// then fewer header rows (less chance of title words leaking in).
func better(a, b header) bool {
	if a.found != b.found {
		return a.found > b.found
	}
	// A header cut too short leaves words split over merged rows unread
	// ("Mã" over "xã" reads as an unknown column "xã"): prefer the one that
	// finds the row columns and leaves fewer columns unexplained.
	if ra, rb := a.roles(), b.roles(); ra != rb {
		return ra > rb
	}
	if ua, ub := len(a.unknownCols()), len(b.unknownCols()); ua != ub {
		return ua < ub
	}
	if a.score != b.score {
		return a.score > b.score
	}
	return a.bottom-a.top < b.bottom-b.top
}

// enough says whether a match is a header at all rather than stray words.
func enough(h header) bool {
	if h.found < 2 {
		return false
	}
	if h.form == review.FormD {
		// Several Form D words (dân tộc, khu vực, số nhân khẩu) appear in
		// Form A headers too; a household list names the household.
		for _, sp := range h.cols {
			if sp.name == "household_id" || sp.name == "head_name" {
				return true
			}
		}
		return false
	}
	return true
}

// findHeader looks for a header in g starting at row from. want restricts
// the form (the title said it); "" tries them all. merged tells whether
// merged ranges were already carried across g.
func findHeader(g [][]string, from int, want review.Form, merged bool) (header, bool) {
	forms := review.Forms()
	if want != "" {
		forms = []review.Form{want}
	}
	var best header
	ok := false
	end := min(len(g), from+headerScanRows)
	memo := map[string][]string{}
	wordsFor := func(s string) []string {
		w, ok := memo[s]
		if !ok {
			w = labelWords(s)
			memo[s] = w
		}
		return w
	}
	for e := from; e < end; e++ {
		if isNumberRow(g[e]) || !headerLike(g[e]) {
			continue
		}
		for d := 1; d <= maxHeaderDepth; d++ {
			top := e - d + 1
			if top < from || isNumberRow(g[top]) || !headerLike(g[top]) {
				break
			}
			labels, parts := joinParts(g, top, e, merged)
			words := make([][]string, len(labels))
			for c, ps := range parts {
				for _, p := range ps {
					words[c] = append(words[c], wordsFor(p)...)
				}
				if len(ps) > 1 {
					words[c] = periodWords(words[c])
				}
			}
			for _, f := range forms {
				h := matchWords(labels, words, f)
				h.top, h.bottom = top, e
				if !enough(h) {
					continue
				}
				if !ok || better(h, best) {
					best, ok = h, true
				}
			}
		}
	}
	if !ok && want != "" {
		// the title named one form, the header is another's: the header
		// decides (a title line may be a copy left from another sheet)
		if h, found := findHeader(g, from, "", merged); found {
			return h, true
		}
	}
	if !ok {
		return findByNumbers(g, from, want)
	}
	// A header merged over more rows than its labels need (A7:A9 with the
	// words in rows 7–8) leaves rows that only repeat the row above once
	// merges are carried: they are header, not body.
	for best.bottom+1 < len(g) && best.bottom-best.top < 4 {
		if repeatsAbove(g, best.bottom+1) {
			best.bottom++
			continue
		}
		// A row under a merged header that only adds the rest of a split
		// label ("Mã" over "số") and no figures is header too, when reading
		// it in keeps every column found and explains no less.
		r := best.bottom + 1
		if numericCells(g[r]) > 0 || isNumberRow(g[r]) || blankRow(g[r]) || !someRepeat(g, r) {
			break
		}
		labels, parts := joinParts(g, best.top, r, merged)
		words := make([][]string, len(labels))
		for c, ps := range parts {
			for _, p := range ps {
				words[c] = append(words[c], wordsFor(p)...)
			}
			words[c] = periodWords(words[c])
		}
		h := matchWords(labels, words, best.form)
		if h.found < best.found || h.roles() < best.roles() || len(h.unknownCols()) > len(best.unknownCols()) {
			break
		}
		h.top, h.bottom = best.top, r
		best = h
	}
	best.body = best.bottom + 1
	// The column numbers come right under the header, perhaps after a blank
	// row; one odd cell in them (a note, a misprint) does not make them data.
	nr := best.body
	for nr < len(g) && nr < best.body+2 && blankRow(g[nr]) {
		nr++
	}
	if nr < len(g) {
		if ok, _ := numberRowEvidence(g[nr], 1); ok {
			best.numRow = nr
			best.body = nr + 1
			fillFromNumbers(g, &best)
		}
	}
	return best, true
}

// repeatsAbove reports whether every non-empty cell of row r repeats the
// cell above it (and there is at least one).
func repeatsAbove(g [][]string, r int) bool {
	if r == 0 || isNumberRow(g[r]) {
		return false
	}
	n := 0
	for c, v := range g[r] {
		if strings.TrimSpace(v) == "" {
			continue
		}
		if v != cell(g, r-1, c) {
			return false
		}
		n++
	}
	return n > 0
}

// someRepeat: some cell of row r repeats the cell above (a merged range
// carried down).
func someRepeat(g [][]string, r int) bool {
	for c, v := range g[r] {
		if strings.TrimSpace(v) != "" && v == cell(g, r-1, c) {
			return true
		}
	}
	return false
}

// numberedColumns reads a column-number row into letter and number maps.
func numberedColumns(row []string) (letters map[string]int, numbers map[int]int) {
	letters, numbers = map[string]int{}, map[int]int{}
	for c, v := range row {
		n, l := numberOf(v)
		switch {
		case l != "":
			if _, dup := letters[l]; !dup {
				letters[l] = c
			}
		case n > 0:
			if _, dup := numbers[n]; !dup {
				numbers[n] = c
			}
		}
	}
	return letters, numbers
}

// fillFromNumbers assigns required fields the words missed, using the
// printed column numbers, but only when every column found by its words
// carries the number the official form gives it (so the numbering is the
// official one).
func fillFromNumbers(g [][]string, h *header) {
	if h.form == review.FormD || len(h.missing()) == 0 {
		return
	}
	letters, numbers := numberedColumns(g[h.numRow])
	if len(letters) == 0 {
		return // "(1)…(N)" numbering counts STT and name too; not the form's numbers
	}
	for c, sp := range h.cols {
		if sp.col == 0 {
			continue
		}
		if nc, ok := numbers[sp.col]; !ok || nc != c {
			return
		}
	}
	for _, sp := range h.missing() {
		c, ok := numbers[sp.col]
		if !ok || c == h.stt || c == h.name || c == h.code {
			continue
		}
		if _, taken := h.cols[c]; taken {
			continue
		}
		h.cols[c] = sp
		h.found++
		if h.byNumber == nil {
			h.byNumber = map[int]bool{}
		}
		h.byNumber[c] = true
	}
}

// findByNumbers maps columns by the printed column-number row when no
// header words matched: "A" is STT, "B" the unit name, "C" an optional code,
// and "k" the form's column k. With "(1)", "(2)"… numbering and no letters,
// (1) is STT, (2) the name and (k+2) the form's column k. It needs the form
// kind from the title.
func findByNumbers(g [][]string, from int, want review.Form) (header, bool) {
	if want == "" || want == review.FormD {
		return header{}, false
	}
	end := min(len(g), from+headerScanRows)
	for r := from; r < end; r++ {
		if !isNumberRow(g[r]) {
			continue
		}
		letters, numbers := numberedColumns(g[r])
		h := header{form: want, stt: -1, name: -1, code: -1, numRow: r, body: r + 1,
			top: r, bottom: r, cols: map[int]spec{}, byNumber: map[int]bool{}}
		shift := 0
		if len(letters) > 0 {
			if c, ok := letters["A"]; ok {
				h.stt = c
			}
			if c, ok := letters["B"]; ok {
				h.name = c
			}
			if c, ok := letters["C"]; ok {
				h.code = c
			}
		} else {
			h.stt, h.name, shift = numbers[1], numbers[2], 2
		}
		for _, sp := range specs(want) {
			if c, ok := numbers[sp.col+shift]; ok && sp.col > 0 {
				h.cols[c] = sp
				h.found++
			}
		}
		for c := range g[r] {
			h.byNumber[c] = true
		}
		h.labels = make([]string, len(g[r])) // labels failed: no unknown columns to report
		if h.found >= 2 {
			return h, true
		}
	}
	return header{}, false
}
