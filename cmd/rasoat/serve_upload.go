package main

import (
	"context"
	"log/slog"
	"strings"

	"rasoat/dashboards"
	"rasoat/ingest"
	"rasoat/ingest/refdata"
	"rasoat/ingest/remote"
	"rasoat/pipeline"
	"rasoat/store"
	"rasoat/transform"
)

// withUpload makes the server the single writer of its database: the
// upload page loads files through the same ingest path as the command, and
// the transform runs after each load.
func withUpload(e *env, db *store.DB, opt dashboards.Options) dashboards.Options {
	if db.ReadOnly {
		return opt
	}
	key, err := pipeline.IDKey(db.Path + ".idkey")
	if err != nil {
		e.log.Warn("upload disabled: no ID key", slog.String("err", err.Error()))
		return opt
	}
	// Uploads need the review cycles (year → standard) in the database,
	// as `rasoat ingest` loads them before its files.
	if _, err := refdata.LoadShipped(context.Background(), db, nil); err != nil {
		e.log.Warn("upload disabled: reference data", slog.String("err", err.Error()))
		return opt
	}
	opt.Ingest = ingest.New(db, ingest.Options{LoadedBy: loadedBy("web"), IDKey: key})
	opt.Transform = func(ctx context.Context) error {
		_, err := transform.Run(ctx, db, transform.Options{})
		return err
	}
	return opt
}

// announce writes DB.server so that `rasoat ingest` against this database
// names the server instead of failing on DuckDB's lock; the returned
// function removes it.
func announce(e *env, db *store.DB, url string) func() {
	if db.Path == "" || strings.HasPrefix(db.Path, ":memory:") {
		return func() {}
	}
	done, err := remote.Announce(db.Path, url)
	if err != nil {
		e.log.Warn("server file", slog.String("err", err.Error()))
	}
	return done
}
