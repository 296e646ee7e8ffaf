package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"

	"rasoat/anomaly"
	"rasoat/review"
	"rasoat/store"
)

// runAnomalies prints or exports the phúc tra list of one review year: one
// row per unit with its score, rules, per-rule observed/expected/threshold
// and the reason an inspector reads aloud. It only reads the database.
func runAnomalies(ctx context.Context, e *env, args []string) int {
	fs := flags(e, "anomalies", "anomalies --db DB --year Y [--stage S] [--format table|csv|json|xlsx] [--out FILE]")
	dbPath := fs.String("db", "", "tệp cơ sở dữ liệu DuckDB (bắt buộc)")
	year := fs.Int("year", 0, "năm rà soát (bắt buộc)")
	stage := fs.String("stage", "", "giai đoạn: preliminary, official, reverified, approved (mặc định: mọi giai đoạn)")
	format := fs.String("format", "table", "định dạng: table, csv, json, xlsx")
	out := fs.String("out", "", "tệp kết quả (mặc định: màn hình; bắt buộc với xlsx)")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *dbPath == "" || *year == 0 || fs.NArg() > 0 {
		return usageErr(e, fs, "cần --db và --year")
	}
	if *stage != "" && review.Stage(*stage).Rank() == 0 {
		return usageErr(e, fs, "giai đoạn phải là preliminary, official, reverified hoặc approved")
	}
	switch *format {
	case "table", "csv", "json":
	case "xlsx":
		if *out == "" {
			return usageErr(e, fs, "định dạng xlsx cần --out FILE")
		}
	default:
		return usageErr(e, fs, "định dạng phải là table, csv, json hoặc xlsx")
	}
	db, err := store.OpenReadOnly(ctx, *dbPath)
	if err != nil {
		return fail(e, "%v", err)
	}
	defer db.Close()
	rows, err := anomaly.List(ctx, db.DB, anomaly.Filter{Year: *year, Stage: *stage})
	if err != nil {
		return fail(e, "%v", err)
	}
	w, closeOut := e.stdout, func() error { return nil }
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return fail(e, "tạo tệp %s: %v", *out, err)
		}
		bw := bufio.NewWriter(f)
		w, closeOut = bw, func() error {
			if err := bw.Flush(); err != nil {
				f.Close()
				return err
			}
			return f.Close()
		}
	}
	if err := writeAnomalies(w, *format, rows, *year, *stage); err != nil {
		closeOut()
		return fail(e, "%v", err)
	}
	if err := closeOut(); err != nil {
		return fail(e, "ghi %s: %v", *out, err)
	}
	if *out != "" {
		fmt.Fprintf(e.stderr, "Đã ghi %d đơn vị cần phúc tra vào %s\n", len(rows), *out)
	}
	return exitOK
}

func writeAnomalies(w io.Writer, format string, rows []anomaly.Row, year int, stage string) error {
	switch format {
	case "csv":
		return anomaly.WriteCSV(w, rows)
	case "json":
		return anomaly.WriteJSON(w, rows)
	case "xlsx":
		title := fmt.Sprintf("Danh sách đơn vị cần phúc tra năm %d", year)
		if stage != "" {
			title += " (" + review.Stage(stage).Vietnamese() + ")"
		}
		return anomaly.WriteXLSX(w, rows, title)
	}
	if len(rows) == 0 {
		_, err := fmt.Fprintf(w, "Không có đơn vị nào có dấu hiệu bất thường năm %d.\n", year)
		return err
	}
	return anomaly.WriteTable(w, rows)
}
