//go:build linux

package ingest

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// memFile is a file that lives in memory only (memfd_create): DuckDB opens
// it by its /proc/self/fd path like any file, yet nothing reaches a disk,
// so a Parquet upload's raw ID numbers cannot be left behind in the
// temporary folder by a killed load. It is gone when closed or when the
// process dies.
type memFile struct{ *os.File }

func newMemFile(name string) (*memFile, error) {
	fd, err := unix.MemfdCreate(name, unix.MFD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("memfd_create: %w", err)
	}
	return &memFile{os.NewFile(uintptr(fd), name)}, nil
}

// Path is the name DuckDB opens the file by.
func (m *memFile) Path() string { return fmt.Sprintf("/proc/self/fd/%d", m.Fd()) }

// memFilesWork: this system keeps such files in memory.
const memFilesWork = true
