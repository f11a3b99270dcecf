// Package e2e holds the journeys people take through the dashboard, run
// in a real headless Chromium against the real server (the tests), and the
// seeding those journeys and the web benchmarks share (this file).
package e2e

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/graph/export"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
)

// SeedDemoTenant syncs a generated demo tenant into store the way
// `mfaboard serve --demo` does: the generator's tenant as Graph's JSON, read
// back through the decoder, assessed with the tenant's stored inputs as of
// opts.AsOf, and applied in one sync run. Every account gets its card in
// triage. It returns the tenant's id.
func SeedDemoTenant(ctx context.Context, store *pg.Store, opts demo.Options) (string, error) {
	if opts.AsOf.IsZero() {
		opts.AsOf = time.Now().UTC()
	}
	dec := export.NewDecoder()
	if err := export.EncodeSnapshot(demo.Generate(opts)).Feed(dec); err != nil {
		return "", fmt.Errorf("decode the demo tenant: %w", err)
	}
	snap := dec.Snapshot()
	runID, err := store.StartRun(ctx, pg.SourceDemo)
	if err != nil {
		return "", fmt.Errorf("record the demo sync run: %w", err)
	}
	if err := applyDemo(ctx, store, runID, snap, opts.AsOf); err != nil {
		// The cause stays on the run, as with a failed real sync.
		if ferr := store.FailRun(context.WithoutCancel(ctx), runID, err); ferr != nil {
			err = errors.Join(err, ferr)
		}
		return "", err
	}
	return snap.Tenant.ID, nil
}

func applyDemo(ctx context.Context, store *pg.Store, runID int64, snap *inventory.Snapshot, asOf time.Time) error {
	in, kind, err := store.AssessInputs(ctx, snap.Tenant.ID, inventory.KindMixed, asOf)
	if err != nil {
		return fmt.Errorf("read the demo tenant's assessment inputs: %w", err)
	}
	if err := store.ApplySync(ctx, runID, snap, kind, inventory.Assess(snap, in)); err != nil {
		return fmt.Errorf("store the demo tenant: %w", err)
	}
	return nil
}
