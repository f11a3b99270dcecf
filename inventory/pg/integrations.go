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

// Partner Center integrations (issue 13 §3): one row a tenant holding the
// service principals, the delegated permission grants and the Partner
// Center sign-ins of its last sync, as JSON. They are display-only: the
// marker they feed is stored with the assessments.

type partnerSignInJSON struct {
	Day           time.Time `json:"day"`
	AppID         string    `json:"app_id"`
	App           string    `json:"app"`
	Portal        bool      `json:"portal"`
	ClientAppUsed string    `json:"client_app"`
	Interactive   bool      `json:"interactive"`
	Requirement   string    `json:"requirement"`
	ErrorCode     int       `json:"error_code"`
	Count         int       `json:"count"`
	First         time.Time `json:"first"`
	Last          time.Time `json:"last"`
}

type servicePrincipalJSON struct {
	ID                     string `json:"id"`
	AppID                  string `json:"app_id"`
	DisplayName            string `json:"display_name"`
	PublisherName          string `json:"publisher_name,omitempty"`
	AppOwnerOrganizationID string `json:"app_owner_organization_id,omitempty"`
}

type permissionGrantJSON struct {
	ID          string `json:"id"`
	ClientID    string `json:"client_id"`
	ResourceID  string `json:"resource_id"`
	ConsentType string `json:"consent_type"`
	PrincipalID string `json:"principal_id,omitempty"`
	Scope       string `json:"scope"`
}

// replaceIntegrations stores what a sync read of the Partner Center
// collections, replacing the last sync's.
func replaceIntegrations(ctx context.Context, tx pgx.Tx, snap *inventory.Snapshot) error {
	sps := make([]servicePrincipalJSON, len(snap.ServicePrincipals))
	for i, sp := range snap.ServicePrincipals {
		sps[i] = servicePrincipalJSON(sp)
	}
	grants := make([]permissionGrantJSON, len(snap.PermissionGrants))
	for i, g := range snap.PermissionGrants {
		grants[i] = permissionGrantJSON(g)
	}
	signIns := make(map[string][]partnerSignInJSON, len(snap.PartnerSignIns))
	for id, folds := range snap.PartnerSignIns {
		out := make([]partnerSignInJSON, len(folds))
		for i, f := range folds {
			out[i] = partnerSignInJSON(f)
		}
		signIns[id] = out
	}
	var docs [3][]byte
	for i, v := range []any{sps, grants, signIns} {
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

// loadIntegrations reads them back into a snapshot (LoadSnapshot); a tenant
// synced before migration 00013 has none.
func loadIntegrations(ctx context.Context, tx pgx.Tx, tenantID string, snap *inventory.Snapshot) error {
	var sps, grants, signIns []byte
	err := tx.QueryRow(ctx, `
		SELECT service_principals, permission_grants, partner_sign_ins
		FROM integrations WHERE tenant_id = $1`, tenantID).Scan(&sps, &grants, &signIns)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	var (
		spj []servicePrincipalJSON
		gj  []permissionGrantJSON
		sj  map[string][]partnerSignInJSON
	)
	for _, d := range []struct {
		b    []byte
		into any
	}{{sps, &spj}, {grants, &gj}, {signIns, &sj}} {
		if err := json.Unmarshal(d.b, d.into); err != nil {
			return err
		}
	}
	for _, sp := range spj {
		snap.ServicePrincipals = append(snap.ServicePrincipals, inventory.ServicePrincipal(sp))
	}
	for _, g := range gj {
		snap.PermissionGrants = append(snap.PermissionGrants, inventory.PermissionGrant(g))
	}
	for id, folds := range sj {
		if snap.PartnerSignIns == nil {
			snap.PartnerSignIns = make(map[string][]inventory.PartnerSignIn, len(sj))
		}
		out := make([]inventory.PartnerSignIn, len(folds))
		for i, f := range folds {
			out[i] = inventory.PartnerSignIn(f)
		}
		snap.PartnerSignIns[id] = out
	}
	return nil
}

// IntegrationsPage is what the Integrations page shows of a tenant.
type IntegrationsPage struct {
	inventory.PartnerView
	// Accounts names the accounts the view refers to, by id.
	Accounts map[string]AccountName
	// AsOf is the last sync (the end of the window); zero if never synced.
	AsOf   time.Time
	Window time.Duration
	// Markers are the partner_center_no_mfa reasons of the accounts that
	// carry the marker, by id.
	Markers map[string]string
}

// AccountName is how a page names an account.
type AccountName struct {
	UPN, DisplayName string
	Removed          bool
}

// Integrations reads the tenant's Partner Center integrations as of its last
// sync. Every role may read them (the tenant middleware decides who sees
// the tenant at all).
func (s *Store) Integrations(ctx context.Context, tenantID string) (IntegrationsPage, error) {
	var p IntegrationsPage
	err := s.readOnly(ctx, "integrations", func(tx pgx.Tx) error {
		snap := &inventory.Snapshot{Present: map[string]bool{}}
		var present []string
		var synced *time.Time
		err := tx.QueryRow(ctx, `SELECT present, last_synced_at FROM tenants WHERE id = $1`, tenantID).Scan(&present, &synced)
		if errors.Is(err, pgx.ErrNoRows) {
			return inventory.Errorf(inventory.ENOTFOUND, "tenant %s is not in the database: sync it first", tenantID)
		}
		if err != nil {
			return err
		}
		for _, c := range present {
			snap.Present[c] = true
		}
		if err := loadIntegrations(ctx, tx, tenantID, snap); err != nil {
			return err
		}
		st, err := tenantSettings(ctx, tx, tenantID)
		if err != nil {
			return err
		}
		p.Window = st.Window
		if p.Window <= 0 {
			p.Window = inventory.DefaultWindow
		}
		p.AsOf = timeFromNull(synced)
		p.PartnerView = inventory.PartnerIntegrations(snap, p.AsOf.Add(-p.Window), p.AsOf)
		return p.readAccounts(ctx, tx, tenantID)
	})
	return p, err
}

// readAccounts names every account the view refers to and reads the
// marker's reasons.
func (p *IntegrationsPage) readAccounts(ctx context.Context, tx pgx.Tx, tenantID string) error {
	var ids []string
	for _, in := range p.Integrations {
		for _, c := range in.Consents {
			if c.UserID != "" {
				ids = append(ids, c.UserID)
			}
		}
		for _, u := range in.Users {
			ids = append(ids, u.UserID)
		}
	}
	for _, u := range p.Portal {
		ids = append(ids, u.UserID)
	}
	p.Accounts, p.Markers = map[string]AccountName{}, map[string]string{}
	rows, err := tx.Query(ctx, `
		SELECT a.id, a.upn, a.display_name, a.removed_at IS NOT NULL,
		       coalesce(s.marker_reasons ->> $3, '')
		FROM accounts a
		LEFT JOIN assessments s ON s.tenant_id = a.tenant_id AND s.account_id = a.id
		WHERE a.tenant_id = $1 AND a.id = ANY ($2)`, tenantID, ids, string(inventory.PartnerCenterNoMFA))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id, reason string
			n          AccountName
		)
		if err := rows.Scan(&id, &n.UPN, &n.DisplayName, &n.Removed, &reason); err != nil {
			return err
		}
		p.Accounts[id] = n
		if reason != "" {
			p.Markers[id] = reason
		}
	}
	return rows.Err()
}
