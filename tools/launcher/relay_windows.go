package main

import (
	"fmt"
	"os"
)

// Node's IPC channel passes sockets differently on Windows; Tack relays there itself (gateway/relay.ts).
func relayMain() int {
	fmt.Fprintln(os.Stderr, "tack-launcher relay: not available on Windows")
	return 2
}
