//go:build linux

package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"syscall"
)

// The parent-death signal belongs to the thread that asked for it, and exec keeps it only on that thread:
// lock main to one OS thread so prctl and exec happen on the same one.
func init() { runtime.LockOSThread() }

func run(parent int, argv []string) int {
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, syscall.PR_SET_PDEATHSIG, uintptr(syscall.SIGTERM), 0); errno != 0 {
		fmt.Fprintf(os.Stderr, "tack-launcher: prctl: %v\n", errno)
		return 1
	}
	// Tack may have died before prctl ran: then no signal will ever come, so do not start at all.
	if os.Getppid() != parent {
		fmt.Fprintf(os.Stderr, "tack-launcher: parent %d is gone\n", parent)
		return 1
	}
	path, err := exec.LookPath(argv[0])
	if err != nil {
		fmt.Fprintf(os.Stderr, "tack-launcher: %v\n", err)
		return 127
	}
	err = syscall.Exec(path, argv, os.Environ())
	fmt.Fprintf(os.Stderr, "tack-launcher: exec %s: %v\n", path, err)
	return 126
}
