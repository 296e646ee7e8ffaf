package sheet

import (
	"strings"

	"rasoat/ingest/vntext"
)

// legacyProbeCells bounds the cells of one column that vote on its
// encoding: a font is set per column of a template, so a few hundred cells
// say all there is to say.
const legacyProbeCells = 400

// legacyCols is the encoding of each column of a sheet whose text was typed
// in a legacy font (TCVN3 ".VnTime", VNI "VNI-Times"); nil when every column
// is Unicode. Deciding per column rather than per cell settles short names
// that read as Vietnamese either way ("Ea Pông"), because the other cells of
// the column — its header, the other names — vote too.
type legacyCols []vntext.Encoding

// detectLegacy guesses the encoding of every column of g.
func detectLegacy(g [][]string) legacyCols {
	var votes [][]string
	for _, row := range g {
		for c, v := range row {
			if !maybeLegacy(v) {
				continue
			}
			for len(votes) <= c {
				votes = append(votes, nil)
			}
			if len(votes[c]) < legacyProbeCells {
				votes[c] = append(votes[c], v)
			}
		}
	}
	var lc legacyCols
	for c, cells := range votes {
		if len(cells) == 0 {
			continue
		}
		if e := vntext.DetectLegacyAll(cells); e != vntext.Unicode {
			for len(lc) <= c {
				lc = append(lc, vntext.Unicode)
			}
			lc[c] = e
		}
	}
	return lc
}

// detectBlock decides one encoding for a title block and header: one
// template, one font, so a short header cell ("Sè hé CN") is decided by
// the words around it.
func detectBlock(g [][]string) legacyCols {
	var cells []string
	w := 0
	for _, row := range g {
		w = max(w, len(row))
		for _, v := range row {
			if maybeLegacy(v) && len(cells) < legacyProbeCells {
				cells = append(cells, v)
			}
		}
	}
	if len(cells) == 0 {
		return nil
	}
	e := vntext.DetectLegacyAll(cells)
	if e == vntext.Unicode {
		return nil
	}
	lc := make(legacyCols, w)
	for c := range lc {
		lc[c] = e
	}
	return lc
}

// priorCells is how few legacy-looking cells leave a body column's own
// vote unreliable (a commune's one row: "CÖ JANG" reads as Latin text).
const priorCells = 3

// withPrior gives a body column with too few legacy-looking cells to vote
// the encoding of the template's title and header.
func withPrior(lc legacyCols, body [][]string, e vntext.Encoding) legacyCols {
	count, odd := map[int]int{}, map[int]bool{}
	for _, row := range body {
		if numericCells(row) < 2 {
			continue // footer lines under a one-row form do not vote
		}
		for c, v := range row {
			if maybeLegacy(v) {
				count[c]++
				odd[c] = odd[c] || !vietnameseLatin1(v)
			}
		}
	}
	for c, n := range count {
		// "Xã A" pasted in Unicode reads as Vietnamese; "CÖ JANG" does not
		if n > priorCells || !odd[c] {
			continue
		}
		for len(lc) <= c {
			lc = append(lc, vntext.Unicode)
		}
		lc[c] = e
	}
	return lc
}

// decodeLegacy decodes the legacy text of a sheet's first rows in place and
// returns the column encodings for the rest of the sheet. The title block
// and header are decided together (one template, one font), the body
// columns apart from them: officers paste Unicode names into old templates.
func decodeLegacy(g [][]string) legacyCols {
	all := detectLegacy(g)
	if all == nil {
		return nil
	}
	trial := make([][]string, len(g))
	for r, row := range g {
		trial[r] = append([]string(nil), row...)
		all.apply(trial[r])
	}
	body := len(g)
	if h, ok := findHeader(trial, 0, firstTitleKind(trial, 0), false); ok {
		body = h.body
		// header rows the probe could not join (merged ranges are not
		// carried yet) are still the template's: up to the first figures
		for body < len(g) && body < h.body+3 && numericCells(trial[body]) < 2 {
			body++
		}
	}
	head, rest := detectBlock(g[:body]), detectLegacy(g[body:])
	if len(head) > 0 {
		rest = withPrior(rest, g[body:], head[0])
	}
	for r := range g {
		if r < body {
			head.apply(g[r])
		} else {
			rest.apply(g[r])
		}
	}
	return rest
}

// apply decodes the legacy cells of row in place. A cell with a character
// only Unicode has (ư, ộ, a combining accent) was typed in a Unicode font
// and is left alone even in a legacy column.
func (lc legacyCols) apply(row []string) {
	for c := 0; c < len(lc) && c < len(row); c++ {
		if lc[c] != vntext.Unicode && maybeLegacy(row[c]) {
			row[c] = vntext.Decode(row[c], lc[c])
		}
	}
}

// maybeLegacy: non-ASCII text every rune of which a legacy 8-bit font
// could have produced (Latin-1 and the Windows-1252 punctuation).
func maybeLegacy(s string) bool {
	ascii := true
	for _, r := range s {
		if r < 0x80 {
			continue
		}
		ascii = false
		if r > 0xFF && !cp1252Extra(r) {
			return false
		}
	}
	return !ascii
}

// cp1252Extra are the characters Windows-1252 puts at 0x80–0x9F.
func cp1252Extra(r rune) bool {
	switch r {
	case '€', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 'Ž',
		'‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 'ž', 'Ÿ':
		return true
	}
	return false
}

// vietnameseLatin1: every non-ASCII rune of s is a Latin-1 letter the
// Vietnamese alphabet uses (à á â ã è é ê ì í ò ó ô õ ù ú ý), so s may be
// Unicode text as typed.
func vietnameseLatin1(s string) bool {
	for _, r := range s {
		if r < 0x80 {
			continue
		}
		if !strings.ContainsRune("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ", r) {
			return false
		}
	}
	return true
}
