// Package browsertest runs pages in a real headless Chromium for tests,
// through chromedp: it finds the browser (skipping the test when there is
// none, failing it when CI=true), starts a handler on a free loopback port,
// and gives a chromedp context that is torn down with the test.
//
//	base := browsertest.Serve(t, handler)
//	ctx := browsertest.New(t)
//	err := chromedp.Do(ctx, chromedp.Navigate(base+"/"))
package browsertest

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// DefaultPath is where the project's machines have Chromium.
const DefaultPath = "/usr/bin/chromium"

// Chromium returns the browser to run: $CHROMIUM if set, else DefaultPath,
// else chromium or chromium-browser on PATH. Without one the test is
// skipped, or failed when CI=true (CI must never pass by skipping).
func Chromium(tb testing.TB) string {
	tb.Helper()
	want := DefaultPath + " nor on PATH"
	if p := os.Getenv("CHROMIUM"); p != "" {
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
		want = p + " ($CHROMIUM)"
	} else {
		if _, err := os.Stat(DefaultPath); err == nil {
			return DefaultPath
		}
		for _, name := range []string{"chromium", "chromium-browser"} {
			if p, err := exec.LookPath(name); err == nil {
				return p
			}
		}
	}
	if os.Getenv("CI") == "true" {
		tb.Fatalf("Chromium not found at %s, and CI=true", want)
	}
	tb.Skipf("Chromium not found at %s; skipping browser test", want)
	return ""
}

// Options tune the browser.
type Options struct {
	Width, Height int           // window size; 0 means 1366×768, the leaders' laptops
	Timeout       time.Duration // for the whole test's browser work; 0 means 60 s
	// NoBFCache turns the back-forward cache off, so the back button
	// reloads the page and chromedp sees the new document.
	NoBFCache bool
}

// New starts a headless Chromium with a throw-away profile and returns a
// chromedp context for it. The browser stops when the test ends.
func New(tb testing.TB, opt ...Options) context.Context {
	tb.Helper()
	var o Options
	if len(opt) > 0 {
		o = opt[0]
	}
	if o.Width == 0 || o.Height == 0 {
		o.Width, o.Height = 1366, 768
	}
	if o.Timeout == 0 {
		o.Timeout = 60 * time.Second
	}
	exe := Chromium(tb)
	allocOpts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox, // containers run as root, where the sandbox cannot start
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(tb.TempDir()),
		chromedp.WindowSize(o.Width, o.Height),
	)
	if o.NoBFCache {
		allocOpts = append(allocOpts, chromedp.Flag("disable-features", "BackForwardCache"))
	}
	ctx, cancelTimeout := context.WithTimeout(context.Background(), o.Timeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, allocOpts...)
	bctx, cancelBrowser := chromedp.NewContext(allocCtx, chromedp.WithLogf(tb.Logf))
	tb.Cleanup(func() {
		cancelBrowser()
		cancelAlloc() // waits for the browser process to exit
		cancelTimeout()
	})
	// Start the browser now, so a failure to launch is reported as such.
	if err := chromedp.Do(bctx); err != nil {
		if os.Getenv("CI") != "true" && isLaunchFailure(err) {
			tb.Skipf("Chromium at %s did not start: %v", exe, err)
		}
		tb.Fatalf("start Chromium at %s: %v", exe, err)
	}
	return bctx
}

func isLaunchFailure(err error) bool {
	return strings.Contains(err.Error(), "chrome failed to start") ||
		errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist)
}

// Serve runs h on a free port of 127.0.0.1 until the test ends and returns
// its base URL, e.g. "http://127.0.0.1:41234".
func Serve(tb testing.TB, h http.Handler) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("listen on a free loopback port: %v", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			tb.Errorf("test server: %v", err)
		}
	}()
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		<-done
	})
	return "http://" + ln.Addr().String()
}

// CanvasInk is a JavaScript function of a chart element's id that counts the
// painted pixels of its canvas (ECharts leaves the background transparent,
// so any pixel with alpha is ink); -1 when there is no canvas. A chart whose
// script failed has a blank or missing canvas. Use it as
// chromedp.Evaluate[int](browsertest.CanvasInk + "('chart-trend')").
const CanvasInk = `(function (id) {
  var c = document.querySelector('#' + id + ' canvas');
  if (!c || !c.width || !c.height) { return -1; }
  var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, n = 0;
  for (var i = 3; i < d.length; i += 4) { if (d[i] > 0) { n++; } }
  return n;
})`
