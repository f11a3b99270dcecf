package pg

import (
	"context"
	"fmt"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
)

// AssessInputs gathers what the rules need besides the snapshot: the
// tenant's settings (the defaults of its kind when it is not stored yet),
// overrides and exceptions. kind "" keeps the stored kind. It returns the
// kind in force.
func (s *Store) AssessInputs(ctx context.Context, tenantID string, kind inventory.TenantKind, now time.Time) (inventory.Inputs, inventory.TenantKind, error) {
	return assessInputs(ctx, s.pool, tenantID, kind, now)
}

func assessInputs(ctx context.Context, q querier, tenantID string, kind inventory.TenantKind, now time.Time) (inventory.Inputs, inventory.TenantKind, error) {
	settings, err := tenantSettings(ctx, q, tenantID)
	switch {
	case inventory.ErrorCode(err) == inventory.ENOTFOUND:
		settings = inventory.DefaultSettings(kind)
	case err != nil:
		return inventory.Inputs{}, "", err
	}
	if kind != "" {
		settings.Kind = kind
	}
	if settings.Kind == "" {
		settings.Kind = inventory.KindMixed
	}
	overrides, err := overridesOf(ctx, q, tenantID)
	if err != nil {
		return inventory.Inputs{}, "", err
	}
	exceptions, err := exceptionsForAssessment(ctx, q, tenantID)
	if err != nil {
		return inventory.Inputs{}, "", err
	}
	return inventory.Inputs{Settings: settings, AsOf: now, Overrides: overrides, Exceptions: exceptions}, settings.Kind, nil
}

// Reassess applies the rules again to the stored tenant (after a settings
// change or an override) and stores the verdicts, so a person sees the
// effect at once rather than at the next sync.
//
// It reads, assesses and writes in one transaction holding the tenant's
// sync lock (reassessLock), so a sync can neither write between its read
// and its write nor be overwritten by verdicts drawn from what the sync
// replaced. While a sync holds the lock it waits (at most reassessWait,
// then ECONFLICT). The transaction is read committed on purpose: each
// statement after the lock sees what the sync committed before releasing
// it, where a repeatable-read snapshot would date from before the wait.
func (s *Store) Reassess(ctx context.Context, tenantID string, now time.Time) (inventory.Result, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return inventory.Result{}, fmt.Errorf("store: reassess: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if err := reassessLock(ctx, tx, tenantID); err != nil {
		return inventory.Result{}, fmt.Errorf("store: reassess: %w", err)
	}
	snap, err := loadSnapshot(ctx, tx, tenantID)
	if err != nil {
		return inventory.Result{}, err
	}
	in, _, err := assessInputs(ctx, tx, tenantID, "", now)
	if err != nil {
		return inventory.Result{}, err
	}
	res := inventory.Assess(snap, in)
	if err := saveAssessments(ctx, tx, tenantID, res.Accounts); err != nil {
		return inventory.Result{}, fmt.Errorf("store: reassess: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return inventory.Result{}, fmt.Errorf("store: reassess: %w", err)
	}
	return res, nil
}
