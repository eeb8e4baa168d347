// tack-launcher starts one of Tack's child processes (Kubo, MinIO) so that it never outlives Tack, even when
// Tack is killed with -9 and has no chance to stop it:
//   - Linux: PR_SET_PDEATHSIG=SIGTERM, a check that the parent is still the one named, then exec: the child
//     keeps the launcher's pid and the kernel signals it when Tack dies.
//   - macOS and other Unixes: the launcher stays as the child's parent, forwards signals, watches Tack's pid
//     and ends the child (SIGTERM, then SIGKILL) when Tack is gone.
//   - Windows: the launcher puts itself and the child in a job object with KILL_ON_JOB_CLOSE; when Tack is
//     gone (or the launcher is killed), the job's last handle closes and Windows ends the child.
//
// usage: tack-launcher --parent PID -- COMMAND [ARGS...]
//
// `tack-launcher relay` is Tack's byte relay instead (relay.go, upload.go): Tack hands it a client's socket
// with the response to send, and it copies the body from MinIO or Kubo's gateway into that socket; or, for
// an upload, it streams the request body to MinIO while computing its CID (unixfs.go).
package main

import (
	"fmt"
	"os"
	"strconv"
)

func main() {
	if len(os.Args) == 2 && os.Args[1] == "relay" {
		os.Exit(relayMain())
	}
	parent, argv, err := parseArgs(os.Args[1:])
	if err != nil {
		fmt.Fprintf(os.Stderr, "tack-launcher: %v\nusage: tack-launcher --parent PID -- COMMAND [ARGS...]\n", err)
		os.Exit(2)
	}
	os.Exit(run(parent, argv))
}

func parseArgs(args []string) (int, []string, error) {
	parent := -1
	for i := 0; i < len(args); i++ {
		switch args[i] {
		case "--parent":
			if i+1 >= len(args) {
				return 0, nil, fmt.Errorf("--parent needs a pid")
			}
			n, err := strconv.Atoi(args[i+1])
			if err != nil || n <= 0 {
				return 0, nil, fmt.Errorf("bad parent pid %q", args[i+1])
			}
			parent = n
			i++
		case "--":
			if parent < 0 {
				return 0, nil, fmt.Errorf("--parent is required")
			}
			if i+1 >= len(args) {
				return 0, nil, fmt.Errorf("no command")
			}
			return parent, args[i+1:], nil
		default:
			return 0, nil, fmt.Errorf("unknown argument %q", args[i])
		}
	}
	return 0, nil, fmt.Errorf("missing -- COMMAND")
}
