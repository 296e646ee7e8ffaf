package synth

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// The Scale 0.02 output is shared by the tests that only read it; it is
// generated once per test binary.
var fixture struct {
	once sync.Once
	dir  string
	sum  *Summary
	err  error
}

const fixtureSeed = 20250701

func TestMain(m *testing.M) {
	code := m.Run()
	if fixture.dir != "" {
		os.RemoveAll(fixture.dir)
	}
	os.Exit(code)
}

func generated(t *testing.T) (string, *Summary) {
	t.Helper()
	fixture.once.Do(func() {
		fixture.dir, fixture.err = os.MkdirTemp("", "synth-fixture-")
		if fixture.err != nil {
			return
		}
		fixture.sum, fixture.err = Generate(context.Background(), Config{Out: fixture.dir, Seed: fixtureSeed, Scale: 0.02})
	})
	if fixture.err != nil {
		t.Fatalf("Generate: %v", fixture.err)
	}
	return fixture.dir, fixture.sum
}

// table is a CSV file read into rows keyed by header name.
type table struct {
	head []string
	rows []map[string]string
}

func readTable(t *testing.T, path string) table {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	s := strings.TrimPrefix(string(b), "\ufeff")
	r := csv.NewReader(strings.NewReader(s))
	if first, _, _ := strings.Cut(s, "\n"); strings.Count(first, ";") > strings.Count(first, ",") {
		r.Comma = ';'
	}
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	tb := table{head: recs[0]}
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = rec[i]
		}
		tb.rows = append(tb.rows, m)
	}
	return tb
}

func num(t *testing.T, m map[string]string, field string) int64 {
	t.Helper()
	v, err := strconv.ParseInt(m[field], 10, 64)
	if err != nil {
		t.Fatalf("field %s = %q in %v: %v", field, m[field], m, err)
	}
	return v
}

func flt(t *testing.T, m map[string]string, field string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(m[field], 64)
	if err != nil {
		t.Fatalf("field %s = %q: %v", field, m[field], err)
	}
	return v
}

// parseVN reads a cell as an officer's reader would: Vietnamese notation,
// blank or "-" as 0.
func parseVN(t *testing.T, s string) float64 {
	t.Helper()
	s = strings.TrimSpace(s)
	if s == "" || s == "-" {
		return 0
	}
	if strings.Contains(s, ",") || strings.Count(s, ".") > 1 || (strings.Contains(s, ".") && len(s)-strings.Index(s, ".") == 4) {
		s = strings.ReplaceAll(s, ".", "")
		s = strings.ReplaceAll(s, ",", ".")
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("cell %q is not a number: %v", s, err)
	}
	return v
}

// words folds a header for matching: accent-free lower-case words.
func words(s string) []string { return strings.Fields(strings.ReplaceAll(slug(s), "-", " ")) }

func key(parts ...string) string { return strings.Join(parts, "|") }

func pathIn(dir string, parts ...string) string {
	return filepath.Join(append([]string{dir}, parts...)...)
}

func readRaw(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
