// Package migrations holds the PostgreSQL schema as goose SQL migrations,
// embedded so that the binary migrates its own database (`mfaboard migrate`)
// and tests clone a migrated template from the very same files.
package migrations

import "embed"

// FS holds every migration, named 00001_name.sql, applied in order by goose.
//
//go:embed *.sql
var FS embed.FS
