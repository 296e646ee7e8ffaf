package synth

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"rasoat/review"
)

// sheetRows reads a sheet as text, padding rows to the same width.
func sheetRows(t *testing.T, f *excelize.File, sheet string) [][]string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatalf("%s: %v", sheet, err)
	}
	return rows
}

func cellAt(rows [][]string, r, c int) string {
	if r < len(rows) && c < len(rows[r]) {
		return rows[r][c]
	}
	return ""
}

// headerColumns joins, per column, the header text between the STT row and
// the first body row (merged cells carry text only in their top-left cell).
func headerColumns(rows [][]string) (cols map[int][]string, firstBody int) {
	top := -1
	for i, r := range rows {
		if len(r) > 0 && strings.TrimSpace(r[0]) == "STT" {
			top = i
			break
		}
	}
	cols = map[int][]string{}
	for i := top; i < len(rows); i++ {
		if _, err := strconv.Atoi(cellAt(rows, i, 0)); err == nil || cellAt(rows, i, 0) == "I" {
			return cols, i
		}
		for c, v := range rows[i] {
			cols[c] = append(cols[c], words(v)...)
		}
	}
	return cols, -1
}

func hasAll(have []string, want []string) bool {
	set := map[string]int{}
	for _, w := range have {
		set[w]++
	}
	for _, w := range want {
		if set[w] == 0 {
			return false
		}
		set[w]--
	}
	return true
}

// fieldColumn finds the first column whose header matches one of the
// field's word groups, the way a reader would.
func fieldColumn(cols map[int][]string, f review.Field) int {
	for _, g := range f.Words {
		for c := 0; c < 64; c++ {
			if hasAll(cols[c], g) {
				return c
			}
		}
	}
	return -1
}

func TestWorkbooksAgainstTruth(t *testing.T) {
	dir, _ := generated(t)
	ds, err := build(Config{Seed: fixtureSeed, Scale: 0.02, HouseholdListYear: 2024})
	if err != nil {
		t.Fatal(err)
	}
	ix := loadTruth(t, dir)
	// one district workbook of each variant (2021 baseline for one of them),
	// one commune workbook, the formula workbook without cache, and the
	// workbook with the wrong total row
	picks := map[string]workbook{}
	for _, wb := range ds.planWorkbooks() {
		cy := ds.cycles[wb.Cycle]
		name := ""
		switch {
		case wb.NoCache:
			name = "nocache"
		case wb.District != nil && wb.District.Code == ds.mismatch.District && wb.Cycle == ds.mismatch.Cycle && wb.Stage == ds.mismatch.Stage:
			name = "mismatch"
		case wb.District != nil && (cy.Baseline || cy.Year == 2019):
			name = fmt.Sprintf("v%d-%d-%v", wb.Variant, cy.Year, cy.Baseline)
		case wb.Commune != nil && cy.Year == 2026:
			name = fmt.Sprintf("commune-v%d", wb.Variant)
		}
		if _, ok := picks[name]; name != "" && !ok {
			picks[name] = wb
		}
	}
	variants := map[int]bool{}
	for name, wb := range picks {
		variants[wb.Variant] = true
		t.Run(name, func(t *testing.T) { checkWorkbook(t, dir, ds, ix, wb) })
	}
	if len(variants) != nVariants || picks["nocache"].Rel == "" || picks["mismatch"].Rel == "" {
		t.Errorf("picked %d variants, nocache %q, mismatch %q", len(variants), picks["nocache"].Rel, picks["mismatch"].Rel)
	}
}

func checkWorkbook(t *testing.T, dir string, ds *dataset, ix truthIndex, wb workbook) {
	f, err := excelize.OpenFile(filepath.Join(dir, wb.Rel))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cy := ds.cycles[wb.Cycle]
	sheets := f.GetSheetList()
	if len(sheets) != 3 {
		t.Fatalf("%s: %d sheets", wb.Rel, len(sheets))
	}
	forms := []review.Form{review.FormA, review.FormB, review.FormC}
	titles := []string{"TỔNG HỢP KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM ", "TỔNG HỢP DIỄN BIẾN HỘ NGHÈO NĂM ", "TỔNG HỢP DIỄN BIẾN HỘ CẬN NGHÈO NĂM "}
	var units []unitRow
	for _, g := range ds.docs(wb)[0].Groups {
		units = append(units, g.Units...)
	}
	for i, sh := range sheets {
		rows := sheetRows(t, f, sh)
		var block strings.Builder
		for _, r := range rows[:8] {
			block.WriteString(strings.Join(r, " ") + "\n")
		}
		text := block.String()
		for _, want := range []string{titles[i] + strconv.Itoa(cy.Year), "(" + upperVN(wb.Stage.Vietnamese()) + ")", "UBND "} {
			if wb.Variant == 4 && strings.HasPrefix(want, "(") {
				want = "- " + upperVN(wb.Stage.Vietnamese())
			}
			if !strings.Contains(text, want) {
				t.Errorf("%s/%s: title block lacks %q:\n%s", wb.Rel, sh, want, text)
			}
		}
		if cy.Baseline && !strings.Contains(text, "THEO CHUẨN NGHÈO ĐA CHIỀU GIAI ĐOẠN 2022 - 2025") {
			t.Errorf("%s: baseline title lacks the standard", wb.Rel)
		}
		cols, first := headerColumns(rows)
		if first < 0 {
			t.Fatalf("%s/%s: no body", wb.Rel, sh)
		}
		for _, fd := range formFields(forms[i], cy.Standard) {
			if fieldColumn(cols, fd) < 0 {
				t.Errorf("%s/%s: no column for %s (%q)", wb.Rel, sh, fd.Name, fd.Header)
			}
		}
		if forms[i] != review.FormA {
			continue
		}
		// every unit's total_households, in order, and the total row's poor_end
		hc := fieldColumn(cols, review.Fields(review.FormA)[0])
		pc := fieldColumn(cols, review.Fields(review.FormA)[2])
		var got []float64
		var totalRow = -1
		for r := first; r < len(rows); r++ {
			if _, err := strconv.Atoi(cellAt(rows, r, 0)); err == nil {
				got = append(got, parseVN(t, cellAt(rows, r, hc)))
				if wb.Variant == 2 && cellAt(rows, r, 2) != units[len(got)-1].Code {
					t.Errorf("%s: row %d code %q, want %s", wb.Rel, r+1, cellAt(rows, r, 2), units[len(got)-1].Code)
				}
				continue
			}
			if n := words(cellAt(rows, r, 1)); len(n) > 0 && (n[0] == "cong" || n[0] == "tong" || n[0] == "toan") {
				totalRow = r
				break
			}
		}
		if len(got) != len(units) {
			t.Fatalf("%s: %d body rows, want %d", wb.Rel, len(got), len(units))
		}
		var sumPoor int64
		for k, u := range units {
			tr := ix.by[key(strconv.Itoa(cy.Year), cy.Standard, string(wb.Stage), u.Code)]
			if want := float64(num(t, tr, "total_households")); got[k] != want {
				t.Errorf("%s: %s total_households %v, truth %v", wb.Rel, u.Name, got[k], want)
			}
			sumPoor += num(t, tr, "poor_end")
		}
		if wb.District == nil {
			continue
		}
		if totalRow < 0 {
			t.Fatalf("%s: no total row", wb.Rel)
		}
		want := float64(sumPoor)
		if wb.District.Code == ds.mismatch.District && wb.Cycle == ds.mismatch.Cycle && wb.Stage == ds.mismatch.Stage {
			want += float64(ds.mismatch.Delta)
		}
		cell, _ := excelize.CoordinatesToCellName(pc+1, totalRow+1)
		if wb.Variant == 4 {
			fm, _ := f.GetCellFormula(sh, cell)
			if !regexp.MustCompile(`^SUM\([A-Z]+\d+:[A-Z]+\d+\)$`).MatchString(fm) {
				t.Errorf("%s: total %s formula %q", wb.Rel, cell, fm)
			}
			if wb.NoCache {
				if v := cellAt(rows, totalRow, pc); v != "" {
					t.Errorf("%s: formula without cache reads %q", wb.Rel, v)
				}
				continue
			}
		}
		if v := parseVN(t, cellAt(rows, totalRow, pc)); v != want {
			t.Errorf("%s: total poor_end %v, want %v", wb.Rel, v, want)
		}
	}
}

func TestHouseholdList(t *testing.T) {
	dir, _ := generated(t)
	ix := loadTruth(t, dir)
	an := loadAnomalies(t, dir)
	paths, _ := filepath.Glob(pathIn(dir, "households", "2024", "official", "*.xlsx"))
	if len(paths) != 1 {
		t.Fatalf("household lists: %v", paths)
	}
	f, err := excelize.OpenFile(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	codeRe := regexp.MustCompile(`Mã ĐVHC: (\d{5})`)
	idRe := regexp.MustCompile(`^099\d{9}$`)
	header := householdHeader()
	violations := map[string]int{}
	for _, sh := range f.GetSheetList() {
		rows := sheetRows(t, f, sh)
		m := codeRe.FindStringSubmatch(cellAt(rows, 2, 0))
		if m == nil {
			t.Fatalf("%s: no commune code in %q", sh, cellAt(rows, 2, 0))
		}
		code := m[1]
		for c, h := range header {
			if cellAt(rows, householdHeaderRow-1, c) != h {
				t.Fatalf("%s: header col %d %q, want %q", sh, c+1, cellAt(rows, householdHeaderRow-1, c), h)
			}
		}
		counts := map[string]int64{}
		for _, r := range rows[householdHeaderRow:] {
			counts[cellAt([][]string{r}, 0, 21)]++
			if !idRe.MatchString(r[4]) {
				t.Errorf("%s: ID %q", sh, r[4])
			}
			b1, _ := strconv.Atoi(r[8])
			var deps int
			for k := 9; k < 21; k++ {
				if cellAt([][]string{r}, 0, k) == "x" {
					deps++
				}
			}
			cut := b1CutRural
			if r[6] == "Thành thị" {
				cut = b1CutUrban
			}
			class := r[21]
			ok := (class == "Nghèo") == (b1 <= cut && deps >= 3) && (class == "Cận nghèo") == (b1 <= cut && deps < 3)
			if !ok {
				violations[code]++
			}
		}
		tr := ix.by[key("2024", StdND07, "official", code)]
		if counts["Nghèo"] != num(t, tr, "poor_end") || counts["Cận nghèo"] != num(t, tr, "near_poor_end") ||
			int64(len(rows)-householdHeaderRow) != num(t, tr, "total_households") {
			t.Errorf("%s (%s): %v over %d rows, truth poor %s near %s total %s", sh, code, counts, len(rows)-householdHeaderRow,
				tr["poor_end"], tr["near_poor_end"], tr["total_households"])
		}
	}
	for code, n := range violations {
		if !an[KindHouseholdClassContra][key("2024", "official", code)] || n != 3 {
			t.Errorf("commune %s: %d households contradict the class rule", code, n)
		}
	}
	if len(violations) != 1 {
		t.Errorf("class contradictions in %d communes, want 1", len(violations))
	}
}

func TestExportsMatchTruth(t *testing.T) {
	dir, _ := generated(t)
	ix := loadTruth(t, dir)
	paths, _ := filepath.Glob(pathIn(dir, "exports", "*", "*.csv"))
	if len(paths) != len(exportSpecs())*6 {
		t.Fatalf("%d export files", len(paths))
	}
	var semicolon int
	for _, p := range paths {
		tb := readTable(t, p)
		if strings.Contains(tb.head[0], "year") && tb.head[0] != "year" {
			t.Errorf("%s: header %q", p, tb.head[0])
		}
		if raw := readRaw(t, p); strings.HasPrefix(raw, "\ufeff") {
			semicolon++
		}
		for _, r := range tb.rows {
			std := StdND07
			if y, _ := strconv.Atoi(r["year"]); y <= 2021 {
				std = StdQD59
			}
			tr := ix.by[key(r["year"], std, r["stage"], r["unit_code"])]
			if tr == nil {
				t.Fatalf("%s: row %v not in truth", p, r)
			}
			for _, h := range tb.head[4:] {
				if r[h] != tr[h] {
					t.Errorf("%s %s %s: export %q, truth %q", p, r["unit_code"], h, r[h], tr[h])
				}
			}
		}
	}
	if semicolon != 12 {
		t.Errorf("%d files with a BOM, want 12", semicolon)
	}
}
