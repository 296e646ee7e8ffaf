//go:build linux

package ingest

import (
	"os"
	"strings"
	"testing"
)

// A Parquet upload (raw ID numbers) is given to DuckDB as memory files: no
// entry appears in the temporary folder, so a killed load leaves nothing.
func TestParquetFilesStayInMemory(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	in, out, cleanup, err := parquetFiles([]byte("PAR1 raw ID 012345678901"))
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	for _, p := range []string{in, out} {
		if !strings.HasPrefix(p, "/proc/self/fd/") {
			t.Errorf("%s is not a memory file", p)
		}
	}
	if b, err := os.ReadFile(in); err != nil || string(b) != "PAR1 raw ID 012345678901" {
		t.Errorf("read back %q, %v", b, err)
	}
	if ents, _ := os.ReadDir(tmp); len(ents) > 0 {
		t.Errorf("temporary folder holds %v", ents)
	}
}
