package dashboards

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"rasoat/dashboards/browsertest"
	"rasoat/store"
)

type analyst struct {
	t    *testing.T
	h    http.Handler
	sess *http.Cookie
	csrf string
}

func newAnalyst(t *testing.T) (*analyst, string) {
	h, _, audit := fullServer(t)
	sess := sessionFor(t, h, "phantich")
	req := httptest.NewRequest(http.MethodGet, "/so-tay", nil)
	req.AddCookie(sess)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("/so-tay: %d", rec.Code)
	}
	return &analyst{t: t, h: h, sess: sess, csrf: csrfOf(t, rec.Body.String())}, audit
}

func (a *analyst) run(sql string, offset int) (int, runReply) {
	body, _ := json.Marshal(runRequest{SQL: sql, Offset: offset})
	req := httptest.NewRequest(http.MethodPost, "/so-tay/chay", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", a.csrf)
	req.AddCookie(a.sess)
	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, req)
	var rep runReply
	if err := json.Unmarshal(rec.Body.Bytes(), &rep); err != nil {
		a.t.Fatalf("run reply: %v %s", err, rec.Body.String())
	}
	return rec.Code, rep
}

func (a *analyst) form(path string, form url.Values) *httptest.ResponseRecorder {
	form.Set("csrf", a.csrf)
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(a.sess)
	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, req)
	return rec
}

// An analyst runs SQL in the browser's API: pages of rows, a refusal for
// anything but one SELECT, exports that read back to the same numbers, and
// each query in the audit log.
func TestNotebookRunPageExport(t *testing.T) {
	a, audit := newAnalyst(t)
	q := `SELECT unit_code, year, poor_end, poor_rate FROM commune_year WHERE counted ORDER BY year, unit_code`
	st, all := a.run(q, 0)
	if st != http.StatusOK || all.Error != "" || len(all.Rows) == 0 {
		t.Fatalf("run: %d %+v", st, all)
	}
	st, big := a.run(`SELECT range AS i FROM range(250)`, 100)
	if st != http.StatusOK || len(big.Rows) != notebookPage || !big.More || big.Rows[0][0] != 100.0 {
		t.Fatalf("page 2: %d rows, more %v, first %v", len(big.Rows), big.More, big.Rows[0])
	}
	if st, rep := a.run(`COPY (SELECT 1) TO '/tmp/x.csv'`, 0); st != http.StatusBadRequest || !strings.Contains(rep.Error, "SELECT") {
		t.Fatalf("COPY: %d %+v", st, rep)
	}
	if st, rep := a.run(`SELECT head_name FROM raw_household`, 0); st == http.StatusOK {
		t.Fatalf("personal table: %+v", rep)
	}

	rec := a.form("/so-tay/xuat/csv", url.Values{"sql": {q}})
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(rec.Body.String(), "\ufeff"))).ReadAll()
	if err != nil || len(recs) != len(all.Rows)+1 || recs[0][2] != "poor_end" {
		t.Fatalf("csv: %v %d rows\n%s", err, len(recs), rec.Body.String())
	}
	for i, r := range all.Rows {
		if recs[i+1][0] != r[0] || recs[i+1][2] != jsonNum(r[2]) {
			t.Errorf("csv row %d = %v, want %v", i, recs[i+1], r)
		}
	}
	rec = a.form("/so-tay/xuat/xlsx", url.Values{"sql": {q}})
	x, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows("Sheet1")
	if len(rows) != len(all.Rows)+1 || rows[1][0] != all.Rows[0][0] {
		t.Fatalf("xlsx rows %v", rows[:min(2, len(rows))])
	}
	rec = a.form("/so-tay/xuat/parquet", url.Values{"sql": {q}})
	if rec.Code != http.StatusOK || !bytes.HasPrefix(rec.Body.Bytes(), []byte("PAR1")) {
		t.Fatalf("parquet: %d %.60q", rec.Code, rec.Body.String())
	}
	// Read the Parquet back through DuckDB: the same sum of poor_end.
	p := t.TempDir() + "/r.parquet"
	os.WriteFile(p, rec.Body.Bytes(), 0o600)
	ro, err := store.Open(context.Background(), t.TempDir()+"/check.duckdb")
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	var n, sum int64
	if err := ro.QueryRow(`SELECT count(*), sum(poor_end) FROM read_parquet('`+p+`')`).Scan(&n, &sum); err != nil {
		t.Fatal(err)
	}
	var want int64
	for _, r := range all.Rows {
		want += int64(r[2].(float64))
	}
	if n != int64(len(all.Rows)) || sum != want {
		t.Errorf("parquet: %d rows, sum %d; want %d, %d", n, sum, len(all.Rows), want)
	}

	b, _ := os.ReadFile(audit)
	if !strings.Contains(string(b), `"action":"truy vấn sổ tay"`) || !strings.Contains(string(b), "raw_household") ||
		!strings.Contains(string(b), `"action":"xuất kết quả sổ tay"`) {
		t.Errorf("audit log lacks the queries:\n%s", b)
	}
}

func jsonNum(v any) string {
	if f, ok := v.(float64); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return ""
}

// A notebook saved from cells and opened again gives the same cells.
func TestNotebookSaveOpen(t *testing.T) {
	a, _ := newAnalyst(t)
	cells := `[{"kind":"markdown","source":"# Tiêu đề"},{"kind":"sql","title":"Một","source":"SELECT 1"}]`
	rec := a.form("/so-tay/luu", url.Values{"cells": {cells}})
	want := "-- %% [markdown]\n-- # Tiêu đề\n\n-- %% Một\nSELECT 1\n"
	if rec.Code != http.StatusOK || rec.Body.String() != want {
		t.Fatalf("save: %d %q", rec.Code, rec.Body.String())
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("tep", "nb.sql")
	fw.Write(rec.Body.Bytes())
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, "/so-tay/mo", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-CSRF-Token", a.csrf)
	req.AddCookie(a.sess)
	out := httptest.NewRecorder()
	a.h.ServeHTTP(out, req)
	var got struct{ Cells json.RawMessage }
	json.Unmarshal(out.Body.Bytes(), &got)
	if string(got.Cells) != cells {
		t.Fatalf("open: %s", out.Body.String())
	}
}

// In a real browser: sign in as an analyst, run every cell of a shipped
// notebook, page and chart a result. RASOAT_SCREENSHOT=FILE saves a
// screenshot of the page.
func TestBrowserNotebook(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	h, _, _ := fullServer(t)
	base := browsertest.Serve(t, h)
	ctx := browsertest.New(t, browsertest.Options{Timeout: 90 * time.Second})
	do := func(name string, acts ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, acts...); err != nil {
			where, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText.slice(0, 600)`))
			t.Fatalf("%s: %v\npage: %s", name, err, where)
		}
	}
	do("sign in",
		chromedp.Navigate(base+"/dang-nhap?tiep=/so-tay?mau=02_commune_ranking.sql"),
		chromedp.WaitVisible(chromedp.ID("ten")),
		chromedp.SendKeys(chromedp.ID("ten"), "phantich"),
		chromedp.SendKeys(chromedp.ID("mat-khau"), testPassword),
		chromedp.Click(chromedp.CSS(`#login-form button`)),
		chromedp.WaitVisible(chromedp.CSS("#notebook[data-ready]")),
		chromedp.Click(chromedp.ID("nb-run-all")),
	)
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](
		`document.querySelectorAll('.nb-cell[data-kind=sql] .nb-out table').length === 3`,
		chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		errs, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll('.nb-out')).map(e => e.textContent).join('; ') + ' | ' + document.querySelectorAll('.nb-cell').length + ' cells, js: ' + (typeof echarts)`))
		t.Fatalf("cells never showed tables: %v %s", err, errs)
	}
	// 2024, four communes; Xã Đông 140 / 1.500 = 9,33 % is the highest
	// (Xã An and Xã Cư 8,91 %), see casestest.
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('.nb-cell[data-kind=sql]')[1].querySelectorAll('tbody tr').length`))
	if err != nil || rows != 4 {
		t.Errorf("ranking rows = %d (%v), want 4", rows, err)
	}
	first, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelectorAll('.nb-cell[data-kind=sql]')[1].querySelector('tbody td').textContent`))
	if first != "97201" {
		t.Errorf("first ranked commune = %q, want 97201", first)
	}
	do("chart", chromedp.Evaluate[chromedp.Void](`Array.from(document.querySelectorAll('.nb-cell[data-kind=sql]')[2].querySelectorAll('button')).find(b => b.textContent === 'Biểu đồ cột').click()`))
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelectorAll('.nb-chart canvas').length === 1`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("no chart: %v", err)
	}
	if md, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('.nb-md h2').textContent`)); md != "Xã có tỷ lệ hộ nghèo cao nhất" {
		t.Errorf("markdown heading = %q", md)
	}
	if p := os.Getenv("RASOAT_SCREENSHOT"); p != "" {
		buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err == nil {
			os.WriteFile(p, buf, 0o644)
		}
	}
}
