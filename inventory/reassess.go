package inventory

import (
	"context"
	"fmt"
	"time"
)

// ReassessStore is what a reassessment needs of the store.
type ReassessStore interface {
	// AwaitTenantLock takes the tenant's sync lock (the one Sync takes),
	// waiting while a sync or another reassessment holds it, for as long
	// as the store allows (then ECONFLICT). Call unlock when done.
	AwaitTenantLock(ctx context.Context, tenantID string) (unlock func(), err error)
	// LoadSnapshot returns the tenant as its last sync stored it
	// (ENOTFOUND for a tenant never synced).
	LoadSnapshot(ctx context.Context, tenantID string) (*Snapshot, error)
	AssessInputs(ctx context.Context, tenantID string, kind TenantKind, now time.Time) (Inputs, TenantKind, error)
	// ApplyReassessment writes the verdicts of res, the board's moves
	// they cause (AfterSync, each with its audit event), the tenant's
	// counts and the day's trend, in one transaction.
	ApplyReassessment(ctx context.Context, tenantID string, res Result) error
}

// ReassessOptions tune one reassessment.
type ReassessOptions struct {
	// Now is the moment of assessment; zero means time.Now().
	Now time.Time
}

// Reassess is the one reassessment use case: after a settings change, an
// override or an exception decision the web handlers, the CLI and the jobs
// call it, so a person sees the effect at once rather than at the next
// sync. It holds the tenant's sync lock from the read to the write, so a
// sync can neither write between them nor be overwritten by verdicts drawn
// from what it replaced; it assesses the stored tenant with the stored
// inputs read after the lock, and the store applies the result in one
// transaction.
func Reassess(ctx context.Context, store ReassessStore, tenantID string, opts ReassessOptions) (Result, error) {
	if opts.Now.IsZero() {
		opts.Now = time.Now().UTC()
	}
	unlock, err := store.AwaitTenantLock(ctx, tenantID)
	if err != nil {
		return Result{}, err
	}
	defer unlock()
	snap, err := store.LoadSnapshot(ctx, tenantID)
	if err != nil {
		return Result{}, err
	}
	in, _, err := store.AssessInputs(ctx, tenantID, "", opts.Now)
	if err != nil {
		return Result{}, err
	}
	res := Assess(snap, in)
	if err := store.ApplyReassessment(ctx, tenantID, res); err != nil {
		return Result{}, fmt.Errorf("store the reassessment: %w", err)
	}
	keepPlan(ctx, store, tenantID, snap, in, res)
	return res, nil
}
