package refdata

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"rasoat/store"
)

// ImportUnitsFile imports one units list; a zero validFrom takes the date in
// the file name (units_2025-07-01.csv), else 1/1/1900.
func ImportUnitsFile(ctx context.Context, db *store.DB, path string, validFrom time.Time) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	units, err := ReadUnits(filepath.Base(path), f)
	if err != nil {
		return 0, err
	}
	if validFrom.IsZero() {
		if d, ok := DateFromName(path); ok {
			validFrom = d
		} else {
			validFrom = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
		}
	}
	rep, err := ImportUnits(ctx, db, path, units, validFrom)
	if err != nil {
		return 0, err
	}
	return rep.Units, nil
}

// ImportCrosswalkFile imports one crosswalk CSV; a zero effective takes the
// date in the file name.
func ImportCrosswalkFile(ctx context.Context, db *store.DB, path string, effective time.Time) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	if effective.IsZero() {
		effective, _ = DateFromName(path)
	}
	rows, err := ReadCrosswalk(filepath.Base(path), f, effective)
	if err != nil {
		return 0, err
	}
	return ImportCrosswalk(ctx, db, path, rows)
}
