package pg

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

// The readiness trend (issue 5): one row of counts per tenant per day, in
// tenant_counts_daily. ApplySync and ApplyReassessment write the day's row
// with every successful sync or reassessment; SnapshotTrends writes it for
// every tenant once a day, so a tenant synced weekly still has a point a
// day; the latest write of a day wins.

// RecordTrend stores verdict v's counts as the tenant's counts on day (its
// calendar day in UTC; today when day is zero), replacing what the day had.
func (s *Store) RecordTrend(ctx context.Context, tenantID string, day time.Time, v inventory.TenantVerdict) error {
	if err := recordTrend(ctx, s.pool, tenantID, day, v); err != nil {
		return fmt.Errorf("store: record trend: %w", err)
	}
	return nil
}

func recordTrend(ctx context.Context, q querier, tenantID string, day time.Time, v inventory.TenantVerdict) error {
	if day.IsZero() {
		day = time.Now()
	}
	c, p := v.Counts, v.PrivilegedCounts
	_, err := q.Exec(ctx, `
		INSERT INTO tenant_counts_daily (tenant_id, day, non_compliant, at_risk, excepted, compliant, not_applicable,
		                                 privileged_non_compliant, privileged_at_risk, privileged_applicable, recorded_at)
		VALUES ($1, $2::date, $3, $4, $5, $6, $7, $8, $9, $10, clock_timestamp())
		ON CONFLICT (tenant_id, day) DO UPDATE SET`+trendUpdate,
		tenantID, civilDate(day),
		c[inventory.NonCompliant], c[inventory.AtRisk], c[inventory.Excepted], c[inventory.Compliant], c[inventory.NotApplicable],
		p[inventory.NonCompliant], p[inventory.AtRisk], inventory.ApplicableCount(p))
	return err
}

// trendUpdate replaces a day's counts with the newer ones.
const trendUpdate = `
	non_compliant = excluded.non_compliant, at_risk = excluded.at_risk, excepted = excluded.excepted,
	compliant = excluded.compliant, not_applicable = excluded.not_applicable,
	privileged_non_compliant = excluded.privileged_non_compliant,
	privileged_at_risk = excluded.privileged_at_risk,
	privileged_applicable = excluded.privileged_applicable, recorded_at = excluded.recorded_at`

// SnapshotTrends stores, for every tenant synced at least once, its counts
// as the stored verdicts make them at now. It returns how many tenants it recorded.
func (s *Store) SnapshotTrends(ctx context.Context, now time.Time) (int, error) {
	tag, err := s.pool.Exec(ctx, `
		INSERT INTO tenant_counts_daily (tenant_id, day, non_compliant, at_risk, excepted, compliant, not_applicable,
		                                 privileged_non_compliant, privileged_at_risk, privileged_applicable, recorded_at)
		SELECT t.id, $1::date,
		       count(*) FILTER (WHERE s.compliance = 'non_compliant'),
		       count(*) FILTER (WHERE s.compliance = 'at_risk'),
		       count(*) FILTER (WHERE s.compliance = 'excepted'),
		       count(*) FILTER (WHERE s.compliance = 'compliant'),
		       count(*) FILTER (WHERE s.compliance = 'not_applicable'),
		       count(*) FILTER (WHERE s.compliance = 'non_compliant' AND 'privileged' = ANY (s.markers)),
		       count(*) FILTER (WHERE s.compliance = 'at_risk' AND 'privileged' = ANY (s.markers)),
		       count(*) FILTER (WHERE s.compliance <> 'not_applicable' AND 'privileged' = ANY (s.markers)),
		       clock_timestamp()
		FROM tenants t
		LEFT JOIN accounts a ON a.tenant_id = t.id AND a.removed_at IS NULL
		LEFT JOIN assessments s ON s.tenant_id = a.tenant_id AND s.account_id = a.id
		WHERE t.last_synced_at IS NOT NULL
		GROUP BY t.id
		ON CONFLICT (tenant_id, day) DO UPDATE SET`+trendUpdate, civilDate(now))
	if err != nil {
		return 0, fmt.Errorf("store: snapshot trends: %w", err)
	}
	return int(tag.RowsAffected()), nil
}

// Trend returns a tenant's daily counts from since's day on, oldest first.
// Each point's Counts holds every verdict, zero or not; Day is midnight UTC.
func (s *Store) Trend(ctx context.Context, tenantID string, since time.Time) ([]inventory.TrendPoint, error) {
	points, err := trend(ctx, s.pool, tenantID, since)
	if err != nil {
		return nil, fmt.Errorf("store: trend: %w", err)
	}
	return points, nil
}

func trend(ctx context.Context, q querier, tenantID string, since time.Time) ([]inventory.TrendPoint, error) {
	return queryRows(ctx, q, `
		SELECT day, non_compliant, at_risk, excepted, compliant, not_applicable, applicable
		FROM tenant_counts_daily
		WHERE tenant_id = $1 AND day >= $2::date
		ORDER BY day`, []any{tenantID, civilDate(since)}, func(row pgx.CollectableRow) (inventory.TrendPoint, error) {
		var (
			p                  inventory.TrendPoint
			nc, ar, ex, ok, na int
		)
		if err := row.Scan(&p.Day, &nc, &ar, &ex, &ok, &na, &p.Applicable); err != nil {
			return p, err
		}
		y, m, d := p.Day.Date()
		p.Day = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		p.Counts = map[inventory.Compliance]int{inventory.NonCompliant: nc, inventory.AtRisk: ar,
			inventory.Excepted: ex, inventory.Compliant: ok, inventory.NotApplicable: na}
		return p, nil
	})
}

// civilDate is t's calendar day in UTC as PostgreSQL reads a date, so the
// day never depends on the session's or the process's time zone.
func civilDate(t time.Time) string { return t.UTC().Format(time.DateOnly) }
