package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"rasoat/ingest"
	"rasoat/ingest/problem"
	"rasoat/ingest/refdata"
	"rasoat/ingest/remote"
	"rasoat/ingest/sheet"
	"rasoat/ingest/vnnum"
	"rasoat/pipeline"
	"rasoat/review"
	"rasoat/store"
)

func runIngest(ctx context.Context, e *env, args []string) int {
	fs := flags(e, "ingest", "ingest (--db DB | --server URL [--user NAME]) [--year Y] [--stage preliminary|official|reverified|approved] [--unit CODE] [--standard S] [--dry-run] [--partial] [--explain] [--json] [--max-bytes N] [--max-rows N] [--max-cols N] [--max-unzipped N] FILE_OR_DIR...")
	dbPath := fs.String("db", "", "tệp cơ sở dữ liệu DuckDB")
	server := fs.String("server", "", "gửi tệp tới máy chủ rasoat đang chạy (vd. http://localhost:8080) thay vì ghi trực tiếp")
	user := fs.String("user", "", "với --server: tên đăng nhập cán bộ; mật khẩu đọc từ biến môi trường "+remote.PasswordEnv)
	year := fs.Int("year", 0, "năm rà soát (ghi đè tiêu đề biểu)")
	stage := fs.String("stage", "", "giai đoạn: preliminary, official, reverified, approved")
	unit := fs.String("unit", "", "mã đơn vị báo cáo (ghi đè tiêu đề biểu)")
	standard := fs.String("standard", "", "chuẩn nghèo: QD59_2015, ND07_2021, ND351_2025")
	dry := fs.Bool("dry-run", false, "chỉ kiểm tra, không ghi")
	partial := fs.Bool("partial", false, "tệp chỉ sửa các đơn vị có trong nó; các đơn vị khác của tệp trước vẫn giữ (không có cờ này, tệp ít đơn vị hơn tệp trước bị từ chối: E_FEWER_UNITS)")
	asJSON := fs.Bool("json", false, "in báo cáo dạng JSON")
	keyFile := fs.String("id-key-file", "", "tệp khóa băm số CCCD (mặc định: DB.idkey, tạo mới nếu chưa có; hoặc RASOAT_ID_KEY_FILE)")
	maxBytes := fs.String("max-bytes", "1GB", "dung lượng tối đa của một tệp (E_TOO_LARGE)")
	maxRows := fs.Int("max-rows", 0, "số dòng tối đa của một sheet hoặc tệp CSV (E_TOO_MANY_ROWS; 0 = 5.000.000)")
	maxCols := fs.Int("max-cols", 0, "số cột tối đa (E_TOO_MANY_COLUMNS; 0 = 200)")
	maxUnzipped := fs.String("max-unzipped", "1GB", "dung lượng tối đa sau giải nén của tệp .xlsx (E_ZIP_BOMB)")
	explain := fs.Bool("explain", false, "chỉ đọc tệp và in cách đọc: lớp của từng dòng (tiêu đề, tiêu đề cột, số cột, nhóm, dữ liệu, tổng, cuối biểu, trống) với lý do, và cột nào là trường nào; không cần --db")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *explain {
		if fs.NArg() == 0 {
			return usageErr(e, fs, "--explain cần ít nhất một tệp")
		}
		return explainFiles(ctx, e, fs.Args())
	}
	if (*dbPath == "") == (*server == "") || fs.NArg() == 0 {
		return usageErr(e, fs, "cần --db hoặc --server (một trong hai) và ít nhất một tệp hoặc thư mục")
	}
	if *user != "" && *server == "" {
		return usageErr(e, fs, "--user chỉ dùng với --server")
	}
	fl := ingest.Flags{Year: *year, Unit: *unit, Standard: *standard, DryRun: *dry, Partial: *partial}
	if *stage != "" {
		s, err := review.ParseStage(*stage)
		if err != nil {
			return usageErr(e, fs, err.Error())
		}
		fl.Stage = s
	}
	mb, err1 := parseSize(*maxBytes)
	mu, err2 := parseSize(*maxUnzipped)
	if err1 != nil || err2 != nil || *maxRows < 0 || *maxCols < 0 {
		return usageErr(e, fs, "giới hạn không hợp lệ (dung lượng ghi như 100MB, 2GB hoặc số byte)")
	}
	paths, err := ingest.Paths(fs.Args())
	if err != nil {
		return usageErr(e, fs, err.Error())
	}
	if *server != "" {
		cred, err := serverCredentials(*user)
		if err != nil {
			return usageErr(e, fs, err.Error())
		}
		reps, err := remote.Upload(ctx, nil, *server, cred, paths, fl)
		if err != nil {
			return fail(e, "%v", err)
		}
		return report(e, reps, *asJSON)
	}

	db, err := store.Open(ctx, *dbPath)
	if err != nil && store.IsLocked(err) {
		if s, ok := remote.Read(*dbPath); ok {
			return fail(e, "cơ sở dữ liệu %s đang do máy chủ rasoat tại %s (PID %d) giữ. Tải tệp lên tại %supload (đăng nhập bằng tài khoản cán bộ) "+
				"hoặc chạy lại với --server %s --user TÊN, mật khẩu trong biến môi trường %s",
				*dbPath, s.URL, s.PID, s.URL, strings.TrimRight(s.URL, "/"), remote.PasswordEnv)
		}
	}
	if err != nil {
		return fail(e, "%v", err)
	}
	defer db.Close()
	if *keyFile == "" {
		*keyFile = *dbPath + ".idkey"
	}
	opt := ingest.Options{Year: fl.Year, Stage: fl.Stage, Unit: fl.Unit, Standard: fl.Standard, DryRun: fl.DryRun, Partial: fl.Partial, LoadedBy: loadedBy("cli"),
		MaxBytes: mb, MaxRows: *maxRows, MaxCols: *maxCols, MaxUnzipped: mu}
	if opt.IDKey, err = pipeline.IDKey(*keyFile); err != nil {
		return fail(e, "khóa băm: %v", err)
	}
	if _, err := refdata.LoadShipped(ctx, db, nil); err != nil {
		return fail(e, "dữ liệu tham chiếu: %v", err)
	}
	var prog *progress
	if f, ok := e.stderr.(*os.File); ok && isTerminal(f) {
		prog = &progress{w: f, start: time.Now()}
		opt.Progress = prog.update
	}
	g := ingest.New(db, opt)
	var reps []*ingest.FileReport
	for _, p := range paths {
		if prog != nil {
			prog.begin()
		}
		r := g.File(ctx, p)
		if prog != nil {
			prog.clear()
		}
		reps = append(reps, r)
		if !*asJSON {
			fmt.Fprintln(e.stdout, r.Summary())
		}
	}
	if *asJSON {
		return report(e, reps, true)
	}
	return exitCode(reps)
}

// serverCredentials is --user with its password. The password comes only
// from RASOAT_PASSWORD: a flag would show it in the process list, and
// reading it from the terminal without echo needs golang.org/x/term, which
// is not a dependency of this module.
func serverCredentials(user string) (remote.Credentials, error) {
	if user == "" {
		return remote.Credentials{}, nil
	}
	pw, ok := os.LookupEnv(remote.PasswordEnv)
	if !ok || pw == "" {
		return remote.Credentials{}, fmt.Errorf("--user %s cần mật khẩu trong biến môi trường %s (không nhận mật khẩu qua tham số dòng lệnh)", user, remote.PasswordEnv)
	}
	return remote.Credentials{User: user, Password: pw}, nil
}

// report prints the reports (one line per file, or JSON) and returns the
// exit code: 1 when any file was rejected.
func report(e *env, reps []*ingest.FileReport, asJSON bool) int {
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(reps); err != nil {
			return fail(e, "%v", err)
		}
	} else {
		for _, r := range reps {
			fmt.Fprintln(e.stdout, r.Summary())
		}
	}
	return exitCode(reps)
}

func exitCode(reps []*ingest.FileReport) int {
	for _, r := range reps {
		if r.Status == ingest.Rejected {
			return exitFail
		}
	}
	return exitOK
}

// loadedBy names who loads: the OS user, for the provenance of ingest_file.
func loadedBy(via string) string {
	for _, k := range []string{"USER", "USERNAME", "LOGNAME"} {
		if u := os.Getenv(k); u != "" {
			return via + ":" + u
		}
	}
	return via
}

// parseSize reads "100MB", "2GB", "512KB" or a number of bytes.
func parseSize(s string) (int64, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		m      int64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.m
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("dung lượng không hợp lệ %q", s)
	}
	return n * mult, nil
}

// isTerminal: progress is drawn only on a terminal, never into a log file
// or a pipe.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progress draws one status line for a long load: rows read, rows/s and,
// when the total is known, the time left.
type progress struct {
	w     io.Writer
	start time.Time

	mu    sync.Mutex
	t0    time.Time
	last  time.Time
	drawn bool
}

func (p *progress) begin() {
	p.mu.Lock()
	p.t0, p.last = time.Now(), time.Time{}
	p.mu.Unlock()
}

func (p *progress) update(file string, rows, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if now.Sub(p.last) < 250*time.Millisecond {
		return
	}
	p.last = now
	el := now.Sub(p.t0).Seconds()
	if el <= 0 {
		return
	}
	rate := float64(rows) / el
	line := fmt.Sprintf("%s: %s dòng, %s dòng/giây", file, vnnum.Format(float64(rows)), vnnum.Format(math.Round(rate)))
	if total > rows && rate > 0 {
		line += fmt.Sprintf(", còn khoảng %s", (time.Duration(float64(total-rows)/rate) * time.Second).Round(time.Second))
	}
	fmt.Fprintf(p.w, "\r\033[K%s", line)
	p.drawn = true
}

func (p *progress) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
		p.drawn = false
	}
}

// runUnitsCensus imports census or registry household counts per unit
// into ref_census: `rasoat units census --db DB FILE`.
func runUnitsCensus(ctx context.Context, e *env, args []string) int {
	fs := flags(e, "units census", "units census --db DB [--ref-date YYYY-MM-DD] FILE")
	dbPath := fs.String("db", "", "tệp cơ sở dữ liệu DuckDB (bắt buộc)")
	date := fs.String("ref-date", "", "ngày tham chiếu của số liệu (mặc định: theo tên tệp, vd. census2019 → 01/04/2019)")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *dbPath == "" || fs.NArg() != 1 {
		return usageErr(e, fs, "cần --db và đúng một tệp")
	}
	file := fs.Arg(0)
	d, ok := refdata.CensusDate(file)
	if *date != "" {
		var err error
		if d, err = time.Parse("2006-01-02", *date); err != nil {
			return usageErr(e, fs, "ngày phải có dạng YYYY-MM-DD")
		}
		ok = true
	}
	if !ok {
		return usageErr(e, fs, "không biết ngày tham chiếu: dùng --ref-date")
	}
	f, err := os.Open(file)
	if err != nil {
		return fail(e, "%v", err)
	}
	defer f.Close()
	rows, err := refdata.ReadCensus(file, f)
	if err != nil {
		return fail(e, "%v", err)
	}
	db, err := store.Open(ctx, *dbPath)
	if err != nil {
		return fail(e, "%v", err)
	}
	defer db.Close()
	n, err := refdata.ImportCensus(ctx, db, file, rows, d)
	if err != nil {
		return fail(e, "%v", err)
	}
	fmt.Fprintf(e.stdout, "%s: đã nạp số hộ của %d đơn vị, ngày %s\n", filepath.Base(file), n, d.Format("02/01/2006"))
	return exitOK
}

// explainFiles prints how each file's forms are read (ingest --explain):
// the reader's decisions, with no database and nothing written.
func explainFiles(ctx context.Context, e *env, args []string) int {
	paths, err := ingest.Paths(args)
	if err != nil {
		return fail(e, "%v", err)
	}
	code := 0
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			fmt.Fprintf(e.stderr, "%s: %v\n", p, err)
			code = 1
			continue
		}
		var forms []sheet.Form
		var probs problem.List
		name := filepath.Base(p)
		if strings.EqualFold(filepath.Ext(p), ".csv") {
			forms, probs = sheet.ReadCSV(ctx, name, f, sheet.Options{})
		} else {
			forms, probs = sheet.ReadXLSX(ctx, name, f, sheet.Options{})
		}
		f.Close()
		if err := sheet.WriteExplanation(e.stdout, forms); err != nil {
			return fail(e, "%v", err)
		}
		for _, pr := range probs {
			fmt.Fprintf(e.stdout, "   %s\n", pr.Error())
		}
		if probs.Rejects() {
			code = 1
		}
		fmt.Fprintln(e.stdout)
	}
	return code
}
