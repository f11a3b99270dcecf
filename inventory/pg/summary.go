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

// Summary returns the tenant verdict as the stored assessments make it now:
// counts per compliance, category, path and marker of the accounts not
// removed (every known value present, zero or not), and readiness. Gaps and
// Unchecked come from the verdict of the last successful sync, which is
// the only place they are computed. A tenant never synced is ENOTFOUND.
func (s *Store) Summary(ctx context.Context, tenantID string) (inventory.TenantVerdict, error) {
	v := inventory.NewTenantVerdict(tenantID)
	// The stored counts keep no privileged figures: Readiness counts them.
	v.PrivilegedCounts, v.PrivilegedReady = nil, false

	var (
		synced  *time.Time
		verdict []byte
	)
	err := s.pool.QueryRow(ctx, `
		SELECT t.display_name, t.kind, t.last_synced_at, r.verdict
		FROM tenants t LEFT JOIN sync_runs r ON r.id = t.last_run_id
		WHERE t.id = $1`, tenantID).Scan(&v.DisplayName, &v.Kind, &synced, &verdict)
	if errors.Is(err, pgx.ErrNoRows) {
		return v, inventory.Errorf(inventory.ENOTFOUND, "tenant %s is not in the database", tenantID)
	}
	if err != nil {
		return v, fmt.Errorf("store: summary: %w", err)
	}
	v.AsOf = timeFromNull(synced)
	if verdict != nil {
		var last inventory.TenantVerdict
		if err := json.Unmarshal(verdict, &last); err != nil {
			return v, fmt.Errorf("store: summary: last verdict: %w", err)
		}
		v.Gaps, v.Unchecked = last.Gaps, last.Unchecked
		if !last.AsOf.IsZero() {
			v.AsOf = last.AsOf
		}
	}

	c, err := storedCounts(ctx, s.pool, tenantID)
	if err != nil {
		return v, err
	}
	c.into(&v)
	v.Ready = inventory.Ready(v.Counts)
	return v, nil
}
