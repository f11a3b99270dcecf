package pg

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

// LoadSnapshot reads a tenant back as the Snapshot of its last successful
// sync, without the accounts marked removed, so that it can be assessed
// again without Graph. Users come in UPN order; directory objects in the
// order the source gave them. Registrations, per-user MFA states and
// sign-ins are those of the users (the sync keeps them per account).
func (s *Store) LoadSnapshot(ctx context.Context, tenantID string) (*inventory.Snapshot, error) {
	// One consistent view, even if a sync commits while we read.
	tx, err := s.pool.BeginTx(ctx, readOnlyTx)
	if err != nil {
		return nil, fmt.Errorf("store: load snapshot: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	return loadSnapshot(ctx, tx, tenantID)
}

// loadSnapshot reads the tenant in tx, which must give one consistent view
// of it (a repeatable-read transaction, or one holding the tenant's lock).
func loadSnapshot(ctx context.Context, tx pgx.Tx, tenantID string) (*inventory.Snapshot, error) {
	snap := &inventory.Snapshot{
		Registrations: map[string]inventory.Registration{},
		PerUserMFA:    map[string]string{},
		SignIns:       map[string][]inventory.SignInFold{},
		Present:       map[string]bool{},
	}
	if err := loadTenant(ctx, tx, tenantID, snap); err != nil {
		return nil, err
	}
	steps := []struct {
		what string
		load func(context.Context, pgx.Tx, string, *inventory.Snapshot) error
	}{
		{"accounts", loadUsers}, {"policies", loadPolicies},
		{"named locations", readDirectory(&snap.NamedLocations, "named_locations", "id, display_name, is_trusted, kind")},
		{"groups", readDirectory(&snap.Groups, "groups", "id, display_name, nullif(member_user_ids, '{}'), nullif(member_group_ids, '{}')")},
		{"directory roles", readDirectory(&snap.Roles, "directory_roles", "id, template_id, display_name, nullif(member_ids, '{}')")},
		{"rooms", readDirectory(&snap.Rooms, "rooms", "id, display_name, email_address")},
		{"integrations", loadIntegrations},
	}
	for _, step := range steps {
		if err := step.load(ctx, tx, tenantID, snap); err != nil {
			return nil, fmt.Errorf("store: load snapshot: %s: %w", step.what, err)
		}
	}
	return snap, nil
}

func loadTenant(ctx context.Context, tx pgx.Tx, tenantID string, snap *inventory.Snapshot) error {
	var (
		present  []string
		warnings []byte
	)
	err := tx.QueryRow(ctx, `
		SELECT id, display_name, domains, security_defaults, present, warnings
		FROM tenants WHERE id = $1`, tenantID).
		Scan(&snap.Tenant.ID, &snap.Tenant.DisplayName, &snap.Tenant.Domains,
			&snap.SecurityDefaults, &present, &warnings)
	if errors.Is(err, pgx.ErrNoRows) {
		return inventory.Errorf(inventory.ENOTFOUND, "tenant %s is not in the database: sync it first", tenantID)
	}
	if err != nil {
		return fmt.Errorf("store: load snapshot: tenant: %w", err)
	}
	snap.Tenant.Domains = nilIfEmpty(snap.Tenant.Domains)
	for _, c := range present {
		snap.Present[c] = true
	}
	if snap.Warnings, err = decodeWarnings(warnings); err != nil {
		return fmt.Errorf("store: load snapshot: tenant warnings: %w", err)
	}
	return nil
}

func loadUsers(ctx context.Context, tx pgx.Tx, tenantID string, snap *inventory.Snapshot) error {
	return forEachRow(ctx, tx, `
		SELECT `+accountColumnsSQL+` FROM accounts
		WHERE tenant_id = $1 AND removed_at IS NULL
		ORDER BY lower(upn), id`, []any{tenantID},
		func(row pgx.CollectableRow) (storedAccount, error) { return scanAccount(row) },
		func(a storedAccount) error {
			if a.registration != nil {
				snap.Registrations[a.ID] = *a.registration
			}
			if a.perUser != nil {
				snap.PerUserMFA[a.ID] = *a.perUser
			}
			if a.notRead != nil {
				if snap.PerUserMFANotRead == nil {
					snap.PerUserMFANotRead = map[string]string{}
				}
				snap.PerUserMFANotRead[a.ID] = *a.notRead
			}
			if a.signIns != nil {
				snap.SignIns[a.ID] = a.signIns
			}
			snap.Users = append(snap.Users, a.User)
			return nil
		})
}

func loadPolicies(ctx context.Context, tx pgx.Tx, tenantID string, snap *inventory.Snapshot) (err error) {
	snap.Policies, err = tenantPolicies(ctx, tx, tenantID)
	return err
}

// tenantPolicies reads a tenant's policies in the source's order, each
// stored as the JSON of inventory.Policy (which pgx decodes).
func tenantPolicies(ctx context.Context, tx pgx.Tx, tenantID string) ([]inventory.Policy, error) {
	return tenantRows(ctx, tx, tenantID, `SELECT policy FROM policies WHERE tenant_id = $1 ORDER BY position`,
		pgx.RowTo[inventory.Policy])
}

// readDirectory is the step that reads the directory table replaceDirectory
// wrote into *into: columns (position order) are T's fields in order, a
// text[] column read through nullif(…, '{}') so that none is nil.
func readDirectory[T any](into *[]T, table, columns string) func(context.Context, pgx.Tx, string, *inventory.Snapshot) error {
	return func(ctx context.Context, tx pgx.Tx, tenantID string, _ *inventory.Snapshot) (err error) {
		*into, err = tenantRows(ctx, tx, tenantID, `SELECT `+columns+` FROM `+table+` WHERE tenant_id = $1 ORDER BY position`,
			pgx.RowToStructByPos[T])
		return err
	}
}

// tenantRows reads the rows of query, which takes the tenant id as $1, in
// the order it gives them, each made by scan; no rows is a nil slice, as a
// snapshot without that collection has.
func tenantRows[T any](ctx context.Context, tx pgx.Tx, tenantID, query string, scan pgx.RowToFunc[T]) ([]T, error) {
	out, err := queryRows(ctx, tx, query, []any{tenantID}, scan)
	if len(out) == 0 {
		return nil, err
	}
	return out, err
}

// loadIntegrations reads what replaceIntegrations stored back into a
// snapshot; a tenant synced before migration 00013 has none.
func loadIntegrations(ctx context.Context, tx pgx.Tx, tenantID string, snap *inventory.Snapshot) error {
	var (
		spj []servicePrincipalJSON
		gj  []permissionGrantJSON
		sj  map[string][]partnerSignInJSON
	)
	err := tx.QueryRow(ctx, `
		SELECT service_principals, permission_grants, partner_sign_ins
		FROM integrations WHERE tenant_id = $1`, tenantID).Scan(&spj, &gj, &sj)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	snap.ServicePrincipals = append(snap.ServicePrincipals,
		convertAll(spj, func(sp servicePrincipalJSON) inventory.ServicePrincipal { return inventory.ServicePrincipal(sp) })...)
	snap.PermissionGrants = append(snap.PermissionGrants,
		convertAll(gj, func(g permissionGrantJSON) inventory.PermissionGrant { return inventory.PermissionGrant(g) })...)
	for id, folds := range sj {
		if snap.PartnerSignIns == nil {
			snap.PartnerSignIns = make(map[string][]inventory.PartnerSignIn, len(sj))
		}
		snap.PartnerSignIns[id] = convertAll(folds, func(f partnerSignInJSON) inventory.PartnerSignIn { return inventory.PartnerSignIn(f) })
	}
	return nil
}
