package pg

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

// SplitPlan reads the tenant split plan of a tenant: its accounts on the
// tenant_split path (not removed), the groups and policies that name them,
// and their counterparts in the production tenants, all from one snapshot
// of the database.
func (s *Store) SplitPlan(ctx context.Context, tenantID string) (inventory.SplitPlan, error) {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return inventory.SplitPlan{}, fmt.Errorf("store: split plan: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()

	cands, err := splitCandidates(ctx, tx, tenantID)
	if err != nil {
		return inventory.SplitPlan{}, fmt.Errorf("store: split plan: accounts: %w", err)
	}
	if len(cands) == 0 {
		return inventory.SplitPlan{}, nil
	}
	groups, err := splitGroups(ctx, tx, tenantID, cands)
	if err != nil {
		return inventory.SplitPlan{}, fmt.Errorf("store: split plan: groups: %w", err)
	}
	policies, err := splitPolicies(ctx, tx, tenantID)
	if err != nil {
		return inventory.SplitPlan{}, fmt.Errorf("store: split plan: policies: %w", err)
	}
	matches, err := productionMatches(ctx, tx, tenantID, cands)
	if err != nil {
		return inventory.SplitPlan{}, fmt.Errorf("store: split plan: %w", err)
	}
	return inventory.PlanSplit(cands, groups, policies, matches), nil
}

func splitCandidates(ctx context.Context, tx pgx.Tx, tenantID string) ([]inventory.SplitCandidate, error) {
	rows, err := tx.Query(ctx, `
		SELECT a.id, a.upn, a.display_name, a.mail, a.account_enabled, a.licenses, s.category, s.compliance
		FROM assessments s
		JOIN accounts a ON a.tenant_id = s.tenant_id AND a.id = s.account_id
		WHERE s.tenant_id = $1 AND s.path = $2 AND a.removed_at IS NULL
		ORDER BY lower(a.upn), a.id`, tenantID, string(inventory.TenantSplit))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (inventory.SplitCandidate, error) {
		var c inventory.SplitCandidate
		err := row.Scan(&c.ID, &c.UserPrincipalName, &c.DisplayName, &c.Mail, &c.Enabled, &c.SKUs, &c.Category, &c.Compliance)
		c.SKUs = nilIfEmpty(c.SKUs)
		return c, err
	})
}

// splitGroups reads every group's name and nesting (a policy may name a
// parent group) and fills in each candidate's direct memberships. Member
// lists of large groups are not read whole: only their intersection with
// the candidates, found through the member index.
func splitGroups(ctx context.Context, tx pgx.Tx, tenantID string, cands []inventory.SplitCandidate) ([]inventory.Group, error) {
	ids := make([]string, len(cands))
	at := make(map[string]int, len(cands))
	for i, c := range cands {
		ids[i], at[c.ID] = c.ID, i
	}
	rows, err := tx.Query(ctx, `
		SELECT id, display_name, member_group_ids,
		       CASE WHEN member_user_ids && $2::text[]
		            THEN ARRAY(SELECT unnest(member_user_ids) INTERSECT SELECT unnest($2::text[]))
		            ELSE '{}' END
		FROM groups WHERE tenant_id = $1
		ORDER BY lower(display_name), id`, tenantID, ids)
	if err != nil {
		return nil, err
	}
	var (
		groups  []inventory.Group
		g       inventory.Group
		members []string
	)
	_, err = pgx.ForEachRow(rows, []any{&g.ID, &g.DisplayName, &g.MemberGroupIDs, &members}, func() error {
		for _, m := range members {
			c := &cands[at[m]]
			c.Groups = append(c.Groups, inventory.GroupRef{ID: g.ID, DisplayName: g.DisplayName})
		}
		groups = append(groups, inventory.Group{ID: g.ID, DisplayName: g.DisplayName, MemberGroupIDs: nilIfEmpty(slices.Clone(g.MemberGroupIDs))})
		return nil
	})
	return groups, err
}

// splitPolicies reads the tenant's Conditional Access policies as stored.
func splitPolicies(ctx context.Context, tx pgx.Tx, tenantID string) ([]inventory.Policy, error) {
	rows, err := tx.Query(ctx, `SELECT policy FROM policies WHERE tenant_id = $1 ORDER BY position`, tenantID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (inventory.Policy, error) {
		var (
			b []byte
			p inventory.Policy
		)
		if err := row.Scan(&b); err != nil {
			return p, err
		}
		return p, json.Unmarshal(b, &p)
	})
}

// productionMatches finds, in every production tenant but tenantID, the
// accounts (not removed) whose UPN or mail equals a candidate's UPN or
// mail, without regard to case: after a split the device keeps its mailbox
// address, and often its sign-in name, in the new tenant.
func productionMatches(ctx context.Context, tx pgx.Tx, tenantID string, cands []inventory.SplitCandidate) (map[string][]inventory.ProductionMatch, error) {
	var ids, names []string
	for _, c := range cands {
		for _, n := range []string{c.UserPrincipalName, c.Mail} {
			if n = strings.ToLower(strings.TrimSpace(n)); n != "" {
				ids, names = append(ids, c.ID), append(names, n)
			}
		}
	}
	// Two arms so the UPN arm uses the (tenant_id, lower(upn)) index; a
	// production account matched both ways is reported once, by UPN.
	rows, err := tx.Query(ctx, `
		WITH wanted (candidate, name) AS (SELECT * FROM unnest($2::text[], $3::text[])),
		     prod AS (SELECT id, display_name FROM tenants WHERE kind = 'production' AND id <> $1),
		     hits AS (
		         SELECT w.candidate, p.id AS tenant_id, p.display_name, a.id, a.upn, 'UPN' AS by, 0 AS rank
		         FROM wanted w JOIN prod p ON true
		         JOIN accounts a ON a.tenant_id = p.id AND lower(a.upn) = w.name AND a.removed_at IS NULL
		         UNION ALL
		         SELECT w.candidate, p.id, p.display_name, a.id, a.upn, 'mail', 1
		         FROM wanted w JOIN prod p ON true
		         JOIN accounts a ON a.tenant_id = p.id AND a.mail <> '' AND lower(a.mail) = w.name AND a.removed_at IS NULL)
		SELECT DISTINCT ON (candidate, tenant_id, id) candidate, tenant_id, display_name, id, upn, by
		FROM hits
		ORDER BY candidate, tenant_id, id, rank`, tenantID, ids, names)
	if err != nil {
		return nil, fmt.Errorf("production matches: %w", err)
	}
	out := map[string][]inventory.ProductionMatch{}
	var (
		cand string
		m    inventory.ProductionMatch
	)
	_, err = pgx.ForEachRow(rows, []any{&cand, &m.TenantID, &m.TenantName, &m.AccountID, &m.UserPrincipalName, &m.By}, func() error {
		out[cand] = append(out[cand], m)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("production matches: %w", err)
	}
	return out, nil
}
