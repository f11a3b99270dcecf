package pg

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

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
