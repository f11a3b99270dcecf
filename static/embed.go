// Package static holds the stylesheets, images and the front-end packages the
// build installs from the npm registry (into dist/), embedded in the binary.
package static

import "embed"

// FS is the embedded asset tree, served under /static/.
//
//go:embed css img js all:dist
var FS embed.FS
