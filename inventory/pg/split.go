package pg

import (
	"cmp"
	"context"
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
	var plan inventory.SplitPlan
	err := s.readOnly(ctx, "split plan", func(tx pgx.Tx) error {
		var err error
		plan, err = splitPlan(ctx, tx, tenantID)
		return err
	})
	return plan, err
}

func splitPlan(ctx context.Context, tx pgx.Tx, tenantID string) (inventory.SplitPlan, error) {
	// These queries read a few hundred rows by index; JIT compiling them
	// (the unnest estimates can tempt the planner) costs more than it saves.
	if _, err := tx.Exec(ctx, `SET LOCAL jit = off`); err != nil {
		return inventory.SplitPlan{}, err
	}
	cands, err := splitCandidates(ctx, tx, tenantID)
	if err != nil {
		return inventory.SplitPlan{}, fmt.Errorf("accounts: %w", err)
	}
	if len(cands) == 0 {
		return inventory.SplitPlan{}, nil
	}
	groups, err := splitGroups(ctx, tx, tenantID, cands)
	if err != nil {
		return inventory.SplitPlan{}, fmt.Errorf("groups: %w", err)
	}
	policies, err := tenantPolicies(ctx, tx, tenantID)
	if err != nil {
		return inventory.SplitPlan{}, fmt.Errorf("policies: %w", err)
	}
	matches, err := productionMatches(ctx, tx, tenantID, cands)
	if err != nil {
		return inventory.SplitPlan{}, err
	}
	return inventory.PlanSplit(cands, groups, policies, matches), nil
}

// splitCandidates reads the accounts on the path in two steps, the
// verdicts by the path index and then the accounts by primary key, so a
// large tenant is never scanned for its few hundred rooms.
func splitCandidates(ctx context.Context, tx pgx.Tx, tenantID string) ([]inventory.SplitCandidate, error) {
	rows, err := tx.Query(ctx, `
		SELECT account_id, category, compliance FROM assessments
		WHERE tenant_id = $1 AND path = $2`, tenantID, string(inventory.TenantSplit))
	if err != nil {
		return nil, err
	}
	type verdict struct {
		category   inventory.Category
		compliance inventory.Compliance
	}
	verdicts := map[string]verdict{}
	var (
		ids []string
		id  string
		v   verdict
	)
	if _, err := pgx.ForEachRow(rows, []any{&id, &v.category, &v.compliance}, func() error {
		ids, verdicts[id] = append(ids, id), v
		return nil
	}); err != nil || len(ids) == 0 {
		return nil, err
	}
	return queryRows(ctx, tx, `
		SELECT id, upn, display_name, mail, account_enabled, licenses FROM accounts
		WHERE tenant_id = $1 AND id = ANY($2::text[]) AND removed_at IS NULL
		ORDER BY lower(upn), id`, []any{tenantID, ids}, func(row pgx.CollectableRow) (inventory.SplitCandidate, error) {
		var c inventory.SplitCandidate
		err := row.Scan(&c.ID, &c.UserPrincipalName, &c.DisplayName, &c.Mail, &c.Enabled, &c.SKUs)
		c.SKUs = nilIfEmpty(c.SKUs)
		c.Category, c.Compliance = verdicts[c.ID].category, verdicts[c.ID].compliance
		return c, err
	})
}

// splitGroups reads every group's name and nesting (a policy may name a
// parent group), without the member lists, and fills in each candidate's
// direct memberships. The memberships come from unnesting the member lists
// against the candidates with a hash join: an array test per group (&&,
// @>) compares element by element, which costs seconds on a group of
// 100,000 members.
func splitGroups(ctx context.Context, tx pgx.Tx, tenantID string, cands []inventory.SplitCandidate) ([]inventory.Group, error) {
	groups, err := queryRows(ctx, tx, `
		SELECT id, display_name, member_group_ids FROM groups
		WHERE tenant_id = $1
		ORDER BY lower(display_name), id`, []any{tenantID}, func(row pgx.CollectableRow) (inventory.Group, error) {
		var g inventory.Group
		err := row.Scan(&g.ID, &g.DisplayName, &g.MemberGroupIDs)
		g.MemberGroupIDs = nilIfEmpty(g.MemberGroupIDs)
		return g, err
	})
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(cands))
	at := make(map[string]int, len(cands))
	for i, c := range cands {
		ids[i], at[c.ID] = c.ID, i
	}
	rows, err := tx.Query(ctx, `
		SELECT g.id, c.id
		FROM groups g
		CROSS JOIN LATERAL unnest(g.member_user_ids) AS m (id)
		JOIN unnest($2::text[]) AS c (id) ON c.id = m.id
		WHERE g.tenant_id = $1`, tenantID, ids)
	if err != nil {
		return nil, err
	}
	member := map[string]map[string]bool{} // account -> its groups
	var groupID, accountID string
	if _, err := pgx.ForEachRow(rows, []any{&groupID, &accountID}, func() error {
		if member[accountID] == nil {
			member[accountID] = map[string]bool{}
		}
		member[accountID][groupID] = true
		return nil
	}); err != nil {
		return nil, err
	}
	for _, g := range groups { // in the groups' order, so by name
		for acc := range member {
			if member[acc][g.ID] {
				c := &cands[at[acc]]
				c.Groups = append(c.Groups, inventory.GroupRef{ID: g.ID, DisplayName: g.DisplayName})
			}
		}
	}
	return groups, nil
}

// productionMatches finds, in every production tenant but tenantID, the
// accounts (not removed) whose UPN or mail equals a candidate's UPN or
// mail, without regard to case: after a split the device keeps its mailbox
// address, and often its sign-in name, in the new tenant. A production
// account matched both ways is reported once, by UPN.
func productionMatches(ctx context.Context, tx pgx.Tx, tenantID string, cands []inventory.SplitCandidate) (map[string][]inventory.ProductionMatch, error) {
	rows, err := tx.Query(ctx, `SELECT id, display_name FROM tenants WHERE kind = $1 AND id <> $2`, string(inventory.KindProduction), tenantID)
	if err != nil {
		return nil, fmt.Errorf("production tenants: %w", err)
	}
	names := map[string]string{}
	var prod []string
	var id, name string
	if _, err := pgx.ForEachRow(rows, []any{&id, &name}, func() error {
		prod, names[id] = append(prod, id), name
		return nil
	}); err != nil {
		return nil, fmt.Errorf("production tenants: %w", err)
	}
	if len(prod) == 0 {
		return nil, nil
	}
	var candIDs, keys []string
	for _, c := range cands {
		for _, n := range []string{c.UserPrincipalName, c.Mail} {
			if n = strings.ToLower(strings.TrimSpace(n)); n != "" {
				candIDs, keys = append(candIDs, c.ID), append(keys, n)
			}
		}
	}
	// The UPN arm uses the (tenant_id, lower(upn)) index; the mail arm
	// reads the production tenants' accounts once, probing a hash of the
	// names.
	rows, err = tx.Query(ctx, `
		WITH wanted (candidate, name) AS (SELECT * FROM unnest($2::text[], $3::text[]))
		SELECT w.candidate, a.tenant_id, a.id, a.upn, 'UPN'
		FROM wanted w JOIN accounts a ON a.tenant_id = ANY($1::text[]) AND lower(a.upn) = w.name
		WHERE a.removed_at IS NULL
		UNION ALL
		SELECT w.candidate, a.tenant_id, a.id, a.upn, 'mail'
		FROM accounts a JOIN wanted w ON lower(a.mail) = w.name
		WHERE a.tenant_id = ANY($1::text[]) AND a.mail <> '' AND a.removed_at IS NULL`, prod, candIDs, keys)
	if err != nil {
		return nil, fmt.Errorf("production matches: %w", err)
	}
	out := map[string][]inventory.ProductionMatch{}
	seen := map[[2]string]int{} // candidate, tenant+account -> index in out
	var (
		cand string
		m    inventory.ProductionMatch
	)
	_, err = pgx.ForEachRow(rows, []any{&cand, &m.TenantID, &m.AccountID, &m.UserPrincipalName, &m.By}, func() error {
		key := [2]string{cand, m.TenantID + "\x00" + m.AccountID}
		if i, ok := seen[key]; ok {
			if m.By == "UPN" {
				out[cand][i].By = "UPN"
			}
			return nil
		}
		m.TenantName = names[m.TenantID]
		seen[key] = len(out[cand])
		out[cand] = append(out[cand], m)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("production matches: %w", err)
	}
	for _, ms := range out { // a stable order for pages and CSV
		slices.SortFunc(ms, func(a, b inventory.ProductionMatch) int {
			return cmp.Or(strings.Compare(a.TenantName, b.TenantName),
				strings.Compare(strings.ToLower(a.UserPrincipalName), strings.ToLower(b.UserPrincipalName)), strings.Compare(a.AccountID, b.AccountID))
		})
	}
	return out, nil
}
