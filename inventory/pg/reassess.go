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
	exceptions, err := grantedExceptions(ctx, q, tenantID)
	if err != nil {
		return inventory.Inputs{}, "", err
	}
	return inventory.Inputs{Settings: settings, AsOf: now, Overrides: overrides, Exceptions: exceptions}, settings.Kind, nil
}

// The store is what the sync and reassessment use cases of inventory need.
var (
	_ inventory.SyncStore     = (*Store)(nil)
	_ inventory.ReassessStore = (*Store)(nil)
)

// ApplyReassessment stores a reassessment of the tenant's stored snapshot
// (inventory.Reassess, which holds the tenant's lock around it): the
// verdicts, filed under the tenant's last run whose data they were drawn
// from; the counts and the cards' copies of the facts; the moves
// inventory.AfterSync makes on the board, each with its audit event by
// "sync", as a sync makes them; and the day's trend. A change (nil: none)
// is written first, with its check and its audit event. All of it in one
// transaction: on an error nothing is written.
func (s *Store) ApplyReassessment(ctx context.Context, tenantID string, res inventory.Result, change inventory.InputsChange) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("store: apply reassessment: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	switch c := change.(type) {
	case nil:
	case inventory.SettingsChange:
		if err := saveSettings(ctx, tx, c, tenantID); err != nil {
			return err
		}
	default:
		return fmt.Errorf("store: apply reassessment: unknown change %T", change)
	}
	if err := saveAssessments(ctx, tx, tenantID, res.Accounts); err != nil {
		return err
	}
	moves, err := syncMoves(ctx, tx, tenantID)
	if err != nil {
		return fmt.Errorf("store: apply reassessment: board: %w", err)
	}
	if _, err := applyMoves(ctx, tx, inventory.SyncActor, moves); err != nil {
		return fmt.Errorf("store: apply reassessment: board: %w", err)
	}
	if err := recordTrend(ctx, tx, tenantID, res.Tenant.AsOf, res.Tenant); err != nil {
		return fmt.Errorf("store: apply reassessment: trend: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("store: apply reassessment: %w", err)
	}
	return nil
}
