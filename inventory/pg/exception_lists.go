package pg

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

// Exceptions returns a tenant's granted exceptions by account id, ready for
// inventory.Inputs.Exceptions. One whose expiry has passed but which
// ExpireExceptions has not closed yet is included: the rules do not count
// it (inventory.Assess checks the expiry against its own AsOf).
func (s *Store) Exceptions(ctx context.Context, tenantID string) (map[string]inventory.Exception, error) {
	return grantedExceptions(ctx, s.pool, tenantID)
}

func grantedExceptions(ctx context.Context, q querier, tenantID string) (map[string]inventory.Exception, error) {
	rows, err := q.Query(ctx, `
		SELECT account_id, expiry_requested FROM exceptions WHERE tenant_id = $1 AND status = 'granted'`,
		tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: exceptions: %w", err)
	}
	defer rows.Close()
	out := map[string]inventory.Exception{}
	for rows.Next() {
		var (
			id     string
			expiry time.Time
		)
		if err := rows.Scan(&id, &expiry); err != nil {
			return nil, fmt.Errorf("store: exceptions: %w", err)
		}
		out[id] = inventory.Exception{Granted: true, Expiry: expiry.UTC()}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: exceptions: %w", err)
	}
	return out, nil
}

// ExceptionRow is one exception request as the exceptions page and the
// account page list it. Names are as they were when the person acted.
type ExceptionRow struct {
	ID                           int64
	AccountID, UserPrincipalName string
	DisplayName                  string
	Status                       string // one of inventory's ExceptionState* values
	Justification                string
	CompensatingControls         string
	RequestedBy, RequestedByID   string
	DecidedBy, DecidedByID       string // "" until decided
	DecisionNote                 string
	RequestedAt, Expiry          time.Time
	DecidedAt, EndedAt           time.Time // zero until decided, ended
}

// OpenExceptions returns a tenant's requests waiting for a decision (oldest
// first) and then its granted exceptions (soonest expiry first).
func (s *Store) OpenExceptions(ctx context.Context, tenantID string) ([]ExceptionRow, error) {
	return s.exceptionRows(ctx, "open exceptions", `
		WHERE e.tenant_id = $1 AND e.status IN ('requested', 'granted')
		ORDER BY e.status = 'granted', CASE WHEN e.status = 'requested' THEN e.requested_at END,
		         e.expiry_requested, e.id`, tenantID)
}

// ExpiringExceptions returns a tenant's granted exceptions that expire
// before now+within, soonest first; those already past their expiry but not
// yet closed by ExpireExceptions come first.
func (s *Store) ExpiringExceptions(ctx context.Context, tenantID string, within time.Duration, now time.Time) ([]ExceptionRow, error) {
	return s.exceptionRows(ctx, "expiring exceptions", `
		WHERE e.tenant_id = $1 AND e.status = 'granted' AND e.expiry_requested < $2
		ORDER BY e.expiry_requested, e.id`, tenantID, now.Add(within))
}

// ExceptionHistory returns every exception ever requested for an account,
// newest first.
func (s *Store) ExceptionHistory(ctx context.Context, tenantID, accountID string) ([]ExceptionRow, error) {
	return s.exceptionRows(ctx, "exception history", `
		WHERE e.tenant_id = $1 AND e.account_id = $2
		ORDER BY e.requested_at DESC, e.id DESC`, tenantID, accountID)
}

func (s *Store) exceptionRows(ctx context.Context, what, whereOrder string, args ...any) ([]ExceptionRow, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT e.id, e.account_id, coalesce(a.upn, ''), coalesce(a.display_name, ''), e.status,
		       e.justification, e.compensating_controls, e.requested_by_name, e.requested_by::text,
		       e.decided_by_name, coalesce(e.decided_by::text, ''), e.decision_note, e.requested_at,
		       e.expiry_requested, e.decided_at, e.ended_at
		FROM exceptions e
		LEFT JOIN accounts a ON a.tenant_id = e.tenant_id AND a.id = e.account_id
		`+whereOrder, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (ExceptionRow, error) {
		var (
			r              ExceptionRow
			decided, ended *time.Time
		)
		err := row.Scan(&r.ID, &r.AccountID, &r.UserPrincipalName, &r.DisplayName, &r.Status,
			&r.Justification, &r.CompensatingControls, &r.RequestedBy, &r.RequestedByID,
			&r.DecidedBy, &r.DecidedByID, &r.DecisionNote, &r.RequestedAt, &r.Expiry, &decided, &ended)
		r.RequestedAt, r.Expiry = r.RequestedAt.UTC(), r.Expiry.UTC()
		r.DecidedAt, r.EndedAt = timeFromNull(decided), timeFromNull(ended)
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	return list, nil
}
