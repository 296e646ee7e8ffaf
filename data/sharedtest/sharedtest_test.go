package sharedtest

import (
	"os"
	"path/filepath"
	"testing"
)

func TestDirIsBesideTheModule(t *testing.T) {
	d := Dir()
	if d == "" {
		t.Skip("no ../shared/data beside this clone")
	}
	// from data/sharedtest the module root is two levels up
	want, _ := filepath.Abs(filepath.Join("..", "..", "..", "shared", "data"))
	if d != want {
		t.Errorf("Dir() = %s, want %s", d, want)
	}
	if _, err := os.Stat(Path(t, "daklak_units_2019.csv")); err != nil {
		t.Error(err)
	}
}

func TestMissingFileSkips(t *testing.T) {
	if Dir() == "" {
		t.Skip("no ../shared/data beside this clone")
	}
	ok := t.Run("missing", func(t *testing.T) {
		Path(t, "no-such-file.csv")
		t.Error("Path returned for a missing file")
	})
	if !ok {
		t.Error("a missing file must skip, not fail")
	}
}
