// Package sql holds every SQL file of rasoat, embedded: the numbered schema
// migrations applied at open (schema/), the transform models run in order
// (models/), and example analyst notebooks (notebooks/).
package sql

import (
	"embed"
	"io/fs"
	"sort"
	"strings"
)

//go:embed schema/*.sql models/*.sql notebooks/*.sql
var files embed.FS

// File is one SQL file, named by its path under sql/.
type File struct {
	Name string
	Text string
}

// Schema returns the migrations in the order they must be applied.
func Schema() ([]File, error) { return dir("schema") }

// Models returns the transform models in dependency order (their file names
// start with a number that orders them).
func Models() ([]File, error) { return dir("models") }

// Notebooks returns the example analyst queries.
func Notebooks() ([]File, error) { return dir("notebooks") }

func dir(name string) ([]File, error) {
	entries, err := fs.ReadDir(files, name)
	if err != nil {
		return nil, err
	}
	var out []File
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		b, err := files.ReadFile(name + "/" + e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, File{Name: name + "/" + e.Name(), Text: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
