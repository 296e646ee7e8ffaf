package dashboards

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"html"
	"io"
	"log/slog"
	"math"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"

	"rasoat/dashboards/geo"
	"rasoat/query"
	"rasoat/query/querytest"
	"rasoat/transform"
)

// newSampleServer serves the built sample province with its synthetic maps.
func newSampleServer(t *testing.T) (*gin.Engine, *querytest.Sample) {
	t.Helper()
	smp := querytest.OpenSample(t)
	set, err := geo.Load([]string{filepath.Join(smp.Dir, "geo")})
	if err != nil {
		t.Fatal(err)
	}
	return NewServer(query.New(smp.DB.DB), Options{
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now:    func() time.Time { return fixedNow },
		Geo:    set,
	}), smp
}

var (
	reTable = regexp.MustCompile(`(?s)<table id="table-([a-z-]+)"[^>]*>(.*?)</table>`)
	reTR    = regexp.MustCompile(`(?s)<tr>(.*?)</tr>`)
	reTD    = regexp.MustCompile(`(?s)<t[dh][^>]*>(.*?)</t[dh]>`)
	reTag   = regexp.MustCompile(`<[^>]+>`)
)

// pageTables reads every table of a page as text cells, header first.
func pageTables(t *testing.T, body string) map[string][][]string {
	t.Helper()
	out := map[string][][]string{}
	for _, m := range reTable.FindAllStringSubmatch(body, -1) {
		var rows [][]string
		for _, tr := range reTR.FindAllStringSubmatch(m[2], -1) {
			var cells []string
			for _, td := range reTD.FindAllStringSubmatch(tr[1], -1) {
				cells = append(cells, html.UnescapeString(reTag.ReplaceAllString(td[1], "")))
			}
			rows = append(rows, cells)
		}
		out[m[1]] = rows
	}
	return out
}

// viNum parses a number as the page prints it: "1.234,56%", "-0,50".
func viNum(s string) (float64, bool) {
	s = strings.TrimSuffix(strings.TrimSpace(s), "%")
	if s == "" || strings.ContainsAny(s, " /") {
		return 0, false
	}
	v, err := strconv.ParseFloat(strings.Replace(strings.ReplaceAll(s, ".", ""), ",", ".", 1), 64)
	return v, err == nil
}

func sameCell(t *testing.T, where, page, other string) {
	t.Helper()
	if page == other {
		return
	}
	if page == "—" {
		page = ""
	}
	pv, pok := viNum(page)
	ov, err := strconv.ParseFloat(other, 64)
	switch {
	case pok && err == nil:
		if math.Abs(pv-ov) > 1e-9 {
			t.Errorf("%s: page %q, export %q", where, page, other)
		}
	case page != other:
		t.Errorf("%s: page %q, export %q", where, page, other)
	}
}

func TestDashboardPageAndExportsMatch(t *testing.T) {
	srv, _ := newSampleServer(t)
	for _, state := range []string{"year=2024", "year=2024&unit=982", "year=2025&map=reduction", "year=2021&standard=QD59_2015&stage=preliminary"} {
		rec := get(t, srv, "/bang-dieu-khien?"+state)
		wantStatus(t, rec, http.StatusOK, "text/html; charset=utf-8")
		body := rec.Body.String()
		containsAll(t, body, "DỮ LIỆU TỔNG HỢP", "Bảng điều khiển")
		tables := pageTables(t, body)
		for _, id := range []string{"xu-huong", "bien-dong", "don-vi", "ban-do", "chi-tieu"} {
			page := tables["table-"+id]
			if page == nil {
				page = tables[id]
			}
			if len(page) < 2 {
				if id == "chi-tieu" && strings.Contains(state, "preliminary") {
					continue // no verdicts for a stage that does not count
				}
				t.Errorf("%s: table %s has %d rows", state, id, len(page))
				continue
			}
			// CSV, machine form
			rc := get(t, srv, "/export/bang-dieu-khien/"+id+".csv?sep=comma&"+state)
			wantStatus(t, rc, http.StatusOK, "text/csv; charset=utf-8")
			recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(rc.Body.String(), "\ufeff"))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			// XLSX
			rx := get(t, srv, "/export/bang-dieu-khien/"+id+".xlsx?"+state)
			wantStatus(t, rx, http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
			xf, err := excelize.OpenReader(bytes.NewReader(rx.Body.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			xrows, err := xf.GetRows("Số liệu", excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != len(page) || len(xrows) < len(page)+1 {
				t.Fatalf("%s %s: page %d rows, CSV %d, XLSX %d", state, id, len(page), len(recs), len(xrows))
			}
			for i := range page {
				for j := range page[i] {
					where := state + " " + id + " r" + strconv.Itoa(i) + "c" + strconv.Itoa(j)
					sameCell(t, where+" csv", page[i][j], recs[i][j])
					x := ""
					if j < len(xrows[i+1]) {
						x = xrows[i+1][j]
					}
					sameCell(t, where+" xlsx", page[i][j], x)
				}
				if i > 0 && recs[i][len(recs[i])-1] != syntheticNote {
					t.Errorf("%s %s: CSV row %d lacks the synthetic note", state, id, i)
				}
			}
			xf.Close()
		}
	}
}

func TestDashboardDrillDownLinksAndMaps(t *testing.T) {
	srv, _ := newSampleServer(t)
	body := get(t, srv, "/bang-dieu-khien?year=2024").Body.String()
	if !strings.Contains(body, `data-map="districts_2016-01-01"`) {
		t.Error("2024 province page: no district map")
	}
	links := regexp.MustCompile(`<a href="(/bang-dieu-khien\?[^"]*unit=(\d+)[^"]*)">`).FindAllStringSubmatch(body, -1)
	if len(links) != 15 {
		t.Fatalf("2024: %d drill links, want 15 districts", len(links))
	}
	dist := get(t, srv, html.UnescapeString(links[0][1]))
	wantStatus(t, dist, http.StatusOK, "text/html; charset=utf-8")
	db := dist.Body.String()
	containsAll(t, db, `data-map="communes_2016-01-01"`, `aria-label="Cấp đơn vị"`, "year=2024")
	if !regexp.MustCompile(`<h1 id="unit-name">Huyện|<h1 id="unit-name">Thành phố|<h1 id="unit-name">Thị xã`).MatchString(db) {
		t.Errorf("district page heading: %.200s", db[strings.Index(db, "<h1"):])
	}
	after := get(t, srv, "/bang-dieu-khien?year=2025").Body.String()
	if !strings.Contains(after, `data-map="communes_2025-07-01"`) {
		t.Error("2025 page: no 2025 commune map")
	}
	if strings.Contains(after, `unit=98`) {
		t.Error("2025 page links to a district")
	}
	// the layer itself, gzip and ETag
	rec := get(t, srv, "/api/geo/communes_2025-07-01", "Accept-Encoding", "gzip")
	wantStatus(t, rec, http.StatusOK, "application/json; charset=utf-8")
	if rec.Header().Get("Content-Encoding") != "gzip" {
		t.Error("map not gzip-compressed")
	}
	if r2 := get(t, srv, "/api/geo/communes_2025-07-01", "If-None-Match", rec.Header().Get("ETag")); r2.Code != http.StatusNotModified {
		t.Errorf("map revalidation: %d", r2.Code)
	}
	if r3 := get(t, srv, "/api/geo/nope"); r3.Code != http.StatusNotFound {
		t.Errorf("unknown layer: %d", r3.Code)
	}
	for _, bad := range []string{"year=abc", "year=1999", "year=2024&standard=XYZ", "year=2024&stage=approved"} {
		if r := get(t, srv, "/bang-dieu-khien?"+bad); r.Code != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", bad, r.Code)
		}
	}
	if r := get(t, srv, "/export/bang-dieu-khien/nope.csv"); r.Code != http.StatusNotFound {
		t.Errorf("unknown export: %d", r.Code)
	}
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDashboardETagAndGzip(t *testing.T) {
	srv, smp := newSampleServer(t)
	for _, path := range []string{"/bang-dieu-khien?year=2024", "/api/bang-dieu-khien?year=2024", "/export/bang-dieu-khien/don-vi.csv?year=2024"} {
		plain := get(t, srv, path)
		zipped := get(t, srv, path, "Accept-Encoding", "gzip, deflate")
		if plain.Code != 200 || zipped.Header().Get("Content-Encoding") != "gzip" || plain.Header().Get("Content-Encoding") != "" {
			t.Fatalf("%s: %d, encodings %q/%q", path, plain.Code, plain.Header().Get("Content-Encoding"), zipped.Header().Get("Content-Encoding"))
		}
		if !bytes.Equal(gunzip(t, zipped.Body.Bytes()), plain.Body.Bytes()) {
			t.Errorf("%s: gzip body differs", path)
		}
		etag := plain.Header().Get("ETag")
		if etag == "" || zipped.Header().Get("ETag") != etag {
			t.Fatalf("%s: ETags %q/%q", path, etag, zipped.Header().Get("ETag"))
		}
		if r := get(t, srv, path, "If-None-Match", etag); r.Code != http.StatusNotModified || r.Body.Len() != 0 {
			t.Errorf("%s: revalidation %d (%d bytes)", path, r.Code, r.Body.Len())
		}
		if other := get(t, srv, strings.Replace(path, "2024", "2023", 1)).Header().Get("ETag"); other == etag {
			t.Errorf("%s: another state has the same ETag", path)
		}
	}
	page := get(t, srv, "/bang-dieu-khien?year=2024")
	etag := page.Header().Get("ETag")
	// a change of data: a commune renamed, then the marts rebuilt
	ctx := context.Background()
	if _, err := smp.DB.ExecContext(ctx, `UPDATE ref_unit SET unit_name = 'Tên Mới Sau Nạp' WHERE unit_code = (SELECT min(unit_code) FROM ref_unit WHERE level = 'district' AND province_code = '99')`); err != nil {
		t.Fatal(err)
	}
	if _, err := transform.Run(ctx, smp.DB, transform.Options{}); err != nil {
		t.Fatal(err)
	}
	r := get(t, srv, "/bang-dieu-khien?year=2024", "If-None-Match", etag)
	if r.Code != http.StatusOK || r.Header().Get("ETag") == etag {
		t.Fatalf("after a transform: %d, ETag %q (was %q)", r.Code, r.Header().Get("ETag"), etag)
	}
	if !strings.Contains(r.Body.String(), "Tên Mới Sau Nạp") {
		t.Error("the new page does not show the new data")
	}
	// assets are gzip-compressed too
	a := get(t, srv, "/assets/vendor/echarts/echarts.min.js", "Accept-Encoding", "gzip")
	if a.Header().Get("Content-Encoding") != "gzip" || a.Body.Len() > len(srv2asset(t, srv))/2 {
		t.Errorf("echarts not gzip-compressed: %q, %d bytes", a.Header().Get("Content-Encoding"), a.Body.Len())
	}
}

func srv2asset(t *testing.T, srv http.Handler) []byte {
	return get(t, srv, "/assets/vendor/echarts/echarts.min.js").Body.Bytes()
}

// A hostile unit name reaches the page, the chart options and the exports
// as text: escaped in HTML, intact inside the JSON options.
func TestDashboardHostileName(t *testing.T) {
	srv, smp := newSampleServer(t)
	ctx := context.Background()
	var code string
	if err := smp.DB.QueryRowContext(ctx, `SELECT min(unit_code) FROM ref_unit WHERE level = 'commune' AND valid_from >= DATE '2025-07-01'`).Scan(&code); err != nil || code == "" {
		t.Fatalf("a 2025 commune: %q %v", code, err)
	}
	if _, err := smp.DB.ExecContext(ctx, `UPDATE ref_unit SET unit_name = ? WHERE unit_code = ?`, querytest.HostileName, code); err != nil {
		t.Fatal(err)
	}
	if _, err := transform.Run(ctx, smp.DB, transform.Options{}); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/bang-dieu-khien?year=2025", "/bang-dieu-khien?year=2025&unit=" + code} {
		body := get(t, srv, path).Body.String()
		if strings.Contains(body, querytest.HostileName) || strings.Contains(body, "<img src=x") {
			t.Errorf("%s: the name went out unescaped", path)
		}
		if !strings.Contains(body, html.EscapeString(querytest.HostileName)) && !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("%s: the name is not shown as text", path)
		}
		opts := chartOptions(t, body) // fails on raw < or > inside a script element
		found := false
		for _, o := range opts {
			if strings.Contains(jsonString(o), "alert(1)") {
				found = true
			}
		}
		if path == "/bang-dieu-khien?year=2025" && !found {
			t.Errorf("%s: the name is not in the chart options (%v)", path, keys(opts))
		}
	}
	rec := get(t, srv, "/export/bang-dieu-khien/don-vi.csv?year=2025")
	cr := csv.NewReader(strings.NewReader(rec.Body.String()))
	cr.Comma = ';'
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range recs {
		found = found || r[1] == querytest.HostileName
	}
	if !found {
		t.Error("CSV does not carry the name as typed")
	}
}
