//go:build linux

package store

import (
	"os/exec"
	"syscall"
)

// setDeathSignal kills the worker if the server dies first, so no query
// outlives the process that asked for it.
func setDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
