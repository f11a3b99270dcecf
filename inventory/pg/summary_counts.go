package pg

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

// verdictCounts are a tenant's current verdicts counted per compliance,
// category, path and marker, over the accounts not removed.
type verdictCounts struct {
	Compliance map[string]int `json:"compliance"`
	Category   map[string]int `json:"category"`
	Path       map[string]int `json:"path"`
	Marker     map[string]int `json:"marker"`
}

func (c verdictCounts) into(v *inventory.TenantVerdict) {
	for k, n := range c.Compliance {
		v.Counts[inventory.Compliance(k)] = n
	}
	for k, n := range c.Category {
		v.ByCategory[inventory.Category(k)] = n
	}
	for k, n := range c.Path {
		v.ByPath[inventory.Path(k)] = n
	}
	for k, n := range c.Marker {
		v.ByMarker[inventory.Marker(k)] = n
	}
}

// countVerdicts counts the stored assessments: a scan of the tenant, done
// where verdicts are written rather than on every page.
func countVerdicts(ctx context.Context, q querier, tenantID string) (verdictCounts, error) {
	c := verdictCounts{Compliance: map[string]int{}, Category: map[string]int{}, Path: map[string]int{}, Marker: map[string]int{}}
	rows, err := q.Query(ctx, `
		WITH current AS (
			SELECT s.compliance, s.category, s.path, s.markers
			FROM assessments s
			JOIN accounts a ON a.tenant_id = s.tenant_id AND a.id = s.account_id
			WHERE s.tenant_id = $1 AND a.removed_at IS NULL
		)
		SELECT 'compliance', compliance, count(*) FROM current GROUP BY compliance
		UNION ALL SELECT 'category', category, count(*) FROM current GROUP BY category
		UNION ALL SELECT 'path', path, count(*) FROM current GROUP BY path
		UNION ALL SELECT 'marker', m, count(*) FROM current, unnest(markers) AS m GROUP BY m`, tenantID)
	if err != nil {
		return c, fmt.Errorf("store: count verdicts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			dim, value string
			n          int
		)
		if err := rows.Scan(&dim, &value, &n); err != nil {
			return c, fmt.Errorf("store: count verdicts: %w", err)
		}
		switch dim {
		case "compliance":
			c.Compliance[value] = n
		case "category":
			c.Category[value] = n
		case "path":
			c.Path[value] = n
		case "marker":
			c.Marker[value] = n
		}
	}
	if err := rows.Err(); err != nil {
		return c, fmt.Errorf("store: count verdicts: %w", err)
	}
	return c, nil
}

// countsOf counts a sync's verdicts in memory: a snapshot's accounts are
// exactly the tenant's accounts not removed. (Counting in SQL inside the
// sync's transaction would plan against tables without statistics yet.)
func countsOf(as []inventory.Assessment) verdictCounts {
	v := inventory.NewTenantVerdict("")
	for _, a := range as {
		v.Count(a.Compliance, a.Category, a.Path, a.Markers, 1)
	}
	return countsFrom(v)
}

// countsFrom keeps v's counts as the store keeps them, the values counted
// at least once.
func countsFrom(v inventory.TenantVerdict) verdictCounts {
	return verdictCounts{Compliance: nonZero(v.Counts), Category: nonZero(v.ByCategory), Path: nonZero(v.ByPath), Marker: nonZero(v.ByMarker)}
}

func nonZero[K ~string](counts map[K]int) map[string]int {
	out := make(map[string]int, len(counts))
	for k, n := range counts {
		if n != 0 {
			out[string(k)] = n
		}
	}
	return out
}

// refreshCounts recounts a tenant's verdicts inside the transaction that
// changed them, so the stored counts never disagree with the assessments.
func refreshCounts(ctx context.Context, tx pgx.Tx, tenantID string) error {
	c, err := countVerdicts(ctx, tx, tenantID)
	if err != nil {
		return err
	}
	return storeCounts(ctx, tx, tenantID, c)
}

// storeCounts keeps c as the tenant's current counts.
func storeCounts(ctx context.Context, tx pgx.Tx, tenantID string, c verdictCounts) error {
	b, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("store: refresh counts: %w", err)
	}
	_, err = tx.Exec(ctx, `
		INSERT INTO tenant_counts (tenant_id, counts, updated_at) VALUES ($1, $2, now())
		ON CONFLICT (tenant_id) DO UPDATE SET counts = excluded.counts, updated_at = now()`, tenantID, b)
	if err != nil {
		return fmt.Errorf("store: refresh counts: %w", err)
	}
	return nil
}

// storedCounts reads the counts kept by refreshCounts, counting afresh for
// a tenant stored before they were kept.
func storedCounts(ctx context.Context, q querier, tenantID string) (verdictCounts, error) {
	var b []byte
	err := q.QueryRow(ctx, `SELECT counts FROM tenant_counts WHERE tenant_id = $1`, tenantID).Scan(&b)
	if errors.Is(err, pgx.ErrNoRows) {
		return countVerdicts(ctx, q, tenantID)
	}
	if err != nil {
		return verdictCounts{}, fmt.Errorf("store: summary counts: %w", err)
	}
	var c verdictCounts
	if err := json.Unmarshal(b, &c); err != nil {
		return verdictCounts{}, fmt.Errorf("store: summary counts: %w", err)
	}
	return c, nil
}
