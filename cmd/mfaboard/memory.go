package main

import (
	"os"
	"runtime/debug"
)

// defaultMemoryLimit is the soft heap limit when GOMEMLIMIT is not set. A
// 100,000-account sync holds the tenant and its verdicts (~250 MB live); by
// default Go lets the heap grow to twice the live set before collecting,
// which would put the peak near 500 MB. The limit makes the collector work
// harder instead, near the end of a large sync only.
const defaultMemoryLimit = 320 << 20

// applyMemoryLimit sets the soft limit unless the operator chose one.
func applyMemoryLimit() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
}
