package querytest

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"rasoat/ingest"
	"rasoat/pipeline"
	"rasoat/store"
)

// Sample is the synthetic sample province built the way the demo builds it
// (generator → ingest → transform), so tests of the dashboard read the real
// views, not stand-ins. Dir holds the generator's truth/, units/ and geo/ folders.
type Sample struct {
	DB  *store.DB
	Dir string
}

// SampleScale is the households scale of the test sample (about 10.000
// households in 2024): small to build, the full set of units.
const SampleScale = 0.02

var sampleOnce struct {
	sync.Once
	files map[string][]byte // by path relative to the copy: "s.duckdb", "geo/…", "truth/…"
	err   error
}

// OpenSample gives the test its own copy of the sample database (built once
// per test binary, about 20 s) and of the generator's truth and maps.
func OpenSample(tb testing.TB) *Sample {
	tb.Helper()
	sampleOnce.Do(func() { sampleOnce.files, sampleOnce.err = buildSample(tb.TempDir()) })
	if sampleOnce.err != nil {
		tb.Fatalf("build sample: %v", sampleOnce.err)
	}
	dir := tb.TempDir()
	for rel, b := range sampleOnce.files {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	db, err := store.Open(context.Background(), filepath.Join(dir, "s.duckdb"))
	if err != nil {
		tb.Fatalf("open sample db: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return &Sample{DB: db, Dir: dir}
}

func buildSample(dir string) (map[string][]byte, error) {
	ctx := context.Background()
	dbPath := filepath.Join(dir, "s.duckdb")
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		return nil, err
	}
	_, err = pipeline.BuildSample(ctx, db, dir, 7, SampleScale, ingest.Options{IDKey: []byte("test-key-0123456789abcdef0123456789")}, nil)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	b, err := os.ReadFile(dbPath)
	if err != nil {
		return nil, err
	}
	files["s.duckdb"] = b
	for _, sub := range []string{"geo", "truth", "units"} {
		ents, err := os.ReadDir(filepath.Join(dir, "sample", sub))
		if err != nil {
			return nil, err
		}
		for _, e := range ents {
			b, err := os.ReadFile(filepath.Join(dir, "sample", sub, e.Name()))
			if err != nil {
				return nil, err
			}
			files[filepath.Join(sub, e.Name())] = b
		}
	}
	return files, nil
}
