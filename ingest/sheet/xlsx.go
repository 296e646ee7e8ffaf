package sheet

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"

	"rasoat/ingest/problem"
	"rasoat/ingest/vnnum"
	"rasoat/ingest/vntext"
	"rasoat/review"
)

// probeRows are read before deciding how to read the rest of a sheet: a
// household list is streamed, a summary form is small enough to hold.
const probeRows = 60

// progressEvery is how often (in rows) Options.Progress is called.
const progressEvery = 8192

// maxMergeArea bounds the cells one merged range may fill, so a range
// merged over a whole column costs nothing.
const maxMergeArea = 20_000

var (
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	zipMagic = []byte("PK\x03\x04")
)

// ReadXLSX reads every form in an .xlsx workbook. name is the file name as
// uploaded (used in problems and to recognise .xls). The returned list holds
// file-level problems and, again, every form's own problems, so that
// list.Rejects() answers for the whole file.
func ReadXLSX(ctx context.Context, name string, r io.Reader, opt Options) ([]Form, problem.List) {
	l := loc{file: name}
	xlsMsg := "Tệp Excel 97–2003 (.xls) không đọc được. Lưu lại tệp dưới dạng .xlsx (Tệp → Lưu thành → Sổ làm việc Excel) rồi tải lên lại."
	if strings.EqualFold(path.Ext(name), ".xls") {
		return nil, problem.List{l.at(problem.EFileFormat, problem.Reject, -1, -1, "", path.Ext(name), ".xlsx", xlsMsg)}
	}
	body, err := io.ReadAll(r)
	if err != nil {
		return nil, problem.List{l.at(problem.EFileUnreadable, problem.Reject, -1, -1, "", err.Error(), "", "Không đọc được tệp")}
	}
	magic := body[:min(len(body), 8)]
	switch {
	case len(body) == 0:
		return nil, problem.List{l.at(problem.EFileUnreadable, problem.Reject, -1, -1, "", "0 byte", ".xlsx", "Tệp rỗng (0 byte)")}
	case bytes.HasPrefix(magic, oleMagic):
		// An old binary workbook renamed to .xlsx, or an encrypted one.
		return nil, problem.List{l.at(problem.EFileFormat, problem.Reject, -1, -1, "", "", ".xlsx",
			xlsMsg+" Nếu tệp có đặt mật khẩu, hãy bỏ mật khẩu trước.")}
	case !bytes.HasPrefix(magic, zipMagic):
		return nil, problem.List{l.at(problem.EFileFormat, problem.Reject, -1, -1, "", "", ".xlsx",
			"Tệp không phải là sổ làm việc Excel .xlsx")}
	}
	if p := checkZip(l, body, opt); p != nil {
		return nil, problem.List{p}
	}
	f, err := excelize.OpenReader(bytes.NewReader(body), excelize.Options{UnzipSizeLimit: opt.maxUnzipped()})
	if err != nil {
		return nil, problem.List{l.at(problem.EFileUnreadable, problem.Reject, -1, -1, "", err.Error(), "",
			"Không mở được tệp Excel: tệp hỏng hoặc không đúng định dạng .xlsx")}
	}
	defer f.Close()

	var (
		forms []Form
		all   problem.List
	)
	for _, sh := range f.GetSheetList() {
		if err := ctx.Err(); err != nil {
			return forms, append(all, l.at(problem.EFileUnreadable, problem.Reject, -1, -1, "", err.Error(), "", "Việc đọc tệp đã bị huỷ"))
		}
		fs, ps := readSheet(ctx, f, name, sh, opt)
		all = append(all, ps...)
		for i := range fs {
			if n := len(forms); n > 0 {
				fs[i].Continues = i == 0 && inheritMeta(&fs[i].Meta, forms[n-1].Meta)
			}
			all = append(all, fs[i].Problems...)
			forms = append(forms, fs[i])
		}
	}
	if len(forms) == 0 && !all.Rejects() {
		all = append(all, l.at(problem.ENoForm, problem.Reject, -1, -1, "", strings.Join(f.GetSheetList(), ", "), "biểu A, B, C hoặc D",
			"Không có sheet nào giống biểu mẫu rà soát (A: kết quả rà soát, B: diễn biến hộ nghèo, C: diễn biến hộ cận nghèo, D: danh sách hộ)"))
	}
	return forms, all
}

// inheritMeta completes a form continued from the previous sheet: same form
// kind, no title block of its own.
func inheritMeta(m *Meta, prev Meta) bool {
	if m.Form != prev.Form || m.Year != 0 || m.Stage != "" || m.IssuerName != "" {
		return false
	}
	m.Year, m.Stage, m.IssuerLevel, m.IssuerName = prev.Year, prev.Stage, prev.IssuerLevel, prev.IssuerName
	if m.Standard == "" {
		m.Standard = prev.Standard
	}
	return true
}

// fillMeta completes the meta of a form stacked under another in the same
// sheet: one report, so the title of the first names the issuer, year and
// stage for the forms under it unless they say otherwise.
func fillMeta(m *Meta, prev Meta) {
	if m.Year == 0 {
		m.Year = prev.Year
	}
	if m.Stage == "" {
		m.Stage = prev.Stage
	}
	if m.Standard == "" {
		m.Standard = prev.Standard
	}
	if m.IssuerName == "" {
		m.IssuerLevel, m.IssuerName = prev.IssuerLevel, prev.IssuerName
	}
}

// sheetRows streams a sheet's rows as raw values, enforcing the limits.
type sheetRows struct {
	rows    *excelize.Rows
	l       loc
	opt     Options
	n       int
	lc      legacyCols // decoded on the way out, once the probe has decided
	wide    bool
	tooMany bool
	probs   problem.List
}

// next returns the next row (0-based index n-1) or false at the end.
func (s *sheetRows) next() ([]string, bool) {
	if s.tooMany || !s.rows.Next() {
		return nil, false
	}
	s.n++
	if s.n > s.opt.maxRows() {
		s.tooMany = true
		s.probs = append(s.probs, s.l.at(problem.ETooManyRows, problem.Reject, s.n-1, -1, "", "", fmt.Sprintf("tối đa %s dòng", vnnum.Format(float64(s.opt.maxRows()))),
			"Sheet có quá nhiều dòng"))
		return nil, false
	}
	row, err := s.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		s.probs = append(s.probs, s.l.at(problem.EFileUnreadable, problem.Reject, s.n-1, -1, "", err.Error(), "", "Không đọc được dòng này của sheet"))
		return nil, false
	}
	for len(row) > 0 && strings.TrimSpace(row[len(row)-1]) == "" {
		row = row[:len(row)-1]
	}
	if len(row) > s.opt.maxCols() {
		if !s.wide {
			s.wide = true
			s.probs = append(s.probs, s.l.at(problem.ETooManyColumns, problem.Reject, s.n-1, s.opt.maxCols(), "", "", fmt.Sprintf("tối đa %d cột", s.opt.maxCols()),
				"Sheet có quá nhiều cột"))
		}
		row = row[:s.opt.maxCols()]
	}
	s.lc.apply(row)
	if s.opt.Progress != nil && s.n%progressEvery == 0 {
		s.opt.Progress(s.n)
	}
	return row, true
}

// readSheet reads the forms of one sheet.
func readSheet(ctx context.Context, f *excelize.File, file, sheet string, opt Options) ([]Form, problem.List) {
	l := loc{file: file, sheet: sheet}
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, problem.List{l.at(problem.EFileUnreadable, problem.Reject, -1, -1, "", err.Error(), "", "Không đọc được sheet")}
	}
	defer rows.Close()
	sr := &sheetRows{rows: rows, l: l, opt: opt}
	var g [][]string
	for len(g) < probeRows {
		row, ok := sr.next()
		if !ok {
			break
		}
		g = append(g, row)
	}
	if len(sr.probs) > 0 {
		return nil, sr.probs
	}
	sr.lc = decodeLegacy(g)
	titleKind := firstTitleKind(g, 0)
	if titleKind == review.FormD || titleKind == "" {
		if h, ok := findHeader(g, 0, titleKind, false); ok && h.form == review.FormD {
			return streamHouseholds(ctx, sr, g, h, l, opt)
		}
	}
	// A summary form: hold the whole sheet, then carry merged labels.
	for {
		if len(g)%1024 == 0 && ctx.Err() != nil {
			return nil, append(sr.probs, l.at(problem.EFileUnreadable, problem.Reject, -1, -1, "", ctx.Err().Error(), "", "Việc đọc tệp đã bị huỷ"))
		}
		row, ok := sr.next()
		if !ok {
			break
		}
		g = append(g, row)
	}
	if sr.probs.Rejects() {
		return nil, sr.probs
	}
	if merges, err := f.GetMergeCells(sheet); err == nil {
		g = fillMerges(g, merges, opt.maxCols())
	}
	forms, ps := readGrid(g, xlsxSource{f: f, sheet: sheet}, l, opt, true)
	return forms, append(sr.probs, ps...)
}

// firstTitleKind returns the form kind named by the first title row at or
// after from, within the title-block window.
func firstTitleKind(g [][]string, from int) review.Form {
	for r := from; r < len(g) && r < from+headerScanRows; r++ {
		if isNumberRow(g[r]) || numericCells(g[r]) >= 2 || isFooter(g[r]) {
			break // past the title block: a note under the body is no title
		}
		for _, v := range g[r] {
			fv := vntext.Fold(v)
			if isAttachment(fv) {
				continue
			}
			if k := formFromTitle(fv); k != "" {
				return k
			}
		}
	}
	return ""
}

// numericCells counts the cells of row that read as numbers.
func numericCells(row []string) int {
	n := 0
	for _, v := range row {
		if _, blank, err := vnnum.Parse(v); err == nil && !blank {
			n++
		}
	}
	return n
}

// fillMerges carries each merged range's text over the whole range, so a
// header label merged over three columns labels all three. Numbers are not
// carried: a merged count is one value, not several.
func fillMerges(g [][]string, merges []excelize.MergeCell, maxCols int) [][]string {
	for _, m := range merges {
		c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 != nil || err2 != nil || c2 < c1 || r2 < r1 {
			continue
		}
		if r1 > len(g) || (c2-c1+1)*(r2-r1+1) > maxMergeArea {
			continue
		}
		r1, c1 = r1-1, c1-1
		v := cell(g, r1, c1)
		if v == "" {
			continue
		}
		if _, blank, err := vnnum.Parse(v); err == nil && !blank {
			continue
		}
		for r := r1; r < r2 && r < len(g); r++ {
			for c := c1; c < c2 && c < maxCols; c++ {
				for len(g[r]) <= c {
					g[r] = append(g[r], "")
				}
				if strings.TrimSpace(g[r][c]) == "" {
					g[r][c] = v
				}
			}
		}
	}
	return g
}

// readGrid reads every summary form (and small household lists) held in g.
func readGrid(g [][]string, src valueSource, l loc, opt Options, merged bool) ([]Form, problem.List) {
	var (
		forms []Form
		probs problem.List
	)
	p := 0
	for p < len(g) {
		want := firstTitleKind(g, p)
		h, ok := findHeader(g, p, want, merged)
		if !ok {
			if want != "" && len(forms) == 0 {
				probs = append(probs, l.at(problem.EHeaderNotFound, problem.Reject, -1, -1, "", "", "dòng tiêu đề cột của "+want.Title(),
					fmt.Sprintf("Không tìm thấy dòng tiêu đề cột của biểu %s (%s). Tiêu đề cột phải ghi tên các cột như biểu mẫu, ví dụ %q",
						want, want.Title(), specs(want)[0].header)))
			}
			break
		}
		titleFrom := max(p, h.top-headerScanRows) // 12 title rows, and blank rows around them
		lines := titleLines(g, titleFrom, h.top)
		meta := parseMeta(lines)
		meta.Form = h.form
		if len(forms) > 0 {
			fillMeta(&meta, forms[len(forms)-1].Meta)
		}
		fm := Form{File: l.file, Sheet: l.sheet, Meta: meta, Fields: fieldList(h)}
		explainHead(&fm.Explain, g, titleFrom, h, l)
		unknownCols, unknown, ps := headerProblems(h, l, h.bottom)
		fm.Unknown, fm.Problems = unknown, ps
		end := len(g)
		if h.form == review.FormD {
			hr := newHouseholdReader(h, l, src, opt.HashID, householdUnit(lines, meta, l.sheet), unknownCols)
			for r := h.body; r < len(g); r++ {
				if !hr.add(r, g[r]) {
					end = r
					break
				}
			}
			fm.Households, fm.Extra, fm.Columns = hr.out, hr.extra, hr.columns()
			fm.Problems = append(fm.Problems, hr.probs...)
		} else {
			rows, extra, ps, e := readSummaryBody(g, h, src, l, unknownCols, &fm.Explain)
			fm.Rows, fm.Extra, end = rows, extra, e
			fm.Problems = append(fm.Problems, ps...)
		}
		if end <= p {
			forms = append(forms, fm)
			break
		}
		p = end
		// Skip the footer to where the next form's title starts, if any.
		for p < len(g) && !isTitleRow(g[p]) {
			if blankRow(g[p]) {
				fm.Explain.add(p, ClassBlank, "dòng trống")
			} else {
				fm.Explain.add(p, ClassFooter, "sau phần số liệu: chữ ký, ngày tháng, ghi chú")
			}
			p++
		}
		forms = append(forms, fm)
	}
	return forms, probs
}

// householdUnit is the commune a Form D sheet without a commune column is
// about: a title line naming it, the issuing commune, else the sheet name.
func householdUnit(lines []string, m Meta, sheet string) string {
	if c := communeFromTitle(lines); c != "" {
		return c
	}
	if m.IssuerLevel == LevelCommune {
		return m.IssuerName
	}
	if f := vntext.Fold(sheet); f != "" && !strings.HasPrefix(f, "sheet") && !strings.HasPrefix(f, "trang tinh") {
		return vntext.NFC(strings.TrimSpace(sheet))
	}
	return ""
}

// streamHouseholds reads a Form D sheet row by row after the probe.
func streamHouseholds(ctx context.Context, sr *sheetRows, g [][]string, h header, l loc, opt Options) ([]Form, problem.List) {
	lines := titleLines(g, max(0, h.top-headerScanRows), h.top)
	meta := parseMeta(lines)
	meta.Form = review.FormD
	fm := Form{File: l.file, Sheet: l.sheet, Meta: meta, Fields: fieldList(h)}
	explainHead(&fm.Explain, g, max(0, h.top-headerScanRows), h, l)
	unknownCols, unknown, ps := headerProblems(h, l, h.bottom)
	fm.Unknown, fm.Problems = unknown, ps
	// Streamed cells carry no type, so numbers are read by vnnum's rules.
	hr := newHouseholdReader(h, l, textSource{}, opt.HashID, householdUnit(lines, meta, l.sheet), unknownCols)
	done := false
	for r := h.body; r < len(g) && !done; r++ {
		done = !hr.add(r, g[r])
	}
	for r := len(g); !done; r++ {
		if r%1024 == 0 && ctx.Err() != nil {
			fm.Problems = append(fm.Problems, l.at(problem.EFileUnreadable, problem.Reject, -1, -1, "", ctx.Err().Error(), "", "Việc đọc tệp đã bị huỷ"))
			break
		}
		row, ok := sr.next()
		if !ok {
			break
		}
		done = !hr.add(r, row)
	}
	fm.Households, fm.Extra, fm.Columns = hr.out, hr.extra, hr.columns()
	fm.Problems = append(fm.Problems, hr.probs...)
	fm.Problems = append(fm.Problems, sr.probs...)
	return []Form{fm}, nil
}

// xlsxSource reads cell types and formulas from the workbook for summary
// sheets (small, so loading the worksheet once is cheap).
type xlsxSource struct {
	f     *excelize.File
	sheet string
}

func (s xlsxSource) lookup(r, c int, raw string) (string, bool, error) {
	ref, err := excelize.CoordinatesToCellName(c+1, r+1)
	if err != nil {
		return raw, false, nil
	}
	if strings.TrimSpace(raw) == "" {
		formula, err := s.f.GetCellFormula(s.sheet, ref)
		if err != nil || formula == "" {
			return raw, false, nil
		}
		// The cached result is missing (a file written by a program that
		// does not calculate): compute it.
		v, err := s.f.CalcCellValue(s.sheet, ref, excelize.Options{RawCellValue: true})
		if err != nil {
			return "", false, fmt.Errorf("không tính được công thức =%s", formula)
		}
		return v, true, nil
	}
	t, err := s.f.GetCellType(s.sheet, ref)
	if err != nil {
		return raw, false, nil
	}
	switch t {
	case excelize.CellTypeUnset, excelize.CellTypeNumber:
		return raw, true, nil
	}
	return raw, false, nil
}

// explainHead records the classes of a form's title, header and
// column-number rows, and its column mapping.
func explainHead(ex *Explanation, g [][]string, from int, h header, l loc) {
	for r := from; r < h.top && r < len(g); r++ {
		switch {
		case blankRow(g[r]):
			ex.add(r, ClassBlank, "dòng trống")
		default:
			ex.add(r, ClassTitle, titleReason(g[r]))
		}
	}
	for r := h.top; r <= h.bottom && r < len(g); r++ {
		if r == h.numRow {
			break
		}
		ex.add(r, ClassHeader, fmt.Sprintf("tiêu đề cột (dòng %d–%d): nhãn khớp %d cột của biểu %s", h.top+1, h.bottom+1, h.found, h.form))
	}
	for r := h.bottom + 1; r < h.body && r < len(g); r++ {
		if r == h.numRow {
			ex.add(r, ClassNumbers, "các ô là số thứ tự cột (A, B, 1, 2… hoặc (1), (2)…) theo thứ tự")
		} else {
			ex.add(r, ClassBlank, "dòng trống")
		}
	}
	if h.numRow >= 0 && h.numRow < h.top {
		ex.add(h.numRow, ClassNumbers, "các ô là số thứ tự cột: không có chữ tiêu đề cột, cột đọc theo số")
	}
	ex.Columns = columnsOf(h, l)
}

// titleReason says what a title-block line was read as.
func titleReason(row []string) string {
	var parts []string
	for _, v := range row {
		f := vntext.Fold(v)
		if f == "" {
			continue
		}
		switch {
		case isAttachment(f):
			parts = append(parts, "dòng kèm theo (ngày của văn bản khác, không phải năm rà soát)")
		case strings.Contains(f, "ubnd") || strings.Contains(f, "uy ban nhan dan"):
			parts = append(parts, "cơ quan ban hành")
		case formFromTitle(f) != "":
			parts = append(parts, "tên biểu "+string(formFromTitle(f)))
		case strings.HasPrefix(f, "bieu so") || strings.HasPrefix(f, "mau so") || strings.HasPrefix(f, "bieu mau"):
			parts = append(parts, "số hiệu biểu")
		case strings.HasPrefix(f, "don vi tinh"):
			parts = append(parts, "đơn vị tính")
		case stageOf(f) != "":
			parts = append(parts, "giai đoạn")
		case strings.Contains(f, "cong hoa") || strings.Contains(f, "doc lap"):
			parts = append(parts, "quốc hiệu")
		}
	}
	if len(parts) == 0 {
		return "trên tiêu đề cột"
	}
	parts = slices.Compact(parts) // a title merged across the sheet repeats in every cell
	return "trên tiêu đề cột: " + strings.Join(parts, "; ")
}
