package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"rasoat/data/synth"
	"rasoat/ingest/refdata"
	"rasoat/ingest/vnnum"
	"rasoat/store"
	"rasoat/transform"
)

func runSynth(ctx context.Context, e *env, args []string) int {
	fs := flags(e, "synth", "synth --out DIR [--seed N] [--scale X]")
	out := fs.String("out", "", "thư mục ghi dữ liệu tỉnh mẫu (bắt buộc)")
	seed := fs.Uint64("seed", 1, "hạt giống ngẫu nhiên: cùng hạt giống cho cùng dữ liệu")
	scale := fs.Float64("scale", 1, "quy mô: đến 1 là hệ số số hộ của một tỉnh (1 ≈ 490.000 hộ); lớn hơn 1 là số tỉnh (số nguyên, 55 ≈ cả nước: 11.000 xã, 27 triệu hộ, chỉ tệp xuất CSV)")
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
	fmt.Fprintf(e.stdout, "Đã tạo %d tỉnh mẫu (DỮ LIỆU TỔNG HỢP) trong %s: %d tệp, %s xã (2024), %s hộ, %s hộ trong danh sách hộ, %ss\n",
		sum.Provinces, sum.Out, sum.Files, vnnum.FormatInt(int64(sum.Communes2024)), vnnum.FormatInt(sum.Households),
		vnnum.FormatInt(sum.ListedHouseholds), vnnum.FormatFixed(time.Since(t0).Seconds(), 1))
	return exitOK
}

func runUnits(ctx context.Context, e *env, args []string) int {
	if len(args) > 0 && args[0] == "census" {
		return runUnitsCensus(ctx, e, args[1:])
	}
	if len(args) == 0 || (args[0] != "import" && args[0] != "crosswalk") {
		fmt.Fprintln(e.stderr, "Cách dùng:\n  rasoat units import --db DB [--valid-from YYYY-MM-DD] FILE\n  rasoat units crosswalk --db DB [--effective-date YYYY-MM-DD] FILE\n  rasoat units census --db DB [--ref-date YYYY-MM-DD] FILE")
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
		n, err := refdata.ImportUnitsFile(ctx, db, file, d)
		if err != nil {
			return fail(e, "%s: %v", filepath.Base(file), err)
		}
		fmt.Fprintf(e.stdout, "%s: đã nạp %d đơn vị\n", filepath.Base(file), n)
		return exitOK
	}
	n, err := refdata.ImportCrosswalkFile(ctx, db, file, d)
	if err != nil {
		return fail(e, "%s: %v", filepath.Base(file), err)
	}
	fmt.Fprintf(e.stdout, "%s: đã nạp %d dòng chuyển đổi\n", filepath.Base(file), n)
	return exitOK
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
