package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"rasoat/store"
)

func runSQL(ctx context.Context, e *env, args []string) int {
	fs := flags(e, "sql", "sql --db DB [--format table|csv|json] [--timeout 30s] [--max-memory 1GB] QUERY")
	dbPath := fs.String("db", "", "tệp cơ sở dữ liệu DuckDB (bắt buộc)")
	format := fs.String("format", "table", "định dạng kết quả: table, csv, json")
	lim := store.DefaultLimits()
	fs.DurationVar(&lim.Timeout, "timeout", lim.Timeout, "thời gian tối đa của truy vấn")
	fs.StringVar(&lim.MaxMemory, "max-memory", lim.MaxMemory, "bộ nhớ tối đa DuckDB được dùng")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *dbPath == "" || fs.NArg() == 0 {
		return usageErr(e, fs, "cần --db và một câu truy vấn")
	}
	switch *format {
	case "table", "csv", "json":
	default:
		return usageErr(e, fs, "định dạng phải là table, csv hoặc json")
	}
	sb, err := store.OpenSandbox(ctx, *dbPath, lim)
	if err != nil {
		return fail(e, "%v", err)
	}
	defer sb.Close()
	res, err := sb.Query(ctx, joinArgs(fs.Args()))
	if err != nil {
		return fail(e, "truy vấn: %v", err)
	}
	if err := writeResult(e.stdout, *format, res); err != nil {
		return fail(e, "%v", err)
	}
	return exitOK
}

func cell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 {
			return x.Format("2006-01-02")
		}
		return x.Format(time.RFC3339)
	case []byte:
		return string(x)
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
				if t, ok := v.(time.Time); ok {
					v = cell(t)
				}
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
	_, err := fmt.Fprintf(w, "(%d dòng)\n", len(res.Rows))
	return err
}
