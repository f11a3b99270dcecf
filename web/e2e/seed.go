// Package e2e holds the journeys people take through the dashboard, run
// in a real headless Chromium against the real server (the tests), and the
// seeding those journeys and the web benchmarks share (this file).
package e2e

import (
	"context"
	"fmt"
	"time"

	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/graph/export"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
)

// SeedDemoTenant syncs a generated demo tenant into store the way
// `mfaboard serve --demo` does, through the one sync use case: the
// generator's tenant as Graph's JSON, read back through the decoder,
// assessed with the tenant's stored inputs as of opts.AsOf, and applied in
// one sync run. Every account gets its card in triage. It returns the
// tenant's id.
func SeedDemoTenant(ctx context.Context, store *pg.Store, opts demo.Options) (string, error) {
	if opts.AsOf.IsZero() {
		opts.AsOf = time.Now().UTC()
	}
	out, err := inventory.Sync(ctx, store, export.SnapshotSource(pg.SourceDemo, demo.Generate(opts)),
		inventory.SyncOptions{Kind: inventory.KindMixed, Now: opts.AsOf})
	if err != nil {
		return "", fmt.Errorf("seed the demo tenant: %w", err)
	}
	return out.Snapshot.Tenant.ID, nil
}
