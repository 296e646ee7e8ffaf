package main

import (
	"context"
	"flag"
	"strings"
	"time"

	"rasoat/dashboards"
	"rasoat/store"
)

// sqlFlags are the admin's limits on analysts' SQL (rasoat serve): the
// analyst never chooses them.
type sqlFlags struct {
	timeout             time.Duration
	memMB, tempMB, rows int
	threads             int
}

func sqlLimitFlags(fs *flag.FlagSet) *sqlFlags {
	d := store.DefaultLimits()
	f := &sqlFlags{}
	fs.DurationVar(&f.timeout, "sql-timeout", d.Timeout, "thời gian tối đa một truy vấn của sổ tay SQL")
	fs.IntVar(&f.memMB, "sql-memory-mb", int(d.MaxMemory>>20), "bộ nhớ tối đa (MB) một truy vấn của sổ tay SQL")
	fs.IntVar(&f.tempMB, "sql-temp-mb", int(d.MaxTemp>>20), "dung lượng tạm tối đa (MB) một truy vấn được ghi ra đĩa")
	fs.IntVar(&f.rows, "sql-rows", d.MaxRows, "số dòng kết quả tối đa (một trang, một tệp xuất)")
	fs.IntVar(&f.threads, "sql-threads", d.Threads, "số luồng DuckDB của một truy vấn")
	return f
}

func (f *sqlFlags) limits() store.Limits {
	return store.Limits{Timeout: f.timeout, MaxMemory: int64(f.memMB) << 20, MaxTemp: int64(f.tempMB) << 20, Threads: f.threads, MaxRows: f.rows}
}

// withNotebook gives the server the analysts' sandbox on a fresh snapshot
// (the server is the single writer, so it writes the snapshot at start)
// and the audit log next to the database.
func withNotebook(ctx context.Context, e *env, db *store.DB, opts *dashboards.Options, lim store.Limits) {
	opts.AuditPath = strings.TrimSuffix(db.Path, ".duckdb") + ".audit.jsonl"
	if err := db.WriteAnalystSnapshot(ctx); err != nil {
		e.log.Error("analyst snapshot", "err", err.Error())
		return
	}
	sb, err := store.OpenSandbox(ctx, store.AnalystPath(db.Path), lim)
	if err != nil {
		e.log.Error("analyst sandbox", "err", err.Error())
		return
	}
	opts.Notebook = sb
}
