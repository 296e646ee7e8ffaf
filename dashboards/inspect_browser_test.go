package dashboards

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"rasoat/dashboards/browsertest"
)

// An inspector, in a real browser, goes from the list to a closed case:
// sign in → list → commune page (charts drawn) → open a case → assign to
// self → record the visit → close as corrected → the case shows closed and
// the figure that counts is the corrected one.
func TestBrowserInspectorClosesCase(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	ts, _ := newCasesServer(t)
	base := ts.URL
	ctx := browsertest.New(t, browsertest.Options{Timeout: 90 * time.Second})

	step := func(name string, acts ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, acts...); err != nil {
			where, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText.slice(0, 400)`))
			t.Fatalf("%s: %v\npage: %s", name, err, where)
		}
	}
	text := func(name string, a chromedp.Action[string]) string {
		t.Helper()
		v, err := chromedp.Run(ctx, a)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return v
	}
	step("sign in",
		chromedp.Navigate(base+"/dang-nhap?tiep=/phuc-tra"),
		chromedp.WaitVisible(chromedp.ID("ten")),
		chromedp.SendKeys(chromedp.ID("ten"), "phuctra1"),
		chromedp.SendKeys(chromedp.ID("mat-khau"), testPassword),
		chromedp.Click(chromedp.CSS(`#login-form button`)),
		chromedp.WaitVisible(chromedp.ID("table-flags")),
	)
	first := text("first flag", chromedp.Text(chromedp.CSS(`#table-flags tbody tr:first-child a`)))
	step("list → commune",
		chromedp.Click(chromedp.CSS(`#table-flags tbody tr:first-child a`)),
		chromedp.WaitVisible(chromedp.ID("commune-name")),
	)
	if first != "Xã Bình" {
		t.Fatalf("first flagged commune = %q, want Xã Bình", first)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](
		`document.querySelectorAll('.chart[data-ready] canvas').length === 3`,
		chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("commune charts never drew: %v", err)
	}
	ink, err := chromedp.Run(ctx, chromedp.Evaluate[int](browsertest.CanvasInk+`('chart-peers')`))
	if err != nil || ink < 2000 {
		t.Errorf("peers chart looks blank: %d %v", ink, err)
	}

	step("open case",
		chromedp.Click(chromedp.CSS(`#open-case button`)),
		chromedp.WaitVisible(chromedp.ID("assign-form")),
		chromedp.Click(chromedp.CSS(`#assign-form button`)),
		chromedp.WaitVisible(chromedp.ID("visit-form")),
	)
	step("record visit",
		chromedp.SendKeys(chromedp.ID("so-ho-kiem-tra"), "320"),
		chromedp.SendKeys(chromedp.ID("so-ho-phan-loai-lai"), "200"),
		chromedp.SendKeys(chromedp.ID("phat-hien"), "200 hộ chuyển sang cận nghèo không đúng chuẩn"),
		chromedp.Click(chromedp.CSS(`#visit-form button`)),
		chromedp.WaitVisible(chromedp.ID("close-form")),
	)
	// The corrected figures appear only once "corrected" is chosen.
	if hidden, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById('corrected-figures').hidden`)); err != nil || !hidden {
		t.Error("corrected figures shown before choosing the outcome")
	}
	step("close as corrected",
		// Choose as a person does: the select changes and says so.
		chromedp.Evaluate[chromedp.Void](`(function () {
		  var o = document.getElementById('outcome');
		  o.value = 'corrected';
		  o.dispatchEvent(new Event('change'));
		  document.getElementById('so-ho-ngheo').value = '';
		  document.getElementById('so-ho-can-ngheo').value = '';
		})()`),
		chromedp.WaitVisible(chromedp.ID("so-ho-ngheo")),
		chromedp.SendKeys(chromedp.ID("so-ho-ngheo"), "300"),
		chromedp.SendKeys(chromedp.ID("so-ho-can-ngheo"), "250"),
		chromedp.Click(chromedp.CSS(`#close-form button`)),
		chromedp.WaitVisible(chromedp.ID("case-outcome")),
	)
	status := text("status", chromedp.Text(chromedp.ID("case-status")))
	if status != "đã đóng" {
		t.Errorf("status = %q, want đã đóng", status)
	}
	now := text("figure updated", chromedp.Text(chromedp.ID("now-line")))
	if !strings.Contains(now, "sau phúc tra, tỷ lệ hộ nghèo 15,00% (300/2.000 hộ), giảm 5,00 điểm %") {
		t.Errorf("now line = %q", now)
	}
	// The commune page agrees: its history table marks the reverified row counted.
	step("case → commune",
		chromedp.Click(chromedp.ID("case-commune")),
		chromedp.WaitVisible(chromedp.ID("commune-name")),
	)
	hist := text("commune history", chromedp.Evaluate[string](`document.getElementById('table-history').textContent`))
	if !strings.Contains(hist, "sau phúc tra được tính") || !strings.Contains(hist, "15,00%") {
		t.Errorf("history table: %q", hist)
	}
}
