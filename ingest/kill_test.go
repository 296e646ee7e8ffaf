package ingest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"rasoat/store"
)

// writeHouseholdCSV writes n households of Xã Ea Pil (24418), 2019.
func writeHouseholdCSV(t testing.TB, path string, n int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("year,stage,unit_code,household_id,village,head_name,head_id,ethnicity,area,members,income_per_capita,dep_01,dep_02,dep_03,class_end,change\n")
	cls := []string{"poor", "near_poor", "escaped", "none"}
	for i := range n {
		fmt.Fprintf(w, "2019,official,24418,EP-%07d,Buôn %d,Y Niê %d,0661%08d,Ê Đê,rural,%d,%d,%d,0,1,%s,old\n",
			i, i%40, i, i, 1+i%7, 600000+i%900000, i%2, cls[i%4])
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

const killChildEnv = "RASOAT_TEST_KILL_CHILD" // "DB|CSV|bulk" or "DB|CSV|full" in the child

// TestKillChild is the child of TestKill9DuringIngest: it ingests one big
// household list and reports its progress on stdout.
func TestKillChild(t *testing.T) {
	spec := os.Getenv(killChildEnv)
	if spec == "" {
		t.Skip("run by TestKill9DuringIngest")
	}
	parts := strings.Split(spec, "|")
	dbPath, csvPath := parts[0], parts[1]
	ctx := context.Background()
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	g := New(db, Options{IDKey: []byte("k"), MaxRows: 1 << 30, fullReader: parts[2] == "full", Progress: func(_ string, rows, total int) {
		fmt.Printf("rows %d %d\n", rows, total)
	}})
	rep := g.File(ctx, csvPath)
	fmt.Printf("done %s\n", rep.Status)
}

// A kill -9 in the middle of an ingest leaves a database that opens and
// holds either the whole file or none of it. The child is killed at
// several moments after it has read the file, while it writes: through the
// bulk path for plain lists and through the full reader's appenders.
func TestKill9DuringIngest(t *testing.T) {
	for _, mode := range []string{"bulk", "full"} {
		t.Run(mode, func(t *testing.T) { kill9(t, mode) })
	}
}

func kill9(t *testing.T, mode string) {
	if testing.Short() {
		t.Skip("slow: spawns processes")
	}
	const n = 150_000
	dir := t.TempDir()
	base := daklakDB(t, dir)
	if err := base.Close(); err != nil {
		t.Fatal(err)
	}
	csvPath := filepath.Join(dir, "ds_ho.csv")
	writeHouseholdCSV(t, csvPath, n)
	baseBytes, err := os.ReadFile(filepath.Join(dir, "t.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for i, delay := range []time.Duration{0, 150 * time.Millisecond, 400 * time.Millisecond, 900 * time.Millisecond} {
		dbPath := filepath.Join(dir, fmt.Sprintf("k%d.duckdb", i))
		if err := os.WriteFile(dbPath, baseBytes, 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestKillChild$", "-test.v")
		cmd.Env = append(os.Environ(), killChildEnv+"="+dbPath+"|"+csvPath+"|"+mode)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Wait for the last progress report (reading is over, writing
		// starts), then let it write for delay before killing it.
		sc := bufio.NewScanner(out)
		finished := false
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, "done") {
				finished = true
				break
			}
			if f := strings.Fields(line); len(f) == 3 && f[0] == "rows" {
				if r, _ := strconv.Atoi(f[1]); r+8192 > n {
					break
				}
			}
		}
		time.Sleep(delay)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		go io.Copy(io.Discard, out)
		_ = cmd.Wait()

		db, err := store.Open(context.Background(), dbPath)
		if err != nil {
			t.Fatalf("kill after %v: database does not open: %v", delay, err)
		}
		var files, rows int
		if err := db.QueryRow(`SELECT (SELECT count(*) FROM ingest_file), (SELECT count(*) FROM raw_household)`).Scan(&files, &rows); err != nil {
			t.Fatal(err)
		}
		db.Close()
		switch {
		case files == 0 && rows == 0:
			seen[0] = true
		case files == 1 && rows == n:
			seen[1] = true
		default:
			t.Errorf("kill after %v: %d files, %d of %d rows: a partial load", delay, files, rows, n)
		}
		t.Logf("kill %v after reading (child finished: %v): %d files, %d rows", delay, finished, files, rows)
	}
	if !seen[0] {
		t.Log("no kill landed before the commit; the none-case was not exercised")
	}
}
