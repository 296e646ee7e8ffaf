package refdata

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// refWrite matches a statement that writes, creates or drops a ref_ table.
var refWrite = regexp.MustCompile(`(?is)\b(insert\s+(or\s+(replace|ignore)\s+)?into|delete\s+from|update|copy|truncate(\s+table)?|merge\s+into|` +
	`create\s+(or\s+replace\s+)?(temp\s+|temporary\s+)?(table|view)(\s+if\s+not\s+exists)?|drop\s+(table|view)(\s+if\s+exists)?|alter\s+table)\s+` +
	`["']?(main\.)?ref_[a-z0-9_]*`)

// fixturePackages may write ref_ tables although they are not _test.go
// files: they build hand-made databases for tests, and the test below
// checks that only tests import them.
var fixturePackages = []string{"query/querytest"}

// violations returns file:line: statement for every write to a ref_ table
// in root outside ingest/refdata, tests, fixture packages and sql/schema.
func violations(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		isGo := strings.HasSuffix(rel, ".go") && !strings.HasSuffix(rel, "_test.go")
		isSQL := strings.HasSuffix(rel, ".sql")
		if !isGo && !isSQL {
			return nil
		}
		dir := filepath.ToSlash(filepath.Dir(rel))
		if dir == "ingest/refdata" || (isSQL && strings.HasPrefix(rel, "sql/schema/")) {
			return nil
		}
		for _, fx := range fixturePackages {
			if dir == fx {
				return nil
			}
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		text := string(b)
		for _, m := range refWrite.FindAllStringIndex(text, -1) {
			line := strings.Count(text[:m[0]], "\n") + 1
			out = append(out, rel+":"+strconv.Itoa(line)+": "+strings.Join(strings.Fields(text[m[0]:m[1]]), " "))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// repoRoot is the directory holding go.mod.
func repoRoot(t *testing.T) string {
	t.Helper()
	d, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			t.Fatal("no go.mod above the test's directory")
		}
		d = filepath.Dir(d)
	}
}

// Every ref_* table has one writer, this package (doc.go): no other
// non-test Go file and no SQL model may insert, delete, update, copy into,
// create or drop a ref_ table. sql/schema creates them.
func TestOnlyRefdataWritesRefTables(t *testing.T) {
	root := repoRoot(t)
	if v := violations(t, root); len(v) > 0 {
		t.Errorf("ref_* tables written outside ingest/refdata (move the write into ingest/refdata):\n%s", strings.Join(v, "\n"))
	}
	// The fixture packages exempted above must stay test-only.
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, fx := range fixturePackages {
			if strings.Contains(string(b), `"rasoat/`+fx+`"`) {
				t.Errorf("%s imports the test fixture %s outside a test", p, fx)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The scan itself must catch each kind of write, in Go and in SQL, and
// leave alone reads, tests, schema migrations and this package.
func TestOwnershipScanCatchesWrites(t *testing.T) {
	root := t.TempDir()
	write := func(rel, text string) {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bad := map[string]string{
		"a/insert.go":          "package a\nconst q = `INSERT INTO ref_unit VALUES (1)`\n",
		"a/replace.go":         "package a\nconst q = \"insert or replace into ref_census values (?)\"\n",
		"a/delete.go":          "package a\nconst q = `DELETE\n\tFROM ref_crosswalk`\n",
		"a/update.go":          "package a\nconst q = `UPDATE ref_unit SET valid_to = ?`\n",
		"a/copy.go":            "package a\nconst q = `COPY ref_target FROM 'x.csv'`\n",
		"sql/models/900_x.sql": "CREATE OR REPLACE TABLE ref_cycle AS SELECT 1;\n",
		"sql/models/901_y.sql": "TRUNCATE ref_standard;\n",
	}
	for rel, text := range bad {
		write(rel, text)
	}
	write("b/read.go", "package b\nconst q = `SELECT * FROM ref_unit JOIN ref_cycle USING (year)`\n")
	write("b/read_test.go", "package b\nconst q = `INSERT INTO ref_unit VALUES (1)`\n")
	write("sql/schema/001.sql", "CREATE TABLE ref_unit (x INT);\n")
	write("ingest/refdata/w.go", "package refdata\nconst q = `DELETE FROM ref_unit`\n")
	write("query/querytest/f.go", "package querytest\nconst q = `INSERT INTO ref_unit VALUES (1)`\n")
	got := violations(t, root)
	if len(got) != len(bad) {
		t.Fatalf("found %d violations, want %d:\n%s", len(got), len(bad), strings.Join(got, "\n"))
	}
	for rel := range bad {
		found := false
		for _, v := range got {
			found = found || strings.HasPrefix(v, rel+":")
		}
		if !found {
			t.Errorf("%s: write not caught", rel)
		}
	}
}
