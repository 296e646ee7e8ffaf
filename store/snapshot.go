package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
)

// The analyst snapshot. DuckDB lets one process open a file read-write and
// gives no single connection of an instance a read-only mode, so analysts
// never query the server's database: after every transform the server (the
// single writer) copies the analyst views, without personal data, into
// DB.analyst.duckdb, written under a temporary name and renamed into place.
// Analyst queries — the web notebook and `rasoat sql`, also while the
// server runs — open that copy read-only in a separate process (see
// sandbox.go). Destroying the copy destroys nothing: the next transform
// writes it again.

// personalViews are analyst views that list households one by one: they
// stay out of the snapshot.
var personalViews = map[string]bool{"household_class": true}

// AnalystPath is where the snapshot of dbPath lives.
func AnalystPath(dbPath string) string {
	return strings.TrimSuffix(dbPath, ".duckdb") + ".analyst.duckdb"
}

// WriteAnalystSnapshot replaces the analyst snapshot with the current
// analyst views (those analyst_doc documents) as tables. A database that
// was never transformed gives an empty snapshot.
func (d *DB) WriteAnalystSnapshot(ctx context.Context) error {
	if d.Path == "" || d.Path == ":memory:" {
		return nil
	}
	dst := AnalystPath(d.Path)
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	tmp := dst + ".tmp-" + hex.EncodeToString(b)
	defer os.Remove(tmp)
	defer os.Remove(tmp + ".wal")

	conn, err := d.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var views []string
	var hasDoc int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables() WHERE table_name = 'analyst_doc' AND database_name = current_database()`).Scan(&hasDoc); err != nil {
		return fmt.Errorf("bản chụp phân tích: %w", err)
	}
	if hasDoc > 0 {
		rows, err := conn.QueryContext(ctx, `SELECT DISTINCT view_name FROM analyst_doc WHERE column_name IS NULL AND view_name IS NOT NULL ORDER BY 1`)
		if err != nil {
			return fmt.Errorf("bản chụp phân tích: %w", err)
		}
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return err
			}
			if !personalViews[v] {
				views = append(views, v)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	if _, err := conn.ExecContext(ctx, `ATTACH `+quoteLit(tmp)+` AS rasoat_snapshot`); err != nil {
		return fmt.Errorf("bản chụp phân tích: %w", err)
	}
	detached := false
	defer func() {
		if !detached {
			conn.ExecContext(context.Background(), `DETACH rasoat_snapshot`)
		}
	}()
	for _, v := range views {
		if _, err := conn.ExecContext(ctx, `CREATE TABLE rasoat_snapshot.`+quoteIdent(v)+` AS SELECT * FROM main.`+quoteIdent(v)); err != nil {
			return fmt.Errorf("bản chụp phân tích, %s: %w", v, err)
		}
	}
	if hasDoc > 0 {
		if _, err := conn.ExecContext(ctx, `CREATE TABLE rasoat_snapshot.analyst_doc AS SELECT * FROM main.analyst_doc
			WHERE view_name IS NULL OR view_name NOT IN (SELECT unnest(?::VARCHAR[]))`, personalList()); err != nil {
			return fmt.Errorf("bản chụp phân tích, analyst_doc: %w", err)
		}
	}
	if _, err := conn.ExecContext(ctx, `DETACH rasoat_snapshot`); err != nil {
		return fmt.Errorf("bản chụp phân tích: %w", err)
	}
	detached = true
	if err := os.Rename(tmp, dst); err != nil {
		return fmt.Errorf("bản chụp phân tích: %w", err)
	}
	return nil
}

func personalList() []string {
	out := make([]string, 0, len(personalViews))
	for v := range personalViews {
		out = append(out, v)
	}
	return out
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
func quoteLit(s string) string   { return `'` + strings.ReplaceAll(s, `'`, `''`) + `'` }
