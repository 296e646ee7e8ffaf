package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" driver

	rsql "rasoat/sql"
)

// DB is an open rasoat database.
type DB struct {
	*sql.DB
	Path     string
	ReadOnly bool
}

// Open opens (creating if needed) the database file read-write and applies
// pending schema migrations. DuckDB allows one read-write process per file.
func Open(ctx context.Context, path string) (*DB, error) {
	db, err := open(ctx, path, nil)
	if err != nil {
		return nil, err
	}
	d := &DB{DB: db, Path: path}
	if err := d.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return d, nil
}

// OpenReadOnly opens an existing database for reading only.
func OpenReadOnly(ctx context.Context, path string) (*DB, error) {
	db, err := open(ctx, path, url.Values{"access_mode": {"read_only"}})
	if err != nil {
		return nil, err
	}
	return &DB{DB: db, Path: path, ReadOnly: true}, nil
}

func open(ctx context.Context, path string, params url.Values) (*sql.DB, error) {
	limit, err := memoryLimit()
	if err != nil {
		return nil, err
	}
	if params == nil {
		params = url.Values{}
	}
	params.Set("memory_limit", limit)
	dsn := path
	if len(params) > 0 {
		dsn += "?" + params.Encode()
	}
	db, err := sql.Open("duckdb", dsn)
	if err != nil {
		return nil, wrapOpenError(path, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, wrapOpenError(path, err)
	}
	return db, nil
}

// ErrLocked reports that another process holds the database file.
type ErrLocked struct {
	Path string
	PID  int // 0 when DuckDB did not say
	Err  error
}

func (e *ErrLocked) Error() string {
	if e.PID > 0 {
		return fmt.Sprintf("cơ sở dữ liệu %s đang được tiến trình PID %d sử dụng (DuckDB chỉ cho một tiến trình ghi)", e.Path, e.PID)
	}
	return fmt.Sprintf("cơ sở dữ liệu %s đang được tiến trình khác sử dụng (DuckDB chỉ cho một tiến trình ghi)", e.Path)
}
func (e *ErrLocked) Unwrap() error { return e.Err }

var pidRe = regexp.MustCompile(`PID (\d+)`)

func wrapOpenError(path string, err error) error {
	msg := err.Error()
	if strings.Contains(msg, "Could not set lock") || strings.Contains(msg, "Conflicting lock") {
		e := &ErrLocked{Path: path, Err: err}
		if m := pidRe.FindStringSubmatch(msg); m != nil {
			e.PID, _ = strconv.Atoi(m[1])
		}
		return e
	}
	return fmt.Errorf("mở cơ sở dữ liệu %s: %w", path, err)
}

// IsLocked reports whether err says the file is held by another process.
func IsLocked(err error) bool {
	var l *ErrLocked
	return errors.As(err, &l)
}

func (d *DB) migrate(ctx context.Context) error {
	files, err := rsql.Schema()
	if err != nil {
		return err
	}
	if _, err := d.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migration (name VARCHAR PRIMARY KEY, applied_at TIMESTAMP NOT NULL)`); err != nil {
		return fmt.Errorf("tạo bảng schema_migration: %w", err)
	}
	for _, f := range files {
		var n int
		if err := d.QueryRowContext(ctx, `SELECT count(*) FROM schema_migration WHERE name = ?`, f.Name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		err := d.InTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, f.Text); err != nil {
				return fmt.Errorf("migration %s: %w", f.Name, err)
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migration VALUES (?, ?)`, f.Name, time.Now().UTC())
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// InTx runs fn in one transaction: all of its writes land, or none do.
func (d *DB) InTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := d.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}
