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
	settings, err := s.TenantSettings(ctx, tenantID)
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
	overrides, err := s.Overrides(ctx, tenantID)
	if err != nil {
		return inventory.Inputs{}, "", err
	}
	exceptions, err := s.exceptionsForAssessment(ctx, tenantID)
	if err != nil {
		return inventory.Inputs{}, "", err
	}
	return inventory.Inputs{Settings: settings, AsOf: now, Overrides: overrides, Exceptions: exceptions}, settings.Kind, nil
}

// Reassess applies the rules again to the stored tenant (after a settings
// change or an override) and stores the verdicts, so a person sees the
// effect at once rather than at the next sync.
func (s *Store) Reassess(ctx context.Context, tenantID string, now time.Time) (inventory.Result, error) {
	snap, err := s.LoadSnapshot(ctx, tenantID)
	if err != nil {
		return inventory.Result{}, err
	}
	in, _, err := s.AssessInputs(ctx, tenantID, "", now)
	if err != nil {
		return inventory.Result{}, err
	}
	res := inventory.Assess(snap, in)
	if err := s.SaveAssessments(ctx, tenantID, res.Accounts); err != nil {
		return inventory.Result{}, fmt.Errorf("store: reassess: %w", err)
	}
	return res, nil
}
