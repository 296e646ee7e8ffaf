package refdata

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"rasoat/data"
	"rasoat/store"
)

// Step is one shipped reference file's load and how long it took.
type Step struct {
	Name     string
	Duration time.Duration
}

// shippedTables maps each shipped reference file (data/<file>.csv) to its
// table. A new kind of shipped reference file is one more line here plus
// its CREATE TABLE in sql/schema.
var shippedTables = [...]struct{ file, table string }{
	{"standards", "ref_standard"},
	{"cycles", "ref_cycle"},
	{"targets", "ref_target"},
	{"anomaly_rules", "ref_anomaly_rule"},
}

// LoadShipped replaces the shipped reference tables (standards, cycles,
// targets, anomaly rules) with ref's files (nil: the data shipped with
// rasoat) in one transaction. Ingest needs the cycles to know which
// standard a year's file belongs to, so it runs before any load.
func LoadShipped(ctx context.Context, db *store.DB, ref fs.FS) ([]Step, error) {
	var steps []Step
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		steps, err = LoadShippedTx(ctx, tx, ref)
		return err
	})
	return steps, err
}

// LoadShippedTx is LoadShipped inside the caller's transaction: the
// transform reloads the shipped reference in the same transaction as the
// models it rebuilds, so a bad reference file leaves the marts as they were.
func LoadShippedTx(ctx context.Context, tx *sql.Tx, ref fs.FS) ([]Step, error) {
	if ref == nil {
		ref = data.Files()
	}
	var steps []Step
	for _, rt := range shippedTables {
		t0 := time.Now()
		if err := loadShippedFile(ctx, tx, ref, rt.file, rt.table); err != nil {
			return nil, err
		}
		steps = append(steps, Step{Name: "data/" + rt.file + ".csv", Duration: time.Since(t0)})
	}
	return steps, nil
}

// loadShippedFile replaces table with the rows of a reference CSV. Columns
// the table does not have (notes) are skipped; empty cells become NULL.
func loadShippedFile(ctx context.Context, tx *sql.Tx, ref fs.FS, file, table string) error {
	t, err := data.LoadFS(ref, file)
	if err != nil {
		return err
	}
	cols, err := tableColumns(ctx, tx, table)
	if err != nil {
		return err
	}
	var use []int
	var names []string
	for i, h := range t.Header {
		if cols[h] {
			use = append(use, i)
			names = append(names, h)
		}
	}
	if len(names) == 0 {
		return fmt.Errorf("%s.csv: no column matches table %s", file, table)
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM "+table); err != nil {
		return err
	}
	q := fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", table, strings.Join(names, ", "),
		strings.TrimSuffix(strings.Repeat("?, ", len(names)), ", "))
	stmt, err := tx.PrepareContext(ctx, q)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for n, rec := range t.Records {
		args := make([]any, len(use))
		for j, i := range use {
			if i < len(rec) && strings.TrimSpace(rec[i]) != "" {
				args[j] = strings.TrimSpace(rec[i])
			}
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("%s.csv line %d: %w", file, n+2, err)
		}
	}
	return nil
}

func tableColumns(ctx context.Context, tx *sql.Tx, table string) (map[string]bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT column_name FROM information_schema.columns WHERE table_name = ?`, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols := map[string]bool{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		cols[c] = true
	}
	return cols, rows.Err()
}
