// Command rasoat loads the annual review of poor and near-poor households
// into DuckDB, computes the measures and serves the dashboards. Each
// subcommand only parses flags and wires library packages together.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// command is one subcommand: its flags are parsed by run itself.
type command struct {
	name, summary string
	run           func(ctx context.Context, env *env, args []string) int
}

// env is what a command may touch; tests give their own.
type env struct {
	stdout, stderr io.Writer
	log            *slog.Logger
}

// Exit codes: 0 success, 1 the work failed (e.g. a file was rejected), 2 usage.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

func commands() []command {
	return []command{
		{"demo", "tạo tỉnh mẫu, nạp, tính toán và mở bảng điều khiển (một lệnh)", runDemo},
		{"synth", "tạo dữ liệu tỉnh mẫu (tổng hợp) vào một thư mục", runSynth},
		{"units", "nạp danh mục đơn vị hành chính (units import) hoặc bảng chuyển đổi (units crosswalk)", runUnits},
		{"ingest", "nạp biểu mẫu Excel/CSV/Parquet vào cơ sở dữ liệu", runIngest},
		{"transform", "tính lại các chỉ tiêu (tỷ lệ, giảm nghèo, …)", runTransform},
		{"sql", "chạy truy vấn SQL chỉ đọc trên cơ sở dữ liệu", runSQL},
		{"export", "xuất các view phân tích ra Parquet (phân vùng theo năm) hoặc tài liệu lược đồ", runExport},
		{"serve", "mở bảng điều khiển web", runServe},
		{"anomalies", "danh sách xã cần phúc tra, xếp theo mức bất thường, kèm lý do", runAnomalies},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := &env{stdout: os.Stdout, stderr: os.Stderr, log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))}
	os.Exit(run(ctx, e, os.Args[1:]))
}

func run(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(e.stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, e, args[1:])
		}
	}
	fmt.Fprintf(e.stderr, "rasoat: lệnh không hợp lệ %q\n\n", args[0])
	usage(e.stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "rasoat — phân tích kết quả rà soát hộ nghèo, hộ cận nghèo")
	fmt.Fprintln(w, "\nCách dùng: rasoat <lệnh> [tùy chọn]\n\nCác lệnh:")
	cs := commands()
	sort.Slice(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	for _, c := range cs {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nXem tùy chọn của một lệnh: rasoat <lệnh> --help")
}

// flags makes a FlagSet whose --help prints to stderr and exits 0 via parse.
func flags(e *env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Cách dùng: rasoat %s\n\nTùy chọn:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args; ok=false means return code.
func parse(fs *flag.FlagSet, args []string) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, false
		}
		return exitUsage, false
	}
	return 0, true
}

func usageErr(e *env, fs *flag.FlagSet, msg string) int {
	fmt.Fprintf(e.stderr, "rasoat %s: %s\n", fs.Name(), msg)
	fs.Usage()
	return exitUsage
}

func fail(e *env, format string, args ...any) int {
	fmt.Fprintf(e.stderr, "rasoat: "+format+"\n", args...)
	return exitFail
}

func joinArgs(a []string) string { return strings.Join(a, " ") }
