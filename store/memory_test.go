package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestMemoryLimit(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.duckdb")
	read := func() string {
		t.Helper()
		db, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var v string
		if err := db.QueryRowContext(ctx, `SELECT current_setting('memory_limit')`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	// default: 4 GB on a machine with 8 GB or more, the same as asking for it
	def := read()
	if physicalMemory() >= 8<<30 {
		t.Setenv(MemoryLimitEnv, "4096MB")
		if v := read(); v != def {
			t.Errorf("default memory_limit %q, 4096MB gives %q", def, v)
		}
	}
	t.Setenv(MemoryLimitEnv, "300MB")
	if v := read(); v != "286.1 MiB" {
		t.Errorf("memory_limit with %s=300MB: %q", MemoryLimitEnv, v)
	}
	t.Setenv(MemoryLimitEnv, "lots")
	if _, err := Open(ctx, path); err == nil || !strings.Contains(err.Error(), MemoryLimitEnv) {
		t.Errorf("invalid %s accepted: %v", MemoryLimitEnv, err)
	}
}
