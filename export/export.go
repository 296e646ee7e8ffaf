// Package export writes the analyst schema out of rasoat so analysts can use
// it without us: the analyst views as a Hive-partitioned Parquet set (one
// folder per view, one sub-folder per year), readable by DuckDB, pandas,
// polars or Spark, and the schema's documentation as Markdown, generated
// from the comments the transform puts on every view and column.
package export

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Column is one documented column of an analyst view.
type Column struct {
	Name, Type, Doc string
}

// View is one analyst view with its documentation.
type View struct {
	Name, Doc string
	Columns   []Column
}

// Views lists the analyst views (those the transform documented, see
// sql/models/140_analyst_docs.sql) in name order, with their columns in
// view order.
func Views(ctx context.Context, db *sql.DB) ([]View, error) {
	rows, err := db.QueryContext(ctx, `
		SELECT v.view_name, coalesce(v.comment, ''), c.column_name, c.data_type, coalesce(c.comment, '')
		FROM duckdb_views() v
		JOIN duckdb_columns() c ON c.table_name = v.view_name AND c.schema_name = v.schema_name
		WHERE NOT v.internal
		  AND v.view_name IN (SELECT view_name FROM analyst_doc WHERE column_name IS NULL)
		ORDER BY v.view_name, c.column_index`)
	if err != nil {
		return nil, fmt.Errorf("đọc danh sách view phân tích (đã chạy transform chưa?): %w", err)
	}
	defer rows.Close()
	var out []View
	for rows.Next() {
		var name, doc string
		var c Column
		if err := rows.Scan(&name, &doc, &c.Name, &c.Type, &c.Doc); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].Name != name {
			out = append(out, View{Name: name, Doc: doc})
		}
		out[len(out)-1].Columns = append(out[len(out)-1].Columns, c)
	}
	return out, rows.Err()
}

// SchemaMarkdown renders the analyst schema as docs/schema.md.
func SchemaMarkdown(views []View) string {
	var b strings.Builder
	b.WriteString("# Analyst schema (lược đồ dữ liệu phân tích)\n\n")
	b.WriteString("<!-- Generated from the database comments (sql/models/140_analyst_docs.sql); do not edit.\n")
	b.WriteString("     Regenerate: RASOAT_UPDATE_DOCS=1 go test ./export/ -run TestSchemaDoc -->\n\n")
	b.WriteString("Stable views for analysts: columns are only ever added at the end, never renamed or dropped.\n")
	b.WriteString("Rates are percent (0–100), reductions are percentage points (điểm %). `rasoat export --format parquet`\n")
	b.WriteString("writes each view as `VIEW/year=YYYY/*.parquet`.\n\n")
	for _, v := range views {
		fmt.Fprintf(&b, "- [%s](#%s): %s\n", v.Name, v.Name, v.Doc)
	}
	for _, v := range views {
		fmt.Fprintf(&b, "\n## %s\n\n%s\n\n| column | type | description |\n| --- | --- | --- |\n", v.Name, v.Doc)
		for _, c := range v.Columns {
			fmt.Fprintf(&b, "| `%s` | %s | %s |\n", c.Name, c.Type, strings.ReplaceAll(c.Doc, "|", `\|`))
		}
	}
	return b.String()
}

// Report says what Parquet wrote.
type Report struct {
	Views []string
	Rows  map[string]int64
}

// Parquet writes every analyst view under dir as dir/VIEW/year=YYYY/*.parquet
// (a view without a year column as dir/VIEW/data.parquet), replacing what a
// previous export left in those folders, and dir/schema.md beside them.
func Parquet(ctx context.Context, db *sql.DB, dir string) (*Report, error) {
	views, err := Views(ctx, db)
	if err != nil {
		return nil, err
	}
	if len(views) == 0 {
		return nil, fmt.Errorf("không có view phân tích nào: hãy chạy rasoat transform trước")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("tạo thư mục %s: %w", dir, err)
	}
	rep := &Report{Rows: map[string]int64{}}
	for _, v := range views {
		target := filepath.Join(dir, v.Name)
		opts := "FORMAT parquet, PARTITION_BY (year), OVERWRITE"
		if !hasColumn(v, "year") {
			if err := os.MkdirAll(target, 0o755); err != nil {
				return nil, err
			}
			target, opts = filepath.Join(target, "data.parquet"), "FORMAT parquet"
		}
		q := fmt.Sprintf("COPY (SELECT * FROM %s) TO %s (%s)", quoteIdent(v.Name), quoteLiteral(target), opts)
		res, err := db.ExecContext(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("xuất %s: %w", v.Name, err)
		}
		n, _ := res.RowsAffected()
		rep.Views = append(rep.Views, v.Name)
		rep.Rows[v.Name] = n
	}
	if err := os.WriteFile(filepath.Join(dir, "schema.md"), []byte(SchemaMarkdown(views)), 0o644); err != nil {
		return nil, fmt.Errorf("ghi schema.md: %w", err)
	}
	return rep, nil
}

func hasColumn(v View, name string) bool {
	for _, c := range v.Columns {
		if c.Name == name {
			return true
		}
	}
	return false
}

func quoteIdent(s string) string   { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
