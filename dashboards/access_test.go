package dashboards

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"rasoat/cases"
	"rasoat/cases/casestest"
	"rasoat/ingest"
	"rasoat/query"
	"rasoat/store"
	"rasoat/transform"
)

// fullServer registers every route: cases, upload, notebook and admin,
// with one user per role, the audit log in a file.
func fullServer(t *testing.T) (*gin.Engine, *store.DB, string) {
	t.Helper()
	db := casestest.Open(t)
	users := usersFile(t, "lanhdao,leader", "phantich,analyst", "phuctra1,inspector", "canbo,officer,971", "quantri,admin")
	sb, err := store.OpenSandbox(context.Background(), store.AnalystPath(db.Path), store.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	audit := filepath.Join(t.TempDir(), "audit.jsonl")
	h := NewServer(query.New(db.DB), Options{
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		Cases:     cases.New(db, cases.Options{Users: users, Ingest: casestest.IngestOptions()}),
		Ingest:    ingest.New(db, ingest.Options{IDKey: casestest.IDKey, LoadedBy: "web"}),
		Transform: func(ctx context.Context) error { _, err := transform.Run(ctx, db, transform.Options{}); return err },
		Notebook:  sb,
		AuditPath: audit,
	})
	return h, db, audit
}

// The authorisation matrix, written here independently of routeRules:
// who gets through each route. Every registered route must have a line,
// so a new route without one fails this test.
var matrix = map[string][]string{
	"GET /":                      {"anon", "leader", "analyst", "inspector", "officer", "admin"},
	"GET /assets/*path":          {"anon", "leader", "analyst", "inspector", "officer", "admin"},
	"GET /api/overview":          {"anon", "leader", "analyst", "inspector", "officer", "admin"},
	"GET /export/overview/:file": {"anon", "leader", "analyst", "inspector", "officer", "admin"},
	"GET /healthz":               {"anon", "leader", "analyst", "inspector", "officer", "admin"},

	"GET /bang-dieu-khien":              {"anon", "leader", "analyst", "inspector", "officer", "admin"},
	"GET /api/bang-dieu-khien":          {"anon", "leader", "analyst", "inspector", "officer", "admin"},
	"GET /export/bang-dieu-khien/:file": {"anon", "leader", "analyst", "inspector", "officer", "admin"},
	"GET /api/geo/:layer":               {"anon", "leader", "analyst", "inspector", "officer", "admin"},
	"GET /chu-ky":                       {"anon", "leader", "analyst", "inspector", "officer", "admin"},
	"GET /chat-luong":                   {"anon", "leader", "analyst", "inspector", "officer", "admin"},
	"GET /bao-cao/bieu-a":               {"anon", "leader", "analyst", "inspector", "officer", "admin"},
	"GET /bao-cao/bieu-a.xlsx":          {"anon", "leader", "analyst", "inspector", "officer", "admin"},
	"GET /phe-duyet":                    {"officer"},
	"POST /phe-duyet":                   {"officer"},
	"POST /phe-duyet/mo-khoa":           {"officer"},
	"GET /dang-nhap":                    {"anon", "leader", "analyst", "inspector", "officer", "admin"},
	"POST /dang-nhap":                   {"anon", "leader", "analyst", "inspector", "officer", "admin"},
	"POST /dang-xuat":                   {"anon", "leader", "analyst", "inspector", "officer", "admin"},

	"GET /upload":          {"officer"},
	"POST /upload/check":   {"officer"},
	"POST /upload/confirm": {"officer"},
	"POST /api/upload":     {}, // HTTP Basic only: a session cookie is not enough

	"GET /phuc-tra":                      {"leader", "analyst", "inspector"},
	"GET /phuc-tra/xuat.xlsx":            {"leader", "analyst", "inspector"},
	"GET /phuc-tra/xa/:code":             {"leader", "inspector"},
	"GET /phuc-tra/xa/:code/csv/:file":   {"leader", "inspector"},
	"GET /phuc-tra/ho-so":                {"leader", "inspector"},
	"GET /phuc-tra/ho-so/:id":            {"leader", "inspector"},
	"POST /phuc-tra/ho-so":               {"inspector"},
	"POST /phuc-tra/ho-so/:id/phan-cong": {"inspector"},
	"POST /phuc-tra/ho-so/:id/xac-minh":  {"inspector"},
	"POST /phuc-tra/ho-so/:id/dong":      {"inspector"},

	"GET /so-tay":            {"analyst"},
	"GET /so-tay/mau/:name":  {"analyst"},
	"POST /so-tay/chay":      {"analyst"},
	"POST /so-tay/xuat/:fmt": {"analyst"},
	"POST /so-tay/mo":        {"analyst"},
	"POST /so-tay/luu":       {"analyst"},
	"GET /quan-tri":          {"admin"},
	"POST /quan-tri/thu-hoi": {"admin"},
}

var roleUser = map[string]string{"leader": "lanhdao", "analyst": "phantich", "inspector": "phuctra1", "officer": "canbo", "admin": "quantri"}

// samplePath fills a route pattern's parameters.
func samplePath(pattern string) string {
	r := strings.NewReplacer(":code", "97102", ":file", "lich-su.csv", ":id", "1", ":name", "01_province_trend.sql",
		":fmt", "csv", "*path", "app.css", ":layer", "xa")
	return r.Replace(pattern)
}

func TestAuthorisationMatrix(t *testing.T) {
	h, _, _ := fullServer(t)
	routes := h.Routes()
	if len(routes) < len(matrix) {
		t.Errorf("%d routes registered, %d in the matrix", len(routes), len(matrix))
	}
	sessions := map[string]*http.Cookie{}
	for role, name := range roleUser {
		sessions[role] = sessionFor(t, h, name)
	}
	for _, rt := range routes {
		key := rt.Method + " " + rt.Path
		allowed, ok := matrix[key]
		if !ok {
			t.Errorf("%s: registered but not in the authorisation matrix", key)
			continue
		}
		if _, ok := routeRules[key]; !ok {
			t.Errorf("%s: no access rule", key)
		}
		for _, role := range []string{"anon", "leader", "analyst", "inspector", "officer", "admin"} {
			want := false
			for _, a := range allowed {
				want = want || a == role
			}
			form := url.Values{"sql": {"SELECT 1"}, "cells": {"[]"}, "nam": {"2024"}, "giai-doan": {"official"}, "ma-xa": {"97102"}, "ten": {"nobody"}}
			var sess *http.Cookie
			if role != "anon" {
				sess = sessions[role]
				if key == "POST /dang-xuat" {
					sess = sessionFor(t, h, roleUser[role]) // signing out ends the session
				}
				form.Set("csrf", csrfFor(t, h, sess))
			}
			var req *http.Request
			if rt.Method == http.MethodGet {
				req = httptest.NewRequest(rt.Method, samplePath(rt.Path), nil)
			} else {
				req = httptest.NewRequest(rt.Method, samplePath(rt.Path), strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("X-CSRF-Token", form.Get("csrf"))
			}
			if sess != nil {
				req.AddCookie(sess)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			loc := rec.Header().Get("Location")
			refused := rec.Code == http.StatusUnauthorized || rec.Code == http.StatusForbidden ||
				rec.Code == http.StatusSeeOther && strings.HasPrefix(loc, "/dang-nhap")
			if key == "POST /dang-nhap" || key == "POST /dang-xuat" {
				refused = false // the form itself answers (wrong password, token): nothing is guarded
			}
			if refused == want {
				t.Errorf("%s as %s: status %d (Location %q), want allowed=%v", key, role, rec.Code, loc, want)
			}
		}
	}
}

// csrfFor reads the CSRF token a signed-in page carries.
func csrfFor(t *testing.T, h http.Handler, sess *http.Cookie) string {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/upload", nil)
	req.AddCookie(sess)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return csrfOf(t, rec.Body.String())
}

// Signing out ends the session on the server: the same cookie, replayed,
// no longer works. An admin ends all of a user's sessions at once.
func TestSessionsRevocable(t *testing.T) {
	h, _, audit := fullServer(t)
	page := func(sess *http.Cookie) int {
		req := httptest.NewRequest(http.MethodGet, "/phuc-tra/ho-so", nil)
		req.AddCookie(sess)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	post := func(path string, sess *http.Cookie, form url.Values) int {
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(sess)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	s1 := sessionFor(t, h, "phuctra1")
	if page(s1) != http.StatusOK {
		t.Fatal("fresh session refused")
	}
	if st := post("/dang-xuat", s1, url.Values{"csrf": {csrfFor(t, h, s1)}}); st != http.StatusSeeOther {
		t.Fatalf("sign-out: %d", st)
	}
	if st := page(s1); st != http.StatusSeeOther {
		t.Fatalf("replayed cookie after sign-out: %d, want the login redirect", st)
	}

	a, b := sessionFor(t, h, "lanhdao"), sessionFor(t, h, "lanhdao")
	admin := sessionFor(t, h, "quantri")
	if page(a) != http.StatusOK || page(b) != http.StatusOK {
		t.Fatal("leader sessions refused")
	}
	if st := post("/quan-tri/thu-hoi", admin, url.Values{"csrf": {csrfFor(t, h, admin)}, "ten": {"lanhdao"}}); st != http.StatusOK {
		t.Fatalf("revoke: %d", st)
	}
	if page(a) != http.StatusSeeOther || page(b) != http.StatusSeeOther {
		t.Fatal("revoked sessions still work")
	}
	// The admin page lists the log: sign-ins, the sign-out, the revocation.
	req := httptest.NewRequest(http.MethodGet, "/quan-tri", nil)
	req.AddCookie(admin)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	body := rec.Body.String()
	for _, want := range []string{"đăng nhập", "đăng xuất", "thu hồi phiên", "lanhdao: 2 phiên", "quantri"} {
		if !strings.Contains(body, want) {
			t.Errorf("admin page lacks %q", want)
		}
	}
	b2, _ := os.ReadFile(audit)
	if n := strings.Count(string(b2), `"action":"đăng nhập"`); n < 4 {
		t.Errorf("%d sign-ins in the audit file:\n%s", n, b2)
	}
}

// After sign-in, the redirect stays on this site whatever tiep says.
func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/phuc-tra/ho-so?nam=2024": "/phuc-tra/ho-so?nam=2024",
		"/so-tay":                  "/so-tay",
		"/\t/evil.example":         "/phuc-tra",
		"/%09/evil.example":        "/%09/evil.example", // stays a path: the browser does not decode it
		"//evil.example":           "/phuc-tra",
		"/\\evil.example":          "/phuc-tra",
		"/\n/evil.example":         "/phuc-tra",
		"/ /evil.example":          "/phuc-tra",
		"https://evil.example":     "/phuc-tra",
		"javascript:alert(1)":      "/phuc-tra",
		"/\u00a0/evil.example":     "/phuc-tra",
		"":                         "/phuc-tra",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
