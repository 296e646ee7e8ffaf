package pipeline

import (
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"rasoat/dashboards"
	"rasoat/dashboards/browsertest"
	"rasoat/query"
)

// The walking skeleton end to end: a freshly generated sample province,
// loaded through the real ingest path, transformed, served over real HTTP
// and rendered by a real headless Chromium.
func TestEndToEndOverviewInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	db, _, _ := sample(t)
	var year int
	var rate float64
	if err := db.QueryRow(`SELECT year, poor_rate FROM province_year WHERE counted ORDER BY year DESC, standard DESC LIMIT 1`).Scan(&year, &rate); err != nil {
		t.Fatal(err)
	}
	h := dashboards.NewServer(query.New(db.DB), dashboards.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	base := browsertest.Serve(t, h)
	ctx := browsertest.New(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/")); err != nil {
		t.Fatalf("navigate: %v", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelectorAll('.chart[data-ready] canvas').length === 2`,
		chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("charts never became ready: %v", err)
	}
	for _, id := range []string{"chart-trend", "chart-ranking"} {
		ink, err := chromedp.Run(ctx, chromedp.Evaluate[int](browsertest.CanvasInk+`('`+id+`')`))
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if ink < 5000 {
			t.Errorf("%s: canvas looks blank (%d painted pixels)", id, ink)
		}
	}
	body, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.ToUpper(body), "DỮ LIỆU TỔNG HỢP") {
		t.Error("the page does not say the sample data is synthetic")
	}
	// The KPI shows the province_year rate in Vietnamese notation.
	want := strings.Replace(fmt.Sprintf("%.2f", math.Round(rate*100)/100), ".", ",", 1)
	if !strings.Contains(body, want) {
		t.Errorf("page does not show the %d poor rate %s%%", year, want)
	}
	if out := os.Getenv("RASOAT_SCREENSHOT"); out != "" {
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err == nil {
			os.WriteFile(out, png, 0o644)
		}
	}
}

// BenchmarkOverviewOnSample measures the overview page's data on the sample
// province (the row count does not depend on the household scale: 180
// communes, 11 years, 2 stages). Target: under 50 ms.
func BenchmarkOverviewOnSample(b *testing.B) {
	db, _, _ := sample(b)
	q := query.New(db.DB)
	ctx := b.Context()
	for b.Loop() {
		// what the page does: pick the default province, then its overview
		ps, err := q.Provinces(ctx)
		if err != nil || len(ps) == 0 {
			b.Fatal(err)
		}
		if _, err := q.Overview(ctx, ps[0].Code); err != nil {
			b.Fatal(err)
		}
	}
}

// The overview's target verdict and the analyst view unit_target_year are
// computed by different code (the page's query and an SQL model); on the
// sample they must agree.
func TestOverviewTargetAgreesWithUnitTargetYear(t *testing.T) {
	db, _, _ := sample(t)
	q := query.New(db.DB)
	ps, err := q.Provinces(t.Context())
	if err != nil || len(ps) == 0 {
		t.Fatal(err)
	}
	ov, err := q.Overview(t.Context(), ps[0].Code)
	if err != nil {
		t.Fatal(err)
	}
	if ov.Target == nil {
		t.Fatal("the sample province has targets (data/targets.csv) but the overview shows none")
	}
	var status string
	var lo float64
	if err := db.QueryRow(`SELECT status_vi, target_min FROM unit_target_year WHERE level = 'province' AND unit_code = ? AND year = ? AND standard = ? AND measure = 'poor_rate_reduction_pp'`,
		ov.ProvinceCode, ov.Year, ov.Standard).Scan(&status, &lo); err != nil {
		t.Fatal(err)
	}
	if status != ov.Target.Status || lo != ov.Target.Min {
		t.Errorf("overview says %q (min %v), unit_target_year says %q (min %v)", ov.Target.Status, ov.Target.Min, status, lo)
	}
}
