package store

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// WriteParquet writes a sandbox result as a Parquet file, through a private
// in-memory DuckDB (trusted code: the analyst's SQL never runs here, only
// the values it returned). A column is BIGINT, DOUBLE or BOOLEAN when every
// value in it is one, VARCHAR otherwise.
func WriteParquet(ctx context.Context, w io.Writer, res *Result) error {
	types := make([]string, len(res.Columns))
	for i := range res.Columns {
		types[i] = columnType(res.Rows, i)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	cols := make([]string, len(res.Columns))
	marks := make([]string, len(res.Columns))
	for i, c := range res.Columns {
		cols[i] = quoteIdent(c) + " " + types[i]
		marks[i] = "?"
	}
	if _, err := db.ExecContext(ctx, "CREATE TABLE r ("+strings.Join(cols, ", ")+")"); err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	ins, err := tx.PrepareContext(ctx, "INSERT INTO r VALUES ("+strings.Join(marks, ", ")+")")
	if err != nil {
		tx.Rollback()
		return err
	}
	for _, row := range res.Rows {
		args := make([]any, len(row))
		for i, v := range row {
			if types[i] == "VARCHAR" && v != nil {
				v = fmt.Sprint(v)
			}
			args[i] = v
		}
		if _, err := ins.ExecContext(ctx, args...); err != nil {
			tx.Rollback()
			return fmt.Errorf("parquet: %w", err)
		}
	}
	ins.Close()
	if err := tx.Commit(); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "rasoat-export-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	p := filepath.Join(dir, "r.parquet")
	if _, err := db.ExecContext(ctx, "COPY r TO "+quoteLit(p)+" (FORMAT parquet)"); err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

func columnType(rows [][]any, i int) string {
	t := ""
	for _, r := range rows {
		var k string
		switch r[i].(type) {
		case nil:
			continue
		case int64:
			k = "BIGINT"
		case float64:
			k = "DOUBLE"
		case bool:
			k = "BOOLEAN"
		default:
			return "VARCHAR"
		}
		switch {
		case t == "":
			t = k
		case t == "BIGINT" && k == "DOUBLE", t == "DOUBLE" && k == "BIGINT":
			t = "DOUBLE"
		case t != k:
			return "VARCHAR"
		}
	}
	if t == "" {
		return "VARCHAR"
	}
	return t
}
