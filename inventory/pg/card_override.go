package pg

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

// SetOverrideAs records a security lead's override of an account's category
// and/or path (an Override with neither clears it), with actor as its
// author, and the audit event that says from what to what and why, in one
// transaction. Who may is inventory.CanOverride; the values and the reason
// are checked as SetOverride checks them. The stored verdict changes when
// the caller reassesses the tenant (Reassess).
func (s *Store) SetOverrideAs(ctx context.Context, actor inventory.Actor, tenantID, accountID string, o inventory.Override) error {
	if err := inventory.CanOverride(actor); err != nil {
		return err
	}
	reason, err := inventory.CleanText("The reason", o.Reason, inventory.MaxReasonLength)
	if err != nil {
		return err
	}
	o.Reason, o.Author, o.At = reason, actor.Name, time.Time{}
	if o.Author == "" {
		o.Author = actor.ID
	}
	return s.inTx(ctx, "set override", func(tx pgx.Tx) error {
		var category, path, autoCategory, autoPath string
		err := tx.QueryRow(ctx, `
			SELECT category, path, auto_category, auto_path FROM assessments
			WHERE tenant_id = $1 AND account_id = $2`, tenantID, accountID).
			Scan(&category, &path, &autoCategory, &autoPath)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if err := setOverride(ctx, tx, tenantID, accountID, o); err != nil {
			return err
		}
		to := func(override, auto string) string {
			if override != "" {
				return override
			}
			return auto
		}
		return insertEvent(ctx, tx, AuditEvent{ActorID: actor.ID, ActorName: actor.Name, TenantID: tenantID,
			AccountID: accountID, Action: inventory.ActionOverride,
			From:   categoryAndPath(category, path),
			To:     categoryAndPath(to(string(o.Category), autoCategory), to(string(o.Path), autoPath)),
			Reason: o.Reason,
			Details: map[string]any{"category": string(o.Category), "path": string(o.Path),
				"cleared": o.Category == "" && o.Path == ""}})
	})
}

// categoryAndPath is how an override event writes an account's category
// and path.
func categoryAndPath(category, path string) string {
	if category == "" && path == "" {
		return ""
	}
	return category + " / " + path
}
