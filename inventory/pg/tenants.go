package pg

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

// Tenants returns every tenant by display name.
func (s *Store) Tenants(ctx context.Context) ([]inventory.Tenant, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT t.id, t.display_name, t.domains, t.kind, t.last_synced_at, coalesce(t.last_run_id, 0),
		       -- The last sync's user count is the accounts not removed, without
		       -- counting 100,000 rows on every page that shows the tenant.
		       coalesce((SELECT (r.counts->>'users')::int FROM sync_runs r WHERE r.id = t.last_run_id), 0)
		FROM tenants t
		ORDER BY lower(t.display_name), t.id`)
	if err != nil {
		return nil, fmt.Errorf("store: tenants: %w", err)
	}
	tenants, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (inventory.Tenant, error) {
		var (
			t      inventory.Tenant
			synced *time.Time
		)
		err := row.Scan(&t.ID, &t.DisplayName, &t.Domains, &t.Kind, &synced, &t.LastRunID, &t.Accounts)
		t.LastSyncedAt = timeFromNull(synced)
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: tenants: %w", err)
	}
	return tenants, nil
}

// TenantSettings returns a tenant's recognition rules: the ones saved for
// it, or the defaults of its kind if nobody saved any.
func (s *Store) TenantSettings(ctx context.Context, tenantID string) (inventory.Settings, error) {
	return tenantSettings(ctx, s.pool, tenantID)
}

func tenantSettings(ctx context.Context, q querier, tenantID string) (inventory.Settings, error) {
	var (
		kind     inventory.TenantKind
		settings []byte
	)
	err := q.QueryRow(ctx, `SELECT kind, settings FROM tenants WHERE id = $1`, tenantID).Scan(&kind, &settings)
	if errors.Is(err, pgx.ErrNoRows) {
		return inventory.Settings{}, inventory.Errorf(inventory.ENOTFOUND, "tenant %s is not in the database", tenantID)
	}
	if err != nil {
		return inventory.Settings{}, fmt.Errorf("store: tenant settings: %w", err)
	}
	st, err := decodeSettings(kind, settings)
	if err != nil {
		return inventory.Settings{}, fmt.Errorf("store: tenant settings: %w", err)
	}
	return st, nil
}

// maxWindow is the longest sign-in window a tenant may set; Graph keeps
// sign-in logs for 30 days (P1/P2), so a longer window only waits for data.
const maxWindow = 365 * 24 * time.Hour

// SaveTenantSettings replaces a tenant's recognition rules and kind. A
// Kind of "" keeps the tenant's kind.
func (s *Store) SaveTenantSettings(ctx context.Context, tenantID string, st inventory.Settings) error {
	if err := validateSettings(st); err != nil {
		return err
	}
	b, err := encodeSettings(st)
	if err != nil {
		return fmt.Errorf("store: save tenant settings: %w", err)
	}
	tag, err := s.pool.Exec(ctx, `
		UPDATE tenants SET settings = $2, kind = coalesce(nullif($3, ''), kind)
		WHERE id = $1`, tenantID, b, string(st.Kind))
	if err != nil {
		return fmt.Errorf("store: save tenant settings: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return inventory.Errorf(inventory.ENOTFOUND, "tenant %s is not in the database", tenantID)
	}
	return nil
}

func validateSettings(st inventory.Settings) error {
	if st.Kind != "" {
		if _, err := inventory.ParseTenantKind(string(st.Kind)); err != nil {
			return err
		}
	}
	if st.Window <= 0 || st.Window > maxWindow {
		return inventory.Errorf(inventory.EINVALID, "the sign-in window must be between 1 second and 365 days, not %s", st.Window)
	}
	lists := []struct {
		what  string
		items []string
	}{
		{"service pattern", st.ServicePatterns},
		{"room pattern", st.RoomPatterns},
		{"break-glass pattern", st.BreakGlassPatterns},
		{"break-glass account", st.BreakGlassAccounts},
		{"room-device group", st.RoomDeviceGroups},
	}
	for _, l := range lists {
		for i, item := range l.items {
			if strings.TrimSpace(item) == "" {
				return inventory.Errorf(inventory.EINVALID, "%s %d is empty", l.what, i+1)
			}
		}
	}
	return nil
}
