package pgtest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/graph/export"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
)

// Every seeder here stores a tenant through the one sync use case
// (inventory.Sync: the real rules on the tenant's stored inputs, the
// store's one write), never by writing a result of its own.

// Sync stores snap as a sync from an export folder does, with opts, and
// fails tb on an error.
func Sync(tb testing.TB, store *pg.Store, snap *inventory.Snapshot, opts inventory.SyncOptions) inventory.SyncOutcome {
	tb.Helper()
	out, err := inventory.Sync(tb.Context(), store, inventory.StaticSource{SourceName: pg.SourceFolder, Snapshot: snap}, opts)
	if err != nil {
		tb.Fatalf("sync %s: %v", snap.Tenant.ID, err)
	}
	return out
}

// SyncDemo syncs the demo tenant opts generates the way `mfaboard serve
// --demo` does: the generator's tenant as Graph's JSON, read back through
// the decoder, assessed as of opts.AsOf (zero: now) and applied in one sync
// run of a mixed tenant. Every account gets its card in triage.
func SyncDemo(ctx context.Context, store *pg.Store, opts demo.Options) (inventory.SyncOutcome, error) {
	if opts.AsOf.IsZero() {
		opts.AsOf = time.Now().UTC()
	}
	out, err := inventory.Sync(ctx, store, export.SnapshotSource(pg.SourceDemo, demo.Generate(opts)),
		inventory.SyncOptions{Kind: inventory.KindMixed, Now: opts.AsOf})
	if err != nil {
		return out, fmt.Errorf("seed the demo tenant: %w", err)
	}
	return out, nil
}

// SeedDemo syncs a generated demo tenant of users accounts (SeedDemoAt,
// as of now), and returns its snapshot as stored.
func SeedDemo(tb testing.TB, store *pg.Store, users int) *inventory.Snapshot {
	tb.Helper()
	return SeedDemoAt(tb, store, users, time.Time{}).Snapshot
}

// SeedDemoAt syncs the demo tenant of users accounts generated from seed 5
// as of asOf (zero: now) the way SyncDemo does, failing tb on an error, and
// returns the sync's outcome.
func SeedDemoAt(tb testing.TB, store *pg.Store, users int, asOf time.Time) inventory.SyncOutcome {
	tb.Helper()
	return SeedDemoOf(tb, store, demo.Options{Users: users, Seed: 5, AsOf: asOf})
}

// SeedDemoOf syncs the demo tenant opts generates (SyncDemo), failing tb
// on an error, and returns the sync's outcome.
func SeedDemoOf(tb testing.TB, store *pg.Store, opts demo.Options) inventory.SyncOutcome {
	tb.Helper()
	out, err := SyncDemo(tb.Context(), store, opts)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}
