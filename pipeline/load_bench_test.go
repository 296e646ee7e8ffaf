package pipeline

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"rasoat/dashboards"
	"rasoat/ingest"
	"rasoat/query"
	"rasoat/store"
)

// BenchmarkDashboardUnderIngest: 50 clients ask for the overview page over
// real HTTP (loopback) while the same server's database takes a large
// household list through the ingest path; the latencies are compared with
// the same 50 clients on an idle server in the same run. Reports p50 and
// p99 in milliseconds, idle and during the ingest. RASOAT_BENCH_ROWS sets
// the list's size (default 500 000).
func BenchmarkDashboardUnderIngest(b *testing.B) {
	rows := 500_000
	if v, err := strconv.Atoi(os.Getenv("RASOAT_BENCH_ROWS")); err == nil && v > 0 {
		rows = v
	}
	ctx := context.Background()
	dir := b.TempDir()
	db, err := store.Open(ctx, filepath.Join(dir, "s.duckdb"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	opt := ingest.Options{IDKey: []byte("bench-key-0123456789abcdef0123456789")}
	if _, err := BuildSample(ctx, db, dir, 7, 0.05, opt, nil); err != nil {
		b.Fatal(err)
	}
	var unit string
	if err := db.QueryRow(`SELECT min(unit_code) FROM ref_unit WHERE level = 'commune' AND valid_to IS NULL`).Scan(&unit); err != nil {
		b.Fatal(err)
	}
	list := filepath.Join(dir, "households.csv")
	writeHouseholdCSV(b, list, unit, rows)
	srv := httptest.NewServer(dashboards.NewServer(query.New(db.DB), dashboards.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

	// hammer runs 50 clients until stop is closed and returns the latencies.
	hammer := func(stop <-chan struct{}) []time.Duration {
		var mu sync.Mutex
		var lat []time.Duration
		var wg sync.WaitGroup
		for range 50 {
			wg.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					t0 := time.Now()
					resp, err := client.Get(srv.URL + "/")
					if err != nil {
						b.Error(err)
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						b.Errorf("overview: %s", resp.Status)
						return
					}
					d := time.Since(t0)
					mu.Lock()
					lat = append(lat, d)
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		return lat
	}
	pct := func(lat []time.Duration, p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		slices.Sort(lat)
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ResetTimer()
	for b.Loop() {
		// idle: the same clients for 5 s
		stop := make(chan struct{})
		time.AfterFunc(5*time.Second, func() { close(stop) })
		idle := hammer(stop)
		// during the ingest of the list
		stop = make(chan struct{})
		done := make(chan *ingest.FileReport, 1)
		var busy []time.Duration
		var wg sync.WaitGroup
		wg.Go(func() { busy = hammer(stop) })
		t0 := time.Now()
		big := opt
		big.MaxRows, big.MaxBytes = rows+10, 1<<30 // this one list, explicitly: the defaults stay
		go func() { done <- ingest.New(db, big).File(ctx, list) }()
		rep := <-done
		took := time.Since(t0)
		close(stop)
		wg.Wait()
		if rep.Status != ingest.Accepted {
			b.Fatalf("the list was not loaded: %s", rep.Summary())
		}
		b.ReportMetric(pct(idle, 0.50), "idle-p50-ms")
		b.ReportMetric(pct(idle, 0.99), "idle-p99-ms")
		b.ReportMetric(pct(busy, 0.50), "ingest-p50-ms")
		b.ReportMetric(pct(busy, 0.99), "ingest-p99-ms")
		b.ReportMetric(float64(len(busy))/took.Seconds(), "ingest-req/s")
		b.ReportMetric(float64(rows)/took.Seconds(), "rows/s")
	}
}

// writeHouseholdCSV writes a plain household list of n rows for one
// commune (2024, official), the layout of forms.md's Form D CSV.
func writeHouseholdCSV(b *testing.B, path, unit string, n int) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("year,stage,unit_code,household_id,village,head_name,head_id,ethnicity,area,members,income_per_capita,dep_01,dep_02,dep_03,class_end,change\n")
	for i := range n {
		cls := []string{"poor", "near_poor", "escaped", "none"}[i%4]
		fmt.Fprintf(w, "2024,official,%s,HH-%08d,Thôn %d,Chủ hộ %d,0661%08d,Kinh,rural,%d,%d,%d,0,%d,%s,old\n",
			unit, i, i%40, i, i, 1+i%7, 600000+i%900000, i%2, i%3/2, cls)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
}
