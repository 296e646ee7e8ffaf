// Package pipeline runs the stages end to end over a folder of files laid
// out like the sample province's: unit lists, crosswalks, then forms and
// household lists, then the transform. The demo and the end-to-end tests use
// it; it goes through exactly the code path real files take.
package pipeline

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"rasoat/data/synth"
	"rasoat/ingest"
	"rasoat/ingest/refdata"
	"rasoat/store"
	"rasoat/transform"
)

// Report counts what a build loaded.
type Report struct {
	Units, CrosswalkRows      int
	Files, Accepted, Rejected int
	Unchanged                 int
	Rows                      int
	Findings                  int
	Synth                     time.Duration
	Ingest                    time.Duration
	Transform                 time.Duration
	Rejections                []string
}

// LoadFolder imports dir/units/units_*.csv (in date order), the crosswalks
// dir/units/crosswalk_*.csv, and every form under dir/forms, dir/exports and
// dir/households, then runs the transform.
func LoadFolder(ctx context.Context, db *store.DB, dir string, opt ingest.Options, log *slog.Logger) (*Report, error) {
	rep := &Report{}
	if _, err := refdata.LoadShipped(ctx, db, nil); err != nil {
		return nil, err
	}
	unitFiles, _ := filepath.Glob(filepath.Join(dir, "units", "units_*.csv"))
	sort.Strings(unitFiles) // names carry ISO dates, so name order is date order
	for _, p := range unitFiles {
		n, err := refdata.ImportUnitsFile(ctx, db, p, time.Time{})
		if err != nil {
			return nil, err
		}
		rep.Units += n
	}
	xwFiles, _ := filepath.Glob(filepath.Join(dir, "units", "crosswalk_*.csv"))
	for _, p := range xwFiles {
		n, err := refdata.ImportCrosswalkFile(ctx, db, p, time.Time{})
		if err != nil {
			return nil, err
		}
		rep.CrosswalkRows += n
	}
	var roots []string
	for _, sub := range []string{"forms", "exports", "households"} {
		if st, err := os.Stat(filepath.Join(dir, sub)); err == nil && st.IsDir() {
			roots = append(roots, filepath.Join(dir, sub))
		}
	}
	paths, err := ingest.Paths(roots)
	if err != nil {
		return nil, err
	}
	t0 := time.Now()
	g := ingest.New(db, opt)
	for _, p := range paths {
		r := g.File(ctx, p)
		rep.Files++
		switch r.Status {
		case ingest.Accepted:
			rep.Accepted++
		case ingest.Unchanged:
			rep.Unchanged++
		case ingest.Rejected:
			rep.Rejected++
			rep.Rejections = append(rep.Rejections, r.Summary())
		}
		for _, f := range r.Forms {
			rep.Rows += f.Rows
		}
		for _, p := range r.Problems {
			if p.Severity == "finding" {
				rep.Findings++
			}
		}
		if log != nil {
			log.Debug("ingest", "file", p, "status", r.Status)
		}
	}
	rep.Ingest = time.Since(t0)
	t0 = time.Now()
	if _, err := transform.Run(ctx, db, transform.Options{}); err != nil {
		return nil, err
	}
	rep.Transform = time.Since(t0)
	return rep, nil
}

// BuildSample generates the sample province into dir/sample and loads it
// into db.
func BuildSample(ctx context.Context, db *store.DB, dir string, seed uint64, scale float64, opt ingest.Options, log *slog.Logger) (*Report, error) {
	t0 := time.Now()
	out := filepath.Join(dir, "sample")
	if _, err := synth.Generate(ctx, synth.Config{Out: out, Seed: seed, Scale: scale}); err != nil {
		return nil, fmt.Errorf("tạo tỉnh mẫu: %w", err)
	}
	took := time.Since(t0)
	rep, err := LoadFolder(ctx, db, out, opt, log)
	if err != nil {
		return nil, err
	}
	rep.Synth = took
	return rep, nil
}

// IDKey returns the key for hashing household heads' ID numbers: the file
// named by RASOAT_ID_KEY_FILE, or keyPath (created with a random key, mode
// 0600, on first use). The key is configuration: it never goes in the repo.
func IDKey(keyPath string) ([]byte, error) {
	if p := os.Getenv("RASOAT_ID_KEY_FILE"); p != "" {
		keyPath = p
	}
	b, err := os.ReadFile(keyPath)
	if err == nil {
		k := strings.TrimSpace(string(b))
		if len(k) < 32 {
			return nil, fmt.Errorf("khóa băm %s quá ngắn (cần ≥ 32 ký tự)", keyPath)
		}
		return []byte(k), nil
	}
	if !os.IsNotExist(err) {
		return nil, err
	}
	f, err := os.OpenFile(keyPath, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	key := make([]byte, 32)
	if _, err := io.ReadFull(randReader(), key); err != nil {
		return nil, err
	}
	hexKey := fmt.Sprintf("%x", key)
	if _, err := f.WriteString(hexKey + "\n"); err != nil {
		return nil, err
	}
	return []byte(hexKey), nil
}
