package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenMigratesOnceAndReopens(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "r.duckdb")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM schema_migration`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no migration recorded")
	}
	db.Close()
	db, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	var m int
	db.QueryRowContext(ctx, `SELECT count(*) FROM schema_migration`).Scan(&m)
	if m != n {
		t.Fatalf("migrations applied twice: %d then %d", n, m)
	}
	db.Close()
}

func TestSecondWriterGetsLockError(t *testing.T) {
	// DuckDB locks per process; within one process a second Open of the same
	// file shares the instance, so only the error mapping is checked here.
	err := wrapOpenError("x.duckdb", errString(`IO Error: Could not set lock on file "x.duckdb": Conflicting lock is held in /usr/bin/rasoat (PID 4242)`))
	if !IsLocked(err) {
		t.Fatalf("not recognised as locked: %v", err)
	}
	if !strings.Contains(err.Error(), "4242") {
		t.Fatalf("PID missing: %v", err)
	}
}

type errString string

func (e errString) Error() string { return string(e) }

// Unordered changes the writer's session only: other connections keep
// DuckDB's insertion order, during and after.
func TestUnorderedIsTheSessions(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "u.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	setting := func(q interface {
		QueryRowContext(context.Context, string, ...any) *sql.Row
	}) string {
		var v string
		if err := q.QueryRowContext(ctx, `SELECT value FROM duckdb_settings() WHERE name = 'preserve_insertion_order'`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	err = db.Write(ctx, func(w *Writer) error {
		return w.Unordered(func() error {
			if got := setting(w.conn); got != "false" {
				t.Errorf("inside: writer session has %s", got)
			}
			if got := setting(db); got != "true" {
				t.Errorf("inside: another connection has %s", got)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := setting(db); got != "true" {
		t.Errorf("after: %s", got)
	}
}
