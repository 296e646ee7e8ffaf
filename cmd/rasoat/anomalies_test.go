package main

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
)

// Usage errors exit 2 before touching any database; --help exits 0.
func TestAnomaliesUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"anomalies", "--help"}, exitOK},
		{[]string{"anomalies", "--db", "x.duckdb"}, exitUsage},
		{[]string{"anomalies", "--year", "2024"}, exitUsage},
		{[]string{"anomalies", "--db", "x.duckdb", "--year", "2024", "--format", "pdf"}, exitUsage},
		{[]string{"anomalies", "--db", "x.duckdb", "--year", "2024", "--format", "xlsx"}, exitUsage},
		{[]string{"anomalies", "--db", "x.duckdb", "--year", "2024", "--stage", "final"}, exitUsage},
	} {
		var out, errb bytes.Buffer
		e := &env{stdout: &out, stderr: &errb, log: slog.New(slog.DiscardHandler)}
		if got := run(context.Background(), e, c.args); got != c.code {
			t.Errorf("%v: exit %d, want %d (%s)", c.args, got, c.code, errb.String())
		}
	}
}
