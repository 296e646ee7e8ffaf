package synth

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"rasoat/review"
)

// A national run (Config.Provinces > 1) writes that many provinces, as
// the machine exports a national database would hand over: per province one
// CSV per form and standard holding every year and stage (forms.md §3, several
// slices in one table) and one household list of every commune (Form D as
// CSV), plus the unit lists and the crosswalk of all provinces. It writes no
// workbooks: 55 provinces' worth of hand-filled forms is not what arrives at
// this scale, and the workbook readers are measured on the one-province
// sample. Each province is the sample province's geography under its own
// codes and its own seed; it is planned, written and dropped before the next
// so that memory does not grow with the number of provinces.

// MaxProvinces bounds a national run: province codes are "9" and two digits.
const MaxProvinces = 99

// nationalCode is province i's (1-based) code. Three digits, district codes
// of six and commune codes of eight (the province code before the sample's
// own codes) lie outside GSO's two-, three- and five-digit codes.
func nationalCode(i int) string { return fmt.Sprintf("9%02d", i) }

func nationalName(i int) string {
	return fmt.Sprintf("Tỉnh Mẫu %02d (dữ liệu tổng hợp)", i)
}

// recode gives every unit of the province the prefix code and names the
// province; it runs before the simulation so records carry the new codes.
func (p *province) recode(code, name string) {
	p.Code, p.Name = code, name
	for _, d := range p.Districts {
		d.Code = code + d.Code
	}
	for _, c := range p.Communes {
		c.Code = code + c.Code
	}
	for _, n := range p.New {
		n.Code = code + n.Code
	}
}

const nationalReadme = `DỮ LIỆU TỔNG HỢP – không phải số liệu thật của bất kỳ tỉnh nào.

Thư mục này do lệnh "rasoat synth --scale N" (N > 1) sinh ra: N tỉnh mẫu ("Tỉnh Mẫu 01"…),
mỗi tỉnh cùng địa giới với tỉnh mẫu nhưng mã riêng (tỉnh 9xx, huyện 6 chữ số, xã 8 chữ số,
không trùng mã của Tổng cục Thống kê) và số liệu riêng. Tên, số CCCD đều bịa đặt.

SYNTHETIC DATA – not the real figures of any province. Written by "rasoat synth --scale N"
(N > 1): N made-up provinces at national scale, as machine exports (no workbooks).

Nạp / Load:
  rasoat units import --db DB units/units_2016-01-01.csv
  rasoat units import --db DB units/units_2025-07-01.csv
  rasoat units crosswalk --db DB units/crosswalk_2025-07-01.csv
  rasoat ingest --db DB exports households
  rasoat transform --db DB
  rasoat anomalies --db DB

Nội dung / Contents
  units/        danh mục đơn vị hành chính của mọi tỉnh (1/1/2016 và 1/7/2025), bảng chuyển đổi
  exports/      mỗi tỉnh, mỗi chuẩn nghèo một tệp CSV cho mỗi biểu A, B, C (mọi năm, giai đoạn)
  households/   mỗi tỉnh một danh sách hộ (biểu D, CSV) của mọi xã, năm %d
  truth/<mã>/   số liệu gốc và danh sách bất thường được cài sẵn của từng tỉnh
`

// provinceFiles is what one province adds to the shared unit files.
type provinceFiles struct {
	units2016, units2025, crosswalk [][]string
	households                      int64 // in the latest year, official
	listed                          int64 // rows of its household list
}

func generateNational(ctx context.Context, cfg Config) (*Summary, error) {
	n := cfg.Provinces
	sum := &Summary{Out: cfg.Out, Provinces: n}
	if err := writeFile(cfg.Out, "README.txt", fmt.Appendf(nil, nationalReadme, cfg.HouseholdListYear)); err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	sum.Files++
	parts := make([]provinceFiles, n)
	jobs := make([]func() error, n)
	for i := range n {
		jobs[i] = func() error {
			pf, err := writeProvince(cfg, i+1)
			if err != nil {
				return fmt.Errorf("tỉnh %s: %w", nationalCode(i+1), err)
			}
			parts[i] = pf
			return nil
		}
	}
	if err := runJobs(ctx, cfg.Workers, jobs); err != nil {
		return sum, fmt.Errorf("synth: %w", err)
	}
	units2016 := [][]string{{"province_code", "province_name", "district_code", "district_name", "district_type",
		"commune_code", "commune_name", "commune_type", "synthetic"}}
	units2025 := [][]string{{"province_code", "province_name", "commune_code", "commune_name", "commune_type", "synthetic"}}
	crosswalk := [][]string{{"old_code", "new_code", "share", "effective_date", "legal_basis"}}
	for _, pf := range parts {
		units2016 = append(units2016, pf.units2016...)
		units2025 = append(units2025, pf.units2025...)
		crosswalk = append(crosswalk, pf.crosswalk...)
		sum.Households += pf.households
		sum.ListedHouseholds += pf.listed
	}
	sum.Communes2024, sum.Communes2025 = len(units2016)-1, len(units2025)-1
	for rel, rows := range map[string][][]string{
		"units/units_2016-01-01.csv":     units2016,
		"units/units_2025-07-01.csv":     units2025,
		"units/crosswalk_2025-07-01.csv": crosswalk,
	} {
		if err := writeCSV(cfg.Out, rel, rows, false); err != nil {
			return sum, fmt.Errorf("synth: %w", err)
		}
	}
	// 3 unit files; per province 6 exports, 1 household list, 2 truth files
	sum.Files += 3 + 9*n
	return sum, nil
}

// writeProvince plans, simulates and writes province i (1-based).
func writeProvince(cfg Config, i int) (provinceFiles, error) {
	var pf provinceFiles
	seed := newRand(cfg.Seed, "province/"+strconv.Itoa(i)).Uint64()
	prov := planProvince(seed)
	prov.recode(nationalCode(i), nationalName(i))
	ds := simulate(prov, seed, cfg.Scale)

	for _, c := range prov.Communes {
		d := c.District
		pf.units2016 = append(pf.units2016, []string{prov.Code, prov.Name, d.Code, d.Name(), d.Type, c.Code, c.Name(), c.Type, "true"})
	}
	for _, nc := range prov.New {
		pf.units2025 = append(pf.units2025, []string{prov.Code, prov.Name, nc.Code, nc.Name(), nc.Type, "true"})
	}
	pf.crosswalk = ds.crosswalkRows()[1:]
	for _, r := range ds.recs[len(ds.cycles)-1][stageIdx(review.Official)] {
		pf.households += r.TotalHouseholds
	}

	for _, std := range []string{StdQD59, StdND07} {
		for _, f := range []review.Form{review.FormA, review.FormB, review.FormC} {
			rel := filepath.Join("exports", fmt.Sprintf("%s_form_%s_%s.csv", prov.Code, strings.ToLower(string(f)), strings.ToLower(std)))
			if err := writeCSV(cfg.Out, rel, ds.nationalExportRows(f, std), false); err != nil {
				return pf, err
			}
		}
	}
	listed, err := ds.writeHouseholdCSV(cfg.Out, cfg.HouseholdListYear)
	if err != nil {
		return pf, err
	}
	pf.listed = listed
	// truth last: the household list plants its own anomaly
	if err := writeCSV(cfg.Out, filepath.Join("truth", prov.Code, "commune_year.csv"), ds.truthRows(), false); err != nil {
		return pf, err
	}
	if err := writeCSV(cfg.Out, filepath.Join("truth", prov.Code, "anomalies.csv"), ds.anomalyRows(), false); err != nil {
		return pf, err
	}
	return pf, nil
}

// nationalExportRows is one form of every cycle and stage under one
// standard, with that standard's fields.
func (ds *dataset) nationalExportRows(f review.Form, std string) [][]string {
	fields := formFields(f, std)
	head := []string{"year", "standard", "stage", "unit_code", "unit_name"}
	for _, fd := range fields {
		head = append(head, fd.Name)
	}
	rows := [][]string{head}
	for ci, cy := range ds.cycles {
		if cy.Standard != std {
			continue
		}
		for si, st := range stages() {
			for _, rec := range ds.recs[ci][si] {
				row := []string{strconv.Itoa(cy.Year), cy.Standard, string(st), rec.Code, rec.Name}
				for _, fd := range fields {
					row = append(row, fieldString(rec, fd))
				}
				rows = append(rows, row)
			}
		}
	}
	return rows
}

// writeHouseholdCSV writes every commune's household list of the year
// (official stage) as one machine export, streaming commune by commune. ID
// numbers are made unique across provinces: "099" (no such province of
// birth) and nine digits from a bijection of a running number.
func (ds *dataset) writeHouseholdCSV(out string, year int) (int64, error) {
	ci := ds.cycleIndex(year, StdND07)
	if ci < 0 || year > 2024 {
		return 0, fmt.Errorf("năm danh sách hộ %d không hợp lệ: cần 2022–2024 (chuẩn NĐ 07, trước sáp nhập)", year)
	}
	rel := filepath.Join("households", fmt.Sprintf("%s_%d_official.csv", ds.prov.Code, year))
	p := filepath.Join(out, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return 0, fmt.Errorf("tạo thư mục cho %s: %w", rel, err)
	}
	fh, err := os.Create(p)
	if err != nil {
		return 0, fmt.Errorf("ghi %s: %w", rel, err)
	}
	defer fh.Close()
	bw := bufio.NewWriterSize(fh, 1<<20)
	w := csv.NewWriter(bw)
	head := []string{"year", "stage", "unit_code", "unit_name", "household_id", "village", "head_name", "head_id",
		"ethnicity", "area", "members", "b1_score"}
	for k := 1; k <= 12; k++ {
		head = append(head, fmt.Sprintf("dep_%02d", k))
	}
	head = append(head, "class_end", "change")
	if err := w.Write(head); err != nil {
		return 0, fmt.Errorf("ghi %s: %w", rel, err)
	}
	prov, _ := strconv.Atoi(ds.prov.Code[1:])
	seq := uint64(prov) * 10_000_000 // < 10 M households a province
	ar := newRand(ds.seed, "households/anomaly")
	planted := ds.plantedCommune(ar, ci, ds.prov.Communes)
	ys := strconv.Itoa(year)
	row := make([]string, len(head))
	var n int64
	for i, c := range ds.prov.Communes {
		for _, h := range ds.communeHouseholds(ar, ci, c, i == planted) {
			seq++
			area := "rural"
			if h.Urban {
				area = "urban"
			}
			row = append(row[:0], ys, string(review.Official), c.Code, c.Name(), h.ID, h.Village, h.Name,
				fmt.Sprintf("099%09d", scrambleID(seq)), h.Ethnicity, area, strconv.Itoa(h.Members), strconv.Itoa(h.B1))
			for _, d := range h.Deps {
				row = append(row, flag(d))
			}
			row = append(row, h.Class, h.Change)
			if err := w.Write(row); err != nil {
				return n, fmt.Errorf("ghi %s: %w", rel, err)
			}
			n++
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return n, fmt.Errorf("ghi %s: %w", rel, err)
	}
	if err := bw.Flush(); err != nil {
		return n, fmt.Errorf("ghi %s: %w", rel, err)
	}
	if err := fh.Close(); err != nil {
		return n, fmt.Errorf("ghi %s: %w", rel, err)
	}
	return n, nil
}

// scrambleID maps 0…10⁹−1 onto itself one to one (an odd multiplier coprime
// with 10⁹ and an offset), so running numbers look drawn but never repeat.
func scrambleID(x uint64) uint64 {
	const m = 1_000_000_000
	return (x%m*387_420_489 + 123_456_789) % m
}

func flag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}
