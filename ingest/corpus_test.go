package ingest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"rasoat/ingest/internal/corpus"
	"rasoat/ingest/problem"
	"rasoat/review"
)

// TestCorpus loads every file of testdata/corpus, in order, into one
// database and checks each outcome: accepted with its forms, rows, findings
// and warnings; rejected with its code where it was found, the database
// unchanged; or unchanged (the same bytes again).
func TestCorpus(t *testing.T) {
	ctx := context.Background()
	db := daklakDB(t, t.TempDir())
	cases := corpus.Cases()
	if len(cases) < 40 {
		t.Fatalf("corpus has %d files, want ≥ 40", len(cases))
	}
	names := map[string]bool{"MANIFEST.tsv": true}
	for _, c := range cases {
		names[c.Name] = true
	}
	entries, err := os.ReadDir(filepath.Join("testdata", "corpus"))
	if err != nil {
		t.Fatalf("%v (run: go generate ./ingest)", err)
	}
	for _, e := range entries {
		if !names[e.Name()] {
			t.Errorf("testdata/corpus/%s is not made by the generator: remove it", e.Name())
		}
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("testdata", "corpus", c.Name))
			if err != nil {
				t.Fatalf("%v (run: go generate ./ingest)", err)
			}
			if c.Deterministic() {
				gen, err := c.Bytes()
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(gen, body) {
					t.Fatalf("testdata/corpus/%s differs from what the generator makes (run: go generate ./ingest)", c.Name)
				}
			}
			opt := Options{Year: c.Opt.Year, Stage: review.Stage(c.Opt.Stage), Unit: c.Opt.Unit, Standard: c.Opt.Standard,
				MaxBytes: c.Opt.MaxBytes, MaxRows: c.Opt.MaxRows, MaxCols: c.Opt.MaxCols, MaxUnzipped: c.Opt.MaxUnzipped,
				LoadedBy: "corpus", IDKey: []byte("corpus-test-key")}
			before := checksum(t, db)
			rep := New(db, opt).Reader(ctx, c.Name, bytes.NewReader(body))
			w := c.Want
			if string(rep.Status) != w.Status {
				t.Fatalf("status %s, want %s\n%s", rep.Status, w.Status, problems(rep.Problems))
			}
			for _, p := range rep.Problems {
				if p.File != c.Name || p.Message == "" || !norm.NFC.IsNormalString(p.Message) {
					t.Errorf("problem without file or NFC message: %+v", p)
				}
			}
			switch w.Status {
			case corpus.Rejected:
				if after := checksum(t, db); after != before {
					t.Errorf("database changed by a rejected file:\nbefore %s\nafter  %s", before, after)
				}
				p := rep.Problems.First()
				if p == nil {
					t.Fatal("rejected without a rejecting problem")
				}
				if p.Code != w.Code {
					t.Fatalf("first problem %s, want %s\n%s", p.Code, w.Code, problems(rep.Problems))
				}
				if w.Sheet != "" && p.Sheet != w.Sheet || w.Row != 0 && p.Row != w.Row || w.Column != "" && p.Column != w.Column {
					t.Errorf("problem at sheet %q row %d column %q, want %q %d %q: %s", p.Sheet, p.Row, p.Column, w.Sheet, w.Row, w.Column, p.Error())
				}
				if w.MsgContains != "" && !strings.Contains(p.Error(), w.MsgContains) {
					t.Errorf("message does not name %q: %s", w.MsgContains, p.Error())
				}
			case corpus.Accepted:
				if rep.FileID == 0 {
					t.Fatal("accepted without a file id")
				}
				rows := 0
				for _, f := range rep.Forms {
					rows += f.Rows
				}
				if w.Forms >= 0 && len(rep.Forms) != w.Forms || w.Rows >= 0 && rows != w.Rows {
					t.Errorf("%d forms, %d rows; want %d, %d\n%s", len(rep.Forms), rows, w.Forms, w.Rows, rep.Summary())
				}
				for _, code := range append(append([]string{}, w.Findings...), w.Warnings...) {
					if !slices.ContainsFunc(rep.Problems, func(p *problem.Problem) bool { return p.Code == code }) {
						t.Errorf("no %s among the problems:\n%s", code, problems(rep.Problems))
					}
				}
				for _, p := range rep.Problems {
					if p.Severity == problem.Finding && !slices.Contains(w.Findings, p.Code) {
						t.Errorf("unexpected finding %s", p.Error())
					}
				}
				var stored int
				if err := db.QueryRowContext(ctx, `SELECT count(*) FROM ingest_finding WHERE file_id = ?`, rep.FileID).Scan(&stored); err != nil {
					t.Fatal(err)
				}
				if want := countSeverity(rep.Problems, problem.Finding); stored != want {
					t.Errorf("%d findings stored, %d reported", stored, want)
				}
				if check, ok := corpusChecks[c.Name]; ok {
					check(t, db, rep.FileID)
				}
			case corpus.Unchanged:
				if rep.FileID == 0 {
					t.Error("unchanged without the earlier file id")
				}
				if after := checksum(t, db); after != before {
					t.Errorf("database changed by a file loaded before")
				}
			}
		})
	}
}

func problems(l problem.List) string {
	var b strings.Builder
	for _, p := range l {
		b.WriteString("  " + p.Error() + "\n")
	}
	return b.String()
}
