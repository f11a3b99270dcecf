package pg

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

// Tenants returns every tenant by display name.
func (s *Store) Tenants(ctx context.Context) ([]inventory.Tenant, error) {
	tenants, err := queryRows(ctx, s.pool, `
		SELECT t.id, t.display_name, t.domains, t.kind, t.last_synced_at, coalesce(t.last_run_id, 0),
		       -- The last sync's user count is the accounts not removed, without
		       -- counting 100,000 rows on every page that shows the tenant.
		       coalesce((SELECT (r.counts->>'users')::int FROM sync_runs r WHERE r.id = t.last_run_id), 0)
		FROM tenants t
		ORDER BY lower(t.display_name), t.id`, nil, func(row pgx.CollectableRow) (inventory.Tenant, error) {
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
