package pg

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

var assessmentColumns = []string{
	"account_id", "category", "auto_category", "category_override", "category_reason",
	"markers", "marker_reasons", "path", "auto_path", "path_override", "path_reason",
	"compliance", "enforced_by", "risk_based", "reasons", "dated",
}

// writeAssessments copies verdicts into a staging table and merges them
// into assessments in one statement. asOf is the moment of assessment; the
// zero time means now.
func writeAssessments(ctx context.Context, tx pgx.Tx, tenantID string, runID int64, asOf time.Time, as []inventory.Assessment) error {
	if err := stageAssessments(ctx, tx, as); err != nil {
		return err
	}
	return mergeAssessments(ctx, tx, tenantID, runID, asOf)
}

// stageAssessments copies verdicts into staging_assessments, a temporary
// table dropped at commit.
func stageAssessments(ctx context.Context, tx pgx.Tx, as []inventory.Assessment) error {
	return stageRows(ctx, tx, "staging_assessments", `
			account_id text, category text, auto_category text, category_override boolean,
			category_reason text, markers text[], marker_reasons jsonb, path text, auto_path text,
			path_override boolean, path_reason text, compliance text, enforced_by text[],
			risk_based boolean, reasons text[], dated text[]`,
		assessmentColumns, len(as), func(i int) ([]any, error) { return assessmentRow(&as[i]) })
}

// mergeAssessments moves the staged verdicts into assessments.
func mergeAssessments(ctx context.Context, tx pgx.Tx, tenantID string, runID int64, asOf time.Time) error {
	verdict := assessmentColumns[1:] // after account_id
	cols := strings.Join(verdict, ", ")
	_, err := tx.Exec(ctx, `
		INSERT INTO assessments (tenant_id, account_id, run_id, `+cols+`, assessed_at)
		SELECT $1, account_id, $2, `+cols+`, coalesce($3, now())
		FROM staging_assessments
		ON CONFLICT (tenant_id, account_id) DO UPDATE SET `+fromExcluded(verdict, "run_id", "assessed_at"),
		tenantID, runID, timeOrNull(asOf))
	if err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	return nil
}

func assessmentRow(a *inventory.Assessment) ([]any, error) {
	markers := make([]string, len(a.Markers))
	for i, m := range a.Markers {
		markers[i] = string(m)
	}
	reasons := a.MarkerReasons
	if reasons == nil {
		reasons = map[inventory.Marker]string{}
	}
	reasonsJSON, err := json.Marshal(reasons)
	if err != nil {
		return nil, fmt.Errorf("marker reasons of %s: %w", a.UserID, err)
	}
	return []any{
		a.UserID, string(a.Category), string(a.AutoCategory), a.CategoryOverride, a.CategoryReason,
		markers, reasonsJSON, string(a.Path), string(a.AutoPath), a.PathOverride, a.PathReason,
		string(a.Compliance), nonNil(a.EnforcedBy), a.RiskBased, nonNil(a.Reasons), nonNil(a.Dated),
	}, nil
}

// saveAssessments replaces the verdict on some accounts of a tenant outside
// a sync (ApplyReassessment), in the caller's transaction. They are filed
// under the tenant's last run, whose data they were drawn from.
func saveAssessments(ctx context.Context, tx pgx.Tx, tenantID string, as []inventory.Assessment) error {
	var runID *int64
	err := tx.QueryRow(ctx, `SELECT last_run_id FROM tenants WHERE id = $1`, tenantID).Scan(&runID)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && runID == nil) {
		return inventory.Errorf(inventory.ENOTFOUND, "tenant %s has not been synced", tenantID)
	}
	if err != nil {
		return fmt.Errorf("store: apply reassessment: %w", err)
	}
	if err := stageAssessments(ctx, tx, as); err != nil {
		return fmt.Errorf("store: apply reassessment: %w", err)
	}
	// assessments has no foreign key to accounts (see the migration).
	var stranger string
	err = tx.QueryRow(ctx, `
		SELECT s.account_id FROM staging_assessments s
		WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.tenant_id = $1 AND a.id = s.account_id)
		LIMIT 1`, tenantID).Scan(&stranger)
	if err == nil {
		return accountNotFound(tenantID, stranger)
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("store: apply reassessment: %w", err)
	}
	if err := mergeAssessments(ctx, tx, tenantID, *runID, time.Time{}); err != nil {
		return fmt.Errorf("store: apply reassessment: %w", err)
	}
	if err := refreshCounts(ctx, tx, tenantID); err != nil {
		return fmt.Errorf("store: apply reassessment: %w", err)
	}
	if err := refreshCardFacts(ctx, tx, tenantID, true); err != nil {
		return fmt.Errorf("store: apply reassessment: %w", err)
	}
	return nil
}

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
