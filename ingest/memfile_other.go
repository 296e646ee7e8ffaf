//go:build !linux

package ingest

import (
	"errors"
	"os"
)

// memFile exists in memory only on Linux; elsewhere parquetCSV falls back
// to a private temporary folder (see tempDir).
type memFile struct{ *os.File }

func newMemFile(string) (*memFile, error) { return nil, errors.New("no memory files on this system") }

func (m *memFile) Path() string { return "" }

const memFilesWork = false
