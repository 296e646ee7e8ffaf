package dashboards

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"rasoat/dashboards/browsertest"
	"rasoat/query"
)

// A leader and a province officer, in a real browser: the progress page's
// selectors put the state in the URL; the officer reopens and re-approves
// a district; the print view's table is the query's.
// RASOAT_SCREENSHOT_DIR=/tmp/x keeps a picture of each page.
func TestBrowserReviewCycle(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	ts, db := newCycleServer(t)
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
	eval := func(js string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}
	shot := func(name string) {
		dir := os.Getenv("RASOAT_SCREENSHOT_DIR")
		if dir == "" {
			return
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
		}
		if err != nil {
			t.Errorf("screenshot %s: %v", name, err)
		}
	}
	// waitFor polls a condition across navigations (a poll running while
	// the page changes ends with the old page; this one starts again).
	waitFor := func(name, js string) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for time.Now().Before(deadline) {
			if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js)); err == nil && ok {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		where, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText.slice(0, 400)`))
		t.Fatalf("%s: never true\npage: %s", name, where)
	}
	rowText := func(table, code string) string {
		return eval(`(function(){var r=document.querySelector('#` + table + ` tr[data-code="` + code + `"]');return r?Array.from(r.cells).map(function(c){return c.textContent.trim()}).join('|'):''})()`)
	}

	step("progress",
		chromedp.Navigate(base+"/chu-ky?tinh=99&ky=2024-ND07_2021&giai-doan=preliminary"),
		chromedp.WaitVisible(chromedp.ID("table-groups")),
	)
	if got := rowText("table-groups", "992"); got != "Huyện Hai|2|1|0|1|1|0|0|50,00%|0,00%" {
		t.Errorf("preliminary 992 = %q", got)
	}
	shot("chu-ky")
	step("choose the official stage",
		chromedp.Evaluate[chromedp.Void](`document.getElementById('sel-giai-doan').value = 'official'`),
		chromedp.Click(chromedp.CSS(`#cycle-filters button`)),
	)
	waitFor("the stage in the URL", `location.search.indexOf('giai-doan=official') >= 0 && !!document.getElementById('due') && document.getElementById('due').textContent === '30/11/2024'`)
	if got := rowText("table-groups", "991"); got != "Huyện Một|2|2|0|2|0|0|0|100,00%|0,00%" {
		t.Errorf("official 991 = %q", got)
	}

	step("quality", chromedp.Navigate(base+"/chat-luong?tinh=99&ky=2024-ND07_2021"), chromedp.WaitVisible(chromedp.ID("table-quality")))
	if got := rowText("table-quality", "991"); !strings.HasSuffix(got, "|2") {
		t.Errorf("quality 991 = %q (two late official reports)", got)
	}
	shot("chat-luong")

	step("sign in",
		chromedp.Navigate(base+"/dang-nhap?tiep="+"/phe-duyet%3Ftinh%3D99%26ky%3D2024-ND07_2021"),
		chromedp.WaitVisible(chromedp.ID("ten")),
		chromedp.SendKeys(chromedp.ID("ten"), "tinh"),
		chromedp.SendKeys(chromedp.ID("mat-khau"), testPassword),
		chromedp.Click(chromedp.CSS(`#login-form button`)),
		chromedp.WaitVisible(chromedp.ID("table-approve")),
	)
	shot("phe-duyet")
	step("reopen 991",
		chromedp.SendKeys(chromedp.CSS(`tr[data-code="991"] input[name="ly-do"]`), "Xã Một A báo sai số hộ"),
		chromedp.Click(chromedp.CSS(`tr[data-code="991"] .reopen-form button`)),
	)
	waitFor("reopened", `!!document.getElementById('notice') && document.getElementById('notice').textContent.indexOf('Đã mở khóa') >= 0`)
	if st := eval(`document.querySelector('tr[data-code="991"] td.state').textContent.trim()`); st != "đã mở khóa" {
		t.Errorf("after reopening: %q", st)
	}
	step("approve 991",
		chromedp.Click(chromedp.CSS(`tr[data-code="991"] .approve-form button`)),
	)
	waitFor("approval confirmed", `!!document.getElementById('notice') && document.getElementById('notice').textContent.indexOf('Đã phê duyệt') >= 0`)
	if st := eval(`document.querySelector('tr[data-code="991"] td.state').textContent.trim()`); st != "đã phê duyệt, đã khóa" {
		t.Errorf("after approving: %q", st)
	}

	step("print view",
		chromedp.Navigate(base+"/bao-cao/bieu-a?tinh=99&ky=2024-ND07_2021&giai-doan=approved"),
		chromedp.WaitVisible(chromedp.ID("table-forma")),
	)
	shot("bieu-a")
	rep, err := query.New(db.DB).FormA(context.Background(), "99", 2024, "ND07_2021", "approved")
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, r := range append(rep.Rows, rep.Total) {
		var cells []string
		for _, f := range rep.Fields {
			v := r.Values[f.Name]
			switch {
			case v == nil:
				cells = append(cells, "")
			case f.Kind == 1:
				cells = append(cells, fmtDec(*v, 2))
			default:
				cells = append(cells, fmtInt(int64(*v)))
			}
		}
		want = append(want, strings.Join(cells, "|"))
	}
	got := eval(`Array.from(document.querySelectorAll('#table-forma tbody tr, #table-forma tfoot tr')).map(function(r){return Array.from(r.cells).slice(3).map(function(c){return c.textContent.trim()}).join('|')}).join('\n')`)
	if got != strings.Join(want, "\n") {
		t.Errorf("print view table:\n%s\nquery:\n%s", got, strings.Join(want, "\n"))
	}
	// printed, the selectors and the navigation disappear
	step("print media", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	}))
	if d := eval(`getComputedStyle(document.querySelector('.no-print')).display`); d != "none" {
		t.Errorf("no-print block shown in print: %q", d)
	}
}
