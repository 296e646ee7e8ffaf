package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"rasoat/notebook"
	"rasoat/store"
)

// runSQL runs analyst SQL in the sandbox, on the analyst snapshot of the
// database (DB.analyst.duckdb), so it works while the server holds the
// database. The limits are fixed here and set by the admin for the web
// (rasoat serve --sql-*): an analyst does not choose them.
func runSQL(ctx context.Context, e *env, args []string) int {
	fs := flags(e, "sql", "sql --db DB [--format table|csv|json] (QUERY | -f NOTEBOOK.sql)")
	dbPath := fs.String("db", "", "tệp cơ sở dữ liệu DuckDB (bắt buộc)")
	format := fs.String("format", "table", "định dạng kết quả: table, csv, json")
	file := fs.String("f", "", "sổ tay SQL (.sql, các ô tách bởi -- %%) chạy từng ô")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *dbPath == "" || (fs.NArg() == 0) == (*file == "") {
		return usageErr(e, fs, "cần --db và một câu truy vấn hoặc -f SỔ_TAY.sql")
	}
	switch *format {
	case "table", "csv", "json":
	default:
		return usageErr(e, fs, "định dạng phải là table, csv hoặc json")
	}
	cells := []notebook.Cell{{Kind: notebook.SQL, Source: joinArgs(fs.Args())}}
	if *file != "" {
		b, err := os.ReadFile(*file)
		if err != nil {
			return fail(e, "%v", err)
		}
		cells = notebook.Parse(string(b))
	}
	sb, err := openAnalystSandbox(ctx, *dbPath)
	if err != nil {
		return fail(e, "%v", err)
	}
	code := exitOK
	for i, c := range cells {
		if *file != "" && *format == "table" {
			if c.Kind == notebook.Markdown {
				fmt.Fprintln(e.stdout, strings.TrimSpace(c.Source))
				fmt.Fprintln(e.stdout)
				continue
			}
			fmt.Fprintf(e.stdout, "-- ô %d %s\n", i+1, c.Title)
		}
		if c.Kind != notebook.SQL {
			continue
		}
		res, err := sb.Query(ctx, c.Source)
		if err != nil {
			if *file == "" {
				return fail(e, "truy vấn: %v", err)
			}
			fmt.Fprintf(e.stderr, "ô %d: truy vấn: %v\n", i+1, err)
			code = exitFail
			continue
		}
		if err := writeResult(e.stdout, *format, res); err != nil {
			return fail(e, "%v", err)
		}
		if *file != "" && *format == "table" {
			fmt.Fprintln(e.stdout)
		}
	}
	return code
}

// openAnalystSandbox opens the snapshot of dbPath; a database that has none
// yet (transformed before snapshots existed) gets one when no server holds
// it.
func openAnalystSandbox(ctx context.Context, dbPath string) (*store.Sandbox, error) {
	snap := store.AnalystPath(dbPath)
	if _, err := os.Stat(snap); err != nil {
		if _, err := os.Stat(dbPath); err != nil {
			return nil, fmt.Errorf("không có cơ sở dữ liệu %s", dbPath)
		}
		db, err := store.Open(ctx, dbPath)
		if err != nil {
			return nil, fmt.Errorf("chưa có bản chụp phân tích và không mở được cơ sở dữ liệu để tạo: %w", err)
		}
		err = db.WriteAnalystSnapshot(ctx)
		db.Close()
		if err != nil {
			return nil, err
		}
	}
	return store.OpenSandbox(ctx, snap, store.DefaultLimits())
}

func cell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		return fmt.Sprintf("%.10g", x)
	}
	return fmt.Sprint(v)
}

func writeResult(w io.Writer, format string, res *store.Result) error {
	switch format {
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write(res.Columns)
		for _, r := range res.Rows {
			rec := make([]string, len(r))
			for i, v := range r {
				rec[i] = cell(v)
			}
			cw.Write(rec)
		}
		cw.Flush()
		return cw.Error()
	case "json":
		out := make([]map[string]any, 0, len(res.Rows))
		for _, r := range res.Rows {
			m := make(map[string]any, len(r))
			for i, v := range r {
				m[res.Columns[i]] = v
			}
			out = append(out, m)
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(res.Columns, "\t"))
	for _, r := range res.Rows {
		rec := make([]string, len(r))
		for i, v := range r {
			rec[i] = cell(v)
		}
		fmt.Fprintln(tw, strings.Join(rec, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	more := ""
	if res.Truncated {
		more = ", còn nữa: dùng LIMIT/OFFSET"
	}
	_, err := fmt.Fprintf(w, "(%d dòng%s)\n", len(res.Rows), more)
	return err
}
