package notebook_test

import (
	"context"
	"testing"

	"rasoat/cases/casestest"
	"rasoat/notebook"
	rsql "rasoat/sql"
	"rasoat/store"
)

// Every notebook shipped in sql/notebooks runs, cell by cell, in the
// analyst sandbox on the snapshot of a transformed database.
func TestShippedNotebooksRun(t *testing.T) {
	db := casestest.Open(t)
	sb, err := store.OpenSandbox(context.Background(), store.AnalystPath(db.Path), store.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	files, err := rsql.Notebooks()
	if err != nil || len(files) < 3 {
		t.Fatalf("notebooks: %d, %v", len(files), err)
	}
	for _, f := range files {
		cells := notebook.Parse(f.Text)
		nSQL := 0
		for i, c := range cells {
			if c.Kind != notebook.SQL {
				continue
			}
			nSQL++
			res, err := sb.Query(context.Background(), c.Source)
			if err != nil {
				t.Errorf("%s cell %d (%s): %v", f.Name, i+1, c.Title, err)
				continue
			}
			if len(res.Columns) == 0 {
				t.Errorf("%s cell %d: no columns", f.Name, i+1)
			}
		}
		if nSQL == 0 || cells[0].Kind != notebook.Markdown {
			t.Errorf("%s: %d SQL cells; first cell %q", f.Name, nSQL, cells[0].Kind)
		}
	}
}
