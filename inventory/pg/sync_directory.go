package pg

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

// directoryTable is one of the per-tenant tables a sync replaces wholesale.
type directoryTable struct {
	name    string
	columns []string // after tenant_id
	n       int
	row     func(i int) ([]any, error)
}

// replaceDirectory deletes the tenant's policies, named locations, groups,
// roles and rooms and copies the snapshot's in their place.
func replaceDirectory(ctx context.Context, tx pgx.Tx, snap *inventory.Snapshot) error {
	tables := []directoryTable{
		{
			name:    "policies",
			columns: []string{"id", "position", "display_name", "state", "policy"},
			n:       len(snap.Policies),
			row: func(i int) ([]any, error) {
				p := &snap.Policies[i]
				b, err := json.Marshal(p)
				if err != nil {
					return nil, fmt.Errorf("policy %s: %w", p.ID, err)
				}
				return []any{p.ID, i, p.DisplayName, p.State, b}, nil
			},
		},
		{
			name:    "named_locations",
			columns: []string{"id", "position", "display_name", "is_trusted", "kind"},
			n:       len(snap.NamedLocations),
			row: func(i int) ([]any, error) {
				l := &snap.NamedLocations[i]
				return []any{l.ID, i, l.DisplayName, l.IsTrusted, l.Kind}, nil
			},
		},
		{
			name:    "groups",
			columns: []string{"id", "position", "display_name", "member_user_ids", "member_group_ids"},
			n:       len(snap.Groups),
			row: func(i int) ([]any, error) {
				g := &snap.Groups[i]
				return []any{g.ID, i, g.DisplayName, nonNil(g.MemberUserIDs), nonNil(g.MemberGroupIDs)}, nil
			},
		},
		{
			name:    "directory_roles",
			columns: []string{"id", "position", "template_id", "display_name", "member_ids"},
			n:       len(snap.Roles),
			row: func(i int) ([]any, error) {
				r := &snap.Roles[i]
				return []any{r.ID, i, r.TemplateID, r.DisplayName, nonNil(r.MemberIDs)}, nil
			},
		},
		{
			name:    "rooms",
			columns: []string{"id", "position", "display_name", "email_address"},
			n:       len(snap.Rooms),
			row: func(i int) ([]any, error) {
				r := &snap.Rooms[i]
				return []any{r.ID, i, r.DisplayName, r.EmailAddress}, nil
			},
		},
	}
	tenantID := snap.Tenant.ID
	for _, t := range tables {
		if _, err := tx.Exec(ctx, `DELETE FROM `+t.name+` WHERE tenant_id = $1`, tenantID); err != nil {
			return fmt.Errorf("%s: delete: %w", t.name, err)
		}
		columns := append([]string{"tenant_id"}, t.columns...)
		_, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, columns,
			pgx.CopyFromSlice(t.n, func(i int) ([]any, error) {
				row, err := t.row(i)
				if err != nil {
					return nil, err
				}
				return append([]any{tenantID}, row...), nil
			}))
		if err != nil {
			return fmt.Errorf("%s: copy: %w", t.name, err)
		}
	}
	return nil
}

// replaceIntegrations stores what a sync read of the Partner Center
// collections, replacing the last sync's.
func replaceIntegrations(ctx context.Context, tx pgx.Tx, snap *inventory.Snapshot) error {
	signIns := make(map[string][]partnerSignInJSON, len(snap.PartnerSignIns))
	for id, folds := range snap.PartnerSignIns {
		signIns[id] = convertAll(folds, func(f inventory.PartnerSignIn) partnerSignInJSON { return partnerSignInJSON(f) })
	}
	var docs [3][]byte
	for i, v := range []any{
		convertAll(snap.ServicePrincipals, func(sp inventory.ServicePrincipal) servicePrincipalJSON { return servicePrincipalJSON(sp) }),
		convertAll(snap.PermissionGrants, func(g inventory.PermissionGrant) permissionGrantJSON { return permissionGrantJSON(g) }),
		signIns,
	} {
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("integrations: %w", err)
		}
		docs[i] = b
	}
	_, err := tx.Exec(ctx, `
		INSERT INTO integrations (tenant_id, service_principals, permission_grants, partner_sign_ins)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (tenant_id) DO UPDATE SET
			service_principals = excluded.service_principals,
			permission_grants = excluded.permission_grants,
			partner_sign_ins = excluded.partner_sign_ins`,
		snap.Tenant.ID, docs[0], docs[1], docs[2])
	if err != nil {
		return fmt.Errorf("integrations: %w", err)
	}
	return nil
}
