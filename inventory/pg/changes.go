package pg

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

// What changed since the last sync (issue 13 §4): a sync reads the last
// verdicts (LastVerdicts), inventory.ChangesSince compares, and ApplySync
// records the changes in its own transaction (recordChanges).

// SyncChange is one recorded change, with the sync that found it.
type SyncChange struct {
	RunID      int64
	At         time.Time
	TenantID   string
	AccountID  string
	UPN        string
	From, To   inventory.Compliance // "" for a new (From) or removed (To) account
	Direction  inventory.Direction
	Regression bool
	Causes     []string
}

// LastVerdicts returns the verdict of every account the last sync of a
// tenant kept (removed accounts left out), nil when the tenant was never
// synced.
func (s *Store) LastVerdicts(ctx context.Context, tenantID string) (map[string]inventory.LastVerdict, error) {
	var synced bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM tenants WHERE id = $1)`, tenantID).Scan(&synced); err != nil {
		return nil, fmt.Errorf("store: last verdicts: %w", err)
	}
	if !synced {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, `
		SELECT a.id, a.upn, s.compliance, s.reasons
		FROM accounts a JOIN assessments s ON s.tenant_id = a.tenant_id AND s.account_id = a.id
		WHERE a.tenant_id = $1 AND a.removed_at IS NULL`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: last verdicts: %w", err)
	}
	defer rows.Close()
	last := map[string]inventory.LastVerdict{}
	for rows.Next() {
		var (
			id string
			v  inventory.LastVerdict
		)
		if err := rows.Scan(&id, &v.UserPrincipalName, &v.Compliance, &v.Reasons); err != nil {
			return nil, fmt.Errorf("store: last verdicts: %w", err)
		}
		last[id] = v
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: last verdicts: %w", err)
	}
	return last, nil
}

// recordChanges writes a sync's changes in its transaction.
func recordChanges(ctx context.Context, tx pgx.Tx, runID int64, tenantID string, cs []inventory.Change) error {
	if len(cs) == 0 {
		return nil
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"sync_changes"},
		[]string{"run_id", "tenant_id", "account_id", "upn", "from_compliance", "to_compliance", "direction", "regression", "causes"},
		pgx.CopyFromSlice(len(cs), func(i int) ([]any, error) {
			c := &cs[i]
			return []any{runID, tenantID, c.UserID, c.UserPrincipalName, nullIfEmpty(string(c.From)),
				nullIfEmpty(string(c.To)), string(c.Direction), c.Regression(), nonNil(c.Causes)}, nil
		}))
	if err != nil {
		return fmt.Errorf("store: apply sync: changes: %w", err)
	}
	return nil
}

func nullIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// ChangeFilter narrows Changes.
type ChangeFilter struct {
	TenantID string    // "" for every tenant
	RunID    int64     // 0 for every sync
	Since    time.Time // zero for all time
	Limit    int       // 0 for no limit
}

// Changes returns recorded changes, newest sync first, then in the order
// the sync found them (regressions are not sorted apart).
func (s *Store) Changes(ctx context.Context, f ChangeFilter) ([]SyncChange, error) {
	var since *time.Time
	if !f.Since.IsZero() {
		since = &f.Since
	}
	var limit *int
	if f.Limit > 0 {
		limit = &f.Limit
	}
	rows, err := s.pool.Query(ctx, `
		SELECT run_id, at, tenant_id, account_id, upn, coalesce(from_compliance, ''),
		       coalesce(to_compliance, ''), direction, regression, causes
		FROM sync_changes
		WHERE ($1 = '' OR tenant_id = $1) AND ($2 = 0 OR run_id = $2)
		  AND ($3::timestamptz IS NULL OR at >= $3)
		ORDER BY run_id DESC, id
		LIMIT $4`, f.TenantID, f.RunID, since, limit)
	if err != nil {
		return nil, fmt.Errorf("store: changes: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (SyncChange, error) {
		var c SyncChange
		err := row.Scan(&c.RunID, &c.At, &c.TenantID, &c.AccountID, &c.UPN, &c.From, &c.To, &c.Direction, &c.Regression, &c.Causes)
		c.At = c.At.UTC()
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: changes: %w", err)
	}
	return out, nil
}

// LastSyncChanges counts what the tenant's last successful sync found:
// the accounts that lost coverage (regressions) and those that gained it.
// Both are zero before the second sync.
func (s *Store) LastSyncChanges(ctx context.Context, tenantID string) (lost, gained int, err error) {
	err = s.pool.QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE c.regression), count(*) FILTER (WHERE c.direction = 'better')
		FROM tenants t JOIN sync_changes c ON c.run_id = t.last_run_id
		WHERE t.id = $1`, tenantID).Scan(&lost, &gained)
	if err != nil {
		return 0, 0, fmt.Errorf("store: last sync changes: %w", err)
	}
	return lost, gained, nil
}

// RecordChangeAlert puts the alert a sync sent about accounts that lost
// coverage on the audit trail, by the sync: how many, the run, the outcome.
func (s *Store) RecordChangeAlert(ctx context.Context, tenantID string, runID int64, regressions int, o inventory.DeliveryOutcome) error {
	err := recordAs(ctx, s.pool, inventory.SyncActor, AuditEvent{TenantID: tenantID, Action: inventory.ActionChangeAlert,
		To: fmt.Sprintf("%d account(s) lost coverage", regressions), Reason: o.String(), Details: map[string]any{"run": runID}})
	if err != nil {
		return fmt.Errorf("store: record change alert: %w", err)
	}
	return nil
}
