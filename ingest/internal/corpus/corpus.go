// Package corpus generates the ingest test corpus: bad and awkward files as
// officers really send them, each with the outcome ingest must give. The
// generator is the source; `go generate ./ingest` writes the files to
// ingest/testdata/corpus with a MANIFEST.tsv, and the corpus test checks
// that the committed files are what the generator makes.
//
// Every form reports on real units of Đắk Lắk (GSO list of 2019), so the
// test database holds ../shared/data/daklak_units_2019.csv.
package corpus

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/text/encoding/charmap"

	"rasoat/store"
)

// Status of a file, as ingest reports it.
const (
	Accepted  = "accepted"
	Rejected  = "rejected"
	Unchanged = "unchanged"
)

// Opt is what the command line would say for the file.
type Opt struct {
	Year                  int
	Stage, Unit, Standard string
	MaxBytes, MaxUnzipped int64
	MaxRows, MaxCols      int
}

// Want is the outcome ingest must give.
type Want struct {
	Status string
	// Code is the first rejecting problem's code; Sheet, Row and Column
	// (when set) where it is.
	Code        string
	Sheet       string
	Row         int
	Column      string
	MsgContains string // a word the officer must see (e.g. the closest unit name)
	// Forms and Rows (data rows over all forms) of an accepted file; -1 = any.
	Forms, Rows int
	// Findings and Warnings are the codes that must be among the file's
	// problems (the file loads).
	Findings, Warnings []string
}

// Case is one corpus file.
type Case struct {
	Name string // file name; its extension decides the reader
	What string // what the file exercises, for the manifest
	Opt  Opt
	Want Want
	make func() ([]byte, error)
}

// Bytes generates the file.
func (c Case) Bytes() ([]byte, error) {
	b, err := c.make()
	if err != nil {
		return nil, fmt.Errorf("corpus %s: %w", c.Name, err)
	}
	return b, nil
}

// Deterministic reports whether the generator gives the same bytes every
// time (Parquet carries its writer's version, so it is only checked to
// load).
func (c Case) Deterministic() bool { return !strings.HasSuffix(c.Name, ".parquet") }

// Write generates every case into dir, with MANIFEST.tsv.
func Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var man strings.Builder
	man.WriteString("file\tstatus\tcode\tsheet\trow\tcolumn\tfindings\twarnings\twhat\n")
	for _, c := range Cases() {
		b, err := c.Bytes()
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, c.Name), b, 0o644); err != nil {
			return err
		}
		w := c.Want
		fmt.Fprintf(&man, "%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n", c.Name, w.Status, w.Code, w.Sheet, w.Row, w.Column,
			strings.Join(w.Findings, ","), strings.Join(w.Warnings, ","), c.What)
	}
	return os.WriteFile(filepath.Join(dir, "MANIFEST.tsv"), []byte(man.String()), 0o644)
}

func xlsx(sheets ...Sheet) func() ([]byte, error) {
	return func() ([]byte, error) { return workbook(sheets...) }
}

func xlsxMapped(f func(string) (string, error), sheets ...Sheet) func() ([]byte, error) {
	return func() ([]byte, error) {
		var out []Sheet
		for _, s := range sheets {
			m, err := mapText(s, f)
			if err != nil {
				return nil, err
			}
			out = append(out, m)
		}
		return workbook(out...)
	}
}

func raw(b []byte) func() ([]byte, error) { return func() ([]byte, error) { return b, nil } }

// csvText joins records with sep; bom prefixes the UTF-8 byte order mark.
func csvText(bom bool, sep string, recs ...[]string) func() ([]byte, error) {
	return func() ([]byte, error) {
		var b bytes.Buffer
		if bom {
			b.WriteString("\ufeff")
		}
		for _, r := range recs {
			b.WriteString(strings.Join(r, sep))
			b.WriteString("\r\n")
		}
		return b.Bytes(), nil
	}
}

// parquet converts CSV text to Parquet with DuckDB (integer columns stay
// integers).
func parquet(csvBody func() ([]byte, error)) func() ([]byte, error) {
	return func() ([]byte, error) {
		body, err := csvBody()
		if err != nil {
			return nil, err
		}
		dir, err := os.MkdirTemp("", "corpus-parquet-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		in, out := filepath.Join(dir, "in.csv"), filepath.Join(dir, "out.parquet")
		if err := os.WriteFile(in, body, 0o600); err != nil {
			return nil, err
		}
		db, err := store.Open(context.Background(), "") // in memory
		if err != nil {
			return nil, err
		}
		defer db.Close()
		q := fmt.Sprintf(`COPY (SELECT * FROM read_csv('%s', header = true)) TO '%s' (FORMAT parquet)`, in, out)
		if _, err := db.ExecContext(context.Background(), q); err != nil {
			return nil, err
		}
		return os.ReadFile(out)
	}
}

// legacyBytes re-types UTF-8 text in a legacy font's encoding; ansi
// saves it as Windows-1252 bytes, as Excel's "CSV (Comma delimited)" does.
func legacyBytes(encode func(string) (string, error), ansi bool) func([]byte) []byte {
	return func(b []byte) []byte {
		s, err := encode(string(b))
		if err != nil {
			panic("corpus: " + err.Error()) // the generator's own text: a bug here
		}
		if !ansi {
			return []byte(s)
		}
		out, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
		if err != nil {
			panic("corpus: " + err.Error())
		}
		return out
	}
}

// then transforms the bytes another generator makes.
func then(gen func() ([]byte, error), f func([]byte) []byte) func() ([]byte, error) {
	return func() ([]byte, error) {
		b, err := gen()
		if err != nil {
			return nil, err
		}
		return f(b), nil
	}
}
