package main

import (
	"context"
	"fmt"
	"os"

	"rasoat/export"
	"rasoat/store"
)

// runExport writes the analyst views out of the database: Parquet for
// analysts' tools, or the schema documentation as Markdown.
func runExport(ctx context.Context, e *env, args []string) int {
	fs := flags(e, "export", "export --db DB --format parquet|schema --out DIR|FILE")
	dbPath := fs.String("db", "", "tệp cơ sở dữ liệu DuckDB (bắt buộc)")
	format := fs.String("format", "parquet", "parquet: mỗi view một thư mục, phân vùng theo năm (year=YYYY); schema: tài liệu lược đồ Markdown")
	out := fs.String("out", "", "thư mục (parquet) hoặc tệp (schema, mặc định: in ra màn hình)")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *dbPath == "" || fs.NArg() > 0 {
		return usageErr(e, fs, "cần --db")
	}
	if *format != "parquet" && *format != "schema" {
		return usageErr(e, fs, "định dạng phải là parquet hoặc schema")
	}
	if *format == "parquet" && *out == "" {
		return usageErr(e, fs, "cần --out DIR")
	}
	db, err := store.OpenReadOnly(ctx, *dbPath)
	if err != nil {
		return fail(e, "%v", err)
	}
	defer db.Close()
	if *format == "schema" {
		views, err := export.Views(ctx, db.DB)
		if err != nil {
			return fail(e, "%v", err)
		}
		md := export.SchemaMarkdown(views)
		if *out == "" {
			fmt.Fprint(e.stdout, md)
			return exitOK
		}
		if err := os.WriteFile(*out, []byte(md), 0o644); err != nil {
			return fail(e, "ghi %s: %v", *out, err)
		}
		fmt.Fprintf(e.stdout, "Đã ghi tài liệu lược đồ (%d view) vào %s\n", len(views), *out)
		return exitOK
	}
	rep, err := export.Parquet(ctx, db.DB, *out)
	if err != nil {
		return fail(e, "%v", err)
	}
	for _, v := range rep.Views {
		fmt.Fprintf(e.stdout, "%-26s %s dòng\n", v, groupDigits(rep.Rows[v]))
	}
	fmt.Fprintf(e.stdout, "Đã xuất %d view dạng Parquet (phân vùng theo năm) vào %s\n", len(rep.Views), *out)
	return exitOK
}

// groupDigits writes n the Vietnamese way: 1.234.567.
func groupDigits(n int64) string {
	s := fmt.Sprint(n)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	var b []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, '.')
		}
		b = append(b, s[i])
	}
	if neg {
		return "-" + string(b)
	}
	return string(b)
}
