package pg

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

// MoveCard moves an account's card to another column for actor, on the
// version of the card the person saw, with an optional reason, and records
// the move. Leaving exception_requested withdraws the request (its
// requester) or rejects it (a security lead); leaving exception_granted
// revokes the exception. A stale version is a *ConflictError; a move the
// workflow or the actor's role forbids is the refusal of inventory.CanMove;
// an account not in the tenant is ENOTFOUND.
func (s *Store) MoveCard(ctx context.Context, actor inventory.Actor, tenantID, accountID string, to inventory.Status, version int64, reason string) (inventory.Card, error) {
	reason, err := inventory.CleanText("The reason", reason, inventory.MaxReasonLength)
	if err != nil {
		return inventory.Card{}, err
	}
	return s.onCard(ctx, "move card", tenantID, accountID, version, func(tx pgx.Tx, cur cardRow) (inventory.Card, error) {
		plan, err := planMove(ctx, tx, tenantID, actor, cur.Card, to, reason)
		if err != nil {
			return inventory.Card{}, err
		}
		n, err := applyMoves(ctx, tx, actor, []plannedMove{{tenantID, plan}})
		if err != nil {
			return inventory.Card{}, err
		}
		if n != 1 {
			return inventory.Card{}, fmt.Errorf("card %s moved %d times", accountID, n)
		}
		after, err := readCard(ctx, tx, tenantID, accountID, "")
		return after.Card, err
	})
}

// planMove is inventory.PlanMove for a card read by the store. A refusal
// is planned again with the cause of the account's verdict (the first
// reason of its assessment) on the card, so that a refused verify names it;
// only a refusal reads it.
func planMove(ctx context.Context, tx pgx.Tx, tenantID string, actor inventory.Actor, c inventory.Card, to inventory.Status, reason string) (inventory.MovePlan, error) {
	plan, refused := inventory.PlanMove(actor, c, to, reason)
	if refused == nil {
		return plan, nil
	}
	err := tx.QueryRow(ctx, `SELECT coalesce(reasons[1], '') FROM assessments WHERE tenant_id = $1 AND account_id = $2`,
		tenantID, c.AccountID).Scan(&c.Cause)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return plan, refused
	case err != nil:
		return plan, fmt.Errorf("read the cause of %s's verdict: %w", c.AccountID, err)
	}
	return inventory.PlanMove(actor, c, to, reason)
}

// plannedMove is one card's move, planned by inventory.PlanMove, waiting
// to be written in its tenant.
type plannedMove struct {
	tenantID string
	inventory.MovePlan
}

// applyMoves writes moves by one actor in one statement, whatever their
// number: the cards, their exceptions, and an audit event each. A card whose
// status or version is no longer the one the move was decided on is left
// alone (it changed meanwhile); the number of cards moved is returned.
func applyMoves(ctx context.Context, tx pgx.Tx, actor inventory.Actor, moves []plannedMove) (int, error) {
	if len(moves) == 0 {
		return 0, nil
	}
	cols := make([][]string, 7)
	versions := make([]int64, len(moves))
	for i, m := range moves {
		for j, v := range []string{m.tenantID, m.AccountID, string(m.From), string(m.To), m.Reason, m.Action, m.ExceptionEnd} {
			cols[j] = append(cols[j], v)
		}
		versions[i] = m.Version
	}
	var decider any // the person who rejects a request by moving it
	if !actor.System {
		decider = actor.ID
	}
	tag, err := tx.Exec(ctx, `
		WITH m AS (
			SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
			                     $7::text[], $8::bigint[])
				AS m(tenant_id, account_id, from_status, to_status, reason, action, exception_end, version)
		),
		moved AS (
			UPDATE cards c SET
				status = m.to_status, status_since = now(), status_reason = m.reason, version = c.version + 1,
				updated_at = now(), updated_by = $9, updated_by_name = $10,
				exception_requester = CASE WHEN m.to_status IN ('exception_requested', 'exception_granted')
				                           THEN c.exception_requester END
			FROM m
			WHERE c.tenant_id = m.tenant_id AND c.account_id = m.account_id
			  AND c.status = m.from_status AND c.version = m.version
			RETURNING c.tenant_id, c.account_id, m.from_status, m.to_status, m.reason, m.action, m.exception_end
		),
		ended AS (
			UPDATE exceptions e SET
				status = moved.exception_end,
				ended_at = CASE WHEN moved.exception_end <> 'rejected' THEN now() END,
				decided_by = CASE WHEN moved.exception_end = 'rejected' THEN $11::uuid ELSE e.decided_by END,
				decided_by_name = CASE WHEN moved.exception_end = 'rejected' THEN $10 ELSE e.decided_by_name END,
				decided_at = CASE WHEN moved.exception_end = 'rejected' THEN now() ELSE e.decided_at END,
				decision_note = CASE WHEN moved.exception_end = 'rejected' THEN moved.reason ELSE e.decision_note END
			FROM moved
			WHERE moved.exception_end <> '' AND e.tenant_id = moved.tenant_id
			  AND e.account_id = moved.account_id AND e.status IN ('requested', 'granted')
			RETURNING e.tenant_id, e.account_id, e.id
		)
		INSERT INTO audit_events (actor_id, actor_name, tenant_id, account_id, action, from_value,
		                          to_value, reason, details)
		SELECT $9, $10, moved.tenant_id, moved.account_id, moved.action, moved.from_status,
		       moved.to_status, moved.reason,
		       CASE WHEN ended.id IS NOT NULL THEN jsonb_build_object('exception_id', ended.id) END
		FROM moved
		LEFT JOIN ended ON ended.tenant_id = moved.tenant_id AND ended.account_id = moved.account_id`,
		cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6], versions,
		actor.ID, actor.Name, decider)
	if err != nil {
		return 0, fmt.Errorf("move cards: %w", err)
	}
	return int(tag.RowsAffected()), nil
}
