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
	// ApplyReassessment writes change (nil: none) with its permission
	// check and audit event, then the verdicts of res, the board's moves
	// they cause (AfterSync, each with its audit event), the tenant's
	// counts and the day's trend, all in one transaction: a refused change
	// or a failed write leaves everything as it was.
	ApplyReassessment(ctx context.Context, tenantID string, res Result, change InputsChange) error
}

// ReassessOptions tune one reassessment.
type ReassessOptions struct {
	// Now is the moment of assessment; zero means time.Now().
	Now time.Time
	// Change is a person's change to what the rules read that lands with
	// the reassessment: the verdicts are drawn with it in force, and the
	// store writes it in their transaction, so a saved change and the
	// verdicts shown never disagree. Nil reassesses what is stored.
	Change InputsChange
}

// InputsChange is a change to a tenant's inputs that must land together with
// the verdicts it causes. The store knows each kind and writes it with its
// Can… check and its audit event.
type InputsChange interface {
	// Check refuses the change before anything waits or is read: who may
	// make it, and whether it is valid.
	Check() error
	// ApplyTo puts the change into the inputs the rules read.
	ApplyTo(in *Inputs)
}

// SettingsChange is Actor replacing a tenant's recognition rules and kind
// (CanChangeSettings). A Kind of "" keeps the tenant's kind.
type SettingsChange struct {
	Actor    Actor
	Settings Settings
}

// Check says whether the actor may change settings, and whether they are
// valid (Settings.Validate).
func (c SettingsChange) Check() error {
	if err := CanChangeSettings(c.Actor); err != nil {
		return err
	}
	return c.Settings.Validate()
}

// ApplyTo replaces the inputs' settings, keeping the kind when the change
// names none.
func (c SettingsChange) ApplyTo(in *Inputs) {
	st := c.Settings
	if st.Kind == "" {
		st.Kind = in.Settings.Kind
	}
	in.Settings = st
}

// Reassess is the one reassessment use case: with a settings change
// (opts.Change), after an override or an exception decision, the web
// handlers, the CLI and the jobs call it, so a person sees the effect at
// once rather than at the next sync. It holds the tenant's sync lock from the read to the write, so a
// sync can neither write between them nor be overwritten by verdicts drawn
// from what it replaced; it assesses the stored tenant with the stored
// inputs read after the lock, and the store applies the result in one
// transaction.
func Reassess(ctx context.Context, store ReassessStore, tenantID string, opts ReassessOptions) (Result, error) {
	if opts.Now.IsZero() {
		opts.Now = time.Now().UTC()
	}
	if opts.Change != nil {
		if err := opts.Change.Check(); err != nil {
			return Result{}, err
		}
	}
	unlock, err := store.AwaitTenantLock(ctx, tenantID)
	if err != nil {
		if opts.Change != nil && ErrorCode(err) == ECONFLICT {
			return Result{}, Errorf(ECONFLICT, "A sync of this tenant is still running, so the change was not saved: save it again once the sync has finished.")
		}
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
	if opts.Change != nil {
		opts.Change.ApplyTo(&in)
	}
	res := Assess(snap, in)
	if err := store.ApplyReassessment(ctx, tenantID, res, opts.Change); err != nil {
		return Result{}, fmt.Errorf("store the reassessment: %w", err)
	}
	keepPlan(ctx, store, tenantID, snap, in, res)
	return res, nil
}
