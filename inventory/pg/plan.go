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

// The store keeps each tenant's remediation plan (migration 00009), saved
// by inventory.Sync and inventory.Reassess right after the verdicts.
var _ inventory.PlanStore = (*Store)(nil)

// planPreview is how many accounts of a fix the list shows.
const planPreview = 5

// VerdictsWrittenAt is when the tenant's verdicts were last written (every
// transaction that writes them refreshes tenant_counts), and the moment
// they were assessed as of.
func (s *Store) VerdictsWrittenAt(ctx context.Context, tenantID string) (written, asOf time.Time, err error) {
	if written, err = verdictsWrittenAt(ctx, s.pool, tenantID); err != nil {
		return written, asOf, err
	}
	var at *time.Time
	if err := s.pool.QueryRow(ctx, `SELECT max(assessed_at) FROM assessments WHERE tenant_id = $1`, tenantID).Scan(&at); err != nil {
		return written, asOf, fmt.Errorf("store: verdicts of %s: %w", tenantID, err)
	}
	if at == nil {
		return written, written, nil
	}
	return written, *at, nil
}

func verdictsWrittenAt(ctx context.Context, q querier, tenantID string) (time.Time, error) {
	var at time.Time
	err := q.QueryRow(ctx, `SELECT updated_at FROM tenant_counts WHERE tenant_id = $1`, tenantID).Scan(&at)
	if errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, inventory.Errorf(inventory.ENOTFOUND, "tenant %s has not been synced", tenantID)
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("store: verdicts of %s: %w", tenantID, err)
	}
	return at, nil
}

// SavePlan replaces the tenant's plan in one transaction. basis is the
// moment of the verdicts it was drawn from; the zero time means the
// verdicts as they stand (the caller holds the tenant's lock).
func (s *Store) SavePlan(ctx context.Context, tenantID string, basis time.Time, p inventory.Plan) error {
	return s.inTx(ctx, "save plan", func(tx pgx.Tx) error {
		if basis.IsZero() {
			var err error
			if basis, err = verdictsWrittenAt(ctx, tx, tenantID); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, `
			INSERT INTO plans (tenant_id, basis, as_of, open_accounts, computed_at) VALUES ($1, $2, $3, $4, now())
			ON CONFLICT (tenant_id) DO UPDATE SET basis = excluded.basis, as_of = excluded.as_of,
				open_accounts = excluded.open_accounts, computed_at = excluded.computed_at`,
			tenantID, basis, p.AsOf, p.Open)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM plan_fixes WHERE tenant_id = $1`, tenantID); err != nil {
			return err
		}
		rows := make([][]any, len(p.Fixes))
		for i, f := range p.Fixes {
			target, err := json.Marshal(f.Target)
			if err != nil {
				return err
			}
			alsoRefs := f.Also
			if alsoRefs == nil {
				alsoRefs = []inventory.FixRef{}
			}
			also, err := json.Marshal(alsoRefs)
			if err != nil {
				return err
			}
			accounts, err := encodeFixAccounts(f.Accounts)
			if err != nil {
				return err
			}
			preview, err := encodeFixAccounts(f.Accounts[:min(planPreview, len(f.Accounts))])
			if err != nil {
				return err
			}
			rows[i] = []any{tenantID, f.ID, i + 1, string(f.Kind), f.Title, target, also, f.Docs, len(f.Accounts),
				f.Privileged, f.Resolves, f.PrivilegedResolved, preview, accounts}
		}
		_, err = tx.CopyFrom(ctx, pgx.Identifier{"plan_fixes"}, []string{"tenant_id", "id", "rank", "kind", "title", "target",
			"also", "docs", "touches", "privileged", "resolves", "privileged_resolved", "preview", "accounts"}, pgx.CopyFromRows(rows))
		return err
	})
}

// StoredPlan is a tenant's plan as the list shows it: each fix with the
// first few of its accounts (Fix.Accounts) and their number (Touches).
type StoredPlan struct {
	inventory.Plan
	Touches map[string]int // by fix id
	// Fresh is false when the verdicts changed after the plan was
	// computed, or no plan was ever computed (then Plan is empty).
	Fresh      bool
	ComputedAt time.Time
}

// Plan reads the tenant's stored plan.
func (s *Store) Plan(ctx context.Context, tenantID string) (StoredPlan, error) {
	out := StoredPlan{Touches: map[string]int{}}
	var verdicts *time.Time
	err := s.pool.QueryRow(ctx, `
		SELECT p.as_of, p.open_accounts, p.computed_at, p.basis = c.updated_at, c.updated_at
		FROM plans p LEFT JOIN tenant_counts c ON c.tenant_id = p.tenant_id
		WHERE p.tenant_id = $1`, tenantID).Scan(&out.AsOf, &out.Open, &out.ComputedAt, &out.Fresh, &verdicts)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return out, nil
	case err != nil:
		return out, fmt.Errorf("store: plan: %w", err)
	case verdicts == nil:
		out.Fresh = false
	}
	rows, err := s.pool.Query(ctx, `
		SELECT id, kind, title, target, also, docs, touches, privileged, resolves, privileged_resolved, preview
		FROM plan_fixes WHERE tenant_id = $1 ORDER BY rank`, tenantID)
	if err != nil {
		return out, fmt.Errorf("store: plan: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		f, touches, err := scanFix(rows)
		if err != nil {
			return out, fmt.Errorf("store: plan: %w", err)
		}
		out.Fixes = append(out.Fixes, f)
		out.Touches[f.ID] = touches
	}
	return out, rows.Err()
}

// PlanFix reads one fix of the tenant's plan with every account it touches.
func (s *Store) PlanFix(ctx context.Context, tenantID, fixID string) (inventory.Fix, error) {
	f, _, err := planFix(ctx, s.pool, tenantID, fixID, "accounts")
	return f, err
}

// PlanFixPage reads one fix with limit of its accounts from offset (in the
// fix's order), and how many it touches: PostgreSQL cuts the page out, so a
// fix of thousands of accounts is not decoded whole for a page of them.
func (s *Store) PlanFixPage(ctx context.Context, tenantID, fixID string, offset, limit int) (inventory.Fix, int, error) {
	if offset < 0 || limit < 1 {
		return inventory.Fix{}, 0, inventory.Errorf(inventory.EINVALID, "A page of a fix starts at 0 and holds at least one account.")
	}
	page := fmt.Sprintf("jsonb_path_query_array(accounts, '$[%d to %d]')", offset, offset+limit-1)
	return planFix(ctx, s.pool, tenantID, fixID, page)
}

// planFix reads a fix with the accounts accountsExpr selects (a trusted
// SQL expression over plan_fixes.accounts).
func planFix(ctx context.Context, q querier, tenantID, fixID, accountsExpr string) (inventory.Fix, int, error) {
	f, touches, err := scanFix(q.QueryRow(ctx, `
		SELECT id, kind, title, target, also, docs, touches, privileged, resolves, privileged_resolved, `+accountsExpr+`
		FROM plan_fixes WHERE tenant_id = $1 AND id = $2`, tenantID, fixID))
	if errors.Is(err, pgx.ErrNoRows) {
		return f, 0, inventory.Errorf(inventory.ENOTFOUND,
			"The fix %.60q is not in the plan of tenant %s: the plan is made again at every sync, so open /plan for the fixes as they stand now.", fixID, tenantID)
	}
	if err != nil {
		return f, 0, fmt.Errorf("store: plan fix: %w", err)
	}
	return f, touches, nil
}

func scanFix(row pgx.Row) (inventory.Fix, int, error) {
	var (
		f                     inventory.Fix
		kind                  string
		target, also, members []byte
		touches               int
	)
	if err := row.Scan(&f.ID, &kind, &f.Title, &target, &also, &f.Docs, &touches, &f.Privileged, &f.Resolves,
		&f.PrivilegedResolved, &members); err != nil {
		return f, 0, err
	}
	f.Kind = inventory.FixKind(kind)
	if err := json.Unmarshal(target, &f.Target); err != nil {
		return f, 0, err
	}
	if err := json.Unmarshal(also, &f.Also); err != nil {
		return f, 0, err
	}
	var err error
	f.Accounts, err = decodeFixAccounts(members)
	return f, touches, err
}

// FreshPlan reads the tenant's plan, computing it afresh first when the
// stored one is missing or older than the verdicts (inventory.RefreshPlan).
func (s *Store) FreshPlan(ctx context.Context, tenantID string) (StoredPlan, error) {
	p, err := s.Plan(ctx, tenantID)
	if err != nil || p.Fresh {
		return p, err
	}
	if _, err := inventory.RefreshPlan(ctx, s, tenantID); err != nil {
		return p, err
	}
	return s.Plan(ctx, tenantID)
}
