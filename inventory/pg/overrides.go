package pg

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

// Overrides returns a tenant's overrides by account id, ready for
// inventory.Inputs.
func (s *Store) Overrides(ctx context.Context, tenantID string) (map[string]inventory.Override, error) {
	return overridesOf(ctx, s.pool, tenantID)
}

func overridesOf(ctx context.Context, q querier, tenantID string) (map[string]inventory.Override, error) {
	out, err := byAccount(ctx, q, `
		SELECT account_id, coalesce(category, ''), coalesce(path, ''), author, reason, created_at
		FROM overrides WHERE tenant_id = $1`, []any{tenantID}, func(row pgx.CollectableRow) (string, inventory.Override, error) {
		var (
			id string
			o  inventory.Override
		)
		err := row.Scan(&id, &o.Category, &o.Path, &o.Author, &o.Reason, &o.At)
		o.At = o.At.UTC()
		return id, o, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: overrides: %w", err)
	}
	return out, nil
}

// SetOverride records a person's category and/or path for an account,
// replacing any earlier override of it; an Override with neither clears it.
// Author and Reason are required to set one; At defaults to now. An
// unknown account is ENOTFOUND, a value outside DOMAIN.md EINVALID.
// The stored assessment changes only when the caller reassesses
// (inventory.Reassess).
func (s *Store) SetOverride(ctx context.Context, tenantID, accountID string, o inventory.Override) error {
	return setOverride(ctx, s.pool, tenantID, accountID, o)
}

func setOverride(ctx context.Context, q querier, tenantID, accountID string, o inventory.Override) error {
	if err := checkKnown("category", o.Category, inventory.Categories); err != nil {
		return err
	}
	if err := checkKnown("path", o.Path, inventory.Paths); err != nil {
		return err
	}
	if o.Category == "" && o.Path == "" {
		return clearOverride(ctx, q, tenantID, accountID)
	}
	if strings.TrimSpace(o.Author) == "" {
		return inventory.Errorf(inventory.EINVALID, "an override needs its author")
	}
	if strings.TrimSpace(o.Reason) == "" {
		return inventory.Errorf(inventory.EINVALID, "an override needs a reason")
	}
	var at any = o.At
	if o.At.IsZero() {
		at = nil
	}
	tag, err := q.Exec(ctx, `
		INSERT INTO overrides (tenant_id, account_id, category, path, author, reason, created_at)
		SELECT tenant_id, id, nullif($3, ''), nullif($4, ''), $5, $6, coalesce($7::timestamptz, now())
		FROM accounts WHERE tenant_id = $1 AND id = $2
		ON CONFLICT (tenant_id, account_id) DO UPDATE SET
			category = excluded.category, path = excluded.path, author = excluded.author,
			reason = excluded.reason, created_at = excluded.created_at`,
		tenantID, accountID, string(o.Category), string(o.Path), o.Author, o.Reason, at)
	if err != nil {
		return fmt.Errorf("store: set override: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return accountNotFound(tenantID, accountID)
	}
	return nil
}

func clearOverride(ctx context.Context, q querier, tenantID, accountID string) error {
	var exists bool
	err := q.QueryRow(ctx, `
		WITH gone AS (DELETE FROM overrides WHERE tenant_id = $1 AND account_id = $2)
		SELECT EXISTS (SELECT 1 FROM accounts WHERE tenant_id = $1 AND id = $2)`,
		tenantID, accountID).Scan(&exists)
	if err != nil {
		return fmt.Errorf("store: clear override: %w", err)
	}
	if !exists {
		return accountNotFound(tenantID, accountID)
	}
	return nil
}

func accountNotFound(tenantID, accountID string) error {
	return inventory.Errorf(inventory.ENOTFOUND, "account %s is not in tenant %s", accountID, tenantID)
}

// checkKnown refuses a value of a filter or a field (what) that is none of
// known; empty is no value and passes.
func checkKnown[T ~string](what string, value T, known []T) error {
	if value == "" || slices.Contains(known, value) {
		return nil
	}
	return inventory.Errorf(inventory.EINVALID, "unknown %s %q: use one of %s", what, value, joinValues(known))
}

// joinValues lists the allowed values of a filter or a field for a sentence.
func joinValues[T ~string](values []T) string {
	s := make([]string, len(values))
	for i, v := range values {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

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
	o = inventory.Override{Category: o.Category, Path: o.Path, Author: cmp.Or(actor.Name, actor.ID), Reason: reason}
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
