// Command scale measures rasoat from one province to national size and
// prints one table (bench/scale.sh runs it):
//
//   - CSV ingest against DuckDB's own read_csv on the same household list,
//     each in a fresh database file, in the same run;
//   - load, transform and phúc tra ranking time for the sample province (the
//     workbooks), 10 provinces and the national set (--provinces, default 55:
//     about 10 000 communes and 27 M households), as `rasoat synth --scale N`
//     writes them and the command line loads them;
//   - the anomaly models' share of the transform;
//   - the peak RSS of every step, each a process of its own;
//   - dashboard latency (p50/p99) for 50 clients on an idle server and while
//     the same server ingests a 500 000-row household list.
//
// Every step runs the rasoat binary (or this one, re-executed for the steps
// that need a library: the read_csv baseline and the dashboard load), so a
// step's peak RSS is its process's own.
package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"rasoat/dashboards"
	"rasoat/ingest"
	"rasoat/ingest/vnnum"
	"rasoat/query"
	"rasoat/store"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "child" {
		if err := child(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "scale:", err)
			os.Exit(1)
		}
		return
	}
	bin := flag.String("rasoat", "", "the rasoat binary (bench/scale.sh builds it)")
	work := flag.String("work", filepath.Join(os.TempDir(), "rasoat-scale"), "working directory (needs about 15 GB for 55 provinces)")
	sizes := flag.String("provinces", "1,10,55", "sizes to measure, in provinces; 1 is the sample province with its workbooks")
	clients := flag.Int("clients", 50, "dashboard clients")
	flag.Parse()
	if *bin == "" {
		fmt.Fprintln(os.Stderr, "scale: cần --rasoat BIN")
		os.Exit(2)
	}
	if err := run(*bin, *work, *sizes, *clients); err != nil {
		fmt.Fprintln(os.Stderr, "scale:", err)
		os.Exit(1)
	}
}

// step is one measured process.
type step struct {
	wall   time.Duration
	rssMiB float64
	out    string
}

func measure(name string, args ...string) (step, error) {
	cmd := exec.Command(name, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	t0 := time.Now()
	err := cmd.Run()
	s := step{wall: time.Since(t0), out: out.String()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		s.rssMiB = float64(ru.Maxrss) / 1024 // Linux: KiB
	}
	if err != nil {
		return s, fmt.Errorf("%s %s: %w\n%s", filepath.Base(name), strings.Join(args, " "), err, tail(s.out, 2000))
	}
	return s, nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

type row struct{ what, value, rss string }

func run(bin, work string, sizes string, clients int) error {
	if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	var rows []row
	add := func(what, value string, rss float64) {
		r := row{what: what, value: value}
		if rss > 0 {
			r.rss = vnnum.FormatInt(int64(rss)) + " MiB"
		}
		rows = append(rows, r)
		fmt.Fprintf(os.Stderr, "  %-62s %-40s %s\n", r.what, r.value, r.rss)
	}
	var transforms []string
	var national string // database of the largest size
	var nationalDir string
	for _, f := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return fmt.Errorf("--provinces: %q", f)
		}
		dir := filepath.Join(work, fmt.Sprintf("p%d", n))
		db := dir + ".duckdb"
		os.RemoveAll(dir)
		os.RemoveAll(dir + "-export")
		removeDB(db)
		label := fmt.Sprintf("%d tỉnh", n)
		if n == 1 {
			label = "tỉnh mẫu (biểu Excel)"
		}
		s, err := measure(bin, "synth", "--out", dir, "--scale", strconv.Itoa(n))
		if err != nil {
			return err
		}
		add("synth "+label, dur(s.wall)+" · "+strings.TrimSpace(afterColon(s.out)), s.rssMiB)

		ld, files, err := load(bin, dir, db)
		if err != nil {
			return err
		}
		var hh, communes int64
		if err := withDB(db, func(d *sql.DB) error {
			if err := d.QueryRow(`SELECT count(*) FROM raw_household`).Scan(&hh); err != nil {
				return err
			}
			return d.QueryRow(`SELECT count(*) FROM ref_unit WHERE level = 'commune' AND valid_from < DATE '2025-07-01'`).Scan(&communes)
		}); err != nil {
			return err
		}
		add("nạp (ingest) "+label, fmt.Sprintf("%s · %d tệp, %s xã, %s hộ trong danh sách", dur(ld.wall), files,
			vnnum.FormatInt(communes), vnnum.FormatInt(hh)), ld.rssMiB)

		tr, err := measure(bin, "transform", "--db", db)
		if err != nil {
			return err
		}
		anomalyMs := modelTime(tr.out, "anomal")
		add("transform "+label, dur(tr.wall)+" · trong đó các mô hình bất thường "+dur(time.Duration(anomalyMs)*time.Millisecond), tr.rssMiB)
		transforms = append(transforms, fmt.Sprintf("%s %s", label, dur(tr.wall)))

		if st, err := os.Stat(db); err == nil {
			add("cơ sở dữ liệu sau transform "+label, vnnum.FormatInt(st.Size()>>20)+" MiB", 0)
		}
		ex, err := measure(bin, "export", "--db", db, "--format", "parquet", "--out", dir+"-export")
		if err != nil {
			return err
		}
		add("xuất Parquet mọi view phân tích (rasoat export) "+label, dur(ex.wall)+" · "+vnnum.FormatInt(dirSize(dir+"-export")>>20)+" MiB", ex.rssMiB)

		an, err := measure(bin, "anomalies", "--db", db, "--year", "2026", "--format", "csv")
		if err != nil {
			return err
		}
		add("xếp hạng phúc tra (rasoat anomalies --year 2026) "+label,
			fmt.Sprintf("%s · %s dòng", dur(an.wall), vnnum.FormatInt(int64(strings.Count(an.out, "\n")-1))), an.rssMiB)
		if n > 1 {
			national, nationalDir = db, dir
		}
	}
	if national == "" {
		return fmt.Errorf("--provinces needs a size above 1 for the ingest and dashboard rows")
	}

	// CSV ingest against read_csv, same file, same run, fresh databases.
	lists, _ := filepath.Glob(filepath.Join(nationalDir, "households", "*.csv"))
	if len(lists) == 0 {
		return fmt.Errorf("no household list under %s", nationalDir)
	}
	list := lists[0]
	ours := filepath.Join(work, "ours.duckdb")
	base := filepath.Join(work, "readcsv.duckdb")
	var ratios []float64
	for range 3 {
		removeDB(ours)
		removeDB(base)
		if err := importUnits(bin, nationalDir, ours); err != nil {
			return err
		}
		o, err := measure(bin, "ingest", "--db", ours, list)
		if err != nil {
			return err
		}
		b, err := measure(self, "child", "readcsv", base, list)
		if err != nil {
			return err
		}
		ratios = append(ratios, o.wall.Seconds()/b.wall.Seconds())
		add("nạp danh sách hộ CSV: rasoat ingest / DuckDB read_csv (cùng tệp)",
			fmt.Sprintf("%s / %s = %s", dur(o.wall), dur(b.wall), vnnum.FormatFixed(o.wall.Seconds()/b.wall.Seconds(), 2)), o.rssMiB)
	}
	slices.Sort(ratios)

	// Dashboards under load while the national database ingests a list.
	d, err := measure(self, "child", "dashload", national, filepath.Join(work, "load.csv"), strconv.Itoa(clients))
	if err != nil {
		return err
	}
	add(fmt.Sprintf("bảng điều khiển, %d máy khách: p50/p99 lúc rảnh; lúc nạp 500.000 hộ", clients), strings.TrimSpace(d.out), d.rssMiB)

	fmt.Println("| bước | kết quả | RSS đỉnh |")
	fmt.Println("| --- | --- | --- |")
	for _, r := range rows {
		fmt.Printf("| %s | %s | %s |\n", r.what, r.value, r.rss)
	}
	fmt.Printf("\nTransform: %s. CSV ingest / read_csv, median of 3: %s.\n", strings.Join(transforms, " → "), vnnum.FormatFixed(ratios[1], 2))
	return nil
}

func afterColon(s string) string {
	if i := strings.Index(s, ": "); i >= 0 {
		return s[i+2:]
	}
	return s
}

func dur(d time.Duration) string { return vnnum.FormatFixed(d.Seconds(), 1) + " s" }

func removeDB(p string) {
	for _, s := range []string{"", ".wal", ".idkey", ".analyst.duckdb", ".analyst.duckdb.wal"} {
		os.Remove(p + s)
	}
}

func importUnits(bin, dir, db string) error {
	units, _ := filepath.Glob(filepath.Join(dir, "units", "units_*.csv"))
	slices.Sort(units)
	for _, u := range units {
		if _, err := measure(bin, "units", "import", "--db", db, u); err != nil {
			return err
		}
	}
	xws, _ := filepath.Glob(filepath.Join(dir, "units", "crosswalk_*.csv"))
	for _, x := range xws {
		if _, err := measure(bin, "units", "crosswalk", "--db", db, x); err != nil {
			return err
		}
	}
	return nil
}

// load runs the command line an officer would: unit lists, crosswalk, then
// every form, export and household list in one ingest.
func load(bin, dir, db string) (step, int, error) {
	if err := importUnits(bin, dir, db); err != nil {
		return step{}, 0, err
	}
	args := []string{"ingest", "--db", db}
	files := 0
	for _, sub := range []string{"forms", "exports", "households"} {
		p := filepath.Join(dir, sub)
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			args = append(args, p)
			filepath.WalkDir(p, func(_ string, e os.DirEntry, _ error) error {
				if e != nil && !e.IsDir() {
					files++
				}
				return nil
			})
		}
	}
	s, err := measure(bin, args...)
	if err != nil {
		return s, files, err
	}
	return s, files, nil
}

var modelLine = regexp.MustCompile(`(?m)^models/(\S+)\s+(\d+) ms`)

// modelTime sums the transform's reported times of the models whose file
// name contains part.
func modelTime(out, part string) int64 {
	var ms int64
	for _, m := range modelLine.FindAllStringSubmatch(out, -1) {
		if strings.Contains(m[1], part) {
			v, _ := strconv.ParseInt(m[2], 10, 64)
			ms += v
		}
	}
	return ms
}

func withDB(path string, f func(*sql.DB) error) error {
	d, err := sql.Open("duckdb", path+"?access_mode=read_only")
	if err != nil {
		return err
	}
	defer d.Close()
	return f(d)
}

func child(args []string) error {
	switch {
	case len(args) == 3 && args[0] == "readcsv":
		d, err := sql.Open("duckdb", args[1])
		if err != nil {
			return err
		}
		defer d.Close()
		_, err = d.Exec(`CREATE TABLE t AS SELECT * FROM read_csv(` + quote(args[2]) + `)`)
		return err
	case len(args) == 4 && args[0] == "dashload":
		n, err := strconv.Atoi(args[3])
		if err != nil {
			return err
		}
		return dashLoad(args[1], args[2], n)
	}
	return fmt.Errorf("child: %q", args)
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// dashLoad serves the dashboards of the database over loopback HTTP to n
// clients for 5 s idle, then while the same database ingests a 500 000-row
// household list, and prints the latencies.
func dashLoad(path, listPath string, n int) error {
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	var unit string
	if err := db.QueryRow(`SELECT min(unit_code) FROM ref_unit WHERE level = 'commune' AND valid_from < DATE '2025-07-01'`).Scan(&unit); err != nil {
		return err
	}
	const listRows = 500_000
	if err := writeList(listPath, unit, listRows); err != nil {
		return err
	}
	srv := httptest.NewServer(dashboards.NewServer(query.New(db.DB), dashboards.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 2 * n}}
	var failed error
	var fmu sync.Mutex
	hammer := func(stop <-chan struct{}) []time.Duration {
		var mu sync.Mutex
		var lat []time.Duration
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					t0 := time.Now()
					resp, err := client.Get(srv.URL + "/")
					if err == nil {
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if resp.StatusCode != http.StatusOK {
							err = fmt.Errorf("overview: %s", resp.Status)
						}
					}
					if err != nil {
						fmu.Lock()
						failed = err
						fmu.Unlock()
						return
					}
					mu.Lock()
					lat = append(lat, time.Since(t0))
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		return lat
	}
	// one unmeasured pass fills the caches, as a running server has them
	if resp, err := client.Get(srv.URL + "/"); err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	stop := make(chan struct{})
	time.AfterFunc(5*time.Second, func() { close(stop) })
	idle := hammer(stop)

	stop = make(chan struct{})
	var busy []time.Duration
	var wg sync.WaitGroup
	wg.Go(func() { busy = hammer(stop) })
	t0 := time.Now()
	opt := ingest.Options{IDKey: []byte("bench-key-0123456789abcdef0123456789")}
	rep := ingest.New(db, opt).File(ctx, listPath)
	took := time.Since(t0)
	close(stop)
	wg.Wait()
	if failed != nil {
		return failed
	}
	if rep.Status != ingest.Accepted {
		return fmt.Errorf("the list was not loaded: %s", rep.Summary())
	}
	fmt.Printf("%s / %s ms; %s / %s ms (nạp %s, %s yêu cầu/s)\n", ms(pct(idle, 0.5)), ms(pct(idle, 0.99)),
		ms(pct(busy, 0.5)), ms(pct(busy, 0.99)), dur(took), vnnum.FormatInt(int64(float64(len(busy))/took.Seconds())))
	return nil
}

func ms(d time.Duration) string { return vnnum.FormatFixed(float64(d.Microseconds())/1000, 1) }

func pct(lat []time.Duration, p float64) time.Duration {
	if len(lat) == 0 {
		return 0
	}
	slices.Sort(lat)
	return lat[min(len(lat)-1, int(p*float64(len(lat))))]
}

// writeList writes a 2023 household list of one commune (a year the
// national set has no list for, so it adds data rather than replacing it).
func writeList(path, unit string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("year,stage,unit_code,household_id,village,head_name,head_id,ethnicity,area,members,b1_score,dep_01,dep_02,dep_03,class_end,change\n")
	for i := range n {
		cls := []string{"poor", "near_poor", "escaped", "none"}[i%4]
		fmt.Fprintf(w, "2023,official,%s,HH-%08d,Thôn %d,Chủ hộ %d,0999%08d,Kinh,rural,%d,%d,%d,0,%d,%s,old\n",
			unit, i, i%40, i, i, 1+i%7, 60+i%200, i%2, i%3/2, cls)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			if fi, err := e.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}
