package pgtest

import (
	"context"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/graph/export"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
)

// SeedDemo syncs a generated demo tenant of users accounts through the one
// sync use case (inventory.Sync, the decoder, the real rules, the store),
// and returns its snapshot as generated.
func SeedDemo(tb testing.TB, store *pg.Store, users int) *inventory.Snapshot {
	tb.Helper()
	now := time.Now().UTC()
	snap := demo.Generate(demo.Options{Users: users, Seed: 5, AsOf: now})
	if _, err := inventory.Sync(context.Background(), store, export.SnapshotSource(pg.SourceDemo, snap), inventory.SyncOptions{Now: now}); err != nil {
		tb.Fatalf("seed the demo tenant: %v", err)
	}
	return snap
}
