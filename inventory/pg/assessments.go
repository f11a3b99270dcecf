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
	_, err := tx.Exec(ctx, `
		CREATE TEMP TABLE staging_assessments (
			account_id text, category text, auto_category text, category_override boolean,
			category_reason text, markers text[], marker_reasons jsonb, path text, auto_path text,
			path_override boolean, path_reason text, compliance text, enforced_by text[],
			risk_based boolean, reasons text[], dated text[]
		) ON COMMIT DROP`)
	if err != nil {
		return fmt.Errorf("create staging: %w", err)
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"staging_assessments"}, assessmentColumns,
		pgx.CopyFromSlice(len(as), func(i int) ([]any, error) { return assessmentRow(&as[i]) }))
	if err != nil {
		return fmt.Errorf("copy: %w", err)
	}
	return nil
}

// mergeAssessments moves the staged verdicts into assessments.
func mergeAssessments(ctx context.Context, tx pgx.Tx, tenantID string, runID int64, asOf time.Time) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO assessments (tenant_id, account_id, run_id, category, auto_category,
			category_override, category_reason, markers, marker_reasons, path, auto_path,
			path_override, path_reason, compliance, enforced_by, risk_based, reasons, dated,
			assessed_at)
		SELECT $1, account_id, $2, category, auto_category, category_override, category_reason,
			markers, marker_reasons, path, auto_path, path_override, path_reason, compliance,
			enforced_by, risk_based, reasons, dated, coalesce($3, now())
		FROM staging_assessments
		ON CONFLICT (tenant_id, account_id) DO UPDATE SET
			run_id = excluded.run_id,
			category = excluded.category,
			auto_category = excluded.auto_category,
			category_override = excluded.category_override,
			category_reason = excluded.category_reason,
			markers = excluded.markers,
			marker_reasons = excluded.marker_reasons,
			path = excluded.path,
			auto_path = excluded.auto_path,
			path_override = excluded.path_override,
			path_reason = excluded.path_reason,
			compliance = excluded.compliance,
			enforced_by = excluded.enforced_by,
			risk_based = excluded.risk_based,
			reasons = excluded.reasons,
			dated = excluded.dated,
			assessed_at = excluded.assessed_at`,
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
