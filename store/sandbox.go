package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"time"
)

// Limits bound what one analyst query may use.
type Limits struct {
	Timeout   time.Duration // wall time of one query
	MaxMemory string        // DuckDB memory limit, e.g. "1GB"
	Threads   int
	MaxRows   int // rows returned to the caller; 0 = no cap
}

// DefaultLimits suit a district office's laptop.
func DefaultLimits() Limits {
	return Limits{Timeout: 30 * time.Second, MaxMemory: "1GB", Threads: 2, MaxRows: 0}
}

// Sandbox runs untrusted analyst SQL: the database is opened read-only,
// external access (files, network, extensions) is off, and the configuration
// is locked so the query cannot turn any of it back on.
type Sandbox struct {
	db     *sql.DB
	limits Limits
}

// OpenSandbox opens path for analyst queries.
func OpenSandbox(ctx context.Context, path string, lim Limits) (*Sandbox, error) {
	params := url.Values{
		"access_mode":                  {"read_only"},
		"enable_external_access":       {"false"},
		"autoload_known_extensions":    {"false"},
		"autoinstall_known_extensions": {"false"},
		"max_memory":                   {lim.MaxMemory},
		"threads":                      {fmt.Sprint(max(lim.Threads, 1))},
		"lock_configuration":           {"true"},
	}
	db, err := open(ctx, path, params)
	if err != nil {
		return nil, err
	}
	return &Sandbox{db: db, limits: lim}, nil
}

// Close releases the database.
func (s *Sandbox) Close() error { return s.db.Close() }

// Result is a query's columns and rows, values as DuckDB returned them.
type Result struct {
	Columns   []string
	Rows      [][]any
	Truncated bool
}

// Query runs one analyst query within the limits.
func (s *Sandbox) Query(ctx context.Context, query string) (*Result, error) {
	ctx, cancel := context.WithTimeout(ctx, s.limits.Timeout)
	defer cancel()
	rows, err := s.db.QueryContext(ctx, query)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("truy vấn vượt quá thời gian cho phép (%s)", s.limits.Timeout)
		}
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	res := &Result{Columns: cols}
	for rows.Next() {
		if s.limits.MaxRows > 0 && len(res.Rows) >= s.limits.MaxRows {
			res.Truncated = true
			break
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		res.Rows = append(res.Rows, vals)
	}
	if err := rows.Err(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("truy vấn vượt quá thời gian cho phép (%s)", s.limits.Timeout)
		}
		return nil, err
	}
	return res, nil
}
