package sheet

import (
	"regexp"
	"strconv"
	"strings"

	"rasoat/ingest/vntext"
	"rasoat/review"
)

// titleLines splits the cells of rows from..to (exclusive) into lines, in
// reading order, NFC.
func titleLines(g [][]string, from, to int) []string {
	var out []string
	for r := max(from, 0); r < to && r < len(g); r++ {
		for _, v := range g[r] {
			for _, l := range strings.Split(v, "\n") {
				if l = strings.TrimSpace(l); l != "" {
					out = append(out, vntext.NFC(l))
				}
			}
		}
	}
	return out
}

// isAttachment: "(Kèm theo Báo cáo số 215/BC-UBND ngày 28/9/2019 …)" names
// another document; its date and words are not the form's.
func isAttachment(folded string) bool {
	return strings.HasPrefix(folded, "kem theo") || strings.Contains(folded, " kem theo ")
}

var (
	dateSlash = regexp.MustCompile(`\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}`)
	docNumber = regexp.MustCompile(`\d+\s*/\s*\d{4}\s*/`) // "59/2015/QĐ-TTg": the year of a decree
	dateWords = regexp.MustCompile(`ngay\s*\d*\s*thang\s*\d*\s*nam\s*\d*`)
	yearRange = regexp.MustCompile(`\b(20\d\d)\s+(20\d\d)\b`)
	namYear   = regexp.MustCompile(`\bnam\s+(20\d\d)\b`)
	bareYear  = regexp.MustCompile(`\b(20\d\d)\b`)
)

func validYear(s string) int {
	y, err := strconv.Atoi(s)
	if err != nil || y < 2010 || y > 2040 {
		return 0
	}
	return y
}

// formFromTitle reads the form kind from title words.
func formFromTitle(folded string) review.Form {
	switch {
	case strings.Contains(folded, "ket qua ra soat"):
		return review.FormA
	case strings.Contains(folded, "dien bien ho can ngheo"):
		return review.FormC
	case strings.Contains(folded, "dien bien ho ngheo"):
		return review.FormB
	case strings.Contains(folded, "danh sach ho"):
		return review.FormD
	}
	return ""
}

// isTitleRow says whether a row starts a new form (used to end a body when
// two forms are stacked in one sheet).
func isTitleRow(row []string) bool {
	for _, v := range row {
		f := vntext.Fold(v)
		if f == "" {
			continue
		}
		if formFromTitle(f) != "" && !isAttachment(f) {
			return true
		}
	}
	return false
}

// parseMeta reads what a title block says: form kind, year, stage,
// standard and issuing body. The issuer is the most local "UBND …" line
// ("UBND HUYỆN BUÔN ĐÔN" over "UBND XÃ EA WER" is the commune's form); a
// body named only in the attachment line ("… của UBND huyện M'Đrắk")
// counts when no line names one. An issuer line may carry the title too.
func parseMeta(lines []string) Meta {
	var m Meta
	stageRank, weakYear := 0, 0
	var attLevel, attName string
	var plain []string
	for _, line := range lines {
		folded := vntext.Fold(line)
		att := isAttachment(folded)
		if lvl, name := issuer(line); lvl != "" && name != "" {
			switch {
			case att:
				if attLevel == "" {
					attLevel, attName = lvl, name
				}
			case m.IssuerLevel == "" || levelRank(lvl) > levelRank(m.IssuerLevel):
				m.IssuerLevel, m.IssuerName = lvl, name
			}
		}
		if std := standardOf(folded); std != "" && m.Standard == "" {
			m.Standard = std
		}
		if att {
			continue
		}
		plain = append(plain, folded)
		if m.Form == "" {
			m.Form = formFromTitle(folded)
		}
		if st := stageOf(folded); st != "" && st.Rank() > stageRank {
			m.Stage, stageRank = st, st.Rank()
		}
		if y, strong := yearOf(line); y != 0 && m.Year == 0 {
			if strong {
				m.Year = y
			} else if weakYear == 0 {
				weakYear = y
			}
		}
	}
	if m.Year == 0 {
		m.Year = weakYear
	}
	if m.IssuerLevel == "" {
		m.IssuerLevel, m.IssuerName = attLevel, attName
	}
	if m.Form == "" {
		// a title broken over lines: "TỔNG HỢP DIỄN BIẾN" / "HỘ NGHÈO NĂM 2019"
		m.Form = formFromTitle(strings.Join(plain, " "))
	}
	return m
}

func levelRank(l string) int {
	switch l {
	case LevelProvince:
		return 1
	case LevelDistrict:
		return 2
	case LevelCommune:
		return 3
	}
	return 0
}

// yearOf finds the review year in one title line: "năm 2019" (strong), else
// a lone year that is not part of a date, a decree number or a period
// "2016 - 2020" (weak: used only when no line says "năm").
func yearOf(line string) (year int, strong bool) {
	f := vntext.Fold(docNumber.ReplaceAllString(dateSlash.ReplaceAllString(line, " "), " "))
	f = dateWords.ReplaceAllStringFunc(f, func(s string) string {
		// "ngày 08 tháng 10 năm 2019" is a signing date, not the year;
		// "năm 2019" alone is kept.
		if strings.HasPrefix(s, "ngay") && strings.Contains(s, "thang") {
			return " "
		}
		return s
	})
	f = yearRange.ReplaceAllString(f, " ")
	if m := namYear.FindStringSubmatch(f); m != nil {
		if y := validYear(m[1]); y != 0 {
			return y, true
		}
	}
	for _, m := range bareYear.FindAllStringSubmatch(f, -1) {
		if y := validYear(m[1]); y != 0 {
			return y, false
		}
	}
	return 0, false
}

func stageOf(folded string) review.Stage {
	switch {
	case strings.Contains(folded, "phe duyet"):
		return review.Approved
	case strings.Contains(folded, "phuc tra"):
		return review.Reverified
	case strings.Contains(folded, "chinh thuc"):
		return review.Official
	case strings.Contains(folded, "so bo"):
		return review.Preliminary
	}
	return ""
}

func standardOf(folded string) string {
	has := func(ss ...string) bool {
		for _, s := range ss {
			if strings.Contains(" "+folded+" ", " "+s+" ") {
				return true
			}
		}
		return false
	}
	switch {
	case has("2016 2020", "qd 59", "qd59", "59 2015 qd ttg", "59 qd ttg"):
		return StandardQD59
	case has("2022 2025", "nd 07", "nd07", "07 2021 nd cp", "da chieu giai doan 2022"):
		return StandardND07
	case has("2026 2030", "nd 351", "nd351", "351 2025 nd cp"):
		return StandardND351
	}
	return ""
}

// issuer reads "UBND HUYỆN M'ĐRẮK" or "ỦY BAN NHÂN DÂN XÃ EA KAO" into a
// level and the unit name as printed.
func issuer(line string) (level, name string) {
	words := strings.Fields(line)
	folded := make([]string, len(words))
	for i, w := range words {
		folded[i] = vntext.Fold(w)
	}
	i := -1
	for j := range folded {
		if folded[j] == "ubnd" {
			i = j + 1
			break
		}
		if j+3 < len(folded) && folded[j] == "uy" && folded[j+1] == "ban" && folded[j+2] == "nhan" && folded[j+3] == "dan" {
			i = j + 4
			break
		}
	}
	if i < 0 || i >= len(folded) {
		return "", ""
	}
	two := ""
	if i+1 < len(folded) {
		two = folded[i] + " " + folded[i+1]
	}
	n := 0
	switch {
	case two == "thi xa" || two == "thanh pho":
		level, n = LevelDistrict, 2
	case two == "thi tran":
		level, n = LevelCommune, 2
	case folded[i] == "tinh":
		level, n = LevelProvince, 1
	case folded[i] == "huyen" || folded[i] == "quan":
		level, n = LevelDistrict, 1
	case folded[i] == "xa" || folded[i] == "phuong":
		level, n = LevelCommune, 1
	default:
		return "", ""
	}
	return level, issuerName(words[i+n:])
}

// titleStart are the first two words of what may follow an issuer on its
// line: the title, the form number, the national motto.
var titleStart = map[string]bool{"tong hop": true, "ket qua": true, "bieu so": true, "mau so": true, "dien bien": true,
	"danh sach": true, "bao cao": true, "cong hoa": true, "bieu mau": true}

// issuerName cuts an issuer's name where the rest of a one-line title
// starts: "UBND HUYỆN BUÔN ĐÔN - TỔNG HỢP KẾT QUẢ …" names Buôn Đôn.
func issuerName(words []string) string {
	var out []string
	for i, w := range words {
		if w == "-" || w == "–" || w == "—" || w == "|" || w == ":" {
			break
		}
		if i > 0 && i+1 < len(words) && titleStart[vntext.Fold(w)+" "+vntext.Fold(words[i+1])] {
			break
		}
		trail := strings.TrimRight(w, "-–—|:,;")
		if trail != w {
			if trail != "" {
				out = append(out, trail)
			}
			break
		}
		out = append(out, w)
	}
	return vntext.NFC(strings.Join(out, " "))
}

// communeFromTitle finds a commune named in a Form D title block: "Xã Ea
// Kao", "XÃ: EA KAO", "Đơn vị: Xã Ea Kao".
func communeFromTitle(lines []string) string {
	for _, l := range lines {
		words := strings.Fields(strings.ReplaceAll(l, ":", " : "))
		for i, w := range words {
			fw := vntext.Fold(w)
			if fw == "ubnd" {
				break
			}
			atStart := i == 0 || words[i-1] == ":" || (i == 1 && fw == "tran")
			if atStart && (fw == "xa" || fw == "phuong" || (fw == "tran" && i > 0 && vntext.Fold(words[i-1]) == "thi")) {
				rest := words[i+1:]
				if len(rest) > 0 && rest[0] == ":" {
					rest = rest[1:]
				}
				if len(rest) == 0 || len(rest) > 6 {
					continue
				}
				return vntext.NFC(strings.Join(rest, " "))
			}
		}
	}
	return ""
}
