// Package store owns every DuckDB detail: opening a database file read-write
// (the single writer) or read-only, applying the embedded schema migrations,
// and the sandbox in which untrusted analyst SQL runs. Nothing else in rasoat
// imports the DuckDB driver.
package store
