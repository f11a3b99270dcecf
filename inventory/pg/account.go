package pg

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

// AccountDetail is everything the account page shows.
type AccountDetail struct {
	TenantID string
	User     inventory.User
	// Registration is nil when the account had no registration details.
	Registration *inventory.Registration
	// PerUserMFA is the per-user MFA state as written, "" when not known.
	PerUserMFA string
	// PerUserMFANotRead says why the sync did not ask for the state ("CA001
	// enforces MFA"), "" when it asked.
	PerUserMFANotRead string
	SignIns           []inventory.SignInFold
	// Groups the account is a direct member of, and roles it holds, by name.
	Groups []ObjectRef
	Roles  []ObjectRef
	// Assessment is nil until the account has been assessed.
	Assessment *inventory.Assessment
	AssessedAt time.Time
	// Override is nil when no person overrode the automatic answer.
	Override     *inventory.Override
	FirstSeenRun int64
	LastSeenRun  int64
	RemovedAt    time.Time // zero unless the account left the tenant
}

// ObjectRef names a directory object.
type ObjectRef struct {
	ID          string
	DisplayName string
}

// Account returns one account of a tenant, removed or not. A missing
// account is ENOTFOUND.
func (s *Store) Account(ctx context.Context, tenantID, id string) (AccountDetail, error) {
	tx, err := s.pool.BeginTx(ctx, readOnlyTx)
	if err != nil {
		return AccountDetail{}, fmt.Errorf("store: account: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()

	d := AccountDetail{TenantID: tenantID}
	if err := loadAccountFacts(ctx, tx, tenantID, id, &d); err != nil {
		return AccountDetail{}, err
	}
	if d.Groups, err = objectRefs(ctx, tx, `
		SELECT id, display_name FROM groups
		WHERE tenant_id = $1 AND member_user_ids @> ARRAY[$2::text]
		ORDER BY lower(display_name), id`, tenantID, id); err != nil {
		return AccountDetail{}, fmt.Errorf("store: account: groups: %w", err)
	}
	if d.Roles, err = objectRefs(ctx, tx, `
		SELECT id, display_name FROM directory_roles
		WHERE tenant_id = $1 AND member_ids @> ARRAY[$2::text]
		ORDER BY lower(display_name), id`, tenantID, id); err != nil {
		return AccountDetail{}, fmt.Errorf("store: account: roles: %w", err)
	}
	if err := loadAssessment(ctx, tx, tenantID, &d); err != nil {
		return AccountDetail{}, fmt.Errorf("store: account: assessment: %w", err)
	}
	var o inventory.Override
	err = tx.QueryRow(ctx, `
		SELECT coalesce(category, ''), coalesce(path, ''), author, reason, created_at
		FROM overrides WHERE tenant_id = $1 AND account_id = $2`, tenantID, id).
		Scan(&o.Category, &o.Path, &o.Author, &o.Reason, &o.At)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		return AccountDetail{}, fmt.Errorf("store: account: override: %w", err)
	default:
		o.At = o.At.UTC()
		d.Override = &o
	}
	return d, nil
}

func loadAccountFacts(ctx context.Context, tx pgx.Tx, tenantID, id string, d *AccountDetail) error {
	var removed *time.Time
	a, err := scanAccount(tx.QueryRow(ctx, `
		SELECT `+accountColumnsSQL+`, first_seen_run, last_seen_run, removed_at
		FROM accounts WHERE tenant_id = $1 AND id = $2`, tenantID, id), &d.FirstSeenRun, &d.LastSeenRun, &removed)
	if errors.Is(err, pgx.ErrNoRows) {
		return accountNotFound(tenantID, id)
	}
	if err != nil {
		return fmt.Errorf("store: account: %w", err)
	}
	d.User, d.Registration, d.SignIns = a.User, a.registration, a.signIns
	d.RemovedAt = timeFromNull(removed)
	if a.perUser != nil {
		d.PerUserMFA = *a.perUser
	}
	if a.notRead != nil {
		d.PerUserMFANotRead = *a.notRead
	}
	return nil
}

func loadAssessment(ctx context.Context, tx pgx.Tx, tenantID string, d *AccountDetail) error {
	var (
		a             inventory.Assessment
		markers       []string
		markerReasons []byte
	)
	err := tx.QueryRow(ctx, `
		SELECT category, auto_category, category_override, category_reason, markers, marker_reasons,
		       path, auto_path, path_override, path_reason, compliance, enforced_by, risk_based,
		       reasons, dated, assessed_at
		FROM assessments WHERE tenant_id = $1 AND account_id = $2`, tenantID, d.User.ID).
		Scan(&a.Category, &a.AutoCategory, &a.CategoryOverride, &a.CategoryReason, &markers,
			&markerReasons, &a.Path, &a.AutoPath, &a.PathOverride, &a.PathReason, &a.Compliance,
			&a.EnforcedBy, &a.RiskBased, &a.Reasons, &a.Dated, &d.AssessedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	a.UserID, a.UserPrincipalName, a.DisplayName = d.User.ID, d.User.UserPrincipalName, d.User.DisplayName
	a.Markers = toMarkers(markers)
	if err := json.Unmarshal(markerReasons, &a.MarkerReasons); err != nil {
		return fmt.Errorf("marker reasons: %w", err)
	}
	if len(a.MarkerReasons) == 0 {
		a.MarkerReasons = nil
	}
	a.EnforcedBy, a.Reasons, a.Dated = nilIfEmpty(a.EnforcedBy), nilIfEmpty(a.Reasons), nilIfEmpty(a.Dated)
	d.AssessedAt = d.AssessedAt.UTC()
	d.Assessment = &a
	return nil
}

func objectRefs(ctx context.Context, tx pgx.Tx, query string, args ...any) ([]ObjectRef, error) {
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return pgx.AppendRows([]ObjectRef(nil), rows, func(row pgx.CollectableRow) (ObjectRef, error) {
		var r ObjectRef
		err := row.Scan(&r.ID, &r.DisplayName)
		return r, err
	})
}
