//go:build windows

package main

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"unsafe"
)

// Windows has no parent-death signal; a job object with KILL_ON_JOB_CLOSE does the same: the launcher and the
// child it starts are in the job, the launcher holds the job's only handle and exits when Tack's process does.
// If the launcher itself is killed, the handle closes just the same and Windows ends the child.
var (
	kernel32               = syscall.NewLazyDLL("kernel32.dll")
	procCreateJobObject    = kernel32.NewProc("CreateJobObjectW")
	procSetInformationJob  = kernel32.NewProc("SetInformationJobObject")
	procAssignProcessToJob = kernel32.NewProc("AssignProcessToJobObject")
	procGetCurrentProcess  = kernel32.NewProc("GetCurrentProcess")
	procWaitForMultipleObj = kernel32.NewProc("WaitForMultipleObjects")
)

const (
	jobObjectExtendedLimitInformation = 9
	jobObjectLimitKillOnJobClose      = 0x2000
	synchronize                       = 0x00100000
	processQueryLimitedInformation    = 0x1000
	infinite                          = 0xFFFFFFFF
)

type ioCounters struct{ ReadOps, WriteOps, OtherOps, ReadBytes, WriteBytes, OtherBytes uint64 }

type basicLimitInformation struct {
	PerProcessUserTimeLimit int64
	PerJobUserTimeLimit     int64
	LimitFlags              uint32
	MinimumWorkingSetSize   uintptr
	MaximumWorkingSetSize   uintptr
	ActiveProcessLimit      uint32
	Affinity                uintptr
	PriorityClass           uint32
	SchedulingClass         uint32
}

type extendedLimitInformation struct {
	BasicLimitInformation basicLimitInformation
	IoInfo                ioCounters
	ProcessMemoryLimit    uintptr
	JobMemoryLimit        uintptr
	PeakProcessMemoryUsed uintptr
	PeakJobMemoryUsed     uintptr
}

func killOnCloseJob() (syscall.Handle, error) {
	h, _, err := procCreateJobObject.Call(0, 0)
	if h == 0 {
		return 0, fmt.Errorf("CreateJobObject: %v", err)
	}
	info := extendedLimitInformation{}
	info.BasicLimitInformation.LimitFlags = jobObjectLimitKillOnJobClose
	ok, _, err := procSetInformationJob.Call(h, jobObjectExtendedLimitInformation, uintptr(unsafe.Pointer(&info)), unsafe.Sizeof(info))
	if ok == 0 {
		return 0, fmt.Errorf("SetInformationJobObject: %v", err)
	}
	self, _, _ := procGetCurrentProcess.Call()
	if ok, _, err := procAssignProcessToJob.Call(h, self); ok == 0 {
		return 0, fmt.Errorf("AssignProcessToJobObject: %v", err)
	}
	return syscall.Handle(h), nil
}

func run(parent int, argv []string) int {
	parentHandle, err := syscall.OpenProcess(synchronize|processQueryLimitedInformation, false, uint32(parent))
	if err != nil {
		fmt.Fprintf(os.Stderr, "tack-launcher: parent %d is gone: %v\n", parent, err)
		return 1
	}
	if _, err := killOnCloseJob(); err != nil {
		fmt.Fprintf(os.Stderr, "tack-launcher: %v\n", err)
		return 1
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{HideWindow: true}
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "tack-launcher: %v\n", err)
		return 127
	}
	childHandle, err := syscall.OpenProcess(synchronize|processQueryLimitedInformation, false, uint32(cmd.Process.Pid))
	if err != nil {
		_ = cmd.Process.Kill()
		return 1
	}
	handles := []syscall.Handle{parentHandle, childHandle}
	which, _, _ := procWaitForMultipleObj.Call(2, uintptr(unsafe.Pointer(&handles[0])), 0, infinite)
	if which == 0 {
		// Tack is gone: exiting closes the job handle, and Windows ends the child with it.
		return 1
	}
	_ = cmd.Wait()
	return cmd.ProcessState.ExitCode()
}
