package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"rasoat/cases"
	"rasoat/dashboards"
	"rasoat/dashboards/geo"
	"rasoat/ingest"
	"rasoat/pipeline"
	"rasoat/query"
	"rasoat/store"
)

func runServe(ctx context.Context, e *env, args []string) int {
	fs := flags(e, "serve", "serve --db DB [--addr HOST:PORT] [--users FILE] [--geo FILE|DIR ...]")
	dbPath := fs.String("db", "", "tệp cơ sở dữ liệu DuckDB (bắt buộc)")
	addr := fs.String("addr", "localhost:8080", "địa chỉ lắng nghe")
	usersPath := fs.String("users", "", "tệp người dùng CSV (username, role, bcrypt hash[, unit]): bật đăng nhập, hồ sơ phúc tra và phê duyệt")
	lim := sqlLimitFlags(fs)
	var geoPaths geoFlag
	fs.Var(&geoPaths, "geo", "tệp GeoJSON ranh giới huyện/xã (thuộc tính code = mã đơn vị) hoặc thư mục chứa các tệp đó; lặp lại được")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *dbPath == "" || fs.NArg() > 0 {
		return usageErr(e, fs, "cần --db")
	}
	// The server is the single writer of its database (DuckDB allows one
	// read-write process): it opens it read-write.
	db, err := store.Open(ctx, *dbPath)
	if err != nil {
		return fail(e, "%v", err)
	}
	defer db.Close()
	users, err := loadUsers(*usersPath)
	if err != nil {
		return fail(e, "%v", err)
	}
	set, err := geo.Load(geoPaths)
	if err != nil {
		return fail(e, "%v", err)
	}
	return serveFull(ctx, e, db, *addr, nil, users, lim.limits(), set)
}

// geoFlag collects repeated --geo values.
type geoFlag []string

func (g *geoFlag) String() string     { return strings.Join(*g, ",") }
func (g *geoFlag) Set(v string) error { *g = append(*g, v); return nil }

// serve runs the dashboards until ctx ends. ready, when set, is told the
// URL once the listener is up.
func serve(ctx context.Context, e *env, db *store.DB, addr string, ready func(url string)) int {
	return serveWith(ctx, e, db, addr, ready, nil)
}

// serveWith is serve with users (nil: no sign-in, no cases).
func serveWith(ctx context.Context, e *env, db *store.DB, addr string, ready func(url string), users *cases.Users) int {
	return serveFull(ctx, e, db, addr, ready, users, store.DefaultLimits(), nil)
}

// serveFull is serveWith with the admin's limits on analysts' SQL and the
// dashboard's map layers (nil: no maps).
func serveFull(ctx context.Context, e *env, db *store.DB, addr string, ready func(url string), users *cases.Users, lim store.Limits, set *geo.Set) int {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fail(e, "không mở được cổng %s: %v", addr, err)
	}
	opts := withCases(e, db, users, withUpload(e, db, dashboards.Options{Logger: e.log, Geo: set}))
	opts.Users = users
	withNotebook(ctx, e, db, &opts, lim)
	h := dashboards.NewServer(query.New(db.DB), opts)
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	url := "http://" + ln.Addr().String() + "/"
	fmt.Fprintf(e.stdout, "Bảng điều khiển: %s  (Ctrl+C để dừng)\n", url)
	defer announce(e, db, url)()
	if ready != nil {
		ready(url)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shut)
		return exitOK
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return exitOK
		}
		return fail(e, "máy chủ: %v", err)
	}
}

func runDemo(ctx context.Context, e *env, args []string) int {
	fs := flags(e, "demo", "demo [--dir DIR] [--addr HOST:PORT] [--seed N] [--scale X] [--rebuild]")
	dir := fs.String("dir", "rasoat-demo", "thư mục chứa tỉnh mẫu và cơ sở dữ liệu")
	addr := fs.String("addr", "localhost:8080", "địa chỉ lắng nghe")
	seed := fs.Uint64("seed", 1, "hạt giống của tỉnh mẫu")
	scale := fs.Float64("scale", 1, "quy mô số hộ (1 ≈ 490.000 hộ)")
	rebuild := fs.Bool("rebuild", false, "xóa và tạo lại cơ sở dữ liệu")
	noServe := fs.Bool("no-serve", false, "chỉ tạo và nạp, không mở máy chủ")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return usageErr(e, fs, "không nhận tham số vị trí")
	}
	t0 := time.Now()
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return fail(e, "%v", err)
	}
	dbPath := filepath.Join(*dir, "rasoat.duckdb")
	if *rebuild {
		for _, p := range []string{dbPath, dbPath + ".wal"} {
			os.Remove(p)
		}
		os.RemoveAll(filepath.Join(*dir, "sample"))
	}
	_, statErr := os.Stat(dbPath)
	fresh := os.IsNotExist(statErr)
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		return fail(e, "%v", err)
	}
	defer db.Close()
	var loaded int
	if !fresh {
		db.QueryRowContext(ctx, `SELECT count(*) FROM ingest_file`).Scan(&loaded)
	}
	if loaded > 0 {
		fmt.Fprintf(e.stdout, "Dùng lại cơ sở dữ liệu %s (%d tệp đã nạp). Dùng --rebuild để tạo lại.\n", dbPath, loaded)
	} else {
		key, err := pipeline.IDKey(dbPath + ".idkey")
		if err != nil {
			return fail(e, "khóa băm: %v", err)
		}
		fmt.Fprintf(e.stdout, "Tạo tỉnh mẫu (DỮ LIỆU TỔNG HỢP, seed %d) trong %s …\n", *seed, filepath.Join(*dir, "sample"))
		rep, err := pipeline.BuildSample(ctx, db, *dir, *seed, *scale, ingest.Options{LoadedBy: "demo", IDKey: key}, e.log)
		if err != nil {
			return fail(e, "%v", err)
		}
		fmt.Fprintf(e.stdout, "Tạo dữ liệu: %.1fs; nạp %d tệp (%d chấp nhận, %d từ chối, %d dòng, %d phát hiện): %.1fs; tính toán: %.1fs\n",
			rep.Synth.Seconds(), rep.Files, rep.Accepted, rep.Rejected, rep.Rows, rep.Findings, rep.Ingest.Seconds(), rep.Transform.Seconds())
		for _, r := range rep.Rejections {
			fmt.Fprintln(e.stdout, "  "+r)
		}
	}
	fmt.Fprintf(e.stdout, "Sẵn sàng sau %.1fs.\n", time.Since(t0).Seconds())
	if *noServe {
		return exitOK
	}
	users, err := demoUsers(e, *dir, *rebuild)
	if err != nil {
		return fail(e, "người dùng: %v", err)
	}
	// the sample's synthetic boundaries (data/synth/geo.go) for the maps
	var set *geo.Set
	if gdir := filepath.Join(*dir, "sample", "geo"); dirExists(gdir) {
		if set, err = geo.Load([]string{gdir}); err != nil {
			return fail(e, "%v", err)
		}
	}
	return serveFull(ctx, e, db, *addr, nil, users, store.DefaultLimits(), set)
}

func dirExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
