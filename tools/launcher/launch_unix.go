//go:build unix && !linux

package main

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"
)

// Off Linux there is no parent-death signal: stay as the child's parent, forward Tack's signals to it, and
// end it when Tack is gone (our parent pid changes when Tack dies and we are re-parented).
func run(parent int, argv []string) int {
	if os.Getppid() != parent {
		fmt.Fprintf(os.Stderr, "tack-launcher: parent %d is gone\n", parent)
		return 1
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "tack-launcher: %v\n", err)
		return 127
	}
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			return exitCode(cmd, err)
		case sig := <-signals:
			_ = cmd.Process.Signal(sig)
		case <-tick.C:
			if os.Getppid() != parent {
				return stopChild(cmd, done)
			}
		}
	}
}

// stopChild asks the child to stop, then kills it if it has not within a few seconds.
func stopChild(cmd *exec.Cmd, done chan error) int {
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-done:
		return exitCode(cmd, err)
	case <-time.After(3 * time.Second):
		_ = cmd.Process.Kill()
		return exitCode(cmd, <-done)
	}
}

func exitCode(cmd *exec.Cmd, err error) int {
	if cmd.ProcessState != nil {
		return cmd.ProcessState.ExitCode()
	}
	if err != nil {
		return 1
	}
	return 0
}
