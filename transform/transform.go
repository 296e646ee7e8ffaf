package transform

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"rasoat/ingest/refdata"
	rsql "rasoat/sql"
	"rasoat/store"
)

// Options adjust a run.
type Options struct {
	// Reference is where standards.csv, cycles.csv and targets.csv are read
	// from; nil means the data shipped with rasoat.
	Reference fs.FS
}

// Step is one model's timing.
type Step struct {
	Name     string
	Duration time.Duration
}

// Report says what a run did.
type Report struct {
	Steps []Step
	Total time.Duration
}

// Run reloads the reference data and rebuilds every model.
func Run(ctx context.Context, db *store.DB, opt Options) (*Report, error) {
	start := time.Now()
	models, err := rsql.Models()
	if err != nil {
		return nil, err
	}
	rep := &Report{}
	err = db.InTx(ctx, func(tx *sql.Tx) error {
		// The shipped reference is reloaded in the same transaction as
		// the models, through its only writer (ingest/refdata).
		steps, err := refdata.LoadShippedTx(ctx, tx, opt.Reference)
		if err != nil {
			return err
		}
		for _, s := range steps {
			rep.Steps = append(rep.Steps, Step{Name: s.Name, Duration: s.Duration})
		}
		for _, m := range models {
			t0 := time.Now()
			if _, err := tx.ExecContext(ctx, m.Text); err != nil {
				return fmt.Errorf("model %s: %w", m.Name, err)
			}
			rep.Steps = append(rep.Steps, Step{Name: m.Name, Duration: time.Since(t0)})
		}
		t0 := time.Now()
		if err := applyDocs(ctx, tx); err != nil {
			return err
		}
		rep.Steps = append(rep.Steps, Step{Name: "COMMENT ON (analyst_doc)", Duration: time.Since(t0)})
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Analysts query a copy of the views without personal data, never
	// this file (see store/snapshot.go): it follows every transform.
	t0 := time.Now()
	if err := db.WriteAnalystSnapshot(ctx); err != nil {
		return nil, err
	}
	rep.Steps = append(rep.Steps, Step{Name: "analyst snapshot", Duration: time.Since(t0)})
	rep.Total = time.Since(start)
	return rep, nil
}

// applyDocs turns the analyst_doc table (sql/models/140_analyst_docs.sql)
// into COMMENT ON statements. It runs after every model because CREATE OR
// REPLACE VIEW drops a view's comments; a view-specific row wins over the
// row for every view. DuckDB has no dynamic SQL, hence this step in Go.
func applyDocs(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `
		WITH v AS (
		    SELECT d.view_name, d.doc FROM analyst_doc d
		    JOIN duckdb_views() w ON w.view_name = d.view_name AND NOT w.internal
		    WHERE d.column_name IS NULL
		)
		SELECT v.view_name, NULL AS column_name, v.doc FROM v
		UNION ALL
		SELECT c.table_name, c.column_name,
		       coalesce(own.doc, any_doc.doc)
		FROM duckdb_columns() c
		JOIN v ON v.view_name = c.table_name
		LEFT JOIN analyst_doc own ON own.view_name = c.table_name AND own.column_name = c.column_name
		LEFT JOIN analyst_doc any_doc ON any_doc.view_name IS NULL AND any_doc.column_name = c.column_name
		WHERE coalesce(own.doc, any_doc.doc) IS NOT NULL`)
	if err != nil {
		return fmt.Errorf("analyst_doc: %w", err)
	}
	var stmts []string
	for rows.Next() {
		var view, doc string
		var col sql.NullString
		if err := rows.Scan(&view, &col, &doc); err != nil {
			rows.Close()
			return err
		}
		if col.Valid {
			stmts = append(stmts, fmt.Sprintf("COMMENT ON COLUMN %s.%s IS %s", quoteIdent(view), quoteIdent(col.String), quoteLiteral(doc)))
		} else {
			stmts = append(stmts, fmt.Sprintf("COMMENT ON VIEW %s IS %s", quoteIdent(view), quoteLiteral(doc)))
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, q := range stmts {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}

func quoteIdent(s string) string   { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
