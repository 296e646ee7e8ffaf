package dashboards

import (
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"rasoat/dashboards/browsertest"
	"rasoat/query"
	"rasoat/query/querytest"
)

func TestBrowserRendersCharts(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	q := query.New(querytest.Open(t).DB)
	base := browsertest.Serve(t, NewServer(q, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	ctx := browsertest.New(t)

	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/")); err != nil {
		t.Fatalf("navigate: %v", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](
		`document.querySelectorAll('.chart[data-ready] canvas').length === 2`,
		chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("charts never became ready: %v", err)
	}
	for _, id := range []string{"chart-trend", "chart-ranking"} {
		ink, err := chromedp.Run(ctx, chromedp.Evaluate[int](browsertest.CanvasInk+`('`+id+`')`))
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		// Axes alone paint a few thousand pixels; bars, lines and labels many more.
		if ink < 5000 {
			t.Errorf("%s: canvas looks blank (%d painted pixels)", id, ink)
		}
	}

	// RASOAT_SCREENSHOT=/tmp/overview.png keeps a picture of the page for a
	// person to look at.
	if out := os.Getenv("RASOAT_SCREENSHOT"); out != "" {
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		if err := os.WriteFile(out, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// The ranking chart's tooltip shows the hostile name as text, and no
	// element it carries was created.
	tip, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function () {
	  var chart = echarts.getInstanceByDom(document.getElementById('chart-ranking'));
	  chart.dispatchAction({ type: 'showTip', seriesIndex: 0, dataIndex: 1 });
	  return 'shown';
	})()`))
	if err != nil || tip != "shown" {
		t.Fatalf("showTip: %q %v", tip, err)
	}
	text, err := chromedp.Run(ctx, chromedp.Poll[string](`(function () {
	  var el = document.getElementById('chart-ranking').querySelector('div[style*="z-index"]');
	  return el && el.textContent.indexOf('10,00%') >= 0 ? el.textContent : '';
	})()`, chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil {
		t.Fatalf("tooltip never showed the rate in Vietnamese format: %v", err)
	}
	if !strings.Contains(text, querytest.HostileName) {
		t.Errorf("tooltip text = %q, want the unit name as typed", text)
	}
	type probe struct {
		XSS       bool `json:"xss"`
		Scripts   int  `json:"scripts"`
		Imgs      int  `json:"imgs"`
		Overflow  bool `json:"overflow"`
		TableRows int  `json:"tableRows"`
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.stringify({
	  xss: window.__xss === 1,
	  scripts: document.scripts.length,
	  imgs: document.querySelectorAll('main img').length,
	  overflow: document.documentElement.scrollWidth > window.innerWidth,
	  tableRows: document.querySelectorAll('#table-ranking tbody tr').length
	})`))
	if err != nil {
		t.Fatal(err)
	}
	var p probe
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		t.Fatal(err)
	}
	if p.XSS || p.Imgs != 0 || p.Scripts != 4 {
		t.Errorf("hostile name became markup: %+v", p)
	}
	if p.Overflow {
		t.Error("page scrolls sideways at 1366×768")
	}
	if p.TableRows != 3 {
		t.Errorf("ranking table has %d rows, want 3", p.TableRows)
	}

}
