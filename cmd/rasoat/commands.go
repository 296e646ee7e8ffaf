package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"time"

	"rasoat/data/synth"
	"rasoat/ingest"
	"rasoat/pipeline"
	"rasoat/review"
	"rasoat/store"
	"rasoat/transform"
)

func runSynth(ctx context.Context, e *env, args []string) int {
	fs := flags(e, "synth", "synth --out DIR [--seed N] [--scale X]")
	out := fs.String("out", "", "thư mục ghi dữ liệu tỉnh mẫu (bắt buộc)")
	seed := fs.Uint64("seed", 1, "hạt giống ngẫu nhiên: cùng hạt giống cho cùng dữ liệu")
	scale := fs.Float64("scale", 1, "quy mô số hộ (1 ≈ 490.000 hộ)")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *out == "" || fs.NArg() > 0 {
		return usageErr(e, fs, "cần --out DIR")
	}
	t0 := time.Now()
	sum, err := synth.Generate(ctx, synth.Config{Out: *out, Seed: *seed, Scale: *scale})
	if err != nil {
		return fail(e, "synth: %v", err)
	}
	fmt.Fprintf(e.stdout, "Đã tạo tỉnh mẫu (DỮ LIỆU TỔNG HỢP) trong %s: %d tệp, %d hộ, %.1fs\n", sum.Out, sum.Files, sum.Households, time.Since(t0).Seconds())
	return exitOK
}

func runUnits(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || (args[0] != "import" && args[0] != "crosswalk") {
		fmt.Fprintln(e.stderr, "Cách dùng:\n  rasoat units import --db DB [--valid-from YYYY-MM-DD] FILE\n  rasoat units crosswalk --db DB [--effective-date YYYY-MM-DD] FILE")
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
			return exitOK
		}
		return exitUsage
	}
	sub := args[0]
	synopsis := "units import --db DB [--valid-from YYYY-MM-DD] FILE"
	dateFlag, dateHelp := "valid-from", "ngày danh sách có hiệu lực (mặc định: ngày trong tên tệp)"
	if sub == "crosswalk" {
		synopsis = "units crosswalk --db DB [--effective-date YYYY-MM-DD] FILE"
		dateFlag, dateHelp = "effective-date", "ngày hiệu lực cho các dòng không có cột effective_date (mặc định: ngày trong tên tệp)"
	}
	fs := flags(e, "units "+sub, synopsis)
	dbPath := fs.String("db", "", "tệp cơ sở dữ liệu DuckDB (bắt buộc)")
	date := fs.String(dateFlag, "", dateHelp)
	if code, ok := parse(fs, args[1:]); !ok {
		return code
	}
	if *dbPath == "" || fs.NArg() != 1 {
		return usageErr(e, fs, "cần --db và đúng một tệp")
	}
	var d time.Time
	if *date != "" {
		var err error
		if d, err = time.Parse("2006-01-02", *date); err != nil {
			return usageErr(e, fs, "ngày phải có dạng YYYY-MM-DD")
		}
	}
	db, err := store.Open(ctx, *dbPath)
	if err != nil {
		return fail(e, "%v", err)
	}
	defer db.Close()
	file := fs.Arg(0)
	if sub == "import" {
		n, err := pipeline.ImportUnitsFile(ctx, db, file, d)
		if err != nil {
			return fail(e, "%s: %v", filepath.Base(file), err)
		}
		fmt.Fprintf(e.stdout, "%s: đã nạp %d đơn vị\n", filepath.Base(file), n)
		return exitOK
	}
	n, err := pipeline.ImportCrosswalkFile(ctx, db, file, d)
	if err != nil {
		return fail(e, "%s: %v", filepath.Base(file), err)
	}
	fmt.Fprintf(e.stdout, "%s: đã nạp %d dòng chuyển đổi\n", filepath.Base(file), n)
	return exitOK
}

func runIngest(ctx context.Context, e *env, args []string) int {
	fs := flags(e, "ingest", "ingest --db DB [--year Y] [--stage preliminary|official|reverified|approved] [--unit CODE] [--standard S] [--dry-run] [--json] FILE_OR_DIR...")
	dbPath := fs.String("db", "", "tệp cơ sở dữ liệu DuckDB (bắt buộc)")
	year := fs.Int("year", 0, "năm rà soát (ghi đè tiêu đề biểu)")
	stage := fs.String("stage", "", "giai đoạn: preliminary, official, reverified, approved")
	unit := fs.String("unit", "", "mã đơn vị báo cáo (ghi đè tiêu đề biểu)")
	standard := fs.String("standard", "", "chuẩn nghèo: QD59_2015, ND07_2021, ND351_2025")
	dry := fs.Bool("dry-run", false, "chỉ kiểm tra, không ghi")
	asJSON := fs.Bool("json", false, "in báo cáo dạng JSON")
	keyFile := fs.String("id-key-file", "", "tệp khóa băm số CCCD (mặc định: DB.idkey, tạo mới nếu chưa có; hoặc RASOAT_ID_KEY_FILE)")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *dbPath == "" || fs.NArg() == 0 {
		return usageErr(e, fs, "cần --db và ít nhất một tệp hoặc thư mục")
	}
	opt := ingest.Options{Year: *year, Unit: *unit, Standard: *standard, DryRun: *dry, LoadedBy: "cli"}
	if *stage != "" {
		s, err := review.ParseStage(*stage)
		if err != nil {
			return usageErr(e, fs, err.Error())
		}
		opt.Stage = s
	}
	paths, err := ingest.Paths(fs.Args())
	if err != nil {
		return usageErr(e, fs, err.Error())
	}
	db, err := store.Open(ctx, *dbPath)
	if err != nil {
		return fail(e, "%v", err)
	}
	defer db.Close()
	if *keyFile == "" {
		*keyFile = *dbPath + ".idkey"
	}
	if opt.IDKey, err = pipeline.IDKey(*keyFile); err != nil {
		return fail(e, "khóa băm: %v", err)
	}
	if _, err := transform.LoadReference(ctx, db, nil); err != nil {
		return fail(e, "dữ liệu tham chiếu: %v", err)
	}
	g := ingest.New(db, opt)
	code := exitOK
	var reports []*ingest.FileReport
	for _, p := range paths {
		r := g.File(ctx, p)
		if r.Status == ingest.Rejected {
			code = exitFail
		}
		if *asJSON {
			reports = append(reports, r)
			continue
		}
		fmt.Fprintln(e.stdout, r.Summary())
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.Encode(reports)
	}
	return code
}

func runTransform(ctx context.Context, e *env, args []string) int {
	fs := flags(e, "transform", "transform --db DB")
	dbPath := fs.String("db", "", "tệp cơ sở dữ liệu DuckDB (bắt buộc)")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *dbPath == "" || fs.NArg() > 0 {
		return usageErr(e, fs, "cần --db")
	}
	db, err := store.Open(ctx, *dbPath)
	if err != nil {
		return fail(e, "%v", err)
	}
	defer db.Close()
	rep, err := transform.Run(ctx, db, transform.Options{})
	if err != nil {
		return fail(e, "transform: %v", err)
	}
	for _, s := range rep.Steps {
		fmt.Fprintf(e.stdout, "%-40s %6.0f ms\n", s.Name, float64(s.Duration.Microseconds())/1000)
	}
	fmt.Fprintf(e.stdout, "Xong trong %.2fs\n", rep.Total.Seconds())
	return exitOK
}
