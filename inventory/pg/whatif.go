package pg

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

// SaveWhatIf keeps Microsoft's answer about one account with its time,
// and records it on the audit trail in the same transaction. Only those
// inventory.CanAskMicrosoft allows may; an account not in the tenant is
// ENOTFOUND.
func (s *Store) SaveWhatIf(ctx context.Context, actor inventory.Actor, c inventory.WhatIfCheck) error {
	return s.inTx(ctx, "save what-if answer", func(tx pgx.Tx) error {
		if err := inventory.CanAskMicrosoft(actor); err != nil {
			return err
		}
		if c.Policies == nil {
			c.Policies = []inventory.WhatIfPolicy{}
		}
		if c.Disagreements == nil {
			c.Disagreements = []inventory.WhatIfDisagreement{}
		}
		policies, err := json.Marshal(c.Policies)
		if err != nil {
			return err
		}
		disagreements, err := json.Marshal(c.Disagreements)
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `
			INSERT INTO whatif_checks (tenant_id, account_id, checked_at, actor_id, actor_name, verdict, enforced_by, policies, disagreements)
			SELECT tenant_id, id, $3, $4, $5, $6, $7, $8, $9 FROM accounts WHERE tenant_id = $1 AND id = $2`,
			c.TenantID, c.AccountID, c.At, actor.ID, actor.Name, string(c.Verdict), nonNil(c.EnforcedBy), policies, disagreements)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return inventory.Errorf(inventory.ENOTFOUND, "Account %s is not in tenant %s.", c.AccountID, c.TenantID)
		}
		to := "agrees"
		texts := make([]string, len(c.Disagreements))
		for i, d := range c.Disagreements {
			texts[i] = d.Text
		}
		if len(texts) > 0 {
			to = "disagrees on " + strconv.Itoa(len(texts)) + " " + plural(len(texts), "policy", "policies")
		}
		var applied []string
		for _, p := range c.Policies {
			if p.Applies {
				applied = append(applied, p.Name)
			}
		}
		return recordAs(ctx, tx, actor, AuditEvent{
			TenantID: c.TenantID, AccountID: c.AccountID, Action: inventory.ActionWhatIf,
			From: c.Verdict.Label(), To: "Microsoft " + to, Reason: strings.Join(texts, "; "),
			Details: map[string]any{"applied": nonNil(applied), "disagreements": len(texts)},
		})
	})
}

// LatestWhatIf returns the newest answer kept for an account, nil when
// nobody has asked yet.
func (s *Store) LatestWhatIf(ctx context.Context, tenantID, accountID string) (*inventory.WhatIfCheck, error) {
	c := inventory.WhatIfCheck{TenantID: tenantID, AccountID: accountID}
	var verdict string
	var policies, disagreements []byte
	err := s.pool.QueryRow(ctx, `
		SELECT checked_at, actor_name, verdict, enforced_by, policies, disagreements
		FROM whatif_checks WHERE tenant_id = $1 AND account_id = $2
		ORDER BY checked_at DESC, id DESC LIMIT 1`, tenantID, accountID).
		Scan(&c.At, &c.ActorName, &verdict, &c.EnforcedBy, &policies, &disagreements)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("store: latest what-if answer: %w", err)
	}
	c.At, c.Verdict = c.At.UTC(), inventory.Compliance(verdict)
	if err := json.Unmarshal(policies, &c.Policies); err != nil {
		return nil, fmt.Errorf("store: latest what-if answer: policies: %w", err)
	}
	if err := json.Unmarshal(disagreements, &c.Disagreements); err != nil {
		return nil, fmt.Errorf("store: latest what-if answer: disagreements: %w", err)
	}
	return &c, nil
}

// WhatIfDisagreements counts the accounts still in the tenant whose newest
// What-If answer disagrees with mfaboard, and how many were asked at all.
func (s *Store) WhatIfDisagreements(ctx context.Context, tenantID string) (disagree, asked int, err error) {
	err = s.pool.QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE l.disagrees), count(*)
		FROM (SELECT DISTINCT ON (account_id) account_id, disagrees FROM whatif_checks
		      WHERE tenant_id = $1 ORDER BY account_id, checked_at DESC, id DESC) l
		JOIN accounts a ON a.tenant_id = $1 AND a.id = l.account_id AND a.removed_at IS NULL`, tenantID).
		Scan(&disagree, &asked)
	if err != nil {
		return 0, 0, fmt.Errorf("store: what-if disagreements: %w", err)
	}
	return disagree, asked, nil
}

// OpenAccountIDs lists the ids of a tenant's open accounts (non-compliant or
// at risk, still in the tenant), by UPN.
func (s *Store) OpenAccountIDs(ctx context.Context, tenantID string) ([]string, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT a.id FROM accounts a JOIN assessments s ON s.tenant_id = a.tenant_id AND s.account_id = a.id
		WHERE a.tenant_id = $1 AND a.removed_at IS NULL AND s.compliance IN ('non_compliant', 'at_risk')
		ORDER BY lower(a.upn), a.id`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: open accounts: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("store: open accounts: %w", err)
	}
	return ids, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Verdict returns an account's stored verdict and what enforced MFA on it;
// an account never assessed is ENOTFOUND.
func (s *Store) Verdict(ctx context.Context, tenantID, accountID string) (inventory.Compliance, []string, error) {
	var c string
	var by []string
	err := s.pool.QueryRow(ctx, `SELECT compliance, enforced_by FROM assessments WHERE tenant_id = $1 AND account_id = $2`,
		tenantID, accountID).Scan(&c, &by)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return "", nil, inventory.Errorf(inventory.ENOTFOUND, "Account %s has no verdict in tenant %s yet.", accountID, tenantID)
	case err != nil:
		return "", nil, fmt.Errorf("store: verdict: %w", err)
	}
	return inventory.Compliance(c), by, nil
}
