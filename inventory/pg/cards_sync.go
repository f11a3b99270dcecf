package pg

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

// A sync keeps the board honest, inside its own transaction: every account
// it has just found gets a card in triage, every card's copy of the
// account's facts is refreshed, and the cards inventory.AfterSync moves
// (verified when compliant, reopened when no longer) move, each with an
// audit event by "sync". All of it is set-based: a handful of statements
// whatever the tenant's size.

// cardRankSQL orders a column (cards.rank, see the migration): privileged
// and break-glass accounts first, then non-compliant, then at risk.
var cardRankSQL = `(CASE WHEN s.markers && ` + sqlArray(inventory.PrivilegedMarkers) +
	` THEN 0 ELSE 3 END + CASE s.compliance WHEN '` + string(inventory.NonCompliant) + `' THEN 0 WHEN '` +
	string(inventory.AtRisk) + `' THEN 1 ELSE 2 END)`

// cardFacts are the columns of cards copied from the account (a) and its
// assessment (s), and the values they take.
var (
	cardFactColumns = `upn, display_name, category, path, compliance, markers, rank, upn_key, active`
	cardFactValues  = `a.upn, a.display_name, coalesce(s.category, ''), coalesce(s.path, ''),
		coalesce(s.compliance, ''), coalesce(s.markers, '{}'), coalesce(` + cardRankSQL + `, 5), lower(a.upn),
		a.removed_at IS NULL`
)

// syncFollows are the statuses whose cards follow a sync's verdict: those
// inventory.AfterSync may move for some verdict. Only those cards are read.
var syncFollows = func() []string {
	var out []string
	for _, st := range inventory.Statuses {
		for _, v := range inventory.Compliances {
			if _, changed, _ := inventory.AfterSync(inventory.Card{Status: st}, v); changed {
				out = append(out, string(st))
				break
			}
		}
	}
	return out
}()

// syncCards brings a tenant's board in step with the accounts and
// assessments a sync has just written.
func syncCards(ctx context.Context, tx pgx.Tx, tenantID string) (created, moved int, err error) {
	status, _, reason := inventory.AfterSync(inventory.Card{}, "")
	actor := inventory.SyncActor
	tag, err := tx.Exec(ctx, `
		WITH created AS (
			INSERT INTO cards (tenant_id, account_id, status, updated_by, updated_by_name, `+cardFactColumns+`)
			SELECT a.tenant_id, a.id, $2, $4, $5, `+cardFactValues+`
			FROM accounts a
			LEFT JOIN assessments s ON s.tenant_id = a.tenant_id AND s.account_id = a.id
			WHERE a.tenant_id = $1 AND a.removed_at IS NULL
			  AND NOT EXISTS (SELECT 1 FROM cards c WHERE c.tenant_id = a.tenant_id AND c.account_id = a.id)
			ORDER BY a.id -- the indexes on account ids fill in order
			RETURNING tenant_id, account_id
		)
		INSERT INTO audit_events (actor_id, actor_name, tenant_id, account_id, action, to_value, reason)
		SELECT $4, $5, tenant_id, account_id, '`+inventory.ActionCardCreated+`', $2, $3 FROM created`,
		tenantID, string(status), reason, actor.ID, actor.Name)
	if err != nil {
		return 0, 0, fmt.Errorf("create cards: %w", err)
	}
	created = int(tag.RowsAffected())
	if err := refreshCardFacts(ctx, tx, tenantID, false); err != nil {
		return 0, 0, err
	}
	moves, err := syncMoves(ctx, tx, tenantID)
	if err != nil {
		return 0, 0, err
	}
	moved, err = applyMoves(ctx, tx, actor, moves)
	return created, moved, err
}

// refreshCardFacts copies the accounts' facts into their cards, writing
// only the cards whose facts changed. onlyStaged limits it to the accounts
// of staging_assessments (a reassessment of some accounts).
func refreshCardFacts(ctx context.Context, tx pgx.Tx, tenantID string, onlyStaged bool) error {
	staged := ""
	if onlyStaged {
		staged = ` AND c.account_id IN (SELECT account_id FROM staging_assessments)`
	}
	_, err := tx.Exec(ctx, `
		UPDATE cards c SET (`+cardFactColumns+`) = ROW(`+cardFactValues+`)
		FROM accounts a
		LEFT JOIN assessments s ON s.tenant_id = a.tenant_id AND s.account_id = a.id
		WHERE c.tenant_id = $1 AND a.tenant_id = c.tenant_id AND a.id = c.account_id`+staged+`
		  AND (`+prefixed("c.", cardFactColumns)+`) IS DISTINCT FROM (`+cardFactValues+`)`, tenantID)
	if err != nil {
		return fmt.Errorf("refresh cards: %w", err)
	}
	return nil
}

// prefixed writes a list of columns with a table alias before each.
func prefixed(alias, columns string) string {
	names := strings.Split(columns, ",")
	for i, n := range names {
		names[i] = alias + strings.TrimSpace(n)
	}
	return strings.Join(names, ", ")
}

// syncMoves reads the cards that follow the verdict and decides their moves
// with inventory.AfterSync.
func syncMoves(ctx context.Context, tx pgx.Tx, tenantID string) ([]plannedMove, error) {
	rows, err := tx.Query(ctx, `
		SELECT c.account_id, c.status, c.version, coalesce(c.assignee_id::text, ''),
		       coalesce(c.exception_requester::text, ''), c.compliance
		FROM cards c
		WHERE c.tenant_id = $1 AND c.active AND c.status = ANY($2)`, tenantID, syncFollows)
	if err != nil {
		return nil, fmt.Errorf("read cards: %w", err)
	}
	defer rows.Close()
	var moves []plannedMove
	for rows.Next() {
		var (
			c       inventory.Card
			verdict inventory.Compliance
		)
		if err := rows.Scan(&c.AccountID, &c.Status, &c.Version, &c.Assignee, &c.ExceptionRequester, &verdict); err != nil {
			return nil, fmt.Errorf("read cards: %w", err)
		}
		to, changed, reason := inventory.AfterSync(c, verdict)
		if !changed {
			continue
		}
		plan, err := inventory.PlanMove(inventory.SyncActor, c, to, reason)
		if err != nil {
			return nil, fmt.Errorf("the sync's move of %s: %w", c.AccountID, err)
		}
		moves = append(moves, plannedMove{tenantID, plan})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read cards: %w", err)
	}
	return moves, nil
}
