//go:build !linux

package store

import "os/exec"

// setDeathSignal: only Linux has a parent-death signal; elsewhere the
// worker still ends at its deadline.
func setDeathSignal(*exec.Cmd) {}
