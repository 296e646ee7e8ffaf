package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Writer is one write transaction on a dedicated connection, with DuckDB
// appenders for bulk rows: a household list of 500 000 rows goes in at
// appender speed, and still all-or-nothing with the rest of its file.
type Writer struct {
	ctx       context.Context
	conn      *sql.Conn
	appenders map[string]*duckdb.Appender
	order     []string
}

// Write runs fn in one transaction. If fn or the commit fails, nothing fn
// wrote remains.
func (d *DB) Write(ctx context.Context, fn func(*Writer) error) (err error) {
	conn, err := d.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return err
	}
	w := &Writer{ctx: ctx, conn: conn, appenders: map[string]*duckdb.Appender{}}
	defer func() {
		if err != nil {
			w.closeAppenders()
			// A background context: the rollback must happen even when ctx
			// was cancelled, or the connection goes back to the pool mid-transaction.
			if _, rbErr := conn.ExecContext(context.Background(), "ROLLBACK"); rbErr != nil {
				err = errors.Join(err, rbErr)
			}
		}
	}()
	if err = fn(w); err != nil {
		return err
	}
	if err = w.closeAppenders(); err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, "COMMIT")
	return err
}

// Exec runs a statement in the transaction.
func (w *Writer) Exec(q string, args ...any) (sql.Result, error) {
	return w.conn.ExecContext(w.ctx, q, args...)
}

// Unordered runs fn with DuckDB free to insert rows out of order
// (preserve_insertion_order off), which roughly halves a large parallel
// INSERT … SELECT. Only for rows that carry their own order (a source row
// number): the table's physical order is then arbitrary. The setting is
// the session's alone — a plain SET would change it for every connection —
// and is restored even when ctx is cancelled, since the connection goes
// back to the pool.
func (w *Writer) Unordered(fn func() error) error {
	if _, err := w.Exec(`SET SESSION preserve_insertion_order = false`); err != nil {
		return err
	}
	err := fn()
	if _, rerr := w.conn.ExecContext(context.Background(), `RESET SESSION preserve_insertion_order`); rerr != nil {
		err = errors.Join(err, rerr)
	}
	return err
}

// Query runs a query in the transaction.
func (w *Writer) Query(q string, args ...any) (*sql.Rows, error) {
	return w.conn.QueryContext(w.ctx, q, args...)
}

// QueryRow runs a query in the transaction.
func (w *Writer) QueryRow(q string, args ...any) *sql.Row {
	return w.conn.QueryRowContext(w.ctx, q, args...)
}

// Append adds one row to table, for the given columns (the first call per
// table fixes them). Rows become visible at commit.
func (w *Writer) Append(table string, columns []string, vals ...driver.Value) error {
	a, ok := w.appenders[table]
	if !ok {
		err := w.conn.Raw(func(dc any) error {
			c, ok := dc.(driver.Conn)
			if !ok {
				return fmt.Errorf("unexpected driver connection %T", dc)
			}
			var err error
			a, err = duckdb.NewAppenderWithColumns(c, "", "", table, columns)
			return err
		})
		if err != nil {
			return fmt.Errorf("appender %s: %w", table, err)
		}
		w.appenders[table] = a
		w.order = append(w.order, table)
	}
	if err := a.AppendRow(vals...); err != nil {
		return fmt.Errorf("%s: %w", table, err)
	}
	return nil
}

func (w *Writer) closeAppenders() error {
	var errs []error
	for _, t := range w.order {
		if err := w.appenders[t].Close(); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", t, err))
		}
	}
	w.appenders, w.order = map[string]*duckdb.Appender{}, nil
	return errors.Join(errs...)
}
