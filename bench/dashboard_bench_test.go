package bench

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"rasoat/dashboards"
	"rasoat/dashboards/geo"
	"rasoat/query"
	"rasoat/query/querytest"
)

// BenchmarkDashboardHTTP measures the leader's dashboard over real HTTP on
// the sample province with 50 concurrent clients (b.RunParallel with
// 25 × GOMAXPROCS goroutines on 2 cores), reporting p50 and p99 latency
// per request. The baseline is a static asset served by the same server
// in the same run (static-asset). Run:
//
//	go test ./bench -run '^$' -bench DashboardHTTP -benchtime 2000x
//
// States: warm cycles 44 (year, unit) states after one unmeasured pass, so the
// answers come from the ETag-keyed cache; cold adds a never-seen parameter
// to every request, so each one reads the database and renders afresh;
// revalidate sends the ETag back and gets 304.
func BenchmarkDashboardHTTP(b *testing.B) {
	smp := querytest.OpenSample(b)
	set, err := geo.Load([]string{filepath.Join(smp.Dir, "geo")})
	if err != nil {
		b.Fatal(err)
	}
	h := dashboards.NewServer(query.New(smp.DB.DB), dashboards.Options{
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Geo: set})
	srv := httptest.NewServer(h)
	defer srv.Close()
	tr := &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: false}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}

	var states []string
	for _, y := range []int{2016, 2018, 2020, 2021, 2022, 2023, 2024, 2025, 2026} {
		states = append(states, fmt.Sprintf("year=%d", y))
	}
	for _, d := range []string{"980", "981", "983", "986", "990"} {
		for _, y := range []int{2017, 2019, 2022, 2023, 2024} {
			states = append(states, fmt.Sprintf("year=%d&unit=%s", y, d))
		}
	}
	for _, c := range []string{"95001", "90064", "90133", "90004", "95004", "90190"} {
		states = append(states, "year=2025&unit="+c)
	}
	etag := func(path string) string {
		r, err := client.Get(srv.URL + path)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
		return r.Header.Get("ETag")
	}
	reval := etag("/api/bang-dieu-khien?year=2024")
	var uniq atomic.Int64

	cases := []struct {
		name string
		req  func(i int) (*http.Request, error)
	}{
		{"static-asset", func(int) (*http.Request, error) { return http.NewRequest("GET", srv.URL+"/assets/app.css", nil) }},
		{"api-warm", func(i int) (*http.Request, error) {
			return http.NewRequest("GET", srv.URL+"/api/bang-dieu-khien?"+states[i%len(states)], nil)
		}},
		{"api-cold", func(i int) (*http.Request, error) {
			return http.NewRequest("GET", fmt.Sprintf("%s/api/bang-dieu-khien?%s&n=%d", srv.URL, states[i%len(states)], uniq.Add(1)), nil)
		}},
		{"page-warm", func(i int) (*http.Request, error) {
			return http.NewRequest("GET", srv.URL+"/bang-dieu-khien?"+states[i%len(states)], nil)
		}},
		{"api-revalidate-304", func(int) (*http.Request, error) {
			r, err := http.NewRequest("GET", srv.URL+"/api/bang-dieu-khien?year=2024", nil)
			if err == nil {
				r.Header.Set("If-None-Match", reval)
			}
			return r, err
		}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			var (
				mu   sync.Mutex
				lat  []time.Duration
				next atomic.Int64
			)
			if strings.HasSuffix(tc.name, "-warm") {
				// warm means after the first pass: fill the cache with
				// every state once, outside the measurement (the first
				// pass is what api-cold measures)
				for i := range states {
					req, err := tc.req(i)
					if err != nil {
						b.Fatal(err)
					}
					if resp, err := client.Do(req); err == nil {
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
					}
				}
			}
			b.SetParallelism(25)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				var mine []time.Duration
				for pb.Next() {
					req, err := tc.req(int(next.Add(1)))
					if err != nil {
						b.Error(err)
						return
					}
					req.Header.Set("Accept-Encoding", "gzip")
					t0 := time.Now()
					resp, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					mine = append(mine, time.Since(t0))
					if resp.StatusCode != 200 && resp.StatusCode != 304 {
						b.Errorf("%s: status %d", req.URL, resp.StatusCode)
						return
					}
				}
				mu.Lock()
				lat = append(lat, mine...)
				mu.Unlock()
			})
			b.StopTimer()
			if len(lat) == 0 {
				return
			}
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			pct := func(p float64) float64 {
				return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
			}
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
		})
	}
}
