package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Untrusted analyst SQL runs in layers, each enough against a different
// attack, none trusted alone:
//
//  1. only the analyst snapshot is opened (snapshot.go): no personal data,
//     and destroying it destroys nothing;
//  2. the statement must parse as exactly one SELECT (DuckDB's own parser,
//     json_serialize_sql), with no function or table name from a deny list
//     (files, logging, settings, environment, nested query strings). This
//     is what stops COPY … TO the database file: DuckDB always allows its
//     own file and temp folder even with external access off;
//  3. a separate DuckDB instance with access_mode=READ_ONLY,
//     enable_external_access=false, no extension autoload or install,
//     memory_limit, max_temp_directory_size, threads, then
//     lock_configuration=true;
//  4. a separate process: the parent kills it at the deadline (DuckDB
//     cannot interrupt every operator, e.g. one huge repeat()) and when its
//     resident memory passes a hard cap (scalar string functions allocate
//     outside memory_limit), and a crash (enable_logging once aborted the
//     process) takes down the worker, never the server;
//  5. rows are capped inside DuckDB (the query is wrapped in LIMIT), so a
//     result is never materialised beyond one page, in DuckDB or in Go.
//
// The limits are the admin's (rasoat serve flags), never the analyst's.

// Limits bound what one analyst query may use.
type Limits struct {
	Timeout   time.Duration // wall time of one query
	MaxMemory int64         // bytes: DuckDB memory_limit; the worker is killed at 1,5× + 256 MB resident
	MaxTemp   int64         // bytes DuckDB may spill to its private temp folder
	Threads   int
	MaxRows   int // rows of one page (and of an export)
}

// DefaultLimits suit a district office's laptop.
func DefaultLimits() Limits {
	return Limits{Timeout: 30 * time.Second, MaxMemory: 1 << 30, MaxTemp: 1 << 30, Threads: 2, MaxRows: 100_000}
}

// hardRSS is the resident size at which the worker is killed.
func (l Limits) hardRSS() int64 { return l.MaxMemory*3/2 + 256<<20 }

// Sandbox runs analyst queries against one snapshot file.
type Sandbox struct {
	path   string
	limits Limits
	exe    string
}

// OpenSandbox prepares queries against the snapshot at path (see
// AnalystPath); each query runs in its own worker process.
func OpenSandbox(ctx context.Context, path string, lim Limits) (*Sandbox, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("chưa có bản chụp dữ liệu phân tích %s (chạy rasoat transform hoặc khởi động máy chủ): %w", path, err)
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	lim.Threads = max(lim.Threads, 1)
	if lim.MaxRows <= 0 {
		lim.MaxRows = DefaultLimits().MaxRows
	}
	if lim.MaxMemory <= 0 {
		lim.MaxMemory = DefaultLimits().MaxMemory
	}
	if lim.MaxTemp <= 0 {
		lim.MaxTemp = DefaultLimits().MaxTemp
	}
	if lim.Timeout <= 0 {
		lim.Timeout = DefaultLimits().Timeout
	}
	return &Sandbox{path: path, limits: lim, exe: exe}, nil
}

// Limits are the sandbox's limits after defaults.
func (s *Sandbox) Limits() Limits { return s.limits }

// Close releases nothing: workers end with their query. It exists so the
// sandbox can be used like a database handle.
func (s *Sandbox) Close() error { return nil }

// Result is one page of a query's rows. Values are nil, bool, int64,
// float64 or string (dates as yyyy-mm-dd, big numbers as text).
type Result struct {
	Columns   []string
	Types     []string // DuckDB type names
	Rows      [][]any
	Offset    int
	Truncated bool // more rows follow this page
}

// ErrTimeout and ErrMemory are the limits the worker was stopped at.
var (
	ErrTimeout = errors.New("truy vấn vượt quá thời gian cho phép")
	ErrMemory  = errors.New("truy vấn vượt quá bộ nhớ cho phép")
)

// Query runs one analyst query and returns its first page.
func (s *Sandbox) Query(ctx context.Context, query string) (*Result, error) {
	return s.QueryPage(ctx, query, 0, s.limits.MaxRows)
}

type workerRequest struct {
	Path    string `json:"path"`
	TempDir string `json:"temp_dir"`
	Limits  Limits `json:"limits"`
	SQL     string `json:"sql"`
	Offset  int    `json:"offset"`
	N       int    `json:"n"`
}

type workerReply struct {
	Result  *Result `json:"result,omitempty"`
	Error   string  `json:"error,omitempty"`
	Refused string  `json:"refused,omitempty"` // an ErrRefused's reason
}

// workerEnv marks the process as a sandbox worker (see init).
const workerEnv = "RASOAT_SANDBOX_WORKER"

// QueryPage runs query and returns n rows from offset (n is capped at
// MaxRows).
func (s *Sandbox) QueryPage(ctx context.Context, query string, offset, n int) (*Result, error) {
	if n <= 0 || n > s.limits.MaxRows {
		n = s.limits.MaxRows
	}
	offset = max(offset, 0)
	tmp, err := os.MkdirTemp("", "rasoat-sql-")
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	defer os.RemoveAll(tmp)
	req, _ := json.Marshal(workerRequest{Path: s.path, TempDir: tmp, Limits: s.limits, SQL: query, Offset: offset, N: n})

	// The worker stops itself at the deadline (DuckDB interrupt); the
	// parent kills it a little later if it did not.
	ctx, cancel := context.WithTimeout(ctx, s.limits.Timeout+2*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, s.exe)
	cmd.Env = append(os.Environ(), workerEnv+"=1")
	cmd.Stdin = bytes.NewReader(req)
	var out bytes.Buffer
	cmd.Stdout = &limitedWriter{w: &out, n: 256 << 20}
	var errBuf bytes.Buffer
	cmd.Stderr = &limitedWriter{w: &errBuf, n: 64 << 10}
	setDeathSignal(cmd)
	cmd.WaitDelay = time.Second
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	overMemory := make(chan struct{})
	done := make(chan struct{})
	go watchRSS(cmd.Process, s.limits.hardRSS(), done, overMemory)
	werr := cmd.Wait()
	close(done)
	select {
	case <-overMemory:
		return nil, fmt.Errorf("%w (%s)", ErrMemory, sizeText(s.limits.MaxMemory))
	default:
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("%w (%s)", ErrTimeout, s.limits.Timeout)
	}
	var rep workerReply
	dec := json.NewDecoder(&out)
	dec.UseNumber()
	if err := dec.Decode(&rep); err != nil {
		if werr != nil {
			return nil, fmt.Errorf("truy vấn làm tiến trình phân tích dừng bất thường (%v)", werr)
		}
		return nil, fmt.Errorf("sandbox: kết quả không đọc được: %w", err)
	}
	if rep.Refused != "" {
		return nil, &ErrRefused{rep.Refused}
	}
	if rep.Error != "" {
		return nil, errors.New(rep.Error)
	}
	if rep.Result == nil {
		return nil, errors.New("sandbox: không có kết quả")
	}
	for _, r := range rep.Result.Rows {
		for i, v := range r {
			if n, ok := v.(json.Number); ok {
				r[i] = numberValue(n)
			}
		}
	}
	return rep.Result, nil
}

func numberValue(n json.Number) any {
	if i, err := n.Int64(); err == nil {
		return i
	}
	f, _ := n.Float64()
	return f
}

func sizeText(b int64) string {
	if b >= 1<<30 && b%(1<<30) == 0 {
		return strconv.FormatInt(b>>30, 10) + " GB"
	}
	return strconv.FormatInt(b>>20, 10) + " MB"
}

// watchRSS kills p when its resident size passes limit.
func watchRSS(p *os.Process, limit int64, done <-chan struct{}, over chan<- struct{}) {
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	page := int64(os.Getpagesize())
	path := fmt.Sprintf("/proc/%d/statm", p.Pid)
	for {
		select {
		case <-done:
			return
		case <-t.C:
		}
		b, err := os.ReadFile(path)
		if err != nil {
			continue // not Linux, or already gone: the deadline still holds
		}
		f := strings.Fields(string(b))
		if len(f) < 2 {
			continue
		}
		pages, _ := strconv.ParseInt(f[1], 10, 64)
		if pages*page > limit {
			close(over)
			p.Kill()
			return
		}
	}
}

type limitedWriter struct {
	w io.Writer
	n int64
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > l.n {
		return 0, errors.New("sandbox: kết quả quá lớn")
	}
	l.n -= int64(len(p))
	return l.w.Write(p)
}

// init turns the process into a sandbox worker when the parent asked for
// one: every binary that imports store (rasoat, and the test binaries)
// can then run analyst queries in a child of itself, without a second
// executable to ship.
func init() {
	if os.Getenv(workerEnv) != "1" {
		return
	}
	os.Exit(runWorker(os.Stdin, os.Stdout))
}

func runWorker(in io.Reader, out io.Writer) int {
	var req workerRequest
	var rep workerReply
	if err := json.NewDecoder(io.LimitReader(in, 16<<20)).Decode(&req); err != nil {
		rep.Error = "sandbox: yêu cầu không đọc được"
	} else if res, err := workerQuery(req); err != nil {
		rep.Error = err.Error()
		var ref *ErrRefused
		if errors.As(err, &ref) {
			rep.Refused = ref.Reason
		}
	} else {
		rep.Result = res
	}
	if err := json.NewEncoder(out).Encode(rep); err != nil {
		return 1
	}
	return 0
}

func workerQuery(req workerRequest) (*Result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), req.Limits.Timeout)
	defer cancel()
	params := url.Values{
		"access_mode":                  {"read_only"},
		"autoload_known_extensions":    {"false"},
		"autoinstall_known_extensions": {"false"},
		"allow_community_extensions":   {"false"},
		"memory_limit":                 {strconv.FormatInt(req.Limits.MaxMemory>>20, 10) + "MB"},
		"max_temp_directory_size":      {strconv.FormatInt(req.Limits.MaxTemp>>20, 10) + "MB"},
		"threads":                      {strconv.Itoa(max(req.Limits.Threads, 1))},
	}
	db, err := sql.Open("duckdb", req.Path+"?"+params.Encode())
	if err != nil {
		return nil, fmt.Errorf("mở bản chụp phân tích: %w", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	// temp_directory is not accepted in the connection string and cannot
	// be changed once external access is off: so it is set first, then
	// external access is turned off and the configuration locked, all
	// before the analyst's statement can run.
	if _, err := db.ExecContext(ctx, `SET GLOBAL temp_directory = `+quoteLit(req.TempDir)+`;
		SET GLOBAL enable_external_access = false;
		SET GLOBAL lock_configuration = true`); err != nil {
		return nil, fmt.Errorf("mở bản chụp phân tích: %w", err)
	}
	wrapped, err := checkQuery(ctx, db, req.SQL, req.Offset, req.N)
	if err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, wrapped)
	if err != nil {
		return nil, queryError(ctx, err, req.Limits)
	}
	defer rows.Close()
	res := &Result{Offset: req.Offset}
	res.Columns, _ = rows.Columns()
	cts, _ := rows.ColumnTypes()
	for _, ct := range cts {
		res.Types = append(res.Types, ct.DatabaseTypeName())
	}
	vals := make([]any, len(res.Columns))
	ptrs := make([]any, len(res.Columns))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if len(res.Rows) == req.N {
			res.Truncated = true
			break
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		r := make([]any, len(vals))
		for i, v := range vals {
			r[i] = cellValue(v)
		}
		res.Rows = append(res.Rows, r)
	}
	if err := rows.Err(); err != nil {
		return nil, queryError(ctx, err, req.Limits)
	}
	return res, nil
}

func queryError(ctx context.Context, err error, lim Limits) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%w (%s)", ErrTimeout, lim.Timeout)
	}
	msg := err.Error()
	if strings.Contains(msg, "Out of Memory") {
		return fmt.Errorf("%w (%s): %s", ErrMemory, sizeText(lim.MaxMemory), firstLine(msg))
	}
	return errors.New(firstLine(msg))
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// cellValue turns a driver value into one JSON carries without loss of
// meaning.
func cellValue(v any) any {
	switch x := v.(type) {
	case nil, bool, string, int64:
		return x
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return strconv.FormatFloat(x, 'g', -1, 64) // JSON has no NaN
		}
		return x
	case int8, int16, int32, int, uint8, uint16, uint32:
		n, _ := strconv.ParseInt(fmt.Sprint(x), 10, 64)
		return n
	case uint64:
		if x <= 1<<53 {
			return int64(x)
		}
		return strconv.FormatUint(x, 10)
	case float32:
		return cellValue(float64(x))
	case *big.Int:
		if x.IsInt64() {
			return x.Int64()
		}
		return x.String()
	case duckdb.Decimal:
		return cellValue(x.Float64())
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format("2006-01-02")
		}
		return x.Format(time.RFC3339)
	case []byte:
		return string(x)
	}
	return fmt.Sprint(v)
}
