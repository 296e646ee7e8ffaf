// Package sharedtest finds the real Đắk Lắk reference files that some tests
// read from ../shared/data beside the repository (units, crosswalk, census).
// They are for tests only and never copied into the project. Without them
// a test is skipped with the reason, not failed: a clone on its own still
// passes, and the README lists the tests that need them.
package sharedtest

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir is the shared data folder: ../shared/data relative to the directory
// holding go.mod, found by walking up from the test's working directory
// (its package folder). "" when there is none.
func Dir() string {
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			p := filepath.Join(filepath.Dir(d), "shared", "data")
			if st, err := os.Stat(p); err == nil && st.IsDir() {
				return p
			}
			return ""
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

// Path returns the path of ../shared/data/name, or skips tb saying which
// file is missing. The file is only read: in CI ../shared is a read-only
// copy.
func Path(tb testing.TB, name string) string {
	tb.Helper()
	dir := Dir()
	if dir == "" {
		tb.Skipf("needs ../shared/data/%s (real Đắk Lắk reference data beside the repository; see README, Tests that read ../shared)", name)
	}
	p := filepath.Join(dir, name)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("needs ../shared/data/%s: %v", name, err)
	}
	return p
}
