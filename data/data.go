// Package data holds the reference data rasoat ships as files, not code:
// poverty standards, review cycles and targets. A new standard or cycle is a
// new row here, never a code change. The sample-province generator lives in
// the synth subpackage.
package data

import (
	"embed"
	"encoding/csv"
	"fmt"
	"io/fs"
	"strings"
)

//go:embed standards.csv cycles.csv targets.csv anomaly_rules.csv
var files embed.FS

// Table is a CSV file's header and records.
type Table struct {
	Name    string
	Header  []string
	Records [][]string
}

// Load reads one of the shipped reference tables: "standards", "cycles",
// "targets" or "anomaly_rules".
func Load(name string) (*Table, error) { return LoadFS(Files(), name) }

// Files is the shipped reference data as a file system.
func Files() fs.FS { return files }

// LoadFS reads a reference table from fsys, so a deployment or a test can
// declare its own standards, cycles or targets.
func LoadFS(fsys fs.FS, name string) (*Table, error) {
	b, err := fs.ReadFile(fsys, name+".csv")
	if err != nil {
		return nil, fmt.Errorf("reference table %s: %w", name, err)
	}
	r := csv.NewReader(strings.NewReader(string(b)))
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("reference table %s: %w", name, err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("reference table %s is empty", name)
	}
	return &Table{Name: name, Header: recs[0], Records: recs[1:]}, nil
}
