package synth

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"

	"rasoat/review"
)

// grid collects a sheet's cells before they are streamed out in row order
// (excelize's StreamWriter is several times faster than cell-by-cell writes
// and accepts a formula together with its cached value).
type grid struct {
	rows   [][]any
	merges [][2]string
	widths []colWidth
}

type colWidth struct {
	from, to int
	w        float64
}

func (g *grid) set(row, col int, v any) {
	for len(g.rows) < row {
		g.rows = append(g.rows, nil)
	}
	r := g.rows[row-1]
	for len(r) < col {
		r = append(r, nil)
	}
	r[col-1] = v
	g.rows[row-1] = r
}

func (g *grid) merge(r1, c1, r2, c2 int) {
	if r1 == r2 && c1 == c2 {
		return
	}
	a, _ := excelize.CoordinatesToCellName(c1, r1)
	b, _ := excelize.CoordinatesToCellName(c2, r2)
	g.merges = append(g.merges, [2]string{a, b})
}

func (g *grid) width(from, to int, w float64) {
	if to >= from {
		g.widths = append(g.widths, colWidth{from, to, w})
	}
}

func (g *grid) flush(f *excelize.File, sheet string) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("mở sheet %q để ghi: %w", sheet, err)
	}
	for _, w := range g.widths {
		if err := sw.SetColWidth(w.from, w.to, w.w); err != nil {
			return fmt.Errorf("độ rộng cột sheet %q: %w", sheet, err)
		}
	}
	for i, r := range g.rows {
		if len(r) == 0 {
			continue
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, r); err != nil {
			return fmt.Errorf("ghi dòng %d sheet %q: %w", i+1, sheet, err)
		}
	}
	for _, m := range g.merges {
		if err := sw.MergeCell(m[0], m[1]); err != nil {
			return fmt.Errorf("gộp ô %s:%s sheet %q: %w", m[0], m[1], sheet, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("hoàn tất sheet %q: %w", sheet, err)
	}
	return nil
}

// fixedDocProps keeps workbook metadata identical between runs.
func fixedDocProps(title string) *excelize.DocProperties {
	return &excelize.DocProperties{
		Creator:        "rasoat synth",
		LastModifiedBy: "rasoat synth",
		Title:          title,
		Description:    "DỮ LIỆU TỔNG HỢP – không phải số liệu thật của bất kỳ tỉnh nào",
		Created:        "2025-01-01T00:00:00Z",
		Modified:       "2025-01-01T00:00:00Z",
		Language:       "vi-VN",
	}
}

// workbook is one form workbook to write: a district's (until 2024) or a
// new commune's (2025–2026), holding forms A, B and C.
type workbook struct {
	Rel      string // path relative to Out
	Variant  int
	Cycle    int
	Stage    review.Stage
	District *district   // nil for a commune's workbook
	Commune  *newCommune // set for 2025–2026
	NoCache  bool
}

// planWorkbooks lists every workbook in a fixed order.
func (ds *dataset) planWorkbooks() []workbook {
	var out []workbook
	noCacheDone := false
	for ci, cy := range ds.cycles {
		for si, st := range stages() {
			stageSlug := map[review.Stage]string{review.Preliminary: "so-bo", review.Official: "chinh-thuc"}[st]
			dir := filepath.Join("forms", fmt.Sprint(cy.Year), string(st))
			suffix := ""
			if cy.Baseline {
				suffix = "_chuan-nd07"
			}
			if !cy.reorganised() {
				for _, d := range ds.prov.Districts {
					if _, ok := exported(d.idx, cy.Year); ok {
						continue
					}
					wb := workbook{Rel: filepath.Join(dir, fmt.Sprintf("%d_%s_%s%s.xlsx", cy.Year, stageSlug, slug(d.Name()), suffix)),
						Variant: variantFor(d.idx, ci, si), Cycle: ci, Stage: st, District: d}
					if wb.Variant == 4 && cy.Year == 2017 && !noCacheDone {
						wb.NoCache, noCacheDone = true, true
					}
					out = append(out, wb)
				}
				continue
			}
			for _, n := range ds.prov.New {
				out = append(out, workbook{Rel: filepath.Join(dir, fmt.Sprintf("%d_%s_%s.xlsx", cy.Year, stageSlug, slug(n.Name()))),
					Variant: variantFor(n.idx, ci, si), Cycle: ci, Stage: st, Commune: n})
			}
		}
	}
	return out
}

// reportDate is when the report was signed: Sep/Oct under the 2016–2021
// plans, Nov/Dec under the 2022 procedure (review 1/9–14/12).
func reportDate(rng interface{ IntN(int) int }, year int, st review.Stage) day {
	switch {
	case year <= 2021 && st == review.Preliminary:
		return day{20 + rng.IntN(10), 9, year}
	case year <= 2021:
		return day{1 + rng.IntN(9), 10, year}
	case st == review.Preliminary:
		return day{10 + rng.IntN(16), 11, year}
	}
	return day{1 + rng.IntN(12), 12, year}
}

// docs builds the three form sheets of a workbook.
func (ds *dataset) docs(wb workbook) []*sheetDoc {
	cy := ds.cycles[wb.Cycle]
	rng := newRand(ds.seed, "wb/"+filepath.ToSlash(wb.Rel))
	base := sheetDoc{Year: cy.Year, Standard: cy.Standard, Baseline: cy.Baseline, Stage: wb.Stage,
		ReportNo: 100 + rng.IntN(300), Date: reportDate(rng, cy.Year, wb.Stage), NoCache: wb.NoCache, rng: rng}
	if d := wb.District; d != nil {
		base.District = d
		base.Issuer = "UBND " + upperVN(d.Name())
		base.IssuerOf = "UBND " + strings.ToLower(d.Type) + " " + d.Short
		base.Place = d.Short
		urban := group{Label: "Thị trấn"}
		if d.Type != "Huyện" {
			urban.Label = "Các phường"
		}
		rural := group{Label: "Các xã"}
		for _, c := range d.Communes {
			u := unitRow{Name: c.Name(), Code: c.Code, Type: c.Type, Rec: ds.rec(wb.Cycle, wb.Stage, c.Code)}
			if c.Urban() {
				urban.Units = append(urban.Units, u)
			} else {
				rural.Units = append(rural.Units, u)
			}
		}
		for _, grp := range []group{urban, rural} {
			if len(grp.Units) > 0 {
				base.Groups = append(base.Groups, grp)
			}
		}
	} else {
		n := wb.Commune
		base.Issuer = "UBND " + upperVN(n.Name())
		base.IssuerOf = "UBND " + strings.ToLower(n.Type) + " " + n.Short
		base.Place = n.Short
		base.Groups = []group{{Units: []unitRow{{Name: n.Name(), Code: n.Code, Type: n.Type, Rec: ds.rec(wb.Cycle, wb.Stage, n.Code)}}}}
	}
	var out []*sheetDoc
	for _, f := range []review.Form{review.FormA, review.FormB, review.FormC} {
		doc := base
		doc.Form = f
		doc.Fields = formFields(f, cy.Standard)
		m := ds.mismatch
		if f == review.FormA && wb.District != nil && m.District == wb.District.Code && m.Cycle == wb.Cycle && m.Stage == wb.Stage {
			doc.TotalDelta = map[string]int64{m.Field: m.Delta}
		}
		out = append(out, &doc)
	}
	return out
}

func (ds *dataset) writeWorkbook(out string, wb workbook) error {
	f := excelize.NewFile()
	defer f.Close()
	names := sheetNames(wb.Variant)
	if names[0] != "Sheet1" {
		if err := f.SetSheetName("Sheet1", names[0]); err != nil {
			return fmt.Errorf("đặt tên sheet: %w", err)
		}
	}
	for _, n := range names[1:] {
		if _, err := f.NewSheet(n); err != nil {
			return fmt.Errorf("tạo sheet %q: %w", n, err)
		}
	}
	docs := ds.docs(wb)
	for i, doc := range docs {
		if err := layout(doc, wb.Variant).flush(f, names[i]); err != nil {
			return fmt.Errorf("%s: %w", wb.Rel, err)
		}
	}
	if err := f.SetDocProps(fixedDocProps(docs[0].title())); err != nil {
		return fmt.Errorf("%s: thuộc tính tài liệu: %w", wb.Rel, err)
	}
	if err := f.SaveAs(filepath.Join(out, wb.Rel)); err != nil {
		return fmt.Errorf("lưu %s: %w", wb.Rel, err)
	}
	return nil
}
