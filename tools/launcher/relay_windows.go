package main

import (
	"fmt"
	"os"
)

// Node's IPC channel passes sockets differently on Windows; Tack sends the bytes through Node there
// (src/main/core/relay/index.ts, http/ship.ts).
func relayMain() int {
	fmt.Fprintln(os.Stderr, "tack-launcher relay: not available on Windows")
	return 2
}
