package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
)

func TestWriterCommitsAppendsAndExecsTogether(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE t (a BIGINT, b VARCHAR, c BOOLEAN[], d JSON)`); err != nil {
		t.Fatal(err)
	}
	err = db.Write(ctx, func(w *Writer) error {
		if _, err := w.Exec(`INSERT INTO t (a) VALUES (0)`); err != nil {
			return err
		}
		for i := 1; i <= 1000; i++ {
			if err := w.Append("t", []string{"a", "b", "c", "d"}, int64(i), "x", []bool{true, false}, map[string]string{"k": "<script>"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var n, sum int64
	var d string
	db.QueryRow(`SELECT count(*), sum(a), max(d->>'k') FROM t WHERE c = [true, false] OR a = 0`).Scan(&n, &sum, &d)
	if n != 1001 || sum != 500500 || d != "<script>" {
		t.Fatalf("n=%d sum=%d d=%s", n, sum, d)
	}
}

func TestWriterRollsBackAppendsOnError(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.Exec(`CREATE TABLE t (a BIGINT)`)
	boom := errors.New("boom")
	err = db.Write(ctx, func(w *Writer) error {
		w.Exec(`INSERT INTO t VALUES (-1)`)
		for i := 0; i < 5000; i++ {
			if err := w.Append("t", []string{"a"}, int64(i)); err != nil {
				return err
			}
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	var n int
	db.QueryRow(`SELECT count(*) FROM t`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d rows survived a rolled-back write", n)
	}
	// the pool's connection is usable again
	if err := db.Write(ctx, func(w *Writer) error { _, err := w.Exec(`INSERT INTO t VALUES (1)`); return err }); err != nil {
		t.Fatal(err)
	}
}
