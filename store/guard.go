package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
)

// ErrRefused is a statement the sandbox does not run.
type ErrRefused struct{ Reason string }

func (e *ErrRefused) Error() string { return "câu lệnh bị từ chối: " + e.Reason }

// deniedFuncs are functions an analyst query may not name, in any case:
// they touch files, logging, settings, the environment, or run SQL from a
// string (which the parser here cannot see into).
var deniedFuncs = map[string]bool{
	"getenv": true, "query": true, "query_table": true, "glob": true, "sniff_csv": true,
	"checkpoint": true, "force_checkpoint": true, "duckdb_secrets": true, "which_secret": true,
	"load_extension": true, "install_extension": true, "iceberg_scan": true, "delta_scan": true,
	"sqlite_scan": true, "sqlite_attach": true, "postgres_scan": true, "postgres_attach": true, "mysql_scan": true,
	"arrow_scan": true, "arrow_scan_dumb": true, "seq_scan": true, "duckdb_log_contexts": true,
}

// deniedPrefixes cover families (read_csv, read_parquet, read_text,
// read_blob, parquet_metadata, enable_logging, disable_profiling,
// truncate_duckdb_logs, pragma_* …).
var deniedPrefixes = []string{"read_", "parquet_", "enable_", "disable_", "truncate_", "pragma_", "set_", "reset_", "copy_", "export_", "import_", "attach", "detach", "duckdb_log"}

func deniedFunc(name string) bool {
	n := strings.ToLower(name)
	if deniedFuncs[n] {
		return true
	}
	for _, p := range deniedPrefixes {
		if strings.HasPrefix(n, p) {
			return true
		}
	}
	return false
}

// checkQuery parses the analyst's statement with DuckDB's own parser and
// returns it wrapped in one page's LIMIT … OFFSET. The wrapped text is what
// is checked and what runs, so nothing after a closing parenthesis or a
// comment can escape the wrapper unchecked.
func checkQuery(ctx context.Context, db *sql.DB, q string, offset, n int) (string, error) {
	q = strings.TrimSpace(q)
	for strings.HasSuffix(q, ";") {
		q = strings.TrimSpace(strings.TrimSuffix(q, ";"))
	}
	if q == "" {
		return "", &ErrRefused{"câu lệnh trống"}
	}
	wrapped := fmt.Sprintf("SELECT * FROM (\n%s\n) AS rasoat_q LIMIT %d OFFSET %d", q, n+1, offset)
	var js string
	if err := db.QueryRowContext(ctx, `SELECT json_serialize_sql($1::VARCHAR)::VARCHAR`, wrapped).Scan(&js); err != nil {
		return "", fmt.Errorf("phân tích câu lệnh: %w", err)
	}
	var tree struct {
		Error      bool              `json:"error"`
		Message    string            `json:"error_message"`
		Statements []json.RawMessage `json:"statements"`
	}
	if err := json.Unmarshal([]byte(js), &tree); err != nil {
		return "", fmt.Errorf("phân tích câu lệnh: %w", err)
	}
	if tree.Error {
		// Say why in the analyst's own text, not the wrapper's.
		var raw struct {
			Error      bool              `json:"error"`
			Message    string            `json:"error_message"`
			Statements []json.RawMessage `json:"statements"`
		}
		if err := db.QueryRowContext(ctx, `SELECT json_serialize_sql($1::VARCHAR)::VARCHAR`, q).Scan(&js); err == nil && json.Unmarshal([]byte(js), &raw) == nil {
			if raw.Error && !strings.Contains(raw.Message, "Only SELECT") {
				return "", &ErrRefused{"câu lệnh không hợp lệ: " + firstLine(raw.Message)}
			}
		}
		return "", &ErrRefused{"chỉ được dùng một câu lệnh SELECT (hoặc WITH … SELECT)"}
	}
	if len(tree.Statements) != 1 {
		return "", &ErrRefused{"chỉ được dùng một câu lệnh SELECT"}
	}
	var node any
	if err := json.Unmarshal(tree.Statements[0], &node); err != nil {
		return "", fmt.Errorf("phân tích câu lệnh: %w", err)
	}
	if reason := walkDenied(node); reason != "" {
		return "", &ErrRefused{reason}
	}
	return wrapped, nil
}

// walkDenied looks through the parse tree for a denied function or a table
// named like a file.
func walkDenied(v any) string {
	switch x := v.(type) {
	case map[string]any:
		if f, ok := x["function_name"].(string); ok && deniedFunc(f) {
			return "không được dùng hàm " + f
		}
		if t, ok := x["table_name"].(string); ok && strings.ContainsAny(t, `/\.:~`) {
			return "không được đọc tệp " + t
		}
		for _, c := range x {
			if r := walkDenied(c); r != "" {
				return r
			}
		}
	case []any:
		for _, c := range x {
			if r := walkDenied(c); r != "" {
				return r
			}
		}
	}
	return ""
}
