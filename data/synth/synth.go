// Package synth generates a deterministic synthetic province shaped like
// Đắk Lắk ("Tỉnh Mẫu", code 99) and writes what its officers would send:
// official Excel forms in five layout variants, CSV exports, a household
// list, unit lists and the 2025 crosswalk, plus the generator's ground truth
// (truth/commune_year.csv) and the anomalies it planted (truth/anomalies.csv).
//
// The same Seed gives byte-identical CSV files and identical workbook cell
// contents: all randomness comes from PCG streams keyed by Seed and a label,
// nothing depends on map order or the clock, and workbooks are independent
// so they can be written in parallel. The geography (names, codes, mergers)
// is the same for every seed; the numbers are not.
//
// It is not part of the ingest path and must not import rasoat/ingest or
// rasoat/store.
package synth

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"rasoat/review"
)

// Config says where and how big.
type Config struct {
	Out  string // output directory (created)
	Seed uint64
	// Scale multiplies every commune's households: 1 is full size (about
	// 490 000 households in 2024); tests use 0.02. Communes keep at least
	// 10 households. Zero means 1. A whole Scale above 1 with Provinces
	// unset means that many full-size provinces (the command line's
	// --scale 55: about national size, 10 000 communes and 27 M households).
	Scale float64
	// Provinces above 1 writes that many provinces as machine exports
	// (national.go) instead of the one sample province with its workbooks.
	Provinces int
	// HouseholdListYear is the year of the household list (Form D); it must be
	// an NĐ 07 year before the reorganisation (2022–2024). Zero means 2024.
	HouseholdListYear int
	// Workers bounds the workbooks written at once; zero means GOMAXPROCS.
	Workers int
}

// Summary reports what Generate wrote.
type Summary struct {
	Files      int   // every file written, workbooks included
	Workbooks  int   // .xlsx files: form workbooks and the household list
	Households int64 // total households in the latest year (2026, official)
	// ListedHouseholds counts the rows of the household lists (Form D)
	ListedHouseholds int64
	Provinces        int
	Communes2024     int
	Communes2025     int
	Out              string
}

// Generate writes the sample province under cfg.Out.
func Generate(ctx context.Context, cfg Config) (*Summary, error) {
	if cfg.Out == "" {
		return nil, errors.New("synth: chưa chỉ định thư mục đầu ra (--out)")
	}
	if cfg.Scale == 0 {
		cfg.Scale = 1
	}
	if cfg.Scale > 1 && cfg.Provinces == 0 {
		n := int(cfg.Scale)
		if float64(n) != cfg.Scale {
			return nil, fmt.Errorf("synth: hệ số quy mô %v không hợp lệ: lớn hơn 1 là số tỉnh, cần số nguyên", cfg.Scale)
		}
		cfg.Provinces, cfg.Scale = n, 1
	}
	if cfg.Scale < 0 || cfg.Scale > 1 {
		return nil, fmt.Errorf("synth: hệ số quy mô %v không hợp lệ (cần trong khoảng (0; 1], hoặc số tỉnh)", cfg.Scale)
	}
	if cfg.Provinces < 0 || cfg.Provinces > MaxProvinces {
		return nil, fmt.Errorf("synth: số tỉnh %d không hợp lệ (cần từ 1 đến %d)", cfg.Provinces, MaxProvinces)
	}
	if cfg.HouseholdListYear == 0 {
		cfg.HouseholdListYear = 2024
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	if err := os.MkdirAll(cfg.Out, 0o755); err != nil {
		return nil, fmt.Errorf("synth: tạo thư mục %s: %w", cfg.Out, err)
	}

	if cfg.Provinces > 1 {
		return generateNational(ctx, cfg)
	}
	ds, err := build(cfg)
	if err != nil {
		return nil, err
	}
	sum := &Summary{Out: cfg.Out, Provinces: 1, Communes2024: len(ds.prov.Communes), Communes2025: len(ds.prov.New)}
	for _, r := range ds.recs[len(ds.cycles)-1][stageIdx(review.Official)] {
		sum.Households += r.TotalHouseholds
	}
	for _, l := range ds.households.Lists {
		sum.ListedHouseholds += int64(len(l))
	}

	for _, w := range []func(string) (int, error){ds.writeReference, ds.writeTruth, ds.writeExports, ds.writeGeo} {
		n, err := w(cfg.Out)
		sum.Files += n
		if err != nil {
			return sum, fmt.Errorf("synth: %w", err)
		}
	}

	wbs := ds.planWorkbooks()
	dirs := map[string]bool{filepath.Dir(ds.households.Rel): true}
	for _, wb := range wbs {
		dirs[filepath.Dir(wb.Rel)] = true
	}
	for d := range dirs { // creating directories: order does not matter
		if err := os.MkdirAll(filepath.Join(cfg.Out, d), 0o755); err != nil {
			return sum, fmt.Errorf("synth: tạo thư mục %s: %w", d, err)
		}
	}
	jobs := make([]func() error, 0, len(wbs)+1)
	// the household list is the largest file: start it first
	jobs = append(jobs, func() error { return ds.writeHouseholds(cfg.Out, ds.households) })
	for _, wb := range wbs {
		jobs = append(jobs, func() error { return ds.writeWorkbook(cfg.Out, wb) })
	}
	if err := runJobs(ctx, cfg.Workers, jobs); err != nil {
		return sum, fmt.Errorf("synth: %w", err)
	}
	sum.Workbooks = len(jobs)
	sum.Files += len(jobs)
	return sum, nil
}

// build plans the province, simulates it and lists the households, without
// writing anything.
func build(cfg Config) (*dataset, error) {
	prov := planProvince(cfg.Seed)
	ds := simulate(prov, cfg.Seed, cfg.Scale)
	hl, err := ds.buildHouseholds(cfg.HouseholdListYear)
	if err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	ds.households = hl
	return ds, nil
}

// runJobs runs jobs on n workers and returns the first error; it stops
// handing out work once ctx is done or a job failed.
func runJobs(ctx context.Context, n int, jobs []func() error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan func() error)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for job := range next {
				if err := job(); err != nil {
					cancel(err)
				}
			}
		})
	}
feed:
	for _, j := range jobs {
		select {
		case <-ctx.Done():
			break feed
		case next <- j:
		}
	}
	close(next)
	wg.Wait()
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return ctx.Err()
}
