package pgtest

import (
	"context"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
)

// SeedDemo stores a generated demo tenant of users accounts with the real
// rules' verdicts, as a sync would, and returns its snapshot.
func SeedDemo(tb testing.TB, store *pg.Store, users int) *inventory.Snapshot {
	tb.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	snap := demo.Generate(demo.Options{Users: users, Seed: 5, AsOf: now})
	in, kind, err := store.AssessInputs(ctx, snap.Tenant.ID, "", now)
	if err != nil {
		tb.Fatalf("assess inputs: %v", err)
	}
	runID, err := store.StartRun(ctx, pg.SourceDemo)
	if err != nil {
		tb.Fatalf("start run: %v", err)
	}
	if err := store.ApplySync(ctx, runID, snap, kind, inventory.Assess(snap, in)); err != nil {
		tb.Fatalf("apply sync: %v", err)
	}
	return snap
}
