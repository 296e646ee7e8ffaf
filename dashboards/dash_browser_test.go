package dashboards

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"rasoat/dashboards/browsertest"
)

type clickTarget struct {
	X, Y float64
	Code string
}

// The dashboard in a real browser: every chart and the map drawn, a click on
// the map and on a bar drills into the unit, the back button returns to the
// previous state, and a picker changes the URL.
func TestBrowserDashboard(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	srv, _ := newSampleServer(t)
	base := browsertest.Serve(t, srv)
	ctx := browsertest.New(t, browsertest.Options{Timeout: 240 * time.Second, NoBFCache: true})
	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	// poll retries across a navigation (the page's context goes away
	// under a running poll when a click loads the next page).
	poll := func(what, js string) {
		t.Helper()
		var err error
		for range 10 {
			if _, err = chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(30*time.Second))); err == nil {
				return
			}
			if !strings.Contains(err.Error(), "context") && !strings.Contains(err.Error(), "navigated") {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		where, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href`))
		t.Fatalf("%s never happened (at %s): %v", what, where, err)
	}
	ready := `document.querySelectorAll('.chart[data-ready] canvas').length === 4`
	run("open", chromedp.Navigate(base+"/bang-dieu-khien?year=2024"))
	poll("charts and map ready", ready)
	for _, id := range []string{"chart-trend", "chart-flow", "chart-children", "chart-map"} {
		ink, err := chromedp.Run(ctx, chromedp.Evaluate[int](browsertest.CanvasInk+`('`+id+`')`))
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if ink < 5000 {
			t.Errorf("%s: canvas looks blank (%d painted pixels)", id, ink)
		}
	}
	if out := os.Getenv("RASOAT_SCREENSHOT_DASH"); out != "" {
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(out, png, 0o644)
	}
	body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
	if !strings.Contains(body, "DỮ LIỆU TỔNG HỢP") {
		t.Error("no synthetic-data banner")
	}
	overflow, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	if overflow {
		t.Error("page scrolls sideways at 1366×768")
	}

	// Click the middle of the first district on the map.
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function () {
	  var el = document.getElementById('chart-map');
	  el.scrollIntoView({block: 'center'});
	  var ch = echarts.getInstanceByDom(el);
	  var m = echarts.getMap(el.getAttribute('data-map'));
	  var f = (m.geoJSON || m.geoJson).features[0];
	  var ring = f.geometry.coordinates[0][0], x = 0, y = 0;
	  for (var i = 0; i < ring.length - 1; i++) { x += ring[i][0]; y += ring[i][1]; }
	  var p = ch.convertToPixel({seriesIndex: 0}, [x / (ring.length - 1), y / (ring.length - 1)]);
	  var r = el.getBoundingClientRect();
	  return JSON.stringify({X: r.left + p[0], Y: r.top + p[1], Code: f.properties.code});
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	var tgt clickTarget
	if err := json.Unmarshal([]byte(raw), &tgt); err != nil {
		t.Fatal(err)
	}
	run("click the map", chromedp.MouseClickXY(tgt.X, tgt.Y))
	poll("drill from the map", `location.search.indexOf('unit=`+tgt.Code+`') >= 0 && document.querySelector('.chart[data-ready]') !== null`)
	h1, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('unit-name').textContent`))
	crumbs, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('.crumbs').textContent`))
	if h1 == "" || !strings.Contains(crumbs, "Tỉnh Mẫu") {
		t.Errorf("district page: heading %q, crumbs %q", h1, crumbs)
	}
	poll("district charts ready", ready)

	// Back: the province again, year still 2024. The navigation runs after
	// the evaluation returns, so it cannot close the context under it.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`setTimeout(function () { history.back(); }, 0), true`)); err != nil {
		t.Fatalf("back: %v", err)
	}
	poll("back to the province", `location.search === '?year=2024' && document.getElementById('f-year').value === '2024'`)

	// Click the first bar of the ranking.
	poll("charts ready again", ready)
	raw, err = chromedp.Run(ctx, chromedp.Evaluate[string](`(function () {
	  var el = document.getElementById('chart-children');
	  el.scrollIntoView({block: 'start'});
	  var ch = echarts.getInstanceByDom(el);
	  var d = ch.getOption().series[0].data[0];
	  var p = ch.convertToPixel({seriesIndex: 0}, [d.value / 2, 0]);
	  var r = el.getBoundingClientRect();
	  return JSON.stringify({X: r.left + p[0], Y: r.top + p[1], Code: d.code});
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(raw), &tgt); err != nil {
		t.Fatal(err)
	}
	run("click a bar", chromedp.MouseClickXY(tgt.X, tgt.Y))
	poll("drill from a bar", `location.search.indexOf('unit=`+tgt.Code+`') >= 0`)

	// The year picker: 2025 has no districts, so the province with its communes.
	poll("district charts ready", ready)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function () {
	  var s = document.getElementById('f-year'); s.value = '2025';
	  s.dispatchEvent(new Event('change', {bubbles: true}));
	  return true;
	})()`)); err != nil {
		t.Fatalf("pick 2025: %v", err)
	}
	poll("year 2025 in the URL", `location.search.indexOf('year=2025') >= 0 && document.getElementById('chart-map') !== null && document.getElementById('chart-map').getAttribute('data-map') === 'communes_2025-07-01'`)
	poll("2025 charts ready", ready)
	missing, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById('unit-missing') !== null`))
	if !missing {
		t.Error("the page does not say the district no longer exists in 2025")
	}
}
