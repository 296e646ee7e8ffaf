package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"rasoat/data/sharedtest"
	"rasoat/ingest"
	"rasoat/ingest/refdata"
	"rasoat/store"
)

// benchRows is the size of the household lists: a large province's
// commune lists together.
const benchRows = 500_000

// dataDir caches the generated inputs between runs (they take a while).
func dataDir(b *testing.B) string {
	d := filepath.Join(os.TempDir(), "rasoat-bench")
	if err := os.MkdirAll(d, 0o755); err != nil {
		b.Fatal(err)
	}
	return d
}

var ethnicities = []string{"Kinh", "Ê Đê", "M'Nông", "Gia Rai", "Tày", "Nùng", "Thái"}

// household returns the cells of household i of Xã Ea Pil (24418).
func household(i int) []string {
	cls := []string{"poor", "near_poor", "escaped", "none"}[i%4]
	return []string{fmt.Sprintf("EP-%07d", i), fmt.Sprintf("Buôn %d", i%40), fmt.Sprintf("Y Niê Ksơr %d", i),
		fmt.Sprintf("0661%08d", i), ethnicities[i%len(ethnicities)], "rural", strconv.Itoa(1 + i%7),
		strconv.Itoa(600000 + i%900000), strconv.Itoa(i % 2), "0", strconv.Itoa(i % 3 / 2), cls, "old"}
}

var hhHeader = []string{"household_id", "village", "head_name", "head_id", "ethnicity", "area", "members", "income_per_capita", "dep_01", "dep_02", "dep_03", "class_end", "change"}

func householdCSV(b *testing.B) string { return householdCSVOf(b, benchRows) }

// householdCSVOf is a plain household list of n rows (unique household and
// head IDs).
func householdCSVOf(b *testing.B, n int) string {
	p := filepath.Join(dataDir(b), fmt.Sprintf("households_%d.csv", n))
	if _, err := os.Stat(p); err == nil {
		return p
	}
	f, err := os.Create(p + ".tmp")
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("year,stage,unit_code," + strings.Join(hhHeader, ",") + "\n")
	for i := range n {
		w.WriteString("2019,official,24418," + strings.Join(household(i), ",") + "\n")
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	if err := os.Rename(p+".tmp", p); err != nil {
		b.Fatal(err)
	}
	return p
}

// householdXLSX is the same list as an officer's Form D workbook: title
// block, Vietnamese headers, one sheet, written with excelize's stream
// writer.
func householdXLSX(b *testing.B) string {
	p := filepath.Join(dataDir(b), fmt.Sprintf("households_%d.xlsx", benchRows))
	if _, err := os.Stat(p); err == nil {
		return p
	}
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	row := func(r int, vals ...any) {
		cell, _ := excelize.CoordinatesToCellName(1, r)
		if err := sw.SetRow(cell, vals); err != nil {
			b.Fatal(err)
		}
	}
	row(1, "UBND XÃ EA PIL")
	row(2, "DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2019 (CHÍNH THỨC)")
	row(3, "STT", "Mã hộ", "Thôn, buôn", "Họ và tên chủ hộ", "Số CCCD/CMND chủ hộ", "Dân tộc", "Khu vực", "Số nhân khẩu",
		"Thu nhập bình quân", "Thiếu hụt 1", "Thiếu hụt 2", "Thiếu hụt 3", "Phân loại", "Diễn biến")
	class := map[string]string{"poor": "Nghèo", "near_poor": "Cận nghèo", "escaped": "Thoát nghèo", "none": "Không"}
	for i := range benchRows {
		h := household(i)
		members, _ := strconv.Atoi(h[6])
		income, _ := strconv.Atoi(h[7])
		x := func(s string) any {
			if s == "1" {
				return "x"
			}
			return nil
		}
		row(4+i, i+1, h[0], h[1], h[2], h[3], h[4], "Nông thôn", members, income, x(h[8]), x(h[9]), x(h[10]), class[h[11]], "Nghèo cũ")
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.SaveAs(p + ".tmp.xlsx"); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(p+".tmp.xlsx", p); err != nil {
		b.Fatal(err)
	}
	return p
}

// freshDB is a new database with the Đắk Lắk units and the cycles.
func freshDB(b *testing.B, dir string) *store.DB {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(dir, fmt.Sprintf("b%d.duckdb", time.Now().UnixNano())))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := refdata.LoadShipped(ctx, db, nil); err != nil {
		b.Fatal(err)
	}
	p := sharedtest.Path(b, "daklak_units_2019.csv")
	body, err := os.ReadFile(p)
	if err != nil {
		b.Fatal(err)
	}
	units, err := refdata.ReadUnits(p, bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := refdata.ImportUnits(ctx, db, p, units, time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		b.Fatal(err)
	}
	return db
}

func load(b *testing.B, db *store.DB, path string) time.Duration {
	g := ingest.New(db, ingest.Options{IDKey: []byte("bench-key"), MaxBytes: 1 << 30, MaxRows: 2 * benchRows, LoadedBy: "bench"})
	t0 := time.Now()
	rep := g.File(context.Background(), path)
	took := time.Since(t0)
	if rep.Status != ingest.Accepted || rep.Forms[0].Rows != benchRows {
		b.Fatalf("%s: %s", path, rep.Summary())
	}
	return took
}

// peakRSS is the process's peak resident set (VmHWM), in MiB; 0 when the
// system does not say (not Linux).
func peakRSS() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

// BenchmarkHouseholdCSV loads the 500 000-row list through ingest, then
// lets DuckDB read the same file into a table on its own, in the same run:
// ratio = ours / DuckDB's (target ≤ 1.5).
func BenchmarkHouseholdCSV(b *testing.B) {
	path := householdCSV(b)
	dir := b.TempDir()
	var ours, theirs time.Duration
	for b.Loop() {
		b.StopTimer()
		db := freshDB(b, dir)
		b.StartTimer()
		ours += load(b, db, path)
		b.StopTimer()
		t0 := time.Now()
		if _, err := db.Exec(fmt.Sprintf(`CREATE TABLE duck AS SELECT * FROM read_csv('%s')`, path)); err != nil {
			b.Fatal(err)
		}
		theirs += time.Since(t0)
		db.Close()
		b.StartTimer()
	}
	n := float64(b.N)
	b.ReportMetric(benchRows*n/ours.Seconds(), "rows/s")
	b.ReportMetric(benchRows*n/theirs.Seconds(), "duckdb-rows/s")
	b.ReportMetric(ours.Seconds()/theirs.Seconds(), "ratio")
	b.ReportMetric(peakRSS(), "peak-RSS-MiB")
}

// BenchmarkHouseholdXLSX loads the same list from an .xlsx workbook; the
// peak RSS must stay under 1 GiB.
func BenchmarkHouseholdXLSX(b *testing.B) {
	path := householdXLSX(b)
	dir := b.TempDir()
	var ours time.Duration
	for b.Loop() {
		b.StopTimer()
		db := freshDB(b, dir)
		b.StartTimer()
		ours += load(b, db, path)
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(benchRows*float64(b.N)/ours.Seconds(), "rows/s")
	b.ReportMetric(peakRSS(), "peak-RSS-MiB")
}

// provinceRows is a whole province's household list in one export.
const provinceRows = 2_000_000

// BenchmarkHouseholdCSV2M loads a 2-million-row list with the default
// limits (no --max-rows, no --max-bytes: it must be accepted as it is),
// then DuckDB reads the same file into a table on its own, in the same run:
// ratio = ours / DuckDB's.
func BenchmarkHouseholdCSV2M(b *testing.B) {
	path := householdCSVOf(b, provinceRows)
	dir := b.TempDir()
	var ours, theirs time.Duration
	for b.Loop() {
		b.StopTimer()
		db := freshDB(b, dir)
		g := ingest.New(db, ingest.Options{IDKey: []byte("bench-key"), LoadedBy: "bench"}) // default limits
		b.StartTimer()
		t0 := time.Now()
		rep := g.File(context.Background(), path)
		ours += time.Since(t0)
		b.StopTimer()
		if rep.Status != ingest.Accepted || rep.Forms[0].Rows != provinceRows {
			b.Fatalf("%s: %s", path, rep.Summary())
		}
		t0 = time.Now()
		if _, err := db.Exec(fmt.Sprintf(`CREATE TABLE duck AS SELECT * FROM read_csv('%s')`, path)); err != nil {
			b.Fatal(err)
		}
		theirs += time.Since(t0)
		db.Close()
		b.StartTimer()
	}
	n := float64(b.N)
	b.ReportMetric(provinceRows*n/ours.Seconds(), "rows/s")
	b.ReportMetric(provinceRows*n/theirs.Seconds(), "duckdb-rows/s")
	b.ReportMetric(ours.Seconds()/theirs.Seconds(), "ratio")
	b.ReportMetric(peakRSS(), "peak-RSS-MiB")
}
