package pg

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

// The readiness report (issue 5) reads a whole tenant: its verdict, every
// account's place in the figures, the privileged accounts still open, the
// exception register and the trend. It reads them in one read-only
// transaction at repeatable read, so the figures of a page or a report are
// those of one moment even while a sync lands.

// trendHistory is how far back the readiness chart reaches.
const trendHistory = 365 * 24 * time.Hour

// Readiness returns the tenant's readiness at now, finished
// (inventory.Readiness.Finish): the verdict as the stored assessments make
// it (counts of the accounts not removed, the privileged apart; gaps and
// unchecked sources from the last successful sync), the trend of the last
// year ending with today's counts, the enforcement deadline, the exception
// register, overdue work by assignee and the privileged and break-glass
// accounts still open. A tenant not stored is ENOTFOUND.
func (s *Store) Readiness(ctx context.Context, tenantID string, now time.Time) (*inventory.Readiness, error) {
	var r *inventory.Readiness
	err := s.readOnly(ctx, "readiness", func(tx pgx.Tx) error {
		var err error
		r, err = readiness(ctx, tx, tenantID, now)
		return err
	})
	return r, err
}

// ReadinessWithAccounts gives fn the tenant's readiness (as Readiness) and
// its accounts (as StreamAccountLines with no filter), both read at the same
// moment: a workbook's summary and its account rows always agree. accounts
// may be called once, while fn runs; fn's error is returned as it is.
func (s *Store) ReadinessWithAccounts(ctx context.Context, tenantID string, now time.Time,
	fn func(r *inventory.Readiness, accounts func(yield func(inventory.AccountLine) error) error) error) error {
	var fnErr error
	err := s.readOnly(ctx, "readiness", func(tx pgx.Tx) error {
		r, err := readiness(ctx, tx, tenantID, now)
		if err != nil {
			return err
		}
		fnErr = fn(r, func(yield func(inventory.AccountLine) error) error {
			return streamAccountLines(ctx, tx, AccountFilter{TenantID: tenantID}, yield)
		})
		return nil
	})
	if err != nil {
		return err
	}
	return fnErr
}

func readiness(ctx context.Context, tx pgx.Tx, tenantID string, now time.Time) (*inventory.Readiness, error) {
	// One scan of 100,000 cards is quicker done by this backend than
	// shared out to parallel workers, whose start costs more than it saves.
	if _, err := tx.Exec(ctx, `SELECT set_config('max_parallel_workers_per_gather', '0', true)`); err != nil {
		return nil, err
	}
	v, deadline, err := readinessTenant(ctx, tx, tenantID)
	if err != nil {
		return nil, err
	}
	r := inventory.NewReadiness(v, nil, deadline, now)
	if err := addAccountGroups(ctx, tx, r); err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	err = streamLines(ctx, tx, `c.tenant_id = $1 AND c.active AND `+privilegedOpenSQL, []any{tenantID},
		func(l inventory.AccountLine) error {
			addLines(r, l, 1)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("privileged accounts: %w", err)
	}
	r.Tenant.Ready = inventory.Ready(r.Tenant.Counts)
	if r.Exceptions, err = exceptionRegister(ctx, tx, tenantID); err != nil {
		return nil, fmt.Errorf("exceptions: %w", err)
	}
	points, err := trend(ctx, tx, tenantID, now.Add(-trendHistory))
	if err != nil {
		return nil, fmt.Errorf("trend: %w", err)
	}
	r.Trend = endingToday(points, r.Tenant, now)
	r.Finish()
	return r, nil
}

// readinessTenant reads the tenant, with empty counts to fill, the gaps and
// unchecked sources of its last sync, and its deadline.
func readinessTenant(ctx context.Context, tx pgx.Tx, tenantID string) (inventory.TenantVerdict, time.Time, error) {
	v := inventory.NewTenantVerdict(tenantID)
	var (
		synced, deadline *time.Time
		verdict          []byte
	)
	err := tx.QueryRow(ctx, `
		SELECT t.display_name, t.kind, t.last_synced_at, t.enforcement_deadline, r.verdict
		FROM tenants t LEFT JOIN sync_runs r ON r.id = t.last_run_id
		WHERE t.id = $1`, tenantID).Scan(&v.DisplayName, &v.Kind, &synced, &deadline, &verdict)
	if errors.Is(err, pgx.ErrNoRows) {
		return v, time.Time{}, inventory.Errorf(inventory.ENOTFOUND, "tenant %s is not in the database", tenantID)
	}
	if err != nil {
		return v, time.Time{}, fmt.Errorf("tenant: %w", err)
	}
	v.AsOf = timeFromNull(synced)
	if verdict != nil {
		var last inventory.TenantVerdict
		if err := json.Unmarshal(verdict, &last); err != nil {
			return v, time.Time{}, fmt.Errorf("last verdict: %w", err)
		}
		v.Gaps, v.Unchecked = last.Gaps, last.Unchecked
		if !last.AsOf.IsZero() {
			v.AsOf = last.AsOf
		}
	}
	return v, dayFromNull(deadline), nil
}

// exceptionRegister lists the exceptions requested or granted; Finish
// orders them.
func exceptionRegister(ctx context.Context, tx pgx.Tx, tenantID string) ([]inventory.ExceptionLine, error) {
	return queryRows(ctx, tx, `
		SELECT coalesce(a.upn, e.account_id), coalesce(a.display_name, ''), e.status, e.justification,
		       e.compensating_controls, e.decided_by_name, e.expiry_requested
		FROM exceptions e
		LEFT JOIN accounts a ON a.tenant_id = e.tenant_id AND a.id = e.account_id
		WHERE e.tenant_id = $1 AND e.status IN ('requested', 'granted')`, []any{tenantID}, func(row pgx.CollectableRow) (inventory.ExceptionLine, error) {
		var l inventory.ExceptionLine
		err := row.Scan(&l.UserPrincipalName, &l.DisplayName, &l.Status, &l.Justification,
			&l.CompensatingControls, &l.DecidedBy, &l.Expiry)
		l.Status = exceptionStatusWord(l.Status)
		l.Expiry = l.Expiry.UTC()
		return l, err
	})
}

// exceptionStatusWord is an exception's status as the register shows it.
func exceptionStatusWord(status string) string {
	if status == "" {
		return ""
	}
	return strings.ToUpper(status[:1]) + status[1:]
}

// endingToday ends the trend with now's counts (counts of the verdict
// just read): the chart ends where the figures above it stand, as the daily
// snapshot will store them. A stored point of the same day is replaced.
func endingToday(points []inventory.TrendPoint, v inventory.TenantVerdict, now time.Time) []inventory.TrendPoint {
	y, m, d := now.UTC().Date()
	today := inventory.TrendPoint{Day: time.Date(y, m, d, 0, 0, 0, 0, time.UTC), Counts: maps.Clone(v.Counts),
		Applicable: inventory.ApplicableCount(v.Counts)}
	if n := len(points); n > 0 {
		switch last := points[n-1].Day; {
		case last.Equal(today.Day):
			points[n-1] = today
			return points
		case last.After(today.Day):
			return points // now is in the past of the stored history: leave it as stored
		}
	}
	return append(points, today)
}
